//! Site search: `/{lang}/search?q=` over published pages, webinars and whitepapers in the visitor's
//! language.
//!
//! [`index`] sits low, beside `db`: each feature writes what its public pages show into
//! `search_documents` in the same transaction as its own change, and knows nothing of the rest.
//! [`query`] asks each engine's full-text index (SQLite FTS5, PostgreSQL `tsvector`), and [`public`]
//! shows the results; they read only `search_documents`, so search shows every feature without
//! importing any.
pub mod index;
pub mod public;
pub mod query;
