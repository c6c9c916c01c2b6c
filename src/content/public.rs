//! Public page handlers: `/`, `/{lang}/`, `/{lang}/{slug}`.
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::model::Slug;
use super::store;
use super::view::PageTemplate;
use crate::content::page_path;
use crate::db;
use crate::error::AppError;
use crate::i18n::{LANG_COOKIE, Lang, negotiate};
use crate::web::compression::Coding;
use crate::web::page_cache::{self, RenderedPage};
use crate::web::state::AppState;

/// GET `/`: 303 to the visitor's language.
pub async fn root(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let cookie = req.cookie(LANG_COOKIE);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = negotiate(
        cookie.as_ref().map(|c| c.value()),
        accept,
        &state.config.languages,
    );
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/{lang}/")))
        .insert_header((header::VARY, "Accept-Language, Cookie"))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .finish()
}

/// GET `/{lang}`: the home page lives at `/{lang}/`.
pub async fn lang_root(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = state
        .config
        .languages
        .find(&path)
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, format!("/{lang}/")))
        .finish())
}

/// GET `/{lang}/` (when the page is not in the rendered-page cache, which answers before routing).
pub async fn home(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = state
        .config
        .languages
        .find(&path)
        .ok_or(AppError::NotFound)?;
    let slug = Slug::parse(Slug::HOME).map_err(|_| AppError::NotFound)?;
    show_page(&req, &state, lang, &slug).await
}

/// GET `/{lang}/{slug}` (likewise).
pub async fn page(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug) = path.into_inner();
    let lang = state
        .config
        .languages
        .find(&lang)
        .ok_or(AppError::NotFound)?;
    let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    if slug.is_home() {
        return Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("/{lang}/")))
            .finish());
    }
    show_page(&req, &state, lang, &slug).await
}

async fn show_page(
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
    slug: &Slug,
) -> Result<HttpResponse, AppError> {
    let path = page_path(lang, slug.as_str());
    if req.path() != path {
        // The same page under another spelling of its address (e.g. percent-encoded letters).
        return Ok(moved_permanently(&path, req.query_string()));
    }
    let now = db::now();
    // Read the generation before the data: a page edited meanwhile is then not cached stale.
    let generation = state.page_cache.generation();
    let (page, blocks) = store::published_page(&state.db, slug, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let tree = crate::content::tree(state);
    let html = PageTemplate::new(state, &tree, &page, &blocks, lang, now).render()?;
    let rendered = Arc::new(RenderedPage::new(
        html,
        lang,
        crate::web::layout::unchanged_until(state, now),
        generation,
    ));
    let hit = rendered.hit(Coding::for_stored(req.headers()));
    state.page_cache.insert(&path, rendered);
    Ok(page_cache::answer(req, state, hit))
}

/// 301 to `path`, keeping the query (campaign parameters survive the hop).
pub fn moved_permanently(path: &str, query: &str) -> HttpResponse {
    let location = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, location))
        .finish()
}
