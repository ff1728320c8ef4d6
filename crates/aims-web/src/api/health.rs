//! Liveness and readiness.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::state::WebState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()), responses((status = 200, description = "The process is up")))]
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// How long readiness waits for the database before answering "not ready".
const READINESS_WAIT: Duration = Duration::from_secs(1);

/// The database answers and its schema is current; answers within a second either way.
#[utoipa::path(get, path = "/readyz", tag = "health", security(()), responses(
    (status = 200, description = "Ready to serve"),
    (status = 503, body = crate::error::Problem, content_type = "application/problem+json", description = "The database is unreachable or not migrated; try again after Retry-After seconds"),
))]
pub async fn readyz(State(state): State<WebState>) -> Response {
    let store = state.app.store();
    let check = async {
        store.ping().await?;
        store.check_migrations().await
    };
    let problem = match tokio::time::timeout(READINESS_WAIT, check).await {
        Ok(Ok(())) => {
            return (
                StatusCode::OK,
                Json(json!({"status": "ready", "database": store.engine().name()})),
            )
                .into_response();
        }
        Ok(Err(aims_app::StoreError::Migration(detail))) => {
            tracing::warn!(error = %detail, "not ready: schema");
            "the database schema is not the one this version expects"
        }
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "not ready");
            "the database cannot be reached"
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer within a second");
            "the database did not answer in time"
        }
    };
    let mut not_ready = crate::error::ApiError::new(StatusCode::SERVICE_UNAVAILABLE, problem);
    not_ready.retry_after = Some(5);
    not_ready.into_response()
}
