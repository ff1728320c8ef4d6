//! The stylesheet, the script and the icon, compiled into the binary and served with a type
//! and a cache lifetime.

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::WebState;

const STYLESHEET: &str = include_str!("../../assets/aims.css");
const SCRIPT: &str = include_str!("../../assets/aims.js");
const ICON: &str = include_str!("../../assets/favicon.svg");

/// The routes of the files every page loads.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/assets/aims.css",
            get(|| serve("text/css; charset=utf-8", STYLESHEET)),
        )
        .route(
            "/assets/aims.js",
            get(|| serve("text/javascript; charset=utf-8", SCRIPT)),
        )
        // Browsers ask for /favicon.ico whatever the page links; both answer the SVG icon.
        .route("/favicon.svg", get(|| serve("image/svg+xml", ICON)))
        .route("/favicon.ico", get(|| serve("image/svg+xml", ICON)))
}

async fn serve(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
