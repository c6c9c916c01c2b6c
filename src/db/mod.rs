//! The database: SQLite (one file, the default) or PostgreSQL (several instances on one server),
//! chosen by `MAGNETIQ_DATABASE_URL`. This folder is the one place that knows which engine runs: the
//! pools, the migrations of each engine, transactions and their locks, the column types that differ
//! ([`types`]), running statements on either engine ([`query`]), moving a site between engines
//! ([`copy`]) and the change notices between instances ([`notices`]).
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite};
use time::OffsetDateTime;

pub mod copy;
pub mod notices;
pub mod query;
pub mod schema;
pub mod settings;
pub mod types;

pub use query::{On, Record, Scalar, Sql, Value, sql};
pub use types::{DbTime, JsonText};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a database URL names; `None` for anything else (MySQL, typos, bare paths).
    pub fn of_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }
}

/// The supported URLs, for messages.
pub const SUPPORTED_URLS: &str = "sqlite://FILE (the default: magnetiq.db in the data folder) or postgres://USER@HOST:PORT/DATABASE";

/// A pool of connections to the site's database.
#[derive(Clone, Debug)]
pub enum Db {
    /// Readers share the pool; write transactions use the [`Writer`] connection.
    Sqlite(SqlitePool, Writer),
    Postgres(PgPool),
}

/// The one connection a SQLite site's write transactions use. SQLite forgets a connection's page
/// cache whenever another connection wrote to the file, so writes spread over the pool each began
/// by reading their pages again from the file; the one writer keeps its pages warm from one
/// transaction to the next (bookings 10-15 % faster). Readers keep the pool.
#[derive(Clone, Debug)]
pub struct Writer(SqlitePool);

impl Db {
    /// A SQLite site on `pool`, with a writer connection opened like the pool's when first needed.
    pub fn sqlite(pool: SqlitePool) -> Db {
        let writer = one_connection_like(&pool);
        Db::Sqlite(pool, Writer(writer))
    }

    /// The same database for a background task that reads a lot: on SQLite through a reader
    /// connection of its own (opened when first needed), so its queries do not queue behind
    /// visitors' for the pool's few; on PostgreSQL the pool, whose connections are many.
    pub fn with_own_reader(&self) -> Db {
        match self {
            Db::Sqlite(pool, writer) => Db::Sqlite(one_connection_like(pool), writer.clone()),
            Db::Postgres(_) => self.clone(),
        }
    }
}

/// A pool of one connection to `pool`'s file, opened like its connections when first needed.
fn one_connection_like(pool: &SqlitePool) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(TURN_TIMEOUT)
        .test_before_acquire(false)
        .connect_lazy_with((*pool.connect_options()).clone())
}

/// A write transaction: on SQLite it holds the database's write lock from its first statement
/// (`BEGIN IMMEDIATE`), and this process's turn to write ([`WriterTurn`]) until it ends; on
/// PostgreSQL, whatever must not change meanwhile is locked with [`Tx::lock_row`].
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>, WriterTurn),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// SQLite lets one transaction write at a time. Left to SQLite, a writer that finds the lock taken
/// sleeps and tries again (its busy handler, sleeping longer each time), so under contention who
/// writes next is chance and an unlucky visitor's form waits a second. This process's writers queue
/// instead: one turn per database file, handed on first come, first served (tokio's `Mutex` is fair),
/// taken before `BEGIN IMMEDIATE` and given back when the transaction ends. Writers of other
/// processes on the same file (a CLI command) still meet SQLite's busy handler.
pub type WriterTurn = tokio::sync::OwnedMutexGuard<()>;

/// How long a writer waits for its turn before the request is answered 503, as SQLite's busy timeout.
const TURN_TIMEOUT: Duration = Duration::from_secs(5);

/// The queue of writers of the database file `pool` opens.
fn writers(pool: &SqlitePool) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    type Queues =
        std::collections::HashMap<std::path::PathBuf, std::sync::Arc<tokio::sync::Mutex<()>>>;
    static QUEUES: std::sync::LazyLock<std::sync::Mutex<Queues>> =
        std::sync::LazyLock::new(Default::default);
    let file = pool.connect_options().get_filename().to_owned();
    QUEUES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(file)
        .or_default()
        .clone()
}

