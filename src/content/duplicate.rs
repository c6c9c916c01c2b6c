//! Duplicating a page: `POST /admin/pages/{id}/duplicate` makes a draft with the same fields and
//! blocks under the next free slug (`about-copy`, `about-copy-2`, ...), beside the original in the
//! tree, with its own first revision; the editor lands on the copy's form.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::addresses::{free_slug, write_slugs};
use super::admin::audit;
use super::model::{PageStatus, Slug};
use super::revisions::write_revision;
use super::store::{NewPage, insert_page, page_for_editing};
use crate::db::{Db, sql};
use crate::error::AppError;
use crate::i18n::{Lang, Localized};
use crate::web::admin_layout::{admin_lang, flash};
use crate::web::auth::AdminForm;
use crate::web::see_other;
use crate::web::state::AppState;

/// Copies page `id` as a draft; `Ok(None)` when there is no such page.
pub async fn duplicate(
    db: &Db,
    id: i64,
    user_id: i64,
    langs: &[Lang],
) -> anyhow::Result<Option<(i64, Slug)>> {
    let Some((page, blocks)) = page_for_editing(db, id).await? else {
        return Ok(None);
    };
    let mut tx = db.begin().await?;
    let slug = free_slug(&mut tx, &page.slug, "copy").await?;
    let copy = NewPage {
        slug: slug.clone(),
        slugs: Localized::new(),
        title: page.title,
        summary: page.summary,
        meta_description: page.meta_description,
        status: PageStatus::Draft,
        parent_id: page.parent_id,
        nav_order: page.nav_order + 1,
        placement: page.placement,
        kind: page.kind,
        article: page.article,
    };
    let kinds = blocks.into_iter().map(|b| b.kind).collect();
    let copy_id = insert_page(&mut tx, &copy, kinds).await?;
    if let Err(lang) = write_slugs(&mut tx, copy_id, langs).await? {
        anyhow::bail!("the copy's address in {lang} was taken meanwhile");
    }
    sql("UPDATE pages SET updated_by = $1 WHERE id = $2")
        .bind(user_id)
        .bind(copy_id)
        .execute(&mut tx)
        .await?;
    write_revision(&mut tx, copy_id, user_id).await?;
    tx.commit().await?;
    Ok(Some((copy_id, slug)))
}

/// POST `/admin/pages/{id}/duplicate`.
pub async fn duplicate_page(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let user = input.user;
    let Some((copy, slug)) =
        duplicate(&state.db, id, user.user.id, state.config.languages.all()).await?
    else {
        return Err(AppError::NotFound);
    };
    audit(
        &state,
        &req,
        &user,
        "page-duplicated",
        copy,
        &format!("copy of page {id}, {slug}"),
    )
    .await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(&session, ui.t("page-duplicated"));
    Ok(see_other(&format!("/admin/pages/{copy}")))
}
