//! Every SQL statement about bookings (consultants are `consultant_store`). A booking is created in one write transaction
//! that holds the consultant (the whole database on SQLite, the consultant's row on PostgreSQL),
//! re-checks the slot against the rules and the bookings, and claims the slot's 15-minute units,
//! which the database refuses to give twice.
use jiff::{SignedDuration, Timestamp};
use sqlx::FromRow;

use super::consultant_store::active_consultant;
use super::model::{Booking, MeetingType, reference};
use super::slots::{Busy, free_slots};
use crate::db::query::On;
use crate::db::{Db, DbTime, Sql, is_unique_violation, now as db_now, sql};
use crate::outbox::store::{NewMail, Placement, enqueue_placed, enqueue_to_visitor};
use crate::tokens::token_hash;

const UNIT_SECONDS: i64 = 900;

/// Confirmed bookings of a consultant that touch `[from, to)`.
pub async fn busy(
    db: &Db,
    consultant_id: i64,
    from: Timestamp,
    to: Timestamp,
) -> anyhow::Result<Vec<Busy>> {
    busy_in(db, consultant_id, from, to).await
}

async fn busy_in(
    on: impl Into<On<'_>>,
    consultant_id: i64,
    from: Timestamp,
    to: Timestamp,
) -> anyhow::Result<Vec<Busy>> {
    // No booking lasts longer than the longest duration, so one that touches `[from, to)` starts
    // after `from` less that: the index on (consultant, start) then reads the window, not every
    // booking the consultant ever had before it.
    let longest = super::request::DURATIONS.iter().max().copied().unwrap_or(0);
    let earliest = from - SignedDuration::from_mins(longest);
    let rows: Vec<(DbTime, DbTime)> = sql("SELECT starts_at, ends_at FROM bookings
         WHERE consultant_id = $1 AND status = 'confirmed' AND starts_at < $2 AND starts_at > $4
           AND ends_at > $3")
    .bind(consultant_id)
    .bind(to)
    .bind(from)
    .bind(earliest)
    .fetch_all(on)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(start, end)| Busy {
            start: start.into(),
            end: end.into(),
        })
        .collect())
}

/// What a visitor asks for; validated by the caller. `token` and `reference` are made beforehand so
/// the confirmation mails can name them.
pub struct NewBooking<'a> {
    pub token: &'a str,
    pub reference: &'a str,
    pub consultant_id: i64,
    pub starts_at: Timestamp,
    pub duration_minutes: i64,
    pub meeting_type: MeetingType,
    pub client_name: &'a str,
    pub client_email: &'a str,
    pub company: &'a str,
    pub phone: &'a str,
    pub message: &'a str,
    pub language: &'a str,
    pub visitor_timezone: &'a str,
    /// The version of the consent sentence the person ticked.
    pub consent_version: &'a str,
    /// The consultant's name, for the lead in the inbox.
    pub consultant_name: &'a str,
    /// Where the visitor came from, for the lead in the inbox.
    pub source: &'a crate::forms::Source,
}

#[derive(Debug, PartialEq, Eq)]
pub enum BookingRefused {
    /// Someone else took the slot first (or it is not offered at all).
    SlotTaken,
    /// The reference made for this booking is already another's (rare): make a new one and retry.
    ReferenceTaken,
    UnknownConsultant,
}

