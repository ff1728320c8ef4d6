//! What HTTP targets share: the client with its secret headers, reading replies with a size
//! limit, and sorting failures into transient and permanent.

use std::collections::BTreeMap;
use std::time::Duration;

use super::TargetError;
use crate::RedTeamError;

/// The largest reply read from a target; a bigger one is cut off and counted as an error.
pub(super) const MAX_REPLY_BYTES: usize = 16 * 1024 * 1024;

/// Reads a reply's body up to [`MAX_REPLY_BYTES`].
pub(super) async fn read_limited(response: &mut reqwest::Response) -> Result<Vec<u8>, TargetError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify_transport)? {
        if body.len() + chunk.len() > MAX_REPLY_BYTES {
            return Err(TargetError::Permanent(format!(
                "the reply is larger than {} MiB",
                MAX_REPLY_BYTES / 1024 / 1024
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Builds an HTTP client for targets; secrets live in its default headers, never in logs.
pub(super) fn http_client(
    headers: &BTreeMap<String, String>,
    bearer_env: Option<&str>,
    timeout: Duration,
    pool: usize,
) -> Result<reqwest::Client, RedTeamError> {
    let mut map = reqwest::header::HeaderMap::new();
    if let Some(var) = bearer_env {
        let key = std::env::var(var).map_err(|_| {
            RedTeamError::Target(format!(
                "the environment variable {var} (api_key_env) is not set"
            ))
        })?;
        let mut value =
            reqwest::header::HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                RedTeamError::Target(format!("the value of {var} is not a valid header value"))
            })?;
        value.set_sensitive(true);
        map.insert(reqwest::header::AUTHORIZATION, value);
    }
    for (name, raw) in headers {
        let (text, secret) = match raw.strip_prefix("env:") {
            Some(var) => (
                std::env::var(var).map_err(|_| {
                    RedTeamError::Target(format!(
                        "the environment variable {var} (header {name}) is not set"
                    ))
                })?,
                true,
            ),
            None => (raw.clone(), false),
        };
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| RedTeamError::Target(format!("{name:?} is not a valid header name")))?;
        let mut value = reqwest::header::HeaderValue::from_str(&text).map_err(|_| {
            RedTeamError::Target(format!("the value of header {name} is not valid"))
        })?;
        value.set_sensitive(secret);
        map.insert(name, value);
    }
    reqwest::Client::builder()
        .default_headers(map)
        .timeout(timeout)
        // A target that redirects could send our secret headers to another host, or make a
        // run started on the server fetch something else: redirects are answers, not hops.
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(pool)
        .tcp_nodelay(true)
        .build()
        .map_err(|err| RedTeamError::Target(format!("cannot build the HTTP client: {err}")))
}

/// Sorts an HTTP failure into transient and permanent, keeping `Retry-After`.
pub(super) fn classify_status(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> TargetError {
    let snippet = crate::detector::truncate(body.trim(), 200);
    let reason = format!("HTTP {status}: {snippet}");
    if status.as_u16() == 429 || status.as_u16() == 408 || status.is_server_error() {
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|secs| secs.is_finite() && *secs >= 0.0)
            .map(|secs| Duration::from_secs_f64(secs.min(300.0)));
        TargetError::Transient {
            reason,
            retry_after,
        }
    } else {
        TargetError::Permanent(reason)
    }
}

/// Sorts a transport failure: everything on the wire is worth a retry.
pub(super) fn classify_transport(err: reqwest::Error) -> TargetError {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_decode() || err.is_body() {
        "reply cut short"
    } else {
        "connection failed"
    };
    // Without its address: a URL may carry a key in its query string.
    let err = err.without_url();
    TargetError::transient(format!("{kind}: {}", error_chain(&err)))
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
