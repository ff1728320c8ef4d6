//! `aims redteam lab`: a deliberately vulnerable, OpenAI-compatible test target for tests,
//! benchmarks and demos. Its weaknesses, latency and faults (429s, connection resets, malformed
//! replies) are set by configuration and repeat exactly for a seed. It must never face users.

mod assistant;
mod decode;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub use assistant::{LabAnswer, Weaknesses, answer};

use crate::seed::SeededRng;
use crate::target::estimate_tokens;

/// The header every lab reply carries, so nobody mistakes it for a real assistant.
pub const LAB_HEADER: &str = "x-aims-lab";
const LAB_NOTICE: &str = "deliberately vulnerable test target";

/// How the lab behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct LabConfig {
    pub weaknesses: Weaknesses,
    /// Added before every reply.
    pub latency: Duration,
    /// Share of requests answered 429 with `Retry-After`.
    pub rate_limited: f64,
    /// Share of requests whose connection is cut mid-reply.
    pub resets: f64,
    /// Share of requests answered with broken JSON.
    pub malformed: f64,
    /// The `Retry-After` given with a 429, in seconds.
    pub retry_after_secs: u64,
    pub seed: u64,
}

impl Default for LabConfig {
    fn default() -> Self {
        Self {
            weaknesses: Weaknesses::WEAK,
            latency: Duration::ZERO,
            rate_limited: 0.0,
            resets: 0.0,
            malformed: 0.0,
            retry_after_secs: 1,
            seed: 0,
        }
    }
}

struct Lab {
    config: LabConfig,
    /// How often each request body has been seen: every try of a request draws its fault
    /// afresh (seed and try number), so retries get through and a seed repeats its sequence.
    seen: Mutex<HashMap<u64, u32>>,
}

/// The lab's routes.
pub fn router(config: LabConfig) -> axum::Router {
    let lab = Arc::new(Lab {
        config,
        seen: Mutex::new(HashMap::new()),
    });
    axum::Router::new()
        .route("/", get(notice))
        .route("/v1/chat/completions", post(chat))
        .with_state(lab)
}

/// Serves the lab on a bound listener until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, config: LabConfig) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

async fn notice() -> impl IntoResponse {
    (
        [(LAB_HEADER, LAB_NOTICE)],
        "aims red-team lab: a deliberately vulnerable, OpenAI-compatible test target. \
         POST /v1/chat/completions. Never expose it to users.\n",
    )
}

enum Fault {
    None,
    RateLimited,
    Reset,
    Malformed,
}

impl Lab {
    fn fault(&self, body: &[u8]) -> Fault {
        let config = &self.config;
        if config.rate_limited + config.resets + config.malformed <= 0.0 {
            return Fault::None;
        }
        let text = String::from_utf8_lossy(body);
        let key = SeededRng::for_text(config.seed, &text).next_u64();
        let tries = {
            let mut seen = self.seen.lock().expect("lab counter lock");
            let entry = seen.entry(key).or_insert(0);
            *entry += 1;
            *entry
        };
        let p = SeededRng::for_text(config.seed.wrapping_add(u64::from(tries)), &text).next_f64();
        if p < config.rate_limited {
            Fault::RateLimited
        } else if p < config.rate_limited + config.resets {
            Fault::Reset
        } else if p < config.rate_limited + config.resets + config.malformed {
            Fault::Malformed
        } else {
            Fault::None
        }
    }
}

