//! `/admin/users` (admins only): create users, change role and name, deactivate, reset passwords;
//! and `/admin/account/password`, where every user changes their own password. A change of role,
//! active flag or password signs that user out everywhere.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::store::{self, UserListing};
use super::{Email, Role, password};
use crate::audit::store::record_action;
use crate::auth::login::html;
use crate::auth::sessions;
use crate::error::AppError;
use crate::i18n::Messages;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser, begin, client_ip};
use crate::web::see_other;
use crate::web::state::AppState;

type FormMap = HashMap<String, String>;
type Errors<'a> = HashMap<&'static str, &'a str>;

/// What a form shows: stored values or what was typed.
struct Values(FormMap);

impl Values {
    fn value(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage<'a> {
    layout: AdminLayout<'a>,
    users: Vec<UserListing>,
    form: Values,
    errors: Errors<'a>,
}

/// GET `/admin/users`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    render_list(
        &req,
        &state,
        &user,
        Some(&session),
        FormMap::new(),
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

async fn render_list(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    form: FormMap,
    errors: Errors<'_>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Users,
    );
    let users = store::list(&state.db).await?;
    Ok(html(
        status,
        UsersPage {
            layout,
            users,
            form: Values(form),
            errors,
        }
        .render()?,
    ))
}

/// POST `/admin/users/new`.
pub async fn create(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    let ui = ui(&req, &state);
    let mut errors = Errors::new();
    let email = Email::parse(field(&form, "email"))
        .map_err(|_| errors.insert("email", ui.t("error-email")))
        .ok();
    let role = Role::parse(field(&form, "role"));
    if role.is_none() {
        errors.insert("role", ui.t("error-invalid"));
    }
    let name = field(&form, "display_name").trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.insert("display_name", ui.t("error-name"));
    }
    let new_password = field(&form, "password").to_owned();
    if password::check_strength(&new_password).is_err() {
        errors.insert("password", ui.t("error-password-weak"));
    }
    if let (Some(email), Some(role), true) = (email, role, errors.is_empty()) {
        let hash = hash(new_password).await?;
        match store::create_user(&state.db, &email, &name, role, &hash).await? {
            Some(id) => {
                record_action(
                    &state.db,
                    &user,
                    &req,
                    "user-created",
                    &format!("user {id} ({email}, {})", role.as_str()),
                )
                .await?;
                flash(&session, ui.t("user-created"));
                return Ok(see_other("/admin/users"));
            }
            None => {
                errors.insert("email", ui.t("error-email-taken"));
            }
        }
    }
    let mut kept = form;
    kept.remove("password");
    render_list(
        &req,
        &state,
        &user,
        None,
        kept,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Template)]
#[template(path = "admin/user_edit.html")]
struct UserEdit<'a> {
    layout: AdminLayout<'a>,
    id: i64,
    email: String,
    form: Values,
    errors: Errors<'a>,
}

/// GET `/admin/users/{id}`.
pub async fn edit_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let id = path.into_inner();
    let target = store::user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form: FormMap = [
        ("display_name".to_owned(), target.display_name.clone()),
        ("role".to_owned(), target.role.as_str().to_owned()),
        (
            "active".to_owned(),
            if target.active {
                "on".into()
            } else {
                String::new()
            },
        ),
    ]
    .into();
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Users,
    );
    Ok(html(
        StatusCode::OK,
        UserEdit {
            layout,
            id,
            email: target.email.to_string(),
            form: Values(form),
            errors: Errors::new(),
        }
        .render()?,
    ))
}

/// POST `/admin/users/{id}`: name, role, active.
pub async fn save(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    let id = path.into_inner();
    let ui = ui(&req, &state);
    let target = store::user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = Errors::new();
    let name = field(&form, "display_name").trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.insert("display_name", ui.t("error-name"));
    }
    let role = Role::parse(field(&form, "role"));
    let active = form.get("active").is_some_and(|v| v == "on");
    if role.is_none() {
        errors.insert("role", ui.t("error-invalid"));
    }
    if id == user.user.id && (role != Some(Role::Admin) || !active) {
        errors.insert("role", ui.t("error-own-admin"));
    }
    if let (Some(role), true) = (role, errors.is_empty()) {
        store::update(&state.db, id, &name, role, active).await?;
        if role != target.role || active != target.active {
            sessions::delete_for_user(&state.db, id).await?;
        }
        record_action(
            &state.db,
            &user,
            &req,
            "user-updated",
            &format!(
                "user {id} ({}, {}, active={active})",
                target.email,
                role.as_str()
            ),
        )
        .await?;
        flash(&session, ui.t("user-saved"));
        return Ok(see_other("/admin/users"));
    }
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        None,
        Section::Users,
    );
    Ok(html(
        StatusCode::UNPROCESSABLE_ENTITY,
        UserEdit {
            layout,
            id,
            email: target.email.to_string(),
            form: Values(form),
            errors,
        }
        .render()?,
    ))
}

