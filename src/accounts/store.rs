//! Every SQL statement about invitations and password-reset links. Links carry a random token; only
//! its hash is stored.
use time::OffsetDateTime;

use crate::db::{Db, DbTime, Tx, now, sql};
use crate::users::Role;

/// An invitation as the users page lists it.
#[derive(sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub language: String,
    pub created_at: DbTime,
    pub expires_at: DbTime,
}

impl Invitation {
    pub fn expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at.0 <= now
    }
}

pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub language: &'a str,
    pub invited_by: i64,
    pub token_hash: &'a str,
    pub expires_at: OffsetDateTime,
}

/// Records an invitation; `Ok(None)` when the address already has an open one.
pub async fn invite(tx: &mut Tx, new: &NewInvitation<'_>) -> anyhow::Result<Option<i64>> {
    let id = sql(
        "INSERT INTO user_invitations (email, display_name, role, language, token_hash, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(new.email)
    .bind(new.display_name)
    .bind(new.role.as_str())
    .bind(new.language)
    .bind(new.token_hash)
    .bind(new.invited_by)
    .bind(now())
    .bind(new.expires_at)
    .scalar_optional(&mut *tx)
    .await?;
    Ok(id)
}

/// Invitations neither accepted nor revoked (expired ones too, so they can be sent again).
pub async fn open_invitations(db: &Db) -> anyhow::Result<Vec<Invitation>> {
    Ok(sql(
        "SELECT id, email, display_name, role, language, created_at, expires_at FROM user_invitations
         WHERE accepted_at IS NULL AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
    )
    .fetch_all(db)
    .await?)
}

pub async fn open_invitation(db: &Db, id: i64) -> anyhow::Result<Option<Invitation>> {
    Ok(sql(
        "SELECT id, email, display_name, role, language, created_at, expires_at FROM user_invitations
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

pub async fn revoke_invitation(tx: &mut Tx, id: i64) -> anyhow::Result<bool> {
    let changed = sql("UPDATE user_invitations SET revoked_at = $1
         WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL")
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(changed == 1)
}

/// What a link's token finds.
pub enum Found<T> {
    /// Usable.
    Open(T),
    /// Used, revoked or out of date: the page says so (410).
    Gone,
    /// No such link (404).
    Unknown,
}

#[derive(sqlx::FromRow)]
struct InvitationState {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    language: String,
    created_at: DbTime,
    expires_at: DbTime,
    accepted_at: Option<DbTime>,
    revoked_at: Option<DbTime>,
}

pub async fn invitation_by_token(db: &Db, token_hash: &str) -> anyhow::Result<Found<Invitation>> {
    let row: Option<InvitationState> = sql(
        "SELECT id, email, display_name, role, language, created_at, expires_at, accepted_at, revoked_at
         FROM user_invitations WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => Found::Unknown,
        Some(row)
            if row.accepted_at.is_some()
                || row.revoked_at.is_some()
                || row.expires_at.0 <= now() =>
        {
            Found::Gone
        }
        Some(row) => Found::Open(Invitation {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role: row.role,
            language: row.language,
            created_at: row.created_at,
            expires_at: row.expires_at,
        }),
    })
}

/// Marks the invitation used, once: `false` when another request used it first.
pub async fn accept_invitation(tx: &mut Tx, id: i64) -> anyhow::Result<bool> {
    let changed = sql("UPDATE user_invitations SET accepted_at = $1
         WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1")
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(changed == 1)
}

/// A reset link for `user_id`, void once the password whose hash gives `fingerprint` changes.
pub async fn create_reset(
    tx: &mut Tx,
    user_id: i64,
    token_hash: &str,
    fingerprint: &str,
    expires_at: OffsetDateTime,
) -> anyhow::Result<()> {
    sql("INSERT INTO password_resets (token_hash, user_id, password_fingerprint, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)")
    .bind(token_hash)
    .bind(user_id)
    .bind(fingerprint)
    .bind(now())
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// How many reset links were made for the user since `since` (the per-address throttle).
pub async fn resets_since(db: &Db, user_id: i64, since: OffsetDateTime) -> anyhow::Result<i64> {
    Ok(
        sql("SELECT count(*) FROM password_resets WHERE user_id = $1 AND created_at > $2")
            .bind(user_id)
            .bind(since)
            .scalar(db)
            .await?,
    )
}

/// A usable reset link: its user and the fingerprint of the password it was made for.
pub struct Reset {
    pub user_id: i64,
    pub fingerprint: String,
}

#[derive(sqlx::FromRow)]
struct ResetState {
    user_id: i64,
    password_fingerprint: String,
    expires_at: DbTime,
    used_at: Option<DbTime>,
}

pub async fn reset_by_token(db: &Db, token_hash: &str) -> anyhow::Result<Found<Reset>> {
    let row: Option<ResetState> = sql(
        "SELECT user_id, password_fingerprint, expires_at, used_at FROM password_resets WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => Found::Unknown,
        Some(row) if row.used_at.is_some() || row.expires_at.0 <= now() => Found::Gone,
        Some(row) => Found::Open(Reset {
            user_id: row.user_id,
            fingerprint: row.password_fingerprint,
        }),
    })
}

/// Uses the link, once; every other open link of the user goes with it.
pub async fn use_reset(tx: &mut Tx, token_hash: &str, user_id: i64) -> anyhow::Result<bool> {
    let at = now();
    let changed = sql(
        "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(at)
    .bind(token_hash)
    .execute(&mut *tx)
    .await?;
    sql("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(changed == 1)
}

/// Deletes invitations that ended (accepted, withdrawn or expired) before `ended_before`, and reset
/// links that expired before `expired_before`; returns how many of each. Accepted invitations are
/// kept a while so the users page and the audit trail can be read against them.
pub async fn delete_ended(
    db: &Db,
    ended_before: OffsetDateTime,
    expired_before: OffsetDateTime,
) -> anyhow::Result<(u64, u64)> {
    let invitations = sql("DELETE FROM user_invitations
         WHERE coalesce(accepted_at, revoked_at, expires_at) < $1
           AND (accepted_at IS NOT NULL OR revoked_at IS NOT NULL OR expires_at < $1)")
    .bind(ended_before)
    .execute(db)
    .await?;
    let resets = sql("DELETE FROM password_resets WHERE expires_at < $1")
        .bind(expired_before)
        .execute(db)
        .await?;
    Ok((invitations, resets))
}
