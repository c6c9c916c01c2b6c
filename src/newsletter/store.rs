//! Every SQL statement about newsletter subscriptions.
use jiff::{SignedDuration, Timestamp};
use sqlx::FromRow;

use crate::db::{Db, DbTime, Sql, Tx, sql};
use crate::outbox::store::{NewMail, Placement, enqueue_to_visitor};

/// How long a confirmation link works.
pub const CONFIRM_VALID: SignedDuration = SignedDuration::from_hours(7 * 24);
/// The most confirmation mails one address gets in a day, however often it is typed in.
pub const CONFIRM_MAILS_PER_DAY: i64 = 3;

#[derive(Clone, Debug, FromRow)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub language: String,
    pub status: String,
    pub consent_at: DbTime,
    pub consent_version: String,
    pub source_url: String,
    pub confirmed_at: Option<DbTime>,
    pub unsubscribed_at: Option<DbTime>,
    pub created_at: DbTime,
    /// When the address's mail server refused an issue for good: never mailed again.
    pub bounced_at: Option<DbTime>,
}

impl Subscriber {
    /// The status as the admin shows it: `bounced` above any other.
    pub fn shown_status(&self) -> &str {
        if self.bounced_at.is_some() {
            "bounced"
        } else {
            &self.status
        }
    }
}

const COLUMNS: &str =
    "id, email, language, status, consent_at, consent_version, source_url, confirmed_at,
     unsubscribed_at, created_at, bounced_at";

/// A sign-up as the visitor sent it.
pub struct SignUp<'a> {
    pub email: &'a str,
    pub language: &'a str,
    pub consent_version: &'a str,
    pub source_url: &'a str,
    /// The hash of the confirmation link's token.
    pub token_hash: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A confirmation mail is queued.
    Mailed,
    /// Already confirmed: nothing to do (the visitor is told the same as for a new address).
    AlreadyConfirmed,
    /// The address got its confirmation mails for today.
    TooManyToday,
    /// Asked on another lead form: confirmed by that form's own link, no mail of its own.
    AwaitsLeadConfirmation,
}

/// Records a sign-up (new, again while pending, or after unsubscribing) and queues the
/// confirmation mail `mail(subscriber id)` in one transaction, under the address's lock so two
/// sign-ups at once make one row and count their mails right.
pub async fn sign_up(
    db: &Db,
    new: &SignUp<'_>,
    now: Timestamp,
    mail: impl FnOnce(i64) -> anyhow::Result<(NewMail, String)>,
) -> anyhow::Result<Outcome> {
    let mut tx = db.begin().await?;
    let outcome = join_in(&mut tx, new, "", now, mail).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The sign-up of `new` inside the caller's transaction (a lead form whose newsletter box was
/// ticked). `confirmed_by`: the lead path whose own link proves the address (the subscription is
/// confirmed with it, see [`confirm_by_lead`], and no mail of its own is sent), or `""` for the
/// newsletter's confirmation mail, made by `mail(subscriber id)`.
pub async fn join_in(
    tx: &mut Tx,
    new: &SignUp<'_>,
    confirmed_by: &str,
    now: Timestamp,
    mail: impl FnOnce(i64) -> anyhow::Result<(NewMail, String)>,
) -> anyhow::Result<Outcome> {
    tx.lock_name(&format!("newsletter:{}", new.email)).await?;
    let existing: Option<(i64, String)> =
        sql("SELECT id, status FROM newsletter_subscribers WHERE email = $1")
            .bind(new.email)
            .fetch_optional(&mut *tx)
            .await?;
    let id = match existing {
        Some((_, status)) if status == "confirmed" => return Ok(Outcome::AlreadyConfirmed),
        Some((id, _)) => {
            if confirmed_by.is_empty() {
                let mailed: i64 = sql(
                    "SELECT count(*) FROM outbox WHERE subscriber_id = $1 AND purpose = 'newsletter-confirm'
                     AND created_at > $2",
                )
                .bind(id)
                .bind(now - SignedDuration::from_hours(24))
                .scalar(&mut *tx)
                .await?;
                if mailed >= CONFIRM_MAILS_PER_DAY {
                    return Ok(Outcome::TooManyToday);
                }
            }
            sql(
                "UPDATE newsletter_subscribers SET status = 'pending', language = $1, confirm_token_hash = $2,
                    consent_at = $3, consent_version = $4, source_url = $5, unsubscribed_at = NULL, updated_at = $3,
                    confirmed_by = $6
                 WHERE id = $7",
            )
            .bind(new.language)
            .bind(new.token_hash)
            .bind(now)
            .bind(new.consent_version)
            .bind(new.source_url)
            .bind(confirmed_by)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            sql(
                "INSERT INTO newsletter_subscribers (email, language, status, confirm_token_hash, consent_at,
                    consent_version, source_url, created_at, updated_at, confirmed_by)
                 VALUES ($1, $2, 'pending', $3, $4, $5, $6, $4, $4, $7) RETURNING id",
            )
            .bind(new.email)
            .bind(new.language)
            .bind(new.token_hash)
            .bind(now)
            .bind(new.consent_version)
            .bind(new.source_url)
            .bind(confirmed_by)
            .scalar(&mut *tx)
            .await?
        }
    };
    if !confirmed_by.is_empty() {
        return Ok(Outcome::AwaitsLeadConfirmation);
    }
    let (mail, unsubscribe) = mail(id)?;
    let placement = Placement {
        subscriber_id: Some(id),
        list_unsubscribe: Some(unsubscribe),
        purpose: "newsletter-confirm",
        ..Placement::default()
    };
    enqueue_to_visitor(tx, &mail, &placement).await?;
    Ok(Outcome::Mailed)
}

