//! The admin panel's own pages: the dashboard.
pub mod dashboard;
