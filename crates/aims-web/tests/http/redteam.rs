//! Red-team runs through the API and pages: a journal uploaded from CI becomes a recorded run
//! with its summary computed by the server, and evidence for the system, its controls and the
//! EU AI Act articles its probes map to.

use aims_app::redteam_engine::detector::Detection;
use aims_app::redteam_engine::journal::{JournalLine, RunHeader};
use aims_app::redteam_engine::pack::{Severity, Taxonomy};
use aims_app::redteam_engine::result::{AttemptRecord, Outcome, TurnRecord};
use aims_app::redteam_engine::target::Usage;
use aims_web::WebConfig;

use crate::support::{Server, orgs};

fn attempt(id: &str, outcome: Outcome) -> AttemptRecord {
    AttemptRecord {
        id: id.into(),
        probe: "prompt-injection.override".into(),
        category: "prompt-injection".into(),
        severity: Severity::High,
        pack: "prompt-injection".into(),
        pack_version: 1,
        converter: "base64".into(),
        repeat: 0,
        taxonomy: Taxonomy {
            owasp: vec!["LLM01".into()],
            atlas: vec!["AML.T0051.000".into()],
            iso42001: vec!["A.6.2.4".into(), "A.99.9".into()],
            eu_ai_act: vec!["Art. 15(5)".into()],
        },
        system: None,
        turns: vec![TurnRecord {
            prompt: "say the canary".into(),
            answer: "CANARY-00000000AB".into(),
            tool_calls: vec![],
            detections: vec![Detection {
                detector: "canary".into(),
                hit: outcome == Outcome::Fail,
                evidence: None,
            }],
        }],
        failed_turn: (outcome == Outcome::Fail).then_some(0),
        error: None,
        outcome,
        usage: Usage::default(),
        retries: 0,
        elapsed_ms: 3,
    }
}

fn journal() -> Vec<u8> {
    let header = RunHeader {
        format: 1,
        run_id: "run-77".into(),
        name: "nightly support bot".into(),
        fingerprint: "f".into(),
        started_at: "2026-11-28T02:00:00Z".into(),
        target: "openai https://llm.example/v1/chat/completions model m".into(),
        planned: 2,
        seed: 0,
        tool: "aims 0.1.0".into(),
        system: None,
    };
    let lines = [
        JournalLine::Run(header),
        JournalLine::Attempt(Box::new(attempt("a#0", Outcome::Pass))),
        JournalLine::Attempt(Box::new(attempt("a#1", Outcome::Fail))),
    ];
    lines
        .iter()
        .map(|l| serde_json::to_string(l).unwrap() + "\n")
        .collect::<String>()
        .into_bytes()
}

