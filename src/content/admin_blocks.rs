//! The blocks of a page in the admin panel: add and edit, through forms generated for each block
//! type (see `block_form`); deleting and reordering are `admin_block_list`.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::admin::{FormMap, audit, see_other};
use super::block_form::{self, Field, Input};
use super::blocks::BlockKind;
use super::choosers::{Chooser, media_images, site_links};
use super::editing::{self, SaveError};
use super::store;
use crate::error::AppError;
use crate::i18n::{Lang, Localized};
use crate::web::admin_layout::{AdminLayout, Section, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/block_edit.html")]
struct BlockEdit<'a> {
    layout: AdminLayout<'a>,
    page_id: i64,
    block_id: Option<i64>,
    block_type: String,
    version: i64,
    inputs: Vec<InputView>,
    error: Option<String>,
    /// Translate mode's target language.
    translate: Option<Lang>,
    /// The site's published pages per language, for link fields: (datalist id, [(path, title)]).
    links: Vec<(String, Vec<(String, String)>)>,
    /// This form's own address (where the chooser's filter and an upload made here lead back).
    form_path: String,
}

impl BlockEdit<'_> {
    /// The name filter of the form's media chooser, when it has one.
    fn chooser_q(&self) -> Option<&str> {
        self.inputs
            .iter()
            .find_map(|i| i.chooser.as_ref())
            .map(|c| c.q.as_str())
    }

    /// This form's address without its query (the chooser filter's GET target).
    fn form_action(&self) -> &str {
        self.form_path
            .split_once('?')
            .map_or(self.form_path.as_str(), |(p, _)| p)
    }
}

