//! Signing in and out: `/admin/login`, `/admin/logout`.

use actix_session::Session;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::sign_in::{check_login_token, login_token, sign_in};
use super::{devices, second_step, sessions, throttle, two_factor};
use crate::audit::store::{Actor, record};
use crate::db;
use crate::error::AppError;
use crate::users::{Email, User, password, store as users};
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, client_ip, safe_next};
use crate::web::html;
use crate::web::state::AppState;

/// Who a failed sign-in was for, in the audit log, when the address typed is no account's.
pub const UNKNOWN_ADDRESS: &str = "unknown address";

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage<'a> {
    layout: AdminLayout<'a>,
    email: &'a str,
    next: &'a str,
    error: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// GET `/admin/login`.
pub async fn login_form(
    req: HttpRequest,
    session: Session,
    query: web::Query<LoginQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let token = login_token(&session)?;
    let next = safe_next(query.next.as_deref());
    let layout = AdminLayout::new(&req, &state, None, &token, Some(&session), Section::None);
    let page = LoginPage {
        layout,
        email: "",
        next: &next,
        error: None,
    };
    Ok(html(actix_web::http::StatusCode::OK, page.render()?))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf_token: String,
}

/// POST `/admin/login`.
pub async fn login(
    req: HttpRequest,
    session: Session,
    form: web::Form<LoginForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    check_login_token(&req, &session, &form.csrf_token)?;
    let ip = client_ip(&req);
    let typed = form.email.trim().to_lowercase();
    let found = match Email::parse(&form.email) {
        Ok(email) => users::credentials(&state.db, &email).await?,
        Err(_) => None,
    };
    // A browser that signed in to this account before is counted on its own.
    let device = found
        .as_ref()
        .and_then(|(user, _)| devices::known_device(&req, &state, user.id));
    let attempt = throttle::Attempt {
        account: &typed,
        ip: &ip,
        device: device.as_deref(),
    };
    // What the audit log keeps of a failed attempt: the account's address, never what a stranger
    // typed (a password typed into the address field, say).
    let known_address = found
        .as_ref()
        .map_or(UNKNOWN_ADDRESS.to_owned(), |(user, _)| {
            user.email.to_string()
        });
    let who = || Actor::Typed(&known_address);
    if let Err(wait) = throttle::admit(&state.db, &attempt, db::now()).await? {
        record(&state.db, who(), "login-throttled", None, Some(&ip)).await?;
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }

    let (user, stored) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let right = password::verify(form.password.clone(), stored.clone()).await?;
    let Some(user) = user.filter(|user| right && user.active) else {
        throttle::record_failure(&state.db, db::now()).await?;
        record(&state.db, who(), "login-failed", None, Some(&ip)).await?;
        let token = login_token(&session)?;
        let layout = AdminLayout::new(&req, &state, None, &token, None, Section::None);
        let error = layout.t("login-failed");
        let next = safe_next(Some(&form.next));
        let page = LoginPage {
            layout,
            email: &form.email,
            next: &next,
            error: Some(error),
        };
        return Ok(html(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            page.render()?,
        ));
    };

    if let Some(stored) = stored.filter(|s| password::outdated(s)) {
        upgrade_hash(&state, user.id, &stored, form.password.clone()).await?;
    }
    after_password(&req, &session, &state, &user, &attempt, &form.next).await
}

/// The right password of a hash made with other parameters, hashed again with today's. When every
/// hashing thread is busy it waits for the next sign-in: the sign-in itself goes on.
async fn upgrade_hash(
    state: &AppState,
    user: i64,
    stored: &str,
    password: String,
) -> Result<(), AppError> {
    match password::hash_in_background(password).await {
        Ok(new) => {
            users::upgrade_password_hash(&state.db, user, stored, &new).await?;
        }
        Err(e) => tracing::info!("password hash left for the next sign-in: {e}"),
    }
    Ok(())
}

/// A person proved their password (at sign-in, or by setting a new one from a mailed link): with
/// two-factor on they are asked for a code next; otherwise they are signed in.
pub async fn after_password(
    req: &HttpRequest,
    session: &Session,
    state: &AppState,
    user: &User,
    attempt: &throttle::Attempt<'_>,
    next: &str,
) -> Result<HttpResponse, AppError> {
    if two_factor::secret(&state.db, user.id).await?.is_some() {
        throttle::passed(&state.db, attempt).await?;
        second_step::ask_for_code(session, user.id, next)?;
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, second_step::CODE_PATH))
            .finish());
    }
    let must_enrol = two_factor::required(&state.db).await?;
    let next = if must_enrol {
        crate::web::auth::ENROL_PATH.to_owned()
    } else {
        safe_next(Some(next))
    };
    sign_in(
        req, session, state, user, attempt, must_enrol, &next, "login",
    )
    .await
}

/// A person set their password from a mailed link (an invitation, a reset): audited as `action`
/// on `target`, then on as after a right password at sign-in, or signed in at once when they gave
/// their second factor with the new password (`code_given`).
pub async fn after_new_password(
    req: &HttpRequest,
    session: &Session,
    state: &AppState,
    user: &User,
    (action, target): (&str, &str),
    code_given: bool,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(req);
    record(
        &state.db,
        Actor::User {
            id: user.id,
            email: user.email.as_str(),
        },
        action,
        Some(target),
        Some(&ip),
    )
    .await?;
    let device = devices::known_device(req, state, user.id);
    let attempt = throttle::Attempt {
        account: user.email.as_str(),
        ip: &ip,
        device: device.as_deref(),
    };
    if code_given {
        return sign_in(
            req, session, state, user, &attempt, false, "/admin", "login",
        )
        .await;
    }
    after_password(req, session, state, user, &attempt, "/admin").await
}

#[derive(Deserialize)]
pub struct NoFields {}

/// POST `/admin/logout`: the session row is deleted, so a kept copy of the cookie signs nobody in.
pub async fn logout(
    req: HttpRequest,
    session: Session,
    form: AdminForm<NoFields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = &form.user;
    sessions::delete(&state.db, &user.session_id).await?;
    record(
        &state.db,
        Actor::User {
            id: user.user.id,
            email: user.user.email.as_str(),
        },
        "logout",
        None,
        Some(&client_ip(&req)),
    )
    .await?;
    session.purge();
    let ui = state.catalog.messages(admin_lang(&req, &state));
    // A new, signed-out session only to carry the goodbye message.
    flash(&session, ui.t("logout-done"));
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/login"))
        .cookie(crate::web::auth::staff_cookie_removal(
            state.config.secure_cookies,
        ))
        .finish())
}

/// GET `/admin/language/{lang}?next=...`: remembers the editor's language.
pub async fn switch_language(
    path: web::Path<String>,
    query: web::Query<LoginQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = state
        .config
        .languages
        .find(&path)
        .ok_or(AppError::NotFound)?;
    let cookie = Cookie::build(crate::i18n::LANG_COOKIE, lang.to_string())
        .path("/")
        .max_age(actix_web::cookie::time::Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .finish();
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, safe_next(query.next.as_deref())))
        .finish())
}
