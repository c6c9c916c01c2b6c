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

use super::metrics::{CACHED_ROUTE, RequestLabels, RouteLabels};
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
    let early = response
        .request()
        .extensions()
        .get::<super::cached_pages::CachedAnswer>()
        .map(|answered| answered.0);
    // Cached pages count on counters made once (`metrics.cached`); other early answers by name.
    let cached = early == Some(CACHED_ROUTE);
    let route: std::borrow::Cow<'static, str> = match early {
        Some(route) => route.into(),
        None => response
            .request()
            .match_pattern()
            .map_or("(no route)".into(), Into::into),
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
