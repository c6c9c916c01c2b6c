//! Webhooks: the hand-off of leads to the tools sales uses (a CRM, an automation service). Admins
//! add endpoints at `/admin/webhooks`; each event a lead path or the inbox reports (a lead created,
//! its status changed, a person erased) becomes one delivery per subscribed endpoint, written in
//! the same transaction as what it reports, then POSTed as JSON signed with HMAC-SHA256 over
//! timestamp and body by a worker with the outbox's claims, retries and backoff.
pub mod address;
pub mod admin;
pub mod sign;
pub mod store;
pub mod worker;

use crate::db::Tx;

/// What an endpoint can be told of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    LeadCreated,
    LeadStatusChanged,
    PersonErased,
}

impl Event {
    pub const ALL: [Event; 3] = [
        Event::LeadCreated,
        Event::LeadStatusChanged,
        Event::PersonErased,
    ];

    /// The event's name in deliveries and in `webhook_endpoints.events`.
    pub fn key(self) -> &'static str {
        match self {
            Event::LeadCreated => "lead.created",
            Event::LeadStatusChanged => "lead.status_changed",
            Event::PersonErased => "person.erased",
        }
    }

    /// The UI string saying what it is.
    pub fn label_id(self) -> &'static str {
        match self {
            Event::LeadCreated => "webhook-event-lead-created",
            Event::LeadStatusChanged => "webhook-event-lead-status-changed",
            Event::PersonErased => "webhook-event-person-erased",
        }
    }

    pub fn of_key(key: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.key() == key)
    }
}

/// Queues `event` about the person at `email` with `data` for every active endpoint that asked
/// for it, inside the caller's transaction: the event is sent if and only if what it reports is
/// stored. Returns how many deliveries were queued.
pub async fn queue(
    tx: &mut Tx,
    event: Event,
    email: &str,
    data: serde_json::Value,
) -> anyhow::Result<u64> {
    let endpoints = store::endpoints_for(tx, event).await?;
    queue_to(tx, &endpoints, event, email, data).await
}

/// [`queue`] for the endpoints [`store::endpoints_for`] found: a caller whose event data costs
/// queries asks first and makes the data only when an endpoint wants it (a lead path's transaction
/// is its visitor's wait).
pub async fn queue_to(
    tx: &mut Tx,
    endpoints: &[i64],
    event: Event,
    email: &str,
    data: serde_json::Value,
) -> anyhow::Result<u64> {
    if endpoints.is_empty() {
        return Ok(0);
    }
    let now = jiff::Timestamp::now();
    let id = format!("evt_{}", &crate::tokens::random_token()?[..32]);
    let payload = serde_json::json!({
        "id": id,
        "type": event.key(),
        "created_at": now.to_string(),
        "data": data,
    })
    .to_string();
    store::queue(tx, endpoints, event, &id, email, &payload, now).await
}
