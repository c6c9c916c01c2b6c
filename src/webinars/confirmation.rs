//! After registering: the registration's page at `/{lang}/webinars/{slug}/registered/{token}` (the
//! details in the registrant's zone, the meeting link once they have a seat, calendar links), its
//! `.ics`, and cancelling, which frees the seat for whoever waits longest.
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::mails;
use super::model::{RegistrationStatus, Webinar};
use super::public::{find, lang_of, local_time, notice, site};
use super::registration_store;
use super::seat_store::{self, Confirmed};
use crate::error::AppError;
use crate::ics;
use crate::web::csrf::{check_visitor_token, visitor_token};
use crate::web::layout::{Here, Layout};
use crate::web::see_other;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "public/webinar_registered.html")]
struct RegisteredPage<'a> {
    layout: Layout<'a>,
    title: String,
    webinar_href: String,
    name: String,
    status: RegistrationStatus,
    status_label: &'a str,
    when: String,
    zone: String,
    duration: i64,
    meeting_href: Option<String>,
    ics_href: String,
    google_href: String,
    outlook_href: String,
    cancel_action: String,
    can_cancel: bool,
    /// Where "Confirm my seat" posts, while the registration waits for it.
    confirm_action: String,
    csrf_token: String,
}

/// The webinar and registration behind a link, or 404 (an unknown token, or one of another webinar).
async fn registration(
    state: &AppState,
    slug: &str,
    token: &str,
) -> Result<(Webinar, registration_store::RegistrationView), AppError> {
    if !crate::tokens::looks_like_token(token) {
        return Err(AppError::NotFound);
    }
    let webinar = find(state, slug).await?;
    let registration = registration_store::registration_by_token(&state.db, token)
        .await?
        .filter(|r| r.webinar_id == webinar.id);
    match registration {
        Some(registration) => Ok((webinar, registration)),
        None => Err(AppError::NotFound),
    }
}

/// GET `/{lang}/webinars/{slug}/registered/{token}`.
pub async fn registered(
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug, token) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let (w, r) = match registration(&state, &slug, &token).await {
        Err(AppError::NotFound) if crate::tokens::looks_like_token(&token) => {
            let webinar = find(&state, &slug).await?;
            if seat_store::replaced_link(&state.db, &token).await? == Some(webinar.id) {
                return notice(
                    &state,
                    lang,
                    &webinar,
                    "webinar-link-replaced",
                    "webinar-link-replaced-text",
                    actix_web::http::StatusCode::GONE,
                );
            }
            return Err(AppError::NotFound);
        }
        found => found?,
    };
    let default = state.config.languages.default_lang();
    let ui = state.catalog.messages(lang);
    let status = RegistrationStatus::parse(&r.status).unwrap_or(RegistrationStatus::Cancelled);
    let title = w.title.text(lang, default).to_owned();
    let (google_href, outlook_href) = ics::calendar_links(
        &title,
        w.starts_at,
        w.ends_at(),
        &format!("{}/{lang}/webinars/{}", state.config.base_url, w.slug),
    );
    let (csrf_token, cookie) = visitor_token(&req, state.config.secure_cookies)?;
    let page = RegisteredPage {
        layout: Layout::new(
            &state,
            lang,
            Here::Path { path: "webinars" },
            crate::db::now(),
        ),
        webinar_href: format!("/{lang}/webinars/{}", w.slug),
        name: r.first_name.clone(),
        status,
        status_label: ui.t(status.label_id()),
        when: local_time(w.starts_at, &r.timezone, lang),
        zone: r.timezone.clone(),
        duration: w.duration_minutes,
        meeting_href: w
            .meeting_link
            .as_ref()
            .filter(|_| status.takes_a_seat())
            .map(|l| l.as_str().to_owned()),
        ics_href: format!(
            "/{lang}/webinars/{}/registered/{token}/calendar.ics",
            w.slug
        ),
        google_href,
        outlook_href,
        cancel_action: format!("/{lang}/webinars/{}/registered/{token}/cancel", w.slug),
        confirm_action: format!("/{lang}/webinars/{}/registered/{token}/confirm", w.slug),
        can_cancel: matches!(
            status,
            RegistrationStatus::Registered | RegistrationStatus::Waitlisted
        ) && w.starts_at > Timestamp::now(),
        csrf_token,
        title,
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Robots-Tag", "noindex"))
        // The link is the registration's key: never handed to another site.
        .insert_header((header::REFERRER_POLICY, "same-origin"));
    if let Some(cookie) = cookie {
        response.cookie(cookie);
    }
    Ok(response.body(page.render()?))
}

