//! Every SQL statement about consultants: the bookable ones with their rules, their contact for a
//! booking's mails, and the records the admin edits.
use sqlx::FromRow;

use super::model::{Consultant, MeetingType, StoredAvailability, rules_from_storage};
use crate::db::{Db, JsonText, Sql, Tx, now as db_now, sql};

#[derive(FromRow)]
struct ConsultantRow {
    id: i64,
    name: String,
    title: JsonText,
    bio: JsonText,
    email: String,
    photo: Option<String>,
    languages: JsonText,
    timezone: String,
    weekly_hours: JsonText,
    breaks: JsonText,
    blackouts: JsonText,
    buffer_minutes: i64,
    min_notice_hours: i64,
    max_advance_days: i64,
    durations: JsonText,
    meeting_types: JsonText,
}

const CONSULTANT_QUERY: &str = "SELECT id, name, title, bio, email, photo, languages, timezone, weekly_hours, breaks, blackouts, \
     buffer_minutes, min_notice_hours, max_advance_days, durations, meeting_types FROM consultants";

fn consultant_from_row(r: ConsultantRow) -> anyhow::Result<Consultant> {
    let id = r.id;
    let json_err = |column: &str, e: serde_json::Error| {
        anyhow::anyhow!("consultants row {id}, column {column}: {e}")
    };
    let stored = StoredAvailability {
        weekly_hours: r
            .weekly_hours
            .parse()
            .map_err(|e| json_err("weekly_hours", e))?,
        breaks: r.breaks.parse().map_err(|e| json_err("breaks", e))?,
        blackouts: r.blackouts.parse().map_err(|e| json_err("blackouts", e))?,
    };
    let types: Vec<String> = r
        .meeting_types
        .parse()
        .map_err(|e| json_err("meeting_types", e))?;
    Ok(Consultant {
        id,
        name: r.name,
        title: r.title.parse().map_err(|e| json_err("title", e))?,
        bio: r.bio.parse().map_err(|e| json_err("bio", e))?,
        email: r.email,
        photo: r.photo,
        languages: r.languages.parse().map_err(|e| json_err("languages", e))?,
        rules: rules_from_storage(
            id,
            &r.timezone,
            &stored,
            r.buffer_minutes,
            r.min_notice_hours,
            r.max_advance_days,
        )?,
        durations: r.durations.parse().map_err(|e| json_err("durations", e))?,
        meeting_types: types.iter().filter_map(|t| MeetingType::parse(t)).collect(),
    })
}

/// Consultant `id` if active, read in the booking's transaction (which holds the consultant).
pub async fn active_consultant(tx: &mut Tx, id: i64) -> anyhow::Result<Option<Consultant>> {
    let row: Option<ConsultantRow> =
        Sql::assembled(format!("{CONSULTANT_QUERY} WHERE id = $1 AND active"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    row.map(consultant_from_row).transpose()
}

/// Active consultants, by name.
pub async fn active_consultants(db: &Db) -> anyhow::Result<Vec<Consultant>> {
    let rows: Vec<ConsultantRow> =
        Sql::assembled(format!("{CONSULTANT_QUERY} WHERE active ORDER BY name, id"))
            .fetch_all(db)
            .await?;
    rows.into_iter().map(consultant_from_row).collect()
}

/// The consultant's e-mail address and time zone, for the booking's mails.
pub async fn consultant_contact(
    db: &Db,
    id: i64,
) -> anyhow::Result<Option<(String, String, String)>> {
    Ok(
        sql("SELECT name, email, timezone FROM consultants WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?,
    )
}

/// Adds a consultant (demo content, tests).
pub struct NewConsultant<'a> {
    pub name: &'a str,
    pub title: serde_json::Value,
    pub bio: serde_json::Value,
    pub email: &'a str,
    pub languages: &'a [&'a str],
    pub timezone: &'a str,
    pub weekly_hours: serde_json::Value,
    pub breaks: serde_json::Value,
    pub buffer_minutes: i64,
    pub min_notice_hours: i64,
    pub max_advance_days: i64,
    pub durations: &'a [i64],
    pub meeting_types: &'a [&'a str],
}

