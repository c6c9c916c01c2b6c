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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Anything the public site shows: every page.
    ContentChanged,
    /// What these public addresses show (and only that).
    PathsChanged(Vec<String>),
}

/// PostgreSQL refuses a notice's payload past 8,000 bytes: longer lists of addresses are sent as
/// "everything changed".
const MAX_PAYLOAD: usize = 7_000;

impl Notice {
    /// The payload: `content:{instance}`, or `paths:{instance}` and one address a line.
    fn payload(&self, instance: &str) -> String {
        match self {
            Notice::PathsChanged(paths) => {
                let mut payload = format!("paths:{instance}");
                for path in paths {
                    payload.push('\n');
                    payload.push_str(path);
                }
                if payload.len() <= MAX_PAYLOAD {
                    return payload;
                }
                format!("content:{instance}")
            }
            Notice::ContentChanged => format!("content:{instance}"),
        }
    }

    /// The notice in `payload` and the instance that sent it.
    fn parse(payload: &str) -> Option<(Notice, &str)> {
        let (what, rest) = payload.split_once(':')?;
        let mut lines = rest.split('\n');
        let from = lines.next()?;
        let notice = match what {
            "content" => Notice::ContentChanged,
            "paths" => Notice::PathsChanged(lines.map(str::to_owned).collect()),
            _ => return None,
        };
        Some((notice, from))
    }
}

/// What a listening instance learns.
#[derive(Clone, Debug, PartialEq, Eq)]
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
            .bind(notice.payload(instance))
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
                    if let Some((notice, from)) = Notice::parse(notification.payload())
                        && from != instance
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

#[cfg(test)]
mod tests {
    use super::Notice;

    #[test]
    fn notices_name_their_addresses_unless_there_are_too_many() {
        let paths = vec!["/en/about".to_owned(), "/de/ueber-uns".to_owned()];
        let notice = Notice::PathsChanged(paths.clone());
        let payload = notice.payload("web-1");
        assert_eq!(payload, "paths:web-1\n/en/about\n/de/ueber-uns");
        assert_eq!(Notice::parse(&payload), Some((notice, "web-1")));
        assert_eq!(
            Notice::parse("content:web-2"),
            Some((Notice::ContentChanged, "web-2"))
        );
        let many = Notice::PathsChanged((0..2000).map(|n| format!("/en/page-{n}")).collect());
        assert_eq!(many.payload("web-1"), "content:web-1");
        assert_eq!(Notice::parse("gossip:web-1"), None);
    }
}
