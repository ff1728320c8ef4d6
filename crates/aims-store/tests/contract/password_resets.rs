//! Password reset links (found by hash, once, until they expire) and the mail outbox's needs
//! of the job queue (emptying a sent email's payload, listing a kind's jobs).

use aims_domain::{OrgId, Role, SecretHash};
use aims_store::{NewJob, Store, StoreError};

use crate::{at, member, org};

pub async fn reset_links_work_once_until_they_expire(store: Store) {
    let acme = org(&store, "Acme").await;
    let ada = member(&store, acme, "ada@example.org", Role::Owner).await;
    let bob = member(&store, acme, "bob@example.org", Role::Viewer).await;
    let (first, second, bobs) = (
        SecretHash::of("first"),
        SecretHash::of("second"),
        SecretHash::of("bobs"),
    );
    let mut tx = store.write().await.unwrap();
    for (user, hash) in [(ada, &first), (ada, &second), (bob, &bobs)] {
        tx.insert_password_reset(user, hash, at(0), at(3600))
            .await
            .unwrap();
    }
    let open = tx
        .open_password_reset(&first, at(10))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (open.user, open.created_at, open.expires_at),
        (ada, at(0), at(3600))
    );
    assert_eq!(
        tx.open_password_reset(&SecretHash::of("nope"), at(10))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tx.open_password_reset(&first, at(3600)).await.unwrap(),
        None,
        "expired"
    );
    assert!(matches!(
        tx.use_password_reset(&first, at(3600)).await,
        Err(StoreError::NotFound)
    ));

    assert_eq!(tx.use_password_reset(&first, at(20)).await.unwrap(), ada);
    assert!(matches!(
        tx.use_password_reset(&first, at(21)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(tx.open_password_reset(&first, at(21)).await.unwrap(), None);
    // Closing Ada's links leaves Bob's alone.
    assert_eq!(tx.close_password_resets(ada, at(22)).await.unwrap(), 1);
    assert_eq!(tx.open_password_reset(&second, at(23)).await.unwrap(), None);
    assert!(
        tx.open_password_reset(&bobs, at(23))
            .await
            .unwrap()
            .is_some()
    );
    // Used ones go at once, open ones once expired.
    assert_eq!(tx.purge_password_resets(at(30)).await.unwrap(), 2);
    assert!(
        tx.open_password_reset(&bobs, at(31))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(tx.purge_password_resets(at(3600)).await.unwrap(), 1);
    tx.commit().await.unwrap();
}

pub async fn a_sent_emails_payload_is_emptied_and_its_kind_listed(store: Store) {
    let acme: OrgId = org(&store, "Acme").await;
    let job = |kind: &str, payload: &str, org: Option<OrgId>| NewJob {
        org,
        kind: kind.into(),
        payload: payload.into(),
        unique_key: None,
        max_attempts: 3,
        run_at: at(0),
        subject: None,
    };
    let mut tx = store.write().await.unwrap();
    for (kind, payload, org) in [
        ("send_email", r#"{"to":"a@example.org"}"#, None),
        ("send_email", r#"{"to":"b@example.org"}"#, Some(acme)),
        ("purge_expired", "{}", None),
    ] {
        assert!(
            tx.enqueue_job(&job(kind, payload, org), at(0))
                .await
                .unwrap()
        );
    }
    let emails = tx.jobs_of_kind("send_email", 10).await.unwrap();
    assert_eq!(emails.len(), 2);
    assert!(
        emails
            .iter()
            .all(|j| j.kind == "send_email" && j.state == "queued")
    );
    assert_eq!(tx.jobs_of_kind("send_email", 1).await.unwrap().len(), 1);
    let id = emails[0].id;
    assert!(
        tx.job_payload(id)
            .await
            .unwrap()
            .unwrap()
            .contains("@example.org")
    );
    tx.clear_job_payload(id).await.unwrap();
    assert_eq!(tx.job_payload(id).await.unwrap().as_deref(), Some("{}"));
    assert!(
        tx.job_payload(emails[1].id)
            .await
            .unwrap()
            .unwrap()
            .contains("@example.org"),
        "only that job's"
    );
    assert_eq!(
        tx.job_payload(aims_domain::JobId::new()).await.unwrap(),
        None
    );
    tx.commit().await.unwrap();
}
