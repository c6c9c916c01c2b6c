//! Signing in and out of the admin panel: login and logout handlers, the sessions table, throttling.
pub mod devices;
pub mod login;
pub mod sessions;
pub mod throttle;
