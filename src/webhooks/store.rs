//! Every SQL statement about webhook endpoints and their deliveries.
use jiff::{SignedDuration, Timestamp};
use sqlx::FromRow;

use super::Event;
use crate::db::{Db, DbTime, Sql, Tx, sql};

#[derive(Clone, Debug, FromRow)]
pub struct Endpoint {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub secret: String,
    pub events: String,
    pub active: bool,
    pub created_at: DbTime,
}

impl Endpoint {
    pub fn wants(&self, event: Event) -> bool {
        self.events.split_whitespace().any(|e| e == event.key())
    }
}

const ENDPOINT_COLUMNS: &str = "id, name, url, secret, events, active, created_at";

pub struct NewEndpoint<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub secret: &'a str,
    pub events: &'a [Event],
}

pub async fn add_endpoint(db: &Db, new: &NewEndpoint<'_>, now: Timestamp) -> anyhow::Result<i64> {
    let events: Vec<&str> = new.events.iter().map(|e| e.key()).collect();
    Ok(sql(
        "INSERT INTO webhook_endpoints (name, url, secret, events, active, created_at)
         VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING id",
    )
    .bind(new.name)
    .bind(new.url)
    .bind(new.secret)
    .bind(events.join(" "))
    .bind(now)
    .scalar(db)
    .await?)
}

pub async fn endpoints(db: &Db) -> anyhow::Result<Vec<Endpoint>> {
    Ok(Sql::assembled(format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY id"
    ))
    .fetch_all(db)
    .await?)
}

