//! Change notices between instances that share one PostgreSQL database: an instance that changed
//! what visitors see says so (`NOTIFY`), and every other instance hears it (`LISTEN`) and forgets
//! what it cached, within moments. A listener that lost its connection may have missed notices, so
//! it is told to forget everything once it is back. A SQLite site is one instance: nothing to tell.
use std::future::Future;
use std::time::Duration;

use sqlx::postgres::PgListener;

use super::{Db, sql};

const CHANNEL: &str = "magnetiq_changes";

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Pages or anything else the public site shows.
    ContentChanged,
}

impl Notice {
    fn as_str(self) -> &'static str {
        match self {
            Notice::ContentChanged => "content",
        }
    }

    fn parse(s: &str) -> Option<Notice> {
        match s {
            "content" => Some(Notice::ContentChanged),
            _ => None,
        }
    }
}

/// What a listening instance learns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard {
    /// Another instance changed something.
    Notice(Notice),
    /// The connection to the database was lost and is back: notices may have been missed.
    MaybeMissed,
}

/// Tells the other instances that `notice` happened here (`instance` names this one, so it does not
/// act on its own notice).
pub async fn announce(db: &Db, instance: &str, notice: Notice) -> sqlx::Result<()> {
    if let Db::Postgres(_) = db {
        sql("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(format!("{}:{instance}", notice.as_str()))
            .execute(db)
            .await?;
    }
    Ok(())
}

/// Listens until the process ends, calling `on_heard` for every notice of another instance, and with
/// [`Heard::MaybeMissed`] whenever the connection came back after a loss. Does nothing on SQLite.
pub fn listen<F, Fut>(db: &Db, instance: String, on_heard: F)
where
    F: Fn(Heard) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let Db::Postgres(pool) = db else {
        return;
    };
    let pool = pool.clone();
    tokio::spawn(async move {
        let mut listener: Option<PgListener> = None;
        let mut missed = false;
        loop {
            let Some(active) = listener.as_mut() else {
                match PgListener::connect_with(&pool).await {
                    Ok(mut fresh) => match fresh.listen(CHANNEL).await {
                        Ok(()) => {
                            listener = Some(fresh);
                            if std::mem::take(&mut missed) {
                                on_heard(Heard::MaybeMissed).await;
                            }
                        }
                        Err(error) => {
                            tracing::warn!(%error, "change notices: cannot listen; retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    },
                    Err(error) => {
                        tracing::warn!(%error, "change notices: cannot connect; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
                continue;
            };
            match active.try_recv().await {
                Ok(Some(notification)) => {
                    let (what, from) = notification
                        .payload()
                        .split_once(':')
                        .unwrap_or((notification.payload(), ""));
                    if from != instance
                        && let Some(notice) = Notice::parse(what)
                    {
                        on_heard(Heard::Notice(notice)).await;
                    }
                }
                // Reconnected on the next call: whatever was announced meanwhile is unknown.
                Ok(None) => on_heard(Heard::MaybeMissed).await,
                Err(sqlx::Error::PoolClosed) => return,
                Err(error) => {
                    tracing::warn!(%error, "change notices: connection lost; reconnecting");
                    listener = None;
                    missed = true;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
}