struct InputView {
    name: String,
    label: String,
    lang: Option<Lang>,
    value: String,
    multiline: bool,
    rows: usize,
    /// A select's values, each with its label in the admin's language.
    options: Vec<(&'static str, String)>,
    /// A number input's bounds.
    number: Option<(u64, u64)>,
    required: bool,
    /// What is wrong with the value sent, shown under the field.
    invalid: Option<String>,
    /// Translate mode: carried unchanged (another language, or a value with no language).
    hidden: bool,
    /// Translate mode: the default language's text of this field.
    source: Option<String>,
    /// An image field: the media library to choose from.
    chooser: Option<Chooser>,
    /// A link field: the id of the datalist of the site's pages in its language (or of the media
    /// library's images, for a file field).
    links: Option<String>,
    /// A select filled from the site's data: value and label (the bookable consultants).
    choices: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct BlockTypeQuery {
    #[serde(rename = "type")]
    block_type: Option<String>,
    /// The media chooser's name filter and page, and an upload just made to be chosen.
    media_q: Option<String>,
    media_page: Option<String>,
    chosen: Option<String>,
}

/// What a block form's GET carries for the media chooser, as form values.
fn chooser_values(values: &mut FormMap, query: &FormMap) {
    for key in ["media_q", "media_page", "chosen", "translate"] {
        if let Some(v) = query.get(key) {
            values.insert(key.to_owned(), v.clone());
        }
    }
}

/// GET `/admin/pages/{id}/blocks/new?type=hero`.
pub async fn new_block_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    query: web::Query<BlockTypeQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let page_id = path.into_inner();
    let block_type = query
        .block_type
        .clone()
        .filter(|t| block_form::BLOCK_TYPES.contains(&t.as_str()))
        .ok_or(AppError::NotFound)?;
    let (page, _) = store::page_for_editing(&state.db, page_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut values = FormMap::new();
    let mut carried = FormMap::new();
    for (key, value) in [
        ("media_q", &query.media_q),
        ("media_page", &query.media_page),
        ("chosen", &query.chosen),
    ] {
        if let Some(v) = value {
            carried.insert(key.to_owned(), v.clone());
        }
    }
    chooser_values(&mut values, &carried);
    render_block(
        &req,
        &state,
        &user,
        Some(&session),
        page_id,
        None,
        &block_type,
        page.version,
        &values,
        &[],
        None,
        StatusCode::OK,
    )
    .await
}

/// GET `/admin/pages/{id}/blocks/{block}`.
pub async fn edit_block_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<(i64, i64)>,
    query: web::Query<FormMap>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (page_id, block_id) = path.into_inner();
    let (page, blocks) = store::page_for_editing(&state.db, page_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let block = blocks
        .iter()
        .find(|b| b.id == block_id)
        .ok_or(AppError::NotFound)?;
    let content: serde_json::Value =
        serde_json::from_str(&block.kind.content_json()).unwrap_or_default();
    let mut values = block_form::flatten(&content);
    chooser_values(&mut values, &query);
    let block_type = block.kind.type_name().to_owned();
    render_block(
        &req,
        &state,
        &user,
        Some(&session),
        page_id,
        Some(block_id),
        &block_type,
        page.version,
        &values,
        &[],
        None,
        StatusCode::OK,
    )
    .await
}

/// POST `/admin/pages/{id}/blocks/new?type=hero`.
pub async fn add_block(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    query: web::Query<BlockTypeQuery>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let page_id = path.into_inner();
    let block_type = query
        .block_type
        .clone()
        .filter(|t| block_form::BLOCK_TYPES.contains(&t.as_str()))
        .ok_or(AppError::NotFound)?;
    save_block_form(req, session, page_id, None, block_type, input, state).await
}

/// POST `/admin/pages/{id}/blocks/{block}`.
pub async fn save_block(
    req: HttpRequest,
    session: Session,
    path: web::Path<(i64, i64)>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (page_id, block_id) = path.into_inner();
    let (_, blocks) = store::page_for_editing(&state.db, page_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let block_type = blocks
        .iter()
        .find(|b| b.id == block_id)
        .ok_or(AppError::NotFound)?
        .kind
        .type_name()
        .to_owned();
    save_block_form(
        req,
        session,
        page_id,
        Some(block_id),
        block_type,
        input,
        state,
    )
    .await
}

async fn save_block_form(
    req: HttpRequest,
    session: Session,
    page_id: i64,
    block_id: Option<i64>,
    block_type: String,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, mut form } = input;
    crate::content::review::require_edit(&state.db, &user.user, page_id).await?;
    let ui = state
        .catalog
        .messages(crate::web::admin_layout::admin_lang(&req, &state));
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let langs = state.config.languages.all();
    let rows = block_form::rows_in(form.keys()).max(1);
    let fields = block_form::fields(&block_type, rows);
    block_form::resolve_choices(&mut form, &fields);
    if block_type == "image" {
        fill_from_media(&state, &mut form, "").await?;
    }
    if block_type == "gallery" {
        for row in 0..rows {
            fill_from_media(&state, &mut form, &format!("items.{row}.")).await?;
        }
    }
    let (json, missing) = block_form::unflatten(&form, &fields, langs);
    let parsed = if missing.is_empty() {
        BlockKind::parse(&block_type, &json.to_string()).map_err(|e| e.to_string())
    } else {
        Err(ui.t("form-has-errors").to_owned())
    };
    let (status, message) = match parsed {
        Ok(kind) => {
            let outcome = match block_id {
                Some(block_id) => {
                    editing::update_block(&state.db, page_id, version, block_id, kind, user.user.id)
                        .await?
                }
                None => editing::add_block(&state.db, page_id, version, kind, user.user.id)
                    .await?
                    .map(|_| ()),
            };
            match outcome {
                Ok(()) => {
                    let action = if block_id.is_some() {
                        "block-updated"
                    } else {
                        "block-added"
                    };
                    audit(&state, &req, &user, action, page_id, &block_type).await?;
                    crate::content::content_changed(&state, Some(page_id)).await?;
                    flash(&session, ui.t("block-saved"));
                    let back = match form.get("translate") {
                        Some(lang) if state.config.languages.find(lang).is_some() => {
                            format!("/admin/pages/{page_id}?translate={lang}#blocks")
                        }
                        _ => format!("/admin/pages/{page_id}#blocks"),
                    };
                    return Ok(see_other(&back));
                }
                Err(SaveError::Stale) => (StatusCode::CONFLICT, ui.t("page-stale").to_owned()),
                Err(_) => return Err(AppError::NotFound),
            }
        }
        Err(detail) => (StatusCode::UNPROCESSABLE_ENTITY, detail),
    };
    render_block(
        &req,
        &state,
        &user,
        None,
        page_id,
        block_id,
        &block_type,
        version,
        &form,
        &missing,
        Some(message),
        status,
    )
    .await
}

/// An image block (or a gallery's image at `prefix`) showing an upload takes the upload's dimensions (for `srcset` and layout without
/// jumps) and, where the editor left them empty, its alternative texts.
async fn fill_from_media(
    state: &AppState,
    form: &mut FormMap,
    prefix: &str,
) -> Result<(), AppError> {
    let Some(name) = form
        .get(&format!("{prefix}src"))
        .and_then(|s| s.trim().strip_prefix("/media/"))
        .map(str::to_owned)
    else {
        return Ok(());
    };
    let Some(item) = crate::media::store::by_file_name(&state.db, &name).await? else {
        return Ok(());
    };
    for (key, value) in [("width", item.width), ("height", item.height)] {
        if let Some(v) = value {
            form.insert(format!("{prefix}{key}"), v.to_string());
        }
    }
    let alt: Localized<String> = serde_json::from_str(&item.alt).unwrap_or_default();
    for (lang, text) in alt.variants() {
        let key = format!("{prefix}alt.{lang}");
        if form.get(&key).is_none_or(|v| v.trim().is_empty()) {
            form.insert(key, text.clone());
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn render_block(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    page_id: i64,
    block_id: Option<i64>,
    block_type: &str,
    version: i64,
    values: &FormMap,
    missing: &[String],
    error: Option<String>,
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
    let langs = state.config.languages.all();
    let default = state.config.languages.default_lang();
    let translate = values
        .get("translate")
        .and_then(|l| state.config.languages.find(l))
        .filter(|l| *l != default);
    // The rows filled, and one more to fill (a form's fields three: one is rarely enough).
    let empty_rows = if block_type == "form" { 3 } else { 1 };
    let rows = block_form::rows_in(values.keys()) + empty_rows;
    let fields: Vec<Field> = block_form::fields(block_type, rows);
    let form_path = match block_id {
        Some(b) => format!("/admin/pages/{page_id}/blocks/{b}"),
        None => format!("/admin/pages/{page_id}/blocks/new?type={block_type}"),
    };
    let has_links = fields.iter().any(|f| f.input == Input::Link);
    let mut links = if has_links {
        site_links(state, langs).await?
    } else {
        Vec::new()
    };
    if fields.iter().any(|f| f.input == Input::MediaPath) {
        links.push(("media-images".to_owned(), media_images(state).await?));
    }
    let consultants: Vec<(String, String)> = if fields.iter().any(|f| f.input == Input::Consultant)
    {
        state
            .teasers(crate::content::library_view::CONSULTANTS)
            .iter()
            .filter_map(|t| Some((t.group.clone()?, t.title.text(default, default).to_owned())))
            .collect()
    } else {
        Vec::new()
    };
    let mut inputs = Vec::new();
    for field in &fields {
        for (name, lang) in block_form::input_names(field, langs) {
            let mut label = layout.t(field.label_id).to_owned();
            if let Some(n) = field
                .path
                .split('.')
                .nth(1)
                .and_then(|n| n.parse::<usize>().ok())
            {
                label = format!("{label} {}", n + 1);
            }
            if let Some(l) = lang {
                label = format!("{label} ({})", layout.ui.language_name(l));
            }
            let source = translate.filter(|t| lang == Some(*t)).map(|t| {
                let stem = name.strip_suffix(t.as_str()).unwrap_or(&name);
                values
                    .get(&format!("{stem}{default}"))
                    .cloned()
                    .unwrap_or_default()
            });
            let chooser = match field.input {
                Input::Image => {
                    let current = values
                        .get("chosen")
                        .filter(|c| c.starts_with("/media/"))
                        .or_else(|| values.get(&name))
                        .map_or("", |v| v.trim());
                    Some(Chooser::load(state, current, values, &form_path).await?)
                }
                _ => None,
            };
            let link_list =
                (field.input == Input::Link).then(|| format!("links-{}", lang.unwrap_or(default)));
            inputs.push(InputView {
                chooser,
                links: link_list,
                value: match (values.get(&name), field.input) {
                    (Some(v), _) => v.clone(),
                    // A new block starts from the field's default.
                    (None, Input::Number { default, .. }) => default.to_string(),
                    (None, _) => String::new(),
                },
                name,
                label,
                lang,
                multiline: matches!(field.input, Input::Text | Input::Markdown),
                rows: if field.input == Input::Markdown {
                    12
                } else {
                    3
                },
                options: match field.input {
                    Input::Select(options) => options
                        .iter()
                        .map(|o| {
                            let label = layout.ui.get(&format!("option-{o}")).unwrap_or(o);
                            (*o, label.to_owned())
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                choices: match field.input {
                    Input::Consultant => consultants.clone(),
                    _ => Vec::new(),
                },
                number: match field.input {
                    Input::Number { min, max, .. } => Some((min, max)),
                    _ => None,
                },
                required: field.required,
                // A text needed in one language is asked for in the default one.
                invalid: (missing.contains(&field.path) && lang.is_none_or(|l| l == default)).then(
                    || match field.input {
                        Input::Number { min, max, .. } => layout.ui.t_args(
                            "field-number-between",
                            &[("min", min.into()), ("max", max.into())],
                        ),
                        _ => layout.t("field-needed").to_owned(),
                    },
                ),
                hidden: field.input == Input::Dimension
                    || (translate.is_some() && lang != translate),
                source,
            });
        }
    }
    let page = BlockEdit {
        layout,
        page_id,
        block_id,
        block_type: block_type.to_owned(),
        version,
        inputs,
        error,
        translate,
        links,
        form_path,
    };
    Ok(html(status, page.render()?))
}
