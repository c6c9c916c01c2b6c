//! Every SQL statement about newsletter issues themselves (their deliveries: `delivery_store`).
use jiff::Timestamp;

use super::model::{Issue, IssueRow, MailBlock, Status, Texts};
use crate::db::{Db, JsonText, Sql, sql};

const COLUMNS: &str = "id, status, subject, preheader, blocks, audience, send_at, review_comment,
    created_by, submitted_by, started_at, finished_at, created_at, updated_at";

/// A new, empty draft by `user_id`.
pub async fn create(db: &Db, user_id: i64, now: Timestamp) -> anyhow::Result<i64> {
    Ok(sql(
        "INSERT INTO newsletter_issues (status, subject, preheader, blocks, audience, created_by, created_at, updated_at)
         VALUES ('draft', $1, $1, $2, 'all', $3, $4, $4) RETURNING id",
    )
    .bind(JsonText::from("{}"))
    .bind(JsonText::from("[]"))
    .bind(user_id)
    .bind(now)
    .scalar(db)
    .await?)
}

/// A new draft with `subject` and `blocks` (an issue made from an article).
pub async fn create_with(
    db: &Db,
    user_id: i64,
    subject: &Texts,
    preheader: &Texts,
    blocks: &[MailBlock],
    now: Timestamp,
) -> anyhow::Result<i64> {
    Ok(sql(
        "INSERT INTO newsletter_issues (status, subject, preheader, blocks, audience, created_by, created_at, updated_at)
         VALUES ('draft', $1, $2, $3, 'all', $4, $5, $5) RETURNING id",
    )
    .bind(JsonText::of(subject)?)
    .bind(JsonText::of(preheader)?)
    .bind(JsonText::of(blocks)?)
    .bind(user_id)
    .bind(now)
    .scalar(db)
    .await?)
}

pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<Issue>> {
    let row: Option<IssueRow> = Sql::assembled(format!(
        "SELECT {COLUMNS} FROM newsletter_issues WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.map(Issue::try_from).transpose()
}

/// The newest issues first.
pub async fn list(db: &Db, limit: i64, offset: i64) -> anyhow::Result<Vec<Issue>> {
    let rows: Vec<IssueRow> = Sql::assembled(format!(
        "SELECT {COLUMNS} FROM newsletter_issues ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Issue::try_from).collect()
}

pub async fn count(db: &Db) -> anyhow::Result<i64> {
    Ok(sql("SELECT count(*) FROM newsletter_issues")
        .scalar(db)
        .await?)
}

/// Sent issues whose audience includes `lang`, newest first (the public archive).
pub async fn sent_for(db: &Db, lang: &str, limit: i64) -> anyhow::Result<Vec<Issue>> {
    let rows: Vec<IssueRow> = Sql::assembled(format!(
        "SELECT {COLUMNS} FROM newsletter_issues
         WHERE status = 'sent' AND (audience = 'all' OR audience = $1)
         ORDER BY started_at DESC, id DESC LIMIT $2"
    ))
    .bind(lang)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Issue::try_from).collect()
}

/// What an editor changes while the issue is still a draft (or submitted: saving withdraws the
/// submission). False when it is past that.
pub async fn save(
    db: &Db,
    id: i64,
    subject: &Texts,
    preheader: &Texts,
    blocks: &[MailBlock],
    audience: &str,
    now: Timestamp,
) -> anyhow::Result<bool> {
    Ok(sql(
        "UPDATE newsletter_issues SET subject = $1, preheader = $2, blocks = $3, audience = $4,
            status = 'draft', submitted_by = NULL, updated_at = $5
         WHERE id = $6 AND status IN ('draft', 'submitted')",
    )
    .bind(JsonText::of(subject)?)
    .bind(JsonText::of(preheader)?)
    .bind(JsonText::of(blocks)?)
    .bind(audience)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?
        == 1)
}

/// Moves an issue from one of `from` to `to`; false when it stood elsewhere (someone was first).
pub async fn transition(
    db: &Db,
    id: i64,
    from: &[Status],
    to: Status,
    now: Timestamp,
) -> anyhow::Result<bool> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    Ok(
        sql("UPDATE newsletter_issues SET status = $1, updated_at = $2
         WHERE id = $3 AND ',' || $4 || ',' LIKE '%,' || status || ',%'")
        .bind(to.as_str())
        .bind(now)
        .bind(id)
        .bind(from.join(","))
        .execute(db)
        .await?
            == 1,
    )
}

/// Submits a draft for review, with the time it should go out (`None`: once approved).
pub async fn submit(
    db: &Db,
    id: i64,
    user_id: i64,
    send_at: Option<Timestamp>,
    now: Timestamp,
) -> anyhow::Result<bool> {
    Ok(sql(
        "UPDATE newsletter_issues SET status = 'submitted', submitted_by = $1, send_at = $2,
            review_comment = '', updated_at = $3
         WHERE id = $4 AND status = 'draft'",
    )
    .bind(user_id)
    .bind(send_at)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?
        == 1)
}

/// Schedules a draft (or approves a submitted issue) for `send_at`: the sender starts it then.
pub async fn schedule(
    db: &Db,
    id: i64,
    from: Status,
    send_at: Timestamp,
    now: Timestamp,
) -> anyhow::Result<bool> {
    Ok(sql(
        "UPDATE newsletter_issues SET status = 'scheduled', send_at = $1, review_comment = '', updated_at = $2
         WHERE id = $3 AND status = $4",
    )
    .bind(send_at)
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .execute(db)
    .await?
        == 1)
}

/// A reviewer sends a submitted issue back to its author with `comment`.
pub async fn send_back(db: &Db, id: i64, comment: &str, now: Timestamp) -> anyhow::Result<bool> {
    Ok(sql(
        "UPDATE newsletter_issues SET status = 'draft', review_comment = $1, updated_at = $2
         WHERE id = $3 AND status = 'submitted'",
    )
    .bind(comment)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?
        == 1)
}

/// Deletes a draft; false when it is not one.
pub async fn delete_draft(db: &Db, id: i64) -> anyhow::Result<bool> {
    Ok(
        sql("DELETE FROM newsletter_issues WHERE id = $1 AND status IN ('draft', 'submitted')")
            .bind(id)
            .execute(db)
            .await?
            == 1,
    )
}

/// Issues whose time has come and which have not started: the sender starts them.
pub async fn due(db: &Db, now: Timestamp) -> anyhow::Result<Vec<i64>> {
    Ok(sql(
        "SELECT id FROM newsletter_issues WHERE status = 'scheduled' AND send_at <= $1 ORDER BY send_at, id",
    )
    .bind(now)
    .scalars(db)
    .await?)
}

/// The rendered mails of an issue that started sending (`None` before).
pub async fn rendered(db: &Db, id: i64) -> anyhow::Result<Option<JsonText>> {
    Ok(
        sql("SELECT rendered FROM newsletter_issues WHERE id = $1 AND rendered IS NOT NULL")
            .bind(id)
            .scalar_optional::<JsonText>(db)
            .await?,
    )
}