async fn chat(State(lab): State<Arc<Lab>>, body: Bytes) -> Response {
    if !lab.config.latency.is_zero() {
        tokio::time::sleep(lab.config.latency).await;
    }
    let request: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(err) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("request is not JSON: {err}"),
            );
        }
    };
    let Some(messages) = request.get("messages").and_then(Value::as_array) else {
        return error(StatusCode::BAD_REQUEST, "messages is missing");
    };
    match lab.fault(&body) {
        Fault::None => {}
        Fault::RateLimited => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "rate limited by the lab");
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(lab.config.retry_after_secs),
            );
            return response;
        }
        Fault::Reset => {
            // A body stream that fails makes the server drop the connection mid-reply.
            let failing = failing_body();
            return Response::new(Body::from_stream(failing));
        }
        Fault::Malformed => {
            return (
                [(header::CONTENT_TYPE, "application/json")],
                "{\"choices\": [{\"message\": ",
            )
                .into_response();
        }
    }
    let text_of = |role: &str| -> Vec<&str> {
        messages
            .iter()
            .filter(|m| m.get("role").and_then(Value::as_str) == Some(role))
            .filter_map(|m| m.get("content").and_then(Value::as_str))
            .collect()
    };
    let system = text_of("system").join("\n");
    let users = text_of("user");
    let (user, earlier) = users
        .split_last()
        .map_or(("", &[][..]), |(last, rest)| (*last, rest));
    let earlier = earlier.join("\n");
    let tools: Vec<String> = request
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            t.pointer("/function/name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    let max_tokens = request.get("max_tokens").and_then(Value::as_u64);
    let reply = answer(
        &system,
        &earlier,
        user,
        &tools,
        max_tokens,
        &lab.config.weaknesses,
    );
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("aims-lab");
    let prompt_tokens: u64 = messages
        .iter()
        .filter_map(|m| m.get("content").and_then(Value::as_str))
        .map(estimate_tokens)
        .sum();
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": estimate_tokens(&reply.text),
        "total_tokens": prompt_tokens + estimate_tokens(&reply.text),
    });
    let finish = if !reply.tool_calls.is_empty() {
        "tool_calls"
    } else if reply.truncated {
        "length"
    } else {
        "stop"
    };
    let tool_calls: Vec<Value> = reply
        .tool_calls
        .iter()
        .enumerate()
        .map(|(i, call)| {
            json!({"index": i, "id": format!("call_{i}"), "type": "function",
            "function": {"name": call.name, "arguments": call.arguments}})
        })
        .collect();
    let mut response = if request.get("stream").and_then(Value::as_bool) == Some(true) {
        stream_reply(model, &reply.text, &tool_calls, finish, usage)
    } else {
        let mut message = json!({"role": "assistant", "content": reply.text});
        if !tool_calls.is_empty() {
            message["tool_calls"] = Value::Array(tool_calls);
        }
        axum::Json(json!({
            "id": "chatcmpl-lab",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": usage,
        }))
        .into_response()
    };
    response
        .headers_mut()
        .insert(LAB_HEADER, HeaderValue::from_static(LAB_NOTICE));
    response
}

fn stream_reply(
    model: &str,
    text: &str,
    tool_calls: &[Value],
    finish: &str,
    usage: Value,
) -> Response {
    let mut events = String::new();
    let mut push = |value: Value| {
        events.push_str("data: ");
        events.push_str(&value.to_string());
        events.push_str("\n\n");
    };
    let chunk = |delta: Value, finish: Option<&str>| {
        json!({"id": "chatcmpl-lab", "object": "chat.completion.chunk", "created": 0, "model": model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    push(chunk(json!({"role": "assistant", "content": ""}), None));
    for piece in text.split_inclusive(' ') {
        push(chunk(json!({"content": piece}), None));
    }
    if !tool_calls.is_empty() {
        push(chunk(json!({"tool_calls": tool_calls}), None));
    }
    push(chunk(json!({}), Some(finish)));
    push(
        json!({"id": "chatcmpl-lab", "object": "chat.completion.chunk", "created": 0, "model": model,
                "choices": [], "usage": usage}),
    );
    events.push_str("data: [DONE]\n\n");
    ([(header::CONTENT_TYPE, "text/event-stream")], events).into_response()
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(LAB_HEADER, LAB_NOTICE)],
        axum::Json(json!({"error": {"message": message, "type": "lab_error"}})),
    )
        .into_response()
}

/// A body that sends a little, then fails.
fn failing_body() -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static
{
    struct Failing(u8);
    impl futures_core::Stream for Failing {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            self.0 += 1;
            std::task::Poll::Ready(Some(match self.0 {
                1 => Ok(Bytes::from_static(b"{\"id\": \"chatcmpl-lab\", ")),
                _ => Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "lab reset",
                )),
            }))
        }
    }
    Failing(0)
}
