//! Request metrics in the OpenMetrics text format, kept and written by prometheus-client:
//! requests by route and status, a latency histogram, and the job queue's depth. Routes are
//! recorded by their pattern, never by the path a client sent, which may hold a secret (an
//! invitation link) and is unbounded.

use std::net::SocketAddr;
use std::time::Instant;

use aims_app::domain::Permission;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::error::ApiError;
use crate::identity::ApiActor;
use crate::state::WebState;

/// The content type of the OpenMetrics text format.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The labels of a counted request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// The label of a timed request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// Counters kept since the process started.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let mut registry = Registry::default();
        // A counter's samples get the `_total` suffix from the encoder.
        registry.register(
            "aims_http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "aims_http_request_duration",
            "Time to answer a request, by route",
            Unit::Seconds,
            latency.clone(),
        );
        Self {
            registry,
            requests,
            latency,
        }
    }
}

impl Metrics {
    /// Counts one request of `route` answered with `status` after `seconds`.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// The metrics as OpenMetrics text; the queue's depth only when it could be read.
    pub fn render(&self, queue_depth: Option<i64>) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        encode_registry(&mut out, &self.registry)?;
        if let Some(depth) = queue_depth {
            // Read for this answer alone, so it is never a stale value from an earlier one.
            let gauge = Gauge::<i64>::default();
            gauge.set(depth);
            let mut queue = Registry::default();
            queue.register(
                "aims_job_queue_depth",
                "Background jobs waiting or running",
                gauge,
            );
            encode_registry(&mut out, &queue)?;
        }
        encode_eof(&mut out)?;
        Ok(out)
    }
}

/// Middleware: times and counts every request, and logs it by its route pattern.
pub async fn track(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.observe(&method, &route, status, seconds);
    tracing::info!(target: "aims::http", %method, %route, status, ms = seconds * 1000.0, "request");
    response
}

/// `GET /metrics`: for a token or session with the admin role, or from loopback when allowed.
pub async fn render(State(state): State<WebState>, request: Request) -> Response {
    let from_loopback = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback())
        && !request.headers().contains_key("x-forwarded-for");
    if !(state.config.metrics_from_loopback && from_loopback) {
        let (mut parts, _) = request.into_parts();
        let actor =
            match <ApiActor as axum::extract::FromRequestParts<WebState>>::from_request_parts(
                &mut parts, &state,
            )
            .await
            {
                Ok(ApiActor(actor)) => actor,
                Err(err) => return err.into_response(),
            };
        if let Err(denied) = actor.require(Permission::ReadMetrics) {
            return ApiError::from(aims_app::AppError::from(denied)).into_response();
        }
    }
    let depth = state.app.queue_depth().await.ok();
    match state.metrics.render(depth) {
        Ok(text) => (StatusCode::OK, [(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(err) => {
            tracing::error!(target: "aims::http", error = %err, "the metrics could not be written");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the metrics could not be written",
            )
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_and_timed_by_route() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/api/v1/me", 200, 0.003);
        metrics.observe("GET", "/api/v1/me", 200, 0.2);
        metrics.observe("POST", "/risks/{id}", 303, 3.0);
        let text = metrics.render(Some(2)).unwrap();
        for line in [
            "# TYPE aims_http_requests counter",
            r#"aims_http_requests_total{method="GET",route="/api/v1/me",status="200"} 2"#,
            r#"aims_http_requests_total{method="POST",route="/risks/{id}",status="303"} 1"#,
            "# TYPE aims_http_request_duration_seconds histogram",
            "# UNIT aims_http_request_duration_seconds seconds",
            r#"aims_http_request_duration_seconds_bucket{le="0.0025",route="/api/v1/me"} 0"#,
            r#"aims_http_request_duration_seconds_bucket{le="0.005",route="/api/v1/me"} 1"#,
            r#"aims_http_request_duration_seconds_bucket{le="2.5",route="/risks/{id}"} 0"#,
            r#"aims_http_request_duration_seconds_bucket{le="+Inf",route="/risks/{id}"} 1"#,
            r#"aims_http_request_duration_seconds_count{route="/api/v1/me"} 2"#,
            "# TYPE aims_job_queue_depth gauge",
            "aims_job_queue_depth 2",
        ] {
            assert!(text.lines().any(|l| l == line), "{line}\n{text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn an_unread_queue_depth_is_left_out() {
        let text = Metrics::default().render(None).unwrap();
        assert!(!text.contains("aims_job_queue_depth"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
