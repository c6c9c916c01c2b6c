//! After booking: the confirmation page at `/{lang}/book/{token}`, its `.ics`, and cancelling.
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::consultant_store;
use super::model::Booking;
use super::store;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::ics;
use crate::web::csrf::{check_visitor_token, visitor_token};
use crate::web::layout::{Here, Layout};
use crate::web::see_other;
use crate::web::state::AppState;
use crate::zones::day_label;

#[derive(Template)]
#[template(path = "public/booking.html")]
struct ConfirmationPage<'a> {
    layout: Layout<'a>,
    booking: Option<BookingView>,
    csrf_token: String,
}

struct BookingView {
    reference: String,
    token: String,
    consultant: String,
    when: String,
    zone: String,
    duration: i64,
    meeting_type: String,
    cancelled: bool,
    google_href: String,
    outlook_href: String,
}

/// GET `/{lang}/book/{token}`.
pub async fn confirmation(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, token) = path.into_inner();
    let lang = state
        .config
        .languages
        .find(&lang)
        .ok_or(AppError::NotFound)?;
    let booking = find(&state, &token).await?;
    let (csrf_token, cookie) = visitor_token(&req, state.config.secure_cookies)?;
    let view = booking_view(&state, &booking, lang);
    let layout = Layout::new(&state, lang, Here::Path { path: "book" }, crate::db::now());
    let page = ConfirmationPage {
        layout,
        booking: Some(view),
        csrf_token,
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Robots-Tag", "noindex"))
        .insert_header((header::REFERRER_POLICY, "same-origin"));
    if let Some(cookie) = cookie {
        response.cookie(cookie);
    }
    Ok(response.body(page.render()?))
}

pub(super) fn received_page(state: &AppState, lang: Lang) -> Result<HttpResponse, AppError> {
    let layout = Layout::new(state, lang, Here::Path { path: "book" }, crate::db::now());
    let page = ConfirmationPage {
        layout,
        booking: None,
        csrf_token: String::new(),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

fn booking_view(state: &AppState, b: &Booking, lang: Lang) -> BookingView {
    let tz = TimeZone::get(&b.visitor_timezone).unwrap_or(TimeZone::UTC);
    let local = tz.to_datetime(b.starts_at);
    let when = format!(
        "{}, {}",
        day_label(local.date(), lang),
        local.strftime("%H:%M")
    );
    let ui = state.catalog.messages(lang);
    let title = ui.t_args(
        "book-calendar-title",
        &[("consultant", b.consultant_name.as_str().into())],
    );
    let (google_href, outlook_href) =
        ics::calendar_links(&title, b.starts_at, b.ends_at, &b.reference);
    BookingView {
        reference: b.reference.clone(),
        token: b.token.clone(),
        consultant: b.consultant_name.clone(),
        when,
        zone: b.visitor_timezone.clone(),
        duration: b.duration_minutes,
        meeting_type: ui.t(b.meeting_type.label_id()).to_owned(),
        cancelled: b.status == "cancelled",
        google_href,
        outlook_href,
    }
}

async fn find(state: &AppState, token: &str) -> Result<Booking, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    store::by_token(&state.db, token)
        .await?
        .ok_or(AppError::NotFound)
}

/// GET `/{lang}/book/{token}/calendar.ics`.
pub async fn calendar(
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, token) = path.into_inner();
    let lang = state
        .config
        .languages
        .find(&lang)
        .ok_or(AppError::NotFound)?;
    let b = find(&state, &token).await?;
    let ui = state.catalog.messages(lang);
    let uid = format!("{}@magnetiq", b.reference);
    let summary = ui.t_args(
        "book-calendar-title",
        &[("consultant", b.consultant_name.as_str().into())],
    );
    let description = ui.t_args(
        "book-calendar-description",
        &[
            ("reference", b.reference.as_str().into()),
            (
                "link",
                format!("{}/{lang}/book/{}", state.config.base_url, b.token).into(),
            ),
        ],
    );
    let consultant_email = consultant_store::consultant_email(&state.db, b.consultant_id)
        .await?
        .unwrap_or_default();
    let event = ics::Event {
        uid: &uid,
        stamp: Timestamp::now(),
        start: b.starts_at,
        end: b.ends_at,
        summary: &summary,
        description: &description,
        organizer_name: &b.consultant_name,
        organizer_email: &consultant_email,
        cancelled: b.status == "cancelled",
        sequence: 0,
        alarms: &[],
        url: None,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.ics\"", b.reference),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(ics::calendar(&event)))
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    csrf_token: String,
    /// "yes" from the confirming button: a single stray click cancels nothing.
    #[serde(default)]
    confirm: String,
}

/// POST `/{lang}/book/{token}/cancel`: frees the slot; a second cancel changes nothing.
pub async fn cancel(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<CancelForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, token) = path.into_inner();
    let lang = state
        .config
        .languages
        .find(&lang)
        .ok_or(AppError::NotFound)?;
    check_visitor_token(&req, &form.csrf_token)?;
    let booking = find(&state, &token).await?;
    if form.confirm == "yes" {
        store::cancel(&state.db, &booking.token, Timestamp::now()).await?;
    }
    Ok(see_other(&format!("/{lang}/book/{token}")))
}
