//! Deleting a page: `/admin/pages/{id}/delete` asks first (saying when the page has children), then
//! deletes; the home page and a page with children are never deleted.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::admin::{FormMap, audit, see_other};
use super::editing::{self, DeleteOutcome};
use super::review;
use super::store;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/page_delete.html")]
struct DeleteConfirm<'a> {
    layout: AdminLayout<'a>,
    id: i64,
    title: String,
    has_children: bool,
}

/// GET `/admin/pages/{id}/delete`: asks first.
pub async fn delete_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if !review::page_access(&state.db, &user.user, id)
        .await?
        .may_delete
    {
        return Err(AppError::Forbidden);
    }
    let pages = store::page_summaries(&state.db).await?;
    let page = pages
        .iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Pages,
    );
    let title = page
        .title
        .text(layout.lang, state.config.languages.default_lang())
        .to_owned();
    if page.slug.is_home() {
        flash(&session, layout.t("page-is-home"));
        return Ok(see_other(&format!("/admin/pages/{id}")));
    }
    let has_children = pages.iter().any(|p| p.parent_id == Some(id));
    Ok(html(
        StatusCode::OK,
        DeleteConfirm {
            layout,
            id,
            title,
            has_children,
        }
        .render()?,
    ))
}

/// POST `/admin/pages/{id}/delete`.
pub async fn delete(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let user = input.user;
    if !review::page_access(&state.db, &user.user, id)
        .await?
        .may_delete
    {
        return Err(AppError::Forbidden);
    }
    let ui = state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(&req, &state));
    match editing::delete(&state.db, id).await? {
        DeleteOutcome::Deleted => {
            audit(&state, &req, &user, "page-deleted", id, "").await?;
            crate::content::content_changed(&state, Some(id)).await?;
            flash(&session, ui.t("page-deleted"));
            Ok(see_other("/admin/pages"))
        }
        DeleteOutcome::HasChildren => {
            flash(&session, ui.t("page-has-children"));
            Ok(see_other(&format!("/admin/pages/{id}/delete")))
        }
        DeleteOutcome::IsHome => {
            flash(&session, ui.t("page-is-home"));
            Ok(see_other(&format!("/admin/pages/{id}")))
        }
        DeleteOutcome::NotFound => Err(AppError::NotFound),
    }
}
