//! `/admin/messages`: the team's inbox of contact messages (unread, read, answered; archived on
//! its own tab), a message's page (opening it marks it read; status buttons; a link to the
//! person), and the CSV export. Editors and admins see it; exports are audit-logged.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::store::{self, Filter, Message, Status};
use crate::audit::store::CsvExport;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::state::AppState;
use crate::web::{percent_encode, see_other};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn status(&self) -> Option<Status> {
        self.status.as_deref().and_then(Status::parse)
    }
}

#[derive(Template)]
#[template(path = "admin/messages.html")]
struct MessagesPage<'a> {
    layout: AdminLayout<'a>,
    messages: Vec<Message>,
    /// The tab shown: `""` (the inbox: all but archived) or a status.
    tab: &'static str,
    tabs: Vec<(&'static str, String)>,
    total: i64,
    page: i64,
    pages: i64,
}

impl MessagesPage<'_> {
    fn is_tab(&self, status: &str) -> bool {
        self.tab == status
    }

    fn status_label(&self, status: &str) -> &str {
        self.layout.t(status_id(status))
    }

    fn excerpt(&self, text: &str) -> String {
        let mut excerpt: String = text.chars().take(90).collect();
        if excerpt.len() < text.len() {
            excerpt.push('…');
        }
        excerpt
    }
}

fn status_id(status: &str) -> &'static str {
    match status {
        "unread" => "message-status-unread",
        "read" => "message-status-read",
        "answered" => "message-status-answered",
        _ => "message-status-archived",
    }
}

/// GET `/admin/messages`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let filter = Filter {
        status: query.status(),
    };
    let total = store::count(&state.db, filter).await?;
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total, query.page, PER_PAGE);
    let messages = store::list(&state.db, filter, PER_PAGE, offset).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Messages,
    );
    let mut tabs = vec![("", layout.t("messages-inbox").to_owned())];
    tabs.extend(
        Status::ALL
            .iter()
            .map(|s| (s.as_str(), layout.t(status_id(s.as_str())).to_owned())),
    );
    let page_view = MessagesPage {
        layout,
        messages,
        tab: filter.status.map_or("", Status::as_str),
        tabs,
        total,
        page,
        pages,
    };
    Ok(html(StatusCode::OK, page_view.render()?))
}

#[derive(Template)]
#[template(path = "admin/message.html")]
struct MessagePage<'a> {
    layout: AdminLayout<'a>,
    m: Message,
    statuses: Vec<(&'static str, String)>,
    person_href: String,
}

impl MessagePage<'_> {
    fn is_status(&self, status: &str) -> bool {
        self.m.status == status
    }
}

/// GET `/admin/messages/{id}`: the message; opening an unread one marks it read.
pub async fn show(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let mut m = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if m.status == "unread" {
        store::mark_read(&state.db, id, jiff::Timestamp::now()).await?;
        m.status = "read".to_owned();
    }
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Messages,
    );
    let statuses = Status::ALL
        .iter()
        .map(|s| (s.as_str(), layout.t(status_id(s.as_str())).to_owned()))
        .collect();
    let person_href = format!("/admin/people/{}", percent_encode(&m.email, b"@"));
    let page = MessagePage {
        layout,
        m,
        statuses,
        person_href,
    };
    Ok(html(StatusCode::OK, page.render()?))
}

/// POST `/admin/messages/{id}/status`: unread, read, answered or archived.
pub async fn set_status(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let AdminForm { form, .. } = input;
    let status = form
        .get("status")
        .and_then(|s| Status::parse(s))
        .ok_or_else(|| AppError::BadRequest("unknown status".into()))?;
    if !store::set_status(&state.db, id, status, jiff::Timestamp::now()).await? {
        return Err(AppError::NotFound);
    }
    let ui = state.catalog.messages(admin_lang(&req, &state));
    flash(&session, ui.t("message-status-saved"));
    Ok(see_other(&format!("/admin/messages/{id}")))
}

/// GET `/admin/messages/export.csv`: the messages of the tab shown.
pub async fn export(
    req: HttpRequest,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let filter = Filter {
        status: query.status(),
    };
    let rows = store::list(&state.db, filter, i64::MAX, 0).await?;
    let header = [
        "received_at",
        "status",
        "name",
        "email",
        "company",
        "phone",
        "topic",
        "message",
        "language",
        "page",
        "consent_at",
        "consent_version",
    ];
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|m| {
            vec![
                m.created_at.to_text(),
                m.status.clone(),
                m.name.clone(),
                m.email.clone(),
                m.company.clone(),
                m.phone.clone(),
                m.topic.clone(),
                m.message.clone(),
                m.language.clone(),
                m.source_url.clone(),
                m.consent_at.to_text(),
                m.consent_version.clone(),
            ]
        })
        .collect();
    CsvExport {
        file_name: "messages.csv",
        header: &header,
        lines: &lines,
        action: "messages-exported",
        target: &format!("{} messages", rows.len()),
    }
    .answer(&state.db, &user, &req)
    .await
}
