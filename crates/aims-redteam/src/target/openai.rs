//! OpenAI-compatible chat completions, plain and streamed (server-sent events).

use std::time::Duration;

use serde_json::{Value, json};

use super::http::{
    MAX_REPLY_BYTES, classify_status, classify_transport, http_client, read_limited,
};
use super::{Exchange, Reply, TargetConfig, TargetError, ToolCall, Usage};
use crate::RedTeamError;

/// An OpenAI-compatible endpoint.
#[derive(Debug, Clone)]
pub struct OpenAiTarget {
    client: reqwest::Client,
    url: String,
    model: String,
    system_prompt: Option<String>,
    temperature: Option<f64>,
    max_tokens: Option<u32>,
    stream: bool,
}

impl OpenAiTarget {
    /// Builds the target from its config.
    pub fn new(
        config: &TargetConfig,
        timeout: Duration,
        pool: usize,
    ) -> Result<Self, RedTeamError> {
        let TargetConfig::Openai {
            url,
            model,
            api_key_env,
            system_prompt,
            temperature,
            max_tokens,
            stream,
            headers,
        } = config
        else {
            return Err(RedTeamError::Target("not an openai target".into()));
        };
        reqwest::Url::parse(url)
            .map_err(|err| RedTeamError::Target(format!("url {url:?}: {err}")))?;
        Ok(Self {
            client: http_client(headers, api_key_env.as_deref(), timeout, pool)?,
            url: url.clone(),
            model: model.clone(),
            system_prompt: system_prompt.clone(),
            temperature: *temperature,
            max_tokens: *max_tokens,
            stream: *stream,
        })
    }

    /// The request body for one exchange.
    fn body(&self, exchange: &Exchange) -> Value {
        let mut messages = Vec::with_capacity(exchange.messages.len() + 1);
        if let Some(system) = &self.system_prompt {
            messages.push(json!({"role": "system", "content": system}));
        }
        for message in &exchange.messages {
            messages.push(json!({"role": message.role, "content": message.content}));
        }
        let mut body = json!({"model": self.model, "messages": messages});
        if let Some(t) = self.temperature {
            body["temperature"] = json!(t);
        }
        if let Some(m) = self.max_tokens {
            body["max_tokens"] = json!(m);
        }
        if !exchange.tools.is_empty() {
            body["tools"] = exchange
                .tools
                .iter()
                .map(|tool| {
                    json!({"type": "function", "function": {
                        "name": tool.name, "description": tool.description, "parameters": tool.parameters}})
                })
                .collect();
        }
        if self.stream {
            body["stream"] = json!(true);
            body["stream_options"] = json!({"include_usage": true});
        }
        body
    }

    /// Sends one exchange.
    pub async fn send(&self, exchange: &Exchange) -> Result<Reply, TargetError> {
        let sent = self
            .client
            .post(&self.url)
            .json(&self.body(exchange))
            .send()
            .await;
        let mut response = sent.map_err(classify_transport)?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let body = read_limited(&mut response).await.unwrap_or_default();
            return Err(classify_status(
                status,
                &headers,
                &String::from_utf8_lossy(&body),
            ));
        }
        let mut reply = if self.stream {
            let mut events = EventStream::default();
            while let Some(chunk) = response.chunk().await.map_err(classify_transport)? {
                events.feed(&chunk)?;
            }
            events.finish()?
        } else {
            let bytes = read_limited(&mut response).await?;
            let value: Value = serde_json::from_slice(&bytes)
                .map_err(|err| TargetError::transient(format!("reply is not JSON: {err}")))?;
            parse_completion(&value)?
        };
        if reply.usage == Usage::default() {
            let input: String = exchange
                .messages
                .iter()
                .map(|m| m.content.as_str())
                .collect();
            reply.usage = Usage::estimate(&input, &reply.text);
        }
        Ok(reply)
    }
}

/// Reads a non-streamed chat completion.
pub fn parse_completion(value: &Value) -> Result<Reply, TargetError> {
    let message = value
        .pointer("/choices/0/message")
        .ok_or_else(|| TargetError::transient("reply has no choices[0].message"))?;
    let text = match message.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => {
            return Err(TargetError::transient(format!(
                "message content is not text: {other}"
            )));
        }
    };
    let tool_calls = message
        .get("tool_calls")
        .and_then(Value::as_array)
        .map(|calls| {
            calls
                .iter()
                .map(|call| ToolCall {
                    name: call
                        .pointer("/function/name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    arguments: call
                        .pointer("/function/arguments")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Reply {
        text,
        tool_calls,
        usage: usage_of(value),
        target_session: None,
    })
}

fn usage_of(value: &Value) -> Usage {
    let field = |name: &str| {
        value
            .pointer(&format!("/usage/{name}"))
            .and_then(Value::as_u64)
    };
    match (field("prompt_tokens"), field("completion_tokens")) {
        (Some(input), Some(output)) => Usage {
            input_tokens: input,
            output_tokens: output,
            estimated: false,
        },
        _ => Usage::default(),
    }
}

/// Most tool calls read from one streamed reply.
const MAX_TOOL_CALLS: usize = 128;

/// Assembles a streamed completion from its server-sent events, across chunk boundaries.
#[derive(Debug, Default)]
pub struct EventStream {
    pending: Vec<u8>,
    text: String,
    tools: Vec<ToolCall>,
    usage: Usage,
    done: bool,
}

impl EventStream {
    /// Takes the next bytes of the stream.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), TargetError> {
        if self.pending.len() + self.text.len() + bytes.len() > MAX_REPLY_BYTES {
            return Err(TargetError::Permanent(format!(
                "the streamed reply is larger than {} MiB",
                MAX_REPLY_BYTES / 1024 / 1024
            )));
        }
        self.pending.extend_from_slice(bytes);
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(data) = line.strip_prefix("data:") {
                self.event(data.trim())?;
            }
        }
        Ok(())
    }

    fn event(&mut self, data: &str) -> Result<(), TargetError> {
        if data == "[DONE]" {
            self.done = true;
            return Ok(());
        }
        let value: Value = serde_json::from_str(data)
            .map_err(|err| TargetError::transient(format!("stream event is not JSON: {err}")))?;
        if let Some(delta) = value.pointer("/choices/0/delta") {
            if let Some(text) = delta.get("content").and_then(Value::as_str) {
                self.text.push_str(text);
            }
            for call in delta
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let index = call.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
                if index >= MAX_TOOL_CALLS {
                    return Err(TargetError::Permanent(format!(
                        "the stream names tool call {index}; at most {MAX_TOOL_CALLS} are read"
                    )));
                }
                while self.tools.len() <= index {
                    self.tools.push(ToolCall {
                        name: String::new(),
                        arguments: String::new(),
                    });
                }
                if let Some(name) = call.pointer("/function/name").and_then(Value::as_str) {
                    self.tools[index].name.push_str(name);
                }
                if let Some(args) = call.pointer("/function/arguments").and_then(Value::as_str) {
                    self.tools[index].arguments.push_str(args);
                }
            }
        }
        let usage = usage_of(&value);
        if usage != Usage::default() {
            self.usage = usage;
        }
        Ok(())
    }

    /// The whole reply; a stream that stopped before `[DONE]` was cut and is worth a retry.
    pub fn finish(self) -> Result<Reply, TargetError> {
        if !self.done {
            return Err(TargetError::transient("stream ended before [DONE]"));
        }
        Ok(Reply {
            text: self.text,
            tool_calls: self.tools,
            usage: self.usage,
            target_session: None,
        })
    }
}