/// Books the slot if it is still free, and queues its mails in the same transaction (a booking is
/// never stored without its confirmation, nor a confirmation without its booking).
pub async fn create(
    db: &Db,
    new: &NewBooking<'_>,
    mails: &[NewMail],
    now: Timestamp,
    base_url: &str,
) -> anyhow::Result<Result<(), BookingRefused>> {
    let mut tx = db.begin().await?;
    // Bookings of one consultant wait for each other, on every instance.
    tx.lock_row("consultants", new.consultant_id).await?;
    let Some(consultant) = active_consultant(&mut tx, new.consultant_id).await? else {
        return Ok(Err(BookingRefused::UnknownConsultant));
    };
    if !consultant.durations.contains(&new.duration_minutes)
        || !consultant.meeting_types.contains(&new.meeting_type)
    {
        return Ok(Err(BookingRefused::SlotTaken));
    }
    let ends_at = new.starts_at + SignedDuration::from_mins(new.duration_minutes);
    let day = consultant.rules.tz.to_datetime(new.starts_at).date();
    let margin = SignedDuration::from_hours(36);
    let busy = busy_in(
        &mut tx,
        consultant.id,
        new.starts_at - margin,
        ends_at + margin,
    )
    .await?;
    if !free_slots(&consultant.rules, new.duration_minutes, day, 1, now, &busy)
        .contains(&new.starts_at)
    {
        return Ok(Err(BookingRefused::SlotTaken));
    }
    let taken: i64 = sql("SELECT count(*) FROM bookings WHERE reference = $1")
        .bind(new.reference)
        .scalar(&mut tx)
        .await?;
    if taken > 0 {
        return Ok(Err(BookingRefused::ReferenceTaken));
    }
    let id: i64 = sql(
        "INSERT INTO bookings (reference, token, consultant_id, starts_at, ends_at, duration_minutes, meeting_type,
                               client_name, client_email, company, phone, message, language, visitor_timezone,
                               consent_at, created_at, consent_version, token_hashed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17) RETURNING id",
    )
    .bind(new.reference)
    .bind(token_hash(new.token))
    .bind(consultant.id)
    .bind(new.starts_at)
    .bind(ends_at)
    .bind(new.duration_minutes)
    .bind(new.meeting_type.as_str())
    .bind(new.client_name)
    .bind(new.client_email)
    .bind(new.company)
    .bind(new.phone)
    .bind(new.message)
    .bind(new.language)
    .bind(new.visitor_timezone)
    .bind(now)
    .bind(new.consent_version)
    .bind(true)
    .scalar(&mut tx)
    .await?;
    let first = new.starts_at.as_second().div_euclid(UNIT_SECONDS);
    let last = (ends_at.as_second() - 1).div_euclid(UNIT_SECONDS);
    for unit in first..=last {
        let claimed =
            sql("INSERT INTO booking_units (consultant_id, unit, booking_id) VALUES ($1, $2, $3)")
                .bind(consultant.id)
                .bind(unit)
                .bind(id)
                .execute(&mut tx)
                .await;
        match claimed {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(Err(BookingRefused::SlotTaken)),
            Err(e) => return Err(e.into()),
        }
    }
    crate::leads::record(
        &mut tx,
        &crate::leads::NewLead {
            path: crate::leads::LeadPath::Booking,
            record_id: id,
            email: new.client_email,
            name: new.client_name,
            company: new.company,
            language: new.language,
            subject: new.consultant_name,
            source: new.source,
        },
        base_url,
    )
    .await?;
    for mail in mails {
        let placement = Placement {
            booking_id: Some(id),
            ..Placement::default()
        };
        if mail.recipient == new.client_email {
            enqueue_to_visitor(&mut tx, mail, &placement).await?;
        } else {
            enqueue_placed(&mut tx, mail, &placement).await?;
        }
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// A fresh confirmation token and reference (`MQ-YYYYMMDD-XXXX`, the day it is made).
pub fn new_ids(now: Timestamp) -> anyhow::Result<(String, String)> {
    let token = crate::tokens::random_token()?;
    let mut random = [0u8; 4];
    getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let today = jiff::tz::TimeZone::UTC.to_datetime(now).date();
    Ok((token, reference(today, &random)))
}

#[derive(FromRow)]
struct BookingRow {
    id: i64,
    reference: String,
    consultant_id: i64,
    consultant_name: String,
    starts_at: DbTime,
    ends_at: DbTime,
    duration_minutes: i64,
    meeting_type: String,
    client_name: String,
    client_email: String,
    company: String,
    language: String,
    visitor_timezone: String,
    status: String,
}

/// The booking whose confirmation link carries `token` (only its hash is stored); the booking
/// comes back with the token as the link has it, for the page's own links.
pub async fn by_token(db: &Db, token: &str) -> anyhow::Result<Option<Booking>> {
    let row: Option<BookingRow> = sql(
        "SELECT b.id, b.reference, b.consultant_id, c.name AS consultant_name, b.starts_at, b.ends_at,
                b.duration_minutes, b.meeting_type, b.client_name, b.client_email, b.company, b.language,
                b.visitor_timezone, b.status
         FROM bookings AS b JOIN consultants AS c ON c.id = b.consultant_id WHERE b.token = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(Booking {
            id: r.id,
            reference: r.reference,
            token: token.to_owned(),
            consultant_id: r.consultant_id,
            consultant_name: r.consultant_name,
            starts_at: r.starts_at.into(),
            ends_at: r.ends_at.into(),
            duration_minutes: r.duration_minutes,
            meeting_type: MeetingType::parse(&r.meeting_type)
                .ok_or_else(|| anyhow::anyhow!("bookings row {}: meeting type", r.id))?,
            client_name: r.client_name,
            client_email: r.client_email,
            company: r.company,
            language: r.language,
            visitor_timezone: r.visitor_timezone,
            status: r.status,
        })
    })
    .transpose()
}

