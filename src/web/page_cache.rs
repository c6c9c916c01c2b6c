//! The rendered-page cache: public pages kept ready to send, so a visit costs a lookup instead of a
//! query, a render and a compression. Recently used pages stay in memory, bounded by bytes (least
//! recently used leave first). Every rendered page is also written once to an unnamed file in the
//! data folder, so a site with more pages than the memory budget answers from the operating system's
//! file cache instead of rendering again. A change forgets the addresses it affects
//! ([`PageCache::invalidate`]), or everything when every page looks different ([`PageCache::clear`]);
//! an entry also expires at its `valid_until`. The cache knows paths, not features.
use std::collections::{HashMap, HashSet, VecDeque};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockWriteGuard};

use actix_web::web::Bytes;
use time::OffsetDateTime;

use super::compression::{Accepted, Coding};
pub use super::rendered_page::{Hit, RenderedPage};
use super::rendered_page::{made_on_ask, variant_etag};
use crate::i18n::Lang;

/// Rendered pages kept in memory, all codings counted: about 85 pages of 12 KB, the ones in use
/// (a site's most visited pages). The rest are read back from the spill file, which costs a few
/// microseconds more (a random load over 10,000 pages finds 1-2 % in memory at 1, 2 or 4 MB alike).
pub const DEFAULT_MEMORY_BYTES: usize = 1024 * 1024;
/// The most the spill file may grow to (about 70,000 pages of 9 KB); past it a new file is begun
/// and the pages only the old one held are rendered again when asked for.
const SPILL_LIMIT_BYTES: u64 = 1024 * 1024 * 1024;

/// Where a page rendered earlier lies in the current spill file (every entry is in the current one:
/// a new file begins with none). One of these for every address rendered, so it is kept small:
/// 64 bytes instead of 120 made the index of a 10,000-page site 2 MB lighter.
#[derive(Clone, Copy)]
struct Spilled {
    /// Each variant made so far, in [`Coding::ALL`] order.
    at: [Option<Place>; 3],
    hash: u64,
    content_type: &'static str,
    /// Unix seconds, rounded down: the page is given up at most a second early.
    valid_until: i64,
    lang: Lang,
    quick: bool,
}

impl Spilled {
    fn valid_at(&self, now: OffsetDateTime) -> bool {
        now.unix_timestamp() < self.valid_until
    }
}

/// Offset and length of one variant in the spill file, in one word: 24 bits of length, the offset
/// above them (the spill file stays far below 2^39 bytes), and a set lowest bit.
#[derive(Clone, Copy, Debug)]
struct Place(std::num::NonZeroU64);

impl Place {
    const LEN_BITS: u32 = 24;

    /// `None` for a body too long to spill (16 MiB or more).
    fn new(offset: u64, len: usize) -> Option<Place> {
        let len = u64::try_from(len)
            .ok()
            .filter(|&l| l < 1 << Self::LEN_BITS)?;
        if offset >= 1 << (63 - Self::LEN_BITS) {
            return None;
        }
        std::num::NonZeroU64::new((offset << (Self::LEN_BITS + 1)) | (len << 1) | 1).map(Place)
    }

    fn offset(self) -> u64 {
        self.0.get() >> (Self::LEN_BITS + 1)
    }

    fn len(self) -> usize {
        ((self.0.get() >> 1) & ((1 << Self::LEN_BITS) - 1)) as usize
    }
}

struct SpillFile {
    file: Arc<File>,
    len: u64,
}

#[derive(Default)]
struct Entries {
    memory: HashMap<Box<str>, Arc<RenderedPage>>,
    /// The eviction clock: paths in memory, oldest first.
    order: VecDeque<Box<str>>,
    memory_bytes: usize,
    spilled: HashMap<Box<str>, Spilled>,
    spill: Option<SpillFile>,
    /// The data folder refused a spill file: memory only until the next content change.
    spill_failed: bool,
    /// The generation of the last [`PageCache::clear`]: pages rendered from older data are not kept.
    cleared_at: u64,
    /// For each address invalidated since, the generation of its invalidation.
    invalidated_at: HashMap<Box<str>, u64>,
}

impl Entries {
    /// The oldest generation a page at `path` may have been rendered in to be kept.
    fn fresh_from(&self, path: &str) -> u64 {
        self.invalidated_at
            .get(path)
            .map_or(self.cleared_at, |&g| g.max(self.cleared_at))
    }

    /// The current spill file, which every spilled entry is in.
    fn current_file(&self) -> Option<Arc<File>> {
        self.spill.as_ref().map(|s| Arc::clone(&s.file))
    }

