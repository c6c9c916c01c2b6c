//! The pages section of the admin panel: create, edit, publish, schedule, preview (the list,
//! deleting, revisions and blocks have files of their own). Handlers parse, call one function of `editing`, and render or
//! redirect; every change is audited and empties the rendered-page cache.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::articles::editor;
use super::articles::model::{ArticleDetails, PageKind};
use super::conflicts::{Conflict, conflict_rows};
use super::editing::{self, SaveError};
use super::model::PageStatus;
use super::page_editor::{
    PageFormView, form_view_from_input, lang_fields, render_edit, translate_target,
};
use super::page_form::{add_save_error, datetime_local, parse_page_form};
use super::review;
use super::store;
use super::view::PageTemplate;
use crate::audit::store::record_action;
use crate::db::{self, to_db_time};
use crate::error::AppError;
use crate::web::admin_layout::{flash, user_zone};
use crate::web::auth::{AdminForm, CurrentUser};
pub(super) use crate::web::see_other;
use crate::web::state::AppState;

pub(super) use super::page_form::FormMap;

pub(super) fn status_label(status: &PageStatus) -> (&'static str, String) {
    match status {
        PageStatus::Draft => ("draft", String::new()),
        PageStatus::Published(at) => ("published", to_db_time(*at)),
        PageStatus::Scheduled(at) => ("scheduled", to_db_time(*at)),
    }
}

/// GET `/admin/pages/new`.
pub async fn new_form(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    new_form_of(req, session, user, state, PageKind::Page).await
}

/// GET `/admin/articles/new`: the page form for an article, its writer as its author.
pub async fn new_article_form(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    new_form_of(req, session, user, state, PageKind::Article).await
}

