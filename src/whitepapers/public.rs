//! The visitor's side of the library: `/{lang}/whitepapers` (cards, filtered by category or tag
//! with plain links), a whitepaper's page with its lead form (or, for a confirmed reader, one
//! download button), and the request that mails the download link. Works without JavaScript.
use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::lead_store::{self, NewLead, Reader, Requested};
use super::mails::{self, To};
use super::model::{Label, Whitepaper};
use super::reader::{self, READER_COOKIE};
use super::request::WhitepaperRequest;
use super::store;
use crate::content::Slug;
use crate::error::AppError;
use crate::forms::{FormState, Submitted};
use crate::i18n::Lang;
use crate::web::auth::client_ip;
use crate::web::csrf::{check_visitor_token, visitor_token};
use crate::web::layout::{Here, Layout};
use crate::web::see_other;
use crate::web::state::AppState;

/// `5 March 2026` / `05.03.2026`.
pub fn date_text(date: jiff::civil::Date, lang: Lang) -> String {
    let month = time::Month::try_from(u8::try_from(date.month()).unwrap_or(1))
        .unwrap_or(time::Month::January);
    time::Date::from_calendar_date(i32::from(date.year()), month, date.day().unsigned_abs())
        .map(|d| crate::i18n::format_date(d, lang))
        .unwrap_or_else(|_| date.to_string())
}

pub(super) fn lang_of(state: &AppState, code: &str) -> Result<Lang, AppError> {
    state.config.languages.find(code).ok_or(AppError::NotFound)
}

pub(super) async fn find(state: &AppState, slug: &str) -> Result<Whitepaper, AppError> {
    let slug = Slug::parse(slug).map_err(|_| AppError::NotFound)?;
    store::published_by_slug(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

/// A whitepaper as a card in the list.
pub struct Card {
    pub href: String,
    pub title: String,
    pub summary: String,
    pub author: String,
    pub date: String,
    pub date_iso: String,
    pub cover: String,
    pub category: Option<String>,
}

fn card(w: &Whitepaper, lang: Lang, default: Lang) -> Card {
    Card {
        href: format!("/{lang}/whitepapers/{}", w.slug),
        title: w.title.text(lang, default).to_owned(),
        summary: w.summary.text(lang, default).to_owned(),
        author: w.author_name.clone(),
        date: date_text(w.published_on, lang),
        date_iso: w.published_on.to_string(),
        cover: w.cover_image.clone(),
        category: w
            .category
            .as_ref()
            .map(|c| c.label.text(lang, default).to_owned()),
    }
}

/// A filter link: its label, address and whether it is the one applied.
pub struct Filter {
    pub label: String,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "public/whitepapers.html")]
struct ListPage<'a> {
    layout: Layout<'a>,
    cards: Vec<Card>,
    categories: Vec<Filter>,
    tags: Vec<Filter>,
    all_href: String,
    filtered: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    category: Option<String>,
    tag: Option<String>,
}

/// The distinct labels of `papers` (by key, in the order first seen).
fn labels<'w>(papers: impl Iterator<Item = &'w Label>) -> Vec<&'w Label> {
    let mut seen: Vec<&Label> = Vec::new();
    for label in papers {
        if !seen.iter().any(|s| s.key == label.key) {
            seen.push(label);
        }
    }
    seen
}

/// GET `/{lang}/whitepapers`.
pub async fn list(
    path: web::Path<String>,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&state, &path)?;
    let default = state.config.languages.default_lang();
    let papers = store::published(&state.db).await?;
    let category = query.category.as_deref().filter(|c| !c.is_empty());
    let tag = query.tag.as_deref().filter(|t| !t.is_empty());
    let base = format!("/{lang}/whitepapers");
    let filter = |label: &Label, kind: &str, applied: Option<&str>| Filter {
        label: label.label.text(lang, default).to_owned(),
        href: format!(
            "{base}?{kind}={}",
            crate::web::percent_encode(&label.key, b"")
        ),
        current: applied == Some(label.key.as_str()),
    };
    let categories = labels(papers.iter().filter_map(|w| w.category.as_ref()))
        .into_iter()
        .map(|l| filter(l, "category", category))
        .collect();
    let tags = labels(papers.iter().flat_map(|w| w.tags.iter()))
        .into_iter()
        .map(|l| filter(l, "tag", tag))
        .collect();
    let cards = papers
        .iter()
        .filter(|w| category.is_none_or(|c| w.in_category(c)))
        .filter(|w| tag.is_none_or(|t| w.has_tag(t)))
        .map(|w| card(w, lang, default))
        .collect();
    let page = ListPage {
        layout: Layout::new(
            &state,
            lang,
            Here::Path {
                path: "whitepapers",
            },
            crate::db::now(),
        ),
        cards,
        categories,
        tags,
        all_href: base,
        filtered: category.is_some() || tag.is_some(),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(page.render()?))
}

