//! `/admin/media`: upload (multipart, size-limited, type sniffed from the content), list, alt texts per
//! language, delete (with a confirmation when pages use the file).
use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use super::files::{self, Kind};
use super::public::media_dir;
use super::store::{self, MediaItem, NewMedia};
use crate::audit::store::record_action;
use crate::error::AppError;
use crate::i18n::{Lang, Localized};
use crate::tokens::constant_time_eq;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser, check_origin};
use crate::web::html;
use crate::web::see_other;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/media.html")]
struct MediaPage<'a> {
    layout: AdminLayout<'a>,
    items: Vec<MediaItem>,
    error: Option<&'a str>,
    max_mb: u64,
    q: String,
    /// The list's address with its search, for the pager.
    pager_base: String,
    total: i64,
    page: i64,
    pages: i64,
}

/// Images and files a screen.
const PER_PAGE: i64 = 48;

/// `?q=` (part of the file name) and `?page=`.
#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

/// GET `/admin/media`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let ListQuery { q, page } = query.into_inner();
    let shown = Shown { q, page };
    render_list(
        &req,
        &state,
        &user,
        Some(&session),
        None,
        StatusCode::OK,
        shown,
    )
    .await
}

/// Which part of the library a list shows.
#[derive(Default)]
struct Shown {
    q: String,
    page: Option<i64>,
}

async fn render_list(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    error: Option<&str>,
    status: StatusCode,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Media,
    );
    let name = Some(shown.q.as_str());
    let total = store::count(&state.db, name).await?;
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total, shown.page, PER_PAGE);
    let items = store::list_page(&state.db, name, PER_PAGE, offset).await?;
    let max_mb = state.config.max_upload_bytes / (1024 * 1024);
    Ok(html(
        status,
        MediaPage {
            layout,
            items,
            error,
            max_mb,
            pager_base: format!(
                "/admin/media?q={}&",
                crate::web::percent_encode(shown.q.trim(), b"")
            ),
            q: shown.q,
            total,
            page,
            pages,
        }
        .render()?,
    ))
}

/// A multipart upload as the admin's forms send it: its small fields (the CSRF token among them)
/// and the file, read within the size limit (413 beyond it) after the `Origin` check.
pub struct Upload {
    pub fields: HashMap<String, String>,
    /// The file's name as the browser gave it, and its bytes; `None` when none was chosen.
    pub file: Option<(String, Vec<u8>)>,
}

/// A path of this admin (never another site's address), for returning after an upload.
fn admin_path(path: &str) -> bool {
    path.starts_with("/admin/")
        && !path.contains("//")
        && !path.contains('\\')
        && path.bytes().all(|b| b.is_ascii_graphic())
}

/// Reads a multipart upload and checks its CSRF token against the session's (403 otherwise).
pub async fn read_upload(
    req: &HttpRequest,
    user: &CurrentUser,
    mut payload: Multipart,
    state: &AppState,
) -> Result<Upload, AppError> {
    check_origin(req)?;
    let limit = state.config.max_upload_bytes as usize;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit + 64 * 1024) {
        return Err(AppError::TooLarge);
    }
    let mut upload = Upload {
        fields: HashMap::new(),
        file: None,
    };
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| AppError::BadRequest(e.to_string()))?;
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_owned);
        let cap = if name == "file" { limit } else { 4096 };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
            if bytes.len() + chunk.len() > cap {
                return Err(if name == "file" {
                    AppError::TooLarge
                } else {
                    AppError::BadRequest("field too long".into())
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            upload.file =
                Some((file_name.unwrap_or_default(), bytes)).filter(|(_, b)| !b.is_empty());
        } else if upload.fields.len() < 16 {
            upload
                .fields
                .insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    let token = upload.fields.get("csrf_token").map_or("", String::as_str);
    if !constant_time_eq(token.as_bytes(), user.csrf_token.as_bytes()) {
        return Err(AppError::Forbidden);
    }
    Ok(upload)
}

/// Stores an uploaded file in the media library (type sniffed from its bytes, images measured and
/// resized) and records who did it; the new item, or the message id of why it was refused.
pub async fn store_upload(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    original_name: &str,
    bytes: Vec<u8>,
) -> Result<Result<MediaItem, &'static str>, AppError> {
    let Some(kind) = Kind::sniff(&bytes) else {
        return Ok(Err("media-wrong-type"));
    };
    let dir = media_dir(state);
    let stored = web::block(
        move || -> Result<(String, Option<files::Processed>, i64), files::FileError> {
            std::fs::create_dir_all(&dir)?;
            let stem = files::random_stem()?;
            let file_name = format!("{stem}.{}", kind.extension());
            let path = dir.join(&file_name);
            files::write_durably(&path, &bytes)?;
            let processed = if kind.is_image() {
                match files::process_image(&path, kind, &stem, &dir) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        files::remove_all(&dir, &file_name);
                        return Err(e);
                    }
                }
            } else {
                None
            };
            Ok((file_name, processed, bytes.len() as i64))
        },
    )
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let (file_name, processed, size) = match stored {
        Ok(s) => s,
        Err(files::FileError::Io(e)) => return Err(AppError::Internal(e.into())),
        Err(_) => return Ok(Err("media-broken")),
    };
    let original: String = original_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let new = NewMedia {
        file_name: &file_name,
        original_name: &original,
        content_type: kind.content_type(),
        size_bytes: size,
        width: processed.as_ref().map(|p| p.width),
        height: processed.as_ref().map(|p| p.height),
        renditions: processed.as_ref().map_or(&[][..], |p| &p.renditions),
    };
    let id = match store::insert(&state.db, &new, Some(user.user.id)).await {
        Ok(id) => id,
        Err(e) => {
            files::remove_all(&media_dir(state), &file_name);
            return Err(AppError::Internal(e));
        }
    };
    record_action(
        &state.db,
        user,
        req,
        "media-uploaded",
        &format!("media {id} ({file_name}, {original})"),
    )
    .await?;
    store::get(&state.db, id)
        .await?
        .map(Ok)
        .ok_or(AppError::NotFound)
}

