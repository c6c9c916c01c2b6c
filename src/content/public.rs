//! Public page handlers: `/`, `/{lang}/`, `/{lang}/{slug}`.
use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::articles::model::PageKind;
use super::blocks::{Block, BlockKind};
use super::model::Page;
use super::model::Slug;
use super::store;
use super::view::{PageForms, PageTemplate};
use crate::content::page_path;
use crate::db;
use crate::error::AppError;
use crate::i18n::{LANG_COOKIE, Lang, negotiate};
use crate::web::cached_pages;
use crate::web::compression::Accepted;
use crate::web::csrf::{form_page, visitor_token};
use crate::web::rendered_page::Document;
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
    if cached_pages::is_after_form(req.query_string()) {
        let (page, blocks) =
            store::published_page(&state.db, lang, slug, PageKind::Page, db::now())
                .await?
                .ok_or(AppError::NotFound)?;
        let said = web::Query::<Sent>::from_query(req.query_string())
            .map(|q| q.into_inner().sent)
            .unwrap_or_default();
        let sent = match said.as_str() {
            "contact" => Some("contact"),
            "newsletter" => Some("newsletter"),
            _ => None,
        };
        let forms = PageForms {
            sent,
            built_sent: said.strip_prefix("form-").and_then(|id| id.parse().ok()),
            ..PageForms::default()
        };
        return page_with_forms(req, state, lang, &page, &blocks, forms, StatusCode::OK);
    }
    let document = page_document(state, lang, slug).await?;
    // Compressed quickly for the visitor waiting for it, better in the background.
    let rendered = Arc::new(document.quick());
    let hit = rendered.hit(Accepted::from_headers(req.headers()));
    state.page_cache.insert(&path, rendered);
    crate::web::render_queue::improve_later(state, &path);
    Ok(cached_pages::answer(req, state, hit))
}

/// What the published page at `/{lang}/{slug}` shows, rendered to be kept.
pub async fn page_document(
    state: &AppState,
    lang: Lang,
    slug: &Slug,
) -> Result<Document, AppError> {
    let now = db::now();
    // Read the generation before the data: a page edited meanwhile is then not cached stale.
    let generation = state.page_cache.generation();
    let (page, blocks) = store::published_page(&state.db, lang, slug, PageKind::Page, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let tree = crate::content::tree(state);
    rendered_document(state, &tree, lang, (&page, &blocks), generation, now)
}

/// Published pages loaded in one query to be rendered ahead ([`load_pages`], [`render_pages`]).
pub struct LoadedPages {
    /// The addresses asked for: each page's id, and its slug in each language wanted.
    asked: Vec<(i64, Vec<(Lang, String)>)>,
    found: Vec<(Page, Vec<Block>)>,
    generation: u64,
    now: time::OffsetDateTime,
}

/// The published pages [`load_pages`] is `asked` for (by id, with the languages and slugs wanted
/// of each), in one query on `db`: one round trip and one row for a page in all its languages,
/// instead of one for each address.
pub async fn load_pages(
    state: &AppState,
    db: &db::Db,
    asked: Vec<(i64, Vec<(Lang, String)>)>,
) -> Result<LoadedPages, AppError> {
    let now = db::now();
    // Read before the data, as for one page: a page edited meanwhile is then not kept stale.
    let generation = state.page_cache.generation();
    let ids: Vec<i64> = asked.iter().map(|(id, _)| *id).collect();
    let found = store::published_pages(db, &ids, PageKind::Page, now).await?;
    Ok(LoadedPages {
        asked,
        found,
        generation,
        now,
    })
}

/// Renders each page [`load_pages`] found, in each language asked for, to be kept, handing it to
/// `each` with its language and slug as soon as it is (one document at a time in memory). An
/// address whose page answered nothing, or whose slug changed meanwhile, is left out.
pub fn render_pages(
    state: &AppState,
    loaded: &LoadedPages,
    mut each: impl FnMut(Lang, &str, Document),
) -> Result<(), AppError> {
    let tree = crate::content::tree(state);
    let LoadedPages {
        generation, now, ..
    } = *loaded;
    for (page, blocks) in &loaded.found {
        let Some((_, wanted)) = loaded.asked.iter().find(|(id, _)| *id == page.id) else {
            continue;
        };
        for (lang, asked_slug) in wanted {
            // Kept under the address it was asked at, which `page_slugs` and the page agree on.
            let slug = page.slug_in(*lang);
            if slug == asked_slug {
                let document =
                    rendered_document(state, &tree, *lang, (page, blocks), generation, now)?;
                each(*lang, slug, document);
            }
        }
    }
    Ok(())
}

fn rendered_document(
    state: &AppState,
    tree: &crate::content::tree::SiteTree,
    lang: Lang,
    (page, blocks): (&Page, &[Block]),
    generation: u64,
    now: time::OffsetDateTime,
) -> Result<Document, AppError> {
    let html = PageTemplate::new(state, tree, page, blocks, lang, now).render()?;
    let until = crate::web::layout::unchanged_until(state, now);
    Ok(Document::html(html, lang, until, generation))
}

#[derive(serde::Deserialize)]
struct Sent {
    sent: String,
}

/// The published page at `/{lang}/{slug}` with its blocks (for a form on it that was sent); 404
/// when there is none.
pub async fn published_page(
    state: &AppState,
    lang: Lang,
    slug: &str,
) -> Result<(Page, Vec<Block>), AppError> {
    let slug = Slug::parse(slug).map_err(|_| AppError::NotFound)?;
    if let Some(found) =
        store::published_page(&state.db, lang, &slug, PageKind::Page, db::now()).await?
    {
        return Ok(found);
    }
    // A form sent from the page as it was before its address in `lang` changed, or naming it by
    // another language's slug: the page it came from all the same.
    let tree = crate::content::tree(state);
    let page = tree
        .with_any_slug(slug.as_str(), db::now())
        .ok_or(AppError::NotFound)?;
    let slug = Slug::parse(page.slug_in(lang)).map_err(|_| AppError::NotFound)?;
    store::published_page(&state.db, lang, &slug, PageKind::Page, db::now())
        .await?
        .ok_or(AppError::NotFound)
}

/// The topics of the page's contact form in `lang` (empty: the form asks for none); `None` when
/// the page has no contact form.
pub fn contact_topics(blocks: &[Block], lang: Lang, default: Lang) -> Option<Vec<String>> {
    blocks.iter().find_map(|b| match &b.kind {
        BlockKind::ContactForm(c) => Some(c.topics(lang, default)),
        _ => None,
    })
}

/// The page made for one visitor, with what its forms show (`forms`): never cached, `no-store`,
/// with the visitor's form token in its forms.
pub fn page_with_forms(
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
    page: &Page,
    blocks: &[Block],
    mut forms: PageForms,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (token, cookie) = visitor_token(req, state.config.secure_cookies)?;
    forms.token = token;
    let tree = crate::content::tree(state);
    let mut template = PageTemplate::new(state, &tree, page, blocks, lang, db::now());
    template.forms = forms;
    Ok(form_page(status, cookie, template.render()?))
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
