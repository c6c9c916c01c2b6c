//! `/admin/account/security`: a person turns two-factor sign-in on (scan the QR code or type the
//! key, then prove it with a code), gets new recovery codes, or turns it off; and, for admins, the
//! site-wide rule that every admin and editor needs it, and resetting someone's two-factor.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{Errors, mails};
use crate::audit::store::record_action;
use crate::auth::confirm::{self, Proof};
use crate::auth::two_factor;
use crate::db::now;
use crate::error::AppError;
use crate::outbox::store as outbox;
use crate::users::store as users;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::see_other;
use crate::web::sessions;
use crate::web::state::AppState;

/// The secret being enrolled, kept in the (encrypted) session cookie until a code proves it.
const ENROLLING: &str = "enrolling_totp";

#[derive(Template)]
#[template(path = "admin/account_security.html")]
struct SecurityPage<'a> {
    layout: AdminLayout<'a>,
    enabled: bool,
    required: bool,
    /// While setting up: the key in groups of four, for typing.
    key: String,
    codes_left: i64,
    /// Recovery codes just made: shown this once.
    new_codes: Vec<String>,
    errors: Errors<'a>,
}

fn enrolling_secret(session: &Session) -> Result<String, AppError> {
    if let Ok(Some(secret)) = session.get::<String>(ENROLLING) {
        return Ok(secret);
    }
    let secret = two_factor::new_secret()?;
    session
        .insert(ENROLLING, &secret)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(secret)
}

fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    new_codes: Vec<String>,
    errors: Errors<'_>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let enabled = two_factor::secret(&state.db, user.user.id).await?.is_some();
    let key = if enabled {
        String::new()
    } else {
        grouped(&enrolling_secret(session)?)
    };
    let codes_left = two_factor::recovery_codes_left(&state.db, user.user.id).await?;
    let required = two_factor::required(&state.db).await?;
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        Some(session),
        Section::None,
    );
    let page = SecurityPage {
        layout,
        enabled,
        required,
        key,
        codes_left,
        new_codes,
        errors,
    };
    let mut response = html(status, page.render()?);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The page again with what was wrong (422).
