//! The media library: uploaded images (with dimensions and resized renditions) and PDFs, stored under
//! generated names in `{data dir}/media`, served at `/media/...`.
pub mod admin;
pub mod files;
pub mod public;
pub mod store;
