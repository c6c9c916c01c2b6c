//! Public page handlers: `/`, `/{lang}/`, `/{lang}/{slug}`.
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use time::OffsetDateTime;

use super::cache::RenderedPage;
use super::model::Slug;
use super::store;
use super::tree::SiteTree;
use super::view::PageTemplate;
use crate::db;
use crate::error::AppError;
use crate::i18n::{LANG_COOKIE, Lang, negotiate};
use crate::web::caching::client_has;
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

/// GET `/{lang}/`.
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

/// GET `/{lang}/{slug}`.
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
    let now = db::now();
    if let Some(cached) = state.page_cache.get(lang, slug.as_str(), now) {
        return Ok(html_response(req, &cached, lang));
    }
    // Read the generation before the data: a page edited meanwhile is then not cached stale.
    let generation = state.page_cache.generation();
    let (page, blocks) = store::published_page(&state.db, slug, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let tree = state.tree();
    let html = PageTemplate::new(state, &tree, &page, &blocks, lang, now).render()?;
    let rendered = RenderedPage::new(html, valid_until(&tree, now), generation);
    let response = html_response(req, &rendered, lang);
    state.page_cache.insert(lang, slug.as_str(), rendered);
    Ok(response)
}

/// Until when a page rendered at `now` stays right without any edit: the next scheduled publication
/// (navigation may change) or the new year (the footer's copyright year).
fn valid_until(tree: &SiteTree, now: OffsetDateTime) -> OffsetDateTime {
    let new_year = time::Date::from_calendar_date(now.year() + 1, time::Month::January, 1)
        .map(|d| d.midnight().assume_utc())
        .unwrap_or(now);
    tree.next_publication_after(now)
        .map_or(new_year, |t| t.min(new_year))
}

/// A page's HTML with its validator: 304 when the client's copy is current. The `lang` cookie follows
/// the language the visitor last read in, so `/` brings them back to it.
fn html_response(req: &HttpRequest, page: &RenderedPage, lang: Lang) -> HttpResponse {
    let not_modified = client_has(req, &page.etag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, page.etag.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_LANGUAGE, lang.as_str()));
    if req
        .cookie(LANG_COOKIE)
        .is_none_or(|c| c.value() != lang.as_str())
    {
        let cookie = Cookie::build(LANG_COOKIE, lang.to_string())
            .path("/")
            .max_age(CookieDuration::days(365))
            .same_site(SameSite::Lax)
            .http_only(true)
            .finish();
        response.cookie(cookie);
    }
    if not_modified {
        response.finish()
    } else {
        response
            .content_type("text/html; charset=utf-8")
            .body(page.html.clone())
    }
}
