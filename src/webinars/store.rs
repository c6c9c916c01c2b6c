//! Every SQL statement about webinars themselves: reading them, saving an editor's changes (with
//! the mails a change owes the registrants), the lists the site shows. Registrations are
//! `registration_store`.
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sqlx::FromRow;

use super::model::{Speaker, Webinar, WebinarStatus};
use super::registration_store::{Registrant, registrants, reminder_purposes};
use crate::content::Slug;
use crate::content::blocks::SafeUrl;
use crate::db::{Db, DbTime, JsonText, Sql, is_unique_violation, now as db_now, sql};
use crate::outbox::store::{NewMail, Placement, enqueue_placed, withdraw};

#[derive(FromRow)]
struct WebinarRow {
    id: i64,
    slug: String,
    title: JsonText,
    summary: JsonText,
    description: JsonText,
    description_html: JsonText,
    objectives: JsonText,
    speakers: JsonText,
    starts_at: DbTime,
    timezone: String,
    duration_minutes: i64,
    capacity: i64,
    waitlist: bool,
    confirm_by_mail: bool,
    registration_deadline: Option<DbTime>,
    talk_language: String,
    meeting_link: String,
    recording_link: String,
    status: String,
    sequence: i64,
    updated_at: DbTime,
    registered: i64,
    waitlisted: i64,
}

/// One query for a webinar with its seats taken and its waitlist.
const SELECT: &str = "SELECT w.id, w.slug, w.title, w.summary, w.description, w.description_html, \
     w.objectives, w.speakers, w.starts_at, w.timezone, w.duration_minutes, w.capacity, w.waitlist, \
     w.confirm_by_mail, w.registration_deadline, w.talk_language, w.meeting_link, w.recording_link, w.status, w.sequence, \
     w.updated_at, \
     coalesce(s.taken, 0) AS registered, coalesce(s.waitlisted, 0) AS waitlisted \
     FROM webinars AS w LEFT JOIN webinar_seat_counts AS s ON s.webinar_id = w.id";

fn webinar_from_row(r: WebinarRow) -> anyhow::Result<Webinar> {
    let id = r.id;
    let bad = |column: &str, e: &dyn std::fmt::Display| {
        anyhow::anyhow!("webinars row {id}, column {column}: {e}")
    };
    let link = |s: &str| (!s.is_empty()).then(|| SafeUrl::parse(s).ok()).flatten();
    Ok(Webinar {
        id,
        slug: Slug::parse(&r.slug).map_err(|e| bad("slug", &e))?,
        title: r.title.parse().map_err(|e| bad("title", &e))?,
        summary: r.summary.parse().map_err(|e| bad("summary", &e))?,
        description: r.description.parse().map_err(|e| bad("description", &e))?,
        description_html: r
            .description_html
            .parse()
            .map_err(|e| bad("description_html", &e))?,
        objectives: r.objectives.parse().map_err(|e| bad("objectives", &e))?,
        speakers: r.speakers.parse().map_err(|e| bad("speakers", &e))?,
        starts_at: r.starts_at.into(),
        timezone: TimeZone::get(&r.timezone).map_err(|e| bad("timezone", &e))?,
        duration_minutes: r.duration_minutes,
        capacity: r.capacity,
        waitlist: r.waitlist,
        confirm_by_mail: r.confirm_by_mail,
        registration_deadline: r.registration_deadline.map(Into::into),
        talk_language: r.talk_language,
        meeting_link: link(&r.meeting_link),
        recording_link: link(&r.recording_link),
        status: WebinarStatus::parse(&r.status).ok_or_else(|| bad("status", &r.status))?,
        sequence: r.sequence,
        updated_at: r.updated_at.into(),
        registered: r.registered,
        waitlisted: r.waitlisted,
    })
}

/// Published and cancelled webinars (not drafts), soonest first.
pub async fn public_webinars(db: &Db) -> anyhow::Result<Vec<Webinar>> {
    let rows: Vec<WebinarRow> = Sql::assembled(format!(
        "{SELECT} WHERE w.status IN ('published', 'cancelled') ORDER BY w.starts_at, w.id"
    ))
    .fetch_all(db)
    .await?;
    rows.into_iter().map(webinar_from_row).collect()
}

