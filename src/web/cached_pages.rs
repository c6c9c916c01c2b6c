//! Pages answered from the rendered-page cache: the middleware in front of routing that answers a
//! cached page like a reverse proxy would, and the answer itself (the `lang` cookie only for a
//! visitor who switched language).
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use std::sync::atomic::Ordering;

use super::compression::Accepted;
use super::page_cache::Hit;
use super::state::AppState;
use crate::db;
use crate::i18n::{LANG_COOKIE, negotiate};

/// A cached page's answer. The `lang` cookie is set only when the visitor reads in another language
/// than the one `/` would send them to (they switched): every other answer carries no cookie, so a
/// shared cache may keep it. A request with neither the cookie nor `Accept-Language` (a crawler, a
/// monitor) says nothing to remember.
pub fn answer(req: &HttpRequest, state: &AppState, hit: Hit) -> HttpResponse {
    let lang = hit.lang;
    let cookie = cookie_value(req, LANG_COOKIE);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let switched = (cookie.is_some() || accept.is_some())
        && negotiate(cookie, accept, &state.config.languages) != lang;
    if !switched {
        return hit.respond(req, state.public_cache_control.clone());
    }
    let mut response = hit.respond(req, HeaderValue::from_static("private, no-cache"));
    let cookie = Cookie::build(LANG_COOKIE, lang.to_string())
        .path("/")
        .max_age(CookieDuration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .finish();
    // A cookie built from a language code always encodes into a valid header.
    let _ = response.add_cookie(&cookie);
    response
}

/// One cookie's value, read straight from the `Cookie` header (actix's cookie jar parses and allocates
/// every cookie, which a cached page cannot afford).
fn cookie_value<'r>(req: &'r HttpRequest, name: &str) -> Option<&'r str> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.trim_matches('"'))
        })
}

/// Marks a request answered before routing, with the name the request log and metrics give it
/// (no route was matched: that is what answering early saves).
#[derive(Clone, Copy)]
pub struct CachedAnswer(pub &'static str);

/// What the log and metrics call an embedded asset answered before routing.
pub const ASSET_ROUTE: &str = "/static/{asset}";

/// The middleware in front of routing: a GET or HEAD for a page in the cache, and a GET for an
/// embedded asset (the style sheet, icons), is answered at once, like a reverse proxy would, without
/// matching routes or running a handler.
pub async fn serve_cached_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if *req.method() == Method::GET
        && req.path().starts_with("/static/")
        && let Some(assets) = req.app_data::<web::Data<super::assets::StaticAssets>>()
        && let Some(response) = super::assets::embedded_answer(req.request(), assets)
    {
        req.extensions_mut().insert(CachedAnswer(ASSET_ROUTE));
        return Ok(req.into_response(response).map_into_right_body());
    }
    if matches!(*req.method(), Method::GET | Method::HEAD)
        && !is_after_form(req.query_string())
        && let Some(state) = req.app_data::<web::Data<AppState>>()
        && let Some(hit) =
            state
                .page_cache
                .get(req.path(), Accepted::from_headers(req.headers()), db::now())
    {
        state.page_cache.hits.fetch_add(1, Ordering::Relaxed);
        req.extensions_mut()
            .insert(CachedAnswer(super::metrics::CACHED_ROUTE));
        let response = answer(req.request(), state, hit);
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// A page asked for after a form did its work (`?sent=…`) says thank you to one visitor: it is
/// made for that request, never answered from or kept in the cache.
pub fn is_after_form(query: &str) -> bool {
    query.starts_with("sent=") || query.contains("&sent=")
}
