//! Every SQL statement about submissions of built forms. A submission, its inbox lead, the team's
//! mails and (when the box was ticked) the newsletter sign-up are one transaction: once the visitor
//! sees the thank-you, all of it is on disk.
use jiff::Timestamp;
use sqlx::FromRow;

use super::form::{Answer, FormSubmission};
use crate::db::{Db, DbTime, Tx, sql};
use crate::forms::Source;

/// Where a submission was sent from.
pub struct Sent<'a> {
    pub block_id: i64,
    pub form_name: &'a str,
    pub language: &'a str,
    pub source: &'a Source,
}

/// Stores `submission` inside `tx`.
pub async fn insert(
    tx: &mut Tx,
    submission: &FormSubmission,
    sent: &Sent<'_>,
    now: Timestamp,
) -> anyhow::Result<i64> {
    let answers = serde_json::to_string(&submission.answers)?;
    let id: i64 = sql(
        "INSERT INTO form_submissions (block_id, form_name, email, name, answers, language, consent_at,
            marketing_consent_at, consent_version, source_url, utm_source, utm_medium, utm_campaign, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(sent.block_id)
    .bind(sent.form_name)
    .bind(submission.email.as_str())
    .bind(submission.name.as_str())
    .bind(answers)
    .bind(sent.language)
    .bind(submission.consented.then_some(now))
    .bind(submission.marketing.then_some(now))
    .bind(submission.consent_version.as_str())
    .bind(&sent.source.url)
    .bind(&sent.source.utm_source)
    .bind(&sent.source.utm_medium)
    .bind(&sent.source.utm_campaign)
    .bind(now)
    .scalar(tx)
    .await?;
    Ok(id)
}

/// A submission as the inbox and a person's export show it.
#[derive(Clone, Debug, FromRow)]
pub struct Submission {
    pub id: i64,
    pub form_name: String,
    pub email: String,
    pub name: String,
    pub answers: String,
    pub language: String,
    pub consent_at: Option<DbTime>,
    pub marketing_consent_at: Option<DbTime>,
    pub consent_version: String,
    pub source_url: String,
    pub created_at: DbTime,
}

impl Submission {
    pub fn answers(&self) -> Vec<Answer> {
        serde_json::from_str(&self.answers).unwrap_or_default()
    }
}

const COLUMNS: &str =
    "id, form_name, email, name, answers, language, consent_at, marketing_consent_at,
     consent_version, source_url, created_at";

pub async fn submission(db: &Db, id: i64) -> anyhow::Result<Option<Submission>> {
    Ok(crate::db::Sql::assembled(format!(
        "SELECT {COLUMNS} FROM form_submissions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// A person's submissions, newest first (their export).
pub async fn of_person(db: &Db, email: &str) -> anyhow::Result<Vec<Submission>> {
    Ok(crate::db::Sql::assembled(format!(
        "SELECT {COLUMNS} FROM form_submissions WHERE email = $1 ORDER BY created_at DESC"
    ))
    .bind(email)
    .fetch_all(db)
    .await?)
}

/// Erasure: a person's submissions, with their leads and the team's mails about them.
pub async fn erase_person(tx: &mut Tx, email: &str) -> anyhow::Result<u64> {
    Ok(sql("DELETE FROM form_submissions WHERE email = $1")
        .bind(email)
        .execute(tx)
        .await?)
}
