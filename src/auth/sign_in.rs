//! What every way of signing in shares: the CSRF token of the signed-out forms (sign-in, its second
//! step, invitations, forgotten passwords) and the step that starts a session once a person has
//! proved who they are.
use actix_session::Session;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use super::{devices, sessions, throttle};
use crate::audit::store::{Actor, record};
use crate::error::AppError;
use crate::tokens::constant_time_eq;
use crate::users::{User, store as users};
use crate::web::auth::{begin, check_origin};
use crate::web::state::AppState;

const LOGIN_CSRF: &str = "login_csrf";

/// Signs `user` in in this browser: a new session (never the cookie presented before), the known
/// device cookie, the audit entry `action`; then on to `next`.
#[allow(clippy::too_many_arguments)]
pub async fn sign_in(
    req: &HttpRequest,
    session: &Session,
    state: &AppState,
    user: &User,
    attempt: &throttle::Attempt<'_>,
    must_enrol: bool,
    next: &str,
    action: &str,
) -> Result<HttpResponse, AppError> {
    throttle::record_success(&state.db, attempt).await?;
    let device = devices::known_device(req, state, user.id);
    let device_cookie = devices::device_cookie(state, user.id, device.as_deref())?;
    let browser = sessions::Browser::of(req, attempt.ip);
    let session_id = sessions::create(&state.db, user.id, &browser, must_enrol).await?;
    begin(session, &session_id)?;
    users::record_login(&state.db, user.id).await?;
    record(
        &state.db,
        Actor::User {
            id: user.id,
            email: user.email.as_str(),
        },
        action,
        None,
        Some(attempt.ip),
    )
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(device_cookie)
        .cookie(crate::web::auth::staff_cookie(state.config.secure_cookies))
        .finish())
}

/// The CSRF check of the signed-out forms (sign-in, its second step, invitations, forgotten
/// passwords): the token this browser's session was given, and the Origin when sent.
pub fn check_login_token(req: &HttpRequest, session: &Session, sent: &str) -> Result<(), AppError> {
    check_origin(req)?;
    let expected: String = session.get(LOGIN_CSRF).ok().flatten().unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

pub fn login_token(session: &Session) -> Result<String, AppError> {
    if let Ok(Some(token)) = session.get::<String>(LOGIN_CSRF) {
        return Ok(token);
    }
    let token = sessions::random_token()?;
    session
        .insert(LOGIN_CSRF, &token)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(token)
}
