//! `/admin/webinars/{id}/registrations`: who registered, filtered by status; marking attendance,
//! cancelling (the seat goes to the waitlist), the CSV export (quoted and formula-safe, like the
//! bookings'), and erasure. Every change is audit-logged.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::mails;
use super::model::{RegistrationStatus, Webinar};
use super::public::site;
use super::registration_store::{self, RegistrationListing};
use super::store;
use crate::audit::store::{CsvExport, record_action};
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::state::AppState;
use crate::web::{percent_encode, see_other};

/// Registrations per page of the list.
const PER_PAGE: i64 = 100;

#[derive(Deserialize, Default)]
pub struct Filter {
    status: Option<String>,
    page: Option<i64>,
}

impl Filter {
    fn status(&self) -> Option<RegistrationStatus> {
        self.status.as_deref().and_then(RegistrationStatus::parse)
    }

    fn query_string(&self) -> String {
        self.status()
            .map(|s| format!("status={}", percent_encode(s.as_db(), b"")))
            .unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "admin/webinar_registrations.html")]
struct RegistrationsPage<'a> {
    layout: AdminLayout<'a>,
    webinar: super::admin::Row,
    rows: Vec<RegistrationListing>,
    statuses: &'static [RegistrationStatus],
    filter: Option<RegistrationStatus>,
    query_string: String,
    total: i64,
    page: i64,
    pages: i64,
}

impl RegistrationsPage<'_> {
    fn label<'s>(&'s self, status: &'s str) -> &'s str {
        RegistrationStatus::parse(status).map_or(status, |s| self.layout.t(s.label_id()))
    }
}

async fn webinar(state: &AppState, id: i64) -> Result<Webinar, AppError> {
    store::webinar(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// GET `/admin/webinars/{id}/registrations`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    query: web::Query<Filter>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let w = webinar(&state, path.into_inner()).await?;
    let total = registration_store::count_registrations(&state.db, w.id, query.status()).await?;
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total, query.page, PER_PAGE);
    let rows = registration_store::registrations(&state.db, w.id, query.status(), PER_PAGE, offset)
        .await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Webinars,
    );
    let default = state.config.languages.default_lang();
    let page = RegistrationsPage {
        webinar: super::admin::Row::of(&w, layout.ui, default),
        layout,
        rows,
        statuses: &RegistrationStatus::ALL,
        filter: query.status(),
        query_string: query.query_string(),
        total,
        page,
        pages,
    };
    Ok(html(StatusCode::OK, page.render()?))
}

/// GET `/admin/webinars/{id}/registrations.csv`: the registrations the filter shows.
pub async fn export(
    req: HttpRequest,
    path: web::Path<i64>,
    query: web::Query<Filter>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let w = webinar(&state, path.into_inner()).await?;
    let rows =
        registration_store::registrations(&state.db, w.id, query.status(), i64::MAX, 0).await?;
    let header = [
        "first_name",
        "last_name",
        "email",
        "company",
        "job_title",
        "status",
        "language",
        "timezone",
        "registered_at",
        "marketing_consent_at",
        "consent_version",
        "source_url",
        "utm_source",
        "utm_medium",
        "utm_campaign",
    ];
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.first_name.clone(),
                r.last_name.clone(),
                r.email.clone(),
                r.company.clone(),
                r.job_title.clone(),
                r.status.clone(),
                r.language.clone(),
                r.timezone.clone(),
                r.created_at.to_text(),
                r.marketing_consent_at
                    .as_ref()
                    .map(|t| t.to_text())
                    .unwrap_or_default(),
                r.consent_version.clone(),
                r.source_url.clone(),
                r.utm_source.clone(),
                r.utm_medium.clone(),
                r.utm_campaign.clone(),
            ]
        })
        .collect();
    CsvExport {
        file_name: &format!("registrations-{}.csv", w.slug.as_str()),
        header: &header,
        lines: &lines,
        action: "registrations-exported",
        target: &format!(
            "webinar {} ({}): {} registrations",
            w.id,
            w.slug.as_str(),
            rows.len()
        ),
    }
    .answer(&state.db, &user, &req)
    .await
}

/// POST `/admin/webinars/{id}/registrations/{registration}`: a new status (attended, no-show,
/// cancelled, …). Giving a seat never goes beyond the capacity.
pub async fn set_status(
    req: HttpRequest,
    session: Session,
    path: web::Path<(i64, i64)>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, registration) = path.into_inner();
    let AdminForm { user, form } = input;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let to = form
        .get("status")
        .and_then(|s| RegistrationStatus::parse(s))
        .ok_or(AppError::BadRequest("status".into()))?;
    let w = webinar(&state, id).await?;
    let site = site(&state);
    let now = Timestamp::now();
    let changed =
        registration_store::set_registration_status(&state.db, id, registration, to, now, |next| {
            mails::promoted(&state.catalog, &w, next, &site, now)
        })
        .await?;
    match changed {
        Ok(()) => {
            record_action(
                &state.db,
                &user,
                &req,
                "registration-updated",
                &format!("webinar {id}, registration {registration} ({})", to.as_db()),
            )
            .await?;
            flash(&session, ui.t("registration-saved"));
        }
        Err(refused) => flash(&session, ui.t(refused)),
    }
    Ok(see_other(&back(id, &form)))
}

/// POST `/admin/webinars/{id}/registrations/{registration}/delete`: erasure (with its mails), after
/// the confirmation checkbox.
pub async fn delete(
    req: HttpRequest,
    session: Session,
    path: web::Path<(i64, i64)>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, registration) = path.into_inner();
    let AdminForm { user, form } = input;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    if form.get("confirm").map(String::as_str) != Some("yes") {
        flash(&session, ui.t("registration-delete-confirm"));
        return Ok(see_other(&back(id, &form)));
    }
    if !registration_store::delete_registration(&state.db, id, registration).await? {
        return Err(AppError::NotFound);
    }
    record_action(
        &state.db,
        &user,
        &req,
        "registration-erased",
        &format!("webinar {id}, registration {registration}"),
    )
    .await?;
    flash(&session, ui.t("registration-erased"));
    Ok(see_other(&back(id, &form)))
}

/// The list again, with the filter the editor had.
fn back(id: i64, form: &HashMap<String, String>) -> String {
    let filter = Filter {
        status: form.get("filter").cloned(),
        page: None,
    };
    match filter.query_string() {
        q if q.is_empty() => format!("/admin/webinars/{id}/registrations"),
        q => format!("/admin/webinars/{id}/registrations?{q}"),
    }
}