/// Every webinar, newest start first (the admin).
pub async fn all_webinars(db: &Db) -> anyhow::Result<Vec<Webinar>> {
    let rows: Vec<WebinarRow> = Sql::assembled(format!("{SELECT} ORDER BY w.starts_at DESC, w.id"))
        .fetch_all(db)
        .await?;
    rows.into_iter().map(webinar_from_row).collect()
}

/// The webinar at `slug` that visitors may see (published or cancelled).
pub async fn public_webinar(db: &Db, slug: &Slug) -> anyhow::Result<Option<Webinar>> {
    let row: Option<WebinarRow> = Sql::assembled(format!(
        "{SELECT} WHERE w.slug = $1 AND w.status IN ('published', 'cancelled')"
    ))
    .bind(slug.as_str())
    .fetch_optional(db)
    .await?;
    row.map(webinar_from_row).transpose()
}

pub async fn webinar(db: &Db, id: i64) -> anyhow::Result<Option<Webinar>> {
    let row: Option<WebinarRow> = Sql::assembled(format!("{SELECT} WHERE w.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.map(webinar_from_row).transpose()
}

/// What the editor's form saves.
#[derive(Debug)]
pub struct WebinarFields {
    pub slug: Slug,
    pub title: JsonText,
    pub summary: JsonText,
    pub description: JsonText,
    pub description_html: JsonText,
    pub objectives: JsonText,
    pub speakers: Vec<Speaker>,
    pub starts_at: Timestamp,
    pub timezone: String,
    pub duration_minutes: i64,
    pub capacity: i64,
    pub waitlist: bool,
    pub registration_deadline: Option<Timestamp>,
    pub talk_language: String,
    pub meeting_link: String,
    pub recording_link: String,
    pub status: WebinarStatus,
    /// Registrants confirm their address by the mailed link before the seat is held.
    pub confirm_by_mail: bool,
}

/// Binds a webinar's fields as `$1`…`$18`, in the order of the INSERT and UPDATE below.
trait WithFields {
    fn with_fields(self, f: &WebinarFields, speakers: &JsonText) -> Self;
}

impl WithFields for Sql {
    fn with_fields(self, f: &WebinarFields, speakers: &JsonText) -> Sql {
        self.bind(f.slug.as_str())
            .bind(&f.title)
            .bind(&f.summary)
            .bind(&f.description)
            .bind(&f.description_html)
            .bind(&f.objectives)
            .bind(speakers)
            .bind(f.starts_at)
            .bind(&f.timezone)
            .bind(f.duration_minutes)
            .bind(f.capacity)
            .bind(f.waitlist)
            .bind(f.registration_deadline)
            .bind(&f.talk_language)
            .bind(&f.meeting_link)
            .bind(&f.recording_link)
            .bind(f.status.as_db())
            .bind(f.confirm_by_mail)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum SaveRefused {
    SlugTaken,
    NotFound,
}

/// What changed in a save that registrants must hear about.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// The start moved: reminders are planned again and everyone is told, with a new calendar file.
    pub moved: bool,
    /// The recording was added: registrants are told where to watch it.
    pub recording_added: bool,
    /// The webinar was called off: everyone is told.
    pub cancelled: bool,
}

/// Creates (`id: None`) or updates a webinar; returns its id and what changed. The mails that the
/// changes call for are made by `mails` for each registrant concerned, inside the same transaction.
pub async fn save_webinar(
    db: &Db,
    id: Option<i64>,
    f: &WebinarFields,
    mails: impl Fn(&Changes, &Registrant) -> anyhow::Result<Vec<(NewMail, Placement)>>,
) -> anyhow::Result<Result<(i64, Changes), SaveRefused>> {
    let now = db_now();
    let mut tx = db.begin().await?;
    let speakers = JsonText::of(&f.speakers)?;
    let (id, changes) = match id {
        None => {
            let inserted = sql(
                "INSERT INTO webinars (slug, title, summary, description, description_html, objectives, speakers,
                    starts_at, timezone, duration_minutes, capacity, waitlist, registration_deadline, talk_language,
                    meeting_link, recording_link, status, confirm_by_mail, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
                 RETURNING id",
            )
            .with_fields(f, &speakers)
            .bind(now)
            .scalar::<i64>(&mut tx)
            .await;
            match inserted {
                Ok(id) => (id, Changes::default()),
                Err(e) if is_unique_violation(&e) => return Ok(Err(SaveRefused::SlugTaken)),
                Err(e) => return Err(e.into()),
            }
        }
        Some(id) => {
            tx.lock_row("webinars", id).await?;
            let before: Option<(DbTime, String, String)> =
                sql("SELECT starts_at, recording_link, status FROM webinars WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut tx)
                    .await?;
            let Some((starts_at, recording, status)) = before else {
                return Ok(Err(SaveRefused::NotFound));
            };
            let changes = Changes {
                moved: Timestamp::from(starts_at) != f.starts_at,
                recording_added: recording.is_empty() && !f.recording_link.is_empty(),
                cancelled: status != "cancelled" && f.status == WebinarStatus::Cancelled,
            };
            let updated = sql(
                "UPDATE webinars SET slug = $1, title = $2, summary = $3, description = $4, description_html = $5,
                    objectives = $6, speakers = $7, starts_at = $8, timezone = $9, duration_minutes = $10,
                    capacity = $11, waitlist = $12, registration_deadline = $13, talk_language = $14,
                    meeting_link = $15, recording_link = $16, status = $17, confirm_by_mail = $18,
                    updated_at = $19, sequence = sequence + $20
                 WHERE id = $21",
            )
            .with_fields(f, &speakers)
            .bind(now)
            .bind(i64::from(changes.moved || changes.cancelled))
            .bind(id)
            .execute(&mut tx)
            .await;
            match updated {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Ok(Err(SaveRefused::SlugTaken)),
                Err(e) => return Err(e.into()),
            }
            (id, changes)
        }
    };
    if changes != Changes::default() {
        for registrant in registrants(&mut tx, id).await? {
            if changes.moved || changes.cancelled {
                withdraw(&mut tx, registrant.id, &reminder_purposes()).await?;
            }
            for (mail, placement) in mails(&changes, &registrant)? {
                enqueue_placed(
                    &mut tx,
                    &mail,
                    &Placement {
                        registration_id: Some(registrant.id),
                        ..placement
                    },
                )
                .await?;
            }
        }
    }
    super::findable::index_webinar(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Ok((id, changes)))
}

/// Upcoming published webinars with their registration counts (dashboard, footer, teasers).
pub async fn upcoming(db: &Db, now: Timestamp, limit: i64) -> anyhow::Result<Vec<Webinar>> {
    let rows: Vec<WebinarRow> = Sql::assembled(format!(
        "{SELECT} WHERE w.status = 'published' AND w.starts_at > $1 ORDER BY w.starts_at, w.id LIMIT $2"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(webinar_from_row).collect()
}

pub async fn has_webinars(db: &Db) -> anyhow::Result<bool> {
    Ok(sql("SELECT EXISTS (SELECT 1 FROM webinars)")
        .scalar::<bool>(db)
        .await?)
}

/// Every webinar's translatable texts as one JSON object (title, summary, description, speakers),
/// newest first, for the translation overview; cancelled ones left out.
pub async fn translatable(db: &Db) -> anyhow::Result<Vec<(i64, JsonText)>> {
    Ok(Sql::per_engine(
        "SELECT id, json_object('title', json(title), 'summary', json(summary),
                'description', json(description), 'speakers', json(speakers))
         FROM webinars WHERE status <> 'cancelled' ORDER BY starts_at DESC, id DESC",
        "SELECT id, jsonb_build_object('title', title, 'summary', summary,
                'description', description, 'speakers', speakers)
         FROM webinars WHERE status <> 'cancelled' ORDER BY starts_at DESC, id DESC",
    )
    .fetch_all(db)
    .await?)
}
