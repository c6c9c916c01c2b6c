//! Invitations: an admin invites a person by address, name, role and language; the mail's one-time
//! link (`/admin/invitation/{token}`, 72 hours) lets them choose their own password, and they are
//! signed in. Open invitations are listed on the users page with resend and revoke.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use time::Duration;

use super::store::{self, Found, NewInvitation};
use super::{Errors, NewPasswordForm, gone_page, mails};
use crate::audit::store::record_action;
use crate::auth::login::after_new_password;
use crate::auth::sign_in::{check_login_token, login_token};
use crate::db::now;
use crate::error::AppError;
use crate::outbox::store::Placement;
use crate::tokens::{looks_like_token, random_token, token_hash};
use crate::users::{Email, Role, store as users};
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::AdminForm;
use crate::web::html;
use crate::web::see_other;
use crate::web::state::AppState;

pub const VALID_HOURS: i64 = 72;

type FormMap = HashMap<String, String>;

/// What the invite form found wrong, with what was typed, for the users page to show again (422).
pub struct Refused<'a> {
    pub form: FormMap,
    pub errors: Errors<'a>,
}

/// POST `/admin/users/invite` (admins): the form on the users page. `Err(refused)`: the page is
/// shown again with the errors.
pub async fn invite<'s>(
    req: &HttpRequest,
    state: &'s AppState,
    user: &crate::web::auth::CurrentUser,
    form: FormMap,
) -> Result<Result<(), Refused<'s>>, AppError> {
    let ui = state.catalog.messages(admin_lang(req, state));
    let mut errors = Errors::new();
    let field = |name: &str| form.get(name).map_or("", String::as_str).trim().to_owned();
    let email = Email::parse(&field("email"))
        .map_err(|_| errors.insert("email", ui.t("error-email")))
        .ok();
    let role = Role::parse(&field("role"));
    if role.is_none() {
        errors.insert("role", ui.t("error-invalid"));
    }
    let name = field("display_name");
    if name.is_empty() || name.chars().count() > 100 {
        errors.insert("display_name", ui.t("error-name"));
    }
    let lang = state.config.languages.find(&field("language"));
    if lang.is_none() {
        errors.insert("language", ui.t("error-invalid"));
    }
    let (Some(email), Some(role), Some(lang), true) = (email, role, lang, errors.is_empty()) else {
        return Ok(Err(Refused { form, errors }));
    };
    if users::credentials(&state.db, &email).await?.is_some() {
        errors.insert("email", ui.t("error-email-taken"));
        return Ok(Err(Refused { form, errors }));
    }
    let token = random_token()?;
    let lang_code = lang.to_string();
    let mut tx = state.db.begin().await?;
    let new = NewInvitation {
        email: email.as_str(),
        display_name: &name,
        role,
        language: &lang_code,
        invited_by: user.user.id,
        token_hash: &token_hash(&token),
        expires_at: now() + Duration::hours(VALID_HOURS),
    };
    let Some(id) = record_and_mail(&mut tx, state, &user.user.display_name, &new, &token).await?
    else {
        tx.rollback().await?;
        errors.insert("email", ui.t("error-invited-already"));
        return Ok(Err(Refused { form, errors }));
    };
    tx.commit().await?;
    record_action(
        &state.db,
        user,
        req,
        "user-invited",
        &format!("invitation {id} ({email}, {})", role.as_str()),
    )
    .await?;
    Ok(Ok(()))
}

/// Records `new` (whose link carries `token`) and queues its mail, in the caller's transaction;
/// `Ok(None)` when the address has an open invitation already.
async fn record_and_mail(
    tx: &mut crate::db::Tx,
    state: &AppState,
    inviter: &str,
    new: &NewInvitation<'_>,
    token: &str,
) -> anyhow::Result<Option<i64>> {
    let Some(id) = store::invite(tx, new).await? else {
        return Ok(None);
    };
    let mail = invitation_mail(state, inviter, new, token)?;
    let placement = Placement {
        purpose: "invitation",
        ..Placement::default()
    };
    crate::outbox::store::enqueue_placed(tx, &mail, &placement).await?;
    Ok(Some(id))
}

