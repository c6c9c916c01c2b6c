//! Magnetiq: a fast, multilingual, server-rendered website CMS on one SQLite file.
pub mod app;
pub mod config;
pub mod content;
pub mod db;
mod embedded;
pub mod error;
pub mod i18n;
pub mod web;
