//! Pages rendered before anyone asks. At start, and after every change for the addresses it
//! invalidated, each instance renders its public pages in the background into the page cache and
//! its spill file, so a visitor or a crawler almost never meets a page that is not ready. Pages are
//! loaded many to a query, each once for all its languages (the next query running while the last
//! is rendered), and rendered here; the compression, most of a page's cost, runs on the low-priority
//! thread, so visitors' requests always come first. A page a visitor met first, or one rendered
//! here while visitors were busy, was compressed quickly; it is queued here to be compressed
//! better once they are quiet.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web;

use super::articles::public::{self as articles_public, Found};
use super::articles::{
    self,
    index::{ArticleIndex, Filter},
};
use super::model::Slug;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::low_priority;
use crate::web::page_cache::Held;
use crate::web::render_queue::{Next, queue, render_everything};
use crate::web::rendered_page::Document;
use crate::web::state::AppState;

mod visitors;
use visitors::Visitors;

/// Starts rendering every public page in the background, and whatever changes invalidate later.
/// Runs until the process ends.
/// Does nothing when `MAGNETIQ_PRERENDER` is off.
pub fn spawn(state: &web::Data<AppState>) {
    if queue(state).is_none() {
        return;
    }
    let state = state.clone();
    render_everything(&state);
    tokio::spawn(when_the_site_changes_by_itself(state.clone()));
    tokio::spawn(async move {
        // Visitors meeting pages not yet rendered fill the pool's few SQLite connections; rendering
        // ahead queued behind them for each query (2,300 pages a second at a fresh start).
        let db = state.db.with_own_reader();
        let mut pass = Pass::default();
        let mut visitors = Visitors::default();
        loop {
            let Some(queue) = queue(&state) else { return };
            if state.draining.is_on() {
                return;
            }
            let busy = visitors.busy(&state);
            match queue.next(if busy { BUSY_BATCH } else { BATCH }) {
                Next::Everything => {
                    let paths = all_paths(&state);
                    queue.push(&paths);
                }
                Next::Paths(paths) => {
                    let done = work_on(&state, &db, paths, busy).await;
                    let rendered = done.rendered;
                    pass.add(done);
                    if busy && rendered == 0 {
                        visitors.step_aside(&state).await;
                    }
                    tokio::task::yield_now().await;
                }
                Next::Idle => {
                    pass.report();
                    queue.wait().await;
                }
            }
        }
    });
}

/// How long the clock below sleeps at most before it looks again.
const CLOCK_LOOKS_AGAIN: Duration = Duration::from_secs(600);

/// When the site changes by itself (a scheduled page or article goes live, the year turns), every
/// cached page expires at once (each is kept only until then): they are all rendered again at that
/// moment, before visitors meet them.
async fn when_the_site_changes_by_itself(state: web::Data<AppState>) {
    loop {
        let Some(queue) = queue(&state) else { return };
        // Enabled before the time is read: a change meanwhile (a page scheduled sooner) is not missed.
        let changed = queue.changes();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let now = crate::db::now();
        let until = crate::web::layout::unchanged_until(&state, now);
        let wait = Duration::try_from(until - now).unwrap_or_default();
        tokio::select! {
            () = tokio::time::sleep(wait.min(CLOCK_LOOKS_AGAIN) + Duration::from_millis(20)) => {}
            () = changed => continue,
        }
        if state.draining.is_on() {
            return;
        }
        if crate::db::now() >= until {
            render_everything(&state);
        }
    }
}

/// Pages taken from the queue at once: rendered one after another, then compressed together on the
/// low-priority thread (handing work between threads costs more than a page's compression here).
const BATCH: usize = 16;
/// Pages taken at once while visitors are busy: loaded, rendered and kept a chunk at a time.
const BUSY_BATCH: usize = 256;
/// Pages loaded by one query, each in every language wanted: a round trip for many, and few in
/// memory at once (with two languages, as many documents as 16 pages of one language took).
const CHUNK: usize = 8;

