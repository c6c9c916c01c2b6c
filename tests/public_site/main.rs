//! The public site over HTTP: languages, pages and blocks, search-engine files, errors, headers,
//! static files and the operator's commands.
#[path = "../common/mod.rs"]
mod common;

mod as_browsers_ask;
mod block_library;
mod cli;
mod client_addresses;
mod errors;
mod headers_and_caching;
mod languages;
mod pages;
mod redirects;
mod rendered_ahead;
mod search;
mod seo;
mod shared_caches;
mod slugs;
mod static_files;
