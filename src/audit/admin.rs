//! `/admin/audit`: the audit log, newest first, fifty entries a page; admins only.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AuditLine;
use super::store;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::CurrentUser;
use crate::web::html;
use crate::web::state::AppState;

const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage<'a> {
    layout: AdminLayout<'a>,
    entries: Vec<AuditLine>,
    page: i64,
    pages: i64,
}

#[derive(Deserialize)]
pub struct Paging {
    page: Option<i64>,
}

/// GET `/admin/audit?page=N`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    query: web::Query<Paging>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    user.require_admin()?;
    let total = store::count(&state.db).await?;
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total, query.page, PER_PAGE);
    let entries = store::recent(&state.db, PER_PAGE, offset).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Audit,
    );
    let entries = entries
        .into_iter()
        .map(|e| AuditLine::of(e, layout.ui))
        .collect();
    Ok(html(
        StatusCode::OK,
        AuditPage {
            layout,
            entries,
            page,
            pages,
        }
        .render()?,
    ))
}
