//! What a page's editor does about review, on the page: submit it, start a draft of changes of a
//! live page; and the admin's site setting "publishing needs review".
use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::require_edit;
use super::store::{self, SubmitError};
use crate::content::admin::audit;
use crate::content::page_form::odt;
use crate::error::AppError;
use crate::web::admin_layout::{admin_lang, flash, user_zone};
use crate::web::auth::AdminForm;
use crate::web::see_other;
use crate::web::state::AppState;

type FormMap = HashMap<String, String>;

/// POST `/admin/pages/{id}/submit`: submits the draft (at the version the form was opened on).
pub async fn submit(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let page_id = path.into_inner();
    let AdminForm { user, form } = input;
    require_edit(&state.db, &user.user, page_id).await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or("");
    let version: i64 = field("version").parse().unwrap_or(-1);
    let message: String = field("message").chars().take(2000).collect();
    let zone = user_zone(&state, Some(&user.user));
    let publish_at = match field("publish_at") {
        "" => None,
        text => match crate::zones::parse_local(text, &zone.0) {
            Ok(at) => Some(odt(at)),
            Err(e) => {
                flash(&session, &e.message(ui, text, &zone.1));
                return Ok(see_other(&format!("/admin/pages/{page_id}")));
            }
        },
    };
    let outcome = store::submit(
        &state.db,
        page_id,
        version,
        &message,
        publish_at,
        user.user.id,
    )
    .await?;
    let note = match outcome {
        Ok(id) => {
            audit(
                &state,
                &req,
                &user,
                "page-submitted",
                page_id,
                &format!("submission {id}"),
            )
            .await?;
            return {
                flash(&session, ui.t("review-submitted"));
                Ok(see_other(&format!("/admin/review/{id}")))
            };
        }
        Err(SubmitError::Stale) => "page-stale",
        Err(SubmitError::NotDraft) => "review-not-draft",
        Err(SubmitError::AlreadyPending) => "review-already-pending",
        Err(SubmitError::NotFound) => return Err(AppError::NotFound),
    };
    flash(&session, ui.t(note));
    Ok(see_other(&format!("/admin/pages/{page_id}")))
}

/// POST `/admin/pages/{id}/changes`: opens (making it if needed) the draft of changes of a live page.
pub async fn start_changes(
    req: HttpRequest,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let live = path.into_inner();
    let user = input.user;
    let existing = store::draft_for(&state.db, live).await?;
    let draft =
        store::draft_of_changes(&state.db, live, user.user.id, state.config.languages.all())
            .await?
            .ok_or(AppError::NotFound)?;
    if existing.is_none() {
        audit(
            &state,
            &req,
            &user,
            "draft-of-changes-started",
            live,
            &format!("draft page {draft}"),
        )
        .await?;
    }
    Ok(see_other(&format!("/admin/pages/{draft}")))
}

#[derive(serde::Deserialize)]
pub struct SettingForm {
    required: Option<String>,
}

/// POST `/admin/users/review` (admins): whether publishing needs review.
pub async fn set_required(
    req: HttpRequest,
    session: Session,
    input: AdminForm<SettingForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    user.require_admin()?;
    let on = form.required.as_deref() == Some("on");
    store::set_required(&state.db, on).await?;
    let action = if on {
        "review-required"
    } else {
        "review-optional"
    };
    crate::audit::store::record_action(&state.db, &user, &req, action, "site").await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(&session, ui.t("review-setting-saved"));
    Ok(see_other("/admin/users"))
}
