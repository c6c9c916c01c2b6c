//! Failed-login throttling, per account and per IP address: an attacker is slowed down, the real user
//! is never locked out for long, and everybody else keeps being served.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures an account may have in a window before it is paused.
pub const ACCOUNT_FREE_FAILURES: u32 = 5;
/// Failures one address may have in a window before it is paused.
pub const IP_FREE_FAILURES: u32 = 30;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The first pause of an account; it doubles with each further failure, up to `MAX_PAUSE`.
pub const FIRST_PAUSE: Duration = Duration::from_secs(60);
pub const MAX_PAUSE: Duration = Duration::from_secs(15 * 60);
/// The pause of an address that went over its failures.
pub const IP_PAUSE: Duration = Duration::from_secs(5 * 60);
const MAX_TRACKED: usize = 50_000;

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    first: Instant,
    paused_until: Option<Instant>,
}

#[derive(Default)]
pub struct LoginThrottle {
    accounts: Mutex<HashMap<String, Failures>>,
    ips: Mutex<HashMap<String, Failures>>,
}

impl LoginThrottle {
    /// `Err(wait)` while the account or the address is paused.
    pub fn check(&self, account: &str, ip: &str, now: Instant) -> Result<(), Duration> {
        let paused = |map: &Mutex<HashMap<String, Failures>>, key: &str| {
            let map = map.lock().unwrap_or_else(|p| p.into_inner());
            map.get(key)
                .and_then(|f| f.paused_until)
                .filter(|until| *until > now)
                .map(|until| until - now)
        };
        match (paused(&self.accounts, account), paused(&self.ips, ip)) {
            (None, None) => Ok(()),
            (a, b) => Err(a.unwrap_or_default().max(b.unwrap_or_default())),
        }
    }

    pub fn record_failure(&self, account: &str, ip: &str, now: Instant) {
        bump(
            &self.accounts,
            account,
            now,
            ACCOUNT_FREE_FAILURES,
            |over| FIRST_PAUSE.saturating_mul(1 << over.min(10)).min(MAX_PAUSE),
        );
        bump(&self.ips, ip, now, IP_FREE_FAILURES, |_| IP_PAUSE);
    }

    /// A successful login clears the account's failures (not the address's).
    pub fn record_success(&self, account: &str) {
        self.accounts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account);
    }
}

fn bump(
    map: &Mutex<HashMap<String, Failures>>,
    key: &str,
    now: Instant,
    free: u32,
    pause: impl Fn(u32) -> Duration,
) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() >= MAX_TRACKED {
        map.retain(|_, f| {
            now.duration_since(f.first) < WINDOW || f.paused_until.is_some_and(|u| u > now)
        });
    }
    let entry = map.entry(key.to_owned()).or_insert(Failures {
        count: 0,
        first: now,
        paused_until: None,
    });
    if now.duration_since(entry.first) >= WINDOW && entry.paused_until.is_none_or(|u| u <= now) {
        *entry = Failures {
            count: 0,
            first: now,
            paused_until: None,
        };
    }
    entry.count += 1;
    if entry.count >= free {
        entry.paused_until = Some(now + pause(entry.count - free));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_paused_after_five_failures_and_the_pause_grows() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..4 {
            t.record_failure("a@x.de", "1.1.1.1", start);
        }
        assert!(t.check("a@x.de", "1.1.1.1", start).is_ok());
        t.record_failure("a@x.de", "1.1.1.1", start);
        assert_eq!(
            t.check("a@x.de", "2.2.2.2", start),
            Err(FIRST_PAUSE),
            "paused from any address"
        );
        assert!(
            t.check("b@x.de", "2.2.2.2", start).is_ok(),
            "other accounts unaffected"
        );
        let later = start + FIRST_PAUSE;
        assert!(
            t.check("a@x.de", "1.1.1.1", later).is_ok(),
            "not locked out for ever"
        );
        t.record_failure("a@x.de", "1.1.1.1", later);
        assert_eq!(t.check("a@x.de", "1.1.1.1", later), Err(FIRST_PAUSE * 2));
        t.record_success("a@x.de");
        assert!(t.check("a@x.de", "3.3.3.3", later).is_ok());
    }

    #[test]
    fn an_address_trying_many_accounts_is_paused() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..IP_FREE_FAILURES {
            t.record_failure(&format!("user{i}@x.de"), "6.6.6.6", now);
        }
        assert_eq!(t.check("new@x.de", "6.6.6.6", now), Err(IP_PAUSE));
        assert!(t.check("new@x.de", "7.7.7.7", now).is_ok());
    }
}
