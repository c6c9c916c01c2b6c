//! Retention: personal data older than the site keeps it (`MAGNETIQ_RETAIN_*`) is deleted by the
//! server itself, once at start and then every hour (no cron), and each run that deleted anything
//! leaves one audit entry with the numbers. With several instances each runs it; the deletes are
//! idempotent. Staff invitations go 30 days after they ended, password-reset links a day after
//! they expired (fixed: nothing in them is worth keeping longer).
use jiff::{SignedDuration, Timestamp};

use crate::audit::store::{Actor, record};
use crate::config::Retention;
use crate::db::Db;

/// How often retention runs.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// What one run deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deleted {
    pub messages: u64,
    pub unconfirmed_subscriptions: u64,
    pub unsubscribed: u64,
    pub unconfirmed_leads: u64,
    pub unconfirmed_registrations: u64,
    pub ended_invitations: u64,
    pub expired_reset_links: u64,
}

impl Deleted {
    pub fn total(&self) -> u64 {
        self.messages
            + self.unconfirmed_subscriptions
            + self.unsubscribed
            + self.unconfirmed_leads
            + self.unconfirmed_registrations
            + self.ended_invitations
            + self.expired_reset_links
    }
}

/// Ended invitations are kept this long.
pub const INVITATIONS_DAYS: u32 = 30;
/// Expired reset links are kept this long.
pub const RESET_LINKS_DAYS: u32 = 1;

fn before(now: Timestamp, days: u32) -> Option<Timestamp> {
    (days > 0).then(|| now - SignedDuration::from_hours(24 * i64::from(days)))
}

/// Deletes what is due at `now`; audit-logs the numbers when anything went.
pub async fn run_once(db: &Db, keep: Retention, now: Timestamp) -> anyhow::Result<Deleted> {
    let mut deleted = Deleted::default();
    if let Some(t) = before(now, keep.messages_days) {
        deleted.messages = crate::contact::store::delete_older_than(db, t).await?;
    }
    let (unconfirmed, unsubscribed) = crate::newsletter::store::delete_expired(
        db,
        before(now, keep.unconfirmed_days),
        before(now, keep.unsubscribed_days),
    )
    .await?;
    deleted.unconfirmed_subscriptions = unconfirmed;
    deleted.unsubscribed = unsubscribed;
    if let Some(t) = before(now, keep.unconfirmed_days) {
        deleted.unconfirmed_leads =
            crate::whitepapers::lead_store::delete_unconfirmed_before(db, t).await?;
        deleted.unconfirmed_registrations =
            crate::webinars::seat_store::delete_unconfirmed_before(db, t).await?;
    }
    let as_time = |t: Option<Timestamp>| {
        t.and_then(|t| time::OffsetDateTime::from_unix_timestamp(t.as_second()).ok())
    };
    if let (Some(ended), Some(expired)) = (
        as_time(before(now, INVITATIONS_DAYS)),
        as_time(before(now, RESET_LINKS_DAYS)),
    ) {
        (deleted.ended_invitations, deleted.expired_reset_links) =
            crate::accounts::store::delete_ended(db, ended, expired).await?;
    }
    if deleted.total() > 0 {
        record(
            db,
            Actor::Typed("retention"),
            "retention-deleted",
            Some(&format!(
                "{} contact messages, {} unconfirmed newsletter sign-ups, {} unsubscribed addresses, {} unconfirmed whitepaper requests, {} unconfirmed webinar registrations, {} ended invitations, {} expired password links",
                deleted.messages,
                deleted.unconfirmed_subscriptions,
                deleted.unsubscribed,
                deleted.unconfirmed_leads,
                deleted.unconfirmed_registrations,
                deleted.ended_invitations,
                deleted.expired_reset_links
            )),
            None,
        )
        .await?;
    }
    Ok(deleted)
}

/// Runs retention every hour while the process lives, the first an hour from now (start-up runs
/// it once before the instance is ready, so nothing races rows made right after).
pub fn spawn(db: Db, keep: Retention) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
        loop {
            every.tick().await;
            if let Err(error) = run_once(&db, keep, Timestamp::now()).await {
                tracing::warn!(%error, "retention run failed; trying again in an hour");
            }
        }
    });
}
