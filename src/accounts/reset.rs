//! Forgotten passwords. `/admin/password/forgot` takes an address and always answers the same page,
//! after the same least time, whether an account has it or not: nobody learns from it who works
//! here. A known, active address gets a mail with a one-time link (`/admin/password/reset/{token}`,
//! one hour, void once the password changes); setting the new password there ends every session of
//! the person and signs them in (after their second factor, when they have one).
//!
//! Throttled per address (three links an hour; more requests change nothing, the answer stays the
//! same) and per client (a few requests a minute, then 429).
use std::time::{Duration, Instant};

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::invitations::no_referrer;
use super::store::{self, Found};
use super::{Errors, NewPasswordForm, gone_page, mails};
use crate::audit::store::{Actor, record, record_action};
use crate::auth::login::after_new_password;
use crate::auth::sign_in::{check_login_token, login_token};
use crate::auth::{devices, second_step, throttle, two_factor};
use crate::db::now;
use crate::error::AppError;
use crate::outbox::store::Placement;
use crate::tokens::constant_time_eq;
use crate::tokens::{looks_like_token, random_token, token_hash};
use crate::users::{Email, User, store as users};
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, client_ip};
use crate::web::html;
use crate::web::rate_limit::RateLimit;
use crate::web::see_other;
use crate::web::sessions;
use crate::web::state::AppState;

pub const VALID_MINUTES: i64 = 60;
/// Links one address may get in an hour.
const LINKS_PER_HOUR: i64 = 3;
/// The forgot-password answer never comes sooner than this after the request, known address or
/// not, so its timing does not tell them apart (the work for a known one takes a few ms).
pub const ANSWER_FLOOR: Duration = Duration::from_millis(300);

/// Forgot-password requests per client address: 10 in 15 minutes.
pub struct ForgotLimit(RateLimit);

impl Default for ForgotLimit {
    fn default() -> Self {
        ForgotLimit(RateLimit::new(10, Duration::from_secs(15 * 60)))
    }
}

#[derive(Template)]
#[template(path = "admin/password_forgot.html")]
struct ForgotPage<'a> {
    layout: AdminLayout<'a>,
    email: &'a str,
    sent: bool,
    error: Option<&'a str>,
}

/// GET `/admin/password/forgot`.
pub async fn forgot_form(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let csrf = login_token(&session)?;
    let layout = AdminLayout::new(&req, &state, None, &csrf, Some(&session), Section::None);
    let page = ForgotPage {
        layout,
        email: "",
        sent: false,
        error: None,
    };
    Ok(html(StatusCode::OK, page.render()?))
}

#[derive(serde::Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf_token: String,
}

/// POST `/admin/password/forgot`.
pub async fn forgot(
    req: HttpRequest,
    session: Session,
    form: web::Form<ForgotForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let started = Instant::now();
    check_login_token(&req, &session, &form.csrf_token)?;
    let ip = client_ip(&req);
    if let Some(ForgotLimit(limit)) = state.extension::<ForgotLimit>()
        && let Err(wait) = limit.hit(&ip, Instant::now())
    {
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let csrf = login_token(&session)?;
    let Ok(email) = Email::parse(&form.email) else {
        let layout = AdminLayout::new(&req, &state, None, &csrf, None, Section::None);
        let error = layout.t("error-email");
        let page = ForgotPage {
            layout,
            email: &form.email,
            sent: false,
            error: Some(error),
        };
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page.render()?));
    };
    let lang = admin_lang(&req, &state);
    let outcome = send_link_if_known(&state, &email, lang).await;
    // The same answer, no sooner than the floor, whatever happened above.
    if let Some(rest) = ANSWER_FLOOR.checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    outcome?;
    let layout = AdminLayout::new(&req, &state, None, &csrf, None, Section::None);
    let page = ForgotPage {
        layout,
        email: "",
        sent: true,
        error: None,
    };
    Ok(html(StatusCode::OK, page.render()?))
}

