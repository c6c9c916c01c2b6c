//! Every SQL statement about an issue's deliveries: one row per recipient, made when sending starts
//! and claimed by one sender at a time, at the site's pace.
use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use sqlx::FromRow;

use super::model::{RenderedMail, Report};
use crate::db::{Db, DbTime, JsonText, sql};

/// Starts issue `id` if it is still scheduled: its mails rendered once (`rendered`), and one
/// delivery row per confirmed, never-bounced subscriber of its audience, in their language where
/// the issue has one (`languages`, comma-separated), else in `default`. Several instances may try
/// at once: one starts it, the others find it started. The number of recipients, or `None`.
pub async fn start(
    db: &Db,
    id: i64,
    rendered: &BTreeMap<String, RenderedMail>,
    languages: &str,
    default: &str,
    now: Timestamp,
) -> anyhow::Result<Option<u64>> {
    let mut tx = db.begin().await?;
    tx.lock_row("newsletter_issues", id).await?;
    let started = sql(
        "UPDATE newsletter_issues SET status = 'sending', rendered = $1, started_at = $2, updated_at = $2
         WHERE id = $3 AND status = 'scheduled'",
    )
    .bind(JsonText::of(rendered)?)
    .bind(now)
    .bind(id)
    .execute(&mut tx)
    .await?;
    if started != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    let recipients = sql(
        "INSERT INTO newsletter_deliveries (issue_id, subscriber_id, language, next_attempt_at)
         SELECT $1, s.id,
                CASE WHEN ',' || $2 || ',' LIKE '%,' || s.language || ',%' THEN s.language ELSE $3 END, $4
           FROM newsletter_subscribers s, newsletter_issues i
          WHERE i.id = $1 AND s.status = 'confirmed' AND s.bounced_at IS NULL
            AND (i.audience = 'all' OR s.language = i.audience)
          ORDER BY s.id",
    )
    .bind(id)
    .bind(languages)
    .bind(default)
    .bind(now)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(Some(recipients))
}

/// A delivery a sender holds for its lease.
#[derive(Clone, Debug, FromRow)]
pub struct Claimed {
    pub id: i64,
    pub issue_id: i64,
    pub subscriber_id: i64,
    pub email: String,
    pub language: String,
    pub attempts: i64,
}

