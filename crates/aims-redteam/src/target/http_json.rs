//! A generic HTTP endpoint taking and returning JSON, with a body template.

use std::time::Duration;

use serde_json::{Value, json};

use super::http::{classify_status, classify_transport, http_client, read_limited};
use super::{Exchange, Reply, Role, TargetConfig, TargetError, Usage, select};
use crate::RedTeamError;

/// An HTTP JSON endpoint described by a template.
#[derive(Debug, Clone)]
pub struct HttpJsonTarget {
    client: reqwest::Client,
    url: String,
    body: Value,
    answer: String,
    session_id: Option<String>,
    stateful: bool,
}

impl HttpJsonTarget {
    /// Builds the target from its config.
    pub fn new(
        config: &TargetConfig,
        timeout: Duration,
        pool: usize,
    ) -> Result<Self, RedTeamError> {
        let TargetConfig::Http {
            url,
            headers,
            body,
            answer,
            session_id,
            stateful,
        } = config
        else {
            return Err(RedTeamError::Target("not an http target".into()));
        };
        reqwest::Url::parse(url)
            .map_err(|err| RedTeamError::Target(format!("url {url:?}: {err}")))?;
        if !answer.starts_with('/') && !answer.starts_with('$') {
            return Err(RedTeamError::Target(format!(
                "answer {answer:?} must be a JSON Pointer (/a/b) or a JSONPath ($.a.b)"
            )));
        }
        Ok(Self {
            client: http_client(headers, None, timeout, pool)?,
            url: url.clone(),
            body: body.clone(),
            answer: answer.clone(),
            session_id: session_id.clone(),
            stateful: *stateful,
        })
    }

    /// Sends one exchange.
    pub async fn send(&self, exchange: &Exchange) -> Result<Reply, TargetError> {
        let body = fill(&self.body, exchange, self.stateful);
        let mut response = self
            .client
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(classify_transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = read_limited(&mut response).await?;
        if !status.is_success() {
            return Err(classify_status(
                status,
                &headers,
                &String::from_utf8_lossy(&bytes),
            ));
        }
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|err| TargetError::transient(format!("reply is not JSON: {err}")))?;
        let text = match select(&value, &self.answer) {
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => {
                return Err(TargetError::transient(format!(
                    "reply has nothing at {}",
                    self.answer
                )));
            }
        };
        let target_session = self.session_id.as_deref().and_then(|path| {
            select(&value, path).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        });
        let input: String = exchange
            .messages
            .iter()
            .map(|m| m.content.as_str())
            .collect();
        Ok(Reply {
            usage: Usage::estimate(&input, &text),
            text,
            tool_calls: Vec::new(),
            target_session,
        })
    }
}

/// The body template with this exchange's values put in.
pub fn fill(template: &Value, exchange: &Exchange, stateful: bool) -> Value {
    match template {
        Value::String(text) if text == "{{conversation}}" => {
            let messages: Vec<&super::Message> = if stateful && exchange.target_session.is_some() {
                exchange.messages.iter().rev().take(1).collect()
            } else {
                exchange.messages.iter().collect()
            };
            json!(messages)
        }
        Value::String(text) => {
            let system = exchange
                .messages
                .iter()
                .filter(|m| m.role == Role::System)
                .map(|m| m.content.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let session = exchange
                .target_session
                .as_deref()
                .unwrap_or(&exchange.session);
            Value::String(substitute(
                text,
                &[
                    ("prompt", exchange.last_user()),
                    ("system", &system),
                    ("session", session),
                ],
            ))
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| fill(v, exchange, stateful)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill(v, exchange, stateful)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `text` with each `{{name}}` replaced, in one pass: a value that itself contains `{{…}}`
/// (a prompt quoting a template, say) is left as it is.
fn substitute(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let known = after.find("}}").and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (close, *value))
        });
        match known {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
