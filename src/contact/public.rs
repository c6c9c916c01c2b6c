//! POST `/{lang}/contact`: a message from a page's contact form block. The message and its two
//! mails are stored in one transaction; the visitor is sent back to the page, which then thanks
//! them (`?sent=contact`, 303). A refused field shows the page again with every field kept (422).
use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::mails::{self, Sent};
use super::request::ContactRequest;
use super::store::{self, NewMessage};
use crate::content::{self, PageForms};
use crate::error::AppError;
use crate::forms::{FormState, Submitted};
use crate::web::auth::client_ip;
use crate::web::csrf::check_cached_form;
use crate::web::see_other;
use crate::web::state::AppState;

/// The id of the consent sentence the contact form shows (its `.version` is recorded).
pub const CONSENT: &str = "contact-consent";

/// POST `/{lang}/contact`.
pub async fn send(
    req: HttpRequest,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = state
        .config
        .languages
        .find(&path.into_inner())
        .ok_or(AppError::NotFound)?;
    let form = Submitted::new(form.into_inner());
    check_cached_form(&req, form.get("csrf_token"))?;
    if let Err(wait) = state.contact_limit.hit(&client_ip(&req), Instant::now()) {
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let (page, blocks) = content::published_page(&state, lang, form.get("page")).await?;
    let default = state.config.languages.default_lang();
    let Some(topics) = content::contact_topics(&blocks, lang, default) else {
        // No contact form on that page (removed meanwhile, or a made-up page).
        return Err(AppError::NotFound);
    };
    let page_path = content::page_path(lang, page.slug_in(lang));
    let thanks = format!("{page_path}?sent=contact#contact");
    if form.is_from_a_bot() {
        return Ok(see_other(&thanks));
    }
    let ui = state.catalog.messages(lang);
    let request = match ContactRequest::parse(&form, &topics) {
        Ok(request) => request,
        Err(errors) => {
            let forms = PageForms {
                contact: FormState::again(&form, &errors, ui),
                notice: Some(ui.t("form-errors").to_owned()),
                ..PageForms::default()
            };
            return content::page_with_forms(
                &req,
                &state,
                lang,
                &page,
                &blocks,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let consent_version = ui.version(CONSENT);
    let new = NewMessage {
        name: request.name.as_str(),
        email: request.email.as_str(),
        company: request.company.as_str(),
        phone: request.phone.as_str(),
        topic: &request.topic,
        message: request.message.as_str(),
        language: lang.as_str(),
        source_url: &page_path,
        consent_version: &consent_version,
    };
    let sent = Sent {
        name: request.name.as_str(),
        email: request.email.as_str(),
        company: request.company.as_str(),
        phone: request.phone.as_str(),
        topic: &request.topic,
        message: request.message.as_str(),
        lang,
    };
    // The configured address, else every active admin: never an address nobody reads.
    let team = match &state.config.contact_to {
        Some(to) => vec![to.clone()],
        None => crate::users::store::admin_addresses(&state.db).await?,
    };
    let team_ui = state.catalog.messages(default);
    let base = state.config.base_url.clone();
    let site = state.config.site_name.clone();
    let handoff = crate::leads::Handoff {
        state: &state,
        lang,
        subject: &request.topic,
    };
    let source = match crate::leads::source_of(&req, &state, "") {
        source if source.url.is_empty() => crate::forms::Source::of_address(&page_path),
        source => source,
    };
    store::insert(
        &state.db,
        &new,
        jiff::Timestamp::now(),
        &handoff,
        &source,
        |id| {
            let today = crate::i18n::format_date(crate::db::now().date(), lang);
            let mut queued = vec![mails::receipt(ui, &sent, &site, &today)?];
            let link = format!("{base}/admin/messages/{id}");
            for to in &team {
                queued.push(mails::notification(team_ui, to, &sent, &link)?);
            }
            Ok(queued)
        },
    )
    .await?;
    crate::visits::lead_received(&req, &state, crate::visits::LeadPath::ContactMessage).await;
    Ok(see_other(&thanks))
}
