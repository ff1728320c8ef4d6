//! The security properties every request goes through.

use aims_web::{CookiePolicy, WebConfig};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{PASSWORD, Server, cookie_of, orgs};

async fn sign_in(
    server: &Server,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = server
        .http
        .post(server.url("/sign-in"))
        .form(&[("email", email), ("password", password)]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn set_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    let server = Server::start(WebConfig::default()).await;
    for path in [
        "/sign-in",
        "/api/v1/me",
        "/healthz",
        "/nowhere",
        "/api/nowhere",
    ] {
        let response = server.http.get(server.url(path)).send().await.unwrap();
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(
            headers.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            headers.get("referrer-policy").unwrap(),
            "no-referrer",
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_is_http_only_lax_and_renewed_at_sign_in() {
    let server = Server::start(WebConfig::default()).await;
    orgs(&server.app).await;
    let first = sign_in(&server, "owner@acme.example", PASSWORD, &[]).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&first);
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP without a trusted proxy: {cookie}"
    );
    // Signing in again from the same browser issues a new id and ends the old session.
    let old = cookie_pair(&cookie);
    let again = server
        .http
        .post(server.url("/sign-in"))
        .header("cookie", &old)
        .form(&[("email", "owner@acme.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let renewed = cookie_pair(&set_cookie(&again));
    assert_ne!(renewed, old);
    let with_old = server
        .http
        .get(server.url("/api/v1/me"))
        .header("cookie", &old)
        .send()
        .await
        .unwrap();
    assert_eq!(with_old.status(), StatusCode::UNAUTHORIZED);
    let with_new = server
        .http
        .get(server.url("/api/v1/me"))
        .header("cookie", &renewed)
        .send()
        .await
        .unwrap();
    assert_eq!(with_new.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_is_secure_behind_a_tls_proxy() {
    let server = Server::start(WebConfig {
        trust_proxy: true,
        ..WebConfig::default()
    })
    .await;
    orgs(&server.app).await;
    let response = sign_in(
        &server,
        "owner@acme.example",
        PASSWORD,
        &[("x-forwarded-proto", "https")],
    )
    .await;
    let cookie = set_cookie(&response);
    assert!(
        cookie.starts_with("__Host-aims_session=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    let always = Server::start(WebConfig {
        cookies: CookiePolicy::Always,
        ..WebConfig::default()
    })
    .await;
    orgs(&always.app).await;
    assert!(
        set_cookie(&sign_in(&always, "owner@acme.example", PASSWORD, &[]).await)
            .contains("; Secure")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_requests_with_a_cookie_are_refused() {
    let server = Server::start(WebConfig::default()).await;
    orgs(&server.app).await;
    let cookie = cookie_pair(&set_cookie(
        &sign_in(&server, "owner@acme.example", PASSWORD, &[]).await,
    ));
    let rename = |site: &'static str, origin: Option<String>| {
        let mut request = server
            .http
            .post(server.url("/settings"))
            .header("cookie", &cookie)
            .header("sec-fetch-site", site);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.form(&[("name", "Changed")]).send()
    };
    assert_eq!(
        rename("cross-site", Some("https://evil.example".into()))
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let api = server
        .http
        .patch(server.url("/api/v1/org"))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .json(&json!({"name": "Changed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        rename("same-origin", Some(server.base.clone()))
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_throttled_per_account_without_telling_who_exists() {
    let server = Server::start(WebConfig::default()).await;
    orgs(&server.app).await;
    let wrong = sign_in(&server, "owner@acme.example", "wrong password!!", &[]).await;
    let unknown = sign_in(&server, "nobody@acme.example", "wrong password!!", &[]).await;
    assert_eq!(wrong.status(), unknown.status());
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let (wrong, unknown) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(
        wrong.replace("owner@", "X@"),
        unknown.replace("nobody@", "X@"),
        "the same page either way"
    );
    for _ in 0..4 {
        sign_in(&server, "owner@acme.example", "wrong password!!", &[]).await;
    }
    // Five failures: even the right password is refused for a while, for this account only.
    let locked = sign_in(&server, "owner@acme.example", PASSWORD, &[]).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        sign_in(&server, "admin@acme.example", PASSWORD, &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    for _ in 0..4 {
        sign_in(&server, "nobody@acme.example", "wrong password!!", &[]).await;
    }
    assert_eq!(
        sign_in(&server, "nobody@acme.example", "x", &[])
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_sent_at_once_meet_the_limit_and_are_recorded_without_the_password() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..60 {
        let request = server
            .http
            .post(server.url("/sign-in"))
            .form(&[
                ("email", "viewer@acme.example".to_owned()),
                ("password", format!("guess number {i} of sixty")),
            ])
            .send();
        guesses.spawn(async move { request.await.unwrap().status().as_u16() });
    }
    let mut statuses = guesses.join_all().await;
    statuses.sort_unstable();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (checked, refused),
        (5, 55),
        "only the first five guesses are checked: {statuses:?}"
    );
    let (_, events) = server
        .send(
            reqwest::Method::GET,
            &format!(
                "/api/v1/audit-events?object_type=account&object_id={}",
                o.users["viewer"]
            ),
            &o.tokens["owner"],
            None,
        )
        .await;
    let failed: Vec<&serde_json::Value> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "account.sign_in_failed")
        .collect();
    assert_eq!(failed.len(), 5, "{events}");
    assert!(!events.to_string().contains("guess number"), "{events}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_refused() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let huge = json!({"name": "x".repeat(aims_web::BODY_LIMIT + 1)});
    let response = server
        .http
        .patch(server.url("/api/v1/org"))
        .bearer_auth(&o.tokens["owner"])
        .json(&huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_answered_with_a_problem_naming_the_field() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let token = &o.tokens["owner"];
    let check = |response: reqwest::Response, status: u16, field: Option<&'static str>| async move {
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["status"], status);
        assert!(!problem["detail"].as_str().unwrap().is_empty());
        if let Some(field) = field {
            assert_eq!(problem["field"], field, "{problem}");
        }
    };
    let post = |path: &str, body: serde_json::Value| {
        server
            .http
            .post(server.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    // New tokens are made by a person signed in, never by a token.
    let session = format!("aims_session={}", o.owner_cookie);
    let post_in_session = |path: &str, body: serde_json::Value| {
        server
            .http
            .post(server.url(path))
            .header("cookie", &session)
            .json(&body)
            .send()
    };
    check(
        post(
            "/api/v1/invitations",
            json!({"email": "not an email", "role": "viewer"}),
        )
        .await
        .unwrap(),
        422,
        Some("email"),
    )
    .await;
    check(
        post(
            "/api/v1/invitations",
            json!({"email": "a@example.org", "role": "god"}),
        )
        .await
        .unwrap(),
        422,
        Some("role"),
    )
    .await;
    check(
        post_in_session("/api/v1/tokens", json!({"name": "", "role": "viewer"}))
            .await
            .unwrap(),
        422,
        Some("name"),
    )
    .await;
    check(
        post_in_session("/api/v1/tokens", json!({"name": "x", "expires_in_days": 0}))
            .await
            .unwrap(),
        422,
        Some("expires_in_days"),
    )
    .await;
    let missing = post_in_session("/api/v1/tokens", json!({"role": "viewer"}))
        .await
        .unwrap();
    assert_eq!(missing.status(), 422);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("missing field `name`")
    );
    let broken = server
        .http
        .post(server.url("/api/v1/tokens"))
        .header("cookie", &session)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    check(broken, 400, None).await;
    let bad_id = server
        .http
        .delete(server.url("/api/v1/tokens/not-an-id"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    check(bad_id, 404, None).await;
    let bad_time = server
        .http
        .get(server.url("/api/v1/audit-events?from=yesterday"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    check(bad_time, 422, Some("from")).await;
    // The last owner keeps the role.
    let demote = server
        .http
        .patch(server.url(&format!("/api/v1/members/{}", o.users["owner"])))
        .bearer_auth(token)
        .json(&json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    check(demote, 409, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_cannot_be_wider_than_their_creator_and_stop_working_when_revoked() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let signed_in = |email: &'static str| {
        let request = server
            .http
            .post(server.url("/sign-in"))
            .form(&[("email", email), ("password", PASSWORD)])
            .send();
        async move { cookie_of(&request.await.unwrap()) }
    };
    let (editor, admin) = (
        signed_in("editor@acme.example").await,
        signed_in("admin@acme.example").await,
    );
    let create = |cookie: &str, role: &str| {
        server
            .http
            .post(server.url("/api/v1/tokens"))
            .header("cookie", cookie)
            .json(&json!({"name": "t", "role": role}))
            .send()
    };
    assert_eq!(create(&editor, "admin").await.unwrap().status(), 422);
    assert_eq!(
        create(&editor, "auditor").await.unwrap().status(),
        422,
        "an editor cannot read the audit trail"
    );
    let created: serde_json::Value = create(&admin, "viewer")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    let me: serde_json::Value = server
        .http
        .get(server.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "viewer");
    // A token makes no token: none can outlive or outrank the one that made it.
    let (status, body) = server
        .send(
            reqwest::Method::POST,
            "/api/v1/tokens",
            &o.tokens["admin"],
            Some(json!({"name": "child", "role": "viewer"})),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("not an API token")
    );
    let id = created["token"]["id"].as_str().unwrap();
    let revoked = server
        .http
        .delete(server.url(&format!("/api/v1/tokens/{id}")))
        .bearer_auth(&o.tokens["admin"])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_eq!(server.status_with_token("/api/v1/me", &secret).await, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_throttled_per_address_across_accounts() {
    let server = Server::start(WebConfig::default()).await;
    orgs(&server.app).await;
    // Guessing across many accounts from one address: each account stays under its own limit.
    for i in 0..30 {
        let email = format!("guess{}@acme.example", i % 10);
        assert_eq!(
            sign_in(&server, &email, "wrong password!!", &[])
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let blocked = sign_in(&server, "owner@acme.example", PASSWORD, &[]).await;
    assert_eq!(
        blocked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the address has used up its attempts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_ids_and_forms_on_pages_get_a_page_that_says_so() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let cookie = format!("aims_session={}", o.owner_cookie);
    let bad_id = server
        .http
        .post(server.url("/tokens/not-an-id/revoke"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_id.status(), StatusCode::NOT_FOUND);
    assert!(
        bad_id
            .text()
            .await
            .unwrap()
            .contains("This page does not exist.")
    );
    let other_org = server
        .http
        .post(server.url(&format!("/members/{}/remove", o.users["outsider"])))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        other_org.status(),
        StatusCode::NOT_FOUND,
        "a member of another organisation is not found"
    );
    // A form without a field it cannot do without (the settings form reads a missing name
    // as an empty one, and says so beside the field).
    let bad_form = server
        .http
        .post(server.url("/switch-org"))
        .header("cookie", &cookie)
        .form(&[("nom", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_form.status(), StatusCode::BAD_REQUEST);
    assert!(
        bad_form
            .text()
            .await
            .unwrap()
            .contains("missing field `org`")
    );
}
