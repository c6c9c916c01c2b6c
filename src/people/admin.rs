//! `/admin/people`: one row per e-mail address across every lead path, searchable; a person's page
//! with everything held about them and their consent history; the privacy requests: export (one
//! JSON file) and erasure (after a tick, in one transaction, audit-logged without the address).
use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use super::store::{self, BookingRow, LeadRow, MailRow, PersonRow, RegistrationRow};
use crate::audit::store::record_action;
use crate::contact::store::Message;
use crate::db::DbTime;
use crate::error::AppError;
use crate::forms::Email;
use crate::newsletter::store::Subscriber;
use crate::web::admin_layout::{AdminLayout, Section, admin_lang, flash};
use crate::web::auth::{AdminForm, CurrentUser};
use crate::web::html;
use crate::web::state::AppState;
use crate::web::{percent_encode, see_other};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/people.html")]
struct PeoplePage<'a> {
    layout: AdminLayout<'a>,
    rows: Vec<PersonRow>,
    search: String,
    total: i64,
    page: i64,
    pages: i64,
}

impl PeoplePage<'_> {
    fn href(&self, email: &str) -> String {
        person_href(email)
    }
}

pub fn person_href(email: &str) -> String {
    format!("/admin/people/{}", percent_encode(email, b"@"))
}

/// GET `/admin/people`.
pub async fn list(
    req: HttpRequest,
    session: Session,
    query: web::Query<ListQuery>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let search: String = query
        .q
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .take(100)
        .collect();
    let filter = (!search.is_empty()).then_some(search.as_str());
    let total = store::count_people(&state.db, filter).await?;
    let crate::web::Paging {
        page,
        pages,
        offset,
    } = crate::web::Paging::of(total, query.page, PER_PAGE);
    let rows = store::people(&state.db, filter, PER_PAGE, offset).await?;
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::People,
    );
    let view = PeoplePage {
        layout,
        rows,
        search,
        total,
        page,
        pages,
    };
    Ok(html(StatusCode::OK, view.render()?))
}

/// Everything held about one address.
struct Held {
    bookings: Vec<BookingRow>,
    registrations: Vec<RegistrationRow>,
    leads: Vec<LeadRow>,
    messages: Vec<Message>,
    subscription: Option<Subscriber>,
    mails: Vec<MailRow>,
    submissions: Vec<crate::leads::submission_store::Submission>,
    inbox: Vec<crate::leads::model::Lead>,
    deliveries: Vec<crate::webhooks::store::PersonDelivery>,
    issues: Vec<crate::mailings::delivery_store::PersonDelivery>,
}

impl Held {
    async fn of(db: &crate::db::Db, email: &str) -> anyhow::Result<Held> {
        Ok(Held {
            bookings: store::bookings(db, email).await?,
            registrations: store::registrations(db, email).await?,
            leads: store::leads(db, email).await?,
            messages: crate::contact::store::of_person(db, email).await?,
            subscription: crate::newsletter::store::of_person(db, email).await?,
            mails: store::mails(db, email).await?,
            submissions: crate::leads::submission_store::of_person(db, email).await?,
            inbox: crate::leads::store::of_person(db, email).await?,
            deliveries: crate::webhooks::store::of_person(db, email).await?,
            issues: crate::mailings::delivery_store::of_person(db, email).await?,
        })
    }

    fn is_empty(&self) -> bool {
        self.bookings.is_empty()
            && self.registrations.is_empty()
            && self.leads.is_empty()
            && self.messages.is_empty()
            && self.subscription.is_none()
            && self.mails.is_empty()
            && self.submissions.is_empty()
            && self.inbox.is_empty()
    }

    /// What they agreed to, which text version, when, from which form: newest first.
    fn consents(&self) -> Vec<Consent> {
        let mut all = Vec::new();
        for b in &self.bookings {
            all.push(Consent::new(
                "booking",
                &b.reference,
                &b.consent_version,
                b.consent_at,
            ));
        }
        for r in &self.registrations {
            all.push(Consent::new(
                "webinar",
                &r.webinar_slug,
                &r.consent_version,
                r.terms_consent_at,
            ));
        }
        for l in &self.leads {
            all.push(Consent::new(
                "whitepaper",
                &l.whitepaper_slug,
                &l.consent_version,
                l.terms_consent_at,
            ));
        }
        for m in &self.messages {
            all.push(Consent::new(
                "contact",
                &m.source_url,
                &m.consent_version,
                m.consent_at,
            ));
        }
        for f in &self.submissions {
            if let Some(at) = f.consent_at {
                all.push(Consent::new("form", &f.form_name, &f.consent_version, at));
            }
        }
        if let Some(s) = &self.subscription {
            let mut c = Consent::new(
                "newsletter",
                &s.source_url,
                &s.consent_version,
                s.consent_at,
            );
            c.confirmed_at = s.confirmed_at.map(|t| t.to_text());
            c.withdrawn_at = s.unsubscribed_at.map(|t| t.to_text());
            all.push(c);
        }
        all.sort_by(|a, b| b.at.cmp(&a.at));
        all
    }
}

