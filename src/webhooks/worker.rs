//! Sends webhook deliveries: each due delivery is claimed (so no other worker, on this instance or
//! another, sends it meanwhile), POSTed once with its signature, and marked sent on a 2xx answer.
//! Anything else is retried with the outbox's backoff (30 s, doubling, at most an hour) and given
//! up after the outbox's number of attempts, visible in the log for "send again". Redirects are not
//! followed, and internal addresses are never connected to (see `super::address`).
//!
//! Exactly once: one delivery row per event and endpoint, a lease while it is being sent, and the
//! same `Magnetiq-Delivery` id on every attempt. Only a process killed between the endpoint's 2xx
//! and the row's update sends a delivery twice; the receiver sees the same id and can drop it.
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use reqwest::header;

use super::address;
use super::sign;
use super::store::{self, Delivery};
use crate::db::Db;
use crate::outbox::worker::{MAX_ATTEMPTS, backoff};
use crate::web::state::AppState;

/// How long one delivery is this worker's alone: the request's timeout and then some.
pub const LEASE: SignedDuration = SignedDuration::from_secs(30);
const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_secs(1);

/// Runs until the process ends, sending what is due every second.
pub fn spawn(state: &AppState) -> anyhow::Result<()> {
    let allow_private = state.config.webhook_allow_private;
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Magnetiq-Webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(address::PublicOnly { allow_private })
        .build()?;
    let db = state.db.clone();
    tokio::spawn(async move {
        loop {
            match send_due(&db, &client, allow_private, Timestamp::now()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "webhooks: deliveries sent"),
                Err(error) => tracing::warn!(%error, "webhooks: delivery round failed"),
            }
            tokio::time::sleep(POLL).await;
        }
    });
    Ok(())
}

/// Sends every delivery due at `now` once; returns how many were accepted.
pub async fn send_due(
    db: &Db,
    client: &reqwest::Client,
    allow_private: bool,
    now: Timestamp,
) -> anyhow::Result<usize> {
    if !store::any_due(db, now).await? {
        return Ok(0);
    }
    let mut accepted = 0;
    for delivery in store::claim_due(db, now, LEASE, 20).await? {
        let Some(endpoint) = store::endpoint(db, delivery.endpoint_id).await? else {
            continue;
        };
        let outcome = send(client, &endpoint, &delivery, allow_private).await;
        let finished = Timestamp::now();
        match outcome {
            Ok(code) => {
                store::mark_sent(db, delivery.id, code, finished).await?;
                accepted += 1;
            }
            Err((code, error)) => {
                let attempts = delivery.attempts + 1;
                let retry_at = (attempts < MAX_ATTEMPTS).then(|| finished + backoff(attempts));
                tracing::warn!(
                    delivery_id = delivery.id,
                    attempts,
                    %error,
                    "webhooks: delivery refused or failed"
                );
                store::mark_failed(db, delivery.id, code, &error, retry_at).await?;
            }
        }
    }
    Ok(accepted)
}

/// One attempt: the answer's status when it was 2xx, else the status (if any) and what went wrong.
async fn send(
    client: &reqwest::Client,
    endpoint: &store::Endpoint,
    delivery: &Delivery,
    allow_private: bool,
) -> Result<u16, (Option<u16>, String)> {
    let url = address::parse(&endpoint.url).map_err(|_| (None, "not an http(s) URL".to_owned()))?;
    // The resolver filters names; an address written as digits is checked here.
    if let Some(Ok(ip)) = url
        .host_str()
        .map(|h| h.trim_start_matches('[').trim_end_matches(']').parse())
        && !allow_private
        && address::is_internal(ip)
    {
        return Err((None, "an internal address".to_owned()));
    }
    let sent_at = Timestamp::now().as_second();
    let answer = client
        .post(url)
        .header(header::CONTENT_TYPE, "application/json")
        .header("Magnetiq-Event", &delivery.event)
        .header("Magnetiq-Delivery", &delivery.event_id)
        .header(
            sign::HEADER,
            sign::signature(&endpoint.secret, sent_at, &delivery.payload),
        )
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|e| (None, error_chain(&e)))?;
    let code = answer.status().as_u16();
    if answer.status().is_success() {
        Ok(code)
    } else if answer.status().is_redirection() {
        Err((Some(code), "a redirect (not followed)".to_owned()))
    } else {
        Err((Some(code), format!("answered {code}")))
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut said = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        said.push_str(": ");
        said.push_str(&cause.to_string());
        source = cause.source();
    }
    said
}
