//! The SQLite pool (WAL, foreign keys, busy timeout, `synchronous=FULL`), migrations, the timestamp
//! format every table uses, and the online backup.
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use time::OffsetDateTime;
use time::format_description::FormatItem;
use time::macros::format_description;

pub type Db = SqlitePool;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Opens (creating if needed) the database and applies pending migrations.
pub async fn connect(database_url: &str) -> anyhow::Result<Db> {
    let options = SqliteConnectOptions::from_str(database_url)
        .with_context(|| format!("invalid database URL {database_url:?}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL throughout: whatever the server acknowledged survives a power loss.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(dir) = options.get_filename().parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .min_connections(1)
        // A local file does not drop connections; the default ping before every acquire doubled each query.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open database {database_url}"))?;
    MIGRATOR
        .run(&pool)
        .await
        .context("cannot migrate the database")?;
    Ok(pool)
}

/// `true` when the database answers a trivial query.
pub async fn is_healthy(db: &Db) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(db)
        .await
        .is_ok()
}

/// Writes a consistent copy of the live database to `target` (which must not exist yet) and checks that
/// the copy opens and passes `PRAGMA integrity_check`.
pub async fn backup(db: &Db, target: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !target.exists(),
        "{} already exists; choose a new file name",
        target.display()
    );
    let target_str = target.to_str().context("backup path must be valid UTF-8")?;
    sqlx::query("VACUUM INTO ?")
        .bind(target_str)
        .execute(db)
        .await
        .context("VACUUM INTO failed")?;
    let copy = SqliteConnectOptions::new().filename(target).read_only(true);
    let copy = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(copy)
        .await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&copy)
        .await?;
    copy.close().await;
    anyhow::ensure!(
        verdict == "ok",
        "backup copy failed its integrity check: {verdict}"
    );
    Ok(())
}

/// The one timestamp format in the database: UTC, seconds, `2026-11-24T06:00:00Z`. It sorts as text,
/// and it is what SQLite's `strftime('%Y-%m-%dT%H:%M:%SZ', 'now')` writes.
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

pub fn to_db_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.format(TIMESTAMP)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

pub fn from_db_time(s: &str) -> Result<OffsetDateTime, time::error::Parse> {
    time::PrimitiveDateTime::parse(s, TIMESTAMP).map(|t| t.assume_utc())
}

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_round_trip_in_utc() {
        let t = datetime!(2026-03-29 01:30:05 +02:00);
        assert_eq!(to_db_time(t), "2026-03-28T23:30:05Z");
        assert_eq!(from_db_time("2026-03-28T23:30:05Z").unwrap(), t);
        assert!(from_db_time("yesterday").is_err());
    }
}
