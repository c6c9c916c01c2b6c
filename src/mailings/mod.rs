//! Newsletter issues: written in the admin (`/admin/newsletter`) from blocks that suit mail, previewed
//! and tested, reviewed where the site requires it, and sent from the site itself to its confirmed
//! subscribers, each in their language, exactly once, at the site's pace, with their own one-click
//! unsubscribe. Sent issues have a web version, and an optional public archive at `/{lang}/newsletter`.
pub mod admin;
pub mod admin_send;
pub mod delivery_store;
pub mod draft;
pub mod editor;
pub mod mail;
pub mod model;
pub mod public;
pub mod render;
pub mod sender;
pub mod store;

/// The site setting that lists sent issues at `/{lang}/newsletter`.
pub const ARCHIVE_SETTING: &str = "newsletter_archive";