/// POST `/admin/media`: one file into the library.
pub async fn upload(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    payload: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let upload = read_upload(&req, &user, payload, &state).await?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let Some((original_name, bytes)) = upload.file else {
        return render_list(
            &req,
            &state,
            &user,
            None,
            Some(ui.t("media-no-file")),
            StatusCode::UNPROCESSABLE_ENTITY,
            Shown::default(),
        )
        .await;
    };
    match store_upload(&req, &state, &user, &original_name, bytes).await? {
        Ok(item) => {
            flash(&session, ui.t("media-uploaded"));
            // Uploaded from a chooser: back to that form, with the new file chosen.
            if let Some(back) = upload.fields.get("return_to").filter(|b| admin_path(b)) {
                let sep = if back.contains('?') { '&' } else { '?' };
                return Ok(see_other(&format!("{back}{sep}chosen={}", item.path())));
            }
            Ok(see_other(&format!("/admin/media/{}", item.id)))
        }
        Err(why) => {
            render_list(
                &req,
                &state,
                &user,
                None,
                Some(ui.t(why)),
                StatusCode::UNPROCESSABLE_ENTITY,
                Shown::default(),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "admin/media_edit.html")]
struct MediaEdit<'a> {
    layout: AdminLayout<'a>,
    item: MediaItem,
    alts: Vec<(Lang, String, String)>,
    used_on: Vec<String>,
    confirm_delete: bool,
}

/// GET `/admin/media/{id}`.
pub async fn edit_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render_edit(
        &req,
        &state,
        &user,
        Some(&session),
        path.into_inner(),
        false,
        StatusCode::OK,
    )
    .await
}

async fn render_edit(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    id: i64,
    confirm_delete: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let item = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let alt: Localized<String> = serde_json::from_str(&item.alt).unwrap_or_default();
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Media,
    );
    let alts = state
        .config
        .languages
        .all()
        .iter()
        .map(|l| {
            (
                *l,
                layout.ui.language_name(*l),
                alt.exact(*l).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let used_on = store::used_on(&state.db, &item.file_name).await?;
    Ok(html(
        status,
        MediaEdit {
            layout,
            item,
            alts,
            used_on,
            confirm_delete,
        }
        .render()?,
    ))
}

/// POST `/admin/media/{id}`: alt text per language.
pub async fn save(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let AdminForm { user, form } = input;
    let mut alt: Localized<String> = Localized::new();
    for lang in state.config.languages.all() {
        if let Some(text) = form
            .get(&format!("alt.{lang}"))
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            alt.set(*lang, text.chars().take(300).collect());
        }
    }
    if !store::set_alt(
        &state.db,
        id,
        &crate::db::JsonText::of(&alt).map_err(|e| AppError::Internal(e.into()))?,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    record_action(
        &state.db,
        &user,
        &req,
        "media-updated",
        &format!("media {id}"),
    )
    .await?;
    flash(
        &session,
        state
            .catalog
            .messages(admin_lang(&req, &state))
            .t("media-saved"),
    );
    Ok(see_other(&format!("/admin/media/{id}")))
}

/// POST `/admin/media/{id}/delete`: a file pages still use needs `confirm=yes` (the confirmation page).
pub async fn delete(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let AdminForm { user, form } = input;
    // Authors add and describe media; removing it from every page that shows it is an editor's call.
    if !user.user.is_reviewer() {
        return Err(AppError::Forbidden);
    }
    let item = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if item.gated {
        // A whitepaper's PDF: the whitepaper lets go of it first.
        let ui = state.catalog.messages(admin_lang(&req, &state));
        flash(&session, ui.t("media-gated-in-use"));
        return Ok(see_other(&format!("/admin/media/{id}")));
    }
    let in_use = !store::used_on(&state.db, &item.file_name).await?.is_empty();
    if in_use && form.get("confirm").map(String::as_str) != Some("yes") {
        return render_edit(&req, &state, &user, None, id, true, StatusCode::CONFLICT).await;
    }
    store::delete(&state.db, id).await?;
    let dir = media_dir(&state);
    let name = item.file_name.clone();
    web::block(move || files::remove_all(&dir, &name))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    record_action(
        &state.db,
        &user,
        &req,
        "media-deleted",
        &format!("media {id} ({})", item.file_name),
    )
    .await?;
    flash(
        &session,
        state
            .catalog
            .messages(admin_lang(&req, &state))
            .t("media-deleted"),
    );
    Ok(see_other("/admin/media"))
}
