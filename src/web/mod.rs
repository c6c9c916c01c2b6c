//! Cross-cutting HTTP: shared state, the page frame, security headers, caching, static assets, health.
pub mod admin_layout;
pub mod assets;
pub mod auth;
pub mod caching;
pub mod headers;
pub mod health;
pub mod layout;
pub mod state;