/// POST `/admin/users/{id}/password`: an admin sets a new password for someone.
pub async fn reset_password(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    let id = path.into_inner();
    let ui = ui(&req, &state);
    let target = store::user(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let new_password = field(&form, "password").to_owned();
    if password::check_strength(&new_password).is_err() {
        let layout = AdminLayout::new(
            &req,
            &state,
            Some(&user.user),
            &user.csrf_token,
            None,
            Section::Users,
        );
        let form: FormMap = [
            ("display_name".to_owned(), target.display_name.clone()),
            ("role".to_owned(), target.role.as_str().to_owned()),
            (
                "active".to_owned(),
                if target.active {
                    "on".into()
                } else {
                    String::new()
                },
            ),
        ]
        .into();
        let errors: Errors = [("password", ui.t("error-password-weak"))].into();
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            UserEdit {
                layout,
                id,
                email: target.email.to_string(),
                form: Values(form),
                errors,
            }
            .render()?,
        ));
    }
    store::set_password(&state.db, id, &hash(new_password).await?).await?;
    sessions::delete_for_user(&state.db, id).await?;
    record_action(
        &state.db,
        &user,
        &req,
        "user-password-reset",
        &format!("user {id} ({})", target.email),
    )
    .await?;
    if id == user.user.id {
        let session_id = sessions::create(&state.db, id, Some(&client_ip(&req))).await?;
        begin(&session, &session_id)?;
    }
    flash(&session, ui.t("password-changed"));
    Ok(see_other("/admin/users"))
}

#[derive(Template)]
#[template(path = "admin/account_password.html")]
struct PasswordPage<'a> {
    layout: AdminLayout<'a>,
    errors: Errors<'a>,
}

/// GET `/admin/account/password`.
pub async fn own_password_form(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::None,
    );
    Ok(html(
        StatusCode::OK,
        PasswordPage {
            layout,
            errors: Errors::new(),
        }
        .render()?,
    ))
}

/// POST `/admin/account/password`: current password, new password twice. Signs out every other
/// session of the user; this browser gets a fresh one.
pub async fn change_own_password(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let ui = ui(&req, &state);
    let mut errors = Errors::new();
    let stored = store::password_hash(&state.db, user.user.id)
        .await?
        .unwrap_or_default();
    let current = field(&form, "current_password").to_owned();
    let matches = web::block(move || password::verify_password(&current, &stored))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if !matches {
        errors.insert("current_password", ui.t("error-current-password"));
    }
    let new_password = field(&form, "new_password").to_owned();
    if password::check_strength(&new_password).is_err() {
        errors.insert("new_password", ui.t("error-password-weak"));
    } else if field(&form, "confirm_password") != new_password {
        errors.insert("confirm_password", ui.t("error-password-mismatch"));
    }
    if !errors.is_empty() {
        let layout = AdminLayout::new(
            &req,
            &state,
            Some(&user.user),
            &user.csrf_token,
            None,
            Section::None,
        );
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            PasswordPage { layout, errors }.render()?,
        ));
    }
    store::set_password(&state.db, user.user.id, &hash(new_password).await?).await?;
    sessions::delete_for_user(&state.db, user.user.id).await?;
    let session_id = sessions::create(&state.db, user.user.id, Some(&client_ip(&req))).await?;
    begin(&session, &session_id)?;
    record_action(
        &state.db,
        &user,
        &req,
        "password-changed",
        &format!("user {}", user.user.id),
    )
    .await?;
    flash(&session, ui.t("password-changed"));
    Ok(see_other("/admin"))
}

fn field<'f>(form: &'f FormMap, name: &str) -> &'f str {
    form.get(name).map_or("", String::as_str)
}

fn ui<'a>(req: &HttpRequest, state: &'a AppState) -> &'a Messages {
    state.catalog.messages(admin_lang(req, state))
}

async fn hash(new_password: String) -> Result<String, AppError> {
    web::block(move || password::hash_password(&new_password))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)
}
