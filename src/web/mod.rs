//! Cross-cutting HTTP: shared state, the page frame, security headers, caching, static assets, health.
pub mod admin_layout;
pub mod assets;
pub mod auth;
pub mod cached_pages;
pub mod caching;
pub mod canonical;
pub mod client;
pub mod compression;
pub mod csrf;
pub mod error_page;
pub mod export;
pub mod frame_parts;
pub mod head;
pub mod headers;
pub mod health;
pub mod layout;
pub mod low_priority;
pub mod metrics;
pub mod observe;
pub mod page_cache;
pub mod rate_limit;
pub mod render_queue;
pub mod rendered_page;
pub mod request_log;
pub mod sessions;
pub mod sitemap;
pub mod state;

/// Which page of an admin list is shown: `page` of `pages` (1-based; the one asked for, kept in
/// range), whose rows start at `offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub pages: i64,
    pub offset: i64,
}

impl Paging {
    /// The page `asked` for of `total` rows, `per_page` at a time (at least one page, even empty).
    pub fn of(total: i64, asked: Option<i64>, per_page: i64) -> Paging {
        let pages = ((total + per_page - 1) / per_page).max(1);
        let page = asked.unwrap_or(1).clamp(1, pages);
        Paging {
            page,
            pages,
            offset: (page - 1) * per_page,
        }
    }
}

/// A 303 redirect: where a browser goes after a form did its work.
/// 303 to `location`; 400 when it cannot be a header (a CR or LF that came from a form field):
/// bad input, never a fault.
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    match actix_web::http::header::HeaderValue::from_str(location) {
        Ok(value) => actix_web::HttpResponse::SeeOther()
            .insert_header((actix_web::http::header::LOCATION, value))
            .finish(),
        Err(_) => actix_web::HttpResponse::BadRequest().finish(),
    }
}

/// A list's filters as its query string (`status=new&from=2026-12-01`), empty ones left out: what
/// the list's paging and CSV links carry.
pub fn filter_query(filters: &[(&str, &Option<String>)]) -> String {
    filters
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", percent_encode(v, b"")))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A page made for one signed-in person (a secret, someone's details): never stored by a cache.
pub fn private_html(status: actix_web::http::StatusCode, body: String) -> actix_web::HttpResponse {
    let mut response = html(status, body);
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    response
}

/// An HTML page with `status`.
pub fn html(status: actix_web::http::StatusCode, body: String) -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_keeps_the_asked_page_in_range() {
        let at = |total, asked| Paging::of(total, asked, 50);
        let page = |page, pages, offset| Paging {
            page,
            pages,
            offset,
        };
        assert_eq!(at(0, None), page(1, 1, 0));
        assert_eq!(at(120, Some(3)), page(3, 3, 100));
        assert_eq!(at(120, Some(9)), page(3, 3, 100));
        assert_eq!(at(100, Some(-4)), page(1, 2, 0));
        assert_eq!(at(101, Some(3)).pages, 3);
    }
}
