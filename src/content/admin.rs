//! The pages section of the admin panel: create, edit, publish, schedule, preview (the list,
//! deleting, revisions and blocks have files of their own). Handlers parse, call one function of `editing`, and render or
//! redirect; every change is audited and empties the rendered-page cache.
use std::borrow::Cow;
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::block_form;
use super::blocks::Block;
use super::conflicts::{Conflict, conflict_rows};
use super::editing::{self, SaveError};
use super::model::{PageStatus, Slug};
use super::page_form::{add_save_error, datetime_local, parse_page_form};
use super::review;
use super::store;
use super::view::PageTemplate;
use crate::audit::store::record_action;
use crate::db::{self, to_db_time};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::admin_layout::{AdminLayout, Section, flash, user_zone};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
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

/// What the page form shows: the stored page, or what the editor typed.
struct PageFormView {
    id: Option<i64>,
    version: i64,
    slug: String,
    parent_id: String,
    nav_order: String,
    placement: String,
    publish_at: String,
    status: &'static str,
    languages: Vec<LangFields>,
    /// Translate mode: only this language's fields are editable, each beside the default
    /// language's text; everything else rides along unchanged in hidden fields.
    translate: Option<Lang>,
    default_lang: Lang,
    /// Set when someone else saved the page since this form was opened: theirs beside the
    /// editor's, field by field.
    conflict: Option<Conflict>,
}

impl PageFormView {
    /// The default language's fields, when translating into `lang`.
    fn source_for(&self, lang: &Lang) -> Option<&LangFields> {
        if self.translate != Some(*lang) {
            return None;
        }
        self.languages.iter().find(|l| l.lang == self.default_lang)
    }

    fn is_default(&self, lang: &Lang) -> bool {
        *lang == self.default_lang
    }

    fn translating(&self, lang: &Lang) -> bool {
        self.translate == Some(*lang)
    }

    /// Whether `lang`'s fields are hidden (translate mode into another language).
    fn hidden(&self, lang: &Lang) -> bool {
        self.translate.is_some_and(|t| t != *lang)
    }

    /// The page's address below `/{lang}/` (empty for the home page).
    fn path_in(&self, lang: &Lang) -> &str {
        let own = self
            .languages
            .iter()
            .find(|l| l.lang == *lang && !l.slug.is_empty() && self.has_own_slug(lang))
            .map(|l| l.slug.as_str());
        own.unwrap_or(super::path_below_lang(&self.slug))
    }

    /// Whether the page may have its own slug in `lang` (not the default language, not the home
    /// page, which answers at `/{lang}/`).
    fn has_own_slug(&self, lang: &Lang) -> bool {
        !self.is_default(lang) && self.slug != Slug::HOME
    }
}

/// The target language of translate mode, from `?translate=de` or the form's hidden field; never
/// the default language.
fn translate_target(state: &AppState, value: Option<&String>) -> Option<Lang> {
    let default = state.config.languages.default_lang();
    let lang = state.config.languages.find(value?)?;
    (lang != default).then_some(lang)
}

struct LangFields {
    lang: Lang,
    name: String,
    /// Its own slug (`slug.{lang}`); empty: the default language's.
    slug: String,
    title: String,
    summary: String,
    meta_description: String,
}

#[derive(Template)]
#[template(path = "admin/page_edit.html")]
struct PageEdit<'a> {
    layout: AdminLayout<'a>,
    review: review::PageReview,
    form: PageFormView,
    errors: HashMap<&'static str, Cow<'a, str>>,
    error: Option<&'a str>,
    parents: Vec<(i64, String)>,
    blocks: Vec<BlockRowView>,
    block_types: &'static [&'static str],
}

impl PageEdit<'_> {
    /// The error about the own slug in `lang`, if that is where it is.
    fn slug_error(&self, lang: &Lang) -> Option<&str> {
        (self.errors.get("slugs-lang").map(|l| l.as_ref()) == Some(lang.as_str()))
            .then(|| self.errors.get("slugs").map(|e| e.as_ref()))
            .flatten()
    }
}

