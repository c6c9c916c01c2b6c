//! The admin panel over HTTP: signing in and out, sessions, CSRF, roles, throttling, audit.
#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod burst;
mod hardening;
mod login;
mod mail;
mod media;
mod pages;
mod review;
mod users;
mod users_cli;
mod zones;
