//! Every SQL statement about users.
use sqlx::FromRow;

use super::model::{Email, Role, User};
use crate::db::{Db, DbTime, Tx, now, sql};

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    active: bool,
    time_zone: Option<String>,
    language: Option<String>,
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
            time_zone: self.time_zone,
            language: self.language,
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
    let mut tx = db.begin().await?;
    let id = create_user_in(&mut tx, email, name, role, password_hash).await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates a user inside the caller's transaction (an accepted invitation); `Ok(None)` when the
/// e-mail address is taken.
pub async fn create_user_in(
    tx: &mut crate::db::Tx,
    email: &Email,
    name: &str,
    role: Role,
    password_hash: &str,
) -> anyhow::Result<Option<i64>> {
    let id = sql(
        "INSERT INTO users (email, display_name, role, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email.as_str())
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(now())
    .scalar_optional(tx)
    .await?;
    Ok(id)
}

/// The user with this e-mail address and their password hash, for signing in.
pub async fn credentials(db: &Db, email: &Email) -> anyhow::Result<Option<(User, String)>> {
    let row: Option<(i64, String)> = sql("SELECT id, password_hash FROM users WHERE email = $1")
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
        sql("SELECT id, email, display_name, role, active, time_zone, language FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    row.map(UserRow::into_user).transpose()
}

pub async fn record_login(db: &Db, id: i64) -> anyhow::Result<()> {
    sql("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// How many admins can sign in (the first start tells how to create the first one; the demo's
/// authors are staff accounts that cannot).
pub async fn admins(db: &Db) -> anyhow::Result<i64> {
    Ok(
        sql("SELECT count(*) FROM users WHERE role = 'admin' AND active")
            .scalar(db)
            .await?,
    )
}

/// A user as the users list shows them.
#[derive(FromRow)]
pub struct UserListing {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub last_login_at: Option<DbTime>,
    /// Whether two-factor sign-in is on.
    pub two_factor: bool,
}

pub async fn list(db: &Db) -> anyhow::Result<Vec<UserListing>> {
    Ok(sql(
        "SELECT u.id, u.email, u.display_name, u.role, u.active, u.last_login_at,
                    EXISTS (SELECT 1 FROM user_totp AS t WHERE t.user_id = u.id) AS two_factor
             FROM users AS u ORDER BY u.email",
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
    let changed = sql(
        "UPDATE users SET display_name = $1, role = $2, active = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(active)
    .bind(now())
    .bind(id)
    .execute(db)
    .await?;
    Ok(changed == 1)
}

pub async fn set_password(db: &Db, id: i64, password_hash: &str) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let changed = set_password_in(&mut tx, id, password_hash).await?;
    tx.commit().await?;
    Ok(changed)
}

/// Sets the password inside the caller's transaction (a used reset link).
pub async fn set_password_in(
    tx: &mut crate::db::Tx,
    id: i64,
    password_hash: &str,
) -> anyhow::Result<bool> {
    let changed = sql("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now())
        .bind(id)
        .execute(tx)
        .await?;
    Ok(changed == 1)
}

/// Replaces the stored hash of an unchanged password with one made with today's parameters, unless
/// the password was changed meanwhile (the stored hash is no longer `old`).
pub async fn upgrade_password_hash(db: &Db, id: i64, old: &str, new: &str) -> anyhow::Result<bool> {
    let changed = sql("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3")
        .bind(new)
        .bind(id)
        .bind(old)
        .execute(db)
        .await?;
    Ok(changed == 1)
}

pub async fn password_hash(db: &Db, id: i64) -> anyhow::Result<Option<String>> {
    Ok(sql("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .scalar_optional(db)
        .await?)
}

/// Deletes the user; their sessions, reset links, authenticator and recovery codes go with them
/// (`ON DELETE CASCADE`), what they wrote stays with its author unset (`ON DELETE SET NULL`).
pub async fn delete(db: &Db, id: i64) -> anyhow::Result<bool> {
    let changed = sql("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(changed == 1)
}

/// Sets a person's time zone and language (`None`: the site's).
pub async fn set_preferences(
    db: &Db,
    id: i64,
    time_zone: Option<&str>,
    language: Option<&str>,
) -> anyhow::Result<()> {
    sql("UPDATE users SET time_zone = $1, language = $2, updated_at = $3 WHERE id = $4")
        .bind(time_zone)
        .bind(language)
        .bind(now())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Sets a person's language inside the caller's transaction (a new user's, from their invitation).
pub async fn set_language_in(tx: &mut Tx, id: i64, language: &str) -> anyhow::Result<()> {
    sql("UPDATE users SET language = $1 WHERE id = $2")
        .bind(language)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The addresses of every active admin (who hears of what the site's visitors send when no other
/// address is configured).
pub async fn admin_addresses(db: &Db) -> anyhow::Result<Vec<String>> {
    Ok(
        sql("SELECT email FROM users WHERE role = 'admin' AND active ORDER BY id")
            .scalars(db)
            .await?,
    )
}