fn invitation_mail(
    state: &AppState,
    inviter: &str,
    invitation: &NewInvitation<'_>,
    token: &str,
) -> anyhow::Result<crate::outbox::store::NewMail> {
    let lang = state
        .config
        .languages
        .find(invitation.language)
        .unwrap_or(state.config.languages.default_lang());
    let ui = state.catalog.messages(lang);
    let link = format!("{}/admin/invitation/{token}", state.config.base_url);
    mails::invitation(
        ui,
        &mails::Invite {
            email: invitation.email,
            name: invitation.display_name,
            inviter,
            role: invitation.role.as_str(),
            site: &state.config.site_name,
            link: &link,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct NoFields {}

/// POST `/admin/users/invitations/{id}/resend`: a new link, valid for another 72 hours; the old one
/// stops working.
pub async fn resend(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<NoFields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = input.user;
    user.require_admin()?;
    let id = path.into_inner();
    let invitation = store::open_invitation(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = Role::parse(&invitation.role).ok_or(AppError::NotFound)?;
    let token = random_token()?;
    let new = NewInvitation {
        email: &invitation.email,
        display_name: &invitation.display_name,
        role,
        language: &invitation.language,
        invited_by: user.user.id,
        token_hash: &token_hash(&token),
        expires_at: now() + Duration::hours(VALID_HOURS),
    };
    // The old row is revoked and a new one made, so the old mail's link says plainly that it was
    // replaced (410) instead of not existing.
    let mut tx = state.db.begin().await?;
    if !store::revoke_invitation(&mut tx, id).await? {
        tx.rollback().await?;
        return Err(AppError::NotFound);
    }
    let Some(new_id) =
        record_and_mail(&mut tx, &state, &user.user.display_name, &new, &token).await?
    else {
        tx.rollback().await?;
        return Err(AppError::NotFound);
    };
    tx.commit().await?;
    record_action(
        &state.db,
        &user,
        &req,
        "invitation-resent",
        &format!("invitation {new_id} ({}, replacing {id})", invitation.email),
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(
        &session,
        super::mail_notice(&state, ui, "invitation-resent", "invitation-waiting"),
    );
    Ok(see_other("/admin/users"))
}

/// POST `/admin/users/invitations/{id}/revoke`: the link stops working.
pub async fn revoke(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<NoFields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = input.user;
    user.require_admin()?;
    let id = path.into_inner();
    let invitation = store::open_invitation(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    store::revoke_invitation(&mut tx, id).await?;
    tx.commit().await?;
    record_action(
        &state.db,
        &user,
        &req,
        "invitation-revoked",
        &format!("invitation {id} ({})", invitation.email),
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(&session, ui.t("invitation-revoked"));
    Ok(see_other("/admin/users"))
}

#[derive(Template)]
#[template(path = "admin/invitation.html")]
struct AcceptPage<'a> {
    layout: AdminLayout<'a>,
    token: &'a str,
    email: &'a str,
    name: &'a str,
    errors: Errors<'a>,
}

async fn find(state: &AppState, token: &str) -> Result<Found<store::Invitation>, AppError> {
    if !looks_like_token(token) {
        return Ok(Found::Unknown);
    }
    Ok(store::invitation_by_token(&state.db, &token_hash(token)).await?)
}

/// GET `/admin/invitation/{token}`: the invitee chooses a password.
pub async fn accept_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let invitation = match find(&state, &token).await? {
        Found::Open(invitation) => invitation,
        Found::Gone => return gone_page(&req, &state, "invitation-gone"),
        Found::Unknown => return Err(AppError::NotFound),
    };
    let csrf = login_token(&session)?;
    let layout = AdminLayout::new(&req, &state, None, &csrf, Some(&session), Section::None);
    let page = AcceptPage {
        layout,
        token: &token,
        email: &invitation.email,
        name: &invitation.display_name,
        errors: Errors::new(),
    };
    Ok(no_referrer(html(StatusCode::OK, page.render()?)))
}

/// POST `/admin/invitation/{token}`: creates the account with the chosen password, uses the
/// invitation up, and signs the new user in.
pub async fn accept(
    req: HttpRequest,
    session: Session,
    path: web::Path<String>,
    form: web::Form<NewPasswordForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    check_login_token(&req, &session, &form.csrf_token)?;
    let token = path.into_inner();
    let invitation = match find(&state, &token).await? {
        Found::Open(invitation) => invitation,
        Found::Gone => return gone_page(&req, &state, "invitation-gone"),
        Found::Unknown => return Err(AppError::NotFound),
    };
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let errors = form.errors(ui, &[&invitation.email, &invitation.display_name]);
    if !errors.is_empty() {
        let csrf = login_token(&session)?;
        let layout = AdminLayout::new(&req, &state, None, &csrf, None, Section::None);
        let page = AcceptPage {
            layout,
            token: &token,
            email: &invitation.email,
            name: &invitation.display_name,
            errors,
        };
        return Ok(no_referrer(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            page.render()?,
        )));
    }
    let email = Email::parse(&invitation.email).map_err(|_| AppError::NotFound)?;
    let role = Role::parse(&invitation.role).ok_or(AppError::NotFound)?;
    let hash = form.hash().await?;
    let mut tx = state.db.begin().await?;
    if !store::accept_invitation(&mut tx, invitation.id).await? {
        tx.rollback().await?;
        return gone_page(&req, &state, "invitation-gone");
    }
    let Some(user_id) =
        users::create_user_in(&mut tx, &email, &invitation.display_name, role, &hash).await?
    else {
        tx.rollback().await?;
        return gone_page(&req, &state, "invitation-gone");
    };
    // The language they were invited in is theirs until they choose another.
    users::set_language_in(&mut tx, user_id, &invitation.language).await?;
    tx.commit().await?;
    let user = users::user(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = format!("invitation {} (user {user_id})", invitation.id);
    after_new_password(
        &req,
        &session,
        &state,
        &user,
        ("invitation-accepted", &target),
        false,
    )
    .await
}

/// A page reached by a secret link tells no other site its address (`same-origin`, not
/// `no-referrer`: with that, Chromium sends `Origin: null` on the page's own form, which the CSRF
/// check rightly refuses), and is kept by no cache.
pub fn no_referrer(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        actix_web::http::header::REFERRER_POLICY,
        actix_web::http::header::HeaderValue::from_static("same-origin"),
    );
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    response
}
