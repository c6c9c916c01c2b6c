//! How busy visitors are: the rate at which they ask for pages, and at which they meet pages not
//! rendered yet, which decides how rendering ahead goes on (many pages quickly compressed while they
//! are busy, compressed better once they are quiet).
use std::time::{Duration, Instant};

use crate::web::state::AppState;

/// Pages asked for a second above which visitors are busy. Rendering ahead then goes on for pages
/// not rendered at all, many to a query and compressed quickly (a visitor would otherwise render
/// each alone, a query and a round trip to the database apiece: a fresh start of 10,000 pages under
/// full load served a quarter fewer pages that way), and leaves compressing better for
/// when they are quiet (doing that alongside slowed the fresh start by 8 %). A crawler going
/// through the site a few hundred pages a second is not busy.
const BUSY_PAGES_PER_SECOND: u64 = 2_000;
/// Pages rendered for visitors a second (they met them before rendering ahead did) above which
/// visitors are busy whatever their rate: at a fresh start each such page holds a connection for
/// milliseconds, so they ask for no more than 2,000–5,000 pages a second and were taken for quiet
/// every other look (a third of the first seconds' CPU then went on compressing pages well).
const BUSY_MISSES_PER_SECOND: u64 = 200;
/// How often the rate of pages asked for is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(50);

/// The rate at which visitors ask for pages, looked at between batches.
#[derive(Default)]
pub(super) struct Visitors {
    /// When last looked, and the pages asked for (cache hits and misses) and rendered for visitors
    /// (misses) until then.
    looked: Option<(Instant, Asked)>,
    busy: bool,
}

impl Visitors {
    /// Whether visitors ask for pages faster than [`BUSY_PAGES_PER_SECOND`], or meet pages not
    /// rendered faster than [`BUSY_MISSES_PER_SECOND`], as last looked at.
    pub(super) fn busy(&mut self, state: &AppState) -> bool {
        self.look(Instant::now(), Asked::of(state));
        self.busy
    }

    /// Notes `asked` at `now`; the rates are its growth over at least [`LOOK_EVERY`] (the first
    /// look only notes it).
    fn look(&mut self, now: Instant, asked: Asked) {
        match self.looked {
            None => self.looked = Some((now, asked)),
            Some((then, _)) if now - then < LOOK_EVERY => {}
            Some((then, before)) => {
                let millis = (now - then).as_millis().max(1) as u64;
                let rate = |now: u64, before: u64| now.saturating_sub(before) * 1000 / millis;
                self.busy = rate(asked.pages, before.pages) > BUSY_PAGES_PER_SECOND
                    || rate(asked.misses, before.misses) > BUSY_MISSES_PER_SECOND;
                self.looked = Some((now, asked));
            }
        }
    }

    /// Waits while visitors are busy.
    pub(super) async fn step_aside(&mut self, state: &AppState) {
        self.wait_while_busy(|| Asked::of(state), || state.draining.is_on())
            .await;
    }

    /// The rates are `asked()`'s growth over at least [`LOOK_EVERY`]; stops waiting when `draining()`.
    async fn wait_while_busy(&mut self, asked: impl Fn() -> Asked, draining: impl Fn() -> bool) {
        loop {
            self.look(Instant::now(), asked());
            if !self.busy || draining() {
                return;
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }
}

/// Pages visitors asked for so far, and how many of them were rendered for them.
#[derive(Clone, Copy)]
struct Asked {
    pages: u64,
    misses: u64,
}

impl Asked {
    fn of(state: &AppState) -> Asked {
        Asked {
            pages: state.page_cache.asked(),
            misses: state
                .page_cache
                .misses
                .load(std::sync::atomic::Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::Duration;

    use super::{Asked, Visitors};

    /// Pages asked for, and how many of them were rendered for the visitor.
    #[derive(Clone, Default)]
    struct Counts {
        pages: Arc<AtomicU64>,
        misses: Arc<AtomicU64>,
        on: Arc<AtomicBool>,
    }

    impl Counts {
        fn now(&self) -> Asked {
            Asked {
                pages: self.pages.load(Ordering::Relaxed),
                misses: self.misses.load(Ordering::Relaxed),
            }
        }

        /// Adds `pages` every `every` ms until [`Counts::stop`], `missed` of them not rendered yet.
        fn ask(&self, pages: u64, missed: u64, every: u64) {
            let counts = self.clone();
            self.on.store(true, Ordering::Relaxed);
            tokio::spawn(async move {
                while counts.on.load(Ordering::Relaxed) {
                    counts.pages.fetch_add(pages, Ordering::Relaxed);
                    counts.misses.fetch_add(missed, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(every)).await;
                }
            });
        }

        fn stop(&self) {
            self.on.store(false, Ordering::Relaxed);
        }
    }

    /// Whether `visitors` still waited after `limit_ms` (for visitors to be quiet, or `draining`).
    async fn waits(
        visitors: &mut Visitors,
        counts: &Counts,
        limit_ms: u64,
        draining: bool,
    ) -> bool {
        let wait = visitors.wait_while_busy(|| counts.now(), || draining);
        tokio::time::timeout(Duration::from_millis(limit_ms), wait)
            .await
            .is_err()
    }

    #[tokio::test]
    async fn rendering_ahead_waits_while_visitors_ask_for_many_pages_and_goes_on_after() {
        let counts = Counts::default();
        let mut visitors = Visitors::default();
        // The first look only notes the count.
        assert!(!waits(&mut visitors, &counts, 1000, false).await);
        // A burst: far above the busy rate even on a slow machine (a thousand pages every 5 ms).
        counts.ask(1000, 0, 5);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            waits(&mut visitors, &counts, 500, false).await,
            "went on while visitors were busy"
        );
        counts.stop();
        assert!(
            !waits(&mut visitors, &counts, 2000, false).await,
            "still waiting once visitors were quiet"
        );
        // Draining ends the wait at once.
        counts.ask(1000, 0, 5);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            !waits(&mut visitors, &counts, 1000, true).await,
            "a draining instance kept waiting"
        );
        counts.stop();
        tokio::time::sleep(Duration::from_millis(100)).await;
        // A crawler asking for about a hundred pages a second leaves it running, even when none of
        // them was rendered yet.
        counts.ask(1, 1, 10);
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(60)).await;
            assert!(
                !waits(&mut visitors, &counts, 1000, false).await,
                "a crawler's hundred pages a second held it up"
            );
        }
        counts.stop();
    }

    /// At a fresh start visitors wait for pages rendered for them, so they ask for few: meeting
    /// pages not rendered yet is what makes them busy then.
    #[tokio::test]
    async fn visitors_meeting_pages_not_rendered_yet_are_busy_though_they_ask_for_few() {
        let counts = Counts::default();
        let mut visitors = Visitors::default();
        assert!(!waits(&mut visitors, &counts, 1000, false).await);
        // 1,000 pages a second (half the busy rate), every other one rendered for the visitor.
        counts.ask(10, 5, 10);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            waits(&mut visitors, &counts, 500, false).await,
            "visitors meeting cold pages counted as quiet"
        );
        counts.stop();
        // The same rate, every page answered from the cache: quiet.
        tokio::time::sleep(Duration::from_millis(100)).await;
        counts.ask(10, 0, 10);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            !waits(&mut visitors, &counts, 1000, false).await,
            "1,000 cached pages a second counted as busy"
        );
        counts.stop();
    }
}
