//! Self-service password reset through its use cases: the link goes by email to known
//! addresses only, works once within the hour, sets a password that meets the rules, ends
//! every session, and both steps are in the audit trail; asking is throttled per address.

use aims_app::{AppError, Client, SignIn, Store};

use crate::people::{PASSWORD, actions, details, trail};
use crate::smtp_sink::SmtpSink;
use crate::{PUBLIC, World, email_jobs, mail_to, run_due, world};

const NEW_PASSWORD: &str = "violet kettle harbour 1987";

fn client(address: &str) -> Client {
    Client {
        user_agent: "test browser".into(),
        address: address.into(),
    }
}

async fn sign_in(w: &World, password: &str) -> Result<aims_app::SignedIn, AppError> {
    w.app
        .sign_in(SignIn {
            email: "ada@acme.example".into(),
            password: password.into(),
            client: client("192.0.2.9"),
        })
        .await
}

/// Asks for a link for `email` and answers the secret of the link that arrived, if any.
async fn ask(w: &World, sink: &SmtpSink, email: &str) -> Option<String> {
    let before = sink.received().len();
    w.app
        .request_password_reset(email, client("192.0.2.7"))
        .await
        .unwrap();
    run_due(&w.worker).await;
    let received = sink.received();
    let prefix = format!("{PUBLIC}/password-reset/");
    received[before..]
        .iter()
        .find_map(|m| m.link(&prefix))
        .map(|link| link[prefix.len()..].to_owned())
}

on_both_engines!(
    a_link_is_emailed_to_known_addresses_only_and_recorded,
    a_link_sets_a_new_password_once_within_the_hour_and_ends_every_session,
    asking_is_throttled_per_address_alike_for_known_and_unknown_ones,
);

async fn a_link_is_emailed_to_known_addresses_only_and_recorded(store: Store) {
    let Some(sink) = SmtpSink::start("password reset emails") else {
        return;
    };
    let w = world(store, Some(mail_to(&sink.url()))).await;
    let secret = ask(&w, &sink, " ADA@acme.example ").await.unwrap();
    let email = &sink.received()[0];
    assert_eq!(email.rcpt_tos, ["ada@acme.example"]);
    assert!(email.subject.contains("Reset your aims password"));
    assert!(email.text.contains("192.0.2.7"), "{}", email.text);
    assert!(email.text.contains("60 minutes"), "{}", email.text);
    assert_eq!(
        w.app.open_password_reset(&secret).await.unwrap().as_str(),
        "ada@acme.example"
    );

    // An address without an account gets the same answer, and nothing is sent or queued.
    let jobs = email_jobs(&w.store).await.len();
    assert_eq!(ask(&w, &sink, "nobody@acme.example").await, None);
    assert_eq!(email_jobs(&w.store).await.len(), jobs);
    assert_eq!(sink.received().len(), 1);
    let malformed = w
        .app
        .request_password_reset("not an address", client("192.0.2.7"))
        .await;
    assert!(
        matches!(malformed, Err(AppError::Invalid(_))),
        "{malformed:?}"
    );

    let events = trail(&w.app, &w.owner).await;
    let requested: Vec<_> = events
        .iter()
        .filter(|e| e.action == "account.password_reset_requested")
        .collect();
    assert_eq!(requested.len(), 1, "{:?}", actions(&events));
    assert_eq!(details(requested[0])["address"], "192.0.2.7");
    assert_eq!(requested[0].actor.label, "ada@acme.example");
}

async fn a_link_sets_a_new_password_once_within_the_hour_and_ends_every_session(store: Store) {
    let Some(sink) = SmtpSink::start("password reset links") else {
        return;
    };
    let w = world(store, Some(mail_to(&sink.url()))).await;
    let elsewhere = sign_in(&w, PASSWORD).await.unwrap();
    let first = ask(&w, &sink, "ada@acme.example").await.unwrap();
    let second = ask(&w, &sink, "ada@acme.example").await.unwrap();
    assert_ne!(first, second);

    // A weak password is refused and leaves the link working.
    let weak = w.app.reset_password(&second, "password1234").await;
    assert!(
        matches!(&weak, Err(AppError::Invalid(v)) if v.field == "new_password"),
        "{weak:?}"
    );
    w.app.reset_password(&second, NEW_PASSWORD).await.unwrap();

    // Once: this link and the other one are used up.
    for secret in [&second, &first] {
        assert!(matches!(
            w.app
                .reset_password(secret, "another fine password 42")
                .await,
            Err(AppError::NotFound(_))
        ));
        assert!(w.app.open_password_reset(secret).await.is_err());
    }
    assert!(w.app.session(&elsewhere.cookie.secret).await.is_err());
    assert!(sign_in(&w, PASSWORD).await.is_err());
    sign_in(&w, NEW_PASSWORD).await.unwrap();
    let events = trail(&w.app, &w.owner).await;
    let reset = events
        .iter()
        .find(|e| e.action == "account.password_reset")
        .unwrap();
    assert_eq!(details(reset)["sessions_ended"], 1);
    assert_eq!(reset.actor.label, "ada@acme.example");

    // Within the hour only.
    let late = ask(&w, &sink, "ada@acme.example").await.unwrap();
    w.clock.advance(59 * 60);
    assert!(w.app.open_password_reset(&late).await.is_ok());
    w.clock.advance(60);
    assert!(w.app.open_password_reset(&late).await.is_err());
    assert!(matches!(
        w.app
            .reset_password(&late, "another fine password 42")
            .await,
        Err(AppError::NotFound(_))
    ));
    sign_in(&w, NEW_PASSWORD).await.unwrap();
    assert!(w.app.open_password_reset("made-up-secret").await.is_err());
}

async fn asking_is_throttled_per_address_alike_for_known_and_unknown_ones(store: Store) {
    let Some(sink) = SmtpSink::start("password reset throttling") else {
        return;
    };
    let w = world(store, Some(mail_to(&sink.url()))).await;
    for email in ["ada@acme.example", "nobody@acme.example"] {
        for _ in 0..aims_app::RESET_REQUEST_LIMIT {
            w.app
                .request_password_reset(email, client("192.0.2.7"))
                .await
                .unwrap();
        }
        let refused = w
            .app
            .request_password_reset(email, client("198.51.100.1"))
            .await;
        assert!(
            matches!(refused, Err(AppError::Throttled { .. })),
            "{email}: {refused:?}"
        );
    }
    run_due(&w.worker).await;
    assert_eq!(
        sink.received().len(),
        3,
        "a mailbox gets no more than the limit"
    );
    // Asking for links does not lock the account out of signing in.
    sign_in(&w, crate::people::PASSWORD).await.unwrap();
    // After the window, asking works again.
    w.clock.advance(15 * 60 + 1);
    assert!(ask(&w, &sink, "ada@acme.example").await.is_some());
}