async fn new_form_of(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
    kind: PageKind,
) -> Result<HttpResponse, AppError> {
    let article = kind == PageKind::Article;
    let form = PageFormView {
        id: None,
        version: 0,
        slug: String::new(),
        parent_id: String::new(),
        nav_order: "100".into(),
        placement: if article { "hidden" } else { "main" }.into(),
        publish_at: String::new(),
        status: "draft",
        languages: lang_fields(&state, &FormMap::new()),
        translate: None,
        default_lang: state.config.languages.default_lang(),
        conflict: None,
        article_values: article.then(|| {
            FormMap::from([
                ("article_fields".to_owned(), "1".to_owned()),
                (format!("author.{}", user.user.id), "on".to_owned()),
            ])
        }),
        sections: None,
    };
    render_edit(
        &req,
        &state,
        &user,
        Some(&session),
        form,
        HashMap::new(),
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// POST `/admin/pages/new`.
pub async fn create(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    create_of(req, session, input, state, PageKind::Page).await
}

/// POST `/admin/articles/new`.
pub async fn create_article(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    create_of(req, session, input, state, PageKind::Article).await
}

async fn create_of(
    req: HttpRequest,
    session: Session,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
    kind: PageKind,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    let ui = state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(&req, &state));
    let zone = user_zone(&state, Some(&user.user));
    let (fields, mut errors) = parse_page_form(&state, &form, None, ui, &zone);
    let values = |k: &str| form.get(k).cloned();
    let article = match kind {
        PageKind::Article => editor::parse(&state, &values, ui, &mut errors)
            .await?
            .or_else(|| Some(ArticleDetails::default())),
        PageKind::Page => None,
    };
    let access = review::access(&state.db, &user.user, &PageStatus::Draft).await?;
    if !access.may_publish
        && fields
            .as_ref()
            .is_some_and(|f| f.status != PageStatus::Draft)
    {
        return Err(AppError::Forbidden);
    }
    if let Some(fields) = fields.filter(|_| errors.is_empty()) {
        match editing::create(
            &state.db,
            article.as_ref(),
            &fields,
            user.user.id,
            state.config.languages.all(),
        )
        .await?
        {
            Ok(id) => {
                audit(
                    &state,
                    &req,
                    &user,
                    "page-created",
                    id,
                    fields.slug.as_str(),
                )
                .await?;
                crate::content::content_changed(&state, Some(id)).await?;
                flash(&session, ui.t("page-saved"));
                return Ok(see_other(&format!("/admin/pages/{id}")));
            }
            Err(e) => add_save_error(&mut errors, &e, ui),
        }
    }
    let view = form_view_from_input(&state, &form, None, 0, "draft", kind);
    render_edit(
        &req,
        &state,
        &user,
        None,
        view,
        errors,
        Some(ui.t("form-has-errors")),
        Vec::new(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// GET `/admin/pages/{id}`.
pub async fn edit_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    query: web::Query<FormMap>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (page, blocks) = store::page_for_editing(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut map = FormMap::new();
    for (lang, text) in page.title.variants() {
        map.insert(format!("title.{lang}"), text.clone());
    }
    for (lang, text) in page.summary.variants() {
        map.insert(format!("summary.{lang}"), text.clone());
    }
    for (lang, text) in page.meta_description.variants() {
        map.insert(format!("meta_description.{lang}"), text.clone());
    }
    for (lang, slug) in page.slugs.variants() {
        map.insert(format!("slug.{lang}"), slug.clone());
    }
    let (status, _) = status_label(&page.status);
    let form = PageFormView {
        id: Some(id),
        version: page.version,
        slug: page.slug.to_string(),
        parent_id: page.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        nav_order: page.nav_order.to_string(),
        placement: page.placement.as_db().into(),
        publish_at: page
            .status
            .published_at()
            .map(|t| datetime_local(t, &user_zone(&state, Some(&user.user)).0))
            .unwrap_or_default(),
        status,
        languages: lang_fields(&state, &map),
        translate: translate_target(&state, query.get("translate")),
        default_lang: state.config.languages.default_lang(),
        conflict: None,
        article_values: (page.kind == PageKind::Article).then(|| {
            editor::values_of(&page.article, state.config.languages.all())
                .into_iter()
                .collect()
        }),
        sections: None,
    };
    render_edit(
        &req,
        &state,
        &user,
        Some(&session),
        form,
        HashMap::new(),
        None,
        blocks,
        StatusCode::OK,
    )
    .await
}

/// POST `/admin/pages/{id}`: saves the form; the button pressed says what happens to the status.
pub async fn save(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let AdminForm { user, form } = input;
    let ui = state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(&req, &state));
    let (current, blocks) = store::page_for_editing(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let access = review::access(&state.db, &user.user, &current.status).await?;
    if !access.may_edit {
        return Err(AppError::Forbidden);
    }
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let zone = user_zone(&state, Some(&user.user));
    let (fields, mut errors) = parse_page_form(&state, &form, Some(&current.status), ui, &zone);
    let values = |k: &str| form.get(k).cloned();
    let article = match current.kind {
        PageKind::Article => editor::parse(&state, &values, ui, &mut errors).await?,
        PageKind::Page => None,
    };
    // The home page answers `/{lang}/`: renamed, the site would have no front page.
    if current.slug.is_home() && fields.as_ref().is_some_and(|f| !f.slug.is_home()) {
        errors.insert("slug", ui.t("error-slug-home").into());
    }
    // Publishing, scheduling and unpublishing need the right to publish, whatever the form says.
    if !access.may_publish
        && fields
            .as_ref()
            .is_some_and(|f| f.status != PageStatus::Draft)
    {
        return Err(AppError::Forbidden);
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut message = ui.t("form-has-errors");
    if let Some(fields) = fields.filter(|_| errors.is_empty()) {
        match editing::update(
            &state.db,
            id,
            version,
            &fields,
            article.as_ref(),
            user.user.id,
            state.config.languages.all(),
        )
        .await?
        {
            Ok(_) => {
                let action = match fields.status {
                    PageStatus::Draft if !matches!(current.status, PageStatus::Draft) => {
                        "page-unpublished"
                    }
                    PageStatus::Published(_)
                        if !matches!(current.status, PageStatus::Published(_)) =>
                    {
                        "page-published"
                    }
                    PageStatus::Scheduled(_) => "page-scheduled",
                    _ => "page-updated",
                };
                audit(&state, &req, &user, action, id, fields.slug.as_str()).await?;
                crate::content::content_changed(&state, Some(id)).await?;
                flash(&session, ui.t("page-saved"));
                return Ok(see_other(
                    &match translate_target(&state, form.get("translate")) {
                        Some(lang) => format!("/admin/pages/{id}?translate={lang}"),
                        None => format!("/admin/pages/{id}"),
                    },
                ));
            }
            Err(SaveError::Stale) => {
                status = StatusCode::CONFLICT;
                message = ui.t("page-stale");
            }
            Err(SaveError::NotFound) => return Err(AppError::NotFound),
            Err(e) => add_save_error(&mut errors, &e, ui),
        }
    }
    let (current_status, _) = status_label(&current.status);
    let mut view = form_view_from_input(
        &state,
        &form,
        Some(id),
        version,
        current_status,
        current.kind,
    );
    if status == StatusCode::CONFLICT
        && let Some((page, _)) = store::page_for_editing(&state.db, id).await?
    {
        // The form now carries the version saved meanwhile: saving it again, after looking at both,
        // puts the editor's text over theirs on purpose.
        view.version = page.version;
        view.conflict = Some(Conflict {
            by: store::last_editor(&state.db, id).await?.unwrap_or_default(),
            at: to_db_time(page.updated_at),
            rows: conflict_rows(&state, ui, &page, &form),
        });
    }
    render_edit(
        &req,
        &state,
        &user,
        None,
        view,
        errors,
        Some(message),
        blocks,
        status,
    )
    .await
}

/// GET `/admin/pages/{id}/preview/{lang}`: the public template, drafts included, with a banner.
pub async fn preview(
    req: HttpRequest,
    path: web::Path<(i64, String)>,
    _user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, lang) = path.into_inner();
    let lang = state
        .config
        .languages
        .find(&lang)
        .ok_or(AppError::NotFound)?;
    let (page, blocks) = store::page_for_editing(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = db::now();
    let body = if page.kind == PageKind::Article {
        let index = super::articles::current(&state);
        super::articles::public::render_article(&state, &index, &page, &blocks, lang, true, now)?
    } else {
        let tree = crate::content::tree(&state);
        let mut view = PageTemplate::new(&state, &tree, &page, &blocks, lang, now);
        view.preview = true;
        view.render()?
    };
    let _ = req;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("X-Robots-Tag", "noindex, nofollow"))
        .body(body))
}

pub(super) async fn audit(
    state: &AppState,
    req: &HttpRequest,
    user: &CurrentUser,
    action: &str,
    page_id: i64,
    detail: &str,
) -> Result<(), AppError> {
    let target = if detail.is_empty() {
        format!("page {page_id}")
    } else {
        format!("page {page_id} ({detail})")
    };
    record_action(&state.db, user, req, action, &target).await
}
