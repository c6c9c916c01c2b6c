//! The visitor's side of the knowledge program: `/{lang}/webinars` (upcoming and past), a webinar's
//! page with its registration form, and registering. Works without JavaScript; times are shown in a
//! zone the visitor picks (a plain GET form), by default the organiser's.
use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::mails::{self, Kind, Site, To};
use super::model::{Closed, Registration, RegistrationStatus, Webinar};
use super::registration::RegistrationRequest;
use super::registration_store::{self, NewRegistration, Registered};
use super::store;
use crate::content::Slug;
use crate::error::AppError;
use crate::forms::{FormState, Submitted};
use crate::i18n::{Lang, Messages};
use crate::web::auth::client_ip;
use crate::web::csrf::{check_visitor_token, visitor_token};
use crate::web::layout::{Here, Layout};
use crate::web::see_other;
use crate::web::state::AppState;
use crate::zones::{TIME_ZONES, day_label, offered as offered_zone};

/// A webinar as a card in the list or the footer.
pub struct Card {
    pub href: String,
    pub title: String,
    pub summary: String,
    pub when: String,
    /// The start as an instant, for `<time datetime>`.
    pub starts_iso: String,
    pub speakers: String,
    pub seats: String,
    pub cancelled: bool,
    pub recording_href: Option<String>,
}

#[derive(Template)]
#[template(path = "public/webinars.html")]
struct ListPage<'a> {
    layout: Layout<'a>,
    zones: &'static [&'static str],
    zone: String,
    upcoming: Vec<Card>,
    past: Vec<Card>,
}

#[derive(Deserialize)]
pub struct ZoneChoice {
    tz: Option<String>,
}

/// `Thursday, 2 April 2026, 10:00`.
pub fn local_time(t: Timestamp, zone: &str, lang: Lang) -> String {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let local = tz.to_datetime(t);
    format!(
        "{}, {}",
        day_label(local.date(), lang),
        local.strftime("%H:%M")
    )
}

fn seats_text(w: &Webinar, ui: &Messages, now: Timestamp) -> String {
    match w.registration(now) {
        Registration::Open => ui.t_args("webinar-seats-left", &[("seats", w.seats_left().into())]),
        Registration::Waitlist => ui.t("webinar-full-waitlist").to_owned(),
        Registration::Full => ui.t("webinar-full").to_owned(),
        Registration::Closed(Closed::Cancelled) => ui.t("webinar-cancelled").to_owned(),
        Registration::Closed(_) => ui.t("webinar-registration-closed").to_owned(),
    }
}

pub fn card(w: &Webinar, state: &AppState, lang: Lang, zone: &str, now: Timestamp) -> Card {
    let default = state.config.languages.default_lang();
    let ui = state.catalog.messages(lang);
    Card {
        href: format!("/{lang}/webinars/{}", w.slug),
        title: w.title.text(lang, default).to_owned(),
        summary: w.summary.text(lang, default).to_owned(),
        when: local_time(w.starts_at, zone, lang),
        starts_iso: w.starts_at.to_string(),
        speakers: w
            .speakers
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        seats: seats_text(w, ui, now),
        cancelled: w.status == super::model::WebinarStatus::Cancelled,
        recording_href: w.recording_link.as_ref().map(|l| l.as_str().to_owned()),
    }
}

pub(super) fn lang_of(state: &AppState, code: &str) -> Result<Lang, AppError> {
    state.config.languages.find(code).ok_or(AppError::NotFound)
}

/// GET `/{lang}/webinars`.
pub async fn list(
    path: web::Path<String>,
    query: web::Query<ZoneChoice>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&state, &path)?;
    let now = Timestamp::now();
    let webinars = store::public_webinars(&state.db).await?;
    let fallback = webinars.first().map_or("UTC", |w| w.zone_name()).to_owned();
    let zone = offered_zone(query.tz.as_deref(), &fallback);
    let (past, upcoming): (Vec<&Webinar>, Vec<&Webinar>) =
        webinars.iter().partition(|w| w.is_past(now));
    let page = ListPage {
        layout: Layout::new(
            &state,
            lang,
            Here::Path { path: "webinars" },
            crate::db::now(),
        ),
        zones: TIME_ZONES,
        upcoming: upcoming
            .iter()
            .filter(|w| w.status == super::model::WebinarStatus::Published)
            .map(|w| card(w, &state, lang, &zone, now))
            .collect(),
        // Most recent first.
        past: past
            .iter()
            .rev()
            .filter(|w| w.status == super::model::WebinarStatus::Published)
            .map(|w| card(w, &state, lang, &zone, now))
            .collect(),
        zone,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(page.render()?))
}