pub async fn endpoint(db: &Db, id: i64) -> anyhow::Result<Option<Endpoint>> {
    Ok(Sql::assembled(format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Deletes an endpoint with its deliveries; `false` when there was none.
pub async fn delete_endpoint(db: &Db, id: i64) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    sql("DELETE FROM webhook_deliveries WHERE endpoint_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let deleted = sql("DELETE FROM webhook_endpoints WHERE id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(deleted == 1)
}

/// The active endpoints that asked for `event`.
pub async fn endpoints_for(tx: &mut Tx, event: Event) -> anyhow::Result<Vec<i64>> {
    let endpoints: Vec<(i64, String)> =
        sql("SELECT id, events FROM webhook_endpoints WHERE active = TRUE")
            .fetch_all(&mut *tx)
            .await?;
    Ok(endpoints
        .into_iter()
        .filter(|(_, events)| events.split_whitespace().any(|e| e == event.key()))
        .map(|(id, _)| id)
        .collect())
}

/// One delivery of the event per endpoint in `endpoints` (see `super::queue`).
pub(super) async fn queue(
    tx: &mut Tx,
    endpoints: &[i64],
    event: Event,
    event_id: &str,
    email: &str,
    payload: &str,
    now: Timestamp,
) -> anyhow::Result<u64> {
    let mut queued = 0;
    for id in endpoints {
        queued += sql(
            "INSERT INTO webhook_deliveries (endpoint_id, event_id, event, email, payload, status,
                                             next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)
             ON CONFLICT (endpoint_id, event_id) DO NOTHING",
        )
        .bind(*id)
        .bind(event_id)
        .bind(event.key())
        .bind(email)
        .bind(payload)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(queued)
}

/// A delivery as the log shows it and the worker sends it.
#[derive(Clone, Debug, FromRow)]
pub struct Delivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: String,
    pub event: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub response_code: Option<i64>,
    pub last_error: Option<String>,
    pub next_attempt_at: DbTime,
    pub created_at: DbTime,
    pub sent_at: Option<DbTime>,
}

const DELIVERY_COLUMNS: &str =
    "id, endpoint_id, event_id, event, payload, status, attempts, response_code,
     last_error, next_attempt_at, created_at, sent_at";

/// Whether anything is due: a read, so an idle worker never takes SQLite's write lock.
pub async fn any_due(db: &Db, now: Timestamp) -> anyhow::Result<bool> {
    Ok(sql("SELECT EXISTS (SELECT 1 FROM webhook_deliveries
                        WHERE status = 'pending' AND next_attempt_at <= $1
                          AND (claimed_until IS NULL OR claimed_until <= $1))")
    .bind(now)
    .scalar(db)
    .await?)
}

/// Claims up to `limit` due deliveries for `lease`, oldest first, as the outbox claims its mails: no
/// other worker, here or on another instance, sends them meanwhile; one whose worker died is
/// claimed again once the lease has run out.
pub async fn claim_due(
    db: &Db,
    now: Timestamp,
    lease: SignedDuration,
    limit: i64,
) -> anyhow::Result<Vec<Delivery>> {
    let mut claimed: Vec<Delivery> = Sql::assembled(format!(
        "UPDATE webhook_deliveries SET claimed_until = $1
         WHERE id IN (SELECT id FROM webhook_deliveries
                      WHERE status = 'pending' AND next_attempt_at <= $2
                        AND (claimed_until IS NULL OR claimed_until <= $2)
                      ORDER BY id LIMIT $3)
           AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= $2)
         RETURNING {DELIVERY_COLUMNS}"
    ))
    .bind(now + lease)
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await?;
    claimed.sort_by_key(|d| d.id);
    Ok(claimed)
}

/// The endpoint answered 2xx. An erasure's payload (the erased address) is dropped once it has
/// been handed on: the log keeps that it went, not whom it was about.
pub async fn mark_sent(db: &Db, id: i64, code: u16, now: Timestamp) -> anyhow::Result<()> {
    sql("UPDATE webhook_deliveries
            SET status = 'sent', sent_at = $1, attempts = attempts + 1, response_code = $2,
                last_error = NULL, claimed_until = NULL,
                payload = CASE WHEN event = 'person.erased' THEN '{}' ELSE payload END,
                email = CASE WHEN event = 'person.erased' THEN '' ELSE email END
          WHERE id = $3")
    .bind(now)
    .bind(i64::from(code))
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// A failed attempt: tried again at `retry_at`, or given up on (`None`).
pub async fn mark_failed(
    db: &Db,
    id: i64,
    code: Option<u16>,
    error: &str,
    retry_at: Option<Timestamp>,
) -> anyhow::Result<()> {
    let status = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    sql("UPDATE webhook_deliveries
            SET status = $1, attempts = attempts + 1, response_code = $2, last_error = $3,
                next_attempt_at = coalesce($4, next_attempt_at), claimed_until = NULL
          WHERE id = $5")
    .bind(status)
    .bind(code.map(i64::from))
    .bind(error.chars().take(500).collect::<String>())
    .bind(retry_at)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// "Send again": a delivery (failed, or sent and wanted once more) queued for now, with the same
/// event id so the receiver can tell it is the same event. Not one whose payload was dropped.
pub async fn send_again(db: &Db, id: i64, now: Timestamp) -> anyhow::Result<Option<i64>> {
    Ok(sql(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, claimed_until = NULL
          WHERE id = $2 AND payload <> '{}' AND (status <> 'pending' OR claimed_until IS NULL)
          RETURNING endpoint_id",
    )
    .bind(now)
    .bind(id)
    .scalar_optional(db)
    .await?)
}

/// The newest deliveries of an endpoint, for its log.
pub async fn deliveries(db: &Db, endpoint_id: i64, limit: i64) -> anyhow::Result<Vec<Delivery>> {
    Ok(Sql::assembled(format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(endpoint_id)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// Per endpoint: deliveries pending, failed and sent.
pub async fn counts(db: &Db) -> anyhow::Result<Vec<(i64, i64, i64, i64)>> {
    Ok(sql("SELECT endpoint_id,
                count(*) FILTER (WHERE status = 'pending'),
                count(*) FILTER (WHERE status = 'failed'),
                count(*) FILTER (WHERE status = 'sent')
         FROM webhook_deliveries GROUP BY endpoint_id")
    .fetch_all(db)
    .await?)
}

/// What a person's export lists: the events about them handed to which endpoint, and how it went.
#[derive(Clone, Debug, FromRow)]
pub struct PersonDelivery {
    pub endpoint: String,
    pub event: String,
    pub status: String,
    pub created_at: DbTime,
}

pub async fn of_person(db: &Db, email: &str) -> anyhow::Result<Vec<PersonDelivery>> {
    Ok(
        sql("SELECT e.name AS endpoint, d.event, d.status, d.created_at
         FROM webhook_deliveries AS d JOIN webhook_endpoints AS e ON e.id = d.endpoint_id
         WHERE d.email = $1 ORDER BY d.id")
        .bind(email)
        .fetch_all(db)
        .await?,
    )
}

/// Erasure: every delivery about the person goes (inside the erasure's transaction, before its own
/// `person.erased` event is queued).
pub async fn erase_person(tx: &mut Tx, email: &str) -> anyhow::Result<u64> {
    Ok(sql("DELETE FROM webhook_deliveries WHERE email = $1")
        .bind(email)
        .execute(tx)
        .await?)
}
