//! No secret ever reaches a log line: a full journey through the real binary, logging at
//! debug level, then every secret it handled is looked for in what it logged.

use serde_json::{Value, json};

use crate::process::{Served, cookie_of, data_dir, http};

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .map(|i| i + start.len())
        .unwrap_or_else(|| panic!("{start:?} not in {text}"));
    let to = text[from..].find(end).map_or(text.len(), |i| from + i);
    &text[from..to]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_journey_logs_no_secret() {
    let dir = data_dir();
    // The database password is a secret too: PostgreSQL here trusts local connections, so
    // any password in the URL is accepted and must still never be logged.
    let db_password = "pg-password-that-must-not-leak";
    let test_database = aims_store::testing::pg_database().await;
    let database = match &test_database {
        Some(db) => db.url().replacen(
            "postgres://postgres@",
            &format!("postgres://postgres:{db_password}@"),
            1,
        ),
        None => format!("sqlite://{}?mode=rwc", dir.join("aims.db").display()),
    };
    let server = Served::start(
        &dir,
        &["--database-url", &database],
        &[],
        &[("AIMS_LOG", "debug")],
    );
    let client = http();
    let stdout = server.stdout.lock().unwrap().clone();
    let setup_token = between(&stdout, "/setup?token=", "\n").trim().to_owned();

    let owner_password = "owner password one";
    let setup = client
        .post(server.url("/setup"))
        .form(&[
            ("token", setup_token.as_str()),
            ("org_name", "Acme"),
            ("display_name", "Ada"),
            ("email", "ada@acme.example"),
            ("password", owner_password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(setup.status(), 303);
    let owner_cookie = cookie_of(&setup);
    // The form redirects; the tokens page shows the secret once, from a short-lived cookie.
    let created = client
        .post(server.url("/tokens"))
        .header("cookie", &owner_cookie)
        .form(&[("name", "ci")])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 303);
    let once = cookie_of(&created);
    let tokens_page = client
        .get(server.url("/tokens?done=created"))
        .header("cookie", format!("{owner_cookie}; {once}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let api_token = between(&tokens_page, "id=\"new-token-secret\">", "<").to_owned();
    assert!(api_token.starts_with("aims_"));
    assert_eq!(
        client
            .get(server.url("/api/v1/me"))
            .bearer_auth(&api_token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let invitation: Value = client
        .post(server.url("/api/v1/invitations"))
        .bearer_auth(&api_token)
        .json(&json!({"email": "bob@acme.example", "role": "editor"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = invitation["link"].as_str().unwrap().to_owned();
    let invitee_password = "invitee password two";
    let joined = client
        .post(&link)
        .form(&[("display_name", "Bob"), ("password", invitee_password)])
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status(), 303);
    let invitee_cookie = cookie_of(&joined);
    let new_password = "owner password three";
    let changed = client
        .post(server.url("/account/password"))
        .header("cookie", &owner_cookie)
        .form(&[
            ("current_password", owner_password),
            ("new_password", new_password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 303);
    let guess = "a wrong guess of a password";
    let failed = client
        .post(server.url("/sign-in"))
        .form(&[("email", "ada@acme.example"), ("password", guess)])
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 401);
    assert_eq!(
        client
            .post(server.url("/sign-out"))
            .header("cookie", &invitee_cookie)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );

    let (_, logs) = server.stop();
    assert!(
        logs.contains("aims::http") && logs.contains("/api/v1/invitations"),
        "the journey was logged: {logs}"
    );
    let value = |cookie: &str| {
        cookie
            .split_once('=')
            .map(|(_, v)| v.to_owned())
            .unwrap_or_default()
    };
    let invitation_secret = link.rsplit('/').next().unwrap().to_owned();
    let secrets = [
        ("setup token", setup_token),
        ("owner password", owner_password.to_owned()),
        ("invitee password", invitee_password.to_owned()),
        ("new password", new_password.to_owned()),
        ("guessed password", guess.to_owned()),
        ("API token", api_token),
        ("owner session id", value(&owner_cookie)),
        ("invitee session id", value(&invitee_cookie)),
        ("invitation secret", invitation_secret),
        ("database password", db_password.to_owned()),
    ];
    for (what, secret) in secrets {
        assert!(secret.len() >= 12, "{what} is a real secret");
        assert!(!logs.contains(&secret), "the {what} appears in the logs");
    }
}
