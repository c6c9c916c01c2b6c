//! The rendered-page cache: public pages kept ready to send, so a visit costs a lookup instead of a
//! query, a render and a compression. Each page is kept plain and brotli-compressed, both made once when
//! it is rendered, and gzip-compressed once some client asks for that. Recently used pages stay in memory, bounded by bytes (least recently used
//! leave first). Every rendered page is also written once to an unnamed file in the data folder, so a
//! site with more pages than the memory budget answers from the operating system's file cache instead
//! of rendering again. Everything is forgotten when content changes (the generation moves on, and the
//! file with it); an entry also expires at its `valid_until`. The cache knows paths, not features.
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock, RwLockWriteGuard};

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use time::OffsetDateTime;

use super::caching::client_has;
use super::compression::{self, Coding, KEPT_BROTLI_QUALITY, KEPT_GZIP_LEVEL, coded_etag};
use crate::i18n::Lang;

/// Rendered pages kept in memory, all codings counted: about 350 pages of 9 KB, the ones in use. The
/// rest are read back from the spill file, which costs a few microseconds more.
pub const DEFAULT_MEMORY_BYTES: usize = 4 * 1024 * 1024;
/// The most the spill file may grow to between two content changes (about 70,000 pages of 9 KB).
const SPILL_LIMIT_BYTES: u64 = 1024 * 1024 * 1024;

/// A page as rendered for one path: plain and brotli made when it is rendered, gzip when first asked
/// for (browsers take brotli; gzip is for the few clients that take nothing better).
pub struct RenderedPage {
    plain: Bytes,
    brotli: Bytes,
    gzip: OnceLock<Bytes>,
    /// The plain bytes' hash: every variant's ETag derives from it.
    hash: u64,
    etags: [HeaderValue; 3],
    pub lang: Lang,
    /// `text/html; charset=utf-8` for pages; a feed says what it is.
    content_type: &'static str,
    valid_until: OffsetDateTime,
    generation: u64,
    /// Set on every hit, cleared when the eviction hand passes by: a second chance for pages in use.
    referenced: AtomicBool,
}

impl RenderedPage {
    /// Encodes `html`. `generation` is [`PageCache::generation`] read before the page's data was
    /// loaded, so a render that raced an edit is never kept.
    pub fn new(
        html: String,
        lang: Lang,
        valid_until: OffsetDateTime,
        generation: u64,
    ) -> RenderedPage {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        html.as_bytes().hash(&mut hasher);
        let hash = hasher.finish();
        let brotli = Bytes::from(compression::brotli(html.as_bytes(), KEPT_BROTLI_QUALITY));
        RenderedPage {
            plain: Bytes::from(html),
            brotli,
            gzip: OnceLock::new(),
            hash,
            etags: Coding::ALL.map(|c| variant_etag(hash, c)),
            lang,
            content_type: "text/html; charset=utf-8",
            valid_until,
            generation,
            referenced: AtomicBool::new(false),
        }
    }

    /// The same for a document that is not HTML (a feed), sent as `content_type`.
    pub fn with_content_type(mut self, content_type: &'static str) -> RenderedPage {
        self.content_type = content_type;
        self
    }

    /// The page in `coding`, ready to send.
    pub fn hit(&self, coding: Coding) -> Hit {
        let body = match coding {
            Coding::Identity => self.plain.clone(),
            Coding::Brotli => self.brotli.clone(),
            Coding::Gzip => self.gzip().clone(),
        };
        Hit {
            body,
            etag: self.etags[coding.index()].clone(),
            coding,
            lang: self.lang,
            content_type: self.content_type,
        }
    }

    fn gzip(&self) -> &Bytes {
        self.gzip
            .get_or_init(|| Bytes::from(compression::gzip(&self.plain, KEPT_GZIP_LEVEL)))
    }

    /// The variants made so far, in [`Coding::ALL`] order.
    fn variants(&self) -> [Option<&Bytes>; 3] {
        [Some(&self.plain), Some(&self.brotli), self.gzip.get()]
    }

