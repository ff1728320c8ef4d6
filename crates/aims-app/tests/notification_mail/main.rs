//! Notifications by email, through a real SMTP server (aiosmtpd): a person is emailed for
//! each notification unless they chose the daily digest or no email, with a link to the
//! record; nothing is sent in the request, and nothing at all while mail is off.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use aims_app::domain::work::{EmailPreference, TaskFacts};
use aims_app::{App, FixedClock, MailSettings, Store, Worker};

#[macro_use]
#[path = "../engines/mod.rs"]
mod engines;
#[path = "../people/mod.rs"]
mod people;
#[path = "../support/smtp_sink.rs"]
mod smtp_sink;

use people::{START, id, person};
use smtp_sink::SmtpSink;

async fn assignments_are_emailed_as_each_person_chose(store: Store) {
    let Some(sink) = SmtpSink::start("notification emails") else {
        return;
    };
    let mail = MailSettings::new(
        &sink.url(),
        "aims <aims@acme.example>",
        "https://aims.acme.example",
    )
    .unwrap()
    .with_timeout(Duration::from_secs(5));
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone()).with_mail(mail).unwrap();
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let editor = person(&app, org, "eddie", "editor").await;
    let each = person(&app, org, "vera", "viewer").await;
    let digest = person(&app, org, "dora", "viewer").await;
    app.set_email_preference(&digest, EmailPreference::Digest)
        .await
        .unwrap();
    clock.advance(1);
    for who in [&each, &digest] {
        app.create_task(
            &editor,
            TaskFacts {
                title: "Read the AI policy".into(),
                assignee: Some(id(who)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    assert!(sink.received().is_empty(), "nothing is sent in the request");
    let worker = Worker::new(app.clone(), "notification-mail-test");
    while worker.run_one().await.unwrap() {}
    let received = sink.wait_for(1).await;
    assert_eq!(
        received.len(),
        1,
        "only the person who wants each one: {received:?}"
    );
    let email = &received[0];
    assert_eq!(email.rcpt_tos, ["vera@acme.example"]);
    assert!(
        email.subject.contains("Read the AI policy"),
        "{}",
        email.subject
    );
    let link = email.link("https://aims.acme.example/tasks/").unwrap();
    let (_, task) = link.rsplit_once('/').unwrap();
    let inbox = app.inbox(&each, 10).await.unwrap();
    assert_eq!(inbox.notifications[0].link, format!("/tasks/{task}"));

    // A day on, the one who chose the digest gets one email listing what came meanwhile,
    // and no second one until another day has passed.
    assert_eq!(app.send_digests().await.unwrap(), 0, "not a day yet");
    app.create_task(
        &editor,
        TaskFacts {
            title: "Confirm the scope".into(),
            assignee: Some(id(&digest)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    clock.advance(86_400 + 60);
    assert_eq!(app.send_digests().await.unwrap(), 1);
    assert_eq!(app.send_digests().await.unwrap(), 0, "once a day");
    while worker.run_one().await.unwrap() {}
    let received = sink.wait_for(2).await;
    assert_eq!(received.len(), 2, "{received:?}");
    let digest_email = &received[1];
    assert_eq!(digest_email.rcpt_tos, ["dora@acme.example"]);
    assert!(
        digest_email.text.contains("Read the AI policy")
            && digest_email.text.contains("Confirm the scope")
            && digest_email
                .text
                .contains("https://aims.acme.example/tasks/"),
        "{}",
        digest_email.text
    );
}

async fn with_mail_off_notifications_stay_in_the_app(store: Store) {
    let app = App::new(store.clone(), Arc::new(FixedClock::new(START)));
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let editor = person(&app, org, "eddie", "editor").await;
    let viewer = person(&app, org, "vera", "viewer").await;
    app.create_task(
        &editor,
        TaskFacts {
            title: "Read the AI policy".into(),
            assignee: Some(id(&viewer)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(app.inbox(&viewer, 10).await.unwrap().unread, 1);
    let mut tx = store.read().await.unwrap();
    assert!(tx.jobs_of_kind("send_email", 10).await.unwrap().is_empty());
}

on_both_engines!(
    assignments_are_emailed_as_each_person_chose,
    with_mail_off_notifications_stay_in_the_app,
);
