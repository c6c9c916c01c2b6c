//! The visit counter: page views added up as they happen, written every few seconds as additions
//! to the day's sums. A visitor is a keyed hash of client address and user agent under the day's
//! salt; which hashes were counted is shared through the database, so several instances count a
//! visitor once.
//!
//! A page view touches only memory of its own thread (a buffer per worker thread, and a copy of the
//! day's salt): two threads counting at once never wait for each other or share a cache line. The
//! writer drains every buffer, decides which visitors and pages are new, and writes.
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use jiff::civil::Date;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use siphasher::sip::SipHasher24;

use super::store;
use super::{LeadPath, Profile};
use crate::db::Db;
use crate::i18n::Lang;

/// Visitors an instance tells apart in a day, and visitor-and-page pairs: bounds on memory under
/// a flood of made-up clients (past them, views of new visitors are not counted that day).
const MAX_VISITORS: usize = 100_000;
const MAX_SEEN: usize = 200_000;
/// Distinct visit profiles a day; past it, referrers and campaign fields nobody saw yet that day
/// are written as "(other)" (a script inventing campaign names cannot grow the tables at will).
const MAX_PROFILES: usize = 5_000;
pub const OTHER: &str = "(other)";

mod write;

/// The day's salt, as the keys of the visitor hash.
#[derive(Clone, Copy)]
struct Salted {
    day: Date,
    keys: (u64, u64),
    /// When the day begins and ends in the site's zone: between them, no date is computed.
    begins: jiff::Timestamp,
    ends: jiff::Timestamp,
}

impl Salted {
    /// Whether `now` is within the salt's day.
    fn holds_at(&self, now: jiff::Timestamp) -> bool {
        self.begins <= now && now < self.ends
    }

    fn visitor(&self, client: IpAddr, user_agent: &[u8]) -> u64 {
        let mut hasher = SipHasher24::new_with_keys(self.keys.0, self.keys.1);
        match client {
            IpAddr::V4(ip) => hasher.write(&ip.octets()),
            IpAddr::V6(ip) => hasher.write(&ip.octets()),
        }
        hasher.write_u8(0xff);
        hasher.write(user_agent);
        hasher.finish()
    }

    /// A visitor's view of a page. The visitor is keyed already; this only tells pages apart.
    fn page(&self, visitor: u64, path: &str) -> u64 {
        visitor ^ FxBuildHasher.hash_one(path).rotate_left(17)
    }
}

struct View {
    visitor: u64,
    path: Arc<str>,
    lang: Lang,
    views: i64,
}

/// A visitor a thread saw for the first time today, with what their first page there said.
struct Candidate {
    profile: Arc<Profile>,
    lang: Lang,
    at: Instant,
}

struct Lead {
    visitor: Option<u64>,
    path: LeadPath,
    page: String,
    lang: Lang,
}

/// Counted since the last write.
#[derive(Default)]
struct Batch {
    views: FxHashMap<u64, View>,
    new: FxHashMap<u64, Candidate>,
    leads: Vec<Lead>,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.views.is_empty() && self.new.is_empty() && self.leads.is_empty()
    }

    /// Adds `other`: views summed, of two first sightings of a visitor the earlier.
    fn merge(&mut self, other: Batch) {
        for (key, view) in other.views {
            match self.views.get_mut(&key) {
                Some(mine) => mine.views += view.views,
                None => {
                    self.views.insert(key, view);
                }
            }
        }
        for (visitor, candidate) in other.new {
            match self.new.get(&visitor) {
                Some(mine) if mine.at <= candidate.at => {}
                _ => {
                    self.new.insert(visitor, candidate);
                }
            }
        }
        self.leads.extend(other.leads);
    }
}

/// One thread's counts, and what it remembers of the day.
#[derive(Default)]
struct Buffered {
    day: Option<Date>,
    batch: Batch,
    /// Visitors this thread saw today (whose profile it need not work out again).
    known: FxHashSet<u64>,
    /// The day's page addresses and visit profiles, each kept once.
    paths: FxHashSet<Arc<str>>,
    profiles: FxHashSet<Arc<Profile>>,
}

impl Buffered {
    fn begin(&mut self, day: Date) {
        if self.day != Some(day) {
            *self = Buffered {
                day: Some(day),
                ..Buffered::default()
            };
        }
    }

    fn profile(&mut self, profile: Profile) -> Arc<Profile> {
        if let Some(known) = self.profiles.get(&profile) {
            return Arc::clone(known);
        }
        let profile = Arc::new(profile);
        if self.profiles.len() < MAX_PROFILES {
            self.profiles.insert(Arc::clone(&profile));
        }
        profile
    }