    fn size(&self, path: &str) -> usize {
        // gzip counted ahead: it is about as large as brotli once made.
        self.plain.len() + 2 * self.brotli.len() + path.len() + 256
    }
}

fn variant_etag(hash: u64, coding: Coding) -> HeaderValue {
    HeaderValue::from_str(&coded_etag(&etag(hash), coding))
        .unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""))
}

fn etag(hash: u64) -> String {
    format!("W/\"{hash:016x}\"")
}

/// One cached page in one coding.
pub struct Hit {
    pub body: Bytes,
    pub etag: HeaderValue,
    pub coding: Coding,
    pub lang: Lang,
    pub content_type: &'static str,
}

impl Hit {
    /// The answer: 304 when the client holds this variant, else the bytes with their coding. Every
    /// answer varies by `Accept-Encoding` and names its language.
    pub fn respond(self, req: &HttpRequest, cache_control: HeaderValue) -> HttpResponse {
        let not_modified = self.etag.to_str().is_ok_and(|etag| client_has(req, etag));
        let mut response = if not_modified {
            HttpResponse::NotModified().finish()
        } else {
            HttpResponse::Ok().body(self.body)
        };
        // Typed names and ready values: this runs for every cached page, at 100,000 a second.
        let headers = response.headers_mut();
        headers.insert(header::ETAG, self.etag);
        headers.insert(header::CACHE_CONTROL, cache_control);
        if let Ok(lang) = HeaderValue::from_str(self.lang.as_str()) {
            headers.insert(header::CONTENT_LANGUAGE, lang);
        }
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if not_modified {
            return response;
        }
        if let Some(coding) = self.coding.content_encoding() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        response
    }
}

/// Where a page rendered earlier lies in the spill file.
#[derive(Clone)]
struct Spilled {
    file: Arc<File>,
    /// Offset and length of each variant made so far, in [`Coding::ALL`] order.
    at: [Option<(u64, u32)>; 3],
    hash: u64,
    lang: Lang,
    content_type: &'static str,
    valid_until: OffsetDateTime,
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
}

pub struct PageCache {
    /// Answers from the cache, and pages rendered because they were not in it (for `/metrics`).
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    memory_budget: usize,
    /// The folder the spill file is made in; `None` keeps pages in memory only.
    spill_dir: Option<PathBuf>,
    generation: AtomicU64,
    entries: RwLock<Entries>,
}

impl PageCache {
    pub fn new(memory_budget: usize, spill_dir: Option<PathBuf>) -> PageCache {
        PageCache {
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            memory_budget,
            spill_dir,
            generation: AtomicU64::new(0),
            entries: RwLock::new(Entries::default()),
        }
    }

