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
