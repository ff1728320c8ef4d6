//! Targets: the systems under test. One exchange goes out, one reply comes back; what can be
//! retried (timeouts, resets, 429 and 5xx) is told apart from what cannot.

mod command;
mod http;
mod http_json;
mod openai;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use command::CommandTarget;
pub use http_json::HttpJsonTarget;
pub use openai::OpenAiTarget;

use crate::RedTeamError;
use crate::pack::ToolSpec;

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

/// What is sent to the target for one turn: the whole conversation so far.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub messages: Vec<Message>,
    pub tools: Vec<ToolSpec>,
    /// Stable id of the attempt, for targets that keep conversation state.
    pub session: String,
    /// Id the target gave the session on an earlier turn, if it gives one.
    pub target_session: Option<String>,
}

impl Exchange {
    /// The last user message.
    pub fn last_user(&self) -> &str {
        self.messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map_or("", |m| m.content.as_str())
    }
}

/// A tool call the target asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub name: String,
    pub arguments: String,
}

/// Tokens used, as reported by the target (or estimated when it reports nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Whether the figures are estimates (about four characters a token).
    #[serde(default)]
    pub estimated: bool,
}

impl Usage {
    /// An estimate from text lengths.
    pub fn estimate(input: &str, output: &str) -> Self {
        Self {
            input_tokens: estimate_tokens(input),
            output_tokens: estimate_tokens(output),
            estimated: true,
        }
    }
}

/// About four characters per token: the usual rule for English text.
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// The target's answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reply {
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
    pub usage: Usage,
    /// A session id the target returned, for the next turn.
    pub target_session: Option<String>,
}

/// Why an exchange failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TargetError {
    /// Worth trying again: a timeout, a reset connection, 429, a 5xx, a malformed reply.
    #[error("{reason}")]
    Transient {
        reason: String,
        /// What the target asked for in `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// Will fail again: a 4xx other than 408/429, an unusable configuration.
    #[error("{0}")]
    Permanent(String),
}

impl TargetError {
    /// A transient failure without a requested delay.
    pub fn transient(reason: impl Into<String>) -> Self {
        Self::Transient {
            reason: reason.into(),
            retry_after: None,
        }
    }
}

/// How to reach the system under test, as written in a run config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TargetConfig {
    /// An OpenAI-compatible chat completions endpoint.
    Openai {
        /// The full address, e.g. `https://api.openai.com/v1/chat/completions`.
        url: String,
        model: String,
        /// Name of the environment variable that holds the API key.
        #[serde(default)]
        api_key_env: Option<String>,
        /// Prepended to every conversation (before a probe's own system prompt).
        #[serde(default)]
        system_prompt: Option<String>,
        #[serde(default)]
        temperature: Option<f64>,
        #[serde(default)]
        max_tokens: Option<u32>,
        #[serde(default)]
        stream: bool,
        /// Extra headers; a value `env:NAME` is read from that environment variable.
        #[serde(default)]
        headers: BTreeMap<String, String>,
    },
    /// Any HTTP endpoint taking and returning JSON.
    Http {
        url: String,
        #[serde(default)]
        headers: BTreeMap<String, String>,
        /// The request body; the strings `{{prompt}}`, `{{system}}`, `{{session}}` are
        /// replaced inside strings, and a string that is exactly `{{conversation}}` becomes the
        /// messages array.
        body: serde_json::Value,
        /// Where the answer is in the reply: a JSON Pointer (`/data/text`) or a simple JSONPath
        /// (`$.data.text`, `$.choices[0].message.content`).
        answer: String,
        /// Where the reply names its session id (stateful chat endpoints).
        #[serde(default)]
        session_id: Option<String>,
        /// Whether the endpoint keeps the conversation itself: then only the newest user
        /// message is sent on later turns.
        #[serde(default)]
        stateful: bool,
    },
    /// The deliberately weak lab assistant, in process: for demos and trying aims out.
    Lab {
        #[serde(default)]
        profile: LabProfile,
    },
    /// A program that reads the prompt on standard input and writes its answer on standard output.
    Command {
        program: String,
        #[serde(default)]
        args: Vec<String>,
        /// `text`: the newest user message; `json`: the whole exchange as JSON.
        #[serde(default)]
        input: CommandInput,
    },
}