/// How many connections, and how long a request waits for one.
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    /// `None`: 4 for SQLite (one writer; readers share the file), 10 for PostgreSQL.
    pub size: Option<u32>,
    /// A request that cannot get a connection this fast is answered 503, never left hanging.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> PoolSettings {
        PoolSettings {
            size: None,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// Opens (creating if needed) the database and applies pending migrations. Instances starting at
/// once against an empty PostgreSQL database take turns: the migrations hold an advisory lock.
pub async fn connect(url: &str, settings: PoolSettings) -> anyhow::Result<Db> {
    let db = match Engine::of_url(url) {
        Some(Engine::Sqlite) => Db::sqlite(connect_sqlite(url, settings).await?),
        Some(Engine::Postgres) => Db::Postgres(connect_postgres(url, settings).await?),
        None => anyhow::bail!(
            "MAGNETIQ_DATABASE_URL {:?} is not supported: use {SUPPORTED_URLS}",
            redacted(url)
        ),
    };
    db.migrate().await?;
    Ok(db)
}

async fn connect_sqlite(url: &str, settings: PoolSettings) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("invalid database URL {url:?}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL throughout: whatever the server acknowledged survives a power loss.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        // 128 KiB of pages per connection instead of 2 MiB: the file is in the OS cache anyway,
        // and the five connections' caches would be a sixth of the resident memory.
        .pragma("cache_size", "-128");
    if let Some(dir) = options.get_filename().parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    SqlitePoolOptions::new()
        .max_connections(settings.size.unwrap_or(4).max(1))
        .min_connections(1)
        .acquire_timeout(settings.acquire_timeout)
        // A local file does not drop connections; the default ping before every acquire doubled each query.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open database {url}"))
}

async fn connect_postgres(url: &str, settings: PoolSettings) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(url)
        .with_context(|| format!("invalid database URL {:?}", redacted(url)))?
        .application_name("magnetiq")
        // Like SQLite's busy timeout: a lock held elsewhere for longer is a 503, never a hang; and
        // no statement of a request runs for ever.
        .options([("lock_timeout", "5s"), ("statement_timeout", "60s")]);
    PgPoolOptions::new()
        .max_connections(settings.size.unwrap_or(10).max(1))
        .min_connections(1)
        .acquire_timeout(settings.acquire_timeout)
        // A server can restart under a running site: a connection it dropped is noticed and replaced
        // before a request gets it.
        .test_before_acquire(true)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to {}", redacted(url)))
}

/// `url` without its password, for messages and logs.
pub fn redacted(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((userinfo, host)) = rest.rsplit_once('@')
        && let Some((user, _password)) = userinfo.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
}