/// What one round of work (until the queue was empty) did, for the log.
#[derive(Default)]
struct Pass {
    started: Option<Instant>,
    done: Done,
}

impl Pass {
    fn add(&mut self, done: Done) {
        self.started.get_or_insert_with(Instant::now);
        self.done.rendered += done.rendered;
        self.done.improved += done.improved;
        self.done.render += done.render;
        self.done.compress += done.compress;
    }

    fn report(&mut self) {
        let Some(started) = self.started else { return };
        let done = &self.done;
        if done.rendered + done.improved > 0 {
            tracing::info!(
                rendered = done.rendered,
                improved = done.improved,
                seconds = started.elapsed().as_secs_f32(),
                rendering_seconds = done.render.as_secs_f32(),
                compressing_seconds = done.compress.as_secs_f32(),
                "pages rendered ahead of visitors"
            );
        }
        *self = Pass::default();
    }
}

#[derive(Default)]
struct Done {
    rendered: u32,
    improved: u32,
    render: Duration,
    compress: Duration,
}

/// Renders the pages at `paths` that are not cached, and compresses better those a visitor met
/// first. While visitors are `busy`, what is rendered is compressed quickly and kept a chunk at a
/// time (each page rendered here is one a visitor would otherwise have waited for), and compressed
/// better once they are quiet. The compression runs at low priority either way: a thread of low
/// priority never holds the cache's lock, which visitors' requests would then wait for.
async fn work_on(
    state: &web::Data<AppState>,
    db: &crate::db::Db,
    paths: Vec<String>,
    busy: bool,
) -> Done {
    let now = crate::db::now();
    let started = Instant::now();
    let mut rendered = Rendered {
        state,
        busy,
        documents: Vec::new(),
        quick: Vec::new(),
        compressing: None,
    };
    let (mut improvable, mut later) = (Vec::new(), Vec::new());
    // The pages among `paths`, each with the languages wanted of it: loaded once for all of them.
    let mut pages: Vec<(i64, Vec<(Lang, String)>)> = Vec::new();
    let mut page_index: HashMap<i64, usize> = HashMap::new();
    let index = articles::current(state);
    let tree = super::tree(state);
    for path in paths {
        match state.page_cache.held(&path, now) {
            Held::Kept => {}
            Held::Quick if busy => later.push(path),
            Held::Quick => {
                if let Some(page) = state.page_cache.to_improve(&path, now) {
                    improvable.push((path, page));
                }
            }
            Held::Nothing => match page_at(state, &index, &path).and_then(|(lang, slug)| {
                let page = tree
                    .with_any_slug(&slug, now)
                    .filter(|p| p.slug_in(lang) == slug)?;
                Some((page.id, lang, slug))
            }) {
                Some((id, lang, slug)) => {
                    let at = *page_index.entry(id).or_insert_with(|| {
                        pages.push((id, Vec::new()));
                        pages.len() - 1
                    });
                    pages[at].1.push((lang, slug));
                }
                None => match render(state, &path).await {
                    Ok(Some(document)) => rendered.add(path, document),
                    Ok(None) | Err(AppError::NotFound) => {}
                    Err(error) => warn(state, &error, &path),
                },
            },
        }
    }
    // Each chunk's query runs while the one before is rendered.
    let mut pages = pages.into_iter().peekable();
    let mut chunks = std::iter::from_fn(move || {
        pages.peek()?;
        Some(pages.by_ref().take(CHUNK).collect::<Vec<_>>())
    });
    let load = |asked: Vec<(i64, Vec<(Lang, String)>)>| {
        let (state, db) = (state.clone(), db.clone());
        tokio::spawn(async move { super::public::load_pages(&state, &db, asked).await })
    };
    let mut next = chunks.next().map(load);
    while let Some(loading) = next.take() {
        next = chunks.next().map(load);
        let loaded = match loading.await {
            Ok(Ok(loaded)) => loaded,
            Ok(Err(error)) => {
                warn(state, &error, "(a batch of pages)");
                continue;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot load a batch of pages to render ahead");
                continue;
            }
        };
        let each =
            |lang, slug: &str, document| rendered.add(super::page_path(lang, slug), document);
        if let Err(error) = super::public::render_pages(state, &loaded, each) {
            warn(state, &error, "(a batch of pages)");
        }
        rendered.flush().await;
    }
    rendered.flush().await;
    rendered.keep_compressed().await;
    let Rendered {
        documents, quick, ..
    } = rendered;
    let mut done = Done {
        rendered: (documents.len() + quick.len()) as u32,
        improved: improvable.len() as u32,
        render: started.elapsed(),
        compress: Duration::ZERO,
    };
    // Compressed better once visitors are quiet.
    later.extend(quick);
    crate::web::render_queue::render_later(state, &later);
    if documents.is_empty() && improvable.is_empty() {
        return done;
    }
    let compressed = low_priority::run(move || {
        let kept: Vec<_> = documents
            .into_iter()
            .map(|(path, d)| (path, d.kept()))
            .collect();
        let improved: Vec<_> = improvable
            .into_iter()
            .map(|(path, i)| (path, i.compress()))
            .collect();
        (kept, improved)
    })
    .await;
    let Some((kept, improved)) = compressed else {
        return Done::default();
    };
    for (path, page) in kept {
        state.page_cache.insert_prerendered(&path, Arc::new(page));
    }
    for (path, page) in improved {
        state.page_cache.keep_improved(&path, page);
    }
    done.compress = started.elapsed() - done.render;
    done
}

