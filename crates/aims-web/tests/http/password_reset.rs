//! Email over HTTP with a real SMTP server (aiosmtpd): the forgotten-password journey from the
//! sign-in page to the new password, the same answer for unknown addresses, the pages when mail
//! is off, invitations emailed from the members page, and requests that never wait on the mail
//! server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aims_app::{App, FixedClock, MailSettings, Worker};
use aims_web::WebConfig;
use reqwest::StatusCode;

use crate::support::{PASSWORD, Server, cookie_of};

#[path = "../../../aims-app/tests/support/smtp_sink.rs"]
mod smtp_sink;

use smtp_sink::SmtpSink;

/// What links in the tests' emails start with; the tests follow them to the server.
const PUBLIC: &str = "https://aims.acme.example";
const NEW_PASSWORD: &str = "violet kettle harbour 1987";

fn mail_to(url: &str) -> MailSettings {
    MailSettings::new(url, "aims <aims@acme.example>", PUBLIC)
        .unwrap()
        .with_timeout(Duration::from_secs(1))
}

/// A server whose clock is `clock`, sending mail as `mail` says, with Acme and its owner Ada.
async fn server(mail: Option<MailSettings>, clock: Arc<FixedClock>) -> Server {
    let (store, dir) = aims_store::testing::sqlite().await;
    let mut app = App::new(store, clock);
    if let Some(mail) = mail {
        app = app.with_mail(mail).unwrap();
    }
    let org = app.admin_create_org("Acme").await.unwrap().id;
    app.admin_create_user(org, "ada@acme.example", "owner", PASSWORD)
        .await
        .unwrap();
    Server::serving(app, WebConfig::default(), Some(Box::new(dir))).await
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(aims_app::domain::Timestamp::from_micros(
        1_800_000_000_000_000,
    )))
}

/// Runs every job that is due, as the background worker would.
async fn run_jobs(server: &Server) {
    let worker = Worker::new(server.app.clone(), "http-test");
    while worker.run_one().await.unwrap() {}
}

