//! How busy visitors are: the rate at which they ask for pages, which decides how rendering ahead
//! goes on (many pages quickly compressed while they are busy, compressed better once they are quiet).
use std::time::{Duration, Instant};

use crate::web::state::AppState;

/// Pages asked for a second above which visitors are busy. Rendering ahead then goes on for pages
/// not rendered at all, many to a query and compressed quickly (a visitor would otherwise render
/// each alone, a query and a round trip to the database apiece: a fresh start of 10,000 pages under
/// full load served a quarter fewer pages that way), and leaves compressing better for
/// when they are quiet (doing that alongside slowed the fresh start by 8 %). A crawler going
/// through the site a few hundred pages a second is not busy.
const BUSY_PAGES_PER_SECOND: u64 = 2_000;
/// How often the rate of pages asked for is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(50);

/// The rate at which visitors ask for pages, looked at between batches.
#[derive(Default)]
pub(super) struct Visitors {
    /// When last looked, and the pages asked for (cache hits and misses) until then.
    looked: Option<(Instant, u64)>,
    busy: bool,
}

impl Visitors {
    /// Whether visitors ask for pages faster than [`BUSY_PAGES_PER_SECOND`], as last looked at.
    pub(super) fn busy(&mut self, state: &AppState) -> bool {
        self.look(Instant::now(), state.page_cache.asked());
        self.busy
    }

    /// Notes `asked` at `now`; the rate is its growth over at least [`LOOK_EVERY`] (the first look
    /// only notes it).
    fn look(&mut self, now: Instant, asked: u64) {
        match self.looked {
            None => self.looked = Some((now, asked)),
            Some((then, _)) if now - then < LOOK_EVERY => {}
            Some((then, before)) => {
                let millis = (now - then).as_millis().max(1) as u64;
                self.busy = asked.saturating_sub(before) * 1000 / millis > BUSY_PAGES_PER_SECOND;
                self.looked = Some((now, asked));
            }
        }
    }

    /// Waits while visitors ask for pages faster than [`BUSY_PAGES_PER_SECOND`].
    pub(super) async fn step_aside(&mut self, state: &AppState) {
        self.wait_while_busy(|| state.page_cache.asked(), || state.draining.is_on())
            .await;
    }

    /// The rate is `asked()`'s growth over at least [`LOOK_EVERY`]; stops waiting when `draining()`.
    async fn wait_while_busy(&mut self, asked: impl Fn() -> u64, draining: impl Fn() -> bool) {
        loop {
            self.look(Instant::now(), asked());
            if !self.busy || draining() {
                return;
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::Duration;

    use super::Visitors;

    /// Adds `pages` to `asked` every `every` until `on` is false: visitors asking for pages.
    fn visitors_asking(asked: &Arc<AtomicU64>, on: &Arc<AtomicBool>, pages: u64, every: u64) {
        let (asked, on) = (asked.clone(), on.clone());
        on.store(true, Ordering::Relaxed);
        tokio::spawn(async move {
            while on.load(Ordering::Relaxed) {
                asked.fetch_add(pages, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(every)).await;
            }
        });
    }

    #[tokio::test]
    async fn rendering_ahead_waits_while_visitors_ask_for_many_pages_and_goes_on_after() {
        let asked = Arc::new(AtomicU64::new(0));
        let on = Arc::new(AtomicBool::new(false));
        let mut visitors = Visitors::default();
        let count = || asked.load(Ordering::Relaxed);
        let never = || false;
        // The first look only notes the count.
        visitors.wait_while_busy(count, never).await;
        // A burst: far above the busy rate even on a slow machine (a thousand pages every 5 ms).
        visitors_asking(&asked, &on, 1000, 5);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let waited = tokio::time::timeout(
            Duration::from_millis(500),
            visitors.wait_while_busy(count, never),
        )
        .await;
        assert!(waited.is_err(), "went on while visitors were busy");
        on.store(false, Ordering::Relaxed);
        let waited = tokio::time::timeout(
            Duration::from_secs(2),
            visitors.wait_while_busy(count, never),
        )
        .await;
        assert!(waited.is_ok(), "still waiting once visitors were quiet");
        // Draining ends the wait at once.
        visitors_asking(&asked, &on, 1000, 5);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let waited = tokio::time::timeout(
            Duration::from_secs(1),
            visitors.wait_while_busy(count, || true),
        )
        .await;
        assert!(waited.is_ok(), "a draining instance kept waiting");
        on.store(false, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(100)).await;
        // A crawler asking for about a hundred pages a second leaves it running.
        visitors_asking(&asked, &on, 1, 10);
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(60)).await;
            let waited = tokio::time::timeout(
                Duration::from_secs(1),
                visitors.wait_while_busy(count, never),
            )
            .await;
            assert!(
                waited.is_ok(),
                "a crawler's hundred pages a second held it up"
            );
        }
        on.store(false, Ordering::Relaxed);
    }
}