/// One agreement in a person's consent history.
struct Consent {
    form: &'static str,
    about: String,
    /// The versions of the sentences ticked, e.g. `lead-consent/2026-11 lead-marketing/2026-11`.
    version: String,
    at: String,
    confirmed_at: Option<String>,
    withdrawn_at: Option<String>,
}

impl Consent {
    fn new(form: &'static str, about: &str, version: &str, at: DbTime) -> Consent {
        Consent {
            form,
            about: about.to_owned(),
            version: version.to_owned(),
            at: at.to_text(),
            confirmed_at: None,
            withdrawn_at: None,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/person.html")]
struct PersonPage<'a> {
    layout: AdminLayout<'a>,
    email: String,
    href: String,
    held: Held,
    consents: Vec<Consent>,
}

impl PersonPage<'_> {
    /// The UI string naming the form a consent was given on.
    fn form_label(&self, form: &str) -> &'static str {
        match form {
            "booking" => "admin-nav-bookings",
            "webinar" => "admin-nav-webinars",
            "whitepaper" => "admin-nav-whitepapers",
            "contact" => "admin-nav-messages",
            "form" => "lead-path-form-submission",
            _ => "newsletter-title",
        }
    }

    /// The UI string naming a webinar registration's status.
    fn registration_status(&self, status: &str) -> &'static str {
        crate::webinars::model::RegistrationStatus::parse(status)
            .map_or("webinar-status-registered", |s| s.label_id())
    }

    /// The UI string naming a subscription's status.
    fn subscription_status(&self, status: &str) -> &'static str {
        match status {
            "confirmed" => "subscriber-status-confirmed",
            "unsubscribed" => "subscriber-status-unsubscribed",
            "bounced" => "subscriber-status-bounced",
            _ => "subscriber-status-pending",
        }
    }

    /// The UI string naming a booking's or a mail's status (the words are their own ids).
    fn status_word<'s>(&self, status: &'s str) -> &'s str {
        status
    }
}

fn address(path: &str) -> Result<Email, AppError> {
    Email::parse(path).map_err(|_| AppError::NotFound)
}

/// GET `/admin/people/{email}`.
pub async fn show(
    req: HttpRequest,
    session: Session,
    path: web::Path<String>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let email = address(&path)?;
    let held = Held::of(&state.db, email.as_str()).await?;
    if held.is_empty() {
        return Err(AppError::NotFound);
    }
    let layout = AdminLayout::new(
        &req,
        &state,
        Some(&user.user),
        &user.csrf_token,
        Some(&session),
        Section::People,
    );
    let view = PersonPage {
        layout,
        href: person_href(email.as_str()),
        email: email.as_str().to_owned(),
        consents: held.consents(),
        held,
    };
    Ok(html(StatusCode::OK, view.render()?))
}

fn time(t: &Option<DbTime>) -> Option<String> {
    t.map(|t| t.to_text())
}

