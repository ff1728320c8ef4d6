//! The HTTP interface of aims: server-rendered pages, the JSON API under `/api/v1` with its
//! OpenAPI document, health and metrics. Handlers translate HTTP into use cases of
//! [`aims_app::App`] and their results back into HTTP; nothing more.

mod addresses;
mod allowed;
mod api;
mod boundary;
mod downloads;
mod error;
mod flash;
mod identity;
pub mod markdown;
mod metrics;
mod pages;
mod queries;
mod security;
mod serve;
mod state;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

pub use api::{openapi_document, openapi_document_bytes};
pub use metrics::Metrics;
pub use serve::ServeLimits;
pub use state::{CookiePolicy, WebConfig, WebState};

/// The largest context and scope a request may carry (a hundred rows to each of its lists),
/// through the API and the page's form alike.
pub const CONTEXT_BODY_LIMIT: usize = 1024 * 1024;

/// The largest document a request may carry: its body may hold 200,000 characters of up to
/// four bytes each, through the API and the page's form alike.
pub const DOCUMENT_BODY_LIMIT: usize = 1024 * 1024;

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Largest upload accepted by the routes that take documents (ML-BOMs, evidence files).
pub const UPLOAD_LIMIT: usize = 8 * 1024 * 1024;

/// Every route of the service, with its middleware.
pub fn router(state: WebState) -> Router {
    let routes = Router::new()
        .route("/metrics", get(metrics::render))
        .route("/api/openapi.json", get(api::openapi_json))
        .merge(api::routes())
        .merge(pages::routes())
        .fallback(error::not_found_fallback);
    security::apply(routes, state.clone()).with_state(state)
}

/// Serves `state` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish for as long as its limits allow.
pub async fn serve(
    listener: TcpListener,
    state: WebState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config.limits;
    serve::serve_connections(listener, router(state), limits, shutdown).await
}
