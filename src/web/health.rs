//! `/healthz` for operators and load balancers.
use actix_web::{HttpResponse, web};

use crate::db;
use crate::web::state::AppState;

/// 200 with `{"status":"ok"}` when the database answers, 503 otherwise.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    if db::is_healthy(&state.db).await {
        HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({"status": "ok", "database": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("Retry-After", "5"))
            .json(serde_json::json!({"status": "unavailable", "database": "unreachable"}))
    }
}
