//! The newsletter: sign-ups with double opt-in (only confirmed addresses count and are exported),
//! one-click unsubscribe on every mail (RFC 8058), and the subscriber list at `/admin/subscribers`.
//! Sending newsletters is left to a mailing tool: the export of confirmed addresses is the hand-over.
pub mod admin;
pub mod mails;
pub mod public;
pub mod request;
pub mod store;