/// Claims the deliveries the site's pace allows now (at most `batch`), for `lease`: one mail every
/// `interval`, shared by every instance through one row, so that the site sends at its rate however
/// many instances send. Only issues that are sending give deliveries.
pub async fn claim(
    db: &Db,
    now: Timestamp,
    interval: SignedDuration,
    batch: i64,
    lease: SignedDuration,
) -> anyhow::Result<Vec<Claimed>> {
    // Most of the time nothing is sending: then no write transaction waits for its turn.
    let sending: i64 = sql("SELECT count(*) FROM newsletter_issues WHERE status = 'sending'")
        .scalar(db)
        .await?;
    if sending == 0 {
        return Ok(Vec::new());
    }
    let mut tx = db.begin().await?;
    sql("INSERT INTO newsletter_pace (id, next_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .bind(now - SignedDuration::from_secs(1))
        .execute(&mut tx)
        .await?;
    tx.lock_row("newsletter_pace", 1).await?;
    let next: DbTime = sql("SELECT next_at FROM newsletter_pace WHERE id = 1")
        .scalar(&mut tx)
        .await?;
    let next: Timestamp = next.into();
    // A quiet while earns no burst beyond one second's mails.
    let earliest = now - SignedDuration::from_secs(1);
    let from = if next < earliest { earliest } else { next };
    let allowed = if from > now {
        0
    } else {
        let earned = now.duration_since(from).as_nanos() / interval.as_nanos().max(1);
        i64::try_from(earned)
            .unwrap_or(i64::MAX)
            .saturating_add(1)
            .min(batch)
    };
    if allowed == 0 {
        tx.rollback().await?;
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = sql("SELECT d.id FROM newsletter_deliveries d
           JOIN newsletter_issues i ON i.id = d.issue_id
           JOIN newsletter_subscribers s ON s.id = d.subscriber_id
          WHERE i.status = 'sending' AND d.status = 'pending' AND d.next_attempt_at <= $1
            AND (d.claimed_until IS NULL OR d.claimed_until <= $1)
            AND s.status = 'confirmed' AND s.bounced_at IS NULL
          ORDER BY d.id LIMIT $2")
    .bind(now)
    .bind(allowed)
    .scalars(&mut tx)
    .await?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<Claimed> = sql(
            "UPDATE newsletter_deliveries SET claimed_until = $1
              WHERE id = $2 AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= $3)
              RETURNING id, issue_id, subscriber_id,
                        (SELECT email FROM newsletter_subscribers s WHERE s.id = subscriber_id) AS email,
                        language, attempts",
        )
        .bind(now + lease)
        .bind(id)
        .bind(now)
        .fetch_optional(&mut tx)
        .await?;
        claimed.extend(row);
    }
    let used = i64::try_from(claimed.len()).unwrap_or(0);
    if used > 0 {
        let next_at = from + SignedDuration::from_nanos(interval.as_nanos() as i64 * used);
        sql("UPDATE newsletter_pace SET next_at = $1 WHERE id = 1")
            .bind(next_at)
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Whether delivery `id` may go now: the sender's claim holds with `margin` to spare, the issue is
/// still sending (not paused or cancelled) and its subscriber still subscribed.
pub async fn still_held(
    db: &Db,
    id: i64,
    now: Timestamp,
    margin: SignedDuration,
) -> anyhow::Result<bool> {
    Ok(sql("SELECT count(*) FROM newsletter_deliveries d
           JOIN newsletter_issues i ON i.id = d.issue_id
           JOIN newsletter_subscribers s ON s.id = d.subscriber_id
          WHERE d.id = $1 AND d.status = 'pending' AND d.claimed_until > $2
            AND i.status = 'sending' AND s.status = 'confirmed' AND s.bounced_at IS NULL")
    .bind(id)
    .bind(now + margin)
    .scalar::<i64>(db)
    .await?
        == 1)
}

pub async fn mark_sent(db: &Db, id: i64, now: Timestamp) -> anyhow::Result<()> {
    sql(
        "UPDATE newsletter_deliveries SET status = 'sent', sent_at = $1, attempts = attempts + 1,
            claimed_until = NULL, last_error = NULL
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// A temporary failure: tried again at `retry_at`, or given up on (`None`).
pub async fn mark_failed(
    db: &Db,
    id: i64,
    error: &str,
    retry_at: Option<Timestamp>,
) -> anyhow::Result<()> {
    let status = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    sql(
        "UPDATE newsletter_deliveries SET status = $1, attempts = attempts + 1, last_error = $2,
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

/// A permanent refusal: the delivery is bounced and its subscriber is never mailed again.
pub async fn mark_bounced(db: &Db, id: i64, error: &str, now: Timestamp) -> anyhow::Result<()> {
    let error: String = error.chars().take(500).collect();
    let mut tx = db.begin().await?;
    let subscriber: Option<i64> = sql(
        "UPDATE newsletter_deliveries SET status = 'bounced', attempts = attempts + 1, last_error = $1,
            claimed_until = NULL
         WHERE id = $2 RETURNING subscriber_id",
    )
    .bind(&error)
    .bind(id)
    .scalar_optional(&mut tx)
    .await?;
    if let Some(subscriber) = subscriber {
        sql(
            "UPDATE newsletter_subscribers SET bounced_at = $1, bounce_reason = $2, updated_at = $1
             WHERE id = $3 AND bounced_at IS NULL",
        )
        .bind(now)
        .bind(&error)
        .bind(subscriber)
        .execute(&mut tx)
        .await?;
        // Nothing else goes to that address: its pending deliveries of other issues end too.
        sql(
            "UPDATE newsletter_deliveries SET status = 'bounced', last_error = $1
             WHERE subscriber_id = $2 AND status = 'pending'",
        )
        .bind(&error)
        .bind(subscriber)
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Issues that are sending and have nothing left to send become sent (what is left for addresses
/// that unsubscribed or bounced meanwhile is cancelled); how many.
pub async fn finish_done(db: &Db, now: Timestamp) -> anyhow::Result<u64> {
    let done: Vec<i64> = sql("SELECT i.id FROM newsletter_issues i
          WHERE i.status = 'sending'
            AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries d
                              JOIN newsletter_subscribers s ON s.id = d.subscriber_id
                             WHERE d.issue_id = i.id AND d.status = 'pending'
                               AND s.status = 'confirmed' AND s.bounced_at IS NULL)")
    .scalars(db)
    .await?;
    let mut finished = 0;
    for id in done {
        let mut tx = db.begin().await?;
        tx.lock_row("newsletter_issues", id).await?;
        let changed = sql(
            "UPDATE newsletter_issues SET status = 'sent', finished_at = $1, updated_at = $1
             WHERE id = $2 AND status = 'sending'
               AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries d
                                 JOIN newsletter_subscribers s ON s.id = d.subscriber_id
                                WHERE d.issue_id = $2 AND d.status = 'pending'
                                  AND s.status = 'confirmed' AND s.bounced_at IS NULL)",
        )
        .bind(now)
        .bind(id)
        .execute(&mut tx)
        .await?;
        if changed == 1 {
            sql(
                "UPDATE newsletter_deliveries SET status = 'cancelled', claimed_until = NULL
                 WHERE issue_id = $1 AND status = 'pending'",
            )
            .bind(id)
            .execute(&mut tx)
            .await?;
            finished += 1;
        }
        tx.commit().await?;
    }
    Ok(finished)
}

/// Cancels an issue that has not finished: what was not sent stays unsent.
pub async fn cancel(db: &Db, id: i64, now: Timestamp) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    tx.lock_row("newsletter_issues", id).await?;
    let changed = sql(
        "UPDATE newsletter_issues SET status = 'cancelled', finished_at = $1, updated_at = $1
         WHERE id = $2 AND status IN ('scheduled', 'sending', 'paused')",
    )
    .bind(now)
    .bind(id)
    .execute(&mut tx)
    .await?;
    sql(
        "UPDATE newsletter_deliveries SET status = 'cancelled', claimed_until = NULL
         WHERE issue_id = $1 AND status = 'pending'",
    )
    .bind(id)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(changed == 1)
}

/// How the sending of issue `id` stands.
pub async fn report(db: &Db, id: i64) -> anyhow::Result<Report> {
    let (recipients, sent, pending, failed, bounced, cancelled, unsubscribed_since): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sql("SELECT count(*),
                count(*) FILTER (WHERE d.status = 'sent'),
                count(*) FILTER (WHERE d.status = 'pending'),
                count(*) FILTER (WHERE d.status = 'failed'),
                count(*) FILTER (WHERE d.status = 'bounced'),
                count(*) FILTER (WHERE d.status = 'cancelled'),
                count(*) FILTER (WHERE d.status = 'sent' AND s.unsubscribed_at IS NOT NULL
                                   AND s.unsubscribed_at >= d.sent_at)
           FROM newsletter_deliveries d JOIN newsletter_subscribers s ON s.id = d.subscriber_id
          WHERE d.issue_id = $1")
    .bind(id)
    .fetch_one(db)
    .await?;
    Ok(Report {
        recipients,
        sent,
        pending,
        failed,
        bounced,
        cancelled,
        unsubscribed_since,
    })
}

/// An issue sent to a person, for their export.
#[derive(Clone, Debug, FromRow)]
pub struct PersonDelivery {
    pub issue_id: i64,
    pub subject: String,
    pub language: String,
    pub status: String,
    pub sent_at: Option<DbTime>,
}

/// The issues mailed (or being mailed) to `email`.
pub async fn of_person(db: &Db, email: &str) -> anyhow::Result<Vec<PersonDelivery>> {
    let rows: Vec<(i64, JsonText, String, String, Option<DbTime>)> = sql(
        "SELECT d.issue_id, i.subject, d.language, d.status, d.sent_at
           FROM newsletter_deliveries d
           JOIN newsletter_subscribers s ON s.id = d.subscriber_id
           JOIN newsletter_issues i ON i.id = d.issue_id
          WHERE lower(s.email) = $1 ORDER BY d.id",
    )
    .bind(email)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(issue_id, subject, language, status, sent_at)| {
            let subjects: super::model::Texts = subject.parse().unwrap_or_default();
            PersonDelivery {
                issue_id,
                subject: subjects
                    .get(&language)
                    .cloned()
                    .or_else(|| subjects.values().next().cloned())
                    .unwrap_or_default(),
                language,
                status,
                sent_at,
            }
        })
        .collect())
}

/// Erases the deliveries to `email` (inside the person's erasure, before the subscription goes).
pub async fn erase_person(tx: &mut crate::db::Tx, email: &str) -> anyhow::Result<u64> {
    Ok(sql("DELETE FROM newsletter_deliveries
          WHERE subscriber_id IN (SELECT id FROM newsletter_subscribers WHERE lower(email) = $1)")
    .bind(email)
    .execute(tx)
    .await?)
}

/// The deliveries of an issue for its report page: the latest problems first.
pub async fn problems(
    db: &Db,
    id: i64,
    limit: i64,
) -> anyhow::Result<Vec<(String, String, String)>> {
    Ok(sql("SELECT s.email, d.status, coalesce(d.last_error, '')
           FROM newsletter_deliveries d JOIN newsletter_subscribers s ON s.id = d.subscriber_id
          WHERE d.issue_id = $1 AND (d.status IN ('failed', 'bounced') OR d.last_error IS NOT NULL)
          ORDER BY d.id DESC LIMIT $2")
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await?)
}
