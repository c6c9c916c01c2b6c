//! `/admin/leads/{id}`: one lead with its source and, for a built form, the answers as asked; its
//! status, owner, notes and follow-up date, saved together (422 with what was typed on a mistake).
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::admin::{owners, parse_owner, require_reviewer};
use super::form::Answer;
use super::model::{Lead, LeadStatus};
use super::store::{self, Change};
use crate::audit::store::record_action;
use crate::error::AppError;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::state::AppState;
use crate::web::{private_html, see_other};

#[derive(Template)]
#[template(path = "admin/lead.html")]
struct LeadPage<'a> {
    layout: AdminLayout<'a>,
    lead: Lead,
    answers: Vec<Answer>,
    owners: Vec<(i64, String)>,
    statuses: [LeadStatus; 6],
    values: HashMap<String, String>,
    errors: HashMap<&'static str, String>,
    today: String,
}

impl LeadPage<'_> {
    fn value<'v>(&'v self, name: &str, stored: &'v str) -> &'v str {
        self.values.get(name).map_or(stored, String::as_str)
    }

    /// The follow-up field's value: what was typed if it is a date (a date field holds nothing
    /// else), else what is stored.
    fn follow_up_value(&self) -> String {
        match self.values.get("follow_up_on") {
            Some(typed) if typed.parse::<jiff::civil::Date>().is_ok() => typed.clone(),
            Some(_) => String::new(),
            None => self.lead.follow_up_on.clone().unwrap_or_default(),
        }
    }

    /// The owner select's value as stored: a user's id, or empty.
    fn stored_owner(&self) -> String {
        self.lead
            .owner_id
            .map(|o| o.to_string())
            .unwrap_or_default()
    }

    fn path_label(&self) -> &str {
        self.lead
            .lead_path()
            .map_or(self.lead.path.as_str(), |p| self.layout.t(p.label_id()))
    }
}

/// What a refused save typed, and why each field was refused.
type Refused = (HashMap<String, String>, HashMap<&'static str, String>);

/// A lead's page; after a refused save (`refused`) with what was typed, 422.
async fn lead_page(
    req: &HttpRequest,
    session: &Session,
    user: &CurrentUser,
    state: &AppState,
    lead: Lead,
    refused: Option<Refused>,
) -> Result<HttpResponse, AppError> {
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (values, errors) = refused.unwrap_or_default();
    let answers = match lead.submission_id {
        Some(id) => super::submission_store::submission(&state.db, id)
            .await?
            .map(|s| s.answers())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let layout = AdminLayout::new(
        req,
        state,
        Some(&user.user),
        &user.csrf_token,
        Some(session),
        Section::Inbox,
    );
    let response = private_html(
        status,
        LeadPage {
            layout,
            lead,
            answers,
            owners: owners(state).await?,
            statuses: LeadStatus::ALL,
            values,
            errors,
            today: super::reminders::today(state),
        }
        .render()?,
    );
    Ok(response)
}

/// GET `/admin/leads/{id}`.
pub async fn show(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    require_reviewer(&user)?;
    let lead = store::lead(&state.db, path.into_inner())
        .await?
        .ok_or(AppError::NotFound)?;
    lead_page(&req, &session, &user, &state, lead, None).await
}

/// POST `/admin/leads/{id}`: status, owner, notes and follow-up date.
pub async fn save(
    req: HttpRequest,
    session: Session,
    path: web::Path<i64>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let AdminForm { user, form } = input;
    require_reviewer(&user)?;
    let id = path.into_inner();
    let ui = state.catalog.messages(admin_lang(&req, &state));
    let get = |name: &str| form.get(name).map_or("", String::as_str);
    let mut errors = HashMap::new();
    let status = LeadStatus::of_key(get("status"));
    if status.is_none() {
        errors.insert("status", ui.t("error-invalid").to_owned());
    }
    let owner = parse_owner(get("owner"), &owners(&state).await?);
    if owner.is_err() {
        errors.insert("owner", ui.t("error-invalid").to_owned());
    }
    let notes = get("notes").replace("\r\n", "\n");
    if notes.chars().count() > 10_000 {
        errors.insert("notes", ui.t("error-too-long").to_owned());
    }
    let follow_up = match get("follow_up_on").trim() {
        "" => Ok(None),
        day => day
            .parse::<jiff::civil::Date>()
            .map(|d| Some(d.to_string()))
            .map_err(|_| ()),
    };
    if follow_up.is_err() {
        errors.insert("follow_up_on", ui.t("lead-error-date").to_owned());
    }
    let (Some(status), Ok(owner), Ok(follow_up), true) =
        (status, owner, follow_up.clone(), errors.is_empty())
    else {
        let lead = store::lead(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        return lead_page(
            &req,
            &session,
            &user,
            &state,
            lead,
            Some((form.clone(), errors)),
        )
        .await;
    };
    let default = state.config.languages.default_lang();
    let base = state.config.base_url.clone();
    let changed = store::change(
        &state.db,
        id,
        &Change {
            status,
            owner_id: owner,
            notes: &notes,
            follow_up_on: follow_up.as_deref(),
        },
        &base,
        &|lead| super::mails::assigned(&state.catalog, default, lead, &base),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    record_action(
        &state.db,
        &user,
        &req,
        "lead-updated",
        &format!("inbox-lead {id}"),
    )
    .await?;
    if changed
        .after
        .follow_up_on
        .as_deref()
        .is_some_and(|d| d <= super::reminders::today(&state).as_str())
    {
        // A follow-up set for today (or a day gone) reminds its owner now, not within the minute.
        super::reminders::send_due(&state).await?;
    }
    flash(&session, ui.t("lead-saved"));
    Ok(see_other(&format!("/admin/leads/{id}")))
}
