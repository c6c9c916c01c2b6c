//! The outbox in the admin: `/admin/outbox` lists the newest mails and purges with their state,
//! a mail opens as it was written (an invitation's link can be copied from it when no mail server
//! is set), and a failed one can be sent again.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::store::{self as outbox, QueuedMail};
use crate::audit::store::record_action;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::see_other;
use crate::web::state::AppState;

/// Mails about someone's account (links that sign in): only admins open them.
const ACCOUNT_PURPOSES: [&str; 3] = ["invitation", "password-reset", "account-security"];

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage<'a> {
    layout: AdminLayout<'a>,
    mails: Vec<QueuedMail>,
    smtp_configured: bool,
}

/// GET `/admin/outbox`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let mails = outbox::recent(&state.db, 200).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Outbox,
    );
    Ok(html(
        StatusCode::OK,
        OutboxPage {
            layout,
            mails,
            smtp_configured: state.config.smtp_url.is_some(),
        }
        .render()?,
    ))
}

/// POST `/admin/outbox/{id}/retry`.
pub async fn retry(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if !outbox::retry(&state.db, id).await? {
        return Err(AppError::NotFound);
    }
    record_action(
        &state.db,
        &input.user,
        &req,
        "mail-retried",
        &format!("mail {id}"),
    )
    .await?;
    flash(
        &session,
        state
            .catalog
            .messages(admin_lang(&req, &state))
            .t("outbox-retry-queued"),
    );
    Ok(see_other("/admin/outbox"))
}

#[derive(Template)]
#[template(path = "admin/outbox_mail.html")]
struct MailPage<'a> {
    layout: AdminLayout<'a>,
    mail: QueuedMail,
}

/// GET `/admin/outbox/{id}`: one mail as it was written (its text part).
pub async fn mail(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (mail, purpose) = outbox::mail(&state.db, path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    if ACCOUNT_PURPOSES.contains(&purpose.as_str()) {
        user.require_admin()?;
    }
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Outbox,
    );
    let mut response = html(StatusCode::OK, MailPage { layout, mail }.render()?);
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
