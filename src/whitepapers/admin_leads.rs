//! `/admin/whitepapers/leads`: every whitepaper lead, filtered by whitepaper, date, confirmation and marketing
//! consent, in pages; the CSV export (quoted and formula-safe, like the bookings'); erasure with the
//! lead's links and mails. Exports and erasures are audit-logged.
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::lead_store::{self, LeadFilter, LeadListing};
use super::store;
use crate::audit::store::{CsvExport, record_action};
use crate::db::DbTime;
use crate::error::AppError;
use crate::i18n::{Lang, Localized};
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::state::AppState;
use crate::web::{filter_query, see_other};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    whitepaper: Option<String>,
    from: Option<String>,
    to: Option<String>,
    confirmed: Option<String>,
    marketing: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> LeadFilter {
        let day = |d: &Option<String>, days: i64| {
            d.as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .and_then(|d| d.checked_add(jiff::Span::new().days(days)).ok())
                .and_then(|d| d.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok())
                .map(|z| z.timestamp())
        };
        let yes_no = |v: &Option<String>| match v.as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        };
        LeadFilter {
            whitepaper_id: self.whitepaper.as_deref().and_then(|w| w.parse().ok()),
            from: day(&self.from, 0),
            to: day(&self.to, 1),
            confirmed: yes_no(&self.confirmed),
            marketing: yes_no(&self.marketing),
        }
    }

    fn query_string(&self) -> String {
        filter_query(&[
            ("whitepaper", &self.whitepaper),
            ("from", &self.from),
            ("to", &self.to),
            ("confirmed", &self.confirmed),
            ("marketing", &self.marketing),
        ])
    }
}

/// A lead as a row of the list.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub company: String,
    pub whitepaper: String,
    pub created_at: String,
    pub confirmed: bool,
    pub marketing: bool,
    pub via: String,
}

fn title_of(json: &crate::db::JsonText, lang: Lang, default: Lang) -> String {
    let title: Localized<String> = json.parse().unwrap_or_default();
    title.text(lang, default).to_owned()
}

#[derive(Template)]
#[template(path = "admin/whitepaper_leads.html")]
struct LeadsPage<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<Row>,
    whitepapers: Vec<(i64, String)>,
    query: &'a ListQuery,
    query_string: String,
    total: i64,
    page: i64,
    pages: i64,
}

impl LeadsPage<'_> {
    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }
}

/// GET `/admin/whitepapers/leads`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let filter = query.filter();
    let total = lead_store::count_leads(&state.db, &filter).await?;
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total, query.page, PER_PAGE);
    let leads = lead_store::leads(&state.db, &filter, PER_PAGE, offset).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Leads,
    );
    let (lang, default) = (layout.lang, state.config.languages.default_lang());
    let rows = leads
        .iter()
        .map(|l| Row {
            id: l.id,
            name: format!("{} {}", l.first_name, l.last_name),
            email: l.email.clone(),
            company: l.company.clone(),
            whitepaper: title_of(&l.whitepaper_title, lang, default),
            created_at: l.created_at.to_text(),
            confirmed: l.confirmed_at.is_some(),
            marketing: l.marketing_consent_at.is_some(),
            via: l.via.clone(),
        })
        .collect();
    let whitepapers = store::titles(&state.db)
        .await?
        .iter()
        .map(|(id, title)| (*id, title_of(title, lang, default)))
        .collect();
    let page_view = LeadsPage {
        layout,
        rows,
        whitepapers,
        query: &query,
        query_string: query.query_string(),
        total,
        page,
        pages,
    };
    Ok(html(StatusCode::OK, page_view.render()?))
}

/// GET `/admin/whitepapers/leads/export.csv`: every lead matching the filters.
pub async fn export(
    req: HttpRequest,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let rows = lead_store::leads(&state.db, &query.filter(), i64::MAX, 0).await?;
    let default = state.config.languages.default_lang();
    let header = [
        "whitepaper",
        "first_name",
        "last_name",
        "email",
        "company",
        "job_title",
        "phone",
        "language",
        "requested_at",
        "confirmed_at",
        "marketing_consent_at",
        "consent_version",
        "via",
        "source_url",
        "utm_source",
        "utm_medium",
        "utm_campaign",
    ];
    let time = |t: &Option<DbTime>| t.as_ref().map(|t| t.to_text()).unwrap_or_default();
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|l: &LeadListing| {
            vec![
                title_of(&l.whitepaper_title, default, default),
                l.first_name.clone(),
                l.last_name.clone(),
                l.email.clone(),
                l.company.clone(),
                l.job_title.clone(),
                l.phone.clone(),
                l.language.clone(),
                l.created_at.to_text(),
                time(&l.confirmed_at),
                time(&l.marketing_consent_at),
                l.consent_version.clone(),
                l.via.clone(),
                l.source_url.clone(),
                l.utm_source.clone(),
                l.utm_medium.clone(),
                l.utm_campaign.clone(),
            ]
        })
        .collect();
    CsvExport {
        file_name: "leads.csv",
        header: &header,
        lines: &lines,
        action: "leads-exported",
        target: &format!("{} leads", rows.len()),
    }
    .answer(&state.db, &user, &req)
    .await
}

/// POST `/admin/whitepapers/leads/{id}/delete`: erasure (with the lead's links and mails), after the tick.
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
    let back = match form
        .get("back")
        .filter(|b| b.starts_with("/admin/whitepapers/leads"))
    {
        Some(back) => back.clone(),
        None => "/admin/whitepapers/leads".to_owned(),
    };
    if form.get("confirm").map(String::as_str) != Some("yes") {
        flash(&session, ui.t("lead-delete-confirm"));
        return Ok(see_other(&back));
    }
    if !lead_store::delete_lead(&state.db, id).await? {
        return Err(AppError::NotFound);
    }
    record_action(&state.db, &user, &req, "lead-erased", &format!("lead {id}")).await?;
    flash(&session, ui.t("lead-erased"));
    Ok(see_other(&back))
}