    /// The page at `path` in `coding`, if it is cached and still valid at `now`.
    pub fn get(&self, path: &str, coding: Coding, now: OffsetDateTime) -> Option<Hit> {
        let entries = self.entries.read().ok()?;
        if let Some(page) = entries.memory.get(path) {
            if now >= page.valid_until {
                return None;
            }
            page.referenced.store(true, Ordering::Relaxed);
            let page = Arc::clone(page);
            drop(entries);
            return Some(page.hit(coding));
        }
        let spilled = entries.spilled.get(path).filter(|s| now < s.valid_until)?;
        let spilled = spilled.clone();
        let generation = self.generation();
        drop(entries);
        // A read from the operating system's file cache: microseconds, far less than a render.
        let read = |(offset, len): (u64, u32)| -> Option<Bytes> {
            let mut body = vec![0; usize::try_from(len).ok()?];
            spilled.file.read_exact_at(&mut body, offset).ok()?;
            Some(Bytes::from(body))
        };
        let body = match spilled.at[coding.index()] {
            Some(place) => read(place)?,
            None => {
                // A variant not made yet (gzip): made once from the plain bytes, then kept.
                let plain = read(spilled.at[Coding::Identity.index()]?)?;
                let body = Bytes::from(compression::gzip(&plain, KEPT_GZIP_LEVEL));
                self.spill_variant(path, &spilled.file, generation, coding, &body);
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

    /// Changes whenever content changes; pages rendered from older data are not kept.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a freshly rendered page for `path`, unless content changed while it was being rendered.
    pub fn insert(&self, path: &str, page: Arc<RenderedPage>) {
        self.misses.fetch_add(1, Ordering::Relaxed);
        let size = page.size(path);
        let variants = page.variants();
        let total: u64 = variants.iter().flatten().map(|b| b.len() as u64).sum();
        let reserved = {
            let Ok(mut entries) = self.entries.write() else {
                return;
            };
            if page.generation != self.generation() {
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
            if !self.write_spill(&file, next, body) {
                return;
            }
            *slot = Some((next, body.len() as u32));
            next += body.len() as u64;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if page.generation != self.generation() || !entries.is_current(&file) {
            return;
        }
        entries.spilled.insert(
            path.into(),
            Spilled {
                file,
                at,
                hash: page.hash,
                lang: page.lang,
                content_type: page.content_type,
                valid_until: page.valid_until,
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
        let offset = {
            let Ok(mut entries) = self.entries.write() else {
                return;
            };
            if generation != self.generation() || !entries.is_current(file) {
                return;
            }
            match self.reserve_spill(&mut entries, body.len() as u64) {
                Some((_, offset)) => offset,
                None => return,
            }
        };
        if !self.write_spill(file, offset, body) {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if generation != self.generation() {
            return;
        }
        if let Some(spilled) = entries.spilled.get_mut(path)
            && Arc::ptr_eq(&spilled.file, file)
        {
            spilled.at[coding.index()] = Some((offset, body.len() as u32));
        }
    }

    fn write_spill(&self, file: &File, offset: u64, body: &[u8]) -> bool {
        match file.write_all_at(body, offset) {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "page cache: cannot write the spill file; keeping pages in memory only");
                if let Ok(mut entries) = self.entries.write() {
                    entries.spill_failed = true;
                }
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

    /// Room for `len` bytes at the end of this generation's spill file (made on first use).
    fn reserve_spill(
        &self,
        entries: &mut RwLockWriteGuard<'_, Entries>,
        len: u64,
    ) -> Option<(Arc<File>, u64)> {
        let dir = self.spill_dir.as_ref()?;
        if entries.spill_failed {
            return None;
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
        if spill.len + len > SPILL_LIMIT_BYTES {
            return None;
        }
        let offset = spill.len;
        spill.len += len;
        Some((Arc::clone(&spill.file), offset))
    }

    /// Forgets every page: call after any change to what public pages show.
    pub fn clear(&self) {
        let mut entries = match self.entries.write() {
            Ok(e) => e,
            Err(poisoned) => poisoned.into_inner(),
        };
        self.generation.fetch_add(1, Ordering::AcqRel);
        *entries = Entries::default();
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

impl Entries {
    /// Whether `file` is this generation's spill file.
    fn is_current(&self, file: &Arc<File>) -> bool {
        self.spill
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(&s.file, file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-24 12:00 UTC);

    fn page(html: &str, generation: u64) -> Arc<RenderedPage> {
        let en = Lang::parse("en").unwrap();
        Arc::new(RenderedPage::new(
            html.to_owned(),
            en,
            datetime!(2027-01-01 0:00 UTC),
            generation,
        ))
    }

    fn body(cache: &PageCache, path: &str, coding: Coding, now: OffsetDateTime) -> Option<Vec<u8>> {
        cache.get(path, coding, now).map(|hit| hit.body.to_vec())
    }

    fn unbrotli(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
        out
    }

    #[test]
    fn keeps_pages_until_cleared_and_never_stores_stale_renders() {
        let cache = PageCache::new(1 << 20, None);
        let before_edit = cache.generation();
        cache.insert("/en/about", page("<p>old</p>", before_edit));
        assert_eq!(
            body(&cache, "/en/about", Coding::Identity, NOW).unwrap(),
            b"<p>old</p>"
        );
        cache.clear();
        assert!(cache.get("/en/about", Coding::Identity, NOW).is_none());
        // A render that started before the edit must not be cached after it.
        cache.insert("/en/about", page("<p>old</p>", before_edit));
        assert!(cache.get("/en/about", Coding::Identity, NOW).is_none());
        cache.insert("/en/about", page("<p>new</p>", cache.generation()));
        let br = body(&cache, "/en/about", Coding::Brotli, NOW).unwrap();
        assert_eq!(unbrotli(&br), b"<p>new</p>");
    }

    #[test]
    fn every_coding_has_its_own_etag() {
        let cache = PageCache::new(1 << 20, None);
        cache.insert("/en/", page("<h1>Home</h1>", 0));
        let tags: Vec<HeaderValue> = Coding::ALL
            .iter()
            .map(|&c| cache.get("/en/", c, NOW).unwrap().etag)
            .collect();
        assert!(tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2]);
        assert!(tags[1].to_str().unwrap().ends_with("-br\""));
    }

    #[test]
    fn entries_expire_and_the_budget_evicts_pages_not_used_since() {
        let big = "x".repeat(200);
        let size = page(&big, 0).size("/de/a");
        let cache = PageCache::new(4 * size + 10, None);
        for slug in ["a", "b", "c", "d"] {
            cache.insert(&format!("/de/{slug}"), page(&big, 0));
        }
        // "a" is read, so the clock passes it over once.
        assert!(cache.get("/de/a", Coding::Identity, NOW).is_some());
        cache.insert("/de/e", page(&big, 0));
        assert!(
            cache.get("/de/a", Coding::Identity, NOW).is_some(),
            "used page kept"
        );
        assert!(
            cache.get("/de/b", Coding::Identity, NOW).is_none(),
            "unused page evicted"
        );
        assert!(
            cache
                .get("/de/e", Coding::Identity, datetime!(2027-01-01 0:00 UTC))
                .is_none(),
            "expired at the new year"
        );
    }

    #[test]
    fn pages_beyond_the_memory_budget_are_answered_from_the_spill_file() {
        let dir = tempfile::tempdir().unwrap();
        let html = |n: usize| format!("<main>page {n}</main>").repeat(50);
        let size = page(&html(0), 0).size("/en/page-0");
        let cache = PageCache::new(3 * size, Some(dir.path().to_owned()));
        for n in 0..50 {
            cache.insert(&format!("/en/page-{n}"), page(&html(n), 0));
        }
        let (in_memory, spilled) = cache.counts();
        assert!(in_memory <= 3, "{in_memory} in memory");
        assert_eq!(spilled, 50);
        for n in [0, 17, 49] {
            let path = format!("/en/page-{n}");
            let plain = body(&cache, &path, Coding::Identity, NOW).unwrap();
            assert_eq!(plain, html(n).as_bytes());
            let br = body(&cache, &path, Coding::Brotli, NOW).unwrap();
            assert_eq!(unbrotli(&br), html(n).as_bytes());
            let gz = body(&cache, &path, Coding::Gzip, NOW).unwrap();
            let mut ungz = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut ungz)
                .unwrap();
            assert_eq!(ungz, html(n).as_bytes());
            if cache
                .entries
                .read()
                .unwrap()
                .spilled
                .contains_key(path.as_str())
                && !cache
                    .entries
                    .read()
                    .unwrap()
                    .memory
                    .contains_key(path.as_str())
            {
                // Made once from the plain bytes, then kept in the file beside the others.
                let at = cache.entries.read().unwrap().spilled[path.as_str()].at;
                assert!(at.iter().all(Option::is_some), "{path}: {at:?}");
            }
            // The same validator whichever tier answers.
            let memory_tag = page(&html(n), 0).hit(Coding::Gzip).etag;
            assert_eq!(
                cache.get(&path, Coding::Gzip, NOW).unwrap().etag,
                memory_tag
            );
        }
        cache.clear();
        assert_eq!(cache.counts(), (0, 0));
        assert!(cache.get("/en/page-17", Coding::Brotli, NOW).is_none());
    }
}
