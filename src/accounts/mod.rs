//! Accounts people run themselves: invitations by mail, forgotten passwords, two-factor sign-in
//! set up on their own security page, the list of browsers they are signed in on, and the team
//! admins manage at `/admin/users`. Sits above `users` (who exists) and `auth` (how they prove it).
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::html;
use crate::web::state::AppState;

pub mod invitations;
pub mod mails;
pub mod preferences;
pub mod reset;
pub mod security;
pub mod sessions;
pub mod store;
pub mod users;

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

/// The form that sets a password from a mailed link (an invitation, a reset).
#[derive(serde::Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
    /// The second factor, asked on a reset link of an account that has one.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    csrf_token: String,
}

pub type Errors<'a> = std::collections::HashMap<&'static str, &'a str>;

/// What to tell the admin after a mail was queued: `sent` ("on its way") when a mail server takes
/// it, else `waiting` (it waits in the outbox, where the admin can open it and copy its link).
pub fn mail_notice<'a>(
    state: &AppState,
    ui: &'a crate::i18n::Messages,
    sent: &'a str,
    waiting: &'a str,
) -> &'a str {
    ui.t(if state.config.smtp_url.is_some() {
        sent
    } else {
        waiting
    })
}

impl NewPasswordForm {
    /// What is wrong with the chosen password: the one rule (with the person's own address and
    /// name counted as guessable), then the repetition.
    pub fn errors<'a>(&self, ui: &'a crate::i18n::Messages, about_them: &[&str]) -> Errors<'a> {
        let mut errors = Errors::new();
        if let Err(weak) = crate::users::password::check_strength(&self.password, about_them) {
            errors.insert("password", ui.t(weak.message_id()));
        } else if self.confirm_password != self.password {
            errors.insert("confirm_password", ui.t("error-password-mismatch"));
        }
        errors
    }

    /// The Argon2id hash of the chosen password, made off the async executor.
    pub async fn hash(&self) -> Result<String, AppError> {
        Ok(crate::users::password::hash_in_background(self.password.clone()).await?)
    }
}
