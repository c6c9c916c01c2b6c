//! `/admin/leads`: the inbox of every lead (editors and admins). Filters by path, status, owner,
//! date and campaign; bulk status and owner changes; the filtered view as CSV. A lead's own page
//! is `super::admin_lead`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::model::{Lead, LeadPath, LeadStatus};
use super::store::{self, Filters, Owner};
use crate::audit::store::{CsvExport, record_action};
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::state::AppState;
use crate::web::{filter_query, html, see_other};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default, Clone)]
pub struct InboxQuery {
    path: Option<String>,
    status: Option<String>,
    /// A user's id, `none` (nobody's) or `me`.
    owner: Option<String>,
    from: Option<String>,
    to: Option<String>,
    campaign: Option<String>,
    /// `yes`: open leads whose follow-up day has passed.
    overdue: Option<String>,
    page: Option<i64>,
}

impl InboxQuery {
    fn filters(&self, state: &AppState, me: i64) -> Filters {
        let zone =
            jiff::tz::TimeZone::get(&state.config.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
        let day = |d: &Option<String>, days: i64| {
            d.as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .and_then(|d| d.checked_add(jiff::Span::new().days(days)).ok())
                .and_then(|d| d.to_zoned_datetime(zone.clone()).ok())
                .map(|z| z.timestamp())
        };
        let some = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
        Filters {
            path: self.path.as_deref().and_then(LeadPath::of_key),
            status: self.status.as_deref().and_then(LeadStatus::of_key),
            owner: match self.owner.as_deref() {
                Some("none") => Some(Owner::Nobody),
                Some("me") => Some(Owner::User(me)),
                Some(id) => id.parse().ok().map(Owner::User),
                None => None,
            },
            from: day(&self.from, 0),
            until: day(&self.to, 1),
            campaign: some(&self.campaign).map(|c| c.chars().take(200).collect()),
            overdue_before: (self.overdue.as_deref() == Some("yes"))
                .then(|| super::reminders::today(state)),
        }
    }

    fn query_string(&self) -> String {
        filter_query(&[
            ("path", &self.path),
            ("status", &self.status),
            ("owner", &self.owner),
            ("from", &self.from),
            ("to", &self.to),
            ("campaign", &self.campaign),
            ("overdue", &self.overdue),
        ])
    }
}

/// Staff a lead can be given to: active users, by name.
pub(super) async fn owners(state: &AppState) -> anyhow::Result<Vec<(i64, String)>> {
    Ok(crate::users::store::list(&state.db)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.id, u.display_name))
        .collect())
}

#[derive(Template)]
#[template(path = "admin/leads.html")]
struct InboxPage<'a> {
    layout: AdminLayout<'a>,
    leads: Vec<Lead>,
    owners: Vec<(i64, String)>,
    campaigns: Vec<String>,
    paths: [LeadPath; 5],
    statuses: [LeadStatus; 6],
    query: &'a InboxQuery,
    query_string: String,
    today: String,
    total: i64,
    page: i64,
    pages: i64,
}

impl InboxPage<'_> {
    fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }

    fn path_label<'s>(&'s self, lead: &'s Lead) -> &'s str {
        lead.lead_path()
            .map_or(lead.path.as_str(), |p| self.layout.t(p.label_id()))
    }

    fn status_label<'s>(&'s self, lead: &'s Lead) -> &'s str {
        self.layout.t(lead.lead_status().label_id())
    }
}

/// GET `/admin/leads`.
pub async fn inbox(
    req: HttpRequest,
    session: Session,
    query: web::Query<InboxQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    require_reviewer(&user)?;
    let filters = query.filters(&state, user.user.id);
    let total = store::count(&state.db, &filters).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let leads = store::list(&state.db, &filters, PER_PAGE, (page - 1) * PER_PAGE).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::Inbox,
    );
    Ok(html(
        StatusCode::OK,
        InboxPage {
            layout,
            leads,
            owners: owners(&state).await?,
            campaigns: store::campaigns(&state.db).await?,
            paths: LeadPath::ALL,
            statuses: LeadStatus::ALL,
            query: &query,
            query_string: query.query_string(),
            today: super::reminders::today(&state),
            total,
            page,
            pages,
        }
        .render()?,
    ))
}

pub(super) fn require_reviewer(user: &CurrentUser) -> Result<(), AppError> {
    if user.user.is_reviewer() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// GET `/admin/leads.csv`: the filtered view, every page of it.
pub async fn export(
    req: HttpRequest,
    query: web::Query<InboxQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    require_reviewer(&user)?;
    let leads = store::list(&state.db, &query.filters(&state, user.user.id), i64::MAX, 0).await?;
    let header = [
        "id",
        "created_at",
        "path",
        "subject",
        "name",
        "email",
        "company",
        "language",
        "status",
        "owner",
        "follow_up_on",
        "notes",
        "source_url",
        "utm_source",
        "utm_medium",
        "utm_campaign",
    ];
    let lines: Vec<Vec<String>> = leads
        .iter()
        .map(|l| {
            vec![
                l.id.to_string(),
                l.created_at.to_text(),
                l.path.clone(),
                l.subject.clone(),
                l.name.clone(),
                l.email.clone(),
                l.company.clone(),
                l.language.clone(),
                l.status.clone(),
                l.owner_email.clone().unwrap_or_default(),
                l.follow_up_on.clone().unwrap_or_default(),
                l.notes.clone(),
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
        action: "inbox-exported",
        target: &format!("{} leads", leads.len()),
    }
    .answer(&state.db, &user, &req)
    .await
}

/// An owner field's value: a user's id, or empty for nobody.
pub(super) fn parse_owner(value: &str, owners: &[(i64, String)]) -> Result<Option<i64>, ()> {
    match value.trim() {
        "" => Ok(None),
        id => match id.parse::<i64>() {
            Ok(id) if owners.iter().any(|(o, _)| *o == id) => Ok(Some(id)),
            _ => Err(()),
        },
    }
}

/// POST `/admin/leads/bulk`: the ticked leads (`lead` repeated) get the status and/or owner chosen.
pub async fn bulk(
    req: HttpRequest,
    session: Session,
    input: AdminForm<Vec<(String, String)>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    require_reviewer(&user)?;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let back = match get("back") {
        b if b.starts_with("/admin/leads") && !b.contains(['\r', '\n']) => b.to_owned(),
        _ => "/admin/leads".to_owned(),
    };
    let ids: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "lead")
        .filter_map(|(_, v)| v.parse().ok())
        .take(500)
        .collect();
    let status = match get("status") {
        "" => None,
        key => Some(LeadStatus::of_key(key).ok_or(AppError::BadRequest("status".into()))?),
    };
    let owner = match get("owner") {
        "" => None,
        "none" => Some(None),
        value => Some(Some(
            parse_owner(value, &owners(&state).await?)
                .ok()
                .flatten()
                .ok_or(AppError::BadRequest("owner".into()))?,
        )),
    };
    if ids.is_empty() || (status.is_none() && owner.is_none()) {
        flash(&session, ui.t("leads-bulk-nothing"));
        return Ok(see_other(&back));
    }
    let default = state.config.languages.default_lang();
    let base = state.config.base_url.clone();
    let changed = store::change_many(&state.db, &ids, status, owner, &base, &|lead| {
        super::mails::assigned(&state.catalog, default, lead, &base)
    })
    .await?;
    record_action(
        &state.db,
        &user,
        &req,
        "leads-updated",
        &format!("{changed} leads"),
    )
    .await?;
    flash(
        &session,
        &ui.t_args("leads-bulk-done", &[("count", (changed as i64).into())]),
    );
    Ok(see_other(&back))
}