/// Which weaknesses an in-process lab target shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabProfile {
    #[default]
    Weak,
    Hardened,
    Echo,
}

impl LabProfile {
    /// The lab's weaknesses for this profile.
    pub fn weaknesses(self) -> crate::lab::Weaknesses {
        match self {
            LabProfile::Weak => crate::lab::Weaknesses::WEAK,
            LabProfile::Hardened => crate::lab::Weaknesses::HARDENED,
            LabProfile::Echo => crate::lab::Weaknesses::ECHO,
        }
    }
}

/// What a command target is given on standard input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommandInput {
    #[default]
    Text,
    Json,
}

/// A target ready to send.
#[derive(Debug, Clone)]
pub enum Target {
    OpenAi(OpenAiTarget),
    Http(HttpJsonTarget),
    Command(CommandTarget),
    Lab(crate::lab::Weaknesses),
}

impl Target {
    /// Builds a target; reads the secrets its config names from the environment.
    pub fn build(
        config: &TargetConfig,
        timeout: Duration,
        pool: usize,
    ) -> Result<Self, RedTeamError> {
        Ok(match config {
            TargetConfig::Openai { .. } => {
                Target::OpenAi(OpenAiTarget::new(config, timeout, pool)?)
            }
            TargetConfig::Http { .. } => Target::Http(HttpJsonTarget::new(config, timeout, pool)?),
            TargetConfig::Command { .. } => Target::Command(CommandTarget::new(config, timeout)?),
            TargetConfig::Lab { profile } => Target::Lab(profile.weaknesses()),
        })
    }

    /// Sends one exchange.
    pub async fn send(&self, exchange: &Exchange) -> Result<Reply, TargetError> {
        match self {
            Target::OpenAi(target) => target.send(exchange).await,
            Target::Http(target) => target.send(exchange).await,
            Target::Command(target) => target.send(exchange).await,
            Target::Lab(weaknesses) => Ok(lab_reply(weaknesses, exchange)),
        }
    }
}

/// The in-process lab's answer to an exchange.
fn lab_reply(weaknesses: &crate::lab::Weaknesses, exchange: &Exchange) -> Reply {
    let text_of = |role: Role| -> Vec<&str> {
        exchange
            .messages
            .iter()
            .filter(|m| m.role == role)
            .map(|m| m.content.as_str())
            .collect()
    };
    let system = text_of(Role::System).join("\n");
    let users = text_of(Role::User);
    let (user, earlier) = users
        .split_last()
        .map_or(("", &[][..]), |(last, rest)| (*last, rest));
    let tools: Vec<String> = exchange.tools.iter().map(|t| t.name.clone()).collect();
    let answer = crate::lab::answer(&system, &earlier.join("\n"), user, &tools, None, weaknesses);
    let input: String = exchange
        .messages
        .iter()
        .map(|m| m.content.as_str())
        .collect();
    Reply {
        usage: Usage::estimate(&input, &answer.text),
        text: answer.text,
        tool_calls: answer.tool_calls,
        target_session: None,
    }
}

/// The host (lower case) and port (given or the scheme's default) of a target's address.
pub fn endpoint_host(url: &str) -> Result<(String, Option<u16>), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("url {url:?}: {e}"))?;
    Ok((
        parsed.host_str().unwrap_or("").to_ascii_lowercase(),
        parsed.port_or_known_default(),
    ))
}

/// Reads a value from a JSON reply by JSON Pointer or simple JSONPath.
pub fn select<'a>(value: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    if path.starts_with('/') || path.is_empty() {
        return value.pointer(path);
    }
    let rest = path.strip_prefix('$')?;
    let mut current = value;
    for segment in rest.split('.').filter(|s| !s.is_empty()) {
        let (name, indexes) = match segment.find('[') {
            Some(at) => (&segment[..at], &segment[at..]),
            None => (segment, ""),
        };
        if !name.is_empty() {
            current = current.get(name)?;
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            let index: usize = index.strip_suffix(']')?.trim().parse().ok()?;
            current = current.get(index)?;
        }
    }
    Some(current)
}

#[cfg(test)]
mod tests;
