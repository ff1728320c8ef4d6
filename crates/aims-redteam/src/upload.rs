//! Sending a finished run to an aims server, where it is recorded against an AI system and its
//! journal kept as evidence.

use std::path::Path;
use std::time::Duration;

use crate::RedTeamError;
use crate::config::Thresholds;

/// Where to record a run.
#[derive(Debug, Clone)]
pub struct UploadTarget {
    /// The server's base address, e.g. `https://aims.example.org`.
    pub server: String,
    /// The AI system's id in aims.
    pub system: String,
    /// An API token (`aims_…`) of someone who may edit content.
    pub token: String,
}

/// Uploads a journal with the thresholds it is judged against; returns the recorded run.
pub async fn upload(
    target: &UploadTarget,
    journal: &Path,
    thresholds: &Thresholds,
) -> Result<serde_json::Value, RedTeamError> {
    let bytes = std::fs::read(journal).map_err(|err| RedTeamError::io(journal, err))?;
    let url = format!(
        "{}/api/v1/systems/{}/redteam-runs",
        target.server.trim_end_matches('/'),
        target.system.trim()
    );
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("journal.jsonl")
        .mime_str("application/jsonl")
        .map_err(|err| RedTeamError::Target(err.to_string()))?;
    let form = reqwest::multipart::Form::new().part("journal", part).text(
        "thresholds",
        serde_json::to_string(thresholds).expect("thresholds serialise"),
    );
    let request = client()?.post(&url).multipart(form);
    send(request, &target.token, &url, "the server refused the run").await
}

/// Asks an aims server to cancel a red-team run it is carrying out (or has queued); returns
/// the job as the server reports it.
pub async fn cancel_job(
    server: &str,
    token: &str,
    job: &str,
) -> Result<serde_json::Value, RedTeamError> {
    let url = format!(
        "{}/api/v1/redteam-jobs/{}/cancel",
        server.trim_end_matches('/'),
        job.trim()
    );
    send(
        client()?.post(&url),
        token,
        &url,
        "the server refused to cancel the run",
    )
    .await
}

fn client() -> Result<reqwest::Client, RedTeamError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|err| RedTeamError::Target(err.to_string()))
}

/// Sends `request` with the bearer `token`; the JSON answer, or the server's problem detail.
async fn send(
    request: reqwest::RequestBuilder,
    token: &str,
    url: &str,
    refused: &str,
) -> Result<serde_json::Value, RedTeamError> {
    let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| RedTeamError::Target("the API token is not a valid header value".into()))?;
    auth.set_sensitive(true);
    let response = request
        .header(reqwest::header::AUTHORIZATION, auth)
        .send()
        .await
        .map_err(|err| RedTeamError::Target(format!("sending to {url}: {err}")))?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    if !status.is_success() {
        let detail = body
            .get("detail")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("no detail");
        return Err(RedTeamError::Target(format!(
            "{refused} ({status}): {detail}"
        )));
    }
    Ok(body)
}