pub async fn create_consultant(db: &Db, c: &NewConsultant<'_>) -> anyhow::Result<i64> {
    Ok(sql(
        "INSERT INTO consultants (name, title, bio, email, languages, timezone, weekly_hours, breaks, buffer_minutes,
                                  min_notice_hours, max_advance_days, durations, meeting_types, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(c.name)
    .bind(JsonText::of(&c.title)?)
    .bind(JsonText::of(&c.bio)?)
    .bind(c.email)
    .bind(JsonText::of(c.languages)?)
    .bind(c.timezone)
    .bind(JsonText::of(&c.weekly_hours)?)
    .bind(JsonText::of(&c.breaks)?)
    .bind(c.buffer_minutes)
    .bind(c.min_notice_hours)
    .bind(c.max_advance_days)
    .bind(JsonText::of(c.durations)?)
    .bind(JsonText::of(c.meeting_types)?)
    .bind(db_now())
    .scalar(db)
    .await?)
}

pub async fn has_consultants(db: &Db) -> anyhow::Result<bool> {
    Ok(sql("SELECT count(*) FROM consultants")
        .scalar::<i64>(db)
        .await?
        > 0)
}

pub async fn consultant_email(db: &Db, id: i64) -> anyhow::Result<Option<String>> {
    Ok(sql("SELECT email FROM consultants WHERE id = $1")
        .bind(id)
        .scalar_optional(db)
        .await?)
}

/// Every consultant, for the admin's filters.
pub async fn consultant_names(db: &Db) -> anyhow::Result<Vec<(i64, String)>> {
    Ok(sql("SELECT id, name FROM consultants ORDER BY name")
        .fetch_all(db)
        .await?)
}

/// A consultant's stored fields as the admin form edits them (JSON columns as text).
#[derive(Debug, Clone, Default, FromRow)]
pub struct ConsultantRecord {
    pub id: i64,
    pub name: String,
    pub title: JsonText,
    pub bio: JsonText,
    pub email: String,
    pub photo: Option<String>,
    pub languages: JsonText,
    pub active: bool,
    pub timezone: String,
    pub weekly_hours: JsonText,
    pub breaks: JsonText,
    pub blackouts: JsonText,
    pub buffer_minutes: i64,
    pub min_notice_hours: i64,
    pub max_advance_days: i64,
    pub durations: JsonText,
    pub meeting_types: JsonText,
}

const CONSULTANT_RECORD: &str = "SELECT id, name, title, bio, email, photo, languages, active, timezone, weekly_hours, \
     breaks, blackouts, buffer_minutes, min_notice_hours, max_advance_days, durations, meeting_types FROM consultants";

pub async fn consultant_records(db: &Db) -> anyhow::Result<Vec<ConsultantRecord>> {
    Ok(
        Sql::assembled(format!("{CONSULTANT_RECORD} ORDER BY name, id"))
            .fetch_all(db)
            .await?,
    )
}

pub async fn consultant_record(db: &Db, id: i64) -> anyhow::Result<Option<ConsultantRecord>> {
    Ok(Sql::assembled(format!("{CONSULTANT_RECORD} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?)
}

/// Creates (`id == 0`) or updates a consultant; returns the id.
pub async fn save_consultant(db: &Db, c: &ConsultantRecord) -> anyhow::Result<i64> {
    if c.id == 0 {
        return Ok(sql(
            "INSERT INTO consultants (name, title, bio, email, photo, languages, active, timezone, weekly_hours, breaks, blackouts,
                                      buffer_minutes, min_notice_hours, max_advance_days, durations, meeting_types,
                                      created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
        )
        .bind(&c.name).bind(&c.title).bind(&c.bio).bind(&c.email).bind(c.photo.as_deref()).bind(&c.languages).bind(c.active)
        .bind(&c.timezone).bind(&c.weekly_hours).bind(&c.breaks).bind(&c.blackouts).bind(c.buffer_minutes)
        .bind(c.min_notice_hours).bind(c.max_advance_days).bind(&c.durations).bind(&c.meeting_types).bind(db_now())
        .scalar(db)
        .await?);
    }
    sql(
        "UPDATE consultants SET name = $1, title = $2, bio = $3, email = $4, photo = $5, languages = $6, active = $7,
                timezone = $8, weekly_hours = $9, breaks = $10, blackouts = $11, buffer_minutes = $12,
                min_notice_hours = $13, max_advance_days = $14, durations = $15, meeting_types = $16, updated_at = $17
         WHERE id = $18",
    )
    .bind(&c.name).bind(&c.title).bind(&c.bio).bind(&c.email).bind(c.photo.as_deref()).bind(&c.languages).bind(c.active)
    .bind(&c.timezone).bind(&c.weekly_hours).bind(&c.breaks).bind(&c.blackouts).bind(c.buffer_minutes)
    .bind(c.min_notice_hours).bind(c.max_advance_days).bind(&c.durations).bind(&c.meeting_types).bind(db_now())
    .bind(c.id)
    .execute(db)
    .await?;
    Ok(c.id)
}