    fn path(&mut self, path: &str) -> Arc<str> {
        if let Some(known) = self.paths.get(path) {
            return Arc::clone(known);
        }
        let path: Arc<str> = path.into();
        self.paths.insert(Arc::clone(&path));
        path
    }
}

#[derive(Default)]
struct Buffer(Mutex<Buffered>);

/// What a thread keeps of one counter: its buffer and a copy of the day's salt.
struct Here {
    buffer: Arc<Buffer>,
    salted: Option<Salted>,
}

thread_local! {
    static HERE: RefCell<FxHashMap<u64, Here>> = RefCell::default();
}

/// What the writer keeps of the day.
#[derive(Default)]
struct Memory {
    day: Option<Date>,
    /// Visitors written today, with the profile they were counted with (here or elsewhere).
    visitors: FxHashMap<u64, i64>,
    seen: FxHashSet<u64>,
    profiles: HashSet<Profile>,
    leads: Vec<Lead>,
    /// A batch a failed write could not store, tried again with the next.
    retry: Option<Batch>,
}

pub struct Counter {
    id: u64,
    /// Visitors the threads saw today, together (touched only for a visitor new to a thread).
    visitors_today: AtomicUsize,
    salted: RwLock<Option<Salted>>,
    buffers: Mutex<Vec<Arc<Buffer>>>,
    memory: Mutex<Memory>,
    /// One write at a time, and one change of day.
    writing: tokio::sync::Mutex<()>,
    profile_ids: Mutex<HashMap<Profile, i64>>,
    zone: jiff::tz::TimeZone,
    /// Days added to the clock: how the tests live through a change of day.
    shifted_days: AtomicI64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Counter {
    pub fn new(zone: jiff::tz::TimeZone) -> Counter {
        static IDS: AtomicU64 = AtomicU64::new(0);
        Counter {
            id: IDS.fetch_add(1, Ordering::Relaxed),
            visitors_today: AtomicUsize::new(0),
            salted: RwLock::new(None),
            buffers: Mutex::new(Vec::new()),
            memory: Mutex::new(Memory::default()),
            writing: tokio::sync::Mutex::new(()),
            profile_ids: Mutex::new(HashMap::new()),
            zone,
            shifted_days: AtomicI64::new(0),
        }
    }

    /// Today in the site's time zone.
    pub fn today(&self) -> Date {
        let today = self.zone.to_datetime(jiff::Timestamp::now()).date();
        let shift = self.shifted_days.load(Ordering::Relaxed);
        today
            .checked_add(jiff::Span::new().days(shift))
            .unwrap_or(today)
    }

    /// Moves the counter's clock `days` ahead: what tests use to see a day end.
    #[doc(hidden)]
    pub fn shift_clock_for_tests(&self, days: i64) {
        self.shifted_days.fetch_add(days, Ordering::Relaxed);
    }

    /// Runs `work` with this thread's part of the counter, made on first use.
    fn here<R>(&self, work: impl FnOnce(&mut Here) -> R) -> R {
        HERE.with(|here| {
            let mut here = here.borrow_mut();
            let mine = here.entry(self.id).or_insert_with(|| {
                let buffer = Arc::new(Buffer::default());
                lock(&self.buffers).push(Arc::clone(&buffer));
                Here {
                    buffer,
                    salted: None,
                }
            });
            work(mine)
        })
    }

    /// Today's salt: this thread's copy while the day lasts; else the instance's, made or fetched
    /// when the day has changed (then the day before is written and its salt and hashes are
    /// forgotten). `None` when the database cannot be reached.
    async fn salted(&self, db: &Db) -> Option<Salted> {
        if let Some(salted) = self.salted_here() {
            return Some(salted);
        }
        let salted = self.salted_for(db, self.today()).await?;
        self.here(|here| here.salted = Some(salted));
        Some(salted)
    }

    /// This thread's copy of the day's salt, while the day lasts.
    fn salted_here(&self) -> Option<Salted> {
        if self.shifted_days.load(Ordering::Relaxed) != 0 {
            return None;
        }
        let now = jiff::Timestamp::now();
        self.here(|here| here.salted).filter(|s| s.holds_at(now))
    }

    async fn salted_for(&self, db: &Db, today: Date) -> Option<Salted> {
        if let Some(salted) = self.current(today) {
            return Some(salted);
        }
        let _writing = self.writing.lock().await;
        if let Some(salted) = self.current(today) {
            return Some(salted);
        }
        self.write_pending(db).await;
        let mut fresh = [0u8; 16];
        getrandom::fill(&mut fresh).ok()?;
        let salt = match store::salt_of(db, &today.to_string(), fresh).await {
            Ok(salt) => salt,
            Err(error) => {
                tracing::warn!(%error, "visit statistics: cannot read the day's salt");
                return None;
            }
        };
        let key = |range: std::ops::Range<usize>| {
            salt.get(range)
                .and_then(|bytes| bytes.try_into().ok())
                .map(u64::from_le_bytes)
        };
        let start_of = |day: Date| {
            self.zone
                .to_ambiguous_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
                .compatible()
                .ok()
        };
        let salted = Salted {
            day: today,
            keys: (key(0..8)?, key(8..16)?),
            begins: start_of(today)?,
            ends: start_of(today.tomorrow().ok()?)?,
        };
        *lock(&self.memory) = Memory {
            day: Some(today),
            ..Memory::default()
        };
        self.visitors_today.store(0, Ordering::Relaxed);
        lock(&self.profile_ids).clear();
        if let Ok(mut slot) = self.salted.write() {
            *slot = Some(salted);
        }
        Some(salted)
    }

    fn current(&self, today: Date) -> Option<Salted> {
        let slot = self.salted.read().ok()?;
        slot.filter(|salted| salted.day == today)
    }

    /// Counts a page view of `path` by the visitor at `client` with `user_agent`; `profile` says
    /// where the visit came from, asked for only when this thread has not seen the visitor today.
    pub async fn view(
        &self,
        db: &Db,
        client: IpAddr,
        user_agent: &[u8],
        path: &str,
        lang: Lang,
        profile: impl FnOnce() -> Profile,
    ) {
        // Most views find the day's salt in this thread's part: one visit to it does all.
        let mut profile = Some(profile);
        let now = (self.shifted_days.load(Ordering::Relaxed) == 0).then(jiff::Timestamp::now);
        let counted = self.here(|here| {
            let salted = here
                .salted
                .filter(|s| now.is_some_and(|now| s.holds_at(now)))?;
            self.record(here, salted, client, user_agent, path, lang, &mut profile);
            Some(())
        });
        if counted.is_some() {
            return;
        }
        let Some(salted) = self.salted(db).await else {
            return;
        };
        self.here(|here| self.record(here, salted, client, user_agent, path, lang, &mut profile));
    }

    /// Adds the view to this thread's buffer.
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        here: &mut Here,
        salted: Salted,
        client: IpAddr,
        user_agent: &[u8],
        path: &str,
        lang: Lang,
        profile: &mut Option<impl FnOnce() -> Profile>,
    ) {
        let visitor = salted.visitor(client, user_agent);
        let key = salted.page(visitor, path);
        let mut buffered = lock(&here.buffer.0);
        buffered.begin(salted.day);
        if !buffered.known.contains(&visitor) {
            if self.visitors_today.load(Ordering::Relaxed) >= MAX_VISITORS {
                return;
            }
            let Some(profile) = profile.take() else {
                return;
            };
            self.visitors_today.fetch_add(1, Ordering::Relaxed);
            buffered.known.insert(visitor);
            let profile = buffered.profile(profile());
            buffered.batch.new.insert(
                visitor,
                Candidate {
                    profile,
                    lang,
                    at: Instant::now(),
                },
            );
        }
        if let Some(view) = buffered.batch.views.get_mut(&key) {
            view.views += 1;
            return;
        }
        if buffered.batch.views.len() >= MAX_SEEN {
            return;
        }
        let path = buffered.path(path);
        buffered.batch.views.insert(
            key,
            View {
                visitor,
                path,
                lang,
                views: 1,
            },
        );
    }

    /// Counts a lead on `path`, sent from `page`, by the visitor at `client` with `user_agent`.
    pub async fn lead(
        &self,
        db: &Db,
        client: Option<IpAddr>,
        user_agent: &[u8],
        path: LeadPath,
        page: &str,
        lang: Lang,
    ) {
        let Some(salted) = self.salted(db).await else {
            return;
        };
        let visitor = client.map(|client| salted.visitor(client, user_agent));
        let mut memory = lock(&self.memory);
        if memory.day != Some(salted.day) {
            return;
        }
        memory.leads.push(Lead {
            visitor,
            path,
            page: page.to_owned(),
            lang,
        });
    }

    /// Writes what was counted since the last write (every few seconds, before the dashboard reads,
    /// and when the instance stops).
    pub async fn write(&self, db: &Db) {
        let _writing = self.writing.lock().await;
        self.write_pending(db).await;
    }
}
