//! The newsletter's public pages: sign-up (from the footer on every page, a block, or its own
//! page), the confirmation link (double opt-in: a button, so a link scanner confirms nobody), and
//! one-click unsubscribe (RFC 8058: a POST without a session unsubscribes; the GET shows a button
//! and changes nothing).
use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use blake2::{Blake2s256, Digest};
use serde::Deserialize;

use super::mails;
use super::request::SignUpRequest;
use super::store::{self, Outcome, SignUp};
use crate::error::AppError;
use crate::forms::{FormState, Submitted};
use crate::i18n::Lang;
use crate::tokens::{looks_like_token, random_token, token_hash};
use crate::web::auth::client_ip;
use crate::web::csrf::{check_cached_form, check_visitor_token, form_page, visitor_token};
use crate::web::layout::{Here, Layout};
use crate::web::see_other;
use crate::web::state::AppState;

/// The id of the sign-up's consent sentence (its `.version` is recorded).
pub const CONSENT: &str = "newsletter-consent";

/// What the newsletter page shows.
pub enum Mode {
    /// The sign-up form (again with errors after a refused POST).
    SignUp,
    /// "Check your inbox" after a sign-up.
    CheckInbox,
    /// The confirmation link: a button to confirm.
    Confirm {
        action: String,
    },
    Confirmed,
    /// The link is unknown, used or older than a week.
    LinkInvalid,
    /// The unsubscribe link: a button.
    Unsubscribe {
        action: String,
        email: String,
    },
    Unsubscribed,
}

#[derive(Template)]
#[template(path = "public/newsletter.html")]
struct NewsletterPage<'a> {
    layout: Layout<'a>,
    mode: Mode,
    form: FormState,
    error: Option<String>,
    csrf_token: String,
    action: String,
    privacy_href: String,
}

fn lang_of(state: &AppState, code: &str) -> Result<Lang, AppError> {
    state.config.languages.find(code).ok_or(AppError::NotFound)
}

fn page(
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
    mode: Mode,
    form: FormState,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookie) = visitor_token(req, state.config.secure_cookies)?;
    let layout = Layout::new(
        state,
        lang,
        Here::Path {
            path: "newsletter/subscribe",
        },
        crate::db::now(),
    );
    let html = NewsletterPage {
        layout,
        mode,
        form,
        error,
        csrf_token,
        action: format!("/{lang}/newsletter/subscribe"),
        privacy_href: crate::content::path_of(state, lang, "privacy"),
    }
    .render()?;
    Ok(form_page(status, cookie, html))
}

#[derive(Deserialize)]
pub struct SignUpQuery {
    sent: Option<String>,
}

/// GET `/{lang}/newsletter/subscribe`: the form, or "check your inbox" after a sign-up.
pub async fn form(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<SignUpQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&state, &path)?;
    let mode = match query.sent.as_deref() {
        Some(_) => Mode::CheckInbox,
        None => Mode::SignUp,
    };
    page(
        &req,
        &state,
        lang,
        mode,
        FormState::default(),
        None,
        StatusCode::OK,
    )
}

/// The one-click unsubscribe address of subscriber `id`: a keyed hash of the id, so nothing is
/// stored and every mail to them can carry it; only the site's key makes it.
pub fn unsubscribe_path(state: &AppState, lang: Lang, id: i64) -> String {
    format!(
        "/{lang}/newsletter/unsubscribe/{id}/{}",
        unsubscribe_mac(state, id)
    )
}

