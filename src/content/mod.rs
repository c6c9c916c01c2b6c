//! Pages and their content blocks: types, SQL, the public handlers, search-engine files, demo content.
pub mod blocks;
pub mod model;
pub mod public;
pub mod seed;
pub mod seo;
pub mod store;
pub mod tree;
pub mod view;

pub use model::{Page, PageStatus, Placement, Slug};
pub use tree::{SiteTree, TreePage};

/// Rebuilds the in-memory site tree after pages changed.
pub async fn reload_tree(state: &crate::web::state::AppState) -> anyhow::Result<()> {
    state.set_tree(store::site_tree(&state.db).await?);
    Ok(())
}
