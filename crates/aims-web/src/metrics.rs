//! Request metrics in the Prometheus text format: requests by route and status, a latency
//! histogram, and the job queue's depth. Routes are recorded by their pattern, never by the
//! path a client sent, which may hold a secret (an invitation link) and is unbounded.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;

use aims_app::domain::Permission;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::identity::ApiActor;
use crate::state::WebState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    total: u64,
}

/// Counters kept since the process started.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    /// Counts one request of `route` answered with `status` after `seconds`.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests
                .entry((method.to_owned(), route.to_owned(), status))
                .or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let histogram = latency.entry(route.to_owned()).or_default();
            for (count, bound) in histogram.counts.iter_mut().zip(BUCKETS) {
                if seconds <= bound {
                    *count += 1;
                }
            }
            histogram.sum += seconds;
            histogram.total += 1;
        }
    }

    /// The metrics as Prometheus text.
    pub fn render(&self, queue_depth: Option<i64>) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP aims_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE aims_http_requests_total counter\n");
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, status), count) in requests.iter() {
                let _ = writeln!(
                    out,
                    "aims_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                    escape(route)
                );
            }
        }
        out.push_str(
            "# HELP aims_http_request_duration_seconds Time to answer a request, by route.\n",
        );
        out.push_str("# TYPE aims_http_request_duration_seconds histogram\n");
        if let Ok(latency) = self.latency.lock() {
            for (route, h) in latency.iter() {
                let route = escape(route);
                for (count, bound) in h.counts.iter().zip(BUCKETS) {
                    let _ = writeln!(
                        out,
                        "aims_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                    );
                }
                let _ = writeln!(
                    out,
                    "aims_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.total
                );
                let _ = writeln!(
                    out,
                    "aims_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "aims_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.total
                );
            }
        }
        if let Some(depth) = queue_depth {
            out.push_str("# HELP aims_job_queue_depth Background jobs waiting or running.\n");
            out.push_str("# TYPE aims_job_queue_depth gauge\n");
            let _ = writeln!(out, "aims_job_queue_depth {depth}");
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
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
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(depth),
    )
        .into_response()
}
