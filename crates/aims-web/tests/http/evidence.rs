//! Evidence through the API: uploads checked, downloads never rendered, lookups by target.

use aims_web::WebConfig;
use reqwest::Method;
use serde_json::json;

use crate::support::{Server, orgs};

fn multipart(metadata: &serde_json::Value, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "x-aims-boundary-7";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{metadata}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_files_upload_download_and_are_found_by_target() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let editor = orgs.tokens["editor"].clone();
    let metadata = json!({"title": "Bias test Q3", "valid_until": "2099-01-01T00:00:00Z",
                          "targets": [{"kind": "control", "id": "A.6.2.4"}, {"kind": "system", "id": orgs.system.to_string()}]});
    let upload = |name: &str, bytes: &[u8]| {
        let (kind, body) = multipart(&metadata, name, bytes);
        server
            .http
            .post(server.url("/api/v1/evidence/files"))
            .bearer_auth(&editor)
            .header("content-type", kind)
            .body(body)
            .send()
    };

    let response = upload("page.html", b"<html><script>alert(1)</script>")
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["field"], "file", "{problem}");

    let response = upload("bias.pdf", b"%PDF-1.7 the results").await.unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let created: serde_json::Value = response.json().await.unwrap();
    assert_eq!(created["validity"], "current");
    assert_eq!(
        created["sha256"],
        aims_app::sha256_hex(b"%PDF-1.7 the results")
    );

    let response = server
        .http
        .get(server.url(&format!(
            "/api/v1/evidence/{}/file",
            created["id"].as_str().unwrap()
        )))
        .bearer_auth(&orgs.tokens["viewer"])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"%PDF-1.7 the results"
    );

    let (_, found) = server
        .send(
            Method::GET,
            "/api/v1/evidence?kind=control&id=A.6.2.4",
            &editor,
            None,
        )
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let (status, problem) = server
        .send(
            Method::GET,
            "/api/v1/evidence?kind=colour&id=x",
            &editor,
            None,
        )
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("targets.kind"))
    );

    // A body announced over the upload limit is refused with 413 before any of it is read:
    // only the head is sent, and the answer comes anyway.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/evidence/files HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {editor}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n",
        aims_web::UPLOAD_LIMIT + 1
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 64];
    let read = stream.read(&mut answer).await.unwrap();
    let status_line = String::from_utf8_lossy(&answer[..read]).to_string();
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_flags_what_needs_attention_and_links_to_it() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let get = |path: &str| {
        let request = server.http.get(server.url(path)).header("cookie", &cookie);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, home) = get("/").await;
    assert_eq!(status, 200);
    // The support data's loan scorer is high-risk and its assessment is not approved.
    assert!(
        home.contains("without an approved, current impact assessment"),
        "{home}"
    );
    assert!(
        home.contains(&format!("/systems/{}\">Loan scorer", orgs.system)),
        "{home}"
    );
    assert!(
        home.contains("<svg") && home.contains("/systems?class=high_risk"),
        "{home}"
    );

    let (status, register) = get("/evidence").await;
    assert_eq!(status, 200);
    assert!(
        register.contains("Model card") && register.contains("1 piece(s)"),
        "{register}"
    );
    let (status, _) = get("/evidence?validity=someday").await;
    assert_eq!(status, 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_added_on_a_clause_page_counts_on_the_dashboard() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let cookie = format!("aims_session={}", o.owner_cookie);
    let clause_four = |readiness: &serde_json::Value| {
        readiness["clause_coverage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clause"] == "4")
            .cloned()
            .unwrap()
    };
    let readiness = server.json_with_cookie("/api/v1/readiness", &cookie).await;
    assert_eq!(clause_four(&readiness)["evidenced"], serde_json::json!([]));
    assert_eq!(
        clause_four(&readiness)["requirements"],
        serde_json::json!(["4.1", "4.2", "4.3", "4.4"])
    );

    let form = |title: &str, until: &str| {
        format!(
            "--b0undary\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n\
             --b0undary\r\nContent-Disposition: form-data; name=\"link\"\r\n\r\nhttps://intranet.example/scope\r\n\
             --b0undary\r\nContent-Disposition: form-data; name=\"valid_until\"\r\n\r\n{until}\r\n--b0undary--\r\n"
        )
    };
    let post = |path: &str, body: String, cookie: &str| {
        server
            .http
            .post(server.url(path))
            .header("cookie", cookie)
            .header("content-type", "multipart/form-data; boundary=b0undary")
            .body(body)
            .send()
    };
    let added = post(
        "/frameworks/iso-iec-42001/items/4.3/evidence",
        form("Scope statement", ""),
        &cookie,
    )
    .await
    .unwrap();
    assert_eq!(added.status().as_u16(), 303);
    assert_eq!(
        added.headers()["location"],
        "/frameworks/iso-iec-42001/items/4.3?done=evidence"
    );
    let (status, page) = server
        .page("/frameworks/iso-iec-42001/items/4.3?done=evidence", &cookie)
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("The evidence was added.") && page.contains("Scope statement"),
        "{page}"
    );
    let readiness = server.json_with_cookie("/api/v1/readiness", &cookie).await;
    assert_eq!(
        clause_four(&readiness)["evidenced"],
        serde_json::json!(["4.3"])
    );
    let (_, home) = server.page("/", &cookie).await;
    assert!(
        home.contains("4 Context of the organization: 1 of 4 covered"),
        "{home}"
    );
    assert!(
        home.contains("/frameworks/iso-iec-42001/items/4.1\">4.1"),
        "{home}"
    );

    // A bad date, an unknown item and a viewer are each refused, and nothing is added.
    let bad = post(
        "/frameworks/iso-iec-42001/items/4.3/evidence",
        form("Later", "next year"),
        &cookie,
    )
    .await
    .unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    // The form comes back as typed, the error beside the date in its label's words.
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("value=\"Later\"") && html.contains("value=\"next year\""),
        "{html}"
    );
    assert!(
        html.contains("Valid until must be a date")
            && html.contains("aria-describedby=\"ev-valid_until-error\""),
        "{html}"
    );
    let unknown = post(
        "/frameworks/iso-iec-42001/items/4.9/evidence",
        form("Nowhere", ""),
        &cookie,
    )
    .await
    .unwrap();
    assert_eq!(unknown.status().as_u16(), 404);
    let viewer = server
        .app
        .sign_in(aims_app::SignIn {
            email: "viewer@acme.example".into(),
            password: crate::support::PASSWORD.into(),
            client: aims_app::Client::default(),
        })
        .await
        .unwrap();
    let viewer_cookie = format!("aims_session={}", viewer.cookie.secret);
    let refused = post(
        "/frameworks/iso-iec-42001/items/4.3/evidence",
        form("Sneaky", ""),
        &viewer_cookie,
    )
    .await
    .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let (_, viewer_page) = server
        .page("/frameworks/iso-iec-42001/items/4.3", &viewer_cookie)
        .await;
    assert!(viewer_page.contains("Scope statement") && !viewer_page.contains("Add evidence"));
    let readiness = server.json_with_cookie("/api/v1/readiness", &cookie).await;
    assert_eq!(
        clause_four(&readiness)["evidenced"],
        serde_json::json!(["4.3"])
    );
    let (_, register) = server.page("/evidence", &cookie).await;
    assert!(!register.contains("Sneaky") && !register.contains("Nowhere"));
    // The system page shares the form, posting to its own address.
    let (_, system_page) = server
        .page(&format!("/systems/{}", o.system), &cookie)
        .await;
    assert!(
        system_page.contains(&format!("action=\"/systems/{}/evidence\"", o.system)),
        "{system_page}"
    );
}
