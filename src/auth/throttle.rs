//! Failed-login throttling, per account and per client address: an attacker is slowed down, the real
//! user is never locked out for long, and everybody else keeps being served. Failures are counted in
//! the database, so the throttle holds whichever instance a request reaches and survives a restart.
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
}

impl Kind {
    fn as_db(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::Ip => "ip",
        }
    }

    /// How long to pause after `failures` within the window; `None`: not yet.
    fn pause_after(self, failures: i64) -> Option<Duration> {
        match self {
            Kind::Account => (failures >= ACCOUNT_FREE_FAILURES).then(|| {
                let over = (failures - ACCOUNT_FREE_FAILURES).clamp(0, 10) as u32;
                FIRST_PAUSE.saturating_mul(1 << over).min(MAX_PAUSE)
            }),
            Kind::Ip => (failures >= IP_FREE_FAILURES).then_some(IP_PAUSE),
        }
    }
}

/// `Err(wait)` while the account or the address is paused.
pub async fn check(
    db: &Db,
    account: &str,
    ip: &str,
    now: OffsetDateTime,
) -> anyhow::Result<Result<(), Duration>> {
    let until: Option<DbTime> = sql(
        "SELECT max(paused_until) FROM login_throttle
         WHERE ((kind = 'account' AND key = $1) OR (kind = 'ip' AND key = $2)) AND paused_until > $3",
    )
    .bind(account)
    .bind(ip)
    .bind(now)
    .scalar(db)
    .await?;
    Ok(match until {
        Some(until) => Err(Duration::try_from(until.0 - now).unwrap_or(Duration::ZERO)),
        None => Ok(()),
    })
}

/// Counts a failed sign-in against the account and the address (a failure after the window, with
/// no pause running, starts a new count) and pauses either when it went over.
pub async fn record_failure(
    db: &Db,
    account: &str,
    ip: &str,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let window_start = now - WINDOW;
    for (kind, key) in [(Kind::Account, account), (Kind::Ip, ip)] {
        let failures: i64 = sql(
            "INSERT INTO login_throttle (kind, key, failures, first_failure_at, paused_until)
             VALUES ($1, $2, 1, $3, NULL)
             ON CONFLICT (kind, key) DO UPDATE SET
                 failures = CASE WHEN login_throttle.first_failure_at <= $4
                                  AND (login_throttle.paused_until IS NULL OR login_throttle.paused_until <= $3)
                             THEN 1 ELSE login_throttle.failures + 1 END,
                 first_failure_at = CASE WHEN login_throttle.first_failure_at <= $4
                                          AND (login_throttle.paused_until IS NULL OR login_throttle.paused_until <= $3)
                                     THEN $3 ELSE login_throttle.first_failure_at END
             RETURNING failures",
        )
        .bind(kind.as_db())
        .bind(key)
        .bind(now)
        .bind(window_start)
        .scalar(db)
        .await?;
        if let Some(pause) = kind.pause_after(failures) {
            sql("UPDATE login_throttle SET paused_until = $1 WHERE kind = $2 AND key = $3")
                .bind(now + pause)
                .bind(kind.as_db())
                .bind(key)
                .execute(db)
                .await?;
        }
    }
    // Counts nobody needs any more: past their window and not pausing anyone.
    sql("DELETE FROM login_throttle
         WHERE first_failure_at < $1 AND (paused_until IS NULL OR paused_until < $2)")
    .bind(window_start)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// A successful login clears the account's failures (not the address's).
pub async fn record_success(db: &Db, account: &str) -> anyhow::Result<()> {
    sql("DELETE FROM login_throttle WHERE kind = 'account' AND key = $1")
        .bind(account)
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
    }
}