#[derive(Template)]
#[template(path = "public/whitepaper.html")]
struct DetailPage<'a> {
    layout: Layout<'a>,
    title: String,
    summary: String,
    /// Rendered from Markdown and sanitised when the whitepaper was saved.
    description_html_sanitized: String,
    preview: String,
    author: String,
    author_role: String,
    date: String,
    date_iso: String,
    page_count: i64,
    category: Option<Filter>,
    tags: Vec<Filter>,
    cover: String,
    /// Whether a PDF is there to be had.
    available: bool,
    /// A confirmed reader (by their cookie): one button instead of the form.
    reader: Option<Reader>,
    form: FormState,
    error: Option<&'a str>,
    csrf_token: String,
    source: String,
    action: String,
    download_action: String,
    forget_action: String,
    privacy_href: String,
    json_ld_sanitized: String,
    og_image: Option<String>,
}

/// GET `/{lang}/whitepapers/{slug}`.
pub async fn detail(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let w = find(&state, &slug).await?;
    let reader = match reader::reader_id(&req, &state) {
        Some(id) => lead_store::reader(&state.db, id).await?,
        None => None,
    };
    let source = match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{q}", req.path()),
    };
    render_detail(
        &req,
        &state,
        lang,
        &w,
        reader,
        FormState::default(),
        None,
        source,
        StatusCode::OK,
    )
}

#[allow(clippy::too_many_arguments)]
fn render_detail(
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
    w: &Whitepaper,
    reader: Option<Reader>,
    form: FormState,
    error: Option<&str>,
    source: String,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let default = state.config.languages.default_lang();
    let (csrf_token, cookie) = visitor_token(req, state.config.secure_cookies)?;
    let title = w.title.text(lang, default).to_owned();
    let summary = w.summary.text(lang, default).to_owned();
    let path = format!("whitepapers/{}", w.slug);
    let layout = Layout::new(state, lang, Here::Path { path: &path }, crate::db::now());
    let base = &state.config.base_url;
    let list = format!("/{lang}/whitepapers");
    let page = DetailPage {
        json_ld_sanitized: json_ld(w, state, lang, &title, &summary),
        og_image: (!w.cover_image.is_empty()).then(|| format!("{base}{}", w.cover_image)),
        layout,
        description_html_sanitized: w.description_html.text(lang, default).to_owned(),
        preview: w.preview.text(lang, default).to_owned(),
        author: w.author_name.clone(),
        author_role: w.author_role.text(lang, default).to_owned(),
        date: date_text(w.published_on, lang),
        date_iso: w.published_on.to_string(),
        page_count: w.page_count,
        category: w.category.as_ref().map(|c| Filter {
            label: c.label.text(lang, default).to_owned(),
            href: format!(
                "{list}?category={}",
                crate::web::percent_encode(&c.key, b"")
            ),
            current: false,
        }),
        tags: w
            .tags
            .iter()
            .map(|t| Filter {
                label: t.label.text(lang, default).to_owned(),
                href: format!("{list}?tag={}", crate::web::percent_encode(&t.key, b"")),
                current: false,
            })
            .collect(),
        cover: w.cover_image.clone(),
        available: w.file_for(lang, default).is_some(),
        reader,
        form,
        error,
        csrf_token,
        source,
        action: format!("/{lang}/whitepapers/{}/request", w.slug),
        download_action: format!("/{lang}/whitepapers/{}/download", w.slug),
        forget_action: format!("/{lang}/whitepapers/{}/forget", w.slug),
        privacy_href: crate::content::path_of(state, lang, "privacy"),
        title,
        summary,
    };
    Ok(crate::web::csrf::form_page(status, cookie, page.render()?))
}

/// Schema.org `Report` for search engines, with its author and date.
fn json_ld(w: &Whitepaper, state: &AppState, lang: Lang, title: &str, summary: &str) -> String {
    let base = &state.config.base_url;
    let default = state.config.languages.default_lang();
    let url = format!("{base}/{lang}/whitepapers/{}", w.slug);
    let mut report = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Report",
        "name": title,
        "headline": title,
        "description": summary,
        "url": url,
        "inLanguage": lang.as_str(),
        "datePublished": w.published_on.to_string(),
        "dateModified": w.updated_at.to_string(),
        "publisher": { "@type": "Organization", "name": state.config.site_name, "url": format!("{base}/") },
        "keywords": w.tags.iter().map(|t| t.label.text(lang, default)).collect::<Vec<_>>().join(", "),
    });
    if !w.author_name.is_empty() {
        report["author"] = serde_json::json!({
            "@type": "Person",
            "name": w.author_name,
            "jobTitle": w.author_role.text(lang, default),
        });
    }
    if w.page_count > 0 {
        report["numberOfPages"] = w.page_count.into();
    }
    if !w.cover_image.is_empty() {
        report["image"] = format!("{base}{}", w.cover_image).into();
    }
    crate::content::view::escape_json_for_script(&report.to_string())
}

