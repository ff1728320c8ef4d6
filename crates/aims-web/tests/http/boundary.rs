//! What the edge of the service refuses, and how: permission before input, control
//! characters anywhere, and every error in the house style, on both engines.

use aims_web::WebConfig;
use reqwest::Method;
use serde_json::json;

use crate::permission_matrix::{CALLERS, cases};
use crate::support::{Server, orgs};

/// Servers over SQLite and, when reachable, PostgreSQL.
async fn servers() -> Vec<Server> {
    let mut servers = vec![Server::start(WebConfig::default()).await];
    if let Some((store, database)) = aims_store::testing::postgres().await {
        servers.push(Server::on(store, WebConfig::default(), Some(Box::new(database))).await);
    }
    servers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_without_the_permission_is_refused_before_its_input_is_read() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let viewer = CALLERS.iter().position(|c| *c == "viewer").unwrap();
    let mut failures = Vec::new();
    for case in cases() {
        if case.expect[viewer] != 403 || case.body.is_none() {
            continue;
        }
        let path = (case.path)(&o);
        // A body of the wrong shape, and one that is not JSON at all.
        for body in [r#"{"no such field": [1, 2]}"#, "{"] {
            let response = server
                .http
                .request(case.method.clone(), server.url(&path))
                .bearer_auth(&o.tokens["viewer"])
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            if response.status() != 403 {
                failures.push(format!(
                    "{} {path} with {body}: {}",
                    case.method,
                    response.status()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_in_the_address_and_every_body() {
    for server in servers().await {
        let o = orgs(&server.app).await;
        let token = o.tokens["owner"].clone();
        for path in [
            "/api/v1/systems?q=%00",
            "/api/v1/systems?tag=a%00b",
            "/api/v1/risks?q=%00",
            "/api/v1/audit-events?object_type=%00",
            "/api/v1/audit-events?actor_id=%0d%0a",
            "/api/v1/audit-events?object_id=%00",
            "/api/v1/evidence?id=%00",
            "/api/v1/systems/%00",
        ] {
            let (status, problem) = server.send(Method::GET, path, &token, None).await;
            assert_eq!(status, 400, "{path}: {problem}");
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("control character"),
                "{problem}"
            );
        }
        let (status, problem) = server
            .send(
                Method::DELETE,
                "/api/v1/frameworks/iso-iec-42001/items/A%002/text",
                &token,
                None,
            )
            .await;
        assert_eq!(status, 400, "{problem}");
        // In a JSON string: refused naming where, whatever the field.
        let (status, problem) = server
            .send(
                Method::POST,
                "/api/v1/evidence",
                &token,
                Some(json!({"title": "ok", "link": "https://example.org", "targets": [{"kind": "control", "id": "A.2\u{0}.2"}]})),
            )
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some("targets.0.id")),
            "{problem}"
        );
        // A page: the error page, and nothing deleted.
        let session = format!("aims_session={}", o.owner_cookie);
        let (status, _, page) = server
            .post_form(
                &format!("/evidence/{}/delete", o.evidence),
                &session,
                "system=abc%0d%0aSet-Cookie:%20x=1".into(),
            )
            .await;
        assert!(status == 400 || status == 422, "{status}: {page}");
        let (status, _) = server
            .send(
                Method::GET,
                &format!("/api/v1/evidence/{}", o.evidence),
                &token,
                None,
            )
            .await;
        assert_eq!(status, 200, "the evidence is still there");
        let (status, _, page) = server
            .post_form("/settings", &session, "name=Acme%00".into())
            .await;
        assert_eq!(status, 422, "{page}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_error_is_a_problem_document() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let token = &o.tokens["owner"];
    let requests = [
        (Method::POST, "/api/v1/soa/versions/abc/approval", None, 404),
        (
            Method::POST,
            "/api/v1/soa/versions/99999999999999999999/approval",
            None,
            404,
        ),
        (Method::PATCH, "/api/v1/systems", None, 405),
        (Method::GET, "/api/v1/no-such-thing", None, 404),
        (
            Method::POST,
            "/api/v1/systems",
            Some(("text/plain", "name=x")),
            415,
        ),
        (
            Method::POST,
            "/api/v1/systems",
            Some(("application/json", "{")),
            400,
        ),
        (Method::GET, "/api/v1/systems?limit=many", None, 400),
    ];
    for (method, path, body, status) in requests {
        let mut request = server
            .http
            .request(method.clone(), server.url(path))
            .bearer_auth(token);
        if let Some((kind, text)) = body {
            request = request.header("content-type", kind).body(text);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{method} {path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{method} {path}"
        );
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["status"], status);
        assert!(!problem["detail"].as_str().unwrap().is_empty());
    }
    // Pages answer theirs with the error page.
    let response = server
        .http
        .get(server.url("/risks?min_level=x&likelihood=many"))
        .header("cookie", format!("aims_session={}", o.owner_cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_as_long_as_allowed_is_taken_and_a_wrong_value_is_named_by_its_path() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let editor = &o.tokens["editor"];
    // 200,000 characters of three bytes each: more than the usual body limit, within the
    // document's own.
    let longest = "€".repeat(aims_app::domain::document::MAX_BODY_CHARS);
    let (status, doc) = server
        .send(
            Method::POST,
            "/api/v1/documents",
            editor,
            Some(json!({"kind": "procedure", "title": "Long procedure", "body": longest})),
        )
        .await;
    assert_eq!(status, 201, "{doc}");
    let (status, problem) = server
        .send(
            Method::POST,
            "/api/v1/documents",
            editor,
            Some(json!({"kind": "procedure", "title": "Too long", "body": longest + "€"})),
        )
        .await;
    assert_eq!(
        (status, &problem["field"]),
        (422, &json!("body")),
        "{problem}"
    );
    // A value of the wrong kind is named by where it sits in the body, not as the body.
    let (status, problem) = server
        .send(
            Method::POST,
            "/api/v1/tasks",
            editor,
            Some(json!({"title": "Review", "due": "next week"})),
        )
        .await;
    assert_eq!(
        (status, &problem["field"]),
        (422, &json!("due")),
        "{problem}"
    );
    let (status, problem) = server
        .send(
            Method::PUT,
            "/api/v1/context",
            editor,
            Some(json!({"revision": 0, "sites": [{"name": "Lyon", "in_scope": "yes"}]})),
        )
        .await;
    assert_eq!(
        (status, &problem["field"]),
        (422, &json!("sites[0].in_scope")),
        "{problem}"
    );
}
