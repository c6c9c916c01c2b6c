//! `AppState`: what every request handler shares, built once at start-up.
use std::sync::{Arc, RwLock};

use actix_web::cookie::Key;
use actix_web::http::header::HeaderValue;
use time::OffsetDateTime;

use crate::config::Config;
use crate::db::Db;
use crate::i18n::{Catalog, Lang};
use crate::web::assets::StaticAssets;
use crate::web::frame_parts::{FrameParts, Here};
use crate::web::page_cache::{DEFAULT_MEMORY_BYTES, PageCache};
use crate::web::rate_limit::RateLimit;

pub struct AppState {
    pub config: Config,
    pub db: Db,
    pub catalog: Catalog,
    /// The theme's assets and the operator's files; also the app data `/static/` is answered from.
    pub assets: actix_web::web::Data<StaticAssets>,
    pub page_cache: PageCache,
    /// `Cache-Control` of public pages that anyone may cache (`MAGNETIQ_PUBLIC_MAX_AGE`).
    pub public_cache_control: HeaderValue,
    /// Booking attempts a single address may make in ten minutes (`MAGNETIQ_BOOKING_LIMIT`, default 20:
    /// a person needs a few).
    pub booking_limit: RateLimit,
    /// Webinar registrations one address may send in ten minutes (the same number).
    pub registration_limit: RateLimit,
    /// Whitepaper requests one address may send in ten minutes (the same number).
    pub whitepaper_limit: RateLimit,
    /// Contact messages and newsletter sign-ups per client address.
    pub contact_limit: RateLimit,
    pub newsletter_limit: RateLimit,
    /// Wakes the sender of cache purges (`outbox::purge`) when a publish queued some.
    pub purge_wake: Arc<tokio::sync::Notify>,
    /// This process among the instances of the site (for change notices).
    pub instance: String,
    /// Encrypts and signs the admin session cookie.
    pub session_key: Key,
    /// What fills the page frame's navigation and footer (`crate::frame`).
    pub frame: Arc<dyn FrameSource>,
    /// Set on SIGTERM while the instance drains: `/readyz` answers 503.
    pub draining: Arc<Draining>,
    /// Kept only when `/metrics` is on (`MAGNETIQ_METRICS_TOKEN`).
    pub metrics: Option<Arc<super::metrics::Metrics>>,
    /// What features keep for themselves (e.g. content's site tree), by type.
    extensions: Extensions,
    teasers: RwLock<Arc<TeaserLists>>,
}

/// What fills the frame: the site's navigation and footer for a page in `lang` at `here`, and until
/// when a rendered page stays right without an edit. Installed once, when the site starts.
pub trait FrameSource: Send + Sync {
    fn parts(
        &self,
        state: &AppState,
        lang: Lang,
        here: Here<'_>,
        now: OffsetDateTime,
    ) -> FrameParts;

    /// The next time the frame changes by itself (a scheduled page, a new year, a webinar that
    /// begins); a rendered page is kept until then at most.
    fn unchanged_until(&self, state: &AppState, now: OffsetDateTime) -> OffsetDateTime;
}

/// Whether this instance is draining before it stops (set on SIGTERM, see `app::serve`).
#[derive(Default)]
pub struct Draining(std::sync::atomic::AtomicBool);

