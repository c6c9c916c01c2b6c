//! CSRF protection for the public forms, where visitors have no session: a random token in a
//! SameSite=Strict, HttpOnly cookie that every form repeats in a hidden field (double submit), plus the
//! `Origin` check. A cross-site page can neither read the cookie nor set it.
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};

use crate::error::AppError;
use crate::tokens::constant_time_eq;
use crate::web::auth::check_origin;

pub const CSRF_COOKIE: &str = "mq_csrf";

/// A page carrying a form with the visitor's token: HTML, `no-store` (a shared cache must never
/// keep one visitor's token for another), and the token's cookie when it is new.
pub fn form_page(
    status: StatusCode,
    cookie: Option<Cookie<'static>>,
    html: String,
) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(cookie) = cookie {
        response.cookie(cookie);
    }
    response.body(html)
}

/// The visitor's token, and the cookie to set when they have none yet.
pub fn visitor_token(
    req: &HttpRequest,
    secure: bool,
) -> Result<(String, Option<Cookie<'static>>), AppError> {
    if let Some(c) = req
        .cookie(CSRF_COOKIE)
        .filter(|c| c.value().len() == 64 && c.value().bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Ok((c.value().to_owned(), None));
    }
    let token = crate::tokens::random_token()?;
    let cookie = Cookie::build(CSRF_COOKIE, token.clone())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .finish();
    Ok((token, Some(cookie)))
}

/// Refuses (403) a public POST whose field does not repeat the cookie, or that comes from elsewhere.
pub fn check_visitor_token(req: &HttpRequest, field: &str) -> Result<(), AppError> {
    check_origin(req)?;
    let cookie = req.cookie(CSRF_COOKIE).ok_or(AppError::Forbidden)?;
    if field.is_empty() || !constant_time_eq(cookie.value().as_bytes(), field.as_bytes()) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Refuses (403) a POST from a form on a page every visitor gets from the cache (the contact
/// block, the newsletter sign-up in the footer): such a form cannot carry a visitor's token, so
/// one it carries is checked as usual, and without one the browser's `Origin` must be present and
/// this site's (every browser sends it with a form POST). What these forms do asks for nothing a
/// visitor holds (no session): a forged POST could only send what anyone can send by hand, and
/// the newsletter's double opt-in still waits for the mailbox owner's click.
pub fn check_cached_form(req: &HttpRequest, field: &str) -> Result<(), AppError> {
    if !field.is_empty() {
        return check_visitor_token(req, field);
    }
    if !req.headers().contains_key(header::ORIGIN) {
        return Err(AppError::Forbidden);
    }
    check_origin(req)
}
