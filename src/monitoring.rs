//! `/metrics` in the Prometheus (OpenMetrics) text format, for operators: off unless
//! `MAGNETIQ_METRICS_TOKEN` is set, and then only for `Authorization: Bearer <token>` — 404
//! otherwise, so it does not advertise itself. It reads several parts of Magnetiq at once (the
//! page cache, the outbox, the database pool), so it sits above them.
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::AppError;
use crate::tokens::constant_time_eq;
use crate::web::state::AppState;

/// GET `/metrics`.
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (Some(metrics), Some(token)) = (&state.metrics, &state.config.metrics_token) else {
        return Err(AppError::NotFound);
    };
    let offered = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_time_eq(offered.as_bytes(), token.0.as_bytes()) {
        return Err(AppError::NotFound);
    }
    let cache = &state.page_cache;
    let counter_to = |counter: &prometheus_client::metrics::counter::Counter, total: u64| {
        let now = counter.get();
        if total > now {
            counter.inc_by(total - now);
        }
    };
    counter_to(
        &metrics.cache_hits,
        cache.hits.load(std::sync::atomic::Ordering::Relaxed),
    );
    counter_to(
        &metrics.cache_misses,
        cache.misses.load(std::sync::atomic::Ordering::Relaxed),
    );
    for (counter, total) in [
        (&metrics.prerenders, &cache.prerenders),
        (&metrics.invalidations, &cache.invalidations),
        (&metrics.clears, &cache.clears),
    ] {
        counter_to(counter, total.load(std::sync::atomic::Ordering::Relaxed));
    }
    metrics
        .prerender_waiting
        .set(crate::web::render_queue::waiting(&state) as i64);
    let (entries, bytes) = cache.size();
    metrics.cache_entries.set(entries as i64);
    metrics.cache_bytes.set(bytes as i64);
    let (size, idle) = state.db.pool_state();
    metrics.db_pool_size.set(i64::from(size));
    metrics.db_pool_in_use.set(i64::from(size) - idle as i64);
    let asked = Instant::now();
    let queue = tokio::time::timeout(
        Duration::from_secs(2),
        crate::outbox::store::queue_state(&state.db, jiff::Timestamp::now()),
    )
    .await;
    metrics
        .db_acquire_seconds
        .set(asked.elapsed().as_secs_f64());
    if let Ok(Ok(queue)) = queue {
        metrics.outbox_pending.set(queue.pending);
        metrics.outbox_sending.set(queue.sending);
        metrics.outbox_failed.set(queue.failed);
        metrics
            .outbox_oldest_pending_seconds
            .set(queue.oldest_pending_seconds);
    }
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &metrics.registry)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot encode the metrics: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}