/// GET `/admin/people/{email}/export.json`: everything held about the address, machine-readable
/// (a data-portability request). Audit-logged without the address.
pub async fn export(
    req: HttpRequest,
    path: web::Path<String>,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let email = address(&path)?;
    let held = Held::of(&state.db, email.as_str()).await?;
    if held.is_empty() {
        return Err(AppError::NotFound);
    }
    let document = json!({
        "email": email.as_str(),
        "exported_at": jiff::Timestamp::now().to_string(),
        "site": state.config.base_url,
        "bookings": held.bookings.iter().map(|b| json!({
            "reference": b.reference, "name": b.client_name, "company": b.company, "phone": b.phone,
            "message": b.message, "language": b.language, "timezone": b.visitor_timezone,
            "starts_at": b.starts_at.to_text(), "consultant": b.consultant, "status": b.status,
            "consent_at": b.consent_at.to_text(), "consent_version": b.consent_version,
            "created_at": b.created_at.to_text(),
        })).collect::<Vec<_>>(),
        "webinar_registrations": held.registrations.iter().map(|r| json!({
            "webinar": r.webinar_slug, "first_name": r.first_name, "last_name": r.last_name,
            "company": r.company, "job_title": r.job_title, "language": r.language, "timezone": r.timezone,
            "status": r.status, "terms_consent_at": r.terms_consent_at.to_text(),
            "marketing_consent_at": time(&r.marketing_consent_at), "consent_version": r.consent_version,
            "source_url": r.source_url, "utm_source": r.utm_source, "utm_medium": r.utm_medium,
            "utm_campaign": r.utm_campaign, "created_at": r.created_at.to_text(),
        })).collect::<Vec<_>>(),
        "whitepaper_leads": held.leads.iter().map(|l| json!({
            "whitepaper": l.whitepaper_slug, "first_name": l.first_name, "last_name": l.last_name,
            "company": l.company, "job_title": l.job_title, "phone": l.phone, "language": l.language,
            "terms_consent_at": l.terms_consent_at.to_text(),
            "marketing_consent_at": time(&l.marketing_consent_at), "consent_version": l.consent_version,
            "source_url": l.source_url, "utm_source": l.utm_source, "utm_medium": l.utm_medium,
            "utm_campaign": l.utm_campaign, "via": l.via, "confirmed_at": time(&l.confirmed_at),
            "created_at": l.created_at.to_text(),
        })).collect::<Vec<_>>(),
        "contact_messages": held.messages.iter().map(|m| json!({
            "name": m.name, "company": m.company, "phone": m.phone, "topic": m.topic,
            "message": m.message, "language": m.language, "page": m.source_url, "status": m.status,
            "consent_at": m.consent_at.to_text(), "consent_version": m.consent_version,
            "created_at": m.created_at.to_text(),
        })).collect::<Vec<_>>(),
        "newsletter": held.subscription.as_ref().map(|s| json!({
            "status": s.status, "language": s.language, "consent_at": s.consent_at.to_text(),
            "consent_version": s.consent_version, "source_url": s.source_url,
            "confirmed_at": time(&s.confirmed_at), "unsubscribed_at": time(&s.unsubscribed_at),
            "bounced_at": time(&s.bounced_at), "created_at": s.created_at.to_text(),
        })),
        "newsletter_issues": held.issues.iter().map(|d| json!({
            "issue": d.issue_id, "subject": d.subject, "language": d.language, "status": d.status,
            "sent_at": time(&d.sent_at),
        })).collect::<Vec<_>>(),
        "mails": held.mails.iter().map(|m| json!({
            "subject": m.subject, "status": m.status, "created_at": m.created_at.to_text(),
        })).collect::<Vec<_>>(),
        "form_submissions": held.submissions.iter().map(|f| json!({
            "form": f.form_name, "name": f.name, "answers": f.answers(), "language": f.language,
            "consent_at": time(&f.consent_at), "marketing_consent_at": time(&f.marketing_consent_at),
            "consent_version": f.consent_version, "page": f.source_url, "created_at": f.created_at.to_text(),
        })).collect::<Vec<_>>(),
        "leads": held.inbox.iter().map(|l| json!({
            "path": l.path, "subject": l.subject, "status": l.status, "owner": l.owner_name,
            "notes": l.notes, "follow_up_on": l.follow_up_on, "source_url": l.source_url,
            "utm_source": l.utm_source, "utm_medium": l.utm_medium, "utm_campaign": l.utm_campaign,
            "created_at": l.created_at.to_text(),
        })).collect::<Vec<_>>(),
        "handed_to_crm": held.deliveries.iter().map(|d| json!({
            "endpoint": d.endpoint, "event": d.event, "status": d.status, "created_at": d.created_at.to_text(),
        })).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&document)
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    record_action(
        &state.db,
        &user,
        &req,
        "person-exported",
        "one person's data",
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"personal-data.json\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}

/// POST `/admin/people/{email}/erase`: after the tick, every row about the address goes in one
/// transaction (bookings and seats free up, mails are withdrawn); the audit log says an erasure
/// happened and how many rows, never whose.
pub async fn erase(
    req: HttpRequest,
    session: Session,
    path: web::Path<String>,
    input: AdminForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let email = address(&path)?;
    let AdminForm { user, form } = input;
    let ui = state.catalog.messages(admin_lang(&req, &state));
    if form.get("confirm").map(String::as_str) != Some("yes") {
        flash(&session, ui.t("person-erase-confirm"));
        return Ok(see_other(&person_href(email.as_str())));
    }
    // Seats in webinars to come go to the waitlist first (with its mails), as a cancel would.
    crate::webinars::cancel_before_erasure(&state, email.as_str()).await?;
    let erased = store::erase(&state.db, email.as_str()).await?;
    if erased.total() == 0 && erased.mails == 0 {
        return Err(AppError::NotFound);
    }
    record_action(
        &state.db,
        &user,
        &req,
        "person-erased",
        &format!(
            "{} bookings, {} webinar registrations, {} whitepaper leads, {} messages, {} form submissions, {} subscriptions, {} mails",
            erased.bookings,
            erased.registrations,
            erased.leads,
            erased.messages,
            erased.submissions,
            erased.subscriptions,
            erased.mails
        ),
    )
    .await?;
    // The site's frame counts seats; a freed seat shows at once.
    crate::webinars::refresh(&state).await.ok();
    flash(&session, ui.t("person-erased"));
    Ok(see_other("/admin/people"))
}
