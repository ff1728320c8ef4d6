//! The background worker runs the purge job, which removes what has expired and schedules
//! its next run.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::Timestamp;
use aims_app::{App, Client, FixedClock, SignIn, Worker};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_purge_job_removes_expired_sessions_and_setup_tokens_and_comes_back() {
    let (store, _dir) = aims_store::testing::sqlite().await;
    let clock = Arc::new(FixedClock::new(Timestamp::from_micros(
        1_800_000_000_000_000,
    )));
    let app = App::new(store.clone(), clock.clone());
    let setup = app.issue_setup_token().await.unwrap().unwrap();
    let org = app.admin_create_org("Acme").await.unwrap().id;
    app.admin_create_user(org, "ada@acme.example", "owner", "correct horse battery")
        .await
        .unwrap();
    let signed_in = app
        .sign_in(SignIn {
            email: "ada@acme.example".into(),
            password: "correct horse battery".into(),
            client: Client::default(),
        })
        .await
        .unwrap();
    let worker = Worker::new(app.clone(), "test");
    assert!(app.schedule_purge(0).await.unwrap());
    assert!(
        !app.schedule_purge(0).await.unwrap(),
        "one purge pending at a time"
    );

    // Nothing has expired yet.
    assert!(worker.run_one().await.unwrap());
    assert!(app.session(&signed_in.cookie.secret).await.is_ok());
    assert_eq!(
        app.queue_depth().await.unwrap(),
        1,
        "the next run is queued"
    );
    assert!(!worker.run_one().await.unwrap(), "and not due for an hour");

    // Fifteen days on, the session and the setup token have expired and go.
    clock.advance(15 * 86_400);
    assert!(worker.run_one().await.unwrap());
    let mut tx = store.read().await.unwrap();
    assert!(
        tx.sessions_of(signed_in.session.user, Timestamp::from_micros(0))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !tx.setup_token_is_valid(&setup.hash, Timestamp::from_micros(0))
            .await
            .unwrap()
    );
    assert_eq!(tx.queue_depth().await.unwrap(), 1);
}