struct SpeakerView {
    name: String,
    role: String,
    bio: String,
    photo: String,
}

#[derive(Template)]
#[template(path = "public/webinar.html")]
struct DetailPage<'a> {
    layout: Layout<'a>,
    title: String,
    summary: String,
    /// Rendered from Markdown and sanitised when the webinar was saved.
    description_html_sanitized: String,
    objectives: Vec<String>,
    speakers: Vec<SpeakerView>,
    when: String,
    starts_iso: String,
    zone: String,
    zones: &'static [&'static str],
    duration: i64,
    talk_language: String,
    seats: String,
    /// The form is shown while registration is open (or the waitlist is).
    open: bool,
    waitlist: bool,
    closed_message: Option<String>,
    recording_href: Option<String>,
    /// Over: the time is a date in the past, no zone to choose.
    past: bool,
    form: FormState,
    error: Option<&'a str>,
    csrf_token: String,
    source: String,
    action: String,
    privacy_href: String,
    json_ld_sanitized: String,
    og_image: Option<String>,
}

/// GET `/{lang}/webinars/{slug}`.
pub async fn detail(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<ZoneChoice>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let webinar = find(&state, &slug).await?;
    let source = match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{q}", req.path()),
    };
    render_detail(
        &req,
        &state,
        lang,
        &webinar,
        query.tz.as_deref(),
        FormState::default(),
        None,
        source,
        StatusCode::OK,
    )
}

pub(super) async fn find(state: &AppState, slug: &str) -> Result<Webinar, AppError> {
    let slug = Slug::parse(slug).map_err(|_| AppError::NotFound)?;
    store::public_webinar(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[allow(clippy::too_many_arguments)]
fn render_detail(
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
    w: &Webinar,
    zone: Option<&str>,
    form: FormState,
    error: Option<&str>,
    source: String,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let now = Timestamp::now();
    let default = state.config.languages.default_lang();
    let ui = state.catalog.messages(lang);
    let zone = offered_zone(zone, w.zone_name());
    let (csrf_token, cookie) = visitor_token(req, state.config.secure_cookies)?;
    let registration = w.registration(now);
    let closed_message = match registration {
        Registration::Full => Some(ui.t("webinar-full-text").to_owned()),
        Registration::Closed(why) => Some(closed_text(ui, why).to_owned()),
        _ => None,
    };
    let title = w.title.text(lang, default).to_owned();
    let summary = w.summary.text(lang, default).to_owned();
    let path = format!("webinars/{}", w.slug);
    let layout = Layout::new(state, lang, Here::Path { path: &path }, crate::db::now());
    let json_ld_sanitized = json_ld(w, state, lang, &title, &summary, registration);
    let base = &state.config.base_url;
    let page = DetailPage {
        layout,
        description_html_sanitized: w.description_html.text(lang, default).to_owned(),
        objectives: w
            .objectives
            .get(lang, default)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|o| !o.trim().is_empty())
            .collect(),
        speakers: w
            .speakers
            .iter()
            .map(|s| SpeakerView {
                name: s.name.clone(),
                role: s.role.text(lang, default).to_owned(),
                bio: s.bio.text(lang, default).to_owned(),
                photo: s.photo.clone(),
            })
            .collect(),
        when: local_time(w.starts_at, &zone, lang),
        starts_iso: w.starts_at.to_string(),
        zone,
        zones: TIME_ZONES,
        duration: w.duration_minutes,
        talk_language: state
            .catalog
            .messages(lang)
            .t(&format!("webinar-language-{}", w.talk_language))
            .to_owned(),
        seats: seats_text(w, ui, now),
        open: matches!(registration, Registration::Open | Registration::Waitlist),
        past: w.is_past(now),
        waitlist: registration == Registration::Waitlist,
        closed_message,
        recording_href: w
            .recording_link
            .as_ref()
            .filter(|_| w.is_past(now))
            .map(|l| l.as_str().to_owned()),
        form,
        error,
        csrf_token,
        action: format!("/{lang}/webinars/{}/register", w.slug),
        source,
        privacy_href: crate::content::path_of(state, lang, "privacy"),
        json_ld_sanitized,
        og_image: w
            .speakers
            .iter()
            .find(|s| !s.photo.is_empty())
            .map(|s| format!("{base}{}", s.photo)),
        title,
        summary,
    };
    Ok(crate::web::csrf::form_page(status, cookie, page.render()?))
}

fn closed_text(ui: &Messages, why: Closed) -> &str {
    match why {
        Closed::Cancelled => ui.t("webinar-cancelled-text"),
        Closed::DeadlinePassed => ui.t("webinar-deadline-passed-text"),
        Closed::Started | Closed::NotPublished => ui.t("webinar-registration-closed-text"),
    }
}

/// Schema.org `Event` for search engines: online, with its status and whether seats are left.
fn json_ld(
    w: &Webinar,
    state: &AppState,
    lang: Lang,
    title: &str,
    summary: &str,
    registration: Registration,
) -> String {
    let base = &state.config.base_url;
    let default = state.config.languages.default_lang();
    let url = format!("{base}/{lang}/webinars/{}", w.slug);
    let status = match w.status {
        super::model::WebinarStatus::Cancelled => "https://schema.org/EventCancelled",
        _ if w.sequence > 0 => "https://schema.org/EventRescheduled",
        _ => "https://schema.org/EventScheduled",
    };
    let availability = match registration {
        Registration::Open => "https://schema.org/InStock",
        Registration::Waitlist | Registration::Full => "https://schema.org/SoldOut",
        Registration::Closed(_) => "https://schema.org/Discontinued",
    };
    let performers: Vec<serde_json::Value> = w
        .speakers
        .iter()
        .map(|s| {
            serde_json::json!({
                "@type": "Person",
                "name": s.name,
                "jobTitle": s.role.text(lang, default),
            })
        })
        .collect();
    let event = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": title,
        "description": summary,
        "url": url,
        "startDate": w.starts_at.to_string(),
        "endDate": w.ends_at().to_string(),
        "inLanguage": w.talk_language,
        "eventStatus": status,
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "location": { "@type": "VirtualLocation", "url": url },
        "organizer": { "@type": "Organization", "name": state.config.site_name, "url": format!("{base}/") },
        "performer": performers,
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "availability": availability,
            "url": url,
        },
    });
    crate::content::view::escape_json_for_script(&event.to_string())
}