/// Where a round of work puts each page it rendered.
struct Rendered<'s> {
    state: &'s AppState,
    busy: bool,
    /// To be compressed the way pages are kept, on the low-priority thread.
    documents: Vec<(String, Document)>,
    /// Kept already, compressed quickly (visitors were busy): their addresses.
    quick: Vec<String>,
    /// The chunk being compressed quickly on the low-priority thread while the next is rendered.
    compressing: Option<Compressing>,
}

type Compressing =
    tokio::sync::oneshot::Receiver<Vec<(String, crate::web::page_cache::RenderedPage)>>;

impl Rendered<'_> {
    fn add(&mut self, path: String, document: Document) {
        self.documents.push((path, document));
    }

    /// While visitors are busy: hands what was rendered so far to the low-priority thread to be
    /// compressed quickly, and keeps the chunk handed to it before (so the thread compresses one
    /// chunk while this task renders the next, and no more than two are held at once).
    async fn flush(&mut self) {
        if !self.busy || self.documents.is_empty() {
            return;
        }
        let documents = std::mem::take(&mut self.documents);
        let started = low_priority::start(move || {
            documents
                .into_iter()
                .map(|(path, d)| (path, d.quick()))
                .collect::<Vec<_>>()
        });
        self.keep_compressed().await;
        self.compressing = started;
    }

    /// Keeps the chunk being compressed, once it is.
    async fn keep_compressed(&mut self) {
        let Some(compressing) = self.compressing.take() else {
            return;
        };
        for (path, page) in compressing.await.into_iter().flatten() {
            self.state
                .page_cache
                .insert_prerendered(&path, Arc::new(page));
            self.quick.push(path);
        }
    }
}

fn warn(state: &AppState, error: &AppError, path: &str) {
    if !state.draining.is_on() {
        tracing::warn!(%error, path, "cannot render a page ahead of time");
    }
}

/// The language and slug of `path` when it is a page's own address (not the articles section, a
/// feed or an author's list), as [`render`] tells them apart.
fn page_at(state: &AppState, index: &ArticleIndex, path: &str) -> Option<(Lang, String)> {
    let (lang, rest) = path.strip_prefix('/')?.split_once('/')?;
    let lang = state.config.languages.find(lang)?;
    if rest.is_empty() {
        return Some((lang, Slug::HOME.to_owned()));
    }
    let section = rest == index.sections.segment(lang) && !index.shadowed.contains(&lang);
    (!rest.contains('/') && rest != "feed.xml" && !section && rest != Slug::HOME)
        .then(|| (lang, rest.to_owned()))
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
