//! Every SQL statement about the outbox.
use sqlx::FromRow;

use crate::db::{Db, DbTime, Sql, Tx, now, sql};

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

/// Where a queued mail belongs and when it may go out.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    pub booking_id: Option<i64>,
    pub registration_id: Option<i64>,
    /// A whitepaper lead's mails go with the lead when it is erased.
    pub lead_id: Option<i64>,
    /// A contact message's mails go with the message.
    pub message_id: Option<i64>,
    /// A newsletter subscriber's mails go with the subscription.
    pub subscriber_id: Option<i64>,
    /// The team's mail about a submission of a built form goes with the submission.
    pub submission_id: Option<i64>,
    /// A mail about an inbox lead (to its owner) goes with the lead.
    pub inbox_lead_id: Option<i64>,
    /// The one-click unsubscribe address (RFC 8058) of a mail to a subscriber: sent as
    /// `List-Unsubscribe` with `List-Unsubscribe-Post`.
    pub list_unsubscribe: Option<String>,
    /// Why it is there, e.g. `webinar-reminder-1d`: mails of one purpose are withdrawn together.
    pub purpose: &'static str,
    /// Not before (a reminder's time); `None`: at once.
    pub send_after: Option<jiff::Timestamp>,
    /// Never after (a reminder once the webinar began); `None`: no limit.
    pub not_after: Option<jiff::Timestamp>,
}

/// Mails an address that a visitor typed may be sent in 24 hours, whatever form queued them: a
/// script typing someone else's address into the site's forms cannot turn Magnetiq into a mail
/// cannon against them. Mails to staff do not count against it.
pub const VISITOR_MAILS_PER_DAY: i64 = 12;

/// Queues `mail` to an address a visitor typed, unless that address had
/// [`VISITOR_MAILS_PER_DAY`] mails in the last 24 hours; `Ok(None)` when it was left unsent.
/// Holds the address until the transaction ends, so parallel forms count right.
pub async fn enqueue_to_visitor(
    tx: &mut Tx,
    mail: &NewMail,
    placement: &Placement,
) -> anyhow::Result<Option<i64>> {
    tx.lock_name(&format!("mails-to:{}", mail.recipient))
        .await?;
    let queued: i64 = sql("SELECT count(*) FROM outbox WHERE recipient = $1 AND created_at > $2")
        .bind(&mail.recipient)
        .bind(now() - time::Duration::days(1))
        .scalar(&mut *tx)
        .await?;
    if queued >= VISITOR_MAILS_PER_DAY {
        tracing::warn!(
            purpose = placement.purpose,
            "a visitor's address had its mails for today; one more was not queued"
        );
        return Ok(None);
    }
    Ok(Some(enqueue_placed(tx, mail, placement).await?))
}

/// Queues a mail inside the caller's transaction.
pub async fn enqueue(tx: &mut Tx, mail: &NewMail, booking_id: Option<i64>) -> anyhow::Result<i64> {
    let placement = Placement {
        booking_id,
        ..Placement::default()
    };
    enqueue_placed(tx, mail, &placement).await
}

/// Queues a mail inside the caller's transaction, placed as `placement` says.
pub async fn enqueue_placed(
    tx: &mut Tx,
    mail: &NewMail,
    placement: &Placement,
) -> anyhow::Result<i64> {
    let (name, kind, content) = match &mail.attachment {
        Some(a) => (
            Some(a.name.as_str()),
            Some(a.content_type.as_str()),
            Some(a.content.as_str()),
        ),
        None => (None, None, None),
    };
    let now = now();
    Ok(sql(
        "INSERT INTO outbox (recipient, subject, body_text, body_html, attachment_name, attachment_type, attachment,
                             booking_id, registration_id, lead_id, message_id, subscriber_id, list_unsubscribe,
                             purpose, next_attempt_at, not_after, created_at, submission_id, inbox_lead_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
    )
    .bind(&mail.recipient)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(name)
    .bind(kind)
    .bind(content)
    .bind(placement.booking_id)
    .bind(placement.registration_id)
    .bind(placement.lead_id)
    .bind(placement.message_id)
    .bind(placement.subscriber_id)
    .bind(placement.list_unsubscribe.as_deref())
    .bind(placement.purpose)
    .bind(placement.send_after.map(DbTime::from).unwrap_or(DbTime::new(now)))
    .bind(placement.not_after)
    .bind(now)
    .bind(placement.submission_id)
    .bind(placement.inbox_lead_id)
    .scalar(tx)
    .await?)
}

