//! A page's revisions in the admin panel: the list, one revision in full, and restoring one.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::admin::{FormMap, audit, see_other};
use super::block_form;
use super::editing::SaveError;
use super::revisions;
use super::store;
use crate::error::AppError;
use crate::i18n::Localized;
use crate::web::admin_layout::{AdminLayout, Section, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/revisions.html")]
struct RevisionsPage<'a> {
    layout: AdminLayout<'a>,
    id: i64,
    title: String,
    revisions: Vec<RevisionView>,
    /// The page's review history: every submission and what became of it.
    reviews: Vec<super::review::admin::Item>,
}

impl RevisionsPage<'_> {
    fn status_id(&self, status: &str) -> &'static str {
        super::review::admin::status_id(status)
    }
}

struct RevisionView {
    id: i64,
    version: i64,
    who: String,
    when: String,
    blocks: usize,
    title: String,
}

/// GET `/admin/pages/{id}/revisions`.
pub async fn revisions(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (page, _) = store::page_for_editing(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Pages,
    );
    let default = state.config.languages.default_lang();
    let lang = layout.lang;
    let revisions = revisions::revisions(&state.db, id)
        .await?
        .into_iter()
        .map(|r| {
            let snap: serde_json::Value = serde_json::from_str(&r.snapshot).unwrap_or_default();
            let title: Localized<String> =
                serde_json::from_value(snap["title"].clone()).unwrap_or_default();
            RevisionView {
                id: r.id,
                version: r.version,
                who: r.user_name.unwrap_or_default(),
                when: r.created_at.to_text(),
                blocks: snap["blocks"].as_array().map_or(0, Vec::len),
                title: title.text(lang, default).to_owned(),
            }
        })
        .collect();
    let title = page.title.text(lang, default).to_owned();
    let reviews = super::review::store::for_page(&state.db, id)
        .await?
        .iter()
        .map(|s| super::review::admin::Item::of(s, &state, layout.ui))
        .collect();
    Ok(html(
        StatusCode::OK,
        RevisionsPage {
            layout,
            id,
            title,
            revisions,
            reviews,
        }
        .render()?,
    ))
}

/// POST `/admin/pages/{id}/revisions/{revision}/restore`.
pub async fn restore(
    req: HttpRequest,
    session: Session,
    path: web::Path<(i64, i64)>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, revision) = path.into_inner();
    let user = input.user;
    let ui = state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(&req, &state));
    let access = crate::content::review::require_edit(&state.db, &user.user, id).await?;
    let keep_draft = !access.may_publish;
    match revisions::restore(
        &state.db,
        id,
        revision,
        user.user.id,
        keep_draft,
        state.config.languages.all(),
    )
    .await?
    {
        Ok(()) => {
            audit(
                &state,
                &req,
                &user,
                "revision-restored",
                id,
                &format!("revision {revision}"),
            )
            .await?;
            crate::content::content_changed(&state, Some(id)).await?;
            flash(&session, ui.t("revision-restored"));
            Ok(see_other(&format!("/admin/pages/{id}")))
        }
        Err(SaveError::SlugTaken | SaveError::SlugTakenIn(_)) => {
            flash(&session, ui.t("error-slug-taken"));
            Ok(see_other(&format!("/admin/pages/{id}/revisions")))
        }
        Err(_) => Err(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "admin/revision.html")]
struct RevisionDetail<'a> {
    layout: AdminLayout<'a>,
    id: i64,
    revision: i64,
    version: i64,
    who: String,
    when: String,
    fields: Vec<(String, String)>,
    blocks: Vec<(String, Vec<(String, String)>)>,
}

/// GET `/admin/pages/{id}/revisions/{revision}`: everything the revision holds.
pub async fn revision(
    req: HttpRequest,
    session: Session,
    path: web::Path<(i64, i64)>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, revision) = path.into_inner();
    let found = revisions::revisions(&state.db, id)
        .await?
        .into_iter()
        .find(|r| r.id == revision)
        .ok_or(AppError::NotFound)?;
    let snap: serde_json::Value =
        serde_json::from_str(&found.snapshot).map_err(|e| AppError::Internal(e.into()))?;
    let mut fields: Vec<(String, String)> = Vec::new();
    for key in [
        "slug",
        "status",
        "published_at",
        "placement",
        "nav_order",
        "parent_id",
    ] {
        let value = match &snap[key] {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        fields.push((key.to_owned(), value));
    }
    for key in ["title", "summary", "meta_description"] {
        let mut flat: Vec<(String, String)> = block_form::flatten(&snap[key])
            .into_iter()
            .map(|(lang, v)| (format!("{key}.{lang}"), v))
            .collect();
        flat.sort();
        fields.extend(flat);
    }
    let blocks = snap["blocks"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .map(|b| {
                    let mut flat: Vec<(String, String)> =
                        block_form::flatten(&b["content"]).into_iter().collect();
                    flat.sort();
                    (b["block_type"].as_str().unwrap_or("").to_owned(), flat)
                })
                .collect()
        })
        .unwrap_or_default();
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Pages,
    );
    let page = RevisionDetail {
        layout,
        id,
        revision,
        version: found.version,
        who: found.user_name.unwrap_or_default(),
        when: found.created_at.to_text(),
        fields,
        blocks,
    };
    Ok(html(StatusCode::OK, page.render()?))
}
