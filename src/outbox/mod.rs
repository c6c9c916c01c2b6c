//! The outbox: every e-mail is stored first (with what it confirms), then delivered by a background
//! worker over SMTP, with retries and backoff; failures stay visible in the admin. Cache purges for a
//! CDN travel the same way.
pub mod admin;
pub mod compose;
pub mod purge;
pub mod store;
pub mod worker;
