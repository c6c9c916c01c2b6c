//! `/admin/subscribers`: every sign-up with its status (waiting for confirmation, confirmed,
//! unsubscribed), filtered and searched, in pages; the CSV export holds confirmed addresses only
//! (an unconfirmed address never leaves Magnetiq). Exports are audit-logged.
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::store::{self, Filter, Subscriber};
use crate::audit::store::CsvExport;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section};
use crate::web::auth::CurrentUser;
use crate::web::html;
use crate::web::percent_encode;
use crate::web::state::AppState;

const PER_PAGE: i64 = 50;
const STATUSES: [&str; 4] = ["pending", "confirmed", "unsubscribed", "bounced"];

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    q: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> Filter {
        Filter {
            status: self
                .status
                .clone()
                .filter(|s| STATUSES.contains(&s.as_str())),
            search: self
                .q
                .as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(|q| q.chars().take(100).collect()),
        }
    }

    fn query_string(&self) -> String {
        let f = self.filter();
        [("status", f.status), ("q", f.search)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={}", percent_encode(&v, b""))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[derive(Template)]
#[template(path = "admin/subscribers.html")]
struct SubscribersPage<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<Subscriber>,
    status: String,
    search: String,
    statuses: Vec<(&'static str, String)>,
    query_string: String,
    total: i64,
    page: i64,
    pages: i64,
}

impl SubscribersPage<'_> {
    fn is_status(&self, status: &str) -> bool {
        self.status == status
    }

    fn status_label(&self, status: &str) -> &str {
        self.layout.t(status_id(status))
    }
}

fn status_id(status: &str) -> &'static str {
    match status {
        "pending" => "subscriber-status-pending",
        "confirmed" => "subscriber-status-confirmed",
        "bounced" => "subscriber-status-bounced",
        _ => "subscriber-status-unsubscribed",
    }
}

/// GET `/admin/subscribers`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let filter = query.filter();
    let total = store::count(&state.db, &filter).await?;
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total, query.page, PER_PAGE);
    let rows = store::list(&state.db, &filter, PER_PAGE, offset).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Subscribers,
    );
    let statuses = STATUSES
        .iter()
        .map(|s| (*s, layout.t(status_id(s)).to_owned()))
        .collect();
    let view = SubscribersPage {
        layout,
        rows,
        status: filter.status.clone().unwrap_or_default(),
        search: filter.search.clone().unwrap_or_default(),
        statuses,
        query_string: query.query_string(),
        total,
        page,
        pages,
    };
    Ok(html(StatusCode::OK, view.render()?))
}

/// GET `/admin/subscribers/export.csv`: confirmed subscribers (matching the search), never others.
pub async fn export(
    req: HttpRequest,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let filter = Filter {
        status: Some("confirmed".to_owned()),
        ..query.filter()
    };
    let rows = store::list(&state.db, &filter, i64::MAX, 0).await?;
    let header = [
        "email",
        "language",
        "confirmed_at",
        "signed_up_at",
        "consent_version",
        "source_url",
    ];
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|s| {
            vec![
                s.email.clone(),
                s.language.clone(),
                s.confirmed_at.map(|t| t.to_text()).unwrap_or_default(),
                s.consent_at.to_text(),
                s.consent_version.clone(),
                s.source_url.clone(),
            ]
        })
        .collect();
    CsvExport {
        file_name: "subscribers.csv",
        header: &header,
        lines: &lines,
        action: "subscribers-exported",
        target: &format!("{} confirmed subscribers", rows.len()),
    }
    .answer(&state.db, &user, &req)
    .await
}
