//! A local program as the target: the prompt on standard input, the answer on standard output.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use super::{CommandInput, Exchange, Reply, TargetConfig, TargetError, Usage};
use crate::RedTeamError;

/// A program run once per turn.
#[derive(Debug, Clone)]
pub struct CommandTarget {
    program: String,
    args: Vec<String>,
    input: CommandInput,
    timeout: Duration,
}

impl CommandTarget {
    /// Builds the target from its config.
    pub fn new(config: &TargetConfig, timeout: Duration) -> Result<Self, RedTeamError> {
        let TargetConfig::Command {
            program,
            args,
            input,
        } = config
        else {
            return Err(RedTeamError::Target("not a command target".into()));
        };
        if program.trim().is_empty() {
            return Err(RedTeamError::Target(
                "command target has an empty program".into(),
            ));
        }
        Ok(Self {
            program: program.clone(),
            args: args.clone(),
            input: *input,
            timeout,
        })
    }

    /// Runs the program for one exchange.
    pub async fn send(&self, exchange: &Exchange) -> Result<Reply, TargetError> {
        let stdin_text = match self.input {
            CommandInput::Text => exchange.last_user().to_owned(),
            CommandInput::Json => serde_json::json!({
                "messages": exchange.messages,
                "session": exchange.session,
            })
            .to_string(),
        };
        let mut child = tokio::process::Command::new(&self.program)
            .args(&self.args)
            .env("AIMS_REDTEAM_SESSION", &exchange.session)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|err| {
                TargetError::Permanent(format!("cannot start {}: {err}", self.program))
            })?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let write = async move {
            // A program that exits without reading its input is not an error of ours.
            let _ = stdin.write_all(stdin_text.as_bytes()).await;
            drop(stdin);
        };
        let run = async {
            write.await;
            child.wait_with_output().await
        };
        let output = tokio::time::timeout(self.timeout, run)
            .await
            .map_err(|_| {
                TargetError::transient(format!(
                    "{} did not answer within {:?}",
                    self.program, self.timeout
                ))
            })?
            .map_err(|err| TargetError::transient(format!("{}: {err}", self.program)))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(TargetError::transient(format!(
                "{} exited with {}: {}",
                self.program,
                output.status,
                crate::detector::truncate(stderr.trim(), 200)
            )));
        }
        let text = String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_owned();
        Ok(Reply {
            usage: Usage::estimate(exchange.last_user(), &text),
            text,
            tool_calls: Vec::new(),
            target_session: None,
        })
    }
}
