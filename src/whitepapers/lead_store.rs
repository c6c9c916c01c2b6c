//! Every SQL statement about whitepaper leads and their download links. A request and its link and
//! mail are one transaction that holds the address (the database on SQLite, an advisory lock on
//! PostgreSQL) while it counts the links sent there today, so the daily cap holds under a race; a
//! download counts itself with one conditional UPDATE, so a link never serves more than its limit.
use jiff::Timestamp;
use sqlx::FromRow;

use super::model::{LINK_DOWNLOADS, LINK_LIFETIME, LINKS_PER_ADDRESS_PER_DAY};
use crate::db::{Db, DbTime, JsonText, Sql, Tx, sql};
use crate::forms::Source;
use crate::outbox::store::{NewMail, Placement, enqueue_to_visitor};

/// A visitor's request as the form gave it.
pub struct NewLead<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub company: &'a str,
    pub job_title: &'a str,
    pub phone: &'a str,
    pub language: &'a str,
    pub marketing: bool,
    pub consent_version: &'a str,
    pub source: &'a Source,
}

/// How a request for a link went.
#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// The lead (or the renewed link's lead) and its mail are stored.
    Sent { lead_id: i64 },
    /// This address was sent [`LINKS_PER_ADDRESS_PER_DAY`] links in the last 24 hours.
    TooManyToday,
}

/// Whether the address may be sent another link now (inside the transaction that will send it).
async fn under_daily_cap(tx: &mut Tx, email: &str, now: Timestamp) -> anyhow::Result<bool> {
    tx.lock_name(&format!("download-links:{email}")).await?;
    let sent: i64 = sql(
        "SELECT count(*) FROM download_links AS d JOIN whitepaper_leads AS l ON l.id = d.lead_id
         WHERE l.email = $1 AND d.created_at > $2",
    )
    .bind(email)
    .bind(now - jiff::SignedDuration::from_hours(24))
    .scalar(&mut *tx)
    .await?;
    Ok(sent < LINKS_PER_ADDRESS_PER_DAY)
}

async fn insert_link(tx: &mut Tx, lead_id: i64, token: &str, now: Timestamp) -> anyhow::Result<()> {
    sql("INSERT INTO download_links (lead_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4)")
        .bind(lead_id)
        .bind(crate::tokens::token_hash(token))
        .bind(now + LINK_LIFETIME)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Stores a lead for `whitepaper_id` with a download link whose secret is `token`, and its mail
/// (made by `mail` for the new lead's id), in one transaction; or refuses when the address had its
/// links for today.
pub async fn request(
    db: &Db,
    whitepaper_id: i64,
    new: &NewLead<'_>,
    token: &str,
    now: Timestamp,
    handoff: &crate::leads::Handoff<'_>,
    mail: impl FnOnce() -> anyhow::Result<NewMail>,
) -> anyhow::Result<Requested> {
    let mut tx = db.begin().await?;
    if !under_daily_cap(&mut tx, new.email, now).await? {
        return Ok(Requested::TooManyToday);
    }
    let stamp = DbTime::from(now);
    let lead_id: i64 = sql(
        "INSERT INTO whitepaper_leads (whitepaper_id, first_name, last_name, email, company, job_title, phone,
            language, terms_consent_at, marketing_consent_at, consent_version, source_url, utm_source, utm_medium,
            utm_campaign, utm_term, utm_content, via, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'form', $9)
         RETURNING id",
    )
    .bind(whitepaper_id)
    .bind(new.first_name)
    .bind(new.last_name)
    .bind(new.email)
    .bind(new.company)
    .bind(new.job_title)
    .bind(new.phone)
    .bind(new.language)
    .bind(stamp)
    .bind(new.marketing.then_some(stamp))
    .bind(new.consent_version)
    .bind(&new.source.url)
    .bind(&new.source.utm_source)
    .bind(&new.source.utm_medium)
    .bind(&new.source.utm_campaign)
    .bind(&new.source.utm_term)
    .bind(&new.source.utm_content)
    .scalar(&mut tx)
    .await?;
    insert_link(&mut tx, lead_id, token, now).await?;
    let placement = Placement {
        lead_id: Some(lead_id),
        purpose: "whitepaper-link",
        ..Placement::default()
    };
    enqueue_to_visitor(&mut tx, &mail()?, &placement).await?;
    let name = format!("{} {}", new.first_name, new.last_name);
    handoff
        .hand_off(
            &mut tx,
            crate::leads::LeadPath::WhitepaperRequest,
            lead_id,
            (new.email, &name, new.company),
            new.source,
            new.marketing,
            // The download link in the mail proves the address for the newsletter too.
            crate::leads::LeadPath::WhitepaperRequest.key(),
        )
        .await?;
    tx.commit().await?;
    Ok(Requested::Sent { lead_id })
}