/// Withdraws the pending mails of a registration with one of `purposes` (its reminders, when it is
/// cancelled or the webinar moves); returns how many.
pub async fn withdraw(
    tx: &mut Tx,
    registration_id: i64,
    purposes: &[&'static str],
) -> anyhow::Result<u64> {
    let mut withdrawn = 0;
    for purpose in purposes {
        withdrawn += sql(
            "DELETE FROM outbox WHERE registration_id = $1 AND purpose = $2 AND status = 'pending'",
        )
        .bind(registration_id)
        .bind(*purpose)
        .execute(&mut *tx)
        .await?;
    }
    Ok(withdrawn)
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
    pub next_attempt_at: DbTime,
    pub last_error: Option<String>,
    pub created_at: DbTime,
    pub list_unsubscribe: Option<String>,
}

const COLUMNS: &str = "id, recipient, subject, body_text, body_html, attachment_name, attachment_type, attachment, status,
     attempts, next_attempt_at, last_error, created_at, list_unsubscribe";

/// One queued mail or purge, with why it is there (its purpose), for the admin.
pub async fn mail(db: &Db, id: i64) -> anyhow::Result<Option<(QueuedMail, String)>> {
    let mail: Option<QueuedMail> =
        Sql::assembled(format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"))
            .bind(id)
            .fetch_optional(db)
            .await?;
    let Some(mail) = mail else { return Ok(None) };
    let purpose: String = sql("SELECT purpose FROM outbox WHERE id = $1")
        .bind(id)
        .scalar(db)
        .await?;
    Ok(Some((mail, purpose)))
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
    Ok(sql(
        "INSERT INTO outbox (kind, recipient, subject, body_text, body_html, next_attempt_at, created_at)
         VALUES ('purge', $1, $2, $3, '', $4, $4) RETURNING id",
    )
    .bind(target)
    .bind(format!("Cache purge: {} addresses", urls.len()))
    .bind(urls.join("\n"))
    .bind(now())
    .scalar(db)
    .await?)
}

/// Claims up to `limit` pending items of `kind` whose time has come, oldest first, for `lease`: no
/// other worker (on this instance or another) takes them meanwhile. An item whose worker died is
/// claimed again once its lease has run out. On PostgreSQL a racing claim re-checks `claimed_until`
/// on the row it waited for, so an item is never claimed twice.
pub async fn claim_due(
    db: &Db,
    kind: Kind,
    now: jiff::Timestamp,
    lease: jiff::SignedDuration,
    limit: i64,
) -> anyhow::Result<Vec<QueuedMail>> {
    // What is too late to send (a reminder of a webinar that began) goes, unsent.
    sql(
        "DELETE FROM outbox WHERE status = 'pending' AND not_after IS NOT NULL AND not_after <= $1",
    )
    .bind(now)
    .execute(db)
    .await?;
    let mut claimed: Vec<QueuedMail> = Sql::assembled(format!(
        "UPDATE outbox SET claimed_until = $1
         WHERE id IN (SELECT id FROM outbox
                      WHERE kind = $2 AND status = 'pending' AND next_attempt_at <= $3
                        AND (claimed_until IS NULL OR claimed_until <= $3)
                        AND (not_after IS NULL OR not_after > $3)
                      ORDER BY id LIMIT $4)
           AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= $3)
         RETURNING {COLUMNS}"
    ))
    .bind(now + lease)
    .bind(kind.as_db())
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await?;
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

/// Mails for the admin: pending and failed first, then the latest sent.
pub async fn recent(db: &Db, limit: i64) -> anyhow::Result<Vec<QueuedMail>> {
    Ok(Sql::assembled(format!(
        "SELECT {COLUMNS} FROM outbox ORDER BY status = 'sent', id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await?)
}

pub async fn mark_sent(db: &Db, id: i64, now: jiff::Timestamp) -> anyhow::Result<()> {
    sql("UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL,
                           claimed_until = NULL
         WHERE id = $2")
    .bind(now)
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
    sql(
        "UPDATE outbox SET status = $1, attempts = attempts + 1, last_error = $2,
                           next_attempt_at = coalesce($3, next_attempt_at), claimed_until = NULL
         WHERE id = $4",
    )
    .bind(status)
    .bind(error.chars().take(500).collect::<String>())
    .bind(retry_at)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Queues a failed (or pending) mail again, for now.
pub async fn retry(db: &Db, id: i64) -> anyhow::Result<bool> {
    let changed = sql(
        "UPDATE outbox SET status = 'pending', next_attempt_at = $1 WHERE id = $2 AND status <> 'sent'",
    )
    .bind(now())
    .bind(id)
    .execute(db)
    .await?;
    Ok(changed == 1)
}

/// The queue as operators watch it: pending (not claimed), being sent (claimed by a worker),
/// failed for good, and how long the oldest pending item has waited, in seconds.
pub struct QueueState {
    pub pending: i64,
    pub sending: i64,
    pub failed: i64,
    pub oldest_pending_seconds: f64,
}

pub async fn queue_state(db: &Db, now: jiff::Timestamp) -> anyhow::Result<QueueState> {
    let (pending, sending, failed, oldest): (i64, i64, i64, Option<crate::db::DbTime>) = sql(
        "SELECT
            count(*) FILTER (WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until <= $1)),
            count(*) FILTER (WHERE status = 'pending' AND claimed_until > $1),
            count(*) FILTER (WHERE status = 'failed'),
            min(created_at) FILTER (WHERE status = 'pending')
         FROM outbox",
    )
    .bind(now)
    .fetch_one(db)
    .await?;
    let oldest_pending_seconds: f64 = oldest.map_or(0.0, |t| {
        let t: jiff::Timestamp = t.into();
        now.duration_since(t).as_secs_f64()
    });
    Ok(QueueState {
        pending,
        sending,
        failed,
        oldest_pending_seconds: oldest_pending_seconds.max(0.0),
    })
}

pub async fn count_failed(db: &Db) -> anyhow::Result<i64> {
    Ok(sql("SELECT count(*) FROM outbox WHERE status = 'failed'")
        .scalar(db)
        .await?)
}
