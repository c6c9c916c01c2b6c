//! `/healthz` (the process is alive and its database answers) and `/readyz` (this instance should
//! be sent traffic) for operators and load balancers.
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

/// GET `/readyz`: 200 `{"status":"ready"}` when the database answers within a second, every
/// migration this build carries is applied and the instance is not shutting down; otherwise 503
/// with what fails (`database`, `migrations`, `shutting-down`).
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let mut failing: Vec<&str> = Vec::new();
    if state.draining.is_on() {
        failing.push("shutting-down");
    }
    let checked = tokio::time::timeout(Duration::from_secs(1), async {
        match state.db.is_healthy().await {
            false => Err("database"),
            true => match state.db.pending_migrations().await {
                Ok(0) => Ok(()),
                Ok(_) | Err(_) => Err("migrations"),
            },
        }
    })
    .await
    .unwrap_or(Err("database"));
    if let Err(part) = checked {
        failing.push(part);
    }
    if failing.is_empty() {
        HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({"status": "ready"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("Retry-After", "5"))
            .json(serde_json::json!({"status": "unavailable", "failing": failing}))
    }
}
