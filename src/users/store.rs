//! Every SQL statement about users.
use sqlx::FromRow;

use super::model::{Email, Role, User};
use crate::db::{Db, now, to_db_time};

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    active: bool,
}

impl UserRow {
    fn into_user(self) -> anyhow::Result<User> {
        Ok(User {
            id: self.id,
            email: Email::parse(&self.email)
                .map_err(|_| anyhow::anyhow!("users row {}: bad email", self.id))?,
            display_name: self.display_name,
            role: Role::parse(&self.role)
                .ok_or_else(|| anyhow::anyhow!("users row {}: bad role", self.id))?,
            active: self.active,
        })
    }
}

/// Creates a user; `Ok(None)` when the e-mail address is taken.
pub async fn create_user(
    db: &Db,
    email: &Email,
    name: &str,
    role: Role,
    password_hash: &str,
) -> anyhow::Result<Option<i64>> {
    let id = sqlx::query_scalar(
        "INSERT INTO users (email, display_name, role, password_hash) VALUES (?, ?, ?, ?)
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email.as_str())
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .fetch_optional(db)
    .await?;
    Ok(id)
}

/// The user with this e-mail address and their password hash, for signing in.
pub async fn credentials(db: &Db, email: &Email) -> anyhow::Result<Option<(User, String)>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = ?")
            .bind(email.as_str())
            .fetch_optional(db)
            .await?;
    let Some((id, hash)) = row else {
        return Ok(None);
    };
    Ok(user(db, id).await?.map(|u| (u, hash)))
}

pub async fn user(db: &Db, id: i64) -> anyhow::Result<Option<User>> {
    let row: Option<UserRow> =
        sqlx::query_as("SELECT id, email, display_name, role, active FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(db)
            .await?;
    row.map(UserRow::into_user).transpose()
}

pub async fn record_login(db: &Db, id: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE users SET last_login_at = ? WHERE id = ?")
        .bind(to_db_time(now()))
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// How many users exist (the first start tells how to create the first admin).
pub async fn count(db: &Db) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(db)
        .await?)
}

/// A user as the users list shows them.
#[derive(FromRow)]
pub struct UserListing {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub last_login_at: Option<String>,
}

pub async fn list(db: &Db) -> anyhow::Result<Vec<UserListing>> {
    Ok(sqlx::query_as(
        "SELECT id, email, display_name, role, active, last_login_at FROM users ORDER BY email",
    )
    .fetch_all(db)
    .await?)
}

/// Changes name, role and active flag; returns whether the user exists.
pub async fn update(
    db: &Db,
    id: i64,
    name: &str,
    role: Role,
    active: bool,
) -> anyhow::Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET display_name = ?, role = ?, active = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(active)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_password(db: &Db, id: i64, password_hash: &str) -> anyhow::Result<bool> {
    let done = sqlx::query("UPDATE users SET password_hash = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?")
        .bind(password_hash)
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn password_hash(db: &Db, id: i64) -> anyhow::Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(db)
            .await?,
    )
}
