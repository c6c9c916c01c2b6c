//! `/healthz` for operators and load balancers.
use std::time::Duration;

use actix_web::{HttpResponse, web};

use crate::db;
use crate::web::state::AppState;

/// 200 with `{"status":"ok"}` when the database answers within two seconds, 503 otherwise; both
/// name the engine.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let engine = match state.db.engine() {
        db::Engine::Sqlite => "sqlite",
        db::Engine::Postgres => "postgres",
    };
    let healthy = tokio::time::timeout(Duration::from_secs(2), state.db.is_healthy())
        .await
        .unwrap_or(false);
    if healthy {
        HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({"status": "ok", "database": "ok", "engine": engine}))
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("Retry-After", "5"))
            .json(serde_json::json!({"status": "unavailable", "database": "unreachable", "engine": engine}))
    }
}
