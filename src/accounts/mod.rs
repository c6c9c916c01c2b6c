//! Accounts people run themselves: invitations by mail, forgotten passwords, two-factor sign-in
//! set up on their own security page, and the list of browsers they are signed in on. Sits above
//! `users` (who exists) and `auth` (how they prove it).
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use crate::auth::login::html;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::state::AppState;

pub mod invitations;
pub mod mails;
pub mod reset;
pub mod security;
pub mod sessions;
pub mod store;

#[derive(Template)]
#[template(path = "admin/link_gone.html")]
struct GonePage<'a> {
    layout: AdminLayout<'a>,
    message: &'a str,
}

/// 410: a mailed link that was used, revoked or is out of date, said plainly (`message` is the
/// Fluent id of what to do now).
pub fn gone_page(
    req: &HttpRequest,
    state: &AppState,
    message: &str,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(req, state, None, "", None, Section::None);
    let message = layout.t(message);
    Ok(invitations::no_referrer(html(
        StatusCode::GONE,
        GonePage { layout, message }.render()?,
    )))
}