async fn sign_in(server: &Server, password: &str) -> reqwest::Response {
    server
        .http
        .post(server.url("/sign-in"))
        .form(&[("email", "ada@acme.example"), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn post(server: &Server, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    server
        .http
        .post(server.url(path))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn page(server: &Server, path: &str) -> (StatusCode, String) {
    let response = server.http.get(server.url(path)).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_through_an_emailed_link_that_works_once_for_an_hour() {
    let Some(sink) = SmtpSink::start("password reset over HTTP") else {
        return;
    };
    let clock = clock();
    let server = server(Some(mail_to(&sink.url())), clock.clone()).await;
    let laptop = cookie_of(&sign_in(&server, PASSWORD).await);
    assert_eq!(server.status_with_cookie("/api/v1/me", &laptop).await, 200);

    let (_, sign_in_page) = page(&server, "/sign-in").await;
    assert!(sign_in_page.contains(r#"<a href="/password-reset">Forgot your password?</a>"#));
    let (status, form) = page(&server, "/password-reset").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"<form method="post" action="/password-reset""#));

    // Known and unknown addresses get the same answer; only the known one gets an email.
    let known = post(&server, "/password-reset", &[("email", "ada@acme.example")]).await;
    let unknown = post(&server, "/password-reset", &[("email", "eve@acme.example")]).await;
    assert_eq!(known.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        (unknown.status(), location(&unknown)),
        (known.status(), location(&known))
    );
    let (_, answer) = page(&server, location(&known)).await;
    assert!(answer.contains("If an aims account exists for that address"));
    run_jobs(&server).await;
    let received = sink.wait_for(1).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_tos, ["ada@acme.example"]);
    let link = received[0].link(PUBLIC).unwrap();
    let path = link.strip_prefix(PUBLIC).unwrap().to_owned();
    assert!(path.starts_with("/password-reset/"), "{path}");

    let (status, reset_page) = page(&server, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(reset_page.contains("ada@acme.example"));
    let weak = post(&server, &path, &[("new_password", "password1234")]).await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        weak.text()
            .await
            .unwrap()
            .contains("New password is too easy to guess")
    );
    let done = post(&server, &path, &[("new_password", NEW_PASSWORD)]).await;
    assert_eq!(
        (done.status(), location(&done)),
        (StatusCode::SEE_OTHER, "/password-reset?done=changed")
    );
    let (_, changed) = page(&server, "/password-reset?done=changed").await;
    assert!(changed.contains("Your password is changed"));

    // The other session ended; the old password no longer signs in, the new one does.
    assert_eq!(server.status_with_cookie("/api/v1/me", &laptop).await, 401);
    assert_eq!(
        sign_in(&server, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&server, NEW_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    // The link worked once.
    let (status, used) = page(&server, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(used.contains("This link does not work"));
    let again = post(
        &server,
        &path,
        &[("new_password", "yet another fine password 7")],
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    // A new link works for an hour, not longer.
    post(&server, "/password-reset", &[("email", "ada@acme.example")]).await;
    run_jobs(&server).await;
    let late = sink.wait_for(2).await[1].link(PUBLIC).unwrap();
    let late = late.strip_prefix(PUBLIC).unwrap();
    assert_eq!(page(&server, late).await.0, StatusCode::OK);
    clock.advance(3600);
    assert_eq!(page(&server, late).await.0, StatusCode::NOT_FOUND);
    let expired = post(
        &server,
        late,
        &[("new_password", "yet another fine password 7")],
    )
    .await;
    assert_eq!(expired.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        sign_in(&server, NEW_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    // Asking is throttled per address, known or not.
    for _ in 0..aims_app::RESET_REQUEST_LIMIT {
        let asked = post(&server, "/password-reset", &[("email", "eve@acme.example")]).await;
        assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    }
    let throttled = post(&server, "/password-reset", &[("email", "eve@acme.example")]).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.text().await.unwrap().contains("Wait 15 minutes"));
    run_jobs(&server).await;
    assert_eq!(sink.received().len(), 2, "no email for an unknown address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_mail_the_pages_say_to_ask_an_administrator_and_to_pass_invitations_on() {
    let server = server(None, clock()).await;
    let (status, forgot) = page(&server, "/password-reset").await;
    assert_eq!(status, StatusCode::OK);
    assert!(forgot.contains("does not send email"), "{forgot}");
    assert!(!forgot.contains(r#"action="/password-reset""#));
    let refused = post(&server, "/password-reset", &[("email", "ada@acme.example")]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("ask the administrator who runs it")
    );

    let cookie = cookie_of(&sign_in(&server, PASSWORD).await);
    let members = server
        .http
        .get(server.url("/members"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let text = members.text().await.unwrap();
    assert!(text.contains("Email is not set up on this aims"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_made_on_the_members_page_is_emailed_and_its_link_still_shown_once() {
    let Some(sink) = SmtpSink::start("invitations emailed from the members page") else {
        return;
    };
    let server = server(Some(mail_to(&sink.url())), clock()).await;
    let cookie = cookie_of(&sign_in(&server, PASSWORD).await);
    let invited = server
        .http
        .post(server.url("/members/invite"))
        .header("cookie", &cookie)
        .form(&[("email", "grace@elsewhere.example"), ("role", "editor")])
        .send()
        .await
        .unwrap();
    assert_eq!(invited.status(), StatusCode::SEE_OTHER);
    let once = cookie_of(&invited);
    let members = server
        .http
        .get(server.url(location(&invited)))
        .header("cookie", format!("{cookie}; {once}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        members.contains("its link is being emailed to the invitee"),
        "{members}"
    );
    assert!(members.contains("We emailed this link to the invitee"));
    let shown = members
        .split(r#"<code id="new-invitation-link">"#)
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap();
    let secret = shown.rsplit('/').next().unwrap();

    run_jobs(&server).await;
    let received = sink.wait_for(1).await;
    assert_eq!(received[0].rcpt_tos, ["grace@elsewhere.example"]);
    let link = received[0].link(PUBLIC).unwrap();
    assert_eq!(link, format!("{PUBLIC}/invitations/{secret}"));
    let path = link.strip_prefix(PUBLIC).unwrap();
    assert_eq!(page(&server, path).await.0, StatusCode::OK);
}

/// A mail server that takes connections and never answers: counts how many it was sent.
async fn silent_server() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (port, connections)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_never_wait_on_the_mail_server_and_the_worker_retries_it() {
    let (port, connections) = silent_server().await;
    let url = format!("smtp+insecure://127.0.0.1:{port}");
    let clock = clock();
    let server = server(Some(mail_to(&url)), clock.clone()).await;
    let asked = post(&server, "/password-reset", &[("email", "ada@acme.example")]).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "the request did not speak to the mail server"
    );

    // The worker does, gives up on the silent server after its timeout, and tries again later.
    run_jobs(&server).await;
    clock.advance(10);
    run_jobs(&server).await;
    assert_eq!(connections.load(Ordering::SeqCst), 2);
    let mut tx = server.app.store().read().await.unwrap();
    let job = tx.jobs_of_kind("send_email", 10).await.unwrap().remove(0);
    assert_eq!((job.state.as_str(), job.attempts), ("queued", 2));
    let error = job.last_error.unwrap();
    assert!(error.contains(&url), "{error}");
    assert!(!error.contains("ada@acme.example"), "{error}");
}
