//! Signing in and out of the admin panel: login and logout handlers, the sessions table, throttling,
//! and the second step with an authenticator code when two-factor sign-in is on.
pub mod confirm;
pub mod devices;
pub mod login;
pub mod second_step;
pub mod sessions;
pub mod throttle;
pub mod two_factor;
