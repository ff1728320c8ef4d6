//! The outbox: an email is queued in the transaction of its change and sent by the worker.

use aims_app::{AppError, NewInvitation, SmtpPassword, Store};

use crate::smtp_sink::SmtpSink;
use crate::{PUBLIC, email_jobs, mail_to, payload, run_due, world};

fn invite(email: &str) -> NewInvitation {
    NewInvitation {
        email: email.into(),
        role: "editor".into(),
    }
}

/// A port on 127.0.0.1 that nothing listens on: taken from the system and let go.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

on_both_engines!(
    an_invitation_is_emailed_to_the_invitee_once_its_change_commits,
    with_mail_off_nothing_is_queued_and_resets_are_refused,
    a_mail_server_that_is_down_keeps_the_email_queued_with_retries_until_it_gives_up,
    smtp_urls_require_starttls_and_never_fall_back_to_plain_text,
    the_smtp_account_signs_in_and_its_password_is_never_shown,
);

async fn an_invitation_is_emailed_to_the_invitee_once_its_change_commits(store: Store) {
    let Some(sink) = SmtpSink::start("emailed invitations") else {
        return;
    };
    let w = world(store, Some(mail_to(&sink.url()))).await;
    assert!(w.app.mail_enabled());
    let (_, credential) = w
        .app
        .invite(&w.owner, invite("Grace@Elsewhere.example"))
        .await
        .unwrap();
    // A refused invitation rolls back, and its email with it.
    let refused = w.app.invite(&w.owner, invite("ada@acme.example")).await;
    assert!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");
    let jobs = email_jobs(&w.store).await;
    assert_eq!(jobs.len(), 1);
    assert_eq!((jobs[0].state.as_str(), jobs[0].attempts), ("queued", 0));
    assert!(sink.received().is_empty(), "nothing is sent in the request");

    assert_eq!(run_due(&w.worker).await, 1);
    let received = sink.wait_for(1).await;
    assert_eq!(received.len(), 1);
    let email = &received[0];
    assert_eq!(email.rcpt_tos, ["grace@elsewhere.example"]);
    assert!(email.from.contains("aims@acme.example"), "{}", email.from);
    assert!(email.subject.contains("Acme"), "{}", email.subject);
    assert!(
        email
            .text
            .contains("ada@acme.example invited you to join Acme")
    );
    assert!(email.text.contains("Editor"), "{}", email.text);
    let link = format!("{PUBLIC}/invitations/{}", credential.secret);
    assert_eq!(email.link(PUBLIC).as_deref(), Some(link.as_str()));
    assert!(w.app.open_invitation(&credential.secret).await.is_ok());

    // Sent: the job is done, and the link it carried is no longer kept in the queue.
    let job = &email_jobs(&w.store).await[0];
    assert_eq!((job.state.as_str(), job.attempts), ("done", 1));
    assert_eq!(payload(&w.store, job).await, "{}");
    assert_eq!(run_due(&w.worker).await, 0, "sent once");
    assert_eq!(sink.received().len(), 1);
}

async fn with_mail_off_nothing_is_queued_and_resets_are_refused(store: Store) {
    let w = world(store, None).await;
    assert!(!w.app.mail_enabled());
    w.app
        .invite(&w.owner, invite("grace@elsewhere.example"))
        .await
        .unwrap();
    assert!(email_jobs(&w.store).await.is_empty());
    let asked = w
        .app
        .request_password_reset("ada@acme.example", Default::default())
        .await;
    assert!(
        matches!(&asked, Err(AppError::Conflict(why)) if why.contains("administrator")),
        "{asked:?}"
    );
    assert!(email_jobs(&w.store).await.is_empty());
}

