//! `AppState`: what every request handler shares, built once at start-up.
use std::sync::{Arc, RwLock};

use actix_web::cookie::Key;

use crate::auth::throttle::LoginThrottle;
use crate::config::Config;
use crate::content::SiteTree;
use crate::content::cache::{DEFAULT_BUDGET_BYTES, PageCache};
use crate::db::Db;
use crate::i18n::Catalog;
use crate::web::assets::StaticAssets;
use crate::web::rate_limit::RateLimit;

pub struct AppState {
    pub config: Config,
    pub db: Db,
    pub catalog: Catalog,
    pub assets: StaticAssets,
    pub page_cache: PageCache,
    pub login_throttle: LoginThrottle,
    /// Booking attempts a single address may make in ten minutes (`MAGNETIQ_BOOKING_LIMIT`, default 20:
    /// a person needs a few).
    pub booking_limit: RateLimit,
    /// Encrypts and signs the admin session cookie.
    pub session_key: Key,
    tree: RwLock<Arc<SiteTree>>,
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
        AppState {
            config,
            db,
            catalog,
            assets: StaticAssets::embedded(),
            page_cache: PageCache::new(DEFAULT_BUDGET_BYTES),
            login_throttle: LoginThrottle::default(),
            booking_limit: RateLimit::new(limit, std::time::Duration::from_secs(600)),
            session_key,
            tree: RwLock::new(Arc::new(tree)),
        }
    }

    /// The current shape of the site (navigation, sitemap).
    pub fn tree(&self) -> Arc<SiteTree> {
        match self.tree.read() {
            Ok(tree) => Arc::clone(&tree),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
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
