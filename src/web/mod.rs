//! Cross-cutting HTTP: shared state, the page frame, security headers, caching, static assets, health.
pub mod admin_layout;
pub mod assets;
pub mod auth;
pub mod caching;
pub mod csrf;
pub mod headers;
pub mod health;
pub mod layout;
pub mod rate_limit;
pub mod state;

/// A 303 redirect: where a browser goes after a form did its work.
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.to_owned()))
        .finish()
}