impl Draining {
    pub fn start(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn is_on(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Values of any type, one per type.
#[derive(Default)]
struct Extensions(
    // Looked up on every request by some features: a fast hash of the type id is enough.
    rustc_hash::FxHashMap<std::any::TypeId, Box<dyn std::any::Any + Send + Sync>>,
);

/// The teaser lists by name (`webinars`, `whitepapers`).
type TeaserLists = std::collections::BTreeMap<&'static str, Arc<Vec<Teaser>>>;

/// Something the site's frame points to (the footer's upcoming webinars and latest whitepapers
/// columns, teaser blocks): a feature keeps its list, the frame reads it without a query.
#[derive(Clone, Debug)]
pub struct Teaser {
    pub title: crate::i18n::Localized<String>,
    pub summary: crate::i18n::Localized<String>,
    /// When, as each language writes it (a webinar's start in its organiser's zone, a whitepaper's
    /// publication date).
    pub when: crate::i18n::Localized<String>,
    /// Below the language, e.g. `webinars/ai-in-practice`.
    pub path: String,
    /// Shown until then (a webinar's start); `None`: until the list changes.
    pub until: Option<time::OffsetDateTime>,
    /// The group a teaser block may pick (a whitepaper's category key, a consultant's id).
    pub group: Option<String>,
    /// A picture to show with it (a consultant's photo).
    pub image: Option<String>,
}

impl Teaser {
    /// Whether it is still shown at `now`.
    pub fn current(&self, now: time::OffsetDateTime) -> bool {
        self.until.is_none_or(|until| until > now)
    }
}

impl AppState {
    pub fn new(
        config: Config,
        db: Db,
        catalog: Catalog,
        session_key: Key,
        frame: Arc<dyn FrameSource>,
    ) -> AppState {
        let limit = config.booking_limit;
        let config_metrics = config
            .metrics_token
            .is_some()
            .then(|| Arc::new(super::metrics::Metrics::new()));
        let page_cache = PageCache::new(DEFAULT_MEMORY_BYTES, Some(config.data_dir.clone()));
        let public_cache_control = public_cache_control(config.public_max_age);
        let assets = actix_web::web::Data::new(StaticAssets::embedded(&config.data_dir));
        AppState {
            config,
            db,
            catalog,
            assets,
            page_cache,
            public_cache_control,
            purge_wake: Arc::default(),
            instance: instance_name(),
            booking_limit: RateLimit::new(limit, std::time::Duration::from_secs(600)),
            registration_limit: RateLimit::new(limit, std::time::Duration::from_secs(600)),
            whitepaper_limit: RateLimit::new(limit, std::time::Duration::from_secs(600)),
            contact_limit: RateLimit::new(limit, std::time::Duration::from_secs(600)),
            newsletter_limit: RateLimit::new(limit, std::time::Duration::from_secs(600)),
            session_key,
            frame,
            draining: Arc::default(),
            metrics: config_metrics,
            extensions: Extensions::default(),
            teasers: RwLock::new(Arc::new(TeaserLists::new())),
        }
    }

    /// Keeps `value` for whoever asks for its type (done while the site is prepared).
    pub fn insert_extension<T: Send + Sync + 'static>(&mut self, value: T) {
        self.extensions
            .0
            .insert(std::any::TypeId::of::<T>(), Box::new(value));
    }

    /// What a feature keeps of type `T`, if it was inserted.
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.extensions
            .0
            .get(&std::any::TypeId::of::<T>())
            .and_then(|value| value.downcast_ref())
    }

    /// The teaser list `name`, in the order its feature keeps it (some may no longer be
    /// [`Teaser::current`]); empty when there is none.
    pub fn teasers(&self, name: &str) -> Arc<Vec<Teaser>> {
        let lists = match self.teasers.read() {
            Ok(lists) => Arc::clone(&lists),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        lists.get(name).cloned().unwrap_or_default()
    }

    /// The first time any teaser stops being shown after `now`.
    /// Counts a lead the site acknowledged on `path` (`booking`, `webinar-registration`, ...), when
    /// metrics are on.
    pub fn lead_received(&self, path: &'static str) {
        if let Some(metrics) = &self.metrics {
            metrics
                .leads
                .get_or_create(&super::metrics::LeadLabels { path })
                .inc();
        }
    }

    pub fn teasers_change_at(&self, now: time::OffsetDateTime) -> Option<time::OffsetDateTime> {
        let lists = match self.teasers.read() {
            Ok(lists) => Arc::clone(&lists),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        lists
            .values()
            .flat_map(|list| list.iter().filter_map(|t| t.until))
            .filter(|until| *until > now)
            .min()
    }

    pub fn set_teasers(&self, name: &'static str, teasers: Vec<Teaser>) {
        let mut slot = match self.teasers.write() {
            Ok(slot) => slot,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut lists = TeaserLists::clone(&slot);
        lists.insert(name, Arc::new(teasers));
        *slot = Arc::new(lists);
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
