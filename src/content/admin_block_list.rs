//! The page's list of blocks in the admin panel: deleting a block (asked first) and putting the
//! blocks in a new order, with or without JavaScript.
use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::admin::{FormMap, audit, see_other};
use super::editing::{self, SaveError};
use crate::error::AppError;
use crate::web::admin_layout::flash;
use crate::web::auth::AdminForm;
use crate::web::state::AppState;

/// POST `/admin/pages/{id}/blocks/{block}/delete`.
pub async fn delete_block(
    req: HttpRequest,
    session: Session,
    path: web::Path<(i64, i64)>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (page_id, block_id) = path.into_inner();
    let AdminForm { user, form } = input;
    crate::content::review::require_edit(&state.db, &user.user, page_id).await?;
    let ui = state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(&req, &state));
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    if form.get("confirm").map(String::as_str) != Some("yes") {
        // A stray click deletes nothing: the button asks first.
        flash(&session, ui.t("block-delete-unconfirmed"));
        return Ok(see_other(&format!("/admin/pages/{page_id}#blocks")));
    }
    match editing::delete_block(&state.db, page_id, version, block_id, user.user.id).await? {
        Ok(()) => {
            audit(
                &state,
                &req,
                &user,
                "block-deleted",
                page_id,
                &block_id.to_string(),
            )
            .await?;
            crate::content::content_changed(&state, Some(page_id)).await?;
            flash(&session, ui.t("block-deleted"));
        }
        Err(SaveError::Stale) => flash(&session, ui.t("page-stale")),
        Err(_) => return Err(AppError::NotFound),
    }
    Ok(see_other(&format!("/admin/pages/{page_id}#blocks")))
}

/// POST `/admin/pages/{id}/blocks/order`: `order` (ids, comma-separated, as the up/down buttons send)
/// or one `position.{block id}` number per block (the whole order in one request, without JavaScript).
pub async fn reorder_blocks(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let page_id = path.into_inner();
    let AdminForm { user, form } = input;
    crate::content::review::require_edit(&state.db, &user.user, page_id).await?;
    let ui = state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(&req, &state));
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let order: Vec<i64> = match form.get("order") {
        Some(list) => list
            .split(',')
            .filter_map(|id| id.trim().parse().ok())
            .collect(),
        None => {
            let mut positions: Vec<(i64, i64)> = form
                .iter()
                .filter_map(|(k, v)| {
                    Some((
                        v.trim().parse::<i64>().ok()?,
                        k.strip_prefix("position.")?.parse::<i64>().ok()?,
                    ))
                })
                .collect();
            positions.sort();
            positions.into_iter().map(|(_, id)| id).collect()
        }
    };
    match editing::reorder_blocks(&state.db, page_id, version, &order, user.user.id).await? {
        Ok(()) => {
            audit(&state, &req, &user, "blocks-reordered", page_id, "").await?;
            crate::content::content_changed(&state, Some(page_id)).await?;
            flash(&session, ui.t("blocks-reordered"));
        }
        Err(SaveError::Stale) => flash(&session, ui.t("page-stale")),
        Err(_) => return Err(AppError::NotFound),
    }
    Ok(see_other(&format!("/admin/pages/{page_id}#blocks")))
}
