//! Delivers the outbox over SMTP. State lives in the database, so a restart picks up where it left
//! off: every pending mail whose time has come is tried; a failure is retried after 30 s, then twice
//! as long each time (at most an hour), and after ten attempts the mail is marked failed for an admin
//! to look at and retry.
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::store::{self, QueuedMail};
use crate::db::Db;

pub const MAX_ATTEMPTS: i64 = 10;
/// How long a claimed item is this worker's alone: a round of ten mails at most 20 s each fits
/// well inside; after it, a worker that died is replaced by another instance's.
pub const LEASE: SignedDuration = SignedDuration::from_secs(5 * 60);
const POLL: Duration = Duration::from_secs(5);

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// An SMTP transport from `MAGNETIQ_SMTP_URL`, e.g. `smtp://mail.example.com:587?tls=required`.
pub fn transport(url: &str) -> anyhow::Result<Transport> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| anyhow::anyhow!("MAGNETIQ_SMTP_URL: {e}"))?
        .timeout(Some(Duration::from_secs(20)))
        .build())
}

/// Runs until the process ends, delivering due mails every few seconds.
pub fn spawn(db: Db, transport: Transport, from: Mailbox) {
    tokio::spawn(async move {
        loop {
            match send_due(&db, &transport, &from, Timestamp::now()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "outbox: mails delivered"),
                Err(error) => tracing::warn!(%error, "outbox: delivery round failed"),
            }
            tokio::time::sleep(POLL).await;
        }
    });
}

/// Tries every mail due at `now` once; returns how many were delivered.
pub async fn send_due(
    db: &Db,
    transport: &Transport,
    from: &Mailbox,
    now: Timestamp,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for mail in store::claim_due(db, store::Kind::Mail, now, LEASE, 10).await? {
        let result = match build(&mail, from) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(()) => {
                store::mark_sent(db, mail.id, now).await?;
                sent += 1;
            }
            Err(error) => {
                let attempts = mail.attempts + 1;
                let retry_at = (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts));
                tracing::warn!(mail_id = mail.id, attempts, %error, "outbox: delivery failed");
                store::mark_attempt_failed(db, mail.id, &error, retry_at).await?;
            }
        }
    }
    Ok(sent)
}

/// 30 s after the first failure, doubling, at most an hour.
pub fn backoff(attempts: i64) -> SignedDuration {
    let secs = 30i64.saturating_mul(1 << (attempts - 1).clamp(0, 20));
    SignedDuration::from_secs(secs.min(3600))
}

fn build(mail: &QueuedMail, from: &Mailbox) -> anyhow::Result<Message> {
    let to: Mailbox = mail.recipient.parse()?;
    let alternative = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body_text.clone()),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(mail.body_html.clone()),
        );
    let body = match (
        &mail.attachment_name,
        &mail.attachment_type,
        &mail.attachment,
    ) {
        (Some(name), Some(kind), Some(content)) => {
            let kind = ContentType::parse(kind)?;
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(Attachment::new(name.clone()).body(content.clone(), kind))
        }
        _ => alternative,
    };
    let mut message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone());
    if let Some(url) = &mail.list_unsubscribe {
        // RFC 8058: one click in the mail client unsubscribes with a POST to `url`.
        message = message
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    Ok(message.multipart(body)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(backoff(1), SignedDuration::from_secs(30));
        assert_eq!(backoff(2), SignedDuration::from_secs(60));
        assert_eq!(backoff(5), SignedDuration::from_secs(480));
        assert_eq!(backoff(9), SignedDuration::from_secs(3600));
    }
}
