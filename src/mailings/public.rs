//! The public side of newsletter issues: each sent issue's web version at
//! `/{lang}/newsletter/issues/{id}` (the "view in your browser" link of every mail), and, when the
//! site turns it on, the archive of sent issues at `/{lang}/newsletter`.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::mail::ViewBlock;
use super::model::Status;
use super::store;
use crate::error::AppError;
use crate::i18n::{Lang, format_date};
use crate::web::html;
use crate::web::layout::{Here, Layout};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "public/newsletter_issue.html")]
struct IssuePage<'a> {
    layout: Layout<'a>,
    subject: String,
    date: String,
    datetime: String,
    blocks: Vec<ViewBlock>,
    listed: bool,
    archive_href: String,
    subscribe_href: String,
}

pub struct ArchiveEntry {
    pub subject: String,
    pub href: String,
    pub date: String,
    pub datetime: String,
}

#[derive(Template)]
#[template(path = "public/newsletter_archive.html")]
struct ArchivePage<'a> {
    layout: Layout<'a>,
    entries: Vec<ArchiveEntry>,
    subscribe_href: String,
}

fn lang_of(state: &AppState, code: &str) -> Result<Lang, AppError> {
    state.config.languages.find(code).ok_or(AppError::NotFound)
}

fn day(t: crate::db::DbTime, lang: Lang) -> (String, String) {
    let d = t.0.date();
    (
        format_date(d, lang),
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
    )
}

/// GET `/{lang}/newsletter/issues/{id}`: an issue that went out, as a page of the site.
pub async fn issue(
    path: web::Path<(String, i64)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (code, id) = path.into_inner();
    let lang = lang_of(&state, &code)?;
    let issue = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let Some(started) = issue.started_at else {
        return Err(AppError::NotFound);
    };
    let default = state.config.languages.default_lang();
    let ui = state.catalog.messages(lang);
    let resolved = super::render::resolve(&state, &issue).await?;
    let blocks = resolved.view(lang, ui);
    let path = format!("newsletter/issues/{id}");
    let layout = Layout::new(&state, lang, Here::Path { path: &path }, crate::db::now());
    let (date, datetime) = day(started, lang);
    let archive = crate::db::settings::flag(&state.db, super::ARCHIVE_SETTING).await?;
    let page = IssuePage {
        layout,
        subject: issue.subject_in(lang, default).to_owned(),
        date,
        datetime,
        blocks,
        listed: archive && issue.status == Status::Sent,
        archive_href: format!("/{lang}/newsletter"),
        subscribe_href: format!("/{lang}/newsletter/subscribe"),
    };
    Ok(html(StatusCode::OK, page.render()?))
}

/// GET `/{lang}/newsletter`: the sent issues, newest first (404 unless the site lists them).
pub async fn archive(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&state, &path)?;
    if !crate::db::settings::flag(&state.db, super::ARCHIVE_SETTING).await? {
        return Err(AppError::NotFound);
    }
    let default = state.config.languages.default_lang();
    let entries = store::sent_for(&state.db, lang.as_str(), 200)
        .await?
        .into_iter()
        .filter_map(|issue| {
            let (date, datetime) = day(issue.started_at?, lang);
            Some(ArchiveEntry {
                subject: issue.subject_in(lang, default).to_owned(),
                href: format!("/{lang}/newsletter/issues/{}", issue.id),
                date,
                datetime,
            })
        })
        .collect();
    let layout = Layout::new(
        &state,
        lang,
        Here::Path { path: "newsletter" },
        crate::db::now(),
    );
    let page = ArchivePage {
        layout,
        entries,
        subscribe_href: format!("/{lang}/newsletter/subscribe"),
    };
    Ok(html(StatusCode::OK, page.render()?))
}
