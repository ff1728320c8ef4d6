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

    // A body over the upload limit is refused with 413 before it is read in full.
    let too_big = vec![b'a'; aims_web::UPLOAD_LIMIT + 1024];
    let response = upload("big.txt", &too_big).await.unwrap();
    assert_eq!(response.status().as_u16(), 413);
}
