//! Every SQL statement about signed-in sessions.
use time::OffsetDateTime;

use crate::db::{Db, from_db_time, now, to_db_time};
use crate::users::{Email, Role, User};

/// A session as stored, with its user.
pub struct StoredSession {
    pub user: User,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// 32 random bytes as 64 hex digits.
pub fn random_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Starts a session for `user_id`; returns its id.
pub async fn create(db: &Db, user_id: i64, ip: Option<&str>) -> anyhow::Result<String> {
    let id = random_token()?;
    let stamp = to_db_time(now());
    sqlx::query("INSERT INTO admin_sessions (id, user_id, csrf_token, created_at, last_seen_at, ip) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(&id)
        .bind(user_id)
        .bind(random_token()?)
        .bind(&stamp)
        .bind(&stamp)
        .bind(ip)
        .execute(db)
        .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    csrf_token: String,
    created_at: String,
    last_seen_at: String,
    user_id: i64,
    email: String,
    display_name: String,
    role: String,
    active: bool,
}

pub async fn find(db: &Db, id: &str) -> anyhow::Result<Option<StoredSession>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT s.csrf_token, s.created_at, s.last_seen_at, u.id AS user_id, u.email, u.display_name, u.role, u.active
         FROM admin_sessions AS s JOIN users AS u ON u.id = s.user_id WHERE s.id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user = User {
        id: row.user_id,
        email: Email::parse(&row.email)
            .map_err(|_| anyhow::anyhow!("users row {}: bad email", row.user_id))?,
        display_name: row.display_name,
        role: Role::parse(&row.role)
            .ok_or_else(|| anyhow::anyhow!("users row {}: bad role", row.user_id))?,
        active: row.active,
    };
    Ok(Some(StoredSession {
        user,
        csrf_token: row.csrf_token,
        created_at: from_db_time(&row.created_at)?,
        last_seen_at: from_db_time(&row.last_seen_at)?,
    }))
}

pub async fn touch(db: &Db, id: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE admin_sessions SET last_seen_at = ? WHERE id = ?")
        .bind(to_db_time(now()))
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &Db, id: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM admin_sessions WHERE id = ?")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Signs a user out everywhere (password, role or active flag changed).
pub async fn delete_for_user(db: &Db, user_id: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM admin_sessions WHERE user_id = ?")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}