impl Db {
    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(..) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(pool, _) => SQLITE_MIGRATIONS.run(pool).await,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        }
        .context("cannot migrate the database")
    }

    /// Starts a write transaction (see [`Tx`]).
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(match self {
            Db::Sqlite(pool, Writer(writer)) => {
                let turn = tokio::time::timeout(TURN_TIMEOUT, writers(pool).lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?;
                Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool, Writer(writer)) => {
                writer.close().await;
                pool.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }

    /// `true` when the database answers a trivial query.
    pub async fn is_healthy(&self) -> bool {
        sql("SELECT 1").scalar::<i32>(self).await.is_ok()
    }

    /// How many of the migrations this build carries are not applied to the database (0 when it is
    /// up to date; a newer instance may have applied more, which is fine).
    pub async fn pending_migrations(&self) -> anyhow::Result<usize> {
        let migrator = match self {
            Db::Sqlite(..) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        let applied: Vec<i64> = sql("SELECT version FROM _sqlx_migrations WHERE success")
            .scalars(self)
            .await?;
        Ok(migrator
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count())
    }

    /// Connections open and idle, for operators.
    pub fn pool_state(&self) -> (u32, usize) {
        match self {
            Db::Sqlite(pool, Writer(writer)) => (
                pool.size() + writer.size(),
                pool.num_idle() + writer.num_idle(),
            ),
            Db::Postgres(pool) => (pool.size(), pool.num_idle()),
        }
    }
}

impl Tx {
    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(..) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }

    pub async fn commit(self) -> sqlx::Result<()> {
        match self {
            // The turn passes on once the commit is on disk.
            Tx::Sqlite(tx, _turn) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(tx, _turn) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
    }

    /// Makes every other writer of row `id` of `table` wait until this transaction ends, so what it
    /// read stays true until it writes. SQLite's `BEGIN IMMEDIATE` already holds the whole database;
    /// PostgreSQL locks the row (`SELECT … FOR UPDATE`). `table` is one of Magnetiq's own names.
    pub async fn lock_row(&mut self, table: &'static str, id: i64) -> sqlx::Result<()> {
        if self.engine() == Engine::Sqlite {
            return Ok(());
        }
        Sql::assembled(format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE"))
            .bind(id)
            .scalar_optional::<i64>(&mut *self)
            .await
            .map(|_| ())
    }
}

impl Tx {
    /// Holds `name` (e.g. an e-mail address whose mails are counted) until the transaction ends:
    /// another transaction holding the same name waits. SQLite's `BEGIN IMMEDIATE` already holds the
    /// whole database; PostgreSQL takes an advisory lock on the name's hash.
    pub async fn lock_name(&mut self, name: &str) -> sqlx::Result<()> {
        if self.engine() == Engine::Sqlite {
            return Ok(());
        }
        sql("SELECT pg_advisory_xact_lock(hashtextextended($1, 7)::bigint)")
            .bind(name)
            .execute(&mut *self)
            .await
            .map(|_| ())
    }
}

/// Work that only one instance at a time may do, e.g. seeding an empty site.
#[derive(Clone, Copy, Debug)]
pub enum Exclusive {
    Seeding = 1,
}

impl Db {
    /// Waits until no other instance does `work`, and holds it until the returned guard is dropped
    /// or committed. A SQLite site is one instance: there is nothing to wait for.
    pub async fn exclusive(&self, work: Exclusive) -> sqlx::Result<Option<Tx>> {
        let Db::Postgres(pool) = self else {
            return Ok(None);
        };
        let mut tx = Tx::Postgres(pool.begin().await?);
        // Seeding the demo takes the first instance seconds (its article covers are drawn): the
        // others wait for it longer than the pool's 5 s lock timeout allows a request.
        sql("SET LOCAL lock_timeout = '120s'")
            .execute(&mut tx)
            .await?;
        sql("SELECT pg_advisory_xact_lock($1)")
            .bind(0x6d61_676e_0000_i64 + work as i64)
            .execute(&mut tx)
            .await?;
        Ok(Some(tx))
    }
}

/// Whether `e` is a unique constraint refusing a second row, on either engine.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Whether `e` means the database is momentarily unable to serve (busy, locked, unreachable, or a
/// transaction that lost a race and may be retried): 503, not a fault.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        // SQLite: busy, locked (and their extended codes); PostgreSQL: serialization failure,
        // deadlock, lock timeout, too many connections, shutting down, cannot connect now.
        sqlx::Error::Database(d) => matches!(
            d.code().as_deref(),
            Some(
                "5" | "6"
                    | "261"
                    | "517"
                    | "40001"
                    | "40P01"
                    | "55P03"
                    | "53300"
                    | "57P01"
                    | "57P02"
                    | "57P03"
            )
        ),
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        _ => false,
    }
}

/// Writes a consistent copy of the live SQLite database to `target` (which must not exist yet) and
/// checks that the copy opens and passes `PRAGMA integrity_check`. A PostgreSQL site is backed up
/// with PostgreSQL's own tools.
pub async fn backup(db: &Db, target: &Path) -> anyhow::Result<()> {
    let Db::Sqlite(pool, _) = db else {
        anyhow::bail!(
            "`magnetiq backup` copies a SQLite database; for PostgreSQL use its own tools, e.g. \
             `pg_dump --format=custom --file {} \"$MAGNETIQ_DATABASE_URL\"`, or \
             `magnetiq copy-db --to sqlite://{}` for a one-file copy of the site",
            target.display(),
            target.display()
        );
    };
    anyhow::ensure!(
        !target.exists(),
        "{} already exists; choose a new file name",
        target.display()
    );
    let target_str = target.to_str().context("backup path must be valid UTF-8")?;
    sqlx::query("VACUUM INTO ?")
        .bind(target_str)
        .execute(pool)
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

/// `2026-11-24T06:00:00Z`: how Magnetiq writes a moment for people and machines (the admin, the
/// sitemap), and how SQLite stores it.
pub fn to_db_time(t: OffsetDateTime) -> String {
    DbTime::new(t).to_text()
}

/// Now, in UTC, to the second (what the database keeps).
pub fn now() -> OffsetDateTime {
    DbTime::new(OffsetDateTime::now_utc()).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_and_postgres_urls_are_taken() {
        assert_eq!(
            Engine::of_url("sqlite://data/magnetiq.db"),
            Some(Engine::Sqlite)
        );
        assert_eq!(Engine::of_url("sqlite::memory:"), Some(Engine::Sqlite));
        assert_eq!(
            Engine::of_url("postgres://postgres@127.0.0.1/magnetiq"),
            Some(Engine::Postgres)
        );
        assert_eq!(Engine::of_url("postgresql://x@y/z"), Some(Engine::Postgres));
        for refused in [
            "mysql://root@localhost/m",
            "data/magnetiq.db",
            "postgres:x",
            "",
        ] {
            assert_eq!(Engine::of_url(refused), None, "{refused}");
        }
        assert_eq!(
            redacted("postgres://site:hunter2@db.example.com:5432/magnetiq"),
            "postgres://site:***@db.example.com:5432/magnetiq"
        );
        assert_eq!(redacted("sqlite://x.db"), "sqlite://x.db");
        assert_eq!(
            redacted("postgres://postgres@h/db"),
            "postgres://postgres@h/db"
        );
    }
}
