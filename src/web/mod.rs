//! Cross-cutting HTTP: shared state, the page frame, security headers, caching, static assets, health.
pub mod admin_layout;
pub mod assets;
pub mod auth;
pub mod caching;
pub mod canonical;
pub mod client;
pub mod compression;
pub mod csrf;
pub mod export;
pub mod head;
pub mod headers;
pub mod health;
pub mod layout;
pub mod observe;
pub mod page_cache;
pub mod rate_limit;
pub mod request_log;
pub mod sitemap;
pub mod state;

/// A 303 redirect: where a browser goes after a form did its work.
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.to_owned()))
        .finish()
}

/// Percent-encodes a value for a URL query: everything but `A-Z a-z 0-9 - . _ ~` (and the characters in
/// `keep`, e.g. `/` for a path carried in a query).
pub fn percent_encode(value: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
