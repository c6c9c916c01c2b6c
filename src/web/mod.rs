//! Cross-cutting HTTP: shared state, the page frame, security headers, caching, static assets, health.
pub mod assets;
pub mod caching;
pub mod headers;
pub mod health;
pub mod layout;
pub mod state;
