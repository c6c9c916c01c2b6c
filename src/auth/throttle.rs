//! Failed-login throttling, per account and per client address: an attacker is slowed down, the real
//! user is never locked out for long, and everybody else keeps being served. Attempts are counted in
//! the database before a password or code is checked, and counted as failures until they succeed,
//! so the throttle holds under a burst, whichever instance a request reaches, and across a restart.
//! Every check of a password or code against an account goes through it: signing in, its second
//! step, and the account pages that ask for the current password.
//!
//! A browser that signed in to the account before (a known device, see `auth::devices`) is counted
//! on its own: its failures pause only that device, and the account's and the address's pauses do
//! not apply to it. Strangers guessing a password lock out strangers, never the owner's browser.
use std::time::Duration;

use time::OffsetDateTime;

use crate::db::{Db, DbTime, sql};

/// Failures an account may have in a window before it is paused.
pub const ACCOUNT_FREE_FAILURES: i64 = 5;
/// Failures one address may have in a window before it is paused.
pub const IP_FREE_FAILURES: i64 = 30;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The first pause of an account; it doubles with each further failure, up to `MAX_PAUSE`.
pub const FIRST_PAUSE: Duration = Duration::from_secs(60);
pub const MAX_PAUSE: Duration = Duration::from_secs(15 * 60);
/// The pause of an address that went over its failures.
pub const IP_PAUSE: Duration = Duration::from_secs(5 * 60);

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Account,
    Ip,
    Device,
}

impl Kind {
    fn as_db(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::Ip => "ip",
            Kind::Device => "device",
        }
    }

    /// How long to pause after `failures` within the window; `None`: not yet.
    fn pause_after(self, failures: i64) -> Option<Duration> {
        match self {
            Kind::Account | Kind::Device => (failures >= ACCOUNT_FREE_FAILURES).then(|| {
                let over = (failures - ACCOUNT_FREE_FAILURES).clamp(0, 10) as u32;
                FIRST_PAUSE.saturating_mul(1 << over).min(MAX_PAUSE)
            }),
            Kind::Ip => (failures >= IP_FREE_FAILURES).then_some(IP_PAUSE),
        }
    }
}

/// Who is signing in: the account typed, the client's address, and the known device the browser
/// is for this account, if it is one.
pub struct Attempt<'a> {
    pub account: &'a str,
    pub ip: &'a str,
    pub device: Option<&'a str>,
}

impl Attempt<'_> {
    /// What is counted and checked: the device alone, or the account and the address.
    fn counted(&self) -> Vec<(Kind, &str)> {
        match self.device {
            Some(device) => vec![(Kind::Device, device)],
            None => vec![(Kind::Account, self.account), (Kind::Ip, self.ip)],
        }
    }
}

/// Counts the attempt before anything is verified, and answers `Err(wait)` while what it is counted
/// by is paused. Reading, counting and pausing are one transaction that holds the counted names
/// (SQLite's write lock, PostgreSQL's advisory locks), so a burst of parallel requests is let
/// through one at a time: the attempt that reaches the limit pauses everything after it at once,
/// as if it were going to fail, and only a success lifts that pause again. At most
/// `ACCOUNT_FREE_FAILURES` guesses are ever evaluated however many arrive together.
pub async fn admit(
    db: &Db,
    attempt: &Attempt<'_>,
    now: OffsetDateTime,
) -> anyhow::Result<Result<(), Duration>> {
    let counted = attempt.counted();
    let mut tx = db.begin().await?;
    let mut rows = Vec::new();
    for (kind, key) in &counted {
        tx.lock_name(&format!("login-throttle:{}:{key}", kind.as_db()))
            .await?;
        let row: Option<(i64, DbTime, Option<DbTime>)> = sql(
            "SELECT failures, first_failure_at, paused_until FROM login_throttle
             WHERE kind = $1 AND key = $2",
        )
        .bind(kind.as_db())
        .bind(*key)
        .fetch_optional(&mut tx)
        .await?;
        if let Some((_, _, Some(until))) = &row
            && until.0 > now
        {
            tx.rollback().await?;
            return Ok(Err(
                Duration::try_from(until.0 - now).unwrap_or(Duration::ZERO)
            ));
        }
        rows.push(row);
    }
    let window_start = now - WINDOW;
    for ((kind, key), row) in counted.iter().zip(rows) {
        let (count, first) = match row {
            Some((count, first, _)) if first.0 > window_start => (count + 1, first.0),
            _ => (1, now),
        };
        let paused_until = kind.pause_after(count).map(|pause| now + pause);
        sql(
            "INSERT INTO login_throttle (kind, key, failures, first_failure_at, paused_until)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (kind, key) DO UPDATE SET failures = $3, first_failure_at = $4,
                 paused_until = $5",
        )
        .bind(kind.as_db())
        .bind(*key)
        .bind(count)
        .bind(first)
        .bind(paused_until)
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// The attempt failed. It was counted, and any pause set, by [`admit`]; this only lets go of the
/// counts nobody needs any more (past their window and not pausing anyone).
pub async fn record_failure(db: &Db, now: OffsetDateTime) -> anyhow::Result<()> {
    sql("DELETE FROM login_throttle
         WHERE first_failure_at < $1 AND (paused_until IS NULL OR paused_until < $2)")
    .bind(now - WINDOW)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// A step of signing in passed that is not the last (the password was right, the code comes
/// next): the client address gets its count back. The account's count stays until the sign-in
/// completes, so a known password does not buy unlimited code guesses.
pub async fn passed(db: &Db, attempt: &Attempt<'_>) -> anyhow::Result<()> {
    if attempt.device.is_none() {
        give_back(db, Kind::Ip, attempt.ip).await?;
    }
    Ok(())
}

/// A successful login clears the count of the device it came from, or of the account when it came
/// from an unknown browser (a known device signing in leaves a running attack's count alone), and
/// gives the client address its count back.
pub async fn record_success(db: &Db, attempt: &Attempt<'_>) -> anyhow::Result<()> {
    let (kind, key) = attempt.counted()[0];
    sql("DELETE FROM login_throttle WHERE kind = $1 AND key = $2")
        .bind(kind.as_db())
        .bind(key)
        .execute(db)
        .await?;
    passed(db, attempt).await
}

/// Takes one attempt off `key`'s count, and the pause with it when the count falls below the limit
/// (the pause the attempt set in advance, in case it failed).
async fn give_back(db: &Db, kind: Kind, key: &str) -> anyhow::Result<()> {
    let limit = match kind {
        Kind::Ip => IP_FREE_FAILURES,
        Kind::Account | Kind::Device => ACCOUNT_FREE_FAILURES,
    };
    sql("UPDATE login_throttle SET failures = failures - 1,
         paused_until = CASE WHEN failures - 1 < $1 THEN NULL ELSE paused_until END
         WHERE kind = $2 AND key = $3 AND failures > 0")
    .bind(limit)
    .bind(kind.as_db())
    .bind(key)
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_pauses_after_five_failures_and_the_pause_doubles_up_to_a_limit() {
        assert_eq!(Kind::Account.pause_after(4), None);
        assert_eq!(Kind::Account.pause_after(5), Some(FIRST_PAUSE));
        assert_eq!(Kind::Account.pause_after(6), Some(FIRST_PAUSE * 2));
        assert_eq!(Kind::Account.pause_after(50), Some(MAX_PAUSE));
        assert_eq!(Kind::Ip.pause_after(29), None);
        assert_eq!(Kind::Ip.pause_after(30), Some(IP_PAUSE));
        assert_eq!(Kind::Device.pause_after(5), Some(FIRST_PAUSE));
    }
}
