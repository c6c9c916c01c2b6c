//! Magnetiq: a fast, multilingual, server-rendered website CMS on one SQLite file.
pub mod admin;
pub mod app;
pub mod audit;
pub mod auth;
pub mod booking;
pub mod config;
pub mod content;
pub mod db;
mod embedded;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod ics;
pub mod media;
pub mod outbox;
pub mod users;
pub mod web;
