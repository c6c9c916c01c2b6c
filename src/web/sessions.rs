//! Every SQL statement about signed-in sessions. The session cookie carries a random id; the table
//! keeps only its hash, like every other token, so a copy of the database holds no session.
use time::OffsetDateTime;

use crate::db::{Db, DbTime, now, sql};
use crate::users::{Email, Role, User};

/// A session as stored, with its user.
pub struct StoredSession {
    pub user: User,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// Only two-factor enrolment (and signing out) is open to it: the site requires two-factor
    /// and the user has not set it up yet.
    pub must_enrol: bool,
}

/// Where a session is signed in, as the person's list of browsers shows it.
pub struct SignedIn {
    /// Names the session in forms without giving its id away: the first 16 digits of its hash.
    pub handle: String,
    pub user_agent: String,
    pub ip: Option<String>,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// What is stored of a session id.
fn stored(session_id: &str) -> String {
    crate::tokens::token_hash(session_id)
}

/// What a session (by the id its cookie carries) is called in pages and forms: the first 16 hex
/// digits of the stored hash.
pub fn handle(session_id: &str) -> String {
    stored(session_id)[..16].to_owned()
}

pub use crate::tokens::random_token;

/// The browser a session is started in.
pub struct Browser<'a> {
    pub ip: &'a str,
    pub user_agent: &'a str,
}

impl<'a> Browser<'a> {
    pub fn of(req: &'a actix_web::HttpRequest, ip: &'a str) -> Browser<'a> {
        let user_agent = req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Browser { ip, user_agent }
    }
}

/// Starts a session for `user_id`; returns its id. `must_enrol`: the session may only set up
/// two-factor sign-in.
pub async fn create(
    db: &Db,
    user_id: i64,
    browser: &Browser<'_>,
    must_enrol: bool,
) -> anyhow::Result<String> {
    let id = random_token()?;
    let user_agent: String = browser.user_agent.chars().take(400).collect();
    sql("INSERT INTO admin_sessions (id, user_id, csrf_token, created_at, last_seen_at, ip, user_agent, must_enrol)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)")
        .bind(stored(&id))
        .bind(user_id)
        .bind(random_token()?)
        .bind(now())
        .bind(browser.ip)
        .bind(user_agent)
        .bind(must_enrol)
        .execute(db)
        .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct SignedInRow {
    id: String,
    user_agent: String,
    ip: Option<String>,
    created_at: DbTime,
    last_seen_at: DbTime,
}

/// The user's sessions, the most recently used first.
pub async fn list_for_user(db: &Db, user_id: i64) -> anyhow::Result<Vec<SignedIn>> {
    let rows: Vec<SignedInRow> = sql(
        "SELECT id, user_agent, ip, created_at, last_seen_at FROM admin_sessions
         WHERE user_id = $1 ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| SignedIn {
            handle: row.id.chars().take(16).collect(),
            user_agent: row.user_agent,
            ip: row.ip,
            created_at: row.created_at.0,
            last_seen_at: row.last_seen_at.0,
        })
        .collect())
}

/// Ends the user's session named `handle`; whether there was one.
pub async fn delete_by_handle(db: &Db, user_id: i64, handle_text: &str) -> anyhow::Result<bool> {
    if handle_text.len() != 16 || !handle_text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let ended = sql("DELETE FROM admin_sessions WHERE user_id = $1 AND substr(id, 1, 16) = $2")
        .bind(user_id)
        .bind(handle_text)
        .execute(db)
        .await?;
    Ok(ended > 0)
}

/// Ends every session of the user but `keep`; how many ended.
pub async fn delete_others(db: &Db, user_id: i64, keep: &str) -> anyhow::Result<u64> {
    Ok(
        sql("DELETE FROM admin_sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(stored(keep))
            .execute(db)
            .await?,
    )
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    csrf_token: String,
    created_at: DbTime,
    last_seen_at: DbTime,
    user_id: i64,
    email: String,
    display_name: String,
    role: String,
    active: bool,
    must_enrol: bool,
    time_zone: Option<String>,
    language: Option<String>,
}

pub async fn find(db: &Db, id: &str) -> anyhow::Result<Option<StoredSession>> {
    let row: Option<SessionRow> = sql(
        "SELECT s.csrf_token, s.created_at, s.last_seen_at, s.must_enrol, u.id AS user_id, u.email, u.display_name, u.role, u.active,
                u.time_zone, u.language
         FROM admin_sessions AS s JOIN users AS u ON u.id = s.user_id WHERE s.id = $1",
    )
    .bind(stored(id))
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
        time_zone: row.time_zone,
        language: row.language,
    };
    Ok(Some(StoredSession {
        user,
        csrf_token: row.csrf_token,
        created_at: row.created_at.0,
        last_seen_at: row.last_seen_at.0,
        must_enrol: row.must_enrol,
    }))
}

pub async fn touch(db: &Db, id: &str) -> anyhow::Result<()> {
    sql("UPDATE admin_sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(now())
        .bind(stored(id))
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &Db, id: &str) -> anyhow::Result<()> {
    sql("DELETE FROM admin_sessions WHERE id = $1")
        .bind(stored(id))
        .execute(db)
        .await?;
    Ok(())
}

/// Signs a user out everywhere (password, role or active flag changed).
pub async fn delete_for_user(db: &Db, user_id: i64) -> anyhow::Result<()> {
    sql("DELETE FROM admin_sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The key of `name` that every instance of the site shares, made (64 random bytes) by whichever
/// instance asks first; the others read that one.
pub async fn shared_key(db: &Db, name: &str) -> anyhow::Result<Vec<u8>> {
    let mut fresh = [0u8; 64];
    getrandom::fill(&mut fresh).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let hex: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
    sql("INSERT INTO site_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(hex)
        .bind(now())
        .execute(db)
        .await?;
    let stored: String = sql("SELECT value FROM site_keys WHERE name = $1")
        .bind(name)
        .scalar(db)
        .await?;
    (0..stored.len())
        .step_by(2)
        .map(|i| {
            stored
                .get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| anyhow::anyhow!("site_keys row {name:?} is not hex"))
        })
        .collect()
}
