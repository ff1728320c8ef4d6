//! Liveness and readiness.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::state::WebState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()), responses((status = 200, description = "The process is up")))]
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The database answers and its schema is current.
#[utoipa::path(get, path = "/readyz", tag = "health", security(()), responses(
    (status = 200, description = "Ready to serve"),
    (status = 503, description = "The database is unreachable or not migrated"),
))]
pub async fn readyz(State(state): State<WebState>) -> (StatusCode, Json<Value>) {
    let store = state.app.store();
    let check = match store.ping().await {
        Ok(()) => store.check_migrations().await,
        Err(err) => Err(err),
    };
    match check {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({"status": "ready", "database": store.engine().name()})),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "not ready", "detail": err.to_string()})),
            )
        }
    }
}
