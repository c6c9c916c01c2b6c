//! The request metrics `/metrics` shows when it is on (`MAGNETIQ_METRICS_TOKEN`): counts and
//! latencies by route pattern, leads by form, and the values `crate::monitoring` reads at scrape time.
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: String,
    pub method: String,
    pub status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LeadLabels {
    pub path: &'static str,
}

/// The metrics kept while the process runs; values read at scrape time (cache size, outbox,
/// database pool) are set by `crate::monitoring` just before encoding.
pub struct Metrics {
    pub registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram>,
    pub leads: Family<LeadLabels, Counter>,
    pub cache_hits: Counter,
    pub cache_misses: Counter,
    pub cache_entries: Gauge,
    pub cache_bytes: Gauge,
    pub prerenders: Counter,
    pub invalidations: Counter,
    pub clears: Counter,
    pub prerender_waiting: Gauge,
    pub outbox_pending: Gauge,
    pub outbox_sending: Gauge,
    pub outbox_failed: Gauge,
    pub outbox_oldest_pending_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    pub db_pool_size: Gauge,
    pub db_pool_in_use: Gauge,
    pub db_acquire_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    /// Handles into `requests` and `latency` for pages answered from the cache, made once: the
    /// hottest path neither allocates label values nor hashes them.
    pub cached: CachedHandles,
}

pub struct CachedHandles {
    pub latency: Histogram,
    /// GET 2xx, GET 3xx (304), HEAD 2xx, HEAD 3xx.
    requests: [Counter; 4],
}

pub const CACHED_ROUTE: &str = "(page cache)";

impl CachedHandles {
    fn new(
        requests: &Family<RequestLabels, Counter>,
        latency: &Family<RouteLabels, Histogram>,
    ) -> Self {
        let counter = |method: &str, status: &'static str| {
            requests
                .get_or_create(&RequestLabels {
                    route: CACHED_ROUTE.to_owned(),
                    method: method.to_owned(),
                    status,
                })
                .clone()
        };
        CachedHandles {
            latency: latency
                .get_or_create(&RouteLabels {
                    route: CACHED_ROUTE.to_owned(),
                })
                .clone(),
            requests: [
                counter("GET", "2xx"),
                counter("GET", "3xx"),
                counter("HEAD", "2xx"),
                counter("HEAD", "3xx"),
            ],
        }
    }

    pub fn counter(
        &self,
        method: &actix_web::http::Method,
        status: &'static str,
    ) -> Option<&Counter> {
        let head = *method == actix_web::http::Method::HEAD;
        if !head && *method != actix_web::http::Method::GET {
            return None;
        }
        match status {
            "2xx" => Some(&self.requests[usize::from(head) * 2]),
            "3xx" => Some(&self.requests[usize::from(head) * 2 + 1]),
            _ => None,
        }
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("magnetiq");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route pattern, method and status class",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ])
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route pattern",
            latency.clone(),
        );
        let leads = Family::<LeadLabels, Counter>::default();
        registry.register(
            "leads",
            "Leads acknowledged, by path (booking, webinar-registration, whitepaper-request, whitepaper-download, contact-message, newsletter-signup, form-submission)",
            leads.clone(),
        );
        let cached = CachedHandles::new(&requests, &latency);
        let metrics = Metrics {
            cached,
            requests,
            latency,
            leads,
            cache_hits: Counter::default(),
            cache_misses: Counter::default(),
            cache_entries: Gauge::default(),
            cache_bytes: Gauge::default(),
            prerenders: Counter::default(),
            invalidations: Counter::default(),
            clears: Counter::default(),
            prerender_waiting: Gauge::default(),
            outbox_pending: Gauge::default(),
            outbox_sending: Gauge::default(),
            outbox_failed: Gauge::default(),
            outbox_oldest_pending_seconds: Gauge::default(),
            db_pool_size: Gauge::default(),
            db_pool_in_use: Gauge::default(),
            db_acquire_seconds: Gauge::default(),
            registry,
        };
        let mut metrics = metrics;
        let r = &mut metrics.registry;
        r.register(
            "page_cache_hits",
            "Pages answered from the rendered-page cache",
            metrics.cache_hits.clone(),
        );
        r.register(
            "page_cache_misses",
            "Pages rendered for a visitor because they were not cached",
            metrics.cache_misses.clone(),
        );
        r.register(
            "page_prerenders",
            "Pages rendered before anyone asked for them",
            metrics.prerenders.clone(),
        );
        r.register(
            "page_prerender_waiting",
            "Addresses waiting to be rendered ahead of visitors",
            metrics.prerender_waiting.clone(),
        );
        r.register(
            "page_cache_invalidations",
            "Addresses forgotten because a change affected them",
            metrics.invalidations.clone(),
        );
        r.register(
            "page_cache_clears",
            "Changes that made every page look different",
            metrics.clears.clone(),
        );
        r.register(
            "page_cache_entries",
            "Pages in the cache",
            metrics.cache_entries.clone(),
        );
        r.register(
            "page_cache_bytes",
            "Bytes the cache holds, in memory and spilled",
            metrics.cache_bytes.clone(),
        );
        r.register(
            "outbox_pending",
            "Mails and purges waiting to be sent",
            metrics.outbox_pending.clone(),
        );
        r.register(
            "outbox_sending",
            "Mails and purges a worker is sending",
            metrics.outbox_sending.clone(),
        );
        r.register(
            "outbox_failed",
            "Mails and purges that failed for good",
            metrics.outbox_failed.clone(),
        );
        r.register(
            "outbox_oldest_pending_seconds",
            "Age of the oldest waiting mail or purge",
            metrics.outbox_oldest_pending_seconds.clone(),
        );
        r.register(
            "db_pool_connections",
            "Database connections open",
            metrics.db_pool_size.clone(),
        );
        r.register(
            "db_pool_in_use",
            "Database connections in use",
            metrics.db_pool_in_use.clone(),
        );
        r.register(
            "db_acquire_seconds",
            "Time the scrape waited for a database connection",
            metrics.db_acquire_seconds.clone(),
        );
        let info = prometheus_client::metrics::info::Info::new(vec![(
            "version".to_owned(),
            env!("CARGO_PKG_VERSION").to_owned(),
        )]);
        r.register("build", "The running build", info);
        let started = Gauge::<i64>::default();
        started.set(jiff::Timestamp::now().as_second());
        r.register(
            "start_time_seconds",
            "When the process started (Unix time)",
            started,
        );
        metrics
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
