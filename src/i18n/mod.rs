//! Languages: the `Localized<T>` field type, language negotiation, Fluent UI strings and formatting.
mod catalog;
mod format;
mod lang;
mod localized;
mod negotiate;

pub use catalog::{Catalog, CatalogError, Messages, message_ids, shipped_languages};
pub use format::format_date;
pub use lang::{BadLang, BadLanguages, Lang, Languages};
pub use localized::{Localized, Variant};
pub use negotiate::{LANG_COOKIE, best_match, negotiate};
