//! The second step of signing in with two-factor on: `/admin/login/code` asks for the
//! authenticator's code (or a recovery code) after the password was right. Until then the browser
//! is not signed in: its session cookie only says whose password it gave, and when (five minutes to
//! type the code). Wrong codes are counted by the same throttle as wrong passwords.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::sign_in::{check_login_token, login_token, sign_in};
use super::{devices, throttle, two_factor};
use crate::audit::store::{Actor, record};
use crate::db;
use crate::error::AppError;
use crate::users::store as users;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::{client_ip, safe_next};
use crate::web::html;
use crate::web::state::AppState;

pub const CODE_PATH: &str = "/admin/login/code";
const PENDING: &str = "pending_second_step";
/// How long after the password the code may come.
const PATIENCE_SECS: i64 = 5 * 60;

#[derive(Serialize, Deserialize)]
struct Pending {
    user_id: i64,
    next: String,
    at: i64,
}

/// Remembers in the (not yet signed-in) session that `user_id` gave the right password.
pub fn ask_for_code(session: &Session, user_id: i64, next: &str) -> Result<(), AppError> {
    session.renew();
    let pending = Pending {
        user_id,
        next: safe_next(Some(next)),
        at: db::now().unix_timestamp(),
    };
    session
        .insert(PENDING, pending)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

fn pending(session: &Session) -> Option<Pending> {
    let pending: Pending = session.get(PENDING).ok().flatten()?;
    (db::now().unix_timestamp() - pending.at <= PATIENCE_SECS).then_some(pending)
}

#[derive(Template)]
#[template(path = "admin/login_code.html")]
struct CodePage<'a> {
    layout: AdminLayout<'a>,
    error: Option<&'a str>,
}

/// GET `/admin/login/code`.
pub async fn code_form(
    req: HttpRequest,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if pending(&session).is_none() {
        return Ok(to_login());
    }
    let token = login_token(&session)?;
    let layout = AdminLayout::new(&req, &state, None, &token, Some(&session), Section::None);
    Ok(html(
        StatusCode::OK,
        CodePage {
            layout,
            error: None,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf_token: String,
}

/// POST `/admin/login/code`.
pub async fn check_code(
    req: HttpRequest,
    session: Session,
    form: web::Form<CodeForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    check_login_token(&req, &session, &form.csrf_token)?;
    let Some(pending) = pending(&session) else {
        return Ok(to_login());
    };
    let Some(user) = users::user(&state.db, pending.user_id)
        .await?
        .filter(|u| u.active)
    else {
        session.remove(PENDING);
        return Ok(to_login());
    };
    let ip = client_ip(&req);
    let device = devices::known_device(&req, &state, user.id);
    let attempt = throttle::Attempt {
        account: user.email.as_str(),
        ip: &ip,
        device: device.as_deref(),
    };
    let actor = Actor::User {
        id: user.id,
        email: user.email.as_str(),
    };
    if let Err(wait) = throttle::admit(&state.db, &attempt, db::now()).await? {
        record(&state.db, actor, "login-throttled", None, Some(&ip)).await?;
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let accepted = code_signs_in(&state.db, user.id, &form.code).await?;
    let Some(action) = accepted else {
        throttle::record_failure(&state.db, db::now()).await?;
        record(&state.db, actor, "login-code-failed", None, Some(&ip)).await?;
        let token = login_token(&session)?;
        let layout = AdminLayout::new(&req, &state, None, &token, None, Section::None);
        let error = layout.t("login-code-failed");
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            CodePage {
                layout,
                error: Some(error),
            }
            .render()?,
        ));
    };
    session.remove(PENDING);
    sign_in(
        &req,
        &session,
        &state,
        &user,
        &attempt,
        false,
        &pending.next,
        action,
    )
    .await
}

/// Whether `code` is the authenticator's code of now (each time step once) or an unused recovery
/// code (used up by this): the audit action it signs in with, `None` when it is neither. With
/// two-factor reset meanwhile, the password alone was what it asked for.
pub async fn code_signs_in(
    db: &db::Db,
    user_id: i64,
    code: &str,
) -> anyhow::Result<Option<&'static str>> {
    let code = code.trim();
    if two_factor::looks_like_recovery_code(code) {
        return Ok(two_factor::use_recovery_code(db, user_id, code)
            .await?
            .then_some("login-recovery-code"));
    }
    let Some(secret) = two_factor::secret(db, user_id).await? else {
        return Ok(Some("login"));
    };
    let now = u64::try_from(db::now().unix_timestamp()).unwrap_or(0);
    Ok(match two_factor::matching_step(&secret, code, now)? {
        Some(step) => two_factor::use_step(db, user_id, step)
            .await?
            .then_some("login"),
        None => None,
    })
}

fn to_login() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, "/admin/login"))
        .finish()
}
