//! The visitor's side of booking: `/{lang}/book`, choosing consultant, duration, time zone and a free
//! slot, then leaving contact details. Works without JavaScript. What follows a booking is in
//! `confirmation`.
use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::consultant_store;
use super::mails::{self, BookingFacts};
use super::model::Consultant;
use super::request::{BookingRequest, chose_other_than_shown};
use super::slots::free_slots;
use super::store::{self, BookingRefused, NewBooking};
use crate::error::AppError;
use crate::forms::{FieldErrors, FormState, Submitted};
use crate::i18n::Lang;
use crate::web::auth::client_ip;
use crate::web::csrf::{check_visitor_token, visitor_token};
use crate::web::layout::{Here, Layout};
use crate::web::see_other;
use crate::web::state::AppState;
use crate::zones::{TIME_ZONES, day_label};

/// How many days of free slots the form shows.
const DAYS_SHOWN: i64 = 14;

#[derive(Template)]
#[template(path = "public/book.html")]
struct BookPage<'a> {
    layout: Layout<'a>,
    csrf_token: String,
    consultants: Vec<ConsultantView>,
    consultant_id: i64,
    durations: Vec<i64>,
    duration: i64,
    /// Value and label of each way to meet the consultant offers.
    meeting_types: Vec<(&'static str, &'a str)>,
    zones: &'static [&'static str],
    zone: String,
    days: Vec<DayView>,
    form: FormState,
    error: Option<&'a str>,
    privacy_href: String,
}

struct ConsultantView {
    id: i64,
    name: String,
    title: String,
    bio: String,
    languages: String,
}

