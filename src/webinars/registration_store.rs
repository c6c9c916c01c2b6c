//! Every SQL statement about webinar registrations. A registration is written in one transaction
//! that holds the webinar (the whole database on SQLite, the webinar's row on PostgreSQL) while it
//! counts the seats taken, so seats never oversell; the unique index on (webinar, e-mail) keeps one
//! registration per person.
use jiff::Timestamp;
use sqlx::FromRow;

use super::model::{Registration, RegistrationStatus, Reminder, WebinarStatus, registration_state};
use crate::db::{Db, DbTime, JsonText, Sql, Tx, sql};
use crate::forms::Source;
use crate::outbox::store::{NewMail, Placement, enqueue_placed, enqueue_to_visitor, withdraw};

pub(super) fn reminder_purposes() -> Vec<&'static str> {
    Reminder::ALL.iter().map(|r| r.purpose()).collect()
}

/// Someone registered for a webinar, as mails address them.
#[derive(Clone, Debug, FromRow)]
pub struct Registrant {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub language: String,
    pub timezone: String,
    pub status: String,
}

const REGISTRANT: &str = "SELECT id, first_name, last_name, email, language, timezone, status FROM webinar_registrations";

/// Everyone still registered or waiting.
pub(super) async fn registrants(tx: &mut Tx, webinar_id: i64) -> anyhow::Result<Vec<Registrant>> {
    Ok(Sql::assembled(format!(
        "{REGISTRANT} WHERE webinar_id = $1 AND status IN ('registered', 'waitlisted', 'attended') ORDER BY id"
    ))
    .bind(webinar_id)
    .fetch_all(tx)
    .await?)
}

/// A visitor's registration as the form gave it; the token is made beforehand (the mails link to it).
pub struct NewRegistration<'a> {
    pub token: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub company: &'a str,
    pub job_title: &'a str,
    pub language: &'a str,
    pub timezone: &'a str,
    pub marketing: bool,
    pub consent_version: &'a str,
    pub source: &'a Source,
    /// Who sent it, as a keyed hash of the client's address (`public::client_key`).
    pub client_key: &'a str,
    /// Registrations (not cancelled) one client may hold for one webinar: a team behind one
    /// address, but not a script filling the seats (`MAGNETIQ_BOOKING_LIMIT`).
    pub per_client: i64,
}

/// How a registration went.
#[derive(Debug, PartialEq, Eq)]
pub enum Registered {
    /// A seat, or a place on the waitlist.
    New(RegistrationStatus),
    /// This address had registered already: its registration gets the new token (the old link
    /// stops working) and its mail is sent again; the page shows nothing of it.
    Again,
    Full,
    Closed(super::model::Closed),
    /// This client holds `per_client` registrations for the webinar already.
    TooManyFromClient,
}

