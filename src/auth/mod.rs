//! Signing in and out of the admin panel: login and logout handlers, throttling, and the second step
//! with an authenticator code when two-factor sign-in is on. The sessions table is `web::sessions`.
pub mod confirm;
pub mod devices;
pub mod login;
pub mod second_step;
pub mod sign_in;
pub use crate::web::sessions;
pub mod throttle;
pub mod two_factor;