/// The address of a pending subscription that waits for the lead path `path` was just proven by
/// that path's own link (a whitepaper download, a confirmed seat): the subscription is confirmed.
pub async fn confirm_by_lead(
    tx: &mut Tx,
    email: &str,
    path: &str,
    now: Timestamp,
) -> anyhow::Result<bool> {
    let confirmed = sql("UPDATE newsletter_subscribers
            SET status = 'confirmed', confirmed_at = $1, confirm_token_hash = NULL, updated_at = $1
          WHERE email = $2 AND status = 'pending' AND confirmed_by = $3")
    .bind(now)
    .bind(email)
    .bind(path)
    .execute(tx)
    .await?;
    Ok(confirmed == 1)
}

/// Whether a pending sign-up's confirmation link is valid (the confirm page shows its button).
pub async fn pending_by_token(
    db: &Db,
    token_hash: &str,
    now: Timestamp,
) -> anyhow::Result<Option<Subscriber>> {
    Ok(Sql::assembled(format!(
        "SELECT {COLUMNS} FROM newsletter_subscribers
         WHERE confirm_token_hash = $1 AND status = 'pending' AND updated_at > $2"
    ))
    .bind(token_hash)
    .bind(now - CONFIRM_VALID)
    .fetch_optional(db)
    .await?)
}

/// Confirms the sign-up the link belongs to; `None` when the link is unknown, used or expired.
pub async fn confirm(
    db: &Db,
    token_hash: &str,
    now: Timestamp,
) -> anyhow::Result<Option<Subscriber>> {
    Ok(Sql::assembled(format!(
        "UPDATE newsletter_subscribers SET status = 'confirmed', confirmed_at = $1, confirm_token_hash = NULL,
            updated_at = $1
         WHERE confirm_token_hash = $2 AND status = 'pending' AND updated_at > $3
         RETURNING {COLUMNS}"
    ))
    .bind(now)
    .bind(token_hash)
    .bind(now - CONFIRM_VALID)
    .fetch_optional(db)
    .await?)
}

pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<Subscriber>> {
    Ok(Sql::assembled(format!(
        "SELECT {COLUMNS} FROM newsletter_subscribers WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Unsubscribes; its pending mails are withdrawn. False when it was not subscribed (or pending).
pub async fn unsubscribe(db: &Db, id: i64, now: Timestamp) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let changed = sql(
        "UPDATE newsletter_subscribers SET status = 'unsubscribed', unsubscribed_at = $1, confirm_token_hash = NULL,
            updated_at = $1
         WHERE id = $2 AND status <> 'unsubscribed'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut tx)
    .await?;
    sql("DELETE FROM outbox WHERE subscriber_id = $1 AND status = 'pending'")
        .bind(id)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(changed == 1)
}

/// Which subscriptions the admin lists.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub status: Option<String>,
    /// Part of the address.
    pub search: Option<String>,
}

const WHERE: &str =
    "($1 IS NULL OR CASE WHEN bounced_at IS NULL THEN status ELSE 'bounced' END = $1)
     AND ($2 IS NULL OR email LIKE $2)";

fn filtered(text: String, f: &Filter) -> Sql {
    Sql::assembled(text)
        .bind(f.status.clone())
        .bind(f.search.as_ref().map(|s| {
            let escaped = s.to_lowercase().replace(['%', '_'], "");
            format!("%{escaped}%")
        }))
}

pub async fn list(db: &Db, f: &Filter, limit: i64, offset: i64) -> anyhow::Result<Vec<Subscriber>> {
    Ok(filtered(
        format!(
            "SELECT {COLUMNS} FROM newsletter_subscribers WHERE {WHERE}
             ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
        ),
        f,
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

pub async fn count(db: &Db, f: &Filter) -> anyhow::Result<i64> {
    Ok(filtered(
        format!("SELECT count(*) FROM newsletter_subscribers WHERE {WHERE}"),
        f,
    )
    .scalar(db)
    .await?)
}

/// The subscription of `email`, if any (for the person's page and export).
pub async fn of_person(db: &Db, email: &str) -> anyhow::Result<Option<Subscriber>> {
    Ok(Sql::assembled(format!(
        "SELECT {COLUMNS} FROM newsletter_subscribers WHERE lower(email) = $1"
    ))
    .bind(email)
    .fetch_optional(db)
    .await?)
}

/// Erases the subscription of `email` with its mails (inside the person's erasure).
pub async fn erase_person(tx: &mut Tx, email: &str) -> anyhow::Result<u64> {
    Ok(
        sql("DELETE FROM newsletter_subscribers WHERE lower(email) = $1")
            .bind(email)
            .execute(tx)
            .await?,
    )
}

/// Retention: sign-ups never confirmed since `unconfirmed_before`, and unsubscribed addresses
/// since `unsubscribed_before`; how many of each.
pub async fn delete_expired(
    db: &Db,
    unconfirmed_before: Option<Timestamp>,
    unsubscribed_before: Option<Timestamp>,
) -> anyhow::Result<(u64, u64)> {
    let mut unconfirmed = 0;
    if let Some(before) = unconfirmed_before {
        unconfirmed =
            sql("DELETE FROM newsletter_subscribers WHERE status = 'pending' AND updated_at < $1")
                .bind(before)
                .execute(db)
                .await?;
    }
    let mut unsubscribed = 0;
    if let Some(before) = unsubscribed_before {
        unsubscribed = sql(
            "DELETE FROM newsletter_subscribers WHERE status = 'unsubscribed' AND unsubscribed_at < $1",
        )
        .bind(before)
        .execute(db)
        .await?;
    }
    Ok((unconfirmed, unsubscribed))
}
