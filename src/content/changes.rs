//! What a change makes look different, and nothing more: after an edit the site tree and the
//! articles index are read again, the addresses the change affects are forgotten by the page cache
//! and rendered again in the background, a CDN in front is told to purge them, and the other
//! instances hear which they were. Every page is affected only when the frame every page shows
//! (navigation, footer, legal links) looks different.
use std::future::Future;

use super::articles::{self, ArticleIndex};
use super::tree::{SiteTree, TreePage};
use super::{page_path, set_tree, store, tree};
use crate::db::notices::Notice;
use crate::i18n::Languages;
use crate::web::render_queue as prerender;
use crate::web::state::AppState;

/// What changed.
#[derive(Clone, Copy, Debug)]
pub enum Change<'a> {
    /// A page or an article, with its blocks.
    Page(i64),
    /// What blocks of these types show (a feature's teaser list: webinars, whitepapers, consultants).
    Shown(&'a [&'a str]),
    /// Something every page may show (site settings): every page.
    Everything,
}

/// Addresses that look different after a change: some, or every page.
#[derive(Debug, PartialEq, Eq)]
pub enum Affected {
    Paths(Vec<String>),
    Everything,
}

/// Call after `update` (a feature reading again what it shows, or nothing) has run, once a change
/// is saved: see the module's description. Returns what was affected.
pub async fn changed(
    state: &AppState,
    change: Change<'_>,
    update: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<Affected> {
    let now = crate::db::now();
    let frame_before = crate::web::layout::frame_stamp(state, now);
    let (before, articles_before) = (tree(state), articles::current(state));
    update.await?;
    set_tree(state, store::site_tree(&state.db).await?);
    articles::refresh(state).await?;
    let (after, articles_after) = (tree(state), articles::current(state));
    let affected = if matches!(change, Change::Everything)
        || crate::web::layout::frame_stamp(state, now) != frame_before
    {
        Affected::Everything
    } else {
        let langs = &state.config.languages;
        let mut paths = match change {
            Change::Page(id)
                if articles::holds(&articles_before, id)
                    || articles::holds(&articles_after, id) =>
            {
                // An article shows in its lists and feeds, and in article teaser blocks.
                let mut paths = article_paths(&articles_before, &articles_after, langs, now);
                let ids = store::pages_with_blocks(&state.db, &["article_teaser"]).await?;
                paths.extend(addresses_of(&ids, &after, &articles_after, langs, now));
                paths
            }
            Change::Page(id) => page_paths(&before, &after, id, langs, now),
            Change::Shown(block_types) => {
                let ids = store::pages_with_blocks(&state.db, block_types).await?;
                let mut paths = addresses_of(&ids, &before, &articles_before, langs, now);
                paths.extend(addresses_of(&ids, &after, &articles_after, langs, now));
                paths
            }
            Change::Everything => Vec::new(),
        };
        paths.sort();
        paths.dedup();
        Affected::Paths(paths)
    };
    match &affected {
        Affected::Everything => {
            state.page_cache.clear();
            prerender::render_everything(state);
        }
        Affected::Paths(paths) => {
            state.page_cache.invalidate(paths);
            prerender::render_later(state, paths);
        }
    }
    // A page or article may now be scheduled sooner than the next time the site changed by itself.
    prerender::site_changed(state);
    if state.config.purge.is_some() {
        let purged = match &affected {
            Affected::Everything => {
                let mut all = every_path(&before, &articles_before, langs_of(state), now);
                all.extend(every_path(&after, &articles_after, langs_of(state), now));
                all.sort();
                all.dedup();
                all
            }
            Affected::Paths(paths) if paths.is_empty() => Vec::new(),
            Affected::Paths(paths) => {
                let mut paths = paths.clone();
                paths.push("/sitemap.xml".to_owned());
                paths
            }
        };
        crate::outbox::purge::enqueue(state, &purged).await?;
    }
    // The edit is saved; an instance that misses this notice catches up when its listener reconnects.
    let notice = match &affected {
        Affected::Everything => Notice::ContentChanged,
        Affected::Paths(paths) => Notice::PathsChanged(paths.clone()),
    };
    if let Err(error) = crate::db::notices::announce(&state.db, &state.instance, notice).await {
        tracing::warn!(%error, "cannot tell the other instances about a content change");
    }
    Ok(affected)
}

fn langs_of(state: &AppState) -> &Languages {
    &state.config.languages
}

/// A page's addresses in every language, before and after (a renamed or unpublished page's old
/// address too), and its descendants' when what their breadcrumbs show of it changed. A draft's
/// edits change nothing public.
fn page_paths(
    before: &SiteTree,
    after: &SiteTree,
    id: i64,
    langs: &Languages,
    now: time::OffsetDateTime,
) -> Vec<String> {
    let (old, new) = (before.get(id), after.get(id));
    let moved = match (old, new) {
        (Some(a), Some(b)) => {
            a.slug != b.slug
                || a.slugs != b.slugs
                || a.title != b.title
                || a.parent_id != b.parent_id
                || a.visible_from != b.visible_from
        }
        (None, None) => false,
        _ => true,
    };
    let mut pages: Vec<&TreePage> = old.into_iter().chain(new).collect();
    if moved {
        pages.extend(before.descendants(id));
        pages.extend(after.descendants(id));
    }
    pages
        .into_iter()
        .filter(|p| p.visible_from <= now)
        .flat_map(|p| in_every_language(p, langs))
        .collect()
}

fn in_every_language(page: &TreePage, langs: &Languages) -> impl Iterator<Item = String> {
    langs
        .all()
        .iter()
        .map(move |&lang| page_path(lang, page.slug_in(lang)))
}

/// Every public address of the articles section, before and after.
fn article_paths(
    before: &ArticleIndex,
    after: &ArticleIndex,
    langs: &Languages,
    now: time::OffsetDateTime,
) -> Vec<String> {
    let mut paths = articles::public_paths(before, langs.all(), now);
    paths.extend(articles::public_paths(after, langs.all(), now));
    paths
}

/// The addresses of the pages and articles `ids` names.
fn addresses_of(
    ids: &[i64],
    tree: &SiteTree,
    index: &ArticleIndex,
    langs: &Languages,
    now: time::OffsetDateTime,
) -> Vec<String> {
    let mut paths = Vec::new();
    for &id in ids {
        if let Some(page) = tree.get(id).filter(|p| p.visible_from <= now) {
            paths.extend(in_every_language(page, langs));
        } else if let Some(article) = index.visible(now).find(|a| a.id == id) {
            paths.extend(
                langs
                    .all()
                    .iter()
                    .map(|&lang| article.path(&index.sections, lang)),
            );
        }
    }
    paths
}

/// Every public address: each visible page, the articles section, the sitemap.
fn every_path(
    tree: &SiteTree,
    index: &ArticleIndex,
    langs: &Languages,
    now: time::OffsetDateTime,
) -> Vec<String> {
    let mut paths: Vec<String> = tree
        .visible(now)
        .flat_map(|p| in_every_language(p, langs))
        .collect();
    paths.extend(articles::public_paths(index, langs.all(), now));
    paths.push("/sitemap.xml".to_owned());
    paths
}

/// What a change another instance made needs here: the features' lists, the site tree and the
/// articles read again, and the addresses it affected (`None`: every page) forgotten and rendered
/// again. The other instance purged the CDN already.
pub async fn heard(state: &AppState, paths: Option<&[String]>) -> anyhow::Result<()> {
    set_tree(state, store::site_tree(&state.db).await?);
    articles::refresh(state).await?;
    match paths {
        Some(paths) => {
            state.page_cache.invalidate(paths);
            prerender::render_later(state, paths);
        }
        None => {
            state.page_cache.clear();
            prerender::render_everything(state);
        }
    }
    prerender::site_changed(state);
    Ok(())
}
