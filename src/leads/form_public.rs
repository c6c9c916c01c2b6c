//! POST `/{lang}/forms/{block}`: a submission of a form editors built. Read against the form as it
//! stands on its published page, stored with its lead, the team's mails and (when ticked) the
//! newsletter sign-up in one transaction, then the visitor is thanked on the page or sent to the
//! form's thank-you page (303). A refused answer shows the page again with everything kept (422).
use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::form::FormSubmission;
use super::submission_store::{self, Sent};
use super::{LeadPath, NewLead};
use crate::content::blocks::BlockKind;
use crate::content::blocks::form::FormBlock;
use crate::content::{self, PageForms};
use crate::error::AppError;
use crate::forms::{FormState, Submitted};
use crate::i18n::Lang;
use crate::outbox::compose::Notice;
use crate::outbox::store::NewMail;
use crate::web::auth::client_ip;
use crate::web::csrf::check_cached_form;
use crate::web::see_other;
use crate::web::state::AppState;

/// POST `/{lang}/forms/{block}`.
pub async fn send(
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (lang, block_id) = path.into_inner();
    let lang = state
        .config
        .languages
        .find(&lang)
        .ok_or(AppError::NotFound)?;
    let form = Submitted::new(form.into_inner());
    check_cached_form(&req, form.get("csrf_token"))?;
    // The same per-client limit as the contact form: both write to the team.
    if let Err(wait) = state.contact_limit.hit(&client_ip(&req), Instant::now()) {
        return Err(AppError::TooMany {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let (page, blocks) = content::published_page(&state, lang, form.get("page")).await?;
    let Some(built) = blocks.iter().find_map(|b| match &b.kind {
        BlockKind::Form(f) if b.id == block_id => Some(f),
        _ => None,
    }) else {
        // No such form on that page (removed meanwhile, or a made-up address).
        return Err(AppError::NotFound);
    };
    let default = state.config.languages.default_lang();
    let page_path = content::page_path(lang, page.slug_in(lang));
    // A thank-you page in the visitor's language, else the thank-you text (never a page in
    // another language for want of one in theirs).
    let thanks = match built.thanks_page.exact(lang) {
        Some(url) => url.as_str().to_owned(),
        None => format!("{page_path}?sent=form-{block_id}#form-{block_id}"),
    };
    if form.is_from_a_bot() {
        return Ok(see_other(&thanks));
    }
    let ui = state.catalog.messages(lang);
    let submission = match FormSubmission::parse(&form, built, lang, default, ui) {
        Ok(submission) => submission,
        Err(errors) => {
            let forms = PageForms {
                built: Some((block_id, FormState::again(&form, &errors, ui))),
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
    let form_name = match built.title.text(lang, default) {
        "" => page.title.text(lang, default).to_owned(),
        title => title.to_owned(),
    };
    let source = super::source_of(&req, &state, "");
    let source = if source.url.is_empty() {
        crate::forms::Source::of_address(&page_path)
    } else {
        source
    };
    store(
        &state,
        lang,
        block_id,
        built,
        &form_name,
        &submission,
        &source,
    )
    .await?;
    crate::visits::lead_received(&req, &state, crate::visits::LeadPath::FormSubmission).await;
    Ok(see_other(&thanks))
}

/// The submission, its lead, the team's mails and the newsletter sign-up, in one transaction.
async fn store(
    state: &AppState,
    lang: Lang,
    block_id: i64,
    built: &FormBlock,
    form_name: &str,
    submission: &FormSubmission,
    source: &crate::forms::Source,
) -> Result<(), AppError> {
    let team = match built.notify() {
        notify if !notify.is_empty() => notify,
        _ => crate::users::store::admin_addresses(&state.db).await?,
    };
    let default = state.config.languages.default_lang();
    let team_ui = state.catalog.messages(default);
    let base = &state.config.base_url;
    let mut tx = state.db.begin().await?;
    let sent = Sent {
        block_id,
        form_name,
        language: lang.as_str(),
        source,
    };
    let now = jiff::Timestamp::now();
    let id = submission_store::insert(&mut tx, submission, &sent, now).await?;
    let lead = super::record(
        &mut tx,
        &NewLead {
            path: LeadPath::FormSubmission,
            record_id: id,
            email: submission.email.as_str(),
            name: &submission.name,
            company: "",
            language: lang.as_str(),
            subject: form_name,
            source,
        },
        base,
    )
    .await?;
    let link = match lead {
        Some(lead) => format!("{base}/admin/leads/{lead}"),
        None => format!("{base}/admin/leads"),
    };
    for to in &team {
        let mail = notification(team_ui, to, form_name, submission, &link)?;
        crate::outbox::store::enqueue_placed(
            &mut tx,
            &mail,
            &crate::outbox::store::Placement {
                submission_id: Some(id),
                purpose: "form-submission",
                ..Default::default()
            },
        )
        .await?;
    }
    if submission.marketing {
        crate::newsletter::join_from_lead(
            &mut tx,
            state,
            lang,
            submission.email.as_str(),
            &source.url,
            "",
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The team's mail about a submission: every answer, and the way to the lead in the inbox.
fn notification(
    ui: &crate::i18n::Messages,
    to: &str,
    form_name: &str,
    submission: &FormSubmission,
    link: &str,
) -> anyhow::Result<NewMail> {
    let details: Vec<(String, String)> = submission
        .answers
        .iter()
        .map(|a| (a.label.clone(), a.value.clone()))
        .collect();
    Notice {
        recipient: to,
        lang: ui.lang(),
        subject: ui.t_args("form-mail-subject", &[("form", form_name.into())]),
        heading: ui.t("form-mail-heading"),
        intro: ui.t("form-mail-intro"),
        details: &details,
        link,
        link_label: ui.t("lead-open"),
        attachment: None,
    }
    .render()
}
