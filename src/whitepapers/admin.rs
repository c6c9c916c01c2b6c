//! `/admin/whitepapers` (editors and admins): the list with downloads and leads, the form with every
//! field per language, a PDF per language chosen from the media library or uploaded here, publishing,
//! and the PDF as readers get it (for editors only: `/media/` never serves a whitepaper's file).
use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::form::{self, Errors, FormMap};
use super::model::{Whitepaper, WhitepaperStatus};
use super::public::date_text;
use super::store::{self, SaveRefused};
use crate::audit::store::record_action;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::media::store::MediaItem;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::see_other;
use crate::web::state::AppState;

/// A whitepaper as a row of the admin's list.
pub struct Row {
    pub id: i64,
    pub title: String,
    pub date: String,
    pub published: bool,
    pub downloads: i64,
    pub leads: i64,
    pub languages: String,
}

#[derive(Template)]
#[template(path = "admin/whitepapers.html")]
struct ListPage<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<Row>,
}

/// GET `/admin/whitepapers`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let papers = store::all(&state.db).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Whitepapers,
    );
    let (lang, default) = (layout.lang, state.config.languages.default_lang());
    let rows = papers
        .iter()
        .map(|w| Row {
            id: w.id,
            title: w.title.text(lang, default).to_owned(),
            date: date_text(w.published_on, lang),
            published: w.status == WhitepaperStatus::Published,
            downloads: w.download_count,
            leads: w.leads,
            languages: w
                .files
                .iter()
                .map(|(l, _)| l.to_uppercase())
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect();
    Ok(html(StatusCode::OK, ListPage { layout, rows }.render()?))
}

#[derive(Template)]
#[template(path = "admin/whitepaper_edit.html")]
struct EditPage<'a> {
    layout: AdminLayout<'a>,
    id: i64,
    status: WhitepaperStatus,
    public_href: Option<String>,
    form: FormMap,
    errors: Errors,
    langs: Vec<(Lang, String)>,
    images: Vec<String>,
    pdfs: Vec<MediaItem>,
    downloads: i64,
    leads: i64,
}

impl EditPage<'_> {
    fn value(&self, name: &str) -> &str {
        self.form.get(name).map_or("", String::as_str)
    }

    fn lv(&self, name: &str, lang: &Lang) -> &str {
        self.value(&format!("{name}.{lang}"))
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    fn lerror(&self, name: &str, lang: &Lang) -> Option<&str> {
        self.error(&format!("{name}.{lang}"))
    }

    /// The images a cover can be chosen from: the library's, and the current one if it is not there.
    fn cover_options(&self) -> Vec<&str> {
        let current = self.value("cover_image");
        let mut options: Vec<&str> = self.images.iter().map(String::as_str).collect();
        if !current.is_empty() && !options.contains(&current) {
            options.insert(0, current);
        }
        options
    }

    /// The publication date for the date field: only a real date (a date field cannot show
    /// anything else; a browser never sends anything else).
    fn date_value(&self) -> &str {
        let typed = self.value("published_on");
        match typed.parse::<jiff::civil::Date>() {
            Ok(_) => typed,
            Err(_) => "",
        }
    }

    fn cover_selected(&self, image: &str) -> bool {
        self.value("cover_image") == image
    }

    fn file_selected(&self, lang: &Lang, media: &i64) -> bool {
        self.lv("file", lang) == media.to_string()
    }

    fn is_published(&self) -> bool {
        self.status == WhitepaperStatus::Published
    }

    fn status_label(&self) -> &'static str {
        self.status.as_db()
    }
}

