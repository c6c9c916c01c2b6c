//! The gate's other side: `/download/{token}` (the mailed link: it confirms the address the first
//! time and serves the PDF, within its week and three downloads), asking for a fresh link, a
//! confirmed reader's one-click download (the reader cookie that remembers them is `reader`).
use std::collections::HashMap;

use actix_files::NamedFile;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
    HeaderValue,
};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;

use super::lead_store::{self, Link, Requested};
use super::mails::{self, To};
use super::model::{LinkState, Whitepaper, ascii_file_name, link_state};
use super::public::{NoticePage, find, lang_of, notice, notice_args};
use super::reader::{reader_cookie, reader_id};
use super::store;
use crate::error::AppError;
use crate::forms::Source;
use crate::i18n::Lang;
use crate::web::csrf::{check_visitor_token, visitor_token};
use crate::web::layout::{Here, Layout};
use crate::web::see_other;
use crate::web::state::AppState;

/// The PDF of `w` for a reader of `lang` as a download (`None`: it has no file). Never cached, never
/// indexed, never referred.
pub async fn serve_pdf(
    req: &HttpRequest,
    state: &AppState,
    w: &Whitepaper,
    lang: Lang,
) -> Result<Option<HttpResponse>, AppError> {
    let default = state.config.languages.default_lang();
    let Some(media_id) = w.file_for(lang, default) else {
        return Ok(None);
    };
    let Some(item) = crate::media::store::get(&state.db, media_id).await? else {
        return Ok(None);
    };
    let path = crate::media::public::media_dir(state).join(&item.file_name);
    let file = web::block(move || NamedFile::open(path))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let Ok(file) = file else {
        tracing::error!(
            media = media_id,
            "a whitepaper's PDF is missing from the media folder"
        );
        return Ok(None);
    };
    let title = w.title.text(lang, default);
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii_file_name(title)),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: format!("{}.pdf", title.replace(['\r', '\n'], " ")).into_bytes(),
            }),
        ],
    };
    let mut response = file
        .use_etag(false)
        .use_last_modified(false)
        .set_content_disposition(disposition)
        .into_response(req);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    Ok(Some(response))
}

/// What a link's owner sees when it no longer serves: why, and a button for a fresh one.
fn link_page(
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
    w: &Whitepaper,
    token: &str,
    why: LinkState,
) -> Result<HttpResponse, AppError> {
    let ui = state.catalog.messages(lang);
    let default = state.config.languages.default_lang();
    let args = notice_args(w, lang, default);
    let (heading, text, status) = match why {
        LinkState::Expired => (
            "whitepaper-link-expired",
            "whitepaper-link-expired-text",
            StatusCode::GONE,
        ),
        _ => (
            "whitepaper-link-used-up",
            "whitepaper-link-used-up-text",
            StatusCode::TOO_MANY_REQUESTS,
        ),
    };
    let (csrf_token, cookie) = visitor_token(req, state.config.secure_cookies)?;
    let page = NoticePage {
        layout: Layout::new(
            state,
            lang,
            Here::Path {
                path: "whitepapers",
            },
            crate::db::now(),
        ),
        heading: ui.t_args(heading, &args),
        text: ui.t_args(text, &args),
        back_href: format!("/{lang}/whitepapers/{}", w.slug),
        back_label: ui.t("whitepaper-back"),
        renew_action: Some(format!("/download/{token}/renew")),
        csrf_token,
    };
    let mut response = HttpResponse::build(status);
    response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Robots-Tag", "noindex"))
        .insert_header((header::REFERRER_POLICY, "same-origin"));
    if let Some(cookie) = cookie {
        response.cookie(cookie);
    }
    Ok(response.body(page.render()?))
}

