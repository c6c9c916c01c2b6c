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
pub mod changes;
pub mod choosers;
pub mod conflicts;
pub mod duplicate;
pub mod editing;
pub mod findable;
pub mod library_view;
pub mod model;
pub mod page_editor;
pub mod page_form;
pub mod prerender;
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

pub use changes::{Affected, Change};
pub use model::{Page, PageStatus, Placement, Slug};
pub use public::{contact_topics, page_with_forms, published_page};
pub use tree::{SiteTree, TreePage};
pub use view::PageForms;

use std::sync::{Arc, RwLock};

use crate::i18n::Lang;
use crate::web::state::AppState;

/// The site's shape (navigation, sitemap, which page answers which address), kept in memory and
/// replaced whole after every change.
struct TreeCell(RwLock<Arc<SiteTree>>);

/// Keeps `tree` in the site's shared state (done once, when the site is prepared).
pub fn install(state: &mut AppState, tree: SiteTree) {
    state.insert_extension(TreeCell(RwLock::new(Arc::new(tree))));
    if state.config.prerender {
        state.insert_extension(crate::web::render_queue::Queue::default());
    }
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

/// Call after any change to a page or its blocks (`None`: to anything): see [`changes::changed`].
pub async fn content_changed(
    state: &crate::web::state::AppState,
    page_id: Option<i64>,
) -> anyhow::Result<()> {
    let change = page_id.map_or(Change::Everything, Change::Page);
    changes::changed(state, change, async { Ok(()) }).await?;
    Ok(())
}