/// GET `/admin/whitepapers/new`.
pub async fn new_form(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    render(
        &req,
        &state,
        &user,
        Some(&session),
        None,
        form::new_form(),
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

/// GET `/admin/whitepapers/{id}`.
pub async fn edit_form(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let w = store::by_id(&state.db, path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let form = form::form_from_whitepaper(&w);
    render(
        &req,
        &state,
        &user,
        Some(&session),
        Some(&w),
        form,
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    session: Option<&Session>,
    w: Option<&Whitepaper>,
    form: FormMap,
    errors: Errors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        session,
        Section::Whitepapers,
    );
    let langs = state
        .config
        .languages
        .all()
        .iter()
        .map(|l| (*l, layout.ui.language_name(*l)))
        .collect();
    let media = crate::media::store::list(&state.db).await?;
    let default = state.config.languages.default_lang();
    let page = EditPage {
        layout,
        id: w.map_or(0, |w| w.id),
        status: w.map_or(WhitepaperStatus::Draft, |w| w.status),
        public_href: w
            .filter(|w| w.status == WhitepaperStatus::Published)
            .map(|w| format!("/{default}/whitepapers/{}", w.slug)),
        form,
        errors,
        langs,
        images: media
            .iter()
            .filter(|m| m.is_image())
            .map(MediaItem::path)
            .collect(),
        pdfs: media.into_iter().filter(MediaItem::is_pdf).collect(),
        downloads: w.map_or(0, |w| w.download_count),
        leads: w.map_or(0, |w| w.leads),
    };
    Ok(html(status, page.render()?))
}

/// POST `/admin/whitepapers/new` and `/admin/whitepapers/{id}`.
pub async fn save(
    req: HttpRequest,
    session: Session,
    path: Option<web::Path<i64>>,
    input: AdminForm<FormMap>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    if path.is_none() && req.match_info().get("id").is_some() {
        return Err(AppError::NotFound); // `/admin/whitepapers/abc`
    }
    let before = match path {
        Some(id) => Some(
            store::by_id(&state.db, id.into_inner())
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let action = form.get("action").map_or("save", String::as_str);
    let status = match (action, before.as_ref().map(|w| w.status)) {
        ("publish", _) => WhitepaperStatus::Published,
        ("unpublish", _) => WhitepaperStatus::Draft,
        (_, current) => current.unwrap_or(WhitepaperStatus::Draft),
    };
    let pdfs: Vec<i64> = crate::media::store::list(&state.db)
        .await?
        .into_iter()
        .filter(MediaItem::is_pdf)
        .map(|m| m.id)
        .collect();
    let refused = |errors| {
        render(
            &req,
            &state,
            &user,
            None,
            before.as_ref(),
            form.clone(),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let fields = match form::parse(&form, &state.config.languages, status, &pdfs, ui) {
        Ok(fields) => fields,
        Err(errors) => return refused(errors).await,
    };
    let id = match store::save(&state.db, before.as_ref().map(|w| w.id), &fields).await? {
        Ok(id) => id,
        Err(SaveRefused::SlugTaken) => {
            let errors = Errors::from([(
                "slug".to_owned(),
                ui.t("error-whitepaper-slug-taken").to_owned(),
            )]);
            return refused(errors).await;
        }
        Err(SaveRefused::NotFound) => return Err(AppError::NotFound),
    };
    let verb = match action {
        "publish" => "whitepaper-published",
        "unpublish" => "whitepaper-unpublished",
        _ => "whitepaper-saved",
    };
    record_action(
        &state.db,
        &user,
        &req,
        verb,
        &format!("whitepaper {id} ({})", fields.slug.as_str()),
    )
    .await?;
    super::changed(&state).await?;
    flash(&session, ui.t("whitepaper-saved"));
    Ok(see_other(&format!("/admin/whitepapers/{id}")))
}

/// POST `/admin/whitepapers/{id}/upload`: a PDF for one language, into the media library and onto
/// the whitepaper at once.
pub async fn upload(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    payload: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let upload = crate::media::admin::read_upload(&req, &user, payload, &state).await?;
    let w = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let lang = upload
        .fields
        .get("language")
        .and_then(|l| state.config.languages.find(l))
        .ok_or(AppError::BadRequest("language".into()))?;
    let back = format!("/admin/whitepapers/{id}");
    let Some((name, bytes)) = upload.file else {
        flash(&session, ui.t("media-no-file"));
        return Ok(see_other(&back));
    };
    if !bytes.starts_with(b"%PDF-") {
        flash(&session, ui.t("whitepaper-not-a-pdf"));
        return Ok(see_other(&back));
    }
    let item = match crate::media::admin::store_upload(&req, &state, &user, &name, bytes).await? {
        Ok(item) => item,
        Err(why) => {
            flash(&session, ui.t(why));
            return Ok(see_other(&back));
        }
    };
    let mut fields_form = form::form_from_whitepaper(&w);
    fields_form.insert(format!("file.{lang}"), item.id.to_string());
    let pdfs = [item.id]
        .into_iter()
        .chain(w.files.iter().map(|(_, m)| *m))
        .collect::<Vec<_>>();
    let fields = form::parse(&fields_form, &state.config.languages, w.status, &pdfs, ui).map_err(
        |errors| {
            AppError::Internal(anyhow::anyhow!(
                "a stored whitepaper does not parse: {errors:?}"
            ))
        },
    )?;
    if store::save(&state.db, Some(id), &fields).await?.is_err() {
        return Err(AppError::NotFound);
    }
    record_action(
        &state.db,
        &user,
        &req,
        "whitepaper-file-attached",
        &format!("whitepaper {id}, {lang}: media {}", item.id),
    )
    .await?;
    super::changed(&state).await?;
    flash(&session, ui.t("whitepaper-file-uploaded"));
    Ok(see_other(&back))
}

/// GET `/admin/whitepapers/{id}/file/{lang}`: the PDF a reader of `lang` gets (not counted).
pub async fn file(
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
    let w = store::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::download::serve_pdf(&req, &state, &w, lang)
        .await?
        .ok_or(AppError::NotFound)
}
