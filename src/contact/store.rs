//! Every SQL statement about contact messages.
use jiff::Timestamp;
use sqlx::FromRow;

use crate::db::{Db, DbTime, Sql, Tx, sql};
use crate::outbox::store::{NewMail, Placement, enqueue_placed, enqueue_to_visitor};

/// A message as the visitor sent it (every text already checked by `crate::forms`).
pub struct NewMessage<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub company: &'a str,
    pub phone: &'a str,
    pub topic: &'a str,
    pub message: &'a str,
    pub language: &'a str,
    pub source_url: &'a str,
    pub consent_version: &'a str,
}

/// Stores the message and queues its mails (the team's notification and the sender's receipt)
/// in one transaction: once the visitor sees "thank you", both are on disk. The mails are made by
/// `mails` from the new message's id.
pub async fn insert(
    db: &Db,
    new: &NewMessage<'_>,
    now: Timestamp,
    handoff: &crate::leads::Handoff<'_>,
    source: &crate::forms::Source,
    mails: impl FnOnce(i64) -> anyhow::Result<Vec<NewMail>>,
) -> anyhow::Result<i64> {
    let mut tx = db.begin().await?;
    let id: i64 = sql(
        "INSERT INTO contact_messages (name, email, company, phone, topic, message, language, source_url,
            consent_at, consent_version, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'unread', $9, $9) RETURNING id",
    )
    .bind(new.name)
    .bind(new.email)
    .bind(new.company)
    .bind(new.phone)
    .bind(new.topic)
    .bind(new.message)
    .bind(new.language)
    .bind(new.source_url)
    .bind(now)
    .bind(new.consent_version)
    .scalar(&mut tx)
    .await?;
    for mail in mails(id)? {
        let placement = Placement {
            message_id: Some(id),
            purpose: "contact",
            ..Placement::default()
        };
        if mail.recipient == new.email {
            enqueue_to_visitor(&mut tx, &mail, &placement).await?;
        } else {
            enqueue_placed(&mut tx, &mail, &placement).await?;
        }
    }
    handoff
        .hand_off(
            &mut tx,
            crate::leads::LeadPath::ContactMessage,
            id,
            (new.email, new.name, new.company),
            source,
            false,
            "",
        )
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Where a message stands in the team's inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Unread,
    Read,
    Answered,
    Archived,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Unread,
        Status::Read,
        Status::Answered,
        Status::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unread => "unread",
            Status::Read => "read",
            Status::Answered => "answered",
            Status::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct Message {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub company: String,
    pub phone: String,
    pub topic: String,
    pub message: String,
    pub language: String,
    pub source_url: String,
    pub consent_at: DbTime,
    pub consent_version: String,
    pub status: String,
    pub created_at: DbTime,
    pub updated_at: DbTime,
}

const COLUMNS: &str =
    "id, name, email, company, phone, topic, message, language, source_url, consent_at,
     consent_version, status, created_at, updated_at";

/// Which messages the inbox lists: one status, or every one but the archived.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filter {
    pub status: Option<Status>,
}

fn filtered(text: String, f: Filter) -> Sql {
    Sql::assembled(text).bind(f.status.map(Status::as_str))
}

const WHERE: &str = "(($1 IS NULL AND status <> 'archived') OR status = $1)";

/// Messages matching `f`, newest first; `limit` from `offset`.
pub async fn list(db: &Db, f: Filter, limit: i64, offset: i64) -> anyhow::Result<Vec<Message>> {
    Ok(filtered(
        format!(
            "SELECT {COLUMNS} FROM contact_messages WHERE {WHERE}
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
        ),
        f,
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?)
}

pub async fn count(db: &Db, f: Filter) -> anyhow::Result<i64> {
    Ok(filtered(
        format!("SELECT count(*) FROM contact_messages WHERE {WHERE}"),
        f,
    )
    .scalar(db)
    .await?)
}

/// Unread messages (the admin's navigation shows the number).
pub async fn unread(db: &Db) -> anyhow::Result<i64> {
    Ok(
        sql("SELECT count(*) FROM contact_messages WHERE status = 'unread'")
            .scalar(db)
            .await?,
    )
}

pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<Message>> {
    Ok(Sql::assembled(format!(
        "SELECT {COLUMNS} FROM contact_messages WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// Sets a message's status; false when there is no such message.
pub async fn set_status(db: &Db, id: i64, status: Status, now: Timestamp) -> anyhow::Result<bool> {
    Ok(
        sql("UPDATE contact_messages SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(now)
            .bind(id)
            .execute(db)
            .await?
            == 1,
    )
}

/// Marks an unread message read (opening it does).
pub async fn mark_read(db: &Db, id: i64, now: Timestamp) -> anyhow::Result<()> {
    sql("UPDATE contact_messages SET status = 'read', updated_at = $1 WHERE id = $2 AND status = 'unread'")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Every message from `email` (lowercased), newest first: for the person's page and export.
pub async fn of_person(db: &Db, email: &str) -> anyhow::Result<Vec<Message>> {
    Ok(Sql::assembled(format!(
        "SELECT {COLUMNS} FROM contact_messages WHERE lower(email) = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(email)
    .fetch_all(db)
    .await?)
}

/// Erases every message from `email` with its mails (inside the person's erasure); how many.
pub async fn erase_person(tx: &mut Tx, email: &str) -> anyhow::Result<u64> {
    Ok(sql("DELETE FROM contact_messages WHERE lower(email) = $1")
        .bind(email)
        .execute(tx)
        .await?)
}

/// Deletes messages received before `before` (retention); how many.
pub async fn delete_older_than(db: &Db, before: Timestamp) -> anyhow::Result<u64> {
    Ok(sql("DELETE FROM contact_messages WHERE created_at < $1")
        .bind(before)
        .execute(db)
        .await?)
}
