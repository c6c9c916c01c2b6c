//! Pages rendered before anyone asks. At start, and after every change for the addresses it
//! invalidated, each instance renders its public pages in the background into the page cache and
//! its spill file, so a visitor or a crawler almost never meets a page that is not ready. The query
//! and template run here, one page at a time; the compression, most of a page's cost, runs on the
//! low-priority thread, so visitors' requests always come first and a busy machine only slows this
//! down. A page a visitor met first was compressed quickly for them; it is queued here to be
//! compressed better.
use std::sync::Arc;

use actix_web::web;

use super::articles::public::{self as articles_public, Found};
use super::articles::{self, index::Filter};
use super::model::Slug;
use crate::error::AppError;
use crate::web::low_priority;
use crate::web::page_cache::Held;
use crate::web::render_queue::{Next, queue, render_everything};
use crate::web::rendered_page::Document;
use crate::web::state::AppState;

/// Starts rendering every public page in the background, and whatever changes invalidate later.
/// Runs until the process ends.
/// Does nothing when `MAGNETIQ_PRERENDER` is off.
pub fn spawn(state: &web::Data<AppState>) {
    if queue(state).is_none() {
        return;
    }
    let state = state.clone();
    render_everything(&state);
    tokio::spawn(async move {
        loop {
            let Some(queue) = queue(&state) else { return };
            match queue.next() {
                Next::Everything => {
                    let paths = all_paths(&state);
                    queue.push(&paths);
                }
                Next::Path(path) => {
                    work_on(&state, path).await;
                    tokio::task::yield_now().await;
                }
                Next::Idle => queue.wait().await,
            }
        }
    });
}

/// Every public address the page cache keeps: each visible page in every language, then the
/// articles section's lists, feeds and articles.
pub fn all_paths(state: &AppState) -> Vec<String> {
    let now = crate::db::now();
    let langs = state.config.languages.all();
    let tree = super::tree(state);
    let mut paths: Vec<String> = tree
        .visible(now)
        .flat_map(|p| {
            langs
                .iter()
                .map(|&lang| super::page_path(lang, p.slug_in(lang)))
        })
        .collect();
    paths.extend(articles::public_paths(
        &articles::current(state),
        langs,
        now,
    ));
    paths
}

async fn work_on(state: &web::Data<AppState>, path: String) {
    let now = crate::db::now();
    match state.page_cache.held(&path, now) {
        Held::Kept => {}
        Held::Quick => {
            let state = state.clone();
            low_priority::run(move || state.page_cache.improve(&path, now)).await;
        }
        Held::Nothing => match render(state, &path).await {
            Ok(Some(document)) => {
                if let Some(page) = low_priority::run(move || document.kept()).await {
                    state.page_cache.insert_prerendered(&path, Arc::new(page));
                }
            }
            Ok(None) | Err(AppError::NotFound) => {}
            Err(error) => tracing::warn!(%error, path, "cannot render a page ahead of time"),
        },
    }
}

/// What a visitor asking for `path` would be shown, as routing would find it: `None` for an address
/// that is not a cached page (or moved).
pub async fn render(state: &AppState, path: &str) -> Result<Option<Document>, AppError> {
    let Some((lang, rest)) = path
        .strip_prefix('/')
        .and_then(|p| p.split_once('/'))
        .and_then(|(lang, rest)| Some((state.config.languages.find(lang)?, rest)))
    else {
        return Ok(None);
    };
    let page = |slug: &str| Slug::parse(slug).map_err(|_| AppError::NotFound);
    if rest.is_empty() {
        return Ok(Some(
            super::public::page_document(state, lang, &page(Slug::HOME)?).await?,
        ));
    }
    if rest == "feed.xml" {
        return Ok(Some(
            articles_public::language_feed_document(state, lang).await?,
        ));
    }
    let index = articles::current(state);
    let (first, below) = match rest.split_once('/') {
        Some((first, below)) => (first, Some(below)),
        None => (rest, None),
    };
    if first == index.sections.segment(lang) && !index.shadowed.contains(&lang) {
        return Ok(match below {
            None => Some(articles_public::list_document(state, lang, Filter::All, 1)?),
            Some(below) => match articles_public::within_document(state, lang, below).await? {
                Found::Document(document) => Some(document),
                Found::Moved(_) => None,
            },
        });
    }
    match (first, below) {
        (slug, None) => Ok(Some(
            super::public::page_document(state, lang, &page(slug)?).await?,
        )),
        ("authors", Some(below)) => {
            let (slug, n) = match below.split_once("/page/") {
                Some((slug, n)) => (slug, n.parse().map_err(|_| AppError::NotFound)?),
                None => (below, 1),
            };
            Ok(Some(articles_public::author_document(
                state, lang, slug, n,
            )?))
        }
        _ => Ok(None),
    }
}