    /// Whether `file` is the current spill file.
    fn is_current(&self, file: &Arc<File>) -> bool {
        self.spill
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(&s.file, file))
    }

    fn forget(&mut self, path: &str) {
        if let Some(page) = self.memory.remove(path) {
            self.memory_bytes -= page.size(path);
        }
        self.spilled.remove(path);
    }
}

/// A page compressed quickly, to be compressed again the way pages are kept.
pub struct Improvable {
    plain: Bytes,
    hash: u64,
    lang: Lang,
    content_type: &'static str,
    valid_until: OffsetDateTime,
    generation: u64,
}

impl Improvable {
    /// Compresses the page (CPU only: no lock is held, so a thread of low priority may do it).
    pub fn compress(self) -> RenderedPage {
        RenderedPage::from_parts(
            self.plain,
            self.hash,
            self.lang,
            self.content_type,
            self.valid_until,
            self.generation,
        )
    }
}

/// What the cache holds for an address (for the pre-renderer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    Nothing,
    /// A page compressed quickly for a waiting visitor: worth compressing better.
    Quick,
    Kept,
}

pub struct PageCache {
    /// Answers from the cache, and pages rendered for a visitor because they were not in it.
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    /// Pages rendered before anyone asked for them (the pre-renderer).
    pub prerenders: AtomicU64,
    /// Addresses forgotten one by one after changes, and times every page was forgotten at once.
    pub invalidations: AtomicU64,
    pub clears: AtomicU64,
    memory_budget: usize,
    /// The folder the spill file is made in; `None` keeps pages in memory only.
    spill_dir: Option<PathBuf>,
    generation: AtomicU64,
    entries: RwLock<Entries>,
}

impl PageCache {
    /// Pages asked for so far: answered from the cache or rendered for the visitor.
    pub fn asked(&self) -> u64 {
        self.hits.load(Ordering::Relaxed) + self.misses.load(Ordering::Relaxed)
    }

    pub fn new(memory_budget: usize, spill_dir: Option<PathBuf>) -> PageCache {
        PageCache {
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            prerenders: AtomicU64::new(0),
            invalidations: AtomicU64::new(0),
            clears: AtomicU64::new(0),
            memory_budget,
            spill_dir,
            generation: AtomicU64::new(0),
            entries: RwLock::new(Entries::default()),
        }
    }

