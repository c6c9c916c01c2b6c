//! The audit log: who did what in the admin panel, to what, when and from where.
pub mod admin;
pub mod store;

pub use store::{AuditEntry, record};