struct DayView {
    label: String,
    /// "5 free times", in the visitor's language.
    count_label: String,
    /// Shown open: the first day, or the one whose time the visitor had picked.
    open: bool,
    slots: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct Choice {
    consultant: Option<i64>,
    duration: Option<i64>,
    tz: Option<String>,
}

/// GET `/{lang}/book`.
pub async fn form(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<Choice>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = state
        .config
        .languages
        .find(&path)
        .ok_or(AppError::NotFound)?;
    let choice = query.into_inner();
    render(
        &req,
        &state,
        lang,
        choice.consultant,
        choice.duration,
        choice.tz.as_deref(),
        FormState::default(),
        None,
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
    consultant: Option<i64>,
    duration: Option<i64>,
    zone: Option<&str>,
    form: FormState,
    error: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let consultants = consultant_store::active_consultants(&state.db).await?;
    let (csrf_token, cookie) = visitor_token(req, state.config.secure_cookies)?;
    let now_time = crate::db::now();
    let layout = Layout::new(state, lang, Here::Path { path: "book" }, now_time);
    let default = state.config.languages.default_lang();
    let chosen: Option<&Consultant> = consultant
        .and_then(|id| consultants.iter().find(|c| c.id == id))
        .or(consultants.first());
    let (days, durations, duration, meeting_types, zone) = match chosen {
        Some(c) => {
            let duration = duration
                .filter(|d| c.durations.contains(d))
                .or(c.durations.first().copied())
                .unwrap_or(30);
            let zone = zone
                .filter(|z| TIME_ZONES.contains(z))
                .map(str::to_owned)
                .unwrap_or_else(|| c.rules.tz.iana_name().unwrap_or("UTC").to_owned());
            let visitor_tz = TimeZone::get(&zone).unwrap_or(TimeZone::UTC);
            let now = Timestamp::now();
            let today = c.rules.tz.to_datetime(now).date();
            let until = now + SignedDuration::from_hours(24 * (DAYS_SHOWN + 2));
            let busy =
                store::busy(&state.db, c.id, now - SignedDuration::from_hours(24), until).await?;
            let slots = free_slots(&c.rules, duration, today, DAYS_SHOWN, now, &busy);
            let ui = state.catalog.messages(lang);
            let types = c
                .meeting_types
                .iter()
                .map(|t| (t.as_str(), ui.t(t.label_id())))
                .collect();
            (
                days_view(&slots, &visitor_tz, ui, form.value("slot")),
                c.durations.clone(),
                duration,
                types,
                zone,
            )
        }
        None => (Vec::new(), Vec::new(), 30, Vec::new(), "UTC".to_owned()),
    };
    let consultants_view = consultants
        .iter()
        .map(|c| ConsultantView {
            id: c.id,
            name: c.name.clone(),
            title: c.title.text(lang, default).to_owned(),
            bio: c.bio.text(lang, default).to_owned(),
            languages: c.languages.join(", ").to_uppercase(),
        })
        .collect();
    let page = BookPage {
        layout,
        csrf_token,
        consultants: consultants_view,
        consultant_id: chosen.map_or(0, |c| c.id),
        durations,
        duration,
        meeting_types,
        zones: TIME_ZONES,
        zone,
        days,
        form,
        error,
        privacy_href: crate::content::path_of(state, lang, "privacy"),
    };
    Ok(crate::web::csrf::form_page(status, cookie, page.render()?))
}

/// Slots grouped by the visitor's local day, labelled in their language: a day to open first,
/// then its times (a phone shows fourteen lines, not a hundred buttons). The day holding `picked`
/// is open, else the first.
fn days_view(
    slots: &[Timestamp],
    tz: &TimeZone,
    ui: &crate::i18n::Messages,
    picked: &str,
) -> Vec<DayView> {
    let mut days: Vec<DayView> = Vec::new();
    let mut current: Option<jiff::civil::Date> = None;
    for slot in slots {
        let local = tz.to_datetime(*slot);
        if current != Some(local.date()) {
            current = Some(local.date());
            days.push(DayView {
                label: day_label(local.date(), ui.lang()),
                count_label: String::new(),
                open: false,
                slots: Vec::new(),
            });
        }
        if let Some(day) = days.last_mut() {
            let value = slot.to_string();
            day.open |= value == picked;
            day.slots.push((value, local.strftime("%H:%M").to_string()));
        }
    }
    for day in &mut days {
        day.count_label = ui.t_args("book-free-times", &[("count", day.slots.len().into())]);
    }
    if !days.iter().any(|d| d.open)
        && let Some(first) = days.first_mut()
    {
        first.open = true;
    }
    days
}

/// POST `/{lang}/book`: read the form into a request, book it with its mails in one transaction,
/// and show the booking; or show the form again, everything typed kept, saying why not.
pub async fn book(
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = state
        .config
        .languages
        .find(&path)
        .ok_or(AppError::NotFound)?;
    let form = Submitted::new(form.into_inner());
    check_visitor_token(&req, form.get("csrf_token"))?;
    if !form.get("show").is_empty() {
        // "Show free times": the times for what is chosen now, everything typed kept; no booking.
        return form_again(&req, &state, lang, form, Again::ShowTimes).await;
    }
    if chose_other_than_shown(&form) {
        return form_again(&req, &state, lang, form, Again::ChoiceChanged).await;
    }
    if let Err(wait) = state.booking_limit.hit(&client_ip(&req), Instant::now()) {
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    if form.is_from_a_bot() {
        // A bot: it gets what looks like success, and nothing is stored.
        return super::confirmation::received_page(&state, lang);
    }
    let request = match BookingRequest::parse(&form) {
        Ok(request) => request,
        Err(errors) => return form_again(&req, &state, lang, form, Again::Invalid(errors)).await,
    };
    let source = crate::leads::source_of(&req, &state, form.get("source"));
    match place(&state, lang, &request, &source).await? {
        Some(token) => {
            crate::visits::lead_received(&req, &state, crate::visits::LeadPath::Booking).await;
            Ok(see_other(&format!("/{lang}/book/{token}")))
        }
        None => form_again(&req, &state, lang, form, Again::SlotTaken).await,
    }
}

/// Books `request` with its two mails (to the visitor, to the consultant) in one transaction:
/// `Some(token)` of the new booking, or `None` when someone else took the slot first.
async fn place(
    state: &AppState,
    lang: Lang,
    request: &BookingRequest,
    source: &crate::forms::Source,
) -> Result<Option<String>, AppError> {
    let Some((consultant_name, consultant_email, consultant_zone)) =
        consultant_store::consultant_contact(&state.db, request.consultant_id).await?
    else {
        return Err(AppError::BadRequest("unknown consultant".into()));
    };
    let ui = state.catalog.messages(lang);
    let default = state.config.languages.default_lang();
    let consent_version = ui.version("book-consent");
    // A reference is short enough to read out on the phone, so on a busy day one can repeat: the
    // booking is then simply tried again with a new one.
    for _ in 0..5 {
        let now = Timestamp::now();
        let (token, reference) = store::new_ids(now)?;
        let facts = BookingFacts {
            reference: &reference,
            link: &format!("{}/{lang}/book/{token}", state.config.base_url),
            consultant_name: &consultant_name,
            consultant_email: &consultant_email,
            client_name: request.name.as_str(),
            client_email: request.email.as_str(),
            company: request.company.as_str(),
            message: request.message.as_str(),
            starts_at: request.starts_at,
            ends_at: request.ends_at(),
            duration_minutes: request.duration_minutes,
            meeting_type_id: request.meeting_type.label_id(),
        };
        let mails = [
            mails::confirmation(ui, lang, request.zone, &facts)?,
            mails::consultant_notice(
                state.catalog.messages(default),
                default,
                &consultant_zone,
                &facts,
            )?,
        ];
        let new = NewBooking {
            token: &token,
            reference: &reference,
            consultant_id: request.consultant_id,
            starts_at: request.starts_at,
            duration_minutes: request.duration_minutes,
            meeting_type: request.meeting_type,
            client_name: request.name.as_str(),
            client_email: request.email.as_str(),
            company: request.company.as_str(),
            phone: request.phone.as_str(),
            message: request.message.as_str(),
            language: lang.as_str(),
            visitor_timezone: request.zone,
            consent_version: &consent_version,
            consultant_name: &consultant_name,
            source,
        };
        match store::create(&state.db, &new, &mails, now, &state.config.base_url).await? {
            Ok(()) => return Ok(Some(token)),
            Err(BookingRefused::ReferenceTaken) => continue,
            Err(BookingRefused::SlotTaken) => return Ok(None),
            Err(BookingRefused::UnknownConsultant) => {
                return Err(AppError::BadRequest("unknown consultant".into()));
            }
        }
    }
    Err(AppError::Unavailable)
}

/// Why the form is shown again instead of a booking.
enum Again {
    /// The visitor asked to see the free times for what they chose (200).
    ShowTimes,
    /// The consultant, duration or zone changed after the times were shown (422).
    ChoiceChanged,
    /// Fields that did not parse (422).
    Invalid(FieldErrors),
    /// Someone else booked the slot first (409).
    SlotTaken,
}

/// The form again, for the consultant, duration and zone the visitor had chosen, everything typed
/// kept and the reason in view: every answer that is not a booking is drawn here.
async fn form_again(
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
    form: Submitted,
    why: Again,
) -> Result<HttpResponse, AppError> {
    let ui = state.catalog.messages(lang);
    let none = FieldErrors::default();
    let (form, again, message, status) = match why {
        Again::ShowTimes => {
            let again = FormState::again(&form, &none, ui);
            (form, again, None, StatusCode::OK)
        }
        Again::ChoiceChanged => {
            // The picked time belongs to another choice: never book it; show the right times.
            let message = ui.t("book-choice-changed");
            let kept = form.without("slot");
            let again = FormState::again(&kept, &none, ui).with_error("slot", message);
            (kept, again, Some(message), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Again::Invalid(errors) => {
            let again = FormState::again(&form, &errors, ui);
            let message = Some(ui.t("form-errors"));
            (form, again, message, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Again::SlotTaken => {
            let taken = ui.t("book-slot-taken");
            let again = FormState::again(&form, &none, ui).with_error("slot", taken);
            (form, again, Some(taken), StatusCode::CONFLICT)
        }
    };
    render(
        req,
        state,
        lang,
        form.get("consultant").parse().ok(),
        form.get("duration").parse().ok(),
        Some(form.get("tz")),
        again,
        message,
        status,
    )
    .await
}