async fn a_mail_server_that_is_down_keeps_the_email_queued_with_retries_until_it_gives_up(
    store: Store,
) {
    let url = format!("smtp+insecure://127.0.0.1:{}", closed_port());
    let mail = mail_to(&url)
        .with_credentials(
            Some("aims".into()),
            Some(SmtpPassword::new("pw-down-server-4242")),
        )
        .unwrap();
    let w = world(store, Some(mail)).await;
    // The change succeeds while the server is down: sending is not part of it.
    w.app
        .invite(&w.owner, invite("grace@elsewhere.example"))
        .await
        .unwrap();
    assert_eq!(run_due(&w.worker).await, 1);
    let job = email_jobs(&w.store).await.remove(0);
    assert_eq!((job.state.as_str(), job.attempts), ("queued", 1));
    let error = job.last_error.clone().unwrap();
    assert!(error.contains(&url), "{error}");
    for secret in ["pw-down-server-4242", "grace@", "/invitations/"] {
        assert!(!error.contains(secret), "{error}");
    }
    assert!(payload(&w.store, &job).await.contains("/invitations/"));

    // Retried later, with growing pauses: 10 s, then 20 s, ...
    assert_eq!(run_due(&w.worker).await, 0, "not due again at once");
    w.clock.advance(10);
    assert_eq!(run_due(&w.worker).await, 1);
    let job = email_jobs(&w.store).await.remove(0);
    assert_eq!((job.state.as_str(), job.attempts), ("queued", 2));
    w.clock.advance(19);
    assert_eq!(run_due(&w.worker).await, 0);

    // After the last attempt the email is given up: failed for good, its reason kept, and
    // the link it carried dropped.
    for _ in 0..20 {
        w.clock.advance(3 * 3600);
        run_due(&w.worker).await;
    }
    let job = email_jobs(&w.store).await.remove(0);
    assert_eq!((job.state.as_str(), job.attempts), ("failed", 10));
    assert!(job.last_error.as_ref().unwrap().contains(&url));
    assert_eq!(payload(&w.store, &job).await, "{}");
}

async fn smtp_urls_require_starttls_and_never_fall_back_to_plain_text(store: Store) {
    let Some(sink) = SmtpSink::start("STARTTLS required") else {
        return;
    };
    // The sink offers no STARTTLS: an smtp:// URL must not send through it in the clear.
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let w = world(store, Some(mail_to(&url))).await;
    w.app
        .invite(&w.owner, invite("grace@elsewhere.example"))
        .await
        .unwrap();
    assert_eq!(run_due(&w.worker).await, 1);
    let job = email_jobs(&w.store).await.remove(0);
    assert_eq!((job.state.as_str(), job.attempts), ("queued", 1));
    assert!(job.last_error.unwrap().contains("smtp://127.0.0.1"));
    assert!(sink.received().is_empty());
}

async fn the_smtp_account_signs_in_and_its_password_is_never_shown(store: Store) {
    let password = "pw-sink-login-1793";
    let Some(sink) = SmtpSink::start_with_login("SMTP sign-in", "aims", password) else {
        return;
    };
    let right = mail_to(&sink.url())
        .with_credentials(Some("aims".into()), Some(SmtpPassword::new(password)))
        .unwrap();
    assert!(!format!("{right:?}").contains(password));
    assert!(!right.describe().contains(password));
    let w = world(store.clone(), Some(right)).await;
    w.app
        .invite(&w.owner, invite("grace@elsewhere.example"))
        .await
        .unwrap();
    assert_eq!(run_due(&w.worker).await, 1);
    let received = sink.wait_for(1).await;
    assert_eq!(received[0].login.as_deref(), Some("aims"));
    assert!(!received[0].raw.contains(password));

    // A wrong password is refused by the server; the email waits for the operator to mend
    // it, and the error kept says nothing of the password.
    let wrong_password = "pw-wrong-login-2718";
    let wrong = mail_to(&sink.url())
        .with_credentials(Some("aims".into()), Some(SmtpPassword::new(wrong_password)))
        .unwrap();
    let app = w.app.clone().with_mail(wrong).unwrap();
    app.invite(&w.owner, invite("hedy@elsewhere.example"))
        .await
        .unwrap();
    assert_eq!(run_due(&aims_app::Worker::new(app, "wrong")).await, 1);
    let job = email_jobs(&w.store).await.remove(0);
    assert_eq!((job.state.as_str(), job.attempts), ("queued", 1));
    let error = job.last_error.unwrap();
    assert!(error.contains("535"), "{error}");
    assert!(
        !error.contains(wrong_password) && !error.contains(password),
        "{error}"
    );
    assert_eq!(sink.received().len(), 1);
}
