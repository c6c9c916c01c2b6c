//! The SQL that looks across every table holding a visitor's e-mail address. People sit above the
//! lead features and only read their tables here; what is erased is erased by each feature's own
//! function (see `super::erase`). The tables, and the column with the address:
//!
//! | table | address | what goes with a row |
//! |---|---|---|
//! | `bookings` | `client_email` | `booking_units` (the slot), `outbox` by `booking_id` |
//! | `webinar_registrations` | `email` | `outbox` by `registration_id` (the seat is the row) |
//! | `whitepaper_leads` | `email` | `download_links`, `outbox` by `lead_id` |
//! | `contact_messages` | `email` | `outbox` by `message_id` |
//! | `newsletter_subscribers` | `email` | `outbox` by `subscriber_id`, `newsletter_deliveries` |
//! | `form_submissions` | `email` | `outbox` by `submission_id` |
//! | `leads` (the inbox) | `email` | goes with the row it points at; `outbox` by `inbox_lead_id` |
//! | `webhook_deliveries` | `email` | — (the erasure's own event is queued after) |
//! | `outbox` | `recipient` | any other mail to the address |
//!
//! Every address is stored lowercased (`forms::Email`), so one person is one address.
use sqlx::FromRow;

use crate::db::{Db, DbTime, Sql, sql};

/// Every address, with where it was left: one row per source first, then one per address.
const UNION: &str = "
    SELECT client_email AS email, client_name AS name, company, created_at AS at, 'booking' AS source FROM bookings
    UNION ALL
    SELECT email, first_name || ' ' || last_name, company, created_at, 'webinar' FROM webinar_registrations
    UNION ALL
    SELECT email, first_name || ' ' || last_name, company, created_at, 'whitepaper' FROM whitepaper_leads
    UNION ALL
    SELECT email, name, company, created_at, 'message' FROM contact_messages
    UNION ALL
    SELECT email, '', '', created_at, 'newsletter' FROM newsletter_subscribers
    UNION ALL
    SELECT email, name, '', created_at, 'form' FROM form_submissions";

/// A person as the list shows them.
#[derive(Clone, Debug, FromRow)]
pub struct PersonRow {
    pub email: String,
    pub name: String,
    pub company: String,
    pub bookings: i64,
    pub registrations: i64,
    pub leads: i64,
    pub messages: i64,
    pub subscriptions: i64,
    pub last_activity: DbTime,
}

fn search_pattern(search: Option<&str>) -> Option<String> {
    search.map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")))
}

