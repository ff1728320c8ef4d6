//! Mail through the real binary and a real SMTP server (aiosmtpd): `aims serve` sends the
//! password reset link from its own worker, signing in to the server with the configured
//! account, keeps working while the server is down, and logs neither the SMTP password nor a
//! link; mail settings that cannot work stop it at start, without repeating a password.

use std::process::{Command, Stdio};

use crate::process::{Served, cookie_of, data_dir, http};

#[path = "../../../aims-app/tests/support/smtp_sink.rs"]
mod smtp_sink;

use smtp_sink::SmtpSink;

const SMTP_PASSWORD: &str = "smtp-password-that-must-not-leak";

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .map(|i| i + start.len())
        .unwrap_or_else(|| panic!("{start:?} not in {text}"));
    let to = text[from..].find(end).map_or(text.len(), |i| from + i);
    &text[from..to]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_emails_reset_links_and_logs_no_smtp_password_or_link() {
    let Some(sink) = SmtpSink::start_with_login("mail from aims serve", "aims", SMTP_PASSWORD)
    else {
        return;
    };
    let dir = data_dir();
    let url = sink.url();
    let server = Served::start(
        &dir,
        &[],
        &[],
        &[
            ("AIMS_LOG", "debug"),
            ("AIMS_SMTP_URL", url.as_str()),
            ("AIMS_SMTP_USERNAME", "aims"),
            ("AIMS_SMTP_PASSWORD", SMTP_PASSWORD),
            ("AIMS_MAIL_FROM", "aims <aims@acme.example>"),
        ],
    );
    let client = http();
    let stdout = server.stdout.lock().unwrap().clone();
    let setup_token = between(&stdout, "/setup?token=", "\n").trim().to_owned();
    let setup = client
        .post(server.url("/setup"))
        .form(&[
            ("token", setup_token.as_str()),
            ("org_name", "Acme"),
            ("display_name", "Ada"),
            ("email", "ada@acme.example"),
            ("password", "owner password one"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(setup.status(), 303);
    let owner_cookie = cookie_of(&setup);

    let asked = client
        .post(server.url("/password-reset"))
        .form(&[("email", "ada@acme.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 303);
    // The worker inside `aims serve` sends it, signed in as the configured account.
    let received = sink.wait_for(1).await;
    assert_eq!(received[0].login.as_deref(), Some("aims"));
    let link = received[0].link(&server.base).unwrap();
    let reset = client
        .post(&link)
        .form(&[("new_password", "violet kettle harbour 1987")])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 303);
    assert_eq!(
        client
            .get(server.url("/api/v1/me"))
            .header("cookie", &owner_cookie)
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "the reset ended the owner's session"
    );

    // With the server gone, asking still works; the worker's failure is logged, safely.
    let port = sink.port;
    drop(sink);
    let asked = client
        .post(server.url("/password-reset"))
        .form(&[("email", "ada@acme.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 303);
    for _ in 0..100 {
        if server.stderr.lock().unwrap().contains("job failed") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let (out, err) = server.stop();
    let logs = format!("{out}\n{err}");
    assert!(
        logs.contains("mail is on") && logs.contains("signing in as aims"),
        "{logs}"
    );
    assert!(
        logs.contains("job failed") && logs.contains(&format!("127.0.0.1:{port}")),
        "{logs}"
    );
    let link_secret = link.rsplit('/').next().unwrap();
    assert!(link_secret.len() >= 40);
    for (what, secret) in [
        ("SMTP password", SMTP_PASSWORD),
        ("reset link", link_secret),
    ] {
        assert!(!logs.contains(secret), "the {what} appears in the logs");
    }
}

/// `aims serve` with `env`, expected to refuse to start: what it wrote to standard error.
fn refused_start(env: &[(&str, &str)]) -> String {
    let dir = data_dir();
    let mut command = Command::new(env!("CARGO_BIN_EXE_aims"));
    command
        .arg("--data-dir")
        .arg(&*dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("AIMS_DATABASE_URL")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    assert!(!output.status.success(), "it started");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn mail_settings_that_cannot_work_stop_the_start_without_repeating_a_password() {
    let err = refused_start(&[("AIMS_SMTP_URL", "smtp://mail.acme.example")]);
    assert!(err.contains("AIMS_MAIL_FROM"), "{err}");
    let err = refused_start(&[
        (
            "AIMS_SMTP_URL",
            &format!("smtps://aims:{SMTP_PASSWORD}@mail.acme.example"),
        ),
        ("AIMS_MAIL_FROM", "aims@acme.example"),
    ]);
    assert!(err.contains("AIMS_SMTP_PASSWORD"), "{err}");
    assert!(!err.contains(SMTP_PASSWORD), "{err}");
    let err = refused_start(&[
        ("AIMS_SMTP_URL", "smtp://mail.acme.example"),
        ("AIMS_MAIL_FROM", "aims@acme.example"),
        ("AIMS_SMTP_PASSWORD", SMTP_PASSWORD),
    ]);
    assert!(err.contains("must be set together"), "{err}");
    assert!(!err.contains(SMTP_PASSWORD), "{err}");
}