/// Registers for webinar `webinar_id` if it takes registrations, and queues the mails that `mails`
/// makes for the outcome (confirmation, reminders) in the same transaction.
pub async fn register(
    db: &Db,
    webinar_id: i64,
    new: &NewRegistration<'_>,
    now: Timestamp,
    handoff: &crate::leads::Handoff<'_>,
    mails: impl Fn(Option<RegistrationStatus>) -> anyhow::Result<Vec<(NewMail, Placement)>>,
) -> anyhow::Result<Registered> {
    let mut tx = db.begin().await?;
    // Registrations for one webinar wait for each other, on every instance: the count below stays
    // true until this transaction ends.
    tx.lock_row("webinars", webinar_id).await?;
    let core: Option<(String, DbTime, Option<DbTime>, i64, bool, bool)> = sql(
        "SELECT status, starts_at, registration_deadline, capacity, waitlist, confirm_by_mail FROM webinars
         WHERE id = $1",
    )
    .bind(webinar_id)
    .fetch_optional(&mut tx)
    .await?;
    let Some((status, starts_at, deadline, capacity, waitlist, confirm_by_mail)) = core else {
        return Ok(Registered::Closed(super::model::Closed::NotPublished));
    };
    let status = WebinarStatus::parse(&status).unwrap_or(WebinarStatus::Draft);
    let token_hash = crate::tokens::token_hash(new.token);
    let existing: Option<(i64, String)> =
        sql("SELECT id, status FROM webinar_registrations WHERE webinar_id = $1 AND email = $2")
            .bind(webinar_id)
            .bind(new.email)
            .fetch_optional(&mut tx)
            .await?;
    // Registered or waiting already: the link again. (Someone who cancelled, or never confirmed
    // their address, starts anew below.)
    if let Some((id, old)) = &existing
        && old != "cancelled"
        && old != "unconfirmed"
    {
        sql("UPDATE webinar_registrations SET previous_token_hash = token_hash, token_hash = $1 WHERE id = $2")
            .bind(&token_hash)
            .bind(*id)
            .execute(&mut tx)
            .await?;
        for (mail, placement) in mails(None)? {
            let placement = Placement {
                registration_id: Some(*id),
                ..placement
            };
            enqueue_to_visitor(&mut tx, &mail, &placement).await?;
        }
        tx.commit().await?;
        return Ok(Registered::Again);
    }
    if existing.is_none() && !new.client_key.is_empty() {
        let from_client: i64 = sql("SELECT count(*) FROM webinar_registrations
             WHERE webinar_id = $1 AND client_key = $2 AND status <> 'cancelled'")
        .bind(webinar_id)
        .bind(new.client_key)
        .scalar(&mut tx)
        .await?;
        if from_client >= new.per_client {
            return Ok(Registered::TooManyFromClient);
        }
    }
    let registered: i64 =
        sql("SELECT coalesce((SELECT taken FROM webinar_seat_counts WHERE webinar_id = $1), 0)")
            .bind(webinar_id)
            .scalar(&mut tx)
            .await?;
    let seat = match registration_state(
        status,
        starts_at.into(),
        deadline.map(Into::into),
        capacity,
        registered,
        waitlist,
        now,
    ) {
        // The seat (or the place in line) is taken when the mailed link is used.
        Registration::Open | Registration::Waitlist if confirm_by_mail => {
            RegistrationStatus::Unconfirmed
        }
        Registration::Open => RegistrationStatus::Registered,
        Registration::Waitlist => RegistrationStatus::Waitlisted,
        Registration::Full => return Ok(Registered::Full),
        Registration::Closed(why) => return Ok(Registered::Closed(why)),
    };
    let stamp = DbTime::from(now);
    let marketing = new.marketing.then_some(stamp);
    let id: i64 = match existing {
        // Someone who cancelled comes back: the same row, anew.
        Some((id, _)) => {
            sql("UPDATE webinar_registrations SET token_hash = $1, first_name = $2, last_name = $3, company = $4,
                    job_title = $5, language = $6, timezone = $7, terms_consent_at = $8, marketing_consent_at = $9,
                    consent_version = $10, status = $11, created_at = $8, cancelled_at = NULL, client_key = $13
                 WHERE id = $12")
            .bind(&token_hash)
            .bind(new.first_name)
            .bind(new.last_name)
            .bind(new.company)
            .bind(new.job_title)
            .bind(new.language)
            .bind(new.timezone)
            .bind(stamp)
            .bind(marketing)
            .bind(new.consent_version)
            .bind(seat.as_db())
            .bind(id)
            .bind(new.client_key)
            .execute(&mut tx)
            .await?;
            id
        }
        None => {
            sql("INSERT INTO webinar_registrations (webinar_id, token_hash, first_name, last_name, email, company,
                    job_title, language, timezone, terms_consent_at, marketing_consent_at, consent_version,
                    source_url, utm_source, utm_medium, utm_campaign, utm_term, utm_content, status, created_at,
                    client_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $10,
                    $20)
                 RETURNING id")
            .bind(webinar_id)
            .bind(&token_hash)
            .bind(new.first_name)
            .bind(new.last_name)
            .bind(new.email)
            .bind(new.company)
            .bind(new.job_title)
            .bind(new.language)
            .bind(new.timezone)
            .bind(stamp)
            .bind(marketing)
            .bind(new.consent_version)
            .bind(&new.source.url)
            .bind(&new.source.utm_source)
            .bind(&new.source.utm_medium)
            .bind(&new.source.utm_campaign)
            .bind(&new.source.utm_term)
            .bind(&new.source.utm_content)
            .bind(seat.as_db())
            .bind(new.client_key)
            .scalar(&mut tx)
            .await?
        }
    };
    for (mail, placement) in mails(Some(seat))? {
        let placement = Placement {
            registration_id: Some(id),
            ..placement
        };
        enqueue_to_visitor(&mut tx, &mail, &placement).await?;
    }
    let name = format!("{} {}", new.first_name, new.last_name);
    // A seat confirmed by its mailed link proves the address for the newsletter too.
    let confirmed_by = if seat == RegistrationStatus::Unconfirmed {
        crate::leads::LeadPath::WebinarRegistration.key()
    } else {
        ""
    };
    handoff
        .hand_off(
            &mut tx,
            crate::leads::LeadPath::WebinarRegistration,
            id,
            (new.email, &name, new.company),
            new.source,
            new.marketing,
            confirmed_by,
        )
        .await?;
    tx.commit().await?;
    Ok(Registered::New(seat))
}

/// A registration as its confirmation page shows it.
#[derive(Clone, Debug, FromRow)]
pub struct RegistrationView {
    pub id: i64,
    pub webinar_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
    pub language: String,
    pub timezone: String,
    pub status: String,
}

/// The registration whose confirmation link carries `token`.
pub async fn registration_by_token(
    db: &Db,
    token: &str,
) -> anyhow::Result<Option<RegistrationView>> {
    Ok(sql(
        "SELECT id, webinar_id, first_name, last_name, email, company, language, timezone, status
         FROM webinar_registrations WHERE token_hash = $1",
    )
    .bind(crate::tokens::token_hash(token))
    .fetch_optional(db)
    .await?)
}

/// Cancels the registration behind `token` and frees its seat: the first person on the waitlist
/// gets it (told by the mails `promoted` makes), unless the webinar has begun. Cancelling twice
/// changes nothing; returns whether this call cancelled it.
pub async fn cancel_registration(
    db: &Db,
    token: &str,
    now: Timestamp,
    promoted: impl Fn(&Registrant) -> anyhow::Result<Vec<(NewMail, Placement)>>,
) -> anyhow::Result<bool> {
    let Some(registration) = registration_by_token(db, token).await? else {
        return Ok(false);
    };
    let mut tx = db.begin().await?;
    tx.lock_row("webinars", registration.webinar_id).await?;
    // Read again under the webinar's lock: every change to its registrations takes that lock.
    let was: Option<String> = sql("SELECT status FROM webinar_registrations WHERE id = $1")
        .bind(registration.id)
        .scalar_optional(&mut tx)
        .await?;
    let Some(was) = was.filter(|s| s == "registered" || s == "waitlisted") else {
        return Ok(false);
    };
    sql("UPDATE webinar_registrations SET status = 'cancelled', cancelled_at = $1 WHERE id = $2")
        .bind(now)
        .bind(registration.id)
        .execute(&mut tx)
        .await?;
    withdraw(&mut tx, registration.id, &reminder_purposes()).await?;
    let starts_at: DbTime = sql("SELECT starts_at FROM webinars WHERE id = $1")
        .bind(registration.webinar_id)
        .scalar(&mut tx)
        .await?;
    if was == "registered" && Timestamp::from(starts_at) > now {
        promote_first_waiting(&mut tx, registration.webinar_id, &promoted).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Gives the freed seat to whoever has waited longest, with their mails.
async fn promote_first_waiting(
    tx: &mut Tx,
    webinar_id: i64,
    promoted: &impl Fn(&Registrant) -> anyhow::Result<Vec<(NewMail, Placement)>>,
) -> anyhow::Result<()> {
    let next: Option<Registrant> = Sql::assembled(format!(
        "{REGISTRANT} WHERE webinar_id = $1 AND status = 'waitlisted' ORDER BY id LIMIT 1"
    ))
    .bind(webinar_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(next) = next else {
        return Ok(());
    };
    sql("UPDATE webinar_registrations SET status = 'registered' WHERE id = $1")
        .bind(next.id)
        .execute(&mut *tx)
        .await?;
    for (mail, placement) in promoted(&next)? {
        let placement = Placement {
            registration_id: Some(next.id),
            ..placement
        };
        enqueue_placed(tx, &mail, &placement).await?;
    }
    Ok(())
}

/// A registration as the admin lists it.
#[derive(Clone, Debug, FromRow)]
pub struct RegistrationListing {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
    pub job_title: String,
    pub language: String,
    pub timezone: String,
    pub status: String,
    pub marketing_consent_at: Option<DbTime>,
    pub consent_version: String,
    pub source_url: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub utm_campaign: String,
    pub created_at: DbTime,
}

/// A webinar's registrations, oldest first, optionally of one status; `limit` from `offset`.
pub async fn registrations(
    db: &Db,
    webinar_id: i64,
    status: Option<RegistrationStatus>,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<RegistrationListing>> {
    Ok(sql(
        "SELECT id, first_name, last_name, email, company, job_title, language, timezone, status,
                marketing_consent_at, consent_version, source_url, utm_source, utm_medium, utm_campaign, created_at
         FROM webinar_registrations WHERE webinar_id = $1 AND ($2 IS NULL OR status = $2)
         ORDER BY id LIMIT $3 OFFSET $4",
    )
    .bind(webinar_id)
    .bind(status.map(RegistrationStatus::as_db))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

/// How many registrations [`registrations`] would list without a limit.
pub async fn count_registrations(
    db: &Db,
    webinar_id: i64,
    status: Option<RegistrationStatus>,
) -> anyhow::Result<i64> {
    Ok(sql(
        "SELECT count(*) FROM webinar_registrations WHERE webinar_id = $1 AND ($2 IS NULL OR status = $2)",
    )
    .bind(webinar_id)
    .bind(status.map(RegistrationStatus::as_db))
    .scalar(db)
    .await?)
}

/// A registration as the dashboard lists the newest.
#[derive(Clone, Debug, FromRow)]
pub struct RecentRegistration {
    pub webinar_id: i64,
    pub webinar_title: JsonText,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub status: String,
    pub created_at: DbTime,
}

/// The newest registrations across webinars, newest first.
pub async fn recent_registrations(db: &Db, limit: i64) -> anyhow::Result<Vec<RecentRegistration>> {
    Ok(sql(
        "SELECT r.webinar_id, w.title AS webinar_title, r.first_name, r.last_name, r.company, r.status, r.created_at
         FROM webinar_registrations AS r JOIN webinars AS w ON w.id = r.webinar_id
         ORDER BY r.created_at DESC, r.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// An editor marks attendance (or cancels): a registration may change between its statuses except
/// that a seat is never taken beyond the capacity; cancelling here frees the seat like the visitor's
/// own cancel, promotion and all.
pub async fn set_registration_status(
    db: &Db,
    webinar_id: i64,
    id: i64,
    to: RegistrationStatus,
    now: Timestamp,
    promoted: impl Fn(&Registrant) -> anyhow::Result<Vec<(NewMail, Placement)>>,
) -> anyhow::Result<Result<(), &'static str>> {
    let mut tx = db.begin().await?;
    tx.lock_row("webinars", webinar_id).await?;
    let from: Option<String> =
        sql("SELECT status FROM webinar_registrations WHERE id = $1 AND webinar_id = $2")
            .bind(id)
            .bind(webinar_id)
            .scalar_optional(&mut tx)
            .await?;
    let Some(from) = from.as_deref().and_then(RegistrationStatus::parse) else {
        return Ok(Err("webinar-registration-not-found"));
    };
    if to.takes_a_seat() && !from.takes_a_seat() {
        let (capacity, taken): (i64, i64) = sql(
            "SELECT w.capacity, coalesce(s.taken, 0)
             FROM webinars AS w LEFT JOIN webinar_seat_counts AS s ON s.webinar_id = w.id WHERE w.id = $1",
        )
        .bind(webinar_id)
        .fetch_one(&mut tx)
        .await?;
        if taken >= capacity {
            return Ok(Err("webinar-no-seat-left"));
        }
    }
    sql("UPDATE webinar_registrations SET status = $1,
            cancelled_at = CASE WHEN $1 = 'cancelled' THEN $2 ELSE NULL END
         WHERE id = $3")
    .bind(to.as_db())
    .bind(now)
    .bind(id)
    .execute(&mut tx)
    .await?;
    if to == RegistrationStatus::Cancelled {
        withdraw(&mut tx, id, &reminder_purposes()).await?;
        let starts_at: DbTime = sql("SELECT starts_at FROM webinars WHERE id = $1")
            .bind(webinar_id)
            .scalar(&mut tx)
            .await?;
        if from.takes_a_seat() && Timestamp::from(starts_at) > now {
            promote_first_waiting(&mut tx, webinar_id, &promoted).await?;
        }
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// The seats and waitlist places of `email` (lowercased) in webinars that have not begun:
/// (webinar id, registration id).
pub async fn upcoming_places_of(
    db: &Db,
    email: &str,
    now: Timestamp,
) -> anyhow::Result<Vec<(i64, i64)>> {
    Ok(sql(
        "SELECT r.webinar_id, r.id FROM webinar_registrations AS r JOIN webinars AS w ON w.id = r.webinar_id
         WHERE lower(r.email) = $1 AND r.status IN ('registered', 'waitlisted') AND w.starts_at > $2
         ORDER BY r.id",
    )
    .bind(email)
    .bind(now)
    .fetch_all(db)
    .await?)
}

/// Erases a registration with its mails (a data-subject request).
pub async fn delete_registration(db: &Db, webinar_id: i64, id: i64) -> anyhow::Result<bool> {
    Ok(
        sql("DELETE FROM webinar_registrations WHERE id = $1 AND webinar_id = $2")
            .bind(id)
            .bind(webinar_id)
            .execute(db)
            .await?
            == 1,
    )
}
