//! The lead pipeline: one inbox (`/admin/leads`) for every booking, webinar registration,
//! whitepaper request, contact message and submission of a form editors built, each with its
//! source, a status, an owner, notes and a follow-up date. Each lead path records its lead here
//! with [`record`] inside the transaction that stores it, which also hands a `lead.created` event
//! to the webhooks; the lists per path stay for what is particular to each.
pub mod admin;
pub mod admin_lead;
pub mod form;
pub mod form_public;
pub mod mails;
pub mod model;
pub mod reminders;
pub mod store;
pub mod submission_store;

pub use model::{LeadPath, LeadStatus};

use crate::db::Tx;
use crate::forms::Source;

/// A lead as its path stored it.
pub struct NewLead<'a> {
    pub path: LeadPath,
    /// The row in the path's own table (bookings, webinar_registrations, …).
    pub record_id: i64,
    pub email: &'a str,
    pub name: &'a str,
    pub company: &'a str,
    pub language: &'a str,
    /// What it is about: the consultant, webinar, whitepaper, topic or form.
    pub subject: &'a str,
    pub source: &'a Source,
}

/// Records `new` in the inbox inside the caller's transaction, with its `lead.created` event for
/// the webhooks; `None` when that record already has its lead (a registration made again).
pub async fn record(tx: &mut Tx, new: &NewLead<'_>, base_url: &str) -> anyhow::Result<Option<i64>> {
    let Some(id) = store::insert(tx, new, jiff::Timestamp::now()).await? else {
        return Ok(None);
    };
    let event = crate::webhooks::Event::LeadCreated;
    let endpoints = crate::webhooks::store::endpoints_for(tx, event).await?;
    if endpoints.is_empty() {
        return Ok(Some(id));
    }
    let lead = store::lead_in(tx, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("lead {id} vanished inside its own transaction"))?;
    let data = serde_json::json!({ "lead": lead.payload(base_url) });
    crate::webhooks::queue_to(tx, &endpoints, event, &lead.email, data).await?;
    Ok(Some(id))
}

/// Where a lead came from: the address of the page its form was on (the form's own `source` field
/// where it has one, else the `Referer`), with that address's campaign parameters.
pub fn source_of(
    req: &actix_web::HttpRequest,
    state: &crate::web::state::AppState,
    form_source: &str,
) -> Source {
    if !form_source.is_empty() {
        return Source::of_address(form_source);
    }
    crate::visits::count::referring_page(req, state)
        .map(Source::of_address)
        .unwrap_or_default()
}

/// What a lead path hands on besides its own row: the site (for links and the newsletter's mail),
/// the visitor's language and what the lead is about.
pub struct Handoff<'a> {
    pub state: &'a crate::web::state::AppState,
    pub lang: crate::i18n::Lang,
    pub subject: &'a str,
}

impl Handoff<'_> {
    /// Records the lead of `record_id` (see [`record`]) and, when the newsletter box was ticked,
    /// joins the address to the newsletter (`confirmed_by`: see `newsletter::join_from_lead`),
    /// inside the path's transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn hand_off(
        &self,
        tx: &mut Tx,
        path: LeadPath,
        record_id: i64,
        who: (&str, &str, &str),
        source: &Source,
        marketing: bool,
        confirmed_by: &str,
    ) -> anyhow::Result<()> {
        let (email, name, company) = who;
        record(
            tx,
            &NewLead {
                path,
                record_id,
                email,
                name,
                company,
                language: self.lang.as_str(),
                subject: self.subject,
                source,
            },
            &self.state.config.base_url,
        )
        .await?;
        if marketing {
            crate::newsletter::join_from_lead(
                tx,
                self.state,
                self.lang,
                email,
                &source.url,
                confirmed_by,
            )
            .await?;
        }
        Ok(())
    }
}
