//! Pages and their content blocks: types, SQL, the public handlers, search-engine files, demo content.
pub mod admin;
pub mod admin_blocks;
pub mod admin_revisions;
pub mod block_form;
pub mod blocks;
pub mod editing;
pub mod model;
pub mod page_form;
pub mod public;
pub mod seed;
pub mod seo;
pub mod store;
pub mod tree;
pub mod view;

pub use model::{Page, PageStatus, Placement, Slug};
pub use tree::{SiteTree, TreePage};

use crate::db::notices::Notice;

/// Call after any change to a page or its blocks (`None`: to anything): rebuilds the in-memory site
/// tree and forgets every rendered page, so the next request shows the change; a CDN in front is told
/// which addresses changed (the page's, or every page's when the navigation changed).
pub async fn content_changed(
    state: &crate::web::state::AppState,
    page_id: Option<i64>,
) -> anyhow::Result<()> {
    let before = state.tree();
    refresh(state).await?;
    if let Some(purges) = &state.purges {
        let after = state.tree();
        let paths = changed_paths(&before, &after, page_id, &state.config.languages);
        purges.enqueue(&state.db, &paths).await?;
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
    state.set_tree(store::site_tree(&state.db).await?);
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
                .map(|&lang| crate::web::layout::page_path(lang, p.slug.as_str()))
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
