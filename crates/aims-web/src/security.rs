//! The protections every response and request goes through: security headers, refusal of
//! cross-site requests that change state, and a body size limit.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyDeadlineLayer, TimeoutLayer};

use crate::state::WebState;

/// No inline script or style anywhere: every page loads only our own files.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn always(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// Wraps every route of `router` in the protections and the request metrics.
pub fn apply(router: Router<WebState>, state: WebState) -> Router<WebState> {
    let limits = state.config.limits;
    router
        // A request's body must arrive within its deadline however slowly it trickles in,
        // and a handler that cannot answer in time is cut off.
        .layer(RequestBodyDeadlineLayer::new(limits.body_read))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.handling,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::metrics::track,
        ))
        // Extractors stop at BODY_LIMIT unless a route that takes documents raises it; nothing
        // is ever read past UPLOAD_LIMIT.
        .layer(axum::extract::DefaultBodyLimit::max(crate::BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(crate::UPLOAD_LIMIT))
        // No control character reaches a handler through the address.
        .layer(axum::middleware::from_fn(
            crate::boundary::refuse_control_characters,
        ))
        // Sec-Fetch-Site and Origin tell a cross-site form post or fetch from our own pages.
        .layer(CsrfLayer::new())
        // A bug that panics answers 500 and is logged, instead of dropping the connection.
        .layer(CatchPanicLayer::custom(
            |panic: Box<dyn std::any::Any + Send>| {
                let what = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                tracing::error!(panic = %what, "a request handler panicked");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            },
        ))
        // Whatever layer answered with an error, it leaves as problem+json or the error page.
        .layer(axum::middleware::from_fn(
            crate::boundary::errors_in_house_style,
        ))
        // Downloads set a stricter policy of their own (a sandbox); everything else gets this.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(always(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(always(header::REFERRER_POLICY, "no-referrer"))
        .layer(always(header::X_FRAME_OPTIONS, "DENY"))
        .layer(always(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}
