//! A file attached to a document version, through the API and the document's page: uploaded
//! into the draft, approved and fingerprinted with it, never rendered when downloaded, kept
//! out of reach of other organisations, and refused with the reason when it is not acceptable.

use aims_web::WebConfig;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::support::{Server, orgs};

const PDF: &[u8] = b"%PDF-1.7 the signed policy";

/// A multipart body starting from `version` and `revision` with `file` under `name`.
fn upload(version: i64, revision: i64, name: &str, file: &[u8]) -> Form {
    Form::new()
        .text("version", version.to_string())
        .text("revision", revision.to_string())
        .part(
            "file",
            Part::bytes(file.to_vec()).file_name(name.to_owned()),
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_attached_approved_and_downloaded_through_the_api_and_the_page() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let (editor, owner, viewer) = (
        &orgs.tokens["editor"],
        &orgs.tokens["owner"],
        &orgs.tokens["viewer"],
    );
    let (status, doc) = server
        .send(
            Method::POST,
            "/api/v1/documents",
            editor,
            Some(json!({"kind": "policy", "title": "AI policy", "body": "We commit."})),
        )
        .await;
    assert_eq!(status, 201, "{doc}");
    let id = doc["id"].as_str().unwrap().to_owned();
    let attach = |token: &str, form: Form| {
        server
            .http
            .put(server.url(&format!("/api/v1/documents/{id}/attachment")))
            .bearer_auth(token)
            .multipart(form)
            .send()
    };
    let revision = doc["revision"].as_i64().unwrap();
    // The document as a viewer reads it through the API.
    let server = &server;
    let document = || {
        let path = format!("/api/v1/documents/{id}");
        async move { server.send(Method::GET, &path, viewer, None).await.1 }
    };

    // Refused, each with its reason: a viewer (before the body is read), a file that is not
    // what its name says, a stale revision, no version given.
    let response = attach(viewer, upload(1, revision, "policy.pdf", PDF))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let response = attach(editor, upload(1, revision, "policy.pdf", b"<script>"))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["field"], "file", "{problem}");
    let response = attach(editor, upload(1, revision + 3, "policy.pdf", PDF))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 409);
    let no_version = Form::new()
        .text("revision", revision.to_string())
        .part("file", Part::bytes(PDF.to_vec()).file_name("policy.pdf"));
    let response = attach(editor, no_version).await.unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["field"], "version", "{problem}");

    let response = attach(editor, upload(1, revision, "signed policy.pdf", PDF))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let shown = document().await;
    let file = &shown["versions"][0]["attachment"];
    assert_eq!(file["sha256"], aims_app::sha256_hex(PDF), "{shown}");
    assert_eq!(
        (file["file_name"].as_str(), file["size"].as_i64()),
        (Some("signed policy.pdf"), Some(PDF.len() as i64))
    );

    // Downloaded as a file that is never rendered, its hash in a header; another
    // organisation does not reach it.
    let path = format!("/api/v1/documents/{id}/versions/1/attachment");
    let response = server
        .http
        .get(server.url(&path))
        .bearer_auth(viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"signed_policy.pdf\""
    );
    assert_eq!(headers["x-file-sha256"], aims_app::sha256_hex(PDF).as_str());
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);
    assert_eq!(
        server
            .status_with_token(&path, &orgs.tokens["outsider"])
            .await,
        404
    );
    assert_eq!(
        server
            .status_with_token(
                &format!("/api/v1/documents/{id}/versions/9/attachment"),
                viewer
            )
            .await,
        404
    );

    // Approved with the file; the version page links it; a removal from the approved
    // version goes into a new draft, the approved one keeping its file.
    let shown = document().await;
    let revision = shown["revision"].as_i64().unwrap();
    for (path, token) in [("submission", editor), ("approval", owner)] {
        let (status, body) = server
            .send(
                Method::POST,
                &format!("/api/v1/documents/{id}/{path}"),
                token,
                Some(json!({"version": 1})),
            )
            .await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let shown = document().await;
    assert!(shown["versions"][0]["sha256"].is_string(), "{shown}");
    let revision_now = shown["revision"].as_i64().unwrap();
    assert!(revision_now > revision);
    let (status, _) = server
        .send(
            Method::DELETE,
            &format!("/api/v1/documents/{id}/attachment?version=1&revision={revision_now}"),
            editor,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let shown = document().await;
    assert_eq!(shown["latest_version"], 2, "{shown}");
    assert!(shown["versions"][0]["attachment"].is_null());
    assert_eq!(
        shown["versions"][1]["attachment"]["sha256"],
        aims_app::sha256_hex(PDF)
    );

    // The page: the version in force shows its file as a download, the attach form is there
    // for an editor, and a refused upload is shown on the page with its reason.
    let cookie = &format!("aims_session={}", orgs.owner_cookie);
    let (status, page) = server.page(&format!("/documents/{id}"), cookie).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("/documents/{id}/versions/1/attachment"))
            && page.contains("signed policy.pdf")
            && page.contains("enctype=\"multipart/form-data\""),
        "{page}"
    );
    let page_attach = |form: Form| {
        server
            .http
            .post(server.url(&format!("/documents/{id}/attachment")))
            .header("cookie", cookie)
            .multipart(form)
            .send()
    };
    let shown = document().await;
    let revision = shown["revision"].as_i64().unwrap();
    let refused = page_attach(upload(2, revision, "notes.exe", b"MZ"))
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("attach-file") && page.contains("must be one of"),
        "{page}"
    );
    let done = page_attach(upload(2, revision, "diagram.png", b"\x89PNG\r\n\x1a\n..."))
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(
        done.headers()["location"].to_str().unwrap(),
        format!("/documents/{id}?done=attached")
    );
    let response = server
        .http
        .get(server.url(&format!("/documents/{id}/versions/2/attachment")))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "image/png");
    let (status, page) = server
        .page(&format!("/documents/{id}/versions/2"), cookie)
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("diagram.png"), "{page}");
}
