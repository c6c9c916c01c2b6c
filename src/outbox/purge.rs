//! Cache purges: after a publish, the changed addresses are queued in the outbox and sent to the CDN or
//! reverse proxy in front of Magnetiq (`MAGNETIQ_PURGE_URL`), so it can keep pages for long and still
//! show an edit at once. A queued purge is sent right away; one that fails is retried with the mails'
//! backoff and stays visible in `/admin/outbox`, never lost.
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::header;
use tokio::sync::Notify;

use super::store::{self, Kind, QueuedMail};
use super::worker::{LEASE, MAX_ATTEMPTS, backoff};
use crate::config::{Purge, PurgeMethod};
use crate::db::Db;
use crate::web::state::AppState;

const POLL: Duration = Duration::from_secs(5);
const TIMEOUT: Duration = Duration::from_secs(10);

/// Queues a purge of `paths` (site paths such as `/en/about`) and wakes the sender; nothing when no
/// `MAGNETIQ_PURGE_URL` is set.
pub async fn enqueue(state: &AppState, paths: &[String]) -> anyhow::Result<()> {
    let Some(purge) = &state.config.purge else {
        return Ok(());
    };
    if paths.is_empty() {
        return Ok(());
    }
    let base_url = &state.config.base_url;
    let urls: Vec<String> = paths.iter().map(|p| format!("{base_url}{p}")).collect();
    store::enqueue_purge(&state.db, &purge.url.0, &urls).await?;
    state.purge_wake.notify_one();
    Ok(())
}

/// Sends due purges until the process ends: at once when woken, else every few seconds; nothing
/// when no `MAGNETIQ_PURGE_URL` is set.
pub fn spawn(state: &AppState) -> anyhow::Result<()> {
    let Some(purge) = state.config.purge.clone() else {
        return Ok(());
    };
    let sender = Purges {
        purge,
        base_url: state.config.base_url.clone(),
        wake: state.purge_wake.clone(),
    };
    let db = state.db.clone();
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    tokio::spawn(async move {
        loop {
            match sender.send_due(&db, &client, Timestamp::now()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "outbox: cache purges sent"),
                Err(error) => tracing::warn!(%error, "outbox: purge round failed"),
            }
            tokio::select! {
                () = sender.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    });
    Ok(())
}

/// The purge sender of one site: where purges go and what wakes it.
struct Purges {
    purge: Purge,
    /// The site's public address, e.g. `https://example.com`: its host is the `Host` of a PURGE.
    base_url: String,
    wake: Arc<Notify>,
}

impl Purges {
    async fn send_due(
        &self,
        db: &Db,
        client: &reqwest::Client,
        now: Timestamp,
    ) -> anyhow::Result<usize> {
        let mut sent = 0;
        for item in store::claim_due(db, Kind::Purge, now, LEASE, 10).await? {
            match self.send(client, &item).await {
                Ok(()) => {
                    store::mark_sent(db, item.id, now).await?;
                    sent += 1;
                }
                Err(error) => {
                    let attempts = item.attempts + 1;
                    let retry_at = (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts));
                    tracing::warn!(outbox_id = item.id, attempts, %error, "outbox: cache purge failed");
                    store::mark_attempt_failed(db, item.id, &error, retry_at).await?;
                }
            }
        }
        Ok(sent)
    }

    async fn send(&self, client: &reqwest::Client, item: &QueuedMail) -> Result<(), String> {
        let target = item.recipient.trim_end_matches('/');
        let urls: Vec<&str> = item.body_text.lines().filter(|l| !l.is_empty()).collect();
        match self.purge.method {
            PurgeMethod::Post => {
                let body = serde_json::json!({ "urls": urls }).to_string();
                let response = client
                    .post(target)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                accepted(response.status(), false)
            }
            PurgeMethod::Purge => {
                let purge = reqwest::Method::from_bytes(b"PURGE").map_err(|e| e.to_string())?;
                let host = host_of(&self.base_url);
                for url in urls {
                    let path = url.strip_prefix(self.base_url.as_str()).unwrap_or(url);
                    // Caches that keep one entry per coding (nginx, see deploy/nginx-cache.conf)
                    // forget one entry per PURGE: one for each coding Magnetiq answers in.
                    for coding in ["br", "gzip", "identity"] {
                        let response = client
                            .request(purge.clone(), format!("{target}{path}"))
                            .header(header::HOST, host)
                            .header(header::ACCEPT_ENCODING, coding)
                            .send()
                            .await
                            .map_err(|e| e.to_string())?;
                        accepted(response.status(), true)?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// 2xx is done; for a PURGE, 404 too (the cache did not hold that address).
fn accepted(status: reqwest::StatusCode, is_purge: bool) -> Result<(), String> {
    if status.is_success() || (is_purge && status == reqwest::StatusCode::NOT_FOUND) {
        Ok(())
    } else {
        Err(format!("the cache answered {status}"))
    }
}

/// `example.com:8443` of `https://example.com:8443/...`.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_answers() {
        assert_eq!(host_of("https://example.com:8443/x"), "example.com:8443");
        assert_eq!(host_of("http://magnetiq.test"), "magnetiq.test");
        assert!(accepted(reqwest::StatusCode::NOT_FOUND, true).is_ok());
        assert!(accepted(reqwest::StatusCode::NOT_FOUND, false).is_err());
        assert!(accepted(reqwest::StatusCode::BAD_GATEWAY, true).is_err());
    }
}
