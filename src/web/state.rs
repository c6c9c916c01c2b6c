//! `AppState`: what every request handler shares, built once at start-up.
use std::sync::{Arc, RwLock};

use actix_web::cookie::Key;
use actix_web::http::header::HeaderValue;

use crate::config::Config;
use crate::content::SiteTree;
use crate::db::Db;
use crate::i18n::Catalog;
use crate::outbox::purge::Purges;
use crate::web::assets::StaticAssets;
use crate::web::page_cache::{DEFAULT_MEMORY_BYTES, PageCache};
use crate::web::rate_limit::RateLimit;

pub struct AppState {
    pub config: Config,
    pub db: Db,
    pub catalog: Catalog,
    pub assets: StaticAssets,
    pub page_cache: PageCache,
    /// `Cache-Control` of public pages that anyone may cache (`MAGNETIQ_PUBLIC_MAX_AGE`).
    pub public_cache_control: HeaderValue,
    /// Booking attempts a single address may make in ten minutes (`MAGNETIQ_BOOKING_LIMIT`, default 20:
    /// a person needs a few).
    pub booking_limit: RateLimit,
    /// Webinar registrations one address may send in ten minutes (the same number).
    pub registration_limit: RateLimit,
    /// Cache purges after a publish, when `MAGNETIQ_PURGE_URL` is set.
    pub purges: Option<Arc<Purges>>,
    /// This process among the instances of the site (for change notices).
    pub instance: String,
    /// Encrypts and signs the admin session cookie.
    pub session_key: Key,
    tree: RwLock<Arc<SiteTree>>,
    teasers: RwLock<Arc<Vec<Teaser>>>,
}

/// Something coming up that the site's frame shows (the footer's "Knowledge Program", teaser
/// blocks): a feature keeps the list, the frame reads it without a query.
#[derive(Clone, Debug)]
pub struct Teaser {
    pub title: crate::i18n::Localized<String>,
    pub summary: crate::i18n::Localized<String>,
    /// When, as each language writes it (in the organiser's zone, which it names).
    pub when: crate::i18n::Localized<String>,
    /// Below the language, e.g. `webinars/ai-in-practice`.
    pub path: String,
    pub starts_at: time::OffsetDateTime,
}

impl AppState {
    pub fn new(
        config: Config,
        db: Db,
        catalog: Catalog,
        tree: SiteTree,
        session_key: Key,
    ) -> AppState {
        let limit = config.booking_limit;
        let page_cache = PageCache::new(DEFAULT_MEMORY_BYTES, Some(config.data_dir.clone()));
        let public_cache_control = public_cache_control(config.public_max_age);
        let purges = config
            .purge
            .clone()
            .map(|p| Purges::new(p, &config.base_url));
        AppState {
            config,
            db,
            catalog,
            assets: StaticAssets::embedded(),
            page_cache,
            public_cache_control,
            purges,
            instance: instance_name(),
            booking_limit: RateLimit::new(limit, std::time::Duration::from_secs(600)),
            registration_limit: RateLimit::new(limit, std::time::Duration::from_secs(600)),
            session_key,
            tree: RwLock::new(Arc::new(tree)),
            teasers: RwLock::new(Arc::new(Vec::new())),
        }
    }

    /// The current shape of the site (navigation, sitemap).
    pub fn tree(&self) -> Arc<SiteTree> {
        match self.tree.read() {
            Ok(tree) => Arc::clone(&tree),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// What is coming up, soonest first (some may have begun since the list was read).
    pub fn teasers(&self) -> Arc<Vec<Teaser>> {
        match self.teasers.read() {
            Ok(list) => Arc::clone(&list),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn set_teasers(&self, teasers: Vec<Teaser>) {
        let teasers = Arc::new(teasers);
        match self.teasers.write() {
            Ok(mut slot) => *slot = teasers,
            Err(poisoned) => *poisoned.into_inner() = teasers,
        }
    }

    /// Replaces the site's shape after pages changed.
    pub fn set_tree(&self, tree: SiteTree) {
        let tree = Arc::new(tree);
        match self.tree.write() {
            Ok(mut slot) => *slot = tree,
            Err(poisoned) => *poisoned.into_inner() = tree,
        }
    }
}

/// `no-cache` (every visit revalidates, cheaply, with the ETag) unless the operator lets shared caches
/// keep pages for `max_age` seconds; they may then serve a page that long again while fetching anew.
fn public_cache_control(max_age: Option<u32>) -> HeaderValue {
    match max_age {
        Some(age) if age > 0 => HeaderValue::from_str(&format!(
            "public, max-age={age}, stale-while-revalidate={age}"
        ))
        .unwrap_or(HeaderValue::from_static("no-cache")),
        _ => HeaderValue::from_static("no-cache"),
    }
}

/// A name for this process that no other instance shares: eight random bytes in hex.
fn instance_name() -> String {
    let mut bytes = [0u8; 8];
    // Without randomness the process id still tells instances apart on one host.
    if getrandom::fill(&mut bytes).is_err() {
        return format!("pid{}", std::process::id());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