/// A mailed link with what it leads to.
#[derive(Clone, Debug, FromRow)]
pub struct Link {
    pub id: i64,
    pub lead_id: i64,
    pub whitepaper_id: i64,
    pub expires_at: DbTime,
    pub downloads: i64,
    pub email: String,
    pub first_name: String,
    pub language: String,
}

/// The link whose secret is `token`.
pub async fn link(db: &Db, token: &str) -> anyhow::Result<Option<Link>> {
    Ok(sql(
        "SELECT d.id, d.lead_id, l.whitepaper_id, d.expires_at, d.downloads, l.email, l.first_name, l.language
         FROM download_links AS d JOIN whitepaper_leads AS l ON l.id = d.lead_id
         WHERE d.token_hash = $1",
    )
    .bind(crate::tokens::token_hash(token))
    .fetch_optional(db)
    .await?)
}

/// Counts one download of `link` if it still allows one: confirms its lead's address (the first
/// time) and counts the whitepaper's download. `false`: expired or used up meanwhile.
pub async fn use_link(db: &Db, link: &Link, now: Timestamp) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let counted = sql("UPDATE download_links SET downloads = downloads + 1
         WHERE id = $1 AND downloads < $2 AND expires_at > $3")
    .bind(link.id)
    .bind(LINK_DOWNLOADS)
    .bind(now)
    .execute(&mut tx)
    .await?;
    if counted == 0 {
        return Ok(false);
    }
    sql("UPDATE whitepaper_leads SET confirmed_at = $1 WHERE id = $2 AND confirmed_at IS NULL")
        .bind(now)
        .bind(link.lead_id)
        .execute(&mut tx)
        .await?;
    // The download proved the address: a newsletter sign-up ticked on the request is confirmed.
    crate::newsletter::store::confirm_by_lead(
        &mut tx,
        &link.email,
        crate::leads::LeadPath::WhitepaperRequest.key(),
        now,
    )
    .await?;
    count_download(&mut tx, link.whitepaper_id).await?;
    tx.commit().await?;
    Ok(true)
}