/// Mails a reset link when `email` is an active user's and the address has not had its links for
/// the hour; does nothing otherwise.
async fn send_link_if_known(
    state: &AppState,
    email: &Email,
    lang: crate::i18n::Lang,
) -> Result<(), AppError> {
    let Some((user, hash)) = users::credentials(&state.db, email).await? else {
        return Ok(());
    };
    let hour_ago = now() - time::Duration::hours(1);
    if !user.active || store::resets_since(&state.db, user.id, hour_ago).await? >= LINKS_PER_HOUR {
        return Ok(());
    }
    send_link(state, &user, &hash, lang, None).await
}

/// Makes a reset link for `user` and queues its mail in `lang`; audited as asked for by the person
/// themselves, or sent by an admin (`by`).
async fn send_link(
    state: &AppState,
    user: &User,
    password_hash: &str,
    lang: crate::i18n::Lang,
    by: Option<(&crate::web::auth::CurrentUser, &HttpRequest)>,
) -> Result<(), AppError> {
    let token = random_token()?;
    let mut tx = state.db.begin().await?;
    store::create_reset(
        &mut tx,
        user.id,
        &token_hash(&token),
        &token_hash(password_hash),
        now() + time::Duration::minutes(VALID_MINUTES),
    )
    .await?;
    // The person's own language when they chose one, else the page's that asked.
    let lang = user
        .language
        .as_deref()
        .and_then(|l| state.config.languages.find(l))
        .unwrap_or(lang);
    let ui = state.catalog.messages(lang);
    let link = format!("{}/admin/password/reset/{token}", state.config.base_url);
    let mail = mails::password_reset(ui, user.email.as_str(), &state.config.site_name, &link)?;
    crate::outbox::store::enqueue_placed(
        &mut tx,
        &mail,
        &Placement {
            purpose: "password-reset",
            ..Placement::default()
        },
    )
    .await?;
    tx.commit().await?;
    let target = format!("user {}", user.id);
    match by {
        Some((admin, req)) => {
            record_action(&state.db, admin, req, "password-reset-sent", &target).await?
        }
        None => {
            record(
                &state.db,
                Actor::User {
                    id: user.id,
                    email: user.email.as_str(),
                },
                "password-reset-requested",
                Some(&target),
                None,
            )
            .await?
        }
    }
    Ok(())
}

#[derive(serde::Deserialize)]
pub struct NoFields {}

/// POST `/admin/users/{id}/password` (admins): mails the person a link to choose a new password,
/// instead of the admin typing one.
pub async fn send_link_for(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<NoFields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let admin = input.user;
    admin.require_admin()?;
    let id = path.into_inner();
    let user = users::user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let hash = users::password_hash(&state.db, id)
        .await?
        .unwrap_or_default();
    send_link(
        &state,
        &user,
        &hash,
        state.config.languages.default_lang(),
        Some((&admin, &req)),
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(
        &session,
        super::mail_notice(&state, ui, "password-reset-sent", "password-reset-waiting"),
    );
    Ok(see_other(&format!("/admin/users/{id}")))
}

#[derive(Template)]
#[template(path = "admin/password_reset.html")]
struct ResetPage<'a> {
    layout: AdminLayout<'a>,
    token: &'a str,
    /// The account has two-factor sign-in: the new password needs a code too.
    two_factor: bool,
    errors: Errors<'a>,
}

async fn find(state: &AppState, token: &str) -> Result<Found<(store::Reset, User)>, AppError> {
    if !looks_like_token(token) {
        return Ok(Found::Unknown);
    }
    let reset = match store::reset_by_token(&state.db, &token_hash(token)).await? {
        Found::Open(reset) => reset,
        Found::Gone => return Ok(Found::Gone),
        Found::Unknown => return Ok(Found::Unknown),
    };
    let current = users::password_hash(&state.db, reset.user_id).await?;
    let user = users::user(&state.db, reset.user_id).await?;
    match (current, user) {
        (Some(current), Some(user))
            if user.active
                && constant_time_eq(
                    token_hash(&current).as_bytes(),
                    reset.fingerprint.as_bytes(),
                ) =>
        {
            Ok(Found::Open((reset, user)))
        }
        _ => Ok(Found::Gone),
    }
}

