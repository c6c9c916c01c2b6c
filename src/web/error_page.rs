//! The localized error page every 4xx/5xx response becomes (including the ones actix itself
//! produces: unknown routes, bad or oversized bodies): a step above `AppError`, which knows no page
//! frame, registered in `app.rs`.
use std::sync::Arc;

use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpResponse, web};
use askama::Template;

use crate::i18n::{LANG_COOKIE, Lang, negotiate};
use crate::web::compression::Accepted;
use crate::web::layout::{Here, Layout};
use crate::web::page_cache::{Hit, RenderedPage};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "public/error.html")]
struct ErrorPage<'a> {
    layout: Layout<'a>,
    status: u16,
    heading: &'a str,
    message: &'a str,
    request_id: Option<String>,
}

/// Replaces a plain-text error response with the localized error page (in the language of the URL,
/// else the visitor's), logging server faults once with a request id the page shows.
pub fn localized_error_page<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_plain = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|ct| ct.as_bytes().starts_with(b"text/plain"));
    let Some(state) = res.request().app_data::<web::Data<AppState>>().cloned() else {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    if !is_plain {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let request_id = status.is_server_error().then(|| {
        res.request()
            .extensions()
            .get::<crate::web::observe::RequestId>()
            .map_or_else(next_request_id, |id| id.0.clone())
    });
    if let Some(id) = &request_id {
        let error = res
            .response()
            .error()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        tracing::error!(request_id = %id, method = %res.request().method(), path = %res.request().path(), %status, %error, "request failed");
    }
    let lang = visitor_lang(&res, &state);
    let page = match request_id {
        Some(id) => ErrorBody::Once(render_error(&state, lang, status, Some(id))),
        None => ErrorBody::Kept(kept_error_page(&state, lang, status, res.request())),
    };
    let mut response = HttpResponse::build(status);
    response.content_type("text/html; charset=utf-8");
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(allow) = res.response().headers().get(header::ALLOW) {
        response.insert_header((header::ALLOW, allow.clone()));
    }
    match res.response().headers().get(header::RETRY_AFTER) {
        Some(retry_after) => {
            response.insert_header((header::RETRY_AFTER, retry_after.clone()));
        }
        None if status == StatusCode::SERVICE_UNAVAILABLE => {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        None => {}
    }
    let (req, _) = res.into_parts();
    let response = match page {
        ErrorBody::Once(html) => response.body(html),
        ErrorBody::Kept(hit) => {
            response.insert_header((header::VARY, "Accept-Encoding"));
            if let Some(coding) = hit.coding.content_encoding() {
                response.insert_header((header::CONTENT_ENCODING, coding));
            }
            response.body(hit.body)
        }
    };
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body::<B>(),
    ))
}

enum ErrorBody {
    /// A page for this request only (it shows the request id).
    Once(String),
    /// The page every visitor gets for this status in this language.
    Kept(Hit),
}

/// Error pages without a request id are the same for every visitor of a language: rendered and
/// compressed once per content change and kept in the page cache under a key no address can have
/// (addresses start with `/`), so a crawler asking for missing pages costs a lookup each.
fn kept_error_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    req: &actix_web::HttpRequest,
) -> Hit {
    let key = format!("#{}/{lang}", status.as_u16());
    let accepted = Accepted::from_headers(req.headers());
    let now = crate::db::now();
    if let Some(hit) = state.page_cache.get(&key, accepted, now) {
        return hit;
    }
    let generation = state.page_cache.generation();
    let html = render_error(state, lang, status, None);
    let until = crate::web::layout::unchanged_until(state, now);
    let page = Arc::new(RenderedPage::new(html, lang, until, generation));
    let hit = page.hit(accepted);
    state.page_cache.insert(&key, page);
    hit
}

fn render_error(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    request_id: Option<String>,
) -> String {
    let layout = Layout::new(state, lang, Here::Elsewhere, crate::db::now());
    let (heading, message) = match status.as_u16() {
        400 => ("error-400-title", "error-400-text"),
        403 => ("error-403-title", "error-403-text"),
        404 | 405 => ("error-404-title", "error-404-text"),
        413 => ("error-413-title", "error-413-text"),
        429 => ("error-429-title", "error-429-text"),
        503 => ("error-503-title", "error-503-text"),
        s if s >= 500 => ("error-500-title", "error-500-text"),
        _ => ("error-400-title", "error-400-text"),
    };
    let ui = layout.ui;
    let page = ErrorPage {
        status: status.as_u16(),
        heading: ui.t(heading),
        message: ui.t(message),
        request_id,
        layout,
    };
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "error page failed to render");
        format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error")
        )
    })
}

/// The language of the URL (`/de/...`), else the `lang` cookie or the browser's preference.
fn visitor_lang<B>(res: &ServiceResponse<B>, state: &AppState) -> Lang {
    let req = res.request();
    let langs = &state.config.languages;
    let from_path = req
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .and_then(|seg| langs.find(seg));
    from_path.unwrap_or_else(|| {
        let cookie = req.cookie(LANG_COOKIE);
        let accept = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        negotiate(cookie.as_ref().map(|c| c.value()), accept, langs)
    })
}

/// A short id that ties a 500 page to its log line.
fn next_request_id() -> String {
    crate::web::observe::new_request_id()
}
