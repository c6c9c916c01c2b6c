//! `/admin/users` (admins only): the team and its open invitations, change role and name,
//! deactivate; and `/admin/account/password`, where every user changes their own password. A change
//! of role, active flag or password signs that user out everywhere. Inviting, reset links,
//! two-factor and sessions are this folder's other files.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::audit::store::record_action;
use crate::auth::confirm::{self, Proof};
use crate::error::AppError;
use crate::i18n::Messages;
use crate::users::store::{self, UserListing};
use crate::users::{Role, password};
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser, begin, client_ip};
use crate::web::html;
use crate::web::see_other;
use crate::web::sessions;
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
    invitations: Vec<super::store::Invitation>,
    /// The site's languages: (code, name in the admin's language).
    languages: Vec<(String, String)>,
    two_factor_required: bool,
    review_required: bool,
    now: time::OffsetDateTime,
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
    let invitations = super::store::open_invitations(&state.db).await?;
    let mut form = form;
    form.entry("language".to_owned())
        .or_insert_with(|| state.config.languages.default_lang().to_string());
    let languages = state
        .config
        .languages
        .all()
        .iter()
        .map(|l| (l.to_string(), layout.ui.language_name(*l)))
        .collect();
    Ok(html(
        status,
        UsersPage {
            layout,
            users,
            invitations,
            languages,
            two_factor_required: crate::auth::two_factor::required(&state.db).await?,
            review_required: crate::content::review::store::required(&state.db).await?,
            now: crate::db::now(),
            form: Values(form),
            errors,
        }
        .render()?,
    ))
}

/// POST `/admin/users/invite`: invites a person by mail (see `accounts::invitations`).
pub async fn invite(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    match super::invitations::invite(&req, &state, &user, form).await? {
        Ok(()) => {
            let said = super::mail_notice(
                &state,
                ui(&req, &state),
                "invitation-sent",
                "invitation-waiting",
            );
            flash(&session, said);
            Ok(see_other("/admin/users"))
        }
        Err(refused) => {
            render_list(
                &req,
                &state,
                &user,
                None,
                refused.form,
                refused.errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "admin/user_edit.html")]
struct UserEdit<'a> {
    layout: AdminLayout<'a>,
    id: i64,
    email: String,
    form: Values,
    errors: Errors<'a>,
    two_factor: bool,
    rows: Vec<super::sessions::Row>,
    end_action: String,
}

impl UserEdit<'_> {
    async fn render_for(
        mut self,
        state: &AppState,
        status: StatusCode,
    ) -> Result<HttpResponse, AppError> {
        self.two_factor = crate::auth::two_factor::secret(&state.db, self.id)
            .await?
            .is_some();
        self.rows = super::sessions::rows(
            state,
            self.id,
            None,
            self.layout.t("session-unknown-browser"),
        )
        .await?;
        self.end_action = format!("/admin/users/{}/sessions/end", self.id);
        Ok(html(status, self.render()?))
    }
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
    UserEdit {
        layout,
        id,
        email: target.email.to_string(),
        form: Values(form),
        errors: Errors::new(),
        two_factor: false,
        rows: Vec::new(),
        end_action: String::new(),
    }
    .render_for(&state, StatusCode::OK)
    .await
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
    UserEdit {
        layout,
        id,
        email: target.email.to_string(),
        form: Values(form),
        errors,
        two_factor: false,
        rows: Vec::new(),
        end_action: String::new(),
    }
    .render_for(&state, StatusCode::UNPROCESSABLE_ENTITY)
    .await
}

/// POST `/admin/users/{id}/delete`: after ticking the confirmation; never oneself.
pub async fn delete(
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
    if id == user.user.id || field(&form, "confirm") != "yes" {
        flash(
            &session,
            ui.t(if id == user.user.id {
                "error-own-admin"
            } else {
                "user-delete-confirm-missing"
            }),
        );
        return Ok(see_other(&format!("/admin/users/{id}")));
    }
    store::delete(&state.db, id).await?;
    record_action(
        &state.db,
        &user,
        &req,
        "user-deleted",
        &format!("user {id} ({})", target.email),
    )
    .await?;
    flash(&session, ui.t("user-deleted"));
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
    let current = field(&form, "current_password");
    if !confirm::it_is_them(&req, &state, &user, current, Proof::Password).await? {
        errors.insert("current_password", ui.t("error-current-password"));
    }
    let new_password = field(&form, "new_password").to_owned();
    if let Err(weak) = password::check_strength(
        &new_password,
        &[user.user.email.as_str(), &user.user.display_name],
    ) {
        errors.insert("new_password", ui.t(weak.message_id()));
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
    let ip = client_ip(&req);
    let browser = sessions::Browser::of(&req, &ip);
    let session_id = sessions::create(&state.db, user.user.id, &browser, false).await?;
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
    Ok(password::hash_in_background(new_password).await?)
}