/// People matching `search` (in the name, address or company), most recently active first.
pub async fn people(
    db: &Db,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<PersonRow>> {
    Ok(Sql::assembled(format!(
        "SELECT lower(email) AS email, max(name) AS name, max(company) AS company,
                sum(CASE WHEN source = 'booking' THEN 1 ELSE 0 END) AS bookings,
                sum(CASE WHEN source = 'webinar' THEN 1 ELSE 0 END) AS registrations,
                sum(CASE WHEN source = 'whitepaper' THEN 1 ELSE 0 END) AS leads,
                sum(CASE WHEN source = 'message' THEN 1 ELSE 0 END) AS messages,
                sum(CASE WHEN source = 'newsletter' THEN 1 ELSE 0 END) AS subscriptions,
                max(at) AS last_activity
         FROM ({UNION}) AS everyone
         GROUP BY lower(email)
         HAVING $1 IS NULL OR sum(CASE WHEN lower(email) LIKE $1 OR lower(name) LIKE $1 OR lower(company) LIKE $1 THEN 1 ELSE 0 END) > 0
         ORDER BY max(at) DESC, lower(email)
         LIMIT $2 OFFSET $3"
    ))
    .bind(search_pattern(search))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

pub async fn count_people(db: &Db, search: Option<&str>) -> anyhow::Result<i64> {
    Ok(Sql::assembled(format!(
        "SELECT count(*) FROM (
            SELECT lower(email) FROM ({UNION}) AS everyone GROUP BY lower(email)
            HAVING $1 IS NULL OR sum(CASE WHEN lower(email) LIKE $1 OR lower(name) LIKE $1 OR lower(company) LIKE $1 THEN 1 ELSE 0 END) > 0
         ) AS matching"
    ))
    .bind(search_pattern(search))
    .scalar(db)
    .await?)
}

#[derive(Clone, Debug, FromRow)]
pub struct BookingRow {
    pub id: i64,
    pub reference: String,
    pub client_name: String,
    pub company: String,
    pub phone: String,
    pub message: String,
    pub language: String,
    pub visitor_timezone: String,
    pub starts_at: DbTime,
    pub status: String,
    pub consent_at: DbTime,
    pub consent_version: String,
    pub created_at: DbTime,
    pub consultant: String,
}

pub async fn bookings(db: &Db, email: &str) -> anyhow::Result<Vec<BookingRow>> {
    Ok(sql(
        "SELECT b.id, b.reference, b.client_name, b.company, b.phone, b.message, b.language, b.visitor_timezone,
                b.starts_at, b.status, b.consent_at, b.consent_version, b.created_at, c.name AS consultant
         FROM bookings AS b JOIN consultants AS c ON c.id = b.consultant_id
         WHERE lower(b.client_email) = $1 ORDER BY b.created_at DESC",
    )
    .bind(email)
    .fetch_all(db)
    .await?)
}

#[derive(Clone, Debug, FromRow)]
pub struct RegistrationRow {
    pub id: i64,
    pub webinar_id: i64,
    pub webinar_slug: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub job_title: String,
    pub language: String,
    pub timezone: String,
    pub status: String,
    pub terms_consent_at: DbTime,
    pub marketing_consent_at: Option<DbTime>,
    pub consent_version: String,
    pub source_url: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub utm_campaign: String,
    pub created_at: DbTime,
}

pub async fn registrations(db: &Db, email: &str) -> anyhow::Result<Vec<RegistrationRow>> {
    Ok(sql(
        "SELECT r.id, r.webinar_id, w.slug AS webinar_slug, r.first_name, r.last_name, r.company, r.job_title,
                r.language, r.timezone, r.status, r.terms_consent_at, r.marketing_consent_at, r.consent_version,
                r.source_url, r.utm_source, r.utm_medium, r.utm_campaign, r.created_at
         FROM webinar_registrations AS r JOIN webinars AS w ON w.id = r.webinar_id
         WHERE lower(r.email) = $1 ORDER BY r.created_at DESC",
    )
    .bind(email)
    .fetch_all(db)
    .await?)
}

#[derive(Clone, Debug, FromRow)]
pub struct LeadRow {
    pub id: i64,
    pub whitepaper_slug: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub job_title: String,
    pub phone: String,
    pub language: String,
    pub terms_consent_at: DbTime,
    pub marketing_consent_at: Option<DbTime>,
    pub consent_version: String,
    pub source_url: String,
    pub utm_source: String,
    pub utm_medium: String,
    pub utm_campaign: String,
    pub via: String,
    pub confirmed_at: Option<DbTime>,
    pub created_at: DbTime,
}

pub async fn leads(db: &Db, email: &str) -> anyhow::Result<Vec<LeadRow>> {
    Ok(sql(
        "SELECT l.id, w.slug AS whitepaper_slug, l.first_name, l.last_name, l.company, l.job_title, l.phone,
                l.language, l.terms_consent_at, l.marketing_consent_at, l.consent_version, l.source_url,
                l.utm_source, l.utm_medium, l.utm_campaign, l.via, l.confirmed_at, l.created_at
         FROM whitepaper_leads AS l JOIN whitepapers AS w ON w.id = l.whitepaper_id
         WHERE lower(l.email) = $1 ORDER BY l.created_at DESC",
    )
    .bind(email)
    .fetch_all(db)
    .await?)
}

#[derive(Clone, Debug, FromRow)]
pub struct MailRow {
    pub id: i64,
    pub subject: String,
    pub status: String,
    pub created_at: DbTime,
}

/// Mails to the address still in the outbox (sent or waiting).
pub async fn mails(db: &Db, email: &str) -> anyhow::Result<Vec<MailRow>> {
    Ok(sql("SELECT id, subject, status, created_at FROM outbox
         WHERE kind = 'mail' AND lower(recipient) = $1 ORDER BY created_at DESC")
    .bind(email)
    .fetch_all(db)
    .await?)
}

/// What erasure removed, per table (the audit entry records these numbers, never the address).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    pub bookings: u64,
    pub registrations: u64,
    pub leads: u64,
    pub messages: u64,
    pub subscriptions: u64,
    pub submissions: u64,
    /// Newsletter issues sent (or to be sent) to the address.
    pub newsletter_deliveries: u64,
    pub mails: u64,
}

impl Erased {
    pub fn total(&self) -> u64 {
        self.bookings
            + self.registrations
            + self.leads
            + self.messages
            + self.subscriptions
            + self.submissions
    }
}

/// Erases every row about `email` in one transaction: bookings (their slots free up), webinar
/// registrations (cancelled before, by `webinars::cancel_before_erasure`, so the waitlist moves up), whitepaper leads with their links, contact messages,
/// the newsletter subscription, and every mail to the address, sent or waiting.
pub async fn erase(db: &Db, email: &str) -> anyhow::Result<Erased> {
    let mut tx = db.begin().await?;
    tx.lock_name(&format!("person:{email}")).await?;
    let mut erased = Erased {
        bookings: sql("DELETE FROM bookings WHERE lower(client_email) = $1")
            .bind(email)
            .execute(&mut tx)
            .await?,
        registrations: sql("DELETE FROM webinar_registrations WHERE lower(email) = $1")
            .bind(email)
            .execute(&mut tx)
            .await?,
        leads: sql("DELETE FROM whitepaper_leads WHERE lower(email) = $1")
            .bind(email)
            .execute(&mut tx)
            .await?,
        messages: crate::contact::store::erase_person(&mut tx, email).await?,
        newsletter_deliveries: crate::mailings::delivery_store::erase_person(&mut tx, email)
            .await?,
        subscriptions: crate::newsletter::store::erase_person(&mut tx, email).await?,
        submissions: crate::leads::submission_store::erase_person(&mut tx, email).await?,
        mails: 0,
    };
    erased.mails = sql("DELETE FROM outbox WHERE kind = 'mail' AND lower(recipient) = $1")
        .bind(email)
        .execute(&mut tx)
        .await?;
    // Whatever is left in the inbox (a lead whose row went another way) goes too.
    sql("DELETE FROM leads WHERE lower(email) = $1")
        .bind(email)
        .execute(&mut tx)
        .await?;
    // Events about the person not yet handed on are withdrawn; the erasure itself is handed on,
    // so a CRM that received their details can erase them too.
    crate::webhooks::store::erase_person(&mut tx, email).await?;
    if erased.total() + erased.mails > 0 {
        crate::webhooks::queue(
            &mut tx,
            crate::webhooks::Event::PersonErased,
            email,
            serde_json::json!({ "email": email }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(erased)
}
