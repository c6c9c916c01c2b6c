//! Users of the admin panel: e-mail, role, Argon2id password; the SQL about them.
pub mod model;
pub mod password;
pub mod store;

pub use model::{Email, Role, User};