/// GET `/admin/password/reset/{token}`.
pub async fn reset_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let user = match find(&state, &token).await? {
        Found::Open((_, user)) => user,
        Found::Gone => return gone_page(&req, &state, "reset-gone"),
        Found::Unknown => return Err(AppError::NotFound),
    };
    let csrf = login_token(&session)?;
    let layout = AdminLayout::new(&req, &state, None, &csrf, Some(&session), Section::None);
    let page = ResetPage {
        layout,
        token: &token,
        two_factor: two_factor::secret(&state.db, user.id).await?.is_some(),
        errors: Default::default(),
    };
    Ok(no_referrer(html(StatusCode::OK, page.render()?)))
}

/// POST `/admin/password/reset/{token}`.
pub async fn reset(
    req: HttpRequest,
    session: Session,
    path: web::Path<String>,
    form: web::Form<NewPasswordForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    check_login_token(&req, &session, &form.csrf_token)?;
    let token = path.into_inner();
    let user = match find(&state, &token).await? {
        Found::Open((_, user)) => user,
        Found::Gone => return gone_page(&req, &state, "reset-gone"),
        Found::Unknown => return Err(AppError::NotFound),
    };
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let mut errors = form.errors(ui, &[user.email.as_str(), &user.display_name]);
    // Whoever holds the mailbox does not hold the phone: with two-factor on, the new password
    // takes effect only with a code, checked (and throttled) like the second step of signing in.
    let two_factor = two_factor::secret(&state.db, user.id).await?.is_some();
    if two_factor && errors.is_empty() && !code_is_right(&req, &state, &user, &form.code).await? {
        errors.insert("code", ui.t("login-code-failed"));
    }
    if !errors.is_empty() {
        let csrf = login_token(&session)?;
        let layout = AdminLayout::new(&req, &state, None, &csrf, None, Section::None);
        let page = ResetPage {
            layout,
            token: &token,
            two_factor,
            errors,
        };
        return Ok(no_referrer(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            page.render()?,
        )));
    }
    let hash = form.hash().await?;
    let mut tx = state.db.begin().await?;
    if !store::use_reset(&mut tx, &token_hash(&token), user.id).await? {
        tx.rollback().await?;
        return gone_page(&req, &state, "reset-gone");
    }
    users::set_password_in(&mut tx, user.id, &hash).await?;
    tx.commit().await?;
    sessions::delete_for_user(&state.db, user.id).await?;
    let target = format!("user {}", user.id);
    after_new_password(
        &req,
        &session,
        &state,
        &user,
        ("password-reset", &target),
        two_factor,
    )
    .await
}

/// The second factor given with a new password, counted by the sign-in throttle (429 while the
/// account or the client is paused) and audited when wrong.
async fn code_is_right(
    req: &HttpRequest,
    state: &AppState,
    user: &User,
    code: &str,
) -> Result<bool, AppError> {
    let ip = client_ip(req);
    let device = devices::known_device(req, state, user.id);
    let attempt = throttle::Attempt {
        account: user.email.as_str(),
        ip: &ip,
        device: device.as_deref(),
    };
    if let Err(wait) = throttle::admit(&state.db, &attempt, now()).await? {
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    if second_step::code_signs_in(&state.db, user.id, code)
        .await?
        .is_some()
    {
        // The count stays until the sign-in that follows clears it.
        throttle::passed(&state.db, &attempt).await?;
        return Ok(true);
    }
    throttle::record_failure(&state.db, now()).await?;
    let actor = Actor::User {
        id: user.id,
        email: user.email.as_str(),
    };
    record(&state.db, actor, "reset-code-failed", None, Some(&ip)).await?;
    Ok(false)
}
