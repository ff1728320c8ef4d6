//! What people do, end to end over HTTP.

use aims_web::WebConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{PASSWORD, Server, cookie_of, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_the_openapi_document() {
    let server = Server::start(WebConfig::default()).await;
    assert_eq!(
        server
            .http
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let ready: Value = server
        .http
        .get(server.url("/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
    let document: Value = server
        .http
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    insta::assert_json_snapshot!("openapi", document);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_until_the_database_is_migrated() {
    let dir = aims_store::testing::TestFolder::new();
    let store = aims_app::Store::connect(&format!(
        "sqlite://{}?mode=rwc",
        dir.join("aims.db").display()
    ))
    .await
    .unwrap();
    let server = Server::on(store.clone(), WebConfig::default(), None).await;
    assert_eq!(
        server
            .http
            .get(server.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    store.migrate().await.unwrap();
    assert_eq!(
        server
            .http
            .get(server.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_creates_the_first_organisation_once() {
    let server = Server::start(WebConfig::default()).await;
    let token = server
        .app
        .issue_setup_token()
        .await
        .unwrap()
        .unwrap()
        .secret;
    let page = server
        .http
        .get(server.url(&format!("/setup?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let form = [
        ("token", token.as_str()),
        ("org_name", "Acme"),
        ("display_name", "Ada"),
        ("email", "ada@acme.example"),
        ("password", "short"),
    ];
    let refused = server
        .http
        .post(server.url("/setup"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("at least 12 characters")
    );
    let mut form = form;
    form[4] = ("password", PASSWORD);
    let done = server
        .http
        .post(server.url("/setup"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let cookie = cookie_of(&done);
    let me = server.json_with_cookie("/api/v1/me", &cookie).await;
    assert_eq!(me["role"], "owner");
    // The link is useless once used, and no second link is issued.
    assert_eq!(
        server
            .http
            .post(server.url("/setup"))
            .form(&form)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server
            .http
            .get(server.url(&format!("/setup?token={token}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(server.app.issue_setup_token().await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_makes_a_member_once_and_people_switch_organisations() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let invite = |email: &str| {
        server
            .http
            .post(server.url("/api/v1/invitations"))
            .bearer_auth(&o.tokens["admin"])
            .json(&json!({"email": email, "role": "editor"}))
            .send()
    };
    // A new person creates an account from the link.
    let created: Value = invite("carol@example.org")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = created["link"].as_str().unwrap().to_owned();
    let page = server
        .http
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Join Acme") && page.contains("Create account and join"));
    let joined = server
        .http
        .post(&link)
        .form(&[("display_name", "Carol"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    let cookie = cookie_of(&joined);
    let me = server.json_with_cookie("/api/v1/me", &cookie).await;
    assert_eq!(
        (me["role"].as_str(), me["org_id"].as_str()),
        (Some("editor"), Some(o.acme.to_string().as_str()))
    );
    assert_eq!(
        server.http.get(&link).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "used links are dead"
    );

    // Beta's owner, invited to Acme, accepts while signed in and can then switch between both.
    let invited: Value = invite("owner@beta.example")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = invited["link"].as_str().unwrap();
    let signed_in = server
        .http
        .post(server.url("/sign-in"))
        .form(&[("email", "owner@beta.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = cookie_of(&signed_in);
    assert!(
        server
            .http
            .get(link)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("Accept and join")
    );
    let accepted = server
        .http
        .post(link)
        .header("cookie", &cookie)
        .form(&[("accept", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let orgs = server.json_with_cookie("/api/v1/orgs", &cookie).await;
    assert_eq!(orgs.as_array().unwrap().len(), 2);
    let me = server.json_with_cookie("/api/v1/me", &cookie).await;
    assert_eq!(
        me["org_id"],
        o.acme.to_string(),
        "accepting switches to the organisation joined"
    );
    let switched = server
        .http
        .post(server.url("/switch-org"))
        .header("cookie", &cookie)
        .form(&[("org", o.beta.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    let me = server.json_with_cookie("/api/v1/me", &cookie).await;
    assert_eq!(
        (me["org_id"].as_str(), me["role"].as_str()),
        (Some(o.beta.to_string().as_str()), Some("owner"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_pages_filters_and_verifies() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let token = &o.tokens["auditor"];
    let get = |query: String| {
        server
            .http
            .get(server.url(&format!("/api/v1/audit-events?{query}")))
            .bearer_auth(token)
            .send()
    };
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Value = get(format!("limit=3&cursor={cursor}"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.extend(
            page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["seq"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let total = seen.len() as i64;
    assert!(total >= 10, "setting up Acme records every change: {total}");
    assert_eq!(
        seen,
        (1..=total).rev().collect::<Vec<_>>(),
        "every event once, newest first"
    );
    let invitations: Value = get(format!("object_type=invitation&object_id={}", o.invitation))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let events = invitations["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["action"], "invitation.created");
    assert_eq!(events[0]["change"]["email"], "new@acme.example");
    let by_owner: Value = get(format!("actor_id={}", o.users["owner"]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        by_owner["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_id"] == o.users["owner"].to_string())
    );
    let future: Value = get("from=2999-01-01T00:00:00Z".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(future["events"].as_array().unwrap().is_empty());
    let report = server
        .json_with_token("/api/v1/audit-events/verify", token)
        .await;
    assert_eq!(report["intact"], true);
    assert_eq!(report["verified_events"], total);
    let page = server
        .http
        .get(server.url("/audit"))
        .header("cookie", format!("aims_session={}", o.owner_cookie))
        .send()
        .await
        .unwrap();
    assert!(
        page.text()
            .await
            .unwrap()
            .contains(&format!("Chain intact</span> {total} events verified"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    server
        .http
        .get(server.url(&format!("/invitations/{}", "a-secret-from-a-link")))
        .send()
        .await
        .unwrap();
    server
        .http
        .get(server.url("/api/v1/me"))
        .bearer_auth(&o.tokens["viewer"])
        .send()
        .await
        .unwrap();
    let text = server
        .http
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"aims_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/invitations/{secret}""#),
        "routes are recorded by pattern"
    );
    assert!(!text.contains("a-secret-from-a-link"));
    assert!(text.contains("aims_http_request_duration_seconds_bucket"));
    assert!(text.contains("aims_job_queue_depth 0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_on_one_postgres_database_share_sessions_and_throttling() {
    let Some(database) = aims_store::testing::pg_database().await else {
        return;
    };
    let url = database.url();
    let first_store = aims_app::Store::connect(url).await.unwrap();
    first_store.migrate().await.unwrap();
    let second_store = aims_app::Store::connect(url).await.unwrap();
    let first = Server::on(first_store, WebConfig::default(), None).await;
    let second = Server::on(second_store, WebConfig::default(), None).await;
    orgs(&first.app).await;
    let signed_in = first
        .http
        .post(first.url("/sign-in"))
        .form(&[("email", "viewer@acme.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = cookie_of(&signed_in);
    assert_eq!(second.status_with_cookie("/api/v1/me", &cookie).await, 200);
    for server in [&first, &second, &first, &second, &first] {
        let failed = server
            .http
            .post(server.url("/sign-in"))
            .form(&[
                ("email", "admin@acme.example"),
                ("password", "wrong password!!"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = second
        .http
        .post(second.url("/sign-in"))
        .form(&[("email", "admin@acme.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "failures on both servers count together"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_keeps_the_signed_head_and_the_trail_page_shows_it() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let (status, head) = server
        .send(
            reqwest::Method::GET,
            "/api/v1/audit-events/head",
            &o.tokens["auditor"],
            None,
        )
        .await;
    assert_eq!(status, 200, "{head}");
    let line = head["line"].as_str().unwrap();
    assert!(line.starts_with("aims-audit-head/1 org="), "{line}");
    assert!(head["public_key"].as_str().unwrap().starts_with("ed25519:"));
    assert_eq!(
        server.app.check_signed_head(line).await.unwrap().seq,
        head["seq"]
    );
    let (_, report) = server
        .send(
            reqwest::Method::GET,
            "/api/v1/audit-events/verify",
            &o.tokens["auditor"],
            None,
        )
        .await;
    assert_eq!(report["intact"], true, "{report}");
    assert_eq!(report["checkpoints"]["verified"], 1, "{report}");
    let (_, page) = server
        .page("/audit", &format!("aims_session={}", o.owner_cookie))
        .await;
    assert!(page.contains("signed checkpoints verified"), "{page}");
}
