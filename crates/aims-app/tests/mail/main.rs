//! Email through a real SMTP server (aiosmtpd, started by each test on a free port), on both
//! engines: invitations are emailed when their change commits and never otherwise, a server
//! that is down leaves the email queued with its error and the queue's retries, STARTTLS is
//! never given up for plain text, the SMTP password is used and never shown, and the
//! self-service password reset from the request to the new password.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use aims_app::domain::Actor;
use aims_app::{App, FixedClock, JobStatus, MailSettings, Store, Worker};

#[macro_use]
#[path = "../engines/mod.rs"]
mod engines;
#[path = "../people/mod.rs"]
mod people;
#[path = "../support/smtp_sink.rs"]
mod smtp_sink;

mod outbox;
mod reset;

/// Where the tests' aims is reached: links in emails start with it.
pub const PUBLIC: &str = "https://aims.acme.example";

/// Mail through the server at `url`, as aims@acme.example, giving up an attempt after 5 s.
pub fn mail_to(url: &str) -> MailSettings {
    MailSettings::new(url, "aims <aims@acme.example>", PUBLIC)
        .unwrap()
        .with_timeout(Duration::from_secs(5))
}

/// An application with a fixed clock, mail as given, and an owner of Acme.
pub struct World {
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub store: Store,
    pub owner: Actor,
    pub worker: Worker,
}

pub async fn world(store: Store, mail: Option<MailSettings>) -> World {
    let clock = Arc::new(FixedClock::new(people::START));
    let mut app = App::new(store.clone(), clock.clone());
    if let Some(mail) = mail {
        app = app.with_mail(mail).unwrap();
    }
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let owner = people::person(&app, org, "ada", "owner").await;
    let worker = Worker::new(app.clone(), "mail-test");
    World {
        app,
        clock,
        store,
        owner,
        worker,
    }
}

/// The `send_email` jobs, newest first.
pub async fn email_jobs(store: &Store) -> Vec<JobStatus> {
    let mut tx = store.read().await.unwrap();
    tx.jobs_of_kind("send_email", 100).await.unwrap()
}

/// The payload a job holds now.
pub async fn payload(store: &Store, job: &JobStatus) -> String {
    let mut tx = store.read().await.unwrap();
    tx.job_payload(job.id).await.unwrap().unwrap()
}

/// Runs every job that is due.
pub async fn run_due(worker: &Worker) -> usize {
    let mut ran = 0;
    while worker.run_one().await.unwrap() {
        ran += 1;
    }
    ran
}
