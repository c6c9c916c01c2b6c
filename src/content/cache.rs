//! Rendered public pages kept in memory, so a popular page costs a hash lookup instead of a query and
//! a render. Bounded by bytes (oldest entries leave first); emptied whenever content changes; an entry
//! also expires when a scheduled page goes live or the year (in the footer) turns.
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use actix_web::web::Bytes;
use time::OffsetDateTime;

use crate::i18n::Lang;
use crate::web::caching::etag_of;

/// How much rendered HTML is kept: about 1,700 pages of 9 KB.
pub const DEFAULT_BUDGET_BYTES: usize = 16 * 1024 * 1024;

pub struct RenderedPage {
    pub html: Bytes,
    pub etag: String,
    valid_until: OffsetDateTime,
    generation: u64,
}

impl RenderedPage {
    /// `generation` is [`PageCache::generation`] read before the page's data was loaded.
    pub fn new(html: String, valid_until: OffsetDateTime, generation: u64) -> RenderedPage {
        let etag = etag_of(html.as_bytes());
        RenderedPage {
            html: Bytes::from(html),
            etag,
            valid_until,
            generation,
        }
    }
}

pub struct PageCache {
    budget_bytes: usize,
    generation: AtomicU64,
    entries: RwLock<Entries>,
}

#[derive(Default)]
struct Entries {
    /// By language, then slug: a lookup borrows the slug and allocates nothing.
    map: HashMap<Lang, HashMap<Box<str>, Arc<RenderedPage>>>,
    order: VecDeque<(Lang, Box<str>)>,
    bytes: usize,
}

fn entry_size(page: &RenderedPage, slug: &str) -> usize {
    page.html.len() + page.etag.len() + slug.len() + 64
}

impl PageCache {
    pub fn new(budget_bytes: usize) -> PageCache {
        PageCache {
            budget_bytes,
            generation: AtomicU64::new(0),
            entries: RwLock::new(Entries::default()),
        }
    }

    pub fn get(&self, lang: Lang, slug: &str, now: OffsetDateTime) -> Option<Arc<RenderedPage>> {
        let entries = self.entries.read().ok()?;
        entries
            .map
            .get(&lang)?
            .get(slug)
            .filter(|p| now < p.valid_until)
            .cloned()
    }

    /// Changes whenever content changes; pages rendered from older data are not kept.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn insert(&self, lang: Lang, slug: &str, page: RenderedPage) {
        let size = entry_size(&page, slug);
        if size > self.budget_bytes / 4 {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if page.generation != self.generation() {
            return;
        }
        let replaced = entries
            .map
            .entry(lang)
            .or_default()
            .insert(slug.into(), Arc::new(page));
        match replaced {
            Some(old) => entries.bytes -= entry_size(&old, slug),
            None => entries.order.push_back((lang, slug.into())),
        }
        entries.bytes += size;
        while entries.bytes > self.budget_bytes {
            let Some((lang, slug)) = entries.order.pop_front() else {
                break;
            };
            if let Some(evicted) = entries.map.get_mut(&lang).and_then(|m| m.remove(&slug)) {
                entries.bytes -= entry_size(&evicted, &slug);
            }
        }
    }

    /// Forgets every page: call after any change to pages, blocks or anything they show.
    pub fn clear(&self) {
        let mut entries = match self.entries.write() {
            Ok(e) => e,
            Err(poisoned) => poisoned.into_inner(),
        };
        self.generation.fetch_add(1, Ordering::AcqRel);
        *entries = Entries::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn page(html: &str, generation: u64) -> RenderedPage {
        RenderedPage::new(html.to_owned(), datetime!(2027-01-01 0:00 UTC), generation)
    }

    #[test]
    fn keeps_pages_until_cleared_and_never_stores_stale_renders() {
        let cache = PageCache::new(1 << 20);
        let en = Lang::parse("en").unwrap();
        let now = datetime!(2026-11-24 12:00 UTC);
        let before_edit = cache.generation();
        cache.insert(en, "about", page("<p>old</p>", before_edit));
        assert_eq!(
            &cache.get(en, "about", now).unwrap().html[..],
            b"<p>old</p>"
        );
        cache.clear();
        assert!(cache.get(en, "about", now).is_none());
        // A render that started before the edit must not be cached after it.
        cache.insert(en, "about", page("<p>old</p>", before_edit));
        assert!(cache.get(en, "about", now).is_none());
        cache.insert(en, "about", page("<p>new</p>", cache.generation()));
        assert_eq!(
            &cache.get(en, "about", now).unwrap().html[..],
            b"<p>new</p>"
        );
    }

    #[test]
    fn entries_expire_and_the_budget_evicts_the_oldest() {
        let cache = PageCache::new(1200);
        let de = Lang::parse("de").unwrap();
        let big = "x".repeat(200);
        for slug in ["a", "b", "c", "d", "e"] {
            cache.insert(de, slug, page(&big, 0));
        }
        let now = datetime!(2026-11-24 12:00 UTC);
        assert!(cache.get(de, "a", now).is_none(), "oldest evicted");
        assert!(cache.get(de, "e", now).is_some());
        assert!(
            cache.get(de, "e", datetime!(2027-01-01 0:00 UTC)).is_none(),
            "expired at the new year"
        );
    }
}
