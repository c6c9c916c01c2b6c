//! Pages and their content blocks: types, SQL, the public handlers, search-engine files, demo content.
/// The snapshot of page `p` (its fields and blocks as one JSON object) in SQLite's SQL: what a
/// revision keeps, and what the translation overview reads of every page.
macro_rules! sqlite_page_snapshot {
    () => {
        "json_object(
            'slug', p.slug, 'slugs', json(p.slugs), 'title', json(p.title), 'summary', json(p.summary),
            'meta_description', json(p.meta_description), 'status', p.status, 'published_at', p.published_at,
            'parent_id', p.parent_id, 'nav_order', p.nav_order, 'placement', p.placement,
            'kind', p.kind, 'article', json(p.article),
            'blocks', (SELECT json_group_array(json_object('block_type', b.block_type, 'content', json(b.content)))
                       FROM (SELECT * FROM content_blocks WHERE page_id = p.id ORDER BY sort_order, id) AS b))"
    };
}

/// The same snapshot in PostgreSQL's SQL.
macro_rules! postgres_page_snapshot {
    () => {
        "jsonb_build_object(
            'slug', p.slug, 'slugs', p.slugs, 'title', p.title, 'summary', p.summary,
            'meta_description', p.meta_description, 'status', p.status, 'published_at', p.published_at,
            'parent_id', p.parent_id, 'nav_order', p.nav_order, 'placement', p.placement,
            'kind', p.kind, 'article', p.article,
            'blocks', coalesce((SELECT jsonb_agg(jsonb_build_object('block_type', b.block_type, 'content', b.content)
                                                 ORDER BY b.sort_order, b.id)
                                FROM content_blocks AS b WHERE b.page_id = p.id), '[]'::jsonb))"
    };
}

pub mod addresses;
pub mod admin;
pub mod admin_block_list;
pub mod admin_blocks;
pub mod admin_delete;
pub mod admin_list;
pub mod admin_revisions;
pub mod articles;
pub mod block_fields;
pub mod block_form;
pub mod block_preview;
pub mod block_views;
pub mod blocks;
pub mod choosers;
pub mod conflicts;
pub mod duplicate;
pub mod editing;
pub mod findable;
pub mod library_view;
pub mod model;
pub mod page_editor;
pub mod page_form;
pub mod public;
pub mod redirects;
pub mod review;
pub mod revisions;
pub mod seed;
pub mod seo;
pub mod store;
pub mod translations;
pub mod tree;
pub mod view;

pub use model::{Page, PageStatus, Placement, Slug};
pub use public::{contact_topics, page_with_forms, published_page};
pub use tree::{SiteTree, TreePage};
pub use view::PageForms;

use std::sync::{Arc, RwLock};

use crate::db::notices::Notice;
use crate::i18n::Lang;
use crate::web::state::AppState;

/// The site's shape (navigation, sitemap, which page answers which address), kept in memory and
/// replaced whole after every change.
struct TreeCell(RwLock<Arc<SiteTree>>);

/// Keeps `tree` in the site's shared state (done once, when the site is prepared).
pub fn install(state: &mut AppState, tree: SiteTree) {
    state.insert_extension(TreeCell(RwLock::new(Arc::new(tree))));
    articles::install(state);
}

/// The current shape of the site.
pub fn tree(state: &AppState) -> Arc<SiteTree> {
    let Some(TreeCell(cell)) = state.extension::<TreeCell>() else {
        return Arc::new(SiteTree::default());
    };
    match cell.read() {
        Ok(tree) => Arc::clone(&tree),
        Err(poisoned) => Arc::clone(&poisoned.into_inner()),
    }
}

fn set_tree(state: &AppState, tree: SiteTree) {
    if let Some(TreeCell(cell)) = state.extension::<TreeCell>() {
        let tree = Arc::new(tree);
        match cell.write() {
            Ok(mut slot) => *slot = tree,
            Err(poisoned) => *poisoned.into_inner() = tree,
        }
    }
}