struct BlockRowView {
    id: i64,
    block_type: String,
    summary: String,
    preview: super::block_preview::Preview,
    position: usize,
    order_up: Option<String>,
    order_down: Option<String>,
}

/// GET `/admin/pages/new`.
pub async fn new_form(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let form = PageFormView {
        id: None,
        version: 0,
        slug: String::new(),
        parent_id: String::new(),
        nav_order: "100".into(),
        placement: "main".into(),
        publish_at: String::new(),
        status: "draft",
        languages: lang_fields(&state, &FormMap::new()),
        translate: None,
        default_lang: state.config.languages.default_lang(),
        conflict: None,
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
    let AdminForm { user, form } = input;
    let ui = state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(&req, &state));
    let zone = user_zone(&state, Some(&user.user));
    let (fields, mut errors) = parse_page_form(&state, &form, None, ui, &zone);
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
    let view = form_view_from_input(&state, &form, None, 0, "draft");
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
    let mut view = form_view_from_input(&state, &form, Some(id), version, current_status);
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

#[allow(clippy::too_many_arguments)]
async fn render_edit(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    mut form: PageFormView,
    errors: HashMap<&'static str, Cow<'_, str>>,
    error: Option<&str>,
    blocks: Vec<Block>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Pages,
    );
    for fields in &mut form.languages {
        fields.name = layout.ui.language_name(fields.lang);
    }
    let default = state.config.languages.default_lang();
    let parents = store::page_summaries(&state.db)
        .await?
        .into_iter()
        .filter(|p| Some(p.id) != form.id)
        .map(|p| {
            (
                p.id,
                format!("{} (/{})", p.title.text(layout.lang, default), p.slug),
            )
        })
        .collect();
    let ids: Vec<i64> = blocks.iter().map(|b| b.id).collect();
    let swapped = |a: usize, b: usize| {
        let mut order = ids.clone();
        order.swap(a, b);
        order
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    let blocks = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| BlockRowView {
            id: b.id,
            block_type: b.kind.type_name().to_owned(),
            summary: super::block_preview::summary(b, layout.lang, default),
            preview: super::block_preview::preview(b, layout.lang, default),
            position: i + 1,
            order_up: (i > 0).then(|| swapped(i, i - 1)),
            order_down: (i + 1 < ids.len()).then(|| swapped(i, i + 1)),
        })
        .collect();
    let review = match form.id {
        Some(id) => review::PageReview::of(&state.db, &user.user, id).await?,
        None => review::PageReview::new_page(&state.db, &user.user).await?,
    };
    let page = PageEdit {
        layout,
        review,
        form,
        errors,
        error,
        parents,
        blocks,
        block_types: block_form::BLOCK_TYPES,
    };
    Ok(html(status, page.render()?))
}

/// The page's fields per language; `render_edit` names each language in the admin's own.
fn lang_fields(state: &AppState, map: &FormMap) -> Vec<LangFields> {
    let get = |k: String| map.get(&k).cloned().unwrap_or_default();
    state
        .config
        .languages
        .all()
        .iter()
        .map(|l| LangFields {
            lang: *l,
            name: String::new(),
            slug: get(format!("slug.{l}")),
            title: get(format!("title.{l}")),
            summary: get(format!("summary.{l}")),
            meta_description: get(format!("meta_description.{l}")),
        })
        .collect()
}

fn form_view_from_input(
    state: &AppState,
    form: &FormMap,
    id: Option<i64>,
    version: i64,
    status: &'static str,
) -> PageFormView {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    PageFormView {
        id,
        version,
        slug: get("slug"),
        parent_id: get("parent_id"),
        nav_order: get("nav_order"),
        placement: get("placement"),
        publish_at: get("publish_at"),
        status,
        languages: lang_fields(state, form),
        translate: translate_target(state, form.get("translate")),
        default_lang: state.config.languages.default_lang(),
        conflict: None,
    }
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
    let tree = crate::content::tree(&state);
    let mut view = PageTemplate::new(&state, &tree, &page, &blocks, lang, db::now());
    view.preview = true;
    let _ = req;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("X-Robots-Tag", "noindex, nofollow"))
        .body(view.render()?))
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