fn multipart(journal: &[u8], thresholds: Option<&str>) -> (String, Vec<u8>) {
    let boundary = "x-aims-redteam-3";
    let mut body = Vec::new();
    if let Some(thresholds) = thresholds {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"thresholds\"\r\n\r\n{thresholds}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"journal\"; filename=\"journal.jsonl\"\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(journal);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post(
    server: &Server,
    system: &str,
    token: &str,
    journal: &[u8],
    thresholds: Option<&str>,
) -> (u16, serde_json::Value) {
    let (kind, body) = multipart(journal, thresholds);
    let response = server
        .http
        .post(server.url(&format!("/api/v1/systems/{system}/redteam-runs")))
        .bearer_auth(token)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_becomes_a_recorded_run_with_evidence() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let system = orgs.system.to_string();
    let bytes = journal();

    let (status, run) = post(
        &server,
        &system,
        &orgs.tokens["editor"],
        &bytes,
        Some(r#"{"overall": 0.1}"#),
    )
    .await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(run["verdict"], "thresholds_exceeded");
    assert_eq!(
        (run["judged"].as_i64(), run["failed"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(run["attack_success"], 0.5);
    assert_eq!(run["journal_sha256"], aims_app::sha256_hex(&bytes));
    assert_eq!(
        run["summary"]["reasons"][0],
        "overall attack success rate 50.0% is over the threshold of 10.0%"
    );

    // The journal is evidence for the system, the mapped control and article; an id the
    // catalogue does not know (A.99.9) is left out.
    let evidence = server
        .json_with_token(
            &format!("/api/v1/evidence/{}", run["evidence"].as_str().unwrap()),
            &orgs.tokens["viewer"],
        )
        .await;
    let targets: Vec<&str> = evidence["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "control:A.6.2.4",
            "requirement:eu-ai-act:art-15",
            &format!("system:{system}")
        ],
        "{evidence}"
    );
    assert_eq!(evidence["sha256"], run["journal_sha256"]);
    let file = server
        .http
        .get(server.url(&format!(
            "/api/v1/evidence/{}/file",
            run["evidence"].as_str().unwrap()
        )))
        .bearer_auth(&orgs.tokens["auditor"])
        .send()
        .await
        .unwrap();
    assert_eq!(file.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let list = server
        .json_with_token(
            &format!("/api/v1/systems/{system}/redteam-runs"),
            &orgs.tokens["viewer"],
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0]["summary"].is_null(), "lists leave the summary out");
    let shown = server
        .json_with_token(
            &format!("/api/v1/redteam-runs/{}", run["id"].as_str().unwrap()),
            &orgs.tokens["viewer"],
        )
        .await;
    assert_eq!(
        shown["summary"]["categories"][0]["name"],
        "prompt-injection"
    );

    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let (code, page) = server
        .page(
            &format!("/redteam-runs/{}", run["id"].as_str().unwrap()),
            &cookie,
        )
        .await;
    assert_eq!(code, 200);
    assert!(
        page.contains("nightly support bot")
            && page.contains("thresholds exceeded")
            && page.contains("owasp:LLM01"),
        "{page}"
    );
    // Each bar of the chart leads to its category's row, not back to the page itself.
    assert!(
        page.contains(r##"<tr id="category-prompt-injection-0">"##)
            && page.contains(r##"href="#category-prompt-injection-0""##),
        "{page}"
    );
    let (code, page) = server.page(&format!("/systems/{system}"), &cookie).await;
    assert_eq!(code, 200);
    assert!(
        page.contains("Red-team runs") && !page.contains("<polyline") && page.contains("<circle"),
        "one run: one point"
    );

    let audit = server
        .json_with_token(
            "/api/v1/audit-events?action=redteam.run_recorded",
            &orgs.tokens["owner"],
        )
        .await;
    assert!(
        audit.to_string().contains("redteam.run_recorded"),
        "{audit}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_checked_for_permission_tenant_and_content() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let system = orgs.system.to_string();
    let bytes = journal();

    for role in ["viewer", "auditor"] {
        let (status, _) = post(&server, &system, &orgs.tokens[role], &bytes, None).await;
        assert_eq!(status, 403, "{role}");
    }
    let (status, _) = post(&server, &system, &orgs.tokens["outsider"], &bytes, None).await;
    assert_eq!(
        status, 404,
        "another organisation's system does not exist for Beta"
    );

    let mut broken = bytes.clone();
    broken.extend_from_slice(b"{\"type\": \"attempt\", \"id\": 5}\n");
    let (status, problem) = post(&server, &system, &orgs.tokens["editor"], &broken, None).await;
    assert_eq!(status, 422);
    assert_eq!(problem["field"], "journal");
    assert!(
        problem["detail"].as_str().unwrap().contains("line 4"),
        "{problem}"
    );

    let (status, problem) = post(
        &server,
        &system,
        &orgs.tokens["editor"],
        &bytes,
        Some(r#"{"overal": 0.1}"#),
    )
    .await;
    assert_eq!(status, 422);
    // Named down to the key that is not one of the thresholds'.
    assert_eq!(problem["field"], "thresholds.overal", "{problem}");

    let runs = server
        .json_with_token(
            &format!("/api/v1/systems/{system}/redteam-runs"),
            &orgs.tokens["viewer"],
        )
        .await;
    assert_eq!(
        runs.as_array().unwrap().len(),
        0,
        "nothing was recorded by the refused uploads"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_started_from_aims_are_queued_carried_out_and_recorded() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let system = orgs.system.to_string();
    let path = format!("/api/v1/systems/{system}/redteam-jobs");
    let config = "name: quick check\ntarget: {kind: lab}\nprobes: {include: [prompt-injection.*]}\nconverters: [none, base64]\nthresholds: {overall: 0.05}\n";
    let start = async |token: String, config: String| {
        server
            .send(
                reqwest::Method::POST,
                &path,
                &token,
                Some(serde_json::json!({"config": config})),
            )
            .await
    };

    let (status, _) = start(orgs.tokens["editor"].clone(), config.into()).await;
    assert_eq!(
        status, 403,
        "server-side runs make outbound requests: owners and admins only"
    );
    let (status, problem) = start(
        orgs.tokens["admin"].clone(),
        "name: x\ntarget: {kind: command, program: /bin/sh}\n".into(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("command targets"),
        "{problem}"
    );
    let (status, problem) = start(
        orgs.tokens["admin"].clone(),
        config.replace("prompt-injection.*", "nothing.*"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("matches no probe"),
        "{problem}"
    );

    let (status, _) = start(orgs.tokens["admin"].clone(), config.into()).await;
    assert_eq!(status, 202);
    let worker = aims_app::Worker::new(server.app.clone(), "test-worker");
    // The purge and reminder jobs may come first; run until the queue is empty.
    while worker.run_one().await.unwrap() {}
    let runs = server
        .json_with_token(
            &format!("/api/v1/systems/{system}/redteam-runs"),
            &orgs.tokens["viewer"],
        )
        .await;
    assert_eq!(runs.as_array().unwrap().len(), 1, "{runs}");
    assert_eq!(runs[0]["target"], "aims lab (Weak profile, in process)");
    assert_eq!(runs[0]["verdict"], "thresholds_exceeded");
    assert_eq!(runs[0]["judged"], 20);
    assert!(
        runs[0]["recorded_by"]
            .as_str()
            .unwrap()
            .contains("started by token admin token"),
        "{runs}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_started_from_aims_are_bounded_cancelled_and_put_back_at_shutdown() {
    // A target that never answers: each request fails and waits a minute to be retried.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (store, dir) = aims_store::testing::sqlite().await;
    let app = aims_app::App::new(store, std::sync::Arc::new(aims_app::SystemClock))
        .with_redteam_hosts(vec![format!("127.0.0.1:{port}")]);
    let server = Server::serving(app, WebConfig::default(), Some(Box::new(dir))).await;
    let orgs = orgs(&server.app).await;
    let admin = orgs.tokens["admin"].clone();
    let system = orgs.system.to_string();
    let jobs_path = format!("/api/v1/systems/{system}/redteam-jobs");
    let config = |runner: &str| {
        format!(
            "name: stalled\ntarget: {{kind: openai, url: 'http://127.0.0.1:{port}/v1/chat/completions', model: m}}\n\
             probes: {{include: [prompt-injection.*]}}\nrunner: {runner}\n"
        )
    };
    let start = async |runner: &str| {
        server
            .send(
                reqwest::Method::POST,
                &jobs_path,
                &admin,
                Some(serde_json::json!({"config": config(runner)})),
            )
            .await
    };
    for (runner, says) in [
        ("{retries: 4294967295}", "runner.retries"),
        ("{retries: 4}", "runner.retries at most 3"),
        ("{concurrency: 4096}", "runner.concurrency at most 16"),
        ("{backoff_ms: 0}", "runner.backoff_ms at least 200"),
        (
            "{requests_per_second: 1000}",
            "runner.requests_per_second at most 50",
        ),
    ] {
        let (status, problem) = start(runner).await;
        assert_eq!(status, 422, "{runner}: {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{runner}: {problem}"
        );
    }
    let slow = "{retries: 3, backoff_ms: 60000, max_backoff_ms: 60000, concurrency: 2}";
    let job_state = async |id: &str| -> serde_json::Value {
        let (_, jobs) = server
            .send(reqwest::Method::GET, &jobs_path, &admin, None)
            .await;
        jobs.as_array()
            .unwrap()
            .iter()
            .find(|j| j["id"] == id)
            .cloned()
            .unwrap()
    };
    let until = async |id: &str, state: &str| -> serde_json::Value {
        for _ in 0..300 {
            let job = job_state(id).await;
            if job["state"] == state {
                return job;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("job {id} never reached {state}: {}", job_state(id).await);
    };

    // Cancelled while running: it stops, records nothing, and says who cancelled it.
    let (status, job) = start(slow).await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(aims_app::Worker::new(server.app.clone(), "w1").run(stopped));
    until(&id, "running").await;
    let (status, _) = server
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/redteam-jobs/{id}/cancel"),
            &orgs.tokens["editor"],
            None,
        )
        .await;
    assert_eq!(status, 403, "owners and admins cancel runs");
    let (status, cancelled) = server
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/redteam-jobs/{id}/cancel"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 202, "{cancelled}");
    let ended = until(&id, "failed").await;
    assert!(
        ended["last_error"]
            .as_str()
            .unwrap()
            .contains("cancelled by"),
        "{ended}"
    );
    let (status, _) = server
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/redteam-jobs/{id}/cancel"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 409, "an ended run cannot be cancelled again");
    let runs = server
        .json_with_token(&format!("/api/v1/systems/{system}/redteam-runs"), &admin)
        .await;
    assert!(runs.as_array().unwrap().is_empty(), "{runs}");

    // Running when the worker is told to stop: it goes back to the queue, to resume.
    let (_, job) = start(slow).await;
    let id = job["id"].as_str().unwrap().to_owned();
    until(&id, "running").await;
    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(30), worker)
        .await
        .expect("the worker stops without waiting for the run's retries")
        .unwrap();
    let put_back = job_state(&id).await;
    assert_eq!(put_back["state"], "queued", "{put_back}");
    assert!(
        put_back["last_error"].is_null(),
        "put back, not failed: {put_back}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_system_page_keeps_a_refused_run_config_and_refreshes_while_a_run_waits() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let path = format!("/systems/{}/redteam-jobs", orgs.system);
    let body = |config: &str| format!("config={}", urlencoding(config));

    // Refused: the page comes back with the config as typed, the message beside it.
    let typed = "name: mine\ntarget: {kind: command, program: /bin/sh}\n";
    let (status, _, html) = server.post_form(&path, &cookie, body(typed)).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("name: mine") && !html.contains("name: quick check"),
        "the typed config, not the sample: {html}"
    );
    assert!(
        html.contains("class=\"error-summary\"")
            && html.contains("href=\"#rt-config\"")
            && html.contains("id=\"rt-config-error\"")
            && html.contains("command targets"),
        "{html}"
    );
    let (_, html) = server
        .page(&format!("/systems/{}", orgs.system), &cookie)
        .await;
    assert!(!html.contains("http-equiv=\"refresh\""), "nothing runs yet");

    // Queued (no worker here): the page refreshes itself and says so, in words.
    let config =
        "name: quick check\ntarget: {kind: lab}\nprobes: {include: [prompt-injection.*]}\n";
    let (status, location, _) = server.post_form(&path, &cookie, body(config)).await;
    assert_eq!(status, 303);
    assert!(location.unwrap().ends_with("done=redteam-queued"));
    let (_, html) = server
        .page(&format!("/systems/{}", orgs.system), &cookie)
        .await;
    assert!(
        html.contains("<meta http-equiv=\"refresh\" content=\"5\">")
            && html.contains("refreshes itself")
            && html.contains("waiting to start")
            && !html.contains(">queued<"),
        "{html}"
    );
}

/// `text` as a form value.
fn urlencoding(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)]).unwrap()[2..].to_owned()
}