/// POST `/{lang}/whitepapers/{slug}/request`: the lead, its link and the mail; the visitor is sent
/// to "check your inbox".
pub async fn request(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let form = Submitted::new(form.into_inner());
    check_visitor_token(&req, form.get("csrf_token"))?;
    if let Err(wait) = state.whitepaper_limit.hit(&client_ip(&req), Instant::now()) {
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let w = find(&state, &slug).await?;
    let requested = format!("/{lang}/whitepapers/{}/requested", w.slug);
    if form.is_from_a_bot() {
        // A bot: what looks like success, and nothing is stored or sent.
        return Ok(see_other(&requested));
    }
    let default = state.config.languages.default_lang();
    let ui = state.catalog.messages(lang);
    if w.file_for(lang, default).is_none() {
        return notice(
            &state,
            lang,
            &w,
            "whitepaper-unavailable",
            "whitepaper-unavailable-text",
            StatusCode::CONFLICT,
        );
    }
    let request = match WhitepaperRequest::parse(&form) {
        Ok(request) => request,
        Err(errors) => {
            return render_detail(
                &req,
                &state,
                lang,
                &w,
                None,
                FormState::again(&form, &errors, ui),
                Some(ui.t("form-errors")),
                form.get("source").to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let lead = &request.lead;
    let new = NewLead {
        first_name: lead.first_name.as_str(),
        last_name: lead.last_name.as_str(),
        email: lead.email.as_str(),
        company: lead.company.as_str(),
        job_title: lead.job_title.as_str(),
        phone: request.phone.as_ref().map_or("", |p| p.as_str()),
        language: lang.as_str(),
        marketing: lead.marketing,
        consent_version: &lead.consent_version(ui),
        source: &lead.source,
    };
    let token = crate::tokens::random_token()?;
    let link = format!("{}/download/{token}", state.config.base_url);
    let to = To {
        first_name: lead.first_name.as_str(),
        email: lead.email.as_str(),
        lang,
    };
    let handoff = crate::leads::Handoff {
        state: &state,
        lang,
        subject: w.title.text(default, default),
    };
    let outcome = lead_store::request(
        &state.db,
        w.id,
        &new,
        &token,
        Timestamp::now(),
        &handoff,
        || mails::link_mail(ui, &w, default, &to, &link),
    )
    .await?;
    match outcome {
        Requested::Sent { .. } => {
            crate::visits::lead_received(&req, &state, crate::visits::LeadPath::WhitepaperRequest)
                .await;
            Ok(see_other(&requested))
        }
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

/// GET `/{lang}/whitepapers/{slug}/requested`: "check your inbox".
pub async fn requested(
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let w = find(&state, &slug).await?;
    notice(
        &state,
        lang,
        &w,
        "whitepaper-check-inbox",
        "whitepaper-check-inbox-text",
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "public/whitepaper_notice.html")]
pub(super) struct NoticePage<'a> {
    pub layout: Layout<'a>,
    pub heading: String,
    pub text: String,
    pub back_href: String,
    pub back_label: &'a str,
    /// Where a fresh link can be asked for (an expired or used-up link's page).
    pub renew_action: Option<String>,
    pub csrf_token: String,
}

/// A plain page that says what happened, with the way back to the whitepaper.
pub(super) fn notice(
    state: &AppState,
    lang: Lang,
    w: &Whitepaper,
    heading: &str,
    text: &str,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let ui = state.catalog.messages(lang);
    let default = state.config.languages.default_lang();
    let args = notice_args(w, lang, default);
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
        renew_action: None,
        csrf_token: String::new(),
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}

/// What the notices' texts may name.
pub(super) fn notice_args<'a>(
    w: &'a Whitepaper,
    lang: Lang,
    default: Lang,
) -> [(&'static str, fluent_bundle::FluentValue<'a>); 3] {
    [
        ("title", w.title.text(lang, default).into()),
        ("downloads", super::model::LINK_DOWNLOADS.into()),
        ("perday", super::model::LINKS_PER_ADDRESS_PER_DAY.into()),
    ]
}

/// POST `/{lang}/whitepapers/{slug}/forget`: this browser forgets the reader (the form comes back).
pub async fn forget(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    check_visitor_token(&req, form.get("csrf_token").map_or("", String::as_str))?;
    let (lang, slug) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let w = find(&state, &slug).await?;
    let mut response = see_other(&format!("/{lang}/whitepapers/{}", w.slug));
    let mut gone = actix_web::cookie::Cookie::build(READER_COOKIE, "")
        .path("/")
        .finish();
    gone.make_removal();
    response
        .add_cookie(&gone)
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(response)
}

/// The library and every published whitepaper, in every language (for `/sitemap.xml`).
pub async fn sitemap_urls(
    state: &AppState,
) -> anyhow::Result<Vec<crate::web::sitemap::SitemapUrl>> {
    let papers = store::published(&state.db).await?;
    let items: Vec<(&str, Timestamp)> = papers
        .iter()
        .map(|w| (w.slug.as_str(), w.updated_at))
        .collect();
    Ok(crate::web::sitemap::section_urls(
        &state.config.base_url,
        &state.config.languages,
        "whitepapers",
        &items,
    ))
}
