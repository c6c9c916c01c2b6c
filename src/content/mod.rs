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

/// Call after any change to pages or blocks: rebuilds the in-memory site tree and forgets every
/// rendered page, so the next request shows the change.
pub async fn content_changed(state: &crate::web::state::AppState) -> anyhow::Result<()> {
    state.page_cache.clear();
    state.set_tree(store::site_tree(&state.db).await?);
    state.page_cache.clear();
    Ok(())
}
