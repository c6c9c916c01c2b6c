//! `/admin/bookings` (list with filters and paging, CSV export, detail with status, notes and erasure)
//! and `/admin/outbox` (pending and failed mails, retry).
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::consultant_store;
use super::store::{self, BookingFilter, BookingListing, BookingRefused};
use crate::audit::store::{CsvExport, record_action};
use crate::db::DbTime;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::state::AppState;
use crate::web::{filter_query, see_other};

const PER_PAGE: i64 = 50;
pub const STATUSES: [&str; 4] = ["confirmed", "completed", "no_show", "cancelled"];

#[derive(Deserialize, Default)]
pub struct ListQuery {
    consultant: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> BookingFilter {
        let date = |d: &Option<String>, days: i64| {
            d.as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .and_then(|d| d.checked_add(jiff::Span::new().days(days)).ok())
                .and_then(|d| DbTime::parse(&format!("{d}T00:00:00Z")).ok())
        };
        BookingFilter {
            consultant_id: self.consultant.as_deref().and_then(|c| c.parse().ok()),
            status: self
                .status
                .clone()
                .filter(|s| STATUSES.contains(&s.as_str())),
            from: date(&self.from, 0),
            to: date(&self.to, 1),
        }
    }

    fn query_string(&self) -> String {
        filter_query(&[
            ("consultant", &self.consultant),
            ("status", &self.status),
            ("from", &self.from),
            ("to", &self.to),
        ])
    }
}

#[derive(Template)]
#[template(path = "admin/bookings.html")]
struct BookingsPage<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<BookingListing>,
    consultants: Vec<(i64, String)>,
    statuses: [&'static str; 4],
    query: &'a ListQuery,
    query_string: String,
    page: i64,
    pages: i64,
    total: i64,
}

impl BookingsPage<'_> {
    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }
}

/// GET `/admin/bookings`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let filter = query.filter();
    let total = store::count_bookings(&state.db, &filter).await?;
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total, query.page, PER_PAGE);
    let rows = store::list_bookings(&state.db, &filter, PER_PAGE, offset).await?;
    let consultants = consultant_store::consultant_names(&state.db).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Bookings,
    );
    let query_string = query.query_string();
    let page_view = BookingsPage {
        layout,
        rows,
        consultants,
        statuses: STATUSES,
        query: &query,
        query_string,
        page,
        pages,
        total,
    };
    Ok(html(StatusCode::OK, page_view.render()?))
}

/// GET `/admin/bookings/export.csv`: every booking matching the filters.
pub async fn export(
    req: HttpRequest,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let rows = store::list_bookings(&state.db, &query.filter(), i64::MAX, 0).await?;
    let header = [
        "reference",
        "starts_at_utc",
        "duration_minutes",
        "consultant",
        "meeting_type",
        "status",
        "name",
        "email",
        "company",
        "phone",
        "message",
        "language",
        "timezone",
        "notes",
        "created_at",
    ];
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.reference.clone(),
                r.starts_at.to_text(),
                r.duration_minutes.to_string(),
                r.consultant_name.clone(),
                r.meeting_type.clone(),
                r.status.clone(),
                r.client_name.clone(),
                r.client_email.clone(),
                r.company.clone(),
                r.phone.clone(),
                r.message.clone(),
                r.language.clone(),
                r.visitor_timezone.clone(),
                r.notes.clone(),
                r.created_at.to_text(),
            ]
        })
        .collect();
    CsvExport {
        file_name: "bookings.csv",
        header: &header,
        lines: &lines,
        action: "bookings-exported",
        target: &format!("{} bookings", rows.len()),
    }
    .answer(&state.db, &user, &req)
    .await
}

#[derive(Template)]
#[template(path = "admin/booking.html")]
struct BookingDetail<'a> {
    layout: AdminLayout<'a>,
    b: BookingListing,
    local: String,
    statuses: [&'static str; 4],
}

/// GET `/admin/bookings/{id}`.
pub async fn detail(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let b = store::booking_listing(&state.db, path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    let tz = TimeZone::get(&b.visitor_timezone).unwrap_or(TimeZone::UTC);
    let local = tz
        .to_datetime(b.starts_at.into())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Bookings,
    );
    Ok(html(
        StatusCode::OK,
        BookingDetail {
            layout,
            b,
            local,
            statuses: STATUSES,
        }
        .render()?,
    ))
}

/// POST `/admin/bookings/{id}`: status and internal notes.
pub async fn save(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let AdminForm { user, form } = input;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let status = form
        .get("status")
        .map(String::as_str)
        .filter(|s| STATUSES.contains(s))
        .ok_or(AppError::BadRequest("status".into()))?;
    let notes: String = form
        .get("notes")
        .map(|n| n.chars().take(5000).collect())
        .unwrap_or_default();
    match store::update_booking(&state.db, id, status, &notes).await? {
        Ok(()) => {
            record_action(
                &state.db,
                &user,
                &req,
                "booking-updated",
                &format!("booking {id} ({status})"),
            )
            .await?;
            flash(&session, ui.t("booking-saved"));
        }
        Err(BookingRefused::SlotTaken) => flash(&session, ui.t("booking-slot-taken")),
        Err(BookingRefused::UnknownConsultant | BookingRefused::ReferenceTaken) => {
            return Err(AppError::NotFound);
        }
    }
    Ok(see_other(&format!("/admin/bookings/{id}")))
}

/// POST `/admin/bookings/{id}/delete`: erasure, after the confirmation checkbox.
pub async fn delete(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let AdminForm { user, form } = input;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    if form.get("confirm").map(String::as_str) != Some("yes") {
        flash(&session, ui.t("booking-delete-confirm"));
        return Ok(see_other(&format!("/admin/bookings/{id}")));
    }
    let reference = store::booking_listing(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?
        .reference;
    store::delete_booking(&state.db, id).await?;
    record_action(
        &state.db,
        &user,
        &req,
        "booking-erased",
        &format!("booking {id} ({reference})"),
    )
    .await?;
    flash(&session, ui.t("booking-erased"));
    Ok(see_other("/admin/bookings"))
}
