//! What operators see of each request: one log line (request id, method, route pattern, status,
//! duration, bytes, client address — never the raw path, query, form fields or cookies, which may
//! hold personal data or tokens), the `X-Request-Id` answer header, and, when `/metrics` is on,
//! request counts and latencies by route pattern. Route patterns, not paths, keep the metrics'
//! label values bounded.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use super::state::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of a request, in its extensions (the error page shows it).
#[derive(Clone)]
pub struct RequestId(pub String);

/// A request id: 12 hex digits, unique enough within a log (time and a counter).
pub fn new_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    format!("{:012x}", (nanos ^ n.rotate_left(40)) & 0xffff_ffff_ffff)
}

/// An id a trusted proxy sent along, if it is a plain token (letters, digits, `-`, at most 64).
fn forwarded_id(req: &ServiceRequest) -> Option<String> {
    let id = req.headers().get(REQUEST_ID)?.to_str().ok()?;
    (!id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then(|| id.to_owned())
}

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
    pub outbox_pending: Gauge,
    pub outbox_sending: Gauge,
    pub outbox_failed: Gauge,
    pub outbox_oldest_pending_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    pub db_pool_size: Gauge,
    pub db_pool_in_use: Gauge,
    pub db_acquire_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    /// Handles into `requests` and `latency` for pages answered from the cache, made once: the
    /// hottest path neither allocates label values nor hashes them.
    cached: CachedHandles,
}

struct CachedHandles {
    latency: Histogram,
    /// GET 2xx, GET 3xx (304), HEAD 2xx, HEAD 3xx.
    requests: [Counter; 4],
}

const CACHED_ROUTE: &str = "(page cache)";

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

    fn counter(&self, method: &actix_web::http::Method, status: &'static str) -> Option<&Counter> {
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
            "Leads acknowledged, by path (booking, webinar-registration, whitepaper-request, whitepaper-download, contact-message, newsletter-signup)",
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
            "Pages rendered because they were not cached",
            metrics.cache_misses.clone(),
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

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// The middleware, outermost: `HEAD` routed as `GET`, the request id, the log line, and the
/// metrics.
pub async fn observe(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    super::head::route_head_as_get(&mut req);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let behind_trusted_proxy = state.as_ref().is_some_and(|s| {
        req.peer_addr()
            .is_some_and(|peer| s.config.trusted_proxies.trusts(peer.ip()))
    });
    let id = behind_trusted_proxy
        .then(|| forwarded_id(&req))
        .flatten()
        .unwrap_or_else(new_request_id);
    req.extensions_mut().insert(RequestId(id.clone()));
    let log = tracing::enabled!(target: "magnetiq::request", tracing::Level::INFO);
    let metrics = state.as_ref().and_then(|s| s.metrics.clone());
    if !log && metrics.is_none() {
        let mut response = next.call(req).await?;
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        return Ok(response);
    }
    let client = if log {
        super::client::client_ip(req.request())
    } else {
        String::new()
    };
    let mut response = next.call(req).await?;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    // A page from the cache is answered before routing (and is not matched now either: that is
    // what the cache saves).
    let cached = response
        .request()
        .extensions()
        .get::<super::page_cache::CachedAnswer>()
        .is_some();
    let route: std::borrow::Cow<'static, str> = if cached {
        CACHED_ROUTE.into()
    } else {
        response
            .request()
            .match_pattern()
            .map_or("(no route)".into(), Into::into)
    };
    let bytes = match response.response().body().size() {
        BodySize::Sized(n) => n,
        _ => 0,
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    if log {
        let line = super::request_log::Line {
            request_id: &id,
            method: method.as_str(),
            route: &route,
            status,
            duration: elapsed,
            bytes,
            client: &client,
        };
        // The binary installs the buffered writer; elsewhere (tests in one process) tracing writes.
        if !super::request_log::record(&line) {
            tracing::info!(
                target: "magnetiq::request",
                request_id = %id,
                method = %method,
                route = %route,
                status,
                duration_ms = elapsed.as_secs_f64() * 1000.0,
                bytes,
                client = %client,
                "request"
            );
        }
    }
    if let Some(metrics) = metrics {
        let class = status_class(status);
        let seconds = elapsed.as_secs_f64();
        match cached
            .then(|| metrics.cached.counter(&method, class))
            .flatten()
        {
            Some(counter) => {
                metrics.cached.latency.observe(seconds);
                counter.inc();
            }
            None => {
                metrics
                    .latency
                    .get_or_create(&RouteLabels {
                        route: route.clone().into_owned(),
                    })
                    .observe(seconds);
                metrics
                    .requests
                    .get_or_create(&RequestLabels {
                        route: route.into_owned(),
                        method: method.to_string(),
                        status: class,
                    })
                    .inc();
            }
        }
    }
    Ok(response)
}