/// The link behind `token` with its whitepaper and the reader's language, or 404.
async fn link_and_paper(
    state: &AppState,
    token: &str,
) -> Result<(Link, Whitepaper, Lang), AppError> {
    if !crate::tokens::looks_like_token(token) {
        return Err(AppError::NotFound);
    }
    let link = lead_store::link(&state.db, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let w = store::by_id(&state.db, link.whitepaper_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = state
        .config
        .languages
        .find(&link.language)
        .unwrap_or(state.config.languages.default_lang());
    Ok((link, w, lang))
}

/// GET `/download/{token}`.
pub async fn download(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (link, w, lang) = link_and_paper(&state, &token).await?;
    let now = Timestamp::now();
    let why = link_state(link.expires_at.into(), link.downloads, now);
    if why != LinkState::Usable || !lead_store::use_link(&state.db, &link, now).await? {
        // Refused now, or used up by a download that came in meanwhile.
        let why = match why {
            LinkState::Usable => LinkState::UsedUp,
            other => other,
        };
        return link_page(&req, &state, lang, &w, &token, why);
    }
    let Some(mut response) = serve_pdf(&req, &state, &w, lang).await? else {
        return notice(
            &state,
            lang,
            &w,
            "whitepaper-unavailable",
            "whitepaper-unavailable-text",
            StatusCode::GONE,
        );
    };
    state.lead_received("whitepaper-download");
    if let Some(cookie) = reader_cookie(&state, link.lead_id) {
        response
            .add_cookie(&cookie)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(response)
}

/// POST `/download/{token}/renew`: a fresh link for the same lead, by mail (within the daily cap).
pub async fn renew(
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    check_visitor_token(&req, form.get("csrf_token").map_or("", String::as_str))?;
    let token = path.into_inner();
    let (link, w, lang) = link_and_paper(&state, &token).await?;
    let default = state.config.languages.default_lang();
    let ui = state.catalog.messages(lang);
    let fresh = crate::tokens::random_token()?;
    let url = format!("{}/download/{fresh}", state.config.base_url);
    let to = To {
        first_name: &link.first_name,
        email: &link.email,
        lang,
    };
    let outcome = lead_store::renew(&state.db, &link, &fresh, Timestamp::now(), || {
        mails::link_mail(ui, &w, default, &to, &url)
    })
    .await?;
    match outcome {
        Requested::Sent { .. } => Ok(see_other(&format!(
            "/{lang}/whitepapers/{}/requested",
            w.slug
        ))),
        Requested::TooManyToday => notice(
            &state,
            lang,
            &w,
            "whitepaper-too-many",
            "whitepaper-too-many-text",
            StatusCode::TOO_MANY_REQUESTS,
        ),
    }
}

/// POST `/{lang}/whitepapers/{slug}/download`: a confirmed reader's one click. Stored as a new lead
/// of this whitepaper; the PDF comes at once. Without a genuine reader cookie: back to the form.
pub async fn reader_download(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    check_visitor_token(&req, form.get("csrf_token").map_or("", String::as_str))?;
    if let Err(wait) = state.whitepaper_limit.hit(
        &crate::web::auth::client_ip(&req),
        std::time::Instant::now(),
    ) {
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let (lang, slug) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let w = find(&state, &slug).await?;
    let page = format!("/{lang}/whitepapers/{}", w.slug);
    let reader = match reader_id(&req, &state) {
        Some(id) => lead_store::reader(&state.db, id).await?,
        None => None,
    };
    let Some(reader) = reader else {
        return Ok(see_other(&page));
    };
    let source = form.get("source").map_or(page.as_str(), String::as_str);
    let source = Source::of_address(source);
    let Some(response) = serve_pdf(&req, &state, &w, lang).await? else {
        return notice(
            &state,
            lang,
            &w,
            "whitepaper-unavailable",
            "whitepaper-unavailable-text",
            StatusCode::CONFLICT,
        );
    };
    let default = state.config.languages.default_lang();
    let handoff = crate::leads::Handoff {
        state: &state,
        lang,
        subject: w.title.text(default, default),
    };
    lead_store::reader_download(
        &state.db,
        w.id,
        &reader,
        &source,
        Timestamp::now(),
        &handoff,
    )
    .await?;
    state.lead_received("whitepaper-download");
    Ok(response)
}