/// Cancels a confirmed booking and frees its time; cancelling again changes nothing.
pub async fn cancel(db: &Db, token: &str, now: Timestamp) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let id: Option<i64> = sql(
        "UPDATE bookings SET status = 'cancelled', cancelled_at = $1 WHERE token = $2 AND status = 'confirmed' RETURNING id",
    )
    .bind(now)
    .bind(token_hash(token))
    .scalar_optional(&mut tx)
    .await?;
    if let Some(id) = id {
        sql("DELETE FROM booking_units WHERE booking_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id.is_some())
}

/// Filters of the admin's booking list.
#[derive(Default, Clone)]
pub struct BookingFilter {
    pub consultant_id: Option<i64>,
    pub status: Option<String>,
    /// Inclusive.
    pub from: Option<DbTime>,
    /// Exclusive.
    pub to: Option<DbTime>,
}

#[derive(Debug, Clone, FromRow)]
pub struct BookingListing {
    pub id: i64,
    pub reference: String,
    pub consultant_name: String,
    pub starts_at: DbTime,
    pub duration_minutes: i64,
    pub meeting_type: String,
    pub client_name: String,
    pub client_email: String,
    pub company: String,
    pub phone: String,
    pub message: String,
    pub language: String,
    pub visitor_timezone: String,
    pub status: String,
    pub notes: String,
    pub created_at: DbTime,
}

const LISTING: &str = "SELECT b.id, b.reference, c.name AS consultant_name, b.starts_at, b.duration_minutes, b.meeting_type, \
     b.client_name, b.client_email, b.company, b.phone, b.message, b.language, b.visitor_timezone, b.status, b.notes, b.created_at \
     FROM bookings AS b JOIN consultants AS c ON c.id = b.consultant_id \
     WHERE ($1 IS NULL OR b.consultant_id = $1) AND ($2 IS NULL OR b.status = $2) \
       AND ($3 IS NULL OR b.starts_at >= $3) AND ($4 IS NULL OR b.starts_at < $4)";

/// Bookings matching the filter, soonest first; `limit` of them after `offset`.
pub async fn list_bookings(
    db: &Db,
    f: &BookingFilter,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<BookingListing>> {
    Ok(Sql::assembled(format!(
        "{LISTING} ORDER BY b.starts_at, b.id LIMIT $5 OFFSET $6"
    ))
    .bind(f.consultant_id)
    .bind(f.status.as_deref())
    .bind(f.from)
    .bind(f.to)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

pub async fn count_bookings(db: &Db, f: &BookingFilter) -> anyhow::Result<i64> {
    Ok(sql("SELECT count(*) FROM bookings AS b
         WHERE ($1 IS NULL OR b.consultant_id = $1) AND ($2 IS NULL OR b.status = $2)
           AND ($3 IS NULL OR b.starts_at >= $3) AND ($4 IS NULL OR b.starts_at < $4)")
    .bind(f.consultant_id)
    .bind(f.status.as_deref())
    .bind(f.from)
    .bind(f.to)
    .scalar(db)
    .await?)
}

pub async fn booking_listing(db: &Db, id: i64) -> anyhow::Result<Option<BookingListing>> {
    Ok(Sql::assembled(format!("{LISTING} AND b.id = $5"))
        .bind(None::<i64>)
        .bind(None::<String>)
        .bind(None::<DbTime>)
        .bind(None::<DbTime>)
        .bind(id)
        .fetch_optional(db)
        .await?)
}

/// Sets status and internal notes; a cancelled booking frees its time, and a booking brought back
/// from cancelled claims it again (refused when someone else booked it meanwhile).
pub async fn update_booking(
    db: &Db,
    id: i64,
    status: &str,
    notes: &str,
) -> anyhow::Result<Result<(), BookingRefused>> {
    let mut tx = db.begin().await?;
    tx.lock_row("bookings", id).await?;
    let row: Option<(i64, DbTime, DbTime, String)> =
        sql("SELECT consultant_id, starts_at, ends_at, status FROM bookings WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut tx)
            .await?;
    let Some((consultant_id, starts_at, ends_at, old_status)) = row else {
        return Ok(Err(BookingRefused::UnknownConsultant));
    };
    sql("UPDATE bookings SET status = $1, notes = $2,
                cancelled_at = CASE WHEN $1 = 'cancelled' THEN coalesce(cancelled_at, $3) END
         WHERE id = $4")
    .bind(status)
    .bind(notes)
    .bind(db_now())
    .bind(id)
    .execute(&mut tx)
    .await?;
    if status == "cancelled" {
        sql("DELETE FROM booking_units WHERE booking_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
    } else if old_status == "cancelled" {
        let (start, end): (Timestamp, Timestamp) = (starts_at.into(), ends_at.into());
        for unit in start.as_second().div_euclid(UNIT_SECONDS)
            ..=(end.as_second() - 1).div_euclid(UNIT_SECONDS)
        {
            let claimed = sql(
                "INSERT INTO booking_units (consultant_id, unit, booking_id) VALUES ($1, $2, $3)",
            )
            .bind(consultant_id)
            .bind(unit)
            .bind(id)
            .execute(&mut tx)
            .await;
            match claimed {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Ok(Err(BookingRefused::SlotTaken)),
                Err(e) => return Err(e.into()),
            }
        }
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// Erases a booking with its mails (a data-subject request).
pub async fn delete_booking(db: &Db, id: i64) -> anyhow::Result<bool> {
    Ok(sql("DELETE FROM bookings WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        == 1)
}

/// The next confirmed bookings, for the dashboard.
pub async fn upcoming(db: &Db, now: Timestamp, limit: i64) -> anyhow::Result<Vec<BookingListing>> {
    let filter = BookingFilter {
        status: Some("confirmed".into()),
        from: Some(now.into()),
        ..Default::default()
    };
    list_bookings(db, &filter, limit, 0).await
}

/// Replaces the confirmation tokens that bookings made before they were hashed still hold in
/// plain by their hashes (the mailed links keep working: they are looked up by hash); run at start,
/// idempotent, safe with several instances. Returns how many were converted.
pub async fn hash_plain_tokens(db: &Db) -> anyhow::Result<u64> {
    let plain: Vec<(i64, String)> =
        sql("SELECT id, token FROM bookings WHERE token_hashed = $1 ORDER BY id")
            .bind(false)
            .fetch_all(db)
            .await?;
    let mut converted = 0;
    for (id, token) in plain {
        converted += sql(
            "UPDATE bookings SET token = $1, token_hashed = $2 WHERE id = $3 AND token_hashed = $4",
        )
        .bind(token_hash(&token))
        .bind(true)
        .bind(id)
        .bind(false)
        .execute(db)
        .await?;
    }
    Ok(converted)
}
