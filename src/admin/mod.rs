//! The admin panel's own pages, which show several features at once: the dashboard and the
//! translation overview.
pub mod dashboard;
pub mod translations;
