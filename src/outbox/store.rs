//! Every SQL statement about the outbox.
use sqlx::{FromRow, SqliteConnection};

use crate::db::{Db, to_db_time};

/// A mail to send: plain text and HTML, optionally one attachment (e.g. the `.ics`).
#[derive(Clone, Debug)]
pub struct NewMail {
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachment: Option<Attachment>,
}

#[derive(Clone, Debug)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub content: String,
}

/// Queues a mail inside the caller's transaction.
pub async fn enqueue(
    conn: &mut SqliteConnection,
    mail: &NewMail,
    booking_id: Option<i64>,
) -> anyhow::Result<i64> {
    let (name, kind, content) = match &mail.attachment {
        Some(a) => (
            Some(a.name.as_str()),
            Some(a.content_type.as_str()),
            Some(a.content.as_str()),
        ),
        None => (None, None, None),
    };
    Ok(sqlx::query_scalar(
        "INSERT INTO outbox (recipient, subject, body_text, body_html, attachment_name, attachment_type, attachment, booking_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&mail.recipient)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(name)
    .bind(kind)
    .bind(content)
    .bind(booking_id)
    .fetch_one(conn)
    .await?)
}

#[derive(Clone, Debug, FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub created_at: String,
}

/// What the outbox carries: mails, and cache purges for a CDN or reverse proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Mail,
    Purge,
}

impl Kind {
    fn as_db(self) -> &'static str {
        match self {
            Kind::Mail => "mail",
            Kind::Purge => "purge",
        }
    }
}

/// Queues a cache purge of `urls` to `target` (outside any transaction: it follows a committed edit).
pub async fn enqueue_purge(db: &Db, target: &str, urls: &[String]) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO outbox (kind, recipient, subject, body_text, body_html)
         VALUES ('purge', ?, ?, ?, '') RETURNING id",
    )
    .bind(target)
    .bind(format!("Cache purge: {} addresses", urls.len()))
    .bind(urls.join("\n"))
    .fetch_one(db)
    .await?)
}

/// Pending items of `kind` whose time has come, oldest first.
pub async fn due(
    db: &Db,
    kind: Kind,
    now: jiff::Timestamp,
    limit: i64,
) -> anyhow::Result<Vec<QueuedMail>> {
    Ok(sqlx::query_as(
        "SELECT id, recipient, subject, body_text, body_html, attachment_name, attachment_type, attachment, status,
                attempts, next_attempt_at, last_error, created_at
         FROM outbox WHERE kind = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
    )
    .bind(kind.as_db())
    .bind(stamp(now))
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// Mails for the admin: pending and failed first, then the latest sent.
pub async fn recent(db: &Db, limit: i64) -> anyhow::Result<Vec<QueuedMail>> {
    Ok(sqlx::query_as(
        "SELECT id, recipient, subject, body_text, body_html, attachment_name, attachment_type, attachment, status,
                attempts, next_attempt_at, last_error, created_at
         FROM outbox ORDER BY status = 'sent', id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}

pub async fn mark_sent(db: &Db, id: i64, now: jiff::Timestamp) -> anyhow::Result<()> {
    sqlx::query("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?")
        .bind(stamp(now))
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: tried again at `retry_at`, or given up on (`None`).
pub async fn mark_attempt_failed(
    db: &Db,
    id: i64,
    error: &str,
    retry_at: Option<jiff::Timestamp>,
) -> anyhow::Result<()> {
    let status = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    sqlx::query("UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at) WHERE id = ?")
        .bind(status)
        .bind(error.chars().take(500).collect::<String>())
        .bind(retry_at.map(stamp))
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Queues a failed (or pending) mail again, for now.
pub async fn retry(db: &Db, id: i64) -> anyhow::Result<bool> {
    let done = sqlx::query("UPDATE outbox SET status = 'pending', next_attempt_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ? AND status != 'sent'")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_failed(db: &Db) -> anyhow::Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status = 'failed'")
            .fetch_one(db)
            .await?,
    )
}

/// The database's timestamp format for a jiff instant.
fn stamp(t: jiff::Timestamp) -> String {
    match time::OffsetDateTime::from_unix_timestamp(t.as_second()) {
        Ok(t) => to_db_time(t),
        Err(_) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}