/// GET `/{lang}/webinars/{slug}/thanks`: after a registration, "check your inbox"; the mail has
/// the confirmation, the calendar file and the link to the registration.
pub async fn thanks(
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let webinar = find(&state, &slug).await?;
    notice(
        &state,
        lang,
        &webinar,
        "webinar-thanks-title",
        "webinar-check-inbox",
        actix_web::http::StatusCode::OK,
    )
}

/// GET `…/registered/{token}/calendar.ics`.
pub async fn calendar(
    path: web::Path<(String, String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, slug, token) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let (w, r) = registration(&state, &slug, &token).await?;
    let cancelled = r.status == "cancelled" || w.status == super::model::WebinarStatus::Cancelled;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.ics\"", w.slug),
        ))
        .body(mails::calendar(&w, &site(&state), lang, cancelled)))
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    csrf_token: String,
    /// "yes" from the confirming button: a single stray click cancels nothing.
    #[serde(default)]
    confirm: String,
}

/// POST `…/registered/{token}/cancel`: frees the seat; the first on the waitlist gets it and a mail.
pub async fn cancel(
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    form: web::Form<CancelForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    check_visitor_token(&req, &form.csrf_token)?;
    let (lang_code, slug, token) = path.into_inner();
    let lang = lang_of(&state, &lang_code)?;
    let (w, _) = registration(&state, &slug, &token).await?;
    let site = site(&state);
    let now = Timestamp::now();
    if form.confirm == "yes" {
        registration_store::cancel_registration(&state.db, &token, now, |next| {
            mails::promoted(&state.catalog, &w, next, &site, now)
        })
        .await?;
    }
    Ok(see_other(&format!(
        "/{lang}/webinars/{}/registered/{token}",
        w.slug
    )))
}

/// POST `…/registered/{token}/confirm`: the address is confirmed (the link came by mail), and the
/// registration takes a seat or a place on the waitlist now. A button, not the link itself: mail
/// scanners open links, they do not submit forms.
pub async fn confirm(
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    form: web::Form<CancelForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    check_visitor_token(&req, &form.csrf_token)?;
    let (lang_code, slug, token) = path.into_inner();
    let lang = lang_of(&state, &lang_code)?;
    let (w, r) = registration(&state, &slug, &token).await?;
    let site = site(&state);
    let ui = state.catalog.messages(lang);
    let link = format!(
        "{}/{lang}/webinars/{}/registered/{token}",
        state.config.base_url, w.slug
    );
    let to = mails::To {
        first_name: &r.first_name,
        email: &r.email,
        lang,
        timezone: &r.timezone,
        link: Some(&link),
    };
    let now = Timestamp::now();
    let outcome = seat_store::confirm_seat(&state.db, w.id, r.id, now, |seat| {
        let kind = if seat == RegistrationStatus::Waitlisted {
            mails::Kind::Waitlisted
        } else {
            mails::Kind::Registered
        };
        let mut queued = vec![mails::mail(ui, kind, &w, &to, &site)?];
        if seat == RegistrationStatus::Registered {
            queued.extend(mails::reminders(ui, &w, &to, &site, now)?);
        }
        Ok(queued)
    })
    .await?;
    match outcome {
        Confirmed::Now(_) | Confirmed::Already => {
            if matches!(outcome, Confirmed::Now(_)) {
                state.lead_received("webinar-registration");
            }
            Ok(see_other(&format!(
                "/{lang}/webinars/{}/registered/{token}",
                w.slug
            )))
        }
        Confirmed::Full => notice(
            &state,
            lang,
            &w,
            "webinar-full",
            "webinar-full-text",
            actix_web::http::StatusCode::CONFLICT,
        ),
        Confirmed::Closed(_) => notice(
            &state,
            lang,
            &w,
            "webinar-registration-closed",
            "webinar-registration-closed-text",
            actix_web::http::StatusCode::CONFLICT,
        ),
    }
}
