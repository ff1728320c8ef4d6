//! Sessions end when they should: on a password change, and for a person with no organisation left.

use aims_web::WebConfig;
use reqwest::StatusCode;

use crate::support::{PASSWORD, Server, cookie_of, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_ends_the_other_sessions() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let sign_in = || {
        server
            .http
            .post(server.url("/sign-in"))
            .form(&[("email", "editor@acme.example"), ("password", PASSWORD)])
            .send()
    };
    let (laptop, phone) = (
        cookie_of(&sign_in().await.unwrap()),
        cookie_of(&sign_in().await.unwrap()),
    );
    let wrong = server
        .http
        .post(server.url("/account/password"))
        .header("cookie", &laptop)
        .form(&[
            ("current_password", "not my password"),
            ("new_password", "a brand new long password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let changed = server
        .http
        .post(server.url("/account/password"))
        .header("cookie", &laptop)
        .form(&[
            ("current_password", PASSWORD),
            ("new_password", "a brand new long password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(server.status_with_cookie("/api/v1/me", &laptop).await, 200);
    assert_eq!(server.status_with_cookie("/api/v1/me", &phone).await, 401);
    // API tokens are not sessions: they keep working.
    assert_eq!(
        server
            .status_with_token("/api/v1/me", &o.tokens["editor"])
            .await,
        200
    );
}

/// Two server processes on one PostgreSQL database behave as one service.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_removed_from_every_organisation_is_told_so_and_can_sign_out() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let signed_in = server
        .http
        .post(server.url("/sign-in"))
        .form(&[("email", "viewer@acme.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = cookie_of(&signed_in);
    let removed = server
        .http
        .delete(server.url(&format!("/api/v1/members/{}", o.users["viewer"])))
        .bearer_auth(&o.tokens["owner"])
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    let home = server
        .http
        .get(server.url("/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::FORBIDDEN, "not a redirect loop");
    assert!(
        home.text()
            .await
            .unwrap()
            .contains("You do not belong to any organisation")
    );
    assert_eq!(server.status_with_cookie("/api/v1/me", &cookie).await, 401);
    assert_eq!(
        server
            .status_with_token("/api/v1/me", &o.tokens["viewer"])
            .await,
        401,
        "their tokens died with the membership"
    );
    let out = server
        .http
        .post(server.url("/sign-out"))
        .header("cookie", &cookie)
        .form(&[("go", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_is_managed_in_a_session_and_never_with_a_token() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let session = cookie_of(
        &server
            .http
            .post(server.url("/sign-in"))
            .form(&[("email", "viewer@acme.example"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap(),
    );
    let in_session = |method: reqwest::Method, path: &str, body: Option<serde_json::Value>| {
        let mut request = server
            .http
            .request(method, server.url(path))
            .header("cookie", &session);
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let viewer = o.tokens["viewer"].clone();
    let with_token =
        |method: reqwest::Method, path: &'static str, body: Option<serde_json::Value>| {
            server.send(method, path, &viewer, body)
        };
    use reqwest::Method as M;
    assert_eq!(in_session(M::GET, "/api/v1/sessions", None).await, 200);
    assert_eq!(with_token(M::GET, "/api/v1/sessions", None).await.0, 403);
    let token = serde_json::json!({"name": "ci", "expires_in_days": 1});
    assert_eq!(
        in_session(M::POST, "/api/v1/tokens", Some(token.clone())).await,
        201
    );
    assert_eq!(
        with_token(M::POST, "/api/v1/tokens", Some(token)).await.0,
        403
    );
    // A token is refused before its body is read: no guess at the password is checked.
    for body in [
        serde_json::json!({"current_password": PASSWORD, "new_password": "a brand new long password"}),
        serde_json::json!({"current_password": "a guess", "new_password": "x"}),
    ] {
        assert_eq!(
            with_token(M::PUT, "/api/v1/me/password", Some(body))
                .await
                .0,
            403
        );
    }
    let change = serde_json::json!({"current_password": PASSWORD, "new_password": "a brand new long password"});
    assert_eq!(
        in_session(M::PUT, "/api/v1/me/password", Some(change)).await,
        204
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_the_current_password_shares_the_sign_in_limit() {
    let server = Server::start(WebConfig::default()).await;
    orgs(&server.app).await;
    let sign_in = || {
        server
            .http
            .post(server.url("/sign-in"))
            .form(&[("email", "editor@acme.example"), ("password", PASSWORD)])
            .send()
    };
    let session = cookie_of(&sign_in().await.unwrap());
    let mut statuses = Vec::new();
    for i in 0..6 {
        let response = server
            .http
            .put(server.url("/api/v1/me/password"))
            .header("cookie", &session)
            .json(&serde_json::json!({
                "current_password": format!("guess {i} at the current one"),
                "new_password": "a brand new long password",
            }))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429]);
    // The account is throttled for sign-in too, even with the right password.
    assert_eq!(
        sign_in().await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_at_their_absolute_lifetime_however_often_used() {
    use aims_app::domain::Timestamp;
    let clock = std::sync::Arc::new(aims_app::FixedClock::new(Timestamp::from_micros(
        1_800_000_000_000_000,
    )));
    let (store, dir) = aims_store::testing::sqlite().await;
    let server = Server::with_clock(store, clock.clone(), Some(Box::new(dir)), 3).await;
    orgs(&server.app).await;
    let session = cookie_of(
        &server
            .http
            .post(server.url("/sign-in"))
            .form(&[("email", "editor@acme.example"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap(),
    );
    // Used every day, the session lives its three days and not a moment longer.
    for _ in 0..2 {
        clock.advance(86_400);
        assert_eq!(server.status_with_cookie("/api/v1/me", &session).await, 200);
    }
    clock.advance(86_400 - 1);
    assert_eq!(server.status_with_cookie("/api/v1/me", &session).await, 200);
    clock.advance(1);
    assert_eq!(server.status_with_cookie("/api/v1/me", &session).await, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_page_tells_the_inviter_nothing_of_other_accounts() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let admin = server.app.token_actor(&o.tokens["admin"]).await.unwrap();
    let invite = |email: &'static str| {
        let (app, admin) = (server.app.clone(), admin.clone());
        async move {
            let (_, link) = app
                .invite(
                    &admin,
                    aims_app::NewInvitation {
                        email: email.into(),
                        role: "viewer".into(),
                    },
                )
                .await
                .unwrap();
            link.secret
        }
    };
    // One address has an account elsewhere on this install, the other none.
    let (existing, unused) = (
        invite("owner@beta.example").await,
        invite("nobody-yet@acme.example").await,
    );
    let page = |secret: String| {
        let request = server
            .http
            .get(server.url(&format!("/invitations/{secret}")))
            .send();
        async move {
            let html = request.await.unwrap().text().await.unwrap();
            html.replace(&secret, "SECRET")
        }
    };
    let (a, b) = (page(existing.clone()).await, page(unused.clone()).await);
    assert_eq!(
        a.replace("owner@beta.example", "EMAIL"),
        b.replace("nobody-yet@acme.example", "EMAIL"),
        "the same page whether or not the address has an account"
    );
    // Whoever holds the link and asks for a new account for an address that has one is told
    // to sign in; no password is set on it.
    let (status, _, html) = server
        .post_form(
            &format!("/invitations/{existing}"),
            "",
            "display_name=Someone&password=a+brand+new+long+password".into(),
        )
        .await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("already has an aims account"), "{html}");
    // A password refused: the name typed stays, the message is beside the password.
    let (status, _, html) = server
        .post_form(
            &format!("/invitations/{unused}"),
            "",
            "display_name=Someone+New&password=short".into(),
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("value=\"Someone New\"")
            && html.contains("href=\"#password\"")
            && html.contains("id=\"password-error\""),
        "{html}"
    );
    let signed_in = server
        .http
        .post(server.url("/sign-in"))
        .form(&[
            ("email", "owner@beta.example"),
            ("password", "a brand new long password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_rename_keeps_the_name_typed() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let cookie = format!("aims_session={}", o.owner_cookie);
    let long = "N".repeat(121);
    let (status, _, html) = server
        .post_form("/settings", &cookie, format!("name={long}"))
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains(&format!("value=\"{long}\""))
            && html.contains("href=\"#org-name\"")
            && html.contains("Name must be at most 120 characters"),
        "{html}"
    );
    let (_, html) = server.page("/settings", &cookie).await;
    assert!(
        html.contains("value=\"Acme\""),
        "nothing was renamed: {html}"
    );
}