fn unsubscribe_mac(state: &AppState, id: i64) -> String {
    // BLAKE2 is safe to key by prefixing (no length extension).
    let digest = Blake2s256::new()
        .chain_update(state.session_key.signing())
        .chain_update(b"|newsletter-unsubscribe|")
        .chain_update(id.to_string().as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn mac_matches(state: &AppState, id: i64, mac: &str) -> bool {
    crate::tokens::constant_time_eq(unsubscribe_mac(state, id).as_bytes(), mac.as_bytes())
}

/// POST `/{lang}/newsletter/subscribe`.
pub async fn subscribe(
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&state, &path)?;
    let form = Submitted::new(form.into_inner());
    check_cached_form(&req, form.get("csrf_token"))?;
    if let Err(wait) = state.newsletter_limit.hit(&client_ip(&req), Instant::now()) {
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let inbox = format!("/{lang}/newsletter/subscribe?sent=1");
    if form.is_from_a_bot() {
        return Ok(see_other(&inbox));
    }
    let ui = state.catalog.messages(lang);
    let request = match SignUpRequest::parse(&form, &state.config.base_url) {
        Ok(request) => request,
        Err(errors) => {
            return page(
                &req,
                &state,
                lang,
                Mode::SignUp,
                FormState::again(&form, &errors, ui),
                Some(ui.t("form-errors").to_owned()),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let email = &request.email;
    let token = random_token()?;
    let hash = token_hash(&token);
    let consent_version = ui.version(CONSENT);
    let new = SignUp {
        email: email.as_str(),
        language: lang.as_str(),
        consent_version: &consent_version,
        source_url: &request.source.url,
        token_hash: &hash,
    };
    let base = state.config.base_url.clone();
    let outcome = store::sign_up(&state.db, &new, jiff::Timestamp::now(), |id| {
        let unsubscribe = format!("{base}{}", unsubscribe_path(&state, lang, id));
        let confirm = format!("{base}/{lang}/newsletter/confirm/{token}");
        Ok((
            mails::confirmation(ui, email.as_str(), &confirm, &unsubscribe)?,
            unsubscribe,
        ))
    })
    .await?;
    match outcome {
        Outcome::Mailed => {
            crate::visits::lead_received(&req, &state, crate::visits::LeadPath::NewsletterSignup)
                .await
        }
        // The same answer as for a new address: the form tells no one who is subscribed.
        Outcome::AlreadyConfirmed | Outcome::TooManyToday | Outcome::AwaitsLeadConfirmation => {}
    }
    Ok(see_other(&inbox))
}

/// GET `/{lang}/newsletter/confirm/{token}`: the confirm button (a GET changes nothing).
pub async fn confirm_page(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, token) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    let valid = looks_like_token(&token)
        && store::pending_by_token(&state.db, &token_hash(&token), jiff::Timestamp::now())
            .await?
            .is_some();
    let (mode, status) = if valid {
        let action = format!("/{lang}/newsletter/confirm/{token}");
        (Mode::Confirm { action }, StatusCode::OK)
    } else {
        (Mode::LinkInvalid, StatusCode::GONE)
    };
    page(&req, &state, lang, mode, FormState::default(), None, status)
}

/// POST `/{lang}/newsletter/confirm/{token}`: the address is confirmed.
pub async fn confirm(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, token) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    check_visitor_token(&req, form.get("csrf_token").map_or("", String::as_str))?;
    let confirmed = if looks_like_token(&token) {
        store::confirm(&state.db, &token_hash(&token), jiff::Timestamp::now()).await?
    } else {
        None
    };
    let (mode, status) = match confirmed {
        Some(_) => (Mode::Confirmed, StatusCode::OK),
        None => (Mode::LinkInvalid, StatusCode::GONE),
    };
    page(&req, &state, lang, mode, FormState::default(), None, status)
}

/// GET `/{lang}/newsletter/unsubscribe/{id}/{mac}`: the unsubscribe button; nothing changes.
pub async fn unsubscribe_page(
    req: HttpRequest,
    path: web::Path<(String, i64, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, id, mac) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    if !mac_matches(&state, id, &mac) {
        return Err(AppError::NotFound);
    }
    let mode = match store::get(&state.db, id).await? {
        Some(s) if s.status != "unsubscribed" => Mode::Unsubscribe {
            action: unsubscribe_path(&state, lang, id),
            email: s.email,
        },
        // Erased or unsubscribed already: nothing left to stop.
        _ => Mode::Unsubscribed,
    };
    page(
        &req,
        &state,
        lang,
        mode,
        FormState::default(),
        None,
        StatusCode::OK,
    )
}

/// POST `/{lang}/newsletter/unsubscribe/{id}/{mac}`: unsubscribes at once. No session and no form
/// token: a mail client's one-click POST (`List-Unsubscribe=One-Click`) carries neither, and the
/// keyed link is the proof.
pub async fn unsubscribe(
    req: HttpRequest,
    path: web::Path<(String, i64, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, id, mac) = path.into_inner();
    let lang = lang_of(&state, &lang)?;
    if !mac_matches(&state, id, &mac) {
        return Err(AppError::NotFound);
    }
    store::unsubscribe(&state.db, id, jiff::Timestamp::now()).await?;
    page(
        &req,
        &state,
        lang,
        Mode::Unsubscribed,
        FormState::default(),
        None,
        StatusCode::OK,
    )
}