async fn refused(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    errors: Errors<'_>,
) -> Result<HttpResponse, AppError> {
    render(
        req,
        state,
        user,
        session,
        Vec::new(),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// GET `/admin/account/security`.
pub async fn page(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &state,
        &user,
        &session,
        Vec::new(),
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

/// GET `/admin/account/security/qr.svg`: the QR code of the key being set up.
pub async fn qr_code(
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    // While two-factor is on there is no key being set up: a new one needs turning it off first,
    // which needs the password.
    if two_factor::secret(&state.db, user.user.id).await?.is_some() {
        return Err(AppError::NotFound);
    }
    let secret = enrolling_secret(&session)?;
    let uri = two_factor::otpauth_uri(&secret, &state.config.site_name, user.user.email.as_str());
    let svg = two_factor::qr_svg(&uri)?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(svg))
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    code: String,
}

/// POST `/admin/account/security/enable`: the current password, and the first code from the
/// authenticator to prove it was set up; two-factor is on, and the recovery codes are shown once.
/// Refused while it is on: replacing an authenticator means turning it off first.
pub async fn enable(
    req: HttpRequest,
    session: Session,
    input: AdminForm<CodeForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    if two_factor::secret(&state.db, user.user.id).await?.is_some() {
        flash(&session, ui.t("two-factor-already-on"));
        return Ok(see_other("/admin/account/security"));
    }
    let mut errors = Errors::new();
    if !confirm::it_is_them(&req, &state, &user, &form.current_password, Proof::Password).await? {
        errors.insert("current_password", ui.t("error-current-password"));
    }
    let secret = enrolling_secret(&session)?;
    let unix = u64::try_from(now().unix_timestamp()).unwrap_or(0);
    let step = two_factor::matching_step(&secret, &form.code, unix)?;
    if step.is_none() {
        errors.insert("code", ui.t("error-totp-code"));
    }
    let Some(step) = step.filter(|_| errors.is_empty()) else {
        return refused(&req, &state, &user, &session, errors).await;
    };
    let codes = two_factor::new_recovery_codes()?;
    two_factor::enable(&state.db, user.user.id, &secret, step, &codes).await?;
    session.remove(ENROLLING);
    sign_in_changed(&req, &state, &user, "two-factor-enabled").await?;
    render(
        &req,
        &state,
        &user,
        &session,
        codes,
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
}

/// POST `/admin/account/security/recovery-codes`: with the password or a current code, ten new
/// codes in place of the old ones.
pub async fn new_recovery_codes(
    req: HttpRequest,
    session: Session,
    input: AdminForm<PasswordForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    if two_factor::secret(&state.db, user.user.id).await?.is_none() {
        return Ok(see_other("/admin/account/security"));
    }
    let ui = state.catalog.messages(admin_lang(&req, &state));
    if !confirm::it_is_them(
        &req,
        &state,
        &user,
        &form.current_password,
        Proof::PasswordOrCode,
    )
    .await?
    {
        let errors: Errors = [("renew_password", ui.t("error-password-or-code"))].into();
        return refused(&req, &state, &user, &session, errors).await;
    }
    let codes = two_factor::new_recovery_codes()?;
    two_factor::replace_recovery_codes(&state.db, user.user.id, &codes).await?;
    sign_in_changed(&req, &state, &user, "recovery-codes-renewed").await?;
    render(
        &req,
        &state,
        &user,
        &session,
        codes,
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

/// POST `/admin/account/security/disable`: with the password or a current code; refused while
/// the site requires two-factor.
pub async fn disable(
    req: HttpRequest,
    session: Session,
    input: AdminForm<PasswordForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let error = if two_factor::required(&state.db).await? {
        Some(ui.t("error-two-factor-required"))
    } else if !confirm::it_is_them(
        &req,
        &state,
        &user,
        &form.current_password,
        Proof::PasswordOrCode,
    )
    .await?
    {
        Some(ui.t("error-password-or-code"))
    } else {
        None
    };
    if let Some(error) = error {
        let errors: Errors = [("current_password", error)].into();
        return refused(&req, &state, &user, &session, errors).await;
    }
    two_factor::disable(&state.db, user.user.id).await?;
    sign_in_changed(&req, &state, &user, "two-factor-disabled").await?;
    flash(&session, ui.t("two-factor-off"));
    Ok(see_other("/admin/account/security"))
}

/// How someone signs in changed (`action`: two-factor on or off, new recovery codes): audited,
/// their other browsers signed out, and a mail tells them, in case it was not them.
async fn sign_in_changed(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    action: &str,
) -> Result<(), AppError> {
    let ended = sessions::delete_others(&state.db, user.user.id, &user.session_id).await?;
    record_action(
        &state.db,
        user,
        req,
        action,
        &format!("user {} ({ended} other sessions ended)", user.user.id),
    )
    .await?;
    let lang = user
        .user
        .language
        .as_deref()
        .and_then(|l| state.config.languages.find(l))
        .unwrap_or_else(|| admin_lang(req, state));
    let ui = state.catalog.messages(lang);
    let link = format!("{}/admin/account/security", state.config.base_url);
    let mail = mails::sign_in_changed(
        ui,
        user.user.email.as_str(),
        &state.config.site_name,
        action,
        &link,
    )?;
    let mut tx = state.db.begin().await?;
    let placement = outbox::Placement {
        purpose: "account-security",
        ..outbox::Placement::default()
    };
    outbox::enqueue_placed(&mut tx, &mail, &placement).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(serde::Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    required: Option<String>,
}

/// POST `/admin/users/two-factor` (admins): whether every admin and editor needs two-factor; those
/// without it are sent to set it up at their next sign-in.
pub async fn set_policy(
    req: HttpRequest,
    session: Session,
    input: AdminForm<PolicyForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    let on = form.required.as_deref() == Some("on");
    two_factor::set_required(&state.db, on).await?;
    record_action(
        &state.db,
        &user,
        &req,
        if on {
            "two-factor-required"
        } else {
            "two-factor-optional"
        },
        "site",
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(&session, ui.t("user-saved"));
    Ok(see_other("/admin/users"))
}

/// POST `/admin/users/{id}/two-factor/reset` (admins): for someone who lost their authenticator
/// and their codes; they sign in with the password alone (or set it up again when required).
pub async fn reset_for(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = input.user;
    user.require_admin()?;
    let id = path.into_inner();
    users::user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    two_factor::disable(&state.db, id).await?;
    record_action(
        &state.db,
        &user,
        &req,
        "two-factor-reset",
        &format!("user {id}"),
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(&session, ui.t("two-factor-was-reset"));
    Ok(see_other(&format!("/admin/users/{id}")))
}