/// The webinars list and every published or cancelled webinar, in every language (for
/// `/sitemap.xml`).
pub async fn sitemap_urls(
    state: &AppState,
) -> anyhow::Result<Vec<crate::web::sitemap::SitemapUrl>> {
    let webinars = store::public_webinars(&state.db).await?;
    let items: Vec<(&str, Timestamp)> = webinars
        .iter()
        .map(|w| (w.slug.as_str(), w.updated_at))
        .collect();
    Ok(crate::web::sitemap::section_urls(
        &state.config.base_url,
        &state.config.languages,
        "webinars",
        &items,
    ))
}

/// The site as the mails name it.
pub fn site(state: &AppState) -> Site<'_> {
    let from = &state.config.mail_from;
    let address = from
        .rsplit_once('<')
        .and_then(|(_, rest)| rest.strip_suffix('>'))
        .unwrap_or(from);
    Site {
        base_url: &state.config.base_url,
        name: &state.config.site_name,
        from_address: address,
        languages: &state.config.languages,
    }
}

/// POST `/{lang}/webinars/{slug}/register`: read the form into a registration, store it with its
/// mails in one transaction, and thank the visitor; or show the form again, everything typed kept.
pub async fn register(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let form = Submitted::new(form.into_inner());
    check_visitor_token(&req, form.get("csrf_token"))?;
    if let Err(wait) = state
        .registration_limit
        .hit(&client_ip(&req), Instant::now())
    {
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let webinar = find(&state, &slug).await?;
    let thanks = format!("/{lang}/webinars/{}/thanks", webinar.slug);
    if form.is_from_a_bot() {
        // A bot: what looks like success, and nothing is stored.
        return Ok(see_other(&thanks));
    }
    let request = match RegistrationRequest::parse(&form, webinar.zone_name()) {
        Ok(request) => request,
        Err(errors) => {
            let ui = state.catalog.messages(lang);
            let zone = offered_zone(Some(form.get("tz")), webinar.zone_name());
            return render_detail(
                &req,
                &state,
                lang,
                &webinar,
                Some(&zone),
                FormState::again(&form, &errors, ui),
                Some(ui.t("form-errors")),
                form.get("source").to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    // A new registration and one for an address that is registered already answer alike: the
    // page says "check your inbox", and only the mail to that address tells which it was (with
    // the link to the registration). Nobody learns from the form who is registered.
    match place(&req, &state, lang, &webinar, &request).await? {
        Registered::New(_) => {
            crate::visits::lead_received(
                &req,
                &state,
                crate::visits::LeadPath::WebinarRegistration,
            )
            .await;
            Ok(see_other(&thanks))
        }
        Registered::Again => Ok(see_other(&thanks)),
        refused => refusal(&state, lang, &webinar, refused),
    }
}

/// Stores `request` for `webinar` with the mails its outcome calls for (confirm the seat, on the
/// waitlist, registered with reminders, or registered already), all in one transaction.
async fn place(
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
    webinar: &Webinar,
    request: &RegistrationRequest,
) -> Result<Registered, AppError> {
    let ui = state.catalog.messages(lang);
    let token = crate::tokens::random_token()?;
    let link = format!(
        "{}/{lang}/webinars/{}/registered/{token}",
        state.config.base_url, webinar.slug
    );
    let new = NewRegistration {
        token: &token,
        first_name: request.lead.first_name.as_str(),
        last_name: request.lead.last_name.as_str(),
        email: request.lead.email.as_str(),
        company: request.lead.company.as_str(),
        job_title: request.lead.job_title.as_str(),
        language: lang.as_str(),
        timezone: &request.zone,
        marketing: request.lead.marketing,
        consent_version: &request.lead.consent_version(ui),
        source: &request.lead.source,
        client_key: &super::seat_store::client_key(state, webinar.id, &client_ip(req)),
        per_client: i64::try_from(state.config.booking_limit).unwrap_or(i64::MAX),
    };
    let site = site(state);
    let to = To {
        first_name: request.lead.first_name.as_str(),
        email: request.lead.email.as_str(),
        lang,
        timezone: &request.zone,
        link: Some(&link),
    };
    let now = Timestamp::now();
    let default = state.config.languages.default_lang();
    let handoff = crate::leads::Handoff {
        state,
        lang,
        subject: webinar.title.text(default, default),
    };
    let outcome =
        registration_store::register(&state.db, webinar.id, &new, now, &handoff, |seat| {
            let kind = match seat {
                None => Kind::Again,
                Some(RegistrationStatus::Unconfirmed) => Kind::ConfirmSeat,
                Some(RegistrationStatus::Waitlisted) => Kind::Waitlisted,
                Some(_) => Kind::Registered,
            };
            let mut queued = vec![mails::mail(ui, kind, webinar, &to, &site)?];
            if seat == Some(RegistrationStatus::Registered) {
                queued.extend(mails::reminders(ui, webinar, &to, &site, now)?);
            }
            Ok(queued)
        })
        .await?;
    Ok(outcome)
}

/// Every registration that could not be taken, answered in one place: full and closed are a 409
/// page that says so; too many from one client, 429.
fn refusal(
    state: &AppState,
    lang: Lang,
    webinar: &Webinar,
    outcome: Registered,
) -> Result<HttpResponse, AppError> {
    let (title, text) = match outcome {
        Registered::TooManyFromClient => {
            return Err(AppError::TooMany {
                retry_after_secs: 3600,
            });
        }
        Registered::Full => ("webinar-full", "webinar-full-text"),
        Registered::Closed(Closed::Cancelled) => ("webinar-cancelled", "webinar-cancelled-text"),
        Registered::Closed(Closed::DeadlinePassed) => (
            "webinar-registration-closed",
            "webinar-deadline-passed-text",
        ),
        _ => (
            "webinar-registration-closed",
            "webinar-registration-closed-text",
        ),
    };
    notice(state, lang, webinar, title, text, StatusCode::CONFLICT)
}

#[derive(Template)]
#[template(path = "public/webinar_notice.html")]
struct NoticePage<'a> {
    layout: Layout<'a>,
    heading: &'a str,
    text: &'a str,
    back_href: String,
    back_label: &'a str,
}

/// A plain page that says what happened (full, closed, already registered), with the way back.
pub(super) fn notice(
    state: &AppState,
    lang: Lang,
    w: &Webinar,
    heading: &str,
    text: &str,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let ui = state.catalog.messages(lang);
    let layout = Layout::new(
        state,
        lang,
        Here::Path { path: "webinars" },
        crate::db::now(),
    );
    let page = NoticePage {
        layout,
        heading: ui.t(heading),
        text: ui.t(text),
        back_href: format!("/{lang}/webinars/{}", w.slug),
        back_label: ui.t("webinar-back"),
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}