/// `/{lang}/` for the home page, `/{lang}/{slug}` for every other page.
pub fn page_path(lang: Lang, slug: &str) -> String {
    format!("/{lang}/{}", path_below_lang(slug))
}

/// The address in `lang` of the page whose default-language slug is `slug` (its own slug there
/// when it has one): links from other features to well-known pages such as `privacy`.
pub fn path_of(state: &AppState, lang: Lang, slug: &str) -> String {
    let tree = tree(state);
    let own = tree
        .with_any_slug(slug, crate::db::now())
        .filter(|p| p.slug.as_str() == slug)
        .map(|p| p.slug_in(lang).to_owned());
    page_path(lang, own.as_deref().unwrap_or(slug))
}

/// A page's address below the language: empty for the home page, else its slug.
pub fn path_below_lang(slug: &str) -> &str {
    if slug == Slug::HOME { "" } else { slug }
}

/// Call after any change to a page or its blocks (`None`: to anything): rebuilds the in-memory site
/// tree and forgets every rendered page, so the next request shows the change; a CDN in front is told
/// which addresses changed (the page's, or every page's when the navigation changed).
pub async fn content_changed(
    state: &crate::web::state::AppState,
    page_id: Option<i64>,
) -> anyhow::Result<()> {
    let before = tree(state);
    let articles_before = articles::current(state);
    refresh(state).await?;
    if state.config.purge.is_some() {
        let after = tree(state);
        let articles_after = articles::current(state);
        // An article shows in lists, feeds, the footer and teaser blocks: its change is every
        // page's, as a change of the navigation is.
        let article = page_id.is_some_and(|id| {
            articles::holds(&articles_before, id) || articles::holds(&articles_after, id)
        });
        let tree_page = if article { None } else { page_id };
        let mut paths = changed_paths(&before, &after, tree_page, &state.config.languages);
        if tree_page.is_none() || !before.same_frames_as(&after) {
            let (langs, now) = (state.config.languages.all(), crate::db::now());
            paths.extend(articles::public_paths(&articles_before, langs, now));
            paths.extend(articles::public_paths(&articles_after, langs, now));
            paths.sort();
            paths.dedup();
        }
        crate::outbox::purge::enqueue(state, &paths).await?;
    }
    // The edit is saved; an instance that misses this notice catches up when its listener reconnects.
    if let Err(error) =
        crate::db::notices::announce(&state.db, &state.instance, Notice::ContentChanged).await
    {
        tracing::warn!(%error, "cannot tell the other instances about a content change");
    }
    Ok(())
}

/// What a change made elsewhere (another instance, or a listener that reconnected) needs here: the
/// site tree rebuilt and every rendered page forgotten. The other instance purged the CDN already.
pub async fn refresh(state: &crate::web::state::AppState) -> anyhow::Result<()> {
    state.page_cache.clear();
    set_tree(state, store::site_tree(&state.db).await?);
    articles::refresh(state).await?;
    state.page_cache.clear();
    Ok(())
}

/// The public addresses that look different after a change to page `page_id` (`None`: any): that page in every
/// language before and after (a renamed or unpublished page's old address too), or every page when
/// frames changed, and the sitemap. A draft's edits change nothing public.
fn changed_paths(
    before: &SiteTree,
    after: &SiteTree,
    page_id: Option<i64>,
    languages: &crate::i18n::Languages,
) -> Vec<String> {
    let now = crate::db::now();
    let pages: Vec<&TreePage> = if let Some(id) = page_id
        && before.same_frames_as(after)
    {
        [before, after]
            .iter()
            .filter_map(|tree| tree.get(id))
            .filter(|p| p.visible_from <= now)
            .collect()
    } else {
        before.visible(now).chain(after.visible(now)).collect()
    };
    let mut paths: Vec<String> = pages
        .iter()
        .flat_map(|p| {
            languages
                .all()
                .iter()
                .map(|&lang| page_path(lang, p.slug_in(lang)))
        })
        .collect();
    if paths.is_empty() {
        return paths;
    }
    paths.push("/sitemap.xml".to_owned());
    paths.sort();
    paths.dedup();
    paths
}