    fn write_entries(&self) -> RwLockWriteGuard<'_, Entries> {
        match self.entries.write() {
            Ok(e) => e,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The page at `path` in the coding `accepted` chooses, if it is cached and still valid at `now`.
    pub fn get(&self, path: &str, accepted: Accepted, now: OffsetDateTime) -> Option<Hit> {
        let entries = self.entries.read().ok()?;
        if let Some(page) = entries.memory.get(path) {
            if now >= page.valid_until {
                return None;
            }
            page.referenced.store(true, Ordering::Relaxed);
            let page = Arc::clone(page);
            drop(entries);
            return Some(page.hit(accepted));
        }
        let spilled = *entries.spilled.get(path).filter(|s| s.valid_at(now))?;
        let file = entries.current_file()?;
        let generation = self.generation();
        drop(entries);
        let coding = accepted.choose(spilled.at.map(|at| at.is_some()));
        let body = match spilled.at[coding.index()] {
            Some(place) => read_spilled(&file, place)?,
            None => {
                // A variant not made yet: made once from the plain bytes, then kept.
                let plain = read_spilled(&file, spilled.at[Coding::Identity.index()]?)?;
                let body = made_on_ask(&plain, coding, spilled.quick);
                self.spill_variant(path, &file, generation, coding, &body);
                body
            }
        };
        Some(Hit {
            body,
            etag: variant_etag(spilled.hash, coding),
            coding,
            lang: spilled.lang,
            content_type: spilled.content_type,
        })
    }

    /// What is kept for `path` at `now`.
    pub fn held(&self, path: &str, now: OffsetDateTime) -> Held {
        let Ok(entries) = self.entries.read() else {
            return Held::Nothing;
        };
        let quick = match (entries.memory.get(path), entries.spilled.get(path)) {
            (Some(page), _) if now < page.valid_until => page.quick,
            (None, Some(spilled)) if spilled.valid_at(now) => spilled.quick,
            _ => return Held::Nothing,
        };
        if quick { Held::Quick } else { Held::Kept }
    }

    /// Moves on whenever content changes; read it before loading what a page shows and pass it to
    /// [`RenderedPage::new`], so a render that raced a change of its address is not kept.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a page rendered for a visitor at `path`, unless its address changed while it was being
    /// rendered.
    pub fn insert(&self, path: &str, page: Arc<RenderedPage>) {
        self.misses.fetch_add(1, Ordering::Relaxed);
        self.keep(path, page);
    }

    /// Keeps a page rendered before anyone asked for it (counted apart from visitors' renders).
    pub fn insert_prerendered(&self, path: &str, page: Arc<RenderedPage>) {
        self.prerenders.fetch_add(1, Ordering::Relaxed);
        self.keep(path, page);
    }

    /// The page at `path`, when it was compressed quickly for a waiting visitor: what compressing
    /// it the way pages are kept needs ([`Improvable::compress`], CPU only, on any thread; then
    /// [`PageCache::keep_improved`]).
    pub fn to_improve(&self, path: &str, now: OffsetDateTime) -> Option<Improvable> {
        let generation = self.generation();
        let (memory, spilled) = {
            let entries = self.entries.read().ok()?;
            let spilled = entries
                .spilled
                .get(path)
                .copied()
                .and_then(|s| Some((s, entries.current_file()?)));
            (entries.memory.get(path).cloned(), spilled)
        };
        match (memory, spilled) {
            (Some(page), _) if page.quick && now < page.valid_until => Some(Improvable {
                plain: page.plain.clone(),
                hash: page.hash,
                lang: page.lang,
                content_type: page.content_type,
                valid_until: page.valid_until,
                generation: page.generation,
            }),
            (None, Some((s, file))) if s.quick && s.valid_at(now) => Some(Improvable {
                plain: read_spilled(&file, s.at[Coding::Identity.index()]?)?,
                hash: s.hash,
                lang: s.lang,
                content_type: s.content_type,
                valid_until: OffsetDateTime::from_unix_timestamp(s.valid_until).ok()?,
                generation,
            }),
            _ => None,
        }
    }

    /// Keeps a page [`PageCache::to_improve`] gave and [`Improvable::compress`] made, unless its
    /// address changed meanwhile.
    pub fn keep_improved(&self, path: &str, page: RenderedPage) {
        self.keep(path, Arc::new(page));
    }

    /// Compresses the page at `path` better, here and now, when it was compressed quickly.
    pub fn improve(&self, path: &str, now: OffsetDateTime) -> bool {
        match self.to_improve(path, now) {
            Some(improvable) => {
                self.keep_improved(path, improvable.compress());
                true
            }
            None => false,
        }
    }

    fn keep(&self, path: &str, page: Arc<RenderedPage>) {
        let size = page.size(path);
        let variants = page.variants();
        let total: u64 = variants.iter().flatten().map(|b| b.len() as u64).sum();
        let reserved = {
            let mut entries = self.write_entries();
            if page.generation < entries.fresh_from(path) {
                return;
            }
            if size <= self.memory_budget / 4 {
                self.keep_in_memory(&mut entries, path, Arc::clone(&page), size);
            }
            self.reserve_spill(&mut entries, total)
        };
        let Some((file, offset)) = reserved else {
            return;
        };
        let mut at = [None; 3];
        let mut next = offset;
        for (slot, body) in at.iter_mut().zip(variants) {
            let Some(body) = body else { continue };
            let Some(place) = Place::new(next, body.len()) else {
                return;
            };
            if !self.write_spill(&file, next, body) {
                return;
            }
            *slot = Some(place);
            next += body.len() as u64;
        }
        let mut entries = self.write_entries();
        if page.generation < entries.fresh_from(path) || !entries.is_current(&file) {
            return;
        }
        entries.spilled.insert(
            path.into(),
            Spilled {
                at,
                hash: page.hash,
                content_type: page.content_type,
                valid_until: page.valid_until.unix_timestamp(),
                lang: page.lang,
                quick: page.quick,
            },
        );
    }

    /// Appends a variant made after the page was spilled, and records where it lies.
    fn spill_variant(
        &self,
        path: &str,
        file: &Arc<File>,
        generation: u64,
        coding: Coding,
        body: &Bytes,
    ) {
        let place = {
            let mut entries = self.write_entries();
            if generation < entries.fresh_from(path) || !entries.is_current(file) {
                return;
            }
            match self.reserve_spill(&mut entries, body.len() as u64) {
                Some((_, offset)) => Place::new(offset, body.len()),
                None => return,
            }
        };
        let Some(place) = place else { return };
        if !self.write_spill(file, place.offset(), body) {
            return;
        }
        let mut entries = self.write_entries();
        // Every entry is in the current file: one begun meanwhile has none of the old one's.
        if generation < entries.fresh_from(path) || !entries.is_current(file) {
            return;
        }
        if let Some(spilled) = entries.spilled.get_mut(path) {
            spilled.at[coding.index()] = Some(place);
        }
    }

    fn write_spill(&self, file: &File, offset: u64, body: &[u8]) -> bool {
        match file.write_all_at(body, offset) {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "page cache: cannot write the spill file; keeping pages in memory only");
                self.write_entries().spill_failed = true;
                false
            }
        }
    }

    fn keep_in_memory(
        &self,
        entries: &mut RwLockWriteGuard<'_, Entries>,
        path: &str,
        page: Arc<RenderedPage>,
        size: usize,
    ) {
        match entries.memory.insert(path.into(), page) {
            Some(old) => entries.memory_bytes -= old.size(path),
            None => entries.order.push_back(path.into()),
        }
        entries.memory_bytes += size;
        // The clock: a page used since the hand last passed gets another round, others leave.
        let mut rounds = 2 * entries.order.len() + 1;
        while entries.memory_bytes > self.memory_budget && rounds > 0 {
            rounds -= 1;
            let Some(oldest) = entries.order.pop_front() else {
                break;
            };
            let keep = entries
                .memory
                .get(&oldest)
                .is_some_and(|p| p.referenced.swap(false, Ordering::Relaxed));
            if keep {
                entries.order.push_back(oldest);
            } else if let Some(evicted) = entries.memory.remove(&oldest) {
                entries.memory_bytes -= evicted.size(&oldest);
            }
        }
    }

    /// Room for `len` bytes at the end of the spill file (made on first use; begun anew when full).
    fn reserve_spill(
        &self,
        entries: &mut RwLockWriteGuard<'_, Entries>,
        len: u64,
    ) -> Option<(Arc<File>, u64)> {
        let dir = self.spill_dir.as_ref()?;
        if entries.spill_failed || len > SPILL_LIMIT_BYTES {
            return None;
        }
        if entries
            .spill
            .as_ref()
            .is_some_and(|s| s.len + len > SPILL_LIMIT_BYTES)
        {
            // Full of pages since invalidated: the pages still in memory stay, the others are
            // rendered again when asked for.
            entries.spill = None;
            entries.spilled.clear();
        }
        if entries.spill.is_none() {
            match tempfile::tempfile_in(dir) {
                Ok(file) => {
                    entries.spill = Some(SpillFile {
                        file: Arc::new(file),
                        len: 0,
                    })
                }
                Err(error) => {
                    tracing::warn!(%error, dir = %dir.display(), "page cache: cannot make a spill file; keeping pages in memory only");
                    entries.spill_failed = true;
                    return None;
                }
            }
        }
        let spill = entries.spill.as_mut()?;
        let offset = spill.len;
        spill.len += len;
        Some((Arc::clone(&spill.file), offset))
    }

    /// Forgets the pages at `paths` (the addresses a change affects); a render of one of them that
    /// began before is not kept. Returns how many were held.
    pub fn invalidate<S: AsRef<str>>(&self, paths: &[S]) -> usize {
        let mut entries = self.write_entries();
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        let mut held = 0;
        let mut gone = HashSet::new();
        for path in paths {
            let path = path.as_ref();
            held += usize::from(
                entries.memory.contains_key(path) || entries.spilled.contains_key(path),
            );
            entries.forget(path);
            entries.invalidated_at.insert(path.into(), generation);
            gone.insert(path);
        }
        entries.order.retain(|p| !gone.contains(&**p));
        self.invalidations
            .fetch_add(paths.len() as u64, Ordering::Relaxed);
        held
    }

    /// Forgets every page: after a change every page shows (the navigation, the footer).
    pub fn clear(&self) {
        let mut entries = self.write_entries();
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        *entries = Entries {
            cleared_at: generation,
            ..Entries::default()
        };
        self.clears.fetch_add(1, Ordering::Relaxed);
    }

    /// Pages kept and their bytes (in memory, and in the spill file).
    pub fn size(&self) -> (usize, u64) {
        self.entries.read().map_or((0, 0), |e| {
            (
                e.memory.len().max(e.spilled.len()),
                e.memory_bytes as u64 + e.spill.as_ref().map_or(0, |s| s.len),
            )
        })
    }

    /// Pages in memory and pages in the spill file (every rendered page is in the file).
    pub fn counts(&self) -> (usize, usize) {
        self.entries
            .read()
            .map_or((0, 0), |e| (e.memory.len(), e.spilled.len()))
    }
}

/// A read from the operating system's file cache: microseconds, far less than a render.
fn read_spilled(file: &File, place: Place) -> Option<Bytes> {
    let mut body = vec![0; place.len()];
    file.read_exact_at(&mut body, place.offset()).ok()?;
    Some(Bytes::from(body))
}

#[cfg(test)]
#[path = "page_cache_tests.rs"]
mod tests;