async fn count_download(tx: &mut Tx, whitepaper_id: i64) -> anyhow::Result<()> {
    sql("UPDATE whitepapers SET download_count = download_count + 1 WHERE id = $1")
        .bind(whitepaper_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A fresh link for the lead of an expired or used-up `link`, with its mail, under the daily cap.
pub async fn renew(
    db: &Db,
    link: &Link,
    token: &str,
    now: Timestamp,
    mail: impl FnOnce() -> anyhow::Result<NewMail>,
) -> anyhow::Result<Requested> {
    let mut tx = db.begin().await?;
    if !under_daily_cap(&mut tx, &link.email, now).await? {
        return Ok(Requested::TooManyToday);
    }
    insert_link(&mut tx, link.lead_id, token, now).await?;
    let placement = Placement {
        lead_id: Some(link.lead_id),
        purpose: "whitepaper-link",
        ..Placement::default()
    };
    enqueue_to_visitor(&mut tx, &mail()?, &placement).await?;
    tx.commit().await?;
    Ok(Requested::Sent {
        lead_id: link.lead_id,
    })
}

/// A confirmed reader, as their earlier lead describes them (what pre-fills the form).
#[derive(Clone, Debug, FromRow)]
pub struct Reader {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
    pub job_title: String,
    pub phone: String,
    pub terms_consent_at: DbTime,
    pub marketing_consent_at: Option<DbTime>,
    pub consent_version: String,
}

/// The confirmed lead a reader cookie names (an erased or unconfirmed one names nobody).
pub async fn reader(db: &Db, lead_id: i64) -> anyhow::Result<Option<Reader>> {
    Ok(sql(
        "SELECT id, first_name, last_name, email, company, job_title, phone, terms_consent_at,
                marketing_consent_at, consent_version
         FROM whitepaper_leads WHERE id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(lead_id)
    .fetch_optional(db)
    .await?)
}

/// A reader's one-click download of `whitepaper_id`: a new lead row (confirmed now, with the consent
/// they gave when they confirmed) and the download counted, in one transaction; the new lead's id.
pub async fn reader_download(
    db: &Db,
    whitepaper_id: i64,
    reader: &Reader,
    source: &Source,
    now: Timestamp,
    handoff: &crate::leads::Handoff<'_>,
) -> anyhow::Result<i64> {
    let language = handoff.lang.as_str();
    let mut tx = db.begin().await?;
    let id: i64 = sql(
        "INSERT INTO whitepaper_leads (whitepaper_id, first_name, last_name, email, company, job_title, phone,
            language, terms_consent_at, marketing_consent_at, consent_version, source_url, utm_source, utm_medium,
            utm_campaign, utm_term, utm_content, via, confirmed_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'reader', $18, $18)
         RETURNING id",
    )
    .bind(whitepaper_id)
    .bind(&reader.first_name)
    .bind(&reader.last_name)
    .bind(&reader.email)
    .bind(&reader.company)
    .bind(&reader.job_title)
    .bind(&reader.phone)
    .bind(language)
    .bind(reader.terms_consent_at)
    .bind(reader.marketing_consent_at)
    .bind(&reader.consent_version)
    .bind(&source.url)
    .bind(&source.utm_source)
    .bind(&source.utm_medium)
    .bind(&source.utm_campaign)
    .bind(&source.utm_term)
    .bind(&source.utm_content)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    count_download(&mut tx, whitepaper_id).await?;
    let name = format!("{} {}", reader.first_name, reader.last_name);
    handoff
        .hand_off(
            &mut tx,
            crate::leads::LeadPath::WhitepaperRequest,
            id,
            (&reader.email, &name, &reader.company),
            source,
            false,
            "",
        )
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Which leads the admin lists.
#[derive(Clone, Debug, Default)]
pub struct LeadFilter {
    pub whitepaper_id: Option<i64>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub confirmed: Option<bool>,
    pub marketing: Option<bool>,
}

/// A lead as the admin lists it.
#[derive(Clone, Debug, FromRow)]
pub struct LeadListing {
    pub id: i64,
    pub whitepaper_id: i64,
    pub whitepaper_title: JsonText,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
    pub job_title: String,
    pub phone: String,
    pub language: String,
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

const LEAD_WHERE: &str =
    "($1 IS NULL OR l.whitepaper_id = $1) AND ($2 IS NULL OR l.created_at >= $2)
     AND ($3 IS NULL OR l.created_at < $3)
     AND ($4 IS NULL OR (l.confirmed_at IS NOT NULL) = $4)
     AND ($5 IS NULL OR (l.marketing_consent_at IS NOT NULL) = $5)";

fn lead_query(text: String, f: &LeadFilter) -> Sql {
    Sql::assembled(text)
        .bind(f.whitepaper_id)
        .bind(f.from)
        .bind(f.to)
        .bind(f.confirmed)
        .bind(f.marketing)
}

/// Leads matching `f`, newest first; `limit` from `offset`.
pub async fn leads(
    db: &Db,
    f: &LeadFilter,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<LeadListing>> {
    Ok(lead_query(
        format!(
            "SELECT l.id, l.whitepaper_id, w.title AS whitepaper_title, l.first_name, l.last_name, l.email,
                    l.company, l.job_title, l.phone, l.language, l.marketing_consent_at, l.consent_version,
                    l.source_url, l.utm_source, l.utm_medium, l.utm_campaign, l.via, l.confirmed_at, l.created_at
             FROM whitepaper_leads AS l JOIN whitepapers AS w ON w.id = l.whitepaper_id
             WHERE {LEAD_WHERE} ORDER BY l.created_at DESC, l.id DESC LIMIT $6 OFFSET $7"
        ),
        f,
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

pub async fn count_leads(db: &Db, f: &LeadFilter) -> anyhow::Result<i64> {
    Ok(lead_query(
        format!("SELECT count(*) FROM whitepaper_leads AS l WHERE {LEAD_WHERE}"),
        f,
    )
    .scalar(db)
    .await?)
}

/// Erases a lead with its links and mails (a data-subject request).
pub async fn delete_lead(db: &Db, id: i64) -> anyhow::Result<bool> {
    Ok(sql("DELETE FROM whitepaper_leads WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        == 1)
}

/// Retention: requests whose link was never used, made before `before`; how many went.
pub async fn delete_unconfirmed_before(db: &Db, before: Timestamp) -> anyhow::Result<u64> {
    Ok(
        sql("DELETE FROM whitepaper_leads WHERE confirmed_at IS NULL AND created_at < $1")
            .bind(before)
            .execute(db)
            .await?,
    )
}
