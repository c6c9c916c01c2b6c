//! Failed-login throttling, per account and per client address: an attacker is slowed down, the real
//! user is never locked out for long, and everybody else keeps being served. Failures are counted in
//! the database, so the throttle holds whichever instance a request reaches and survives a restart.
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

/// `Err(wait)` while what the attempt is counted by is paused.
pub async fn check(
    db: &Db,
    attempt: &Attempt<'_>,
    now: OffsetDateTime,
) -> anyhow::Result<Result<(), Duration>> {
    let counted = attempt.counted();
    let (first, second) = (counted[0], counted.get(1).copied().unwrap_or(counted[0]));
    let until: Option<DbTime> = sql("SELECT max(paused_until) FROM login_throttle
         WHERE ((kind = $1 AND key = $2) OR (kind = $3 AND key = $4)) AND paused_until > $5")
    .bind(first.0.as_db())
    .bind(first.1)
    .bind(second.0.as_db())
    .bind(second.1)
    .bind(now)
    .scalar(db)
    .await?;
    Ok(match until {
        Some(until) => Err(Duration::try_from(until.0 - now).unwrap_or(Duration::ZERO)),
        None => Ok(()),
    })
}

/// Counts a failed sign-in against the device, or the account and the address (a failure after the
/// window, with no pause running, starts a new count) and pauses what went over.
pub async fn record_failure(
    db: &Db,
    attempt: &Attempt<'_>,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let window_start = now - WINDOW;
    for (kind, key) in attempt.counted() {
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

/// A successful login clears the failures of the device it came from, and of the account when it
/// came from an unknown browser (a known device signing in leaves a running attack's count alone).
pub async fn record_success(db: &Db, attempt: &Attempt<'_>) -> anyhow::Result<()> {
    let (kind, key) = attempt.counted()[0];
    sql("DELETE FROM login_throttle WHERE kind = $1 AND key = $2")
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
