use std::sync::Arc;

use aims_domain::audit::{AuditAction, AuditActor, NewAuditEvent, verify_chain};
use aims_domain::{OrgId, Role};
use aims_store::{AuditQuery, Store};
use serde_json::json;

use crate::{at, member, org};

fn event(actor: &str, object_type: &str, object_id: &str) -> NewAuditEvent {
    let actor = AuditActor {
        kind: "user".into(),
        id: actor.into(),
        label: format!("{actor}@example.org"),
    };
    // The first action about that kind of record.
    let action = *AuditAction::ALL
        .iter()
        .find(|a| a.object_type() == object_type)
        .expect("an action about that kind of record");
    NewAuditEvent::new(actor, action, object_id, json!({"to": object_id}))
}

async fn chain(store: &Store, org: OrgId) -> Vec<aims_domain::audit::AuditEvent> {
    let mut tx = store.read().await.unwrap();
    let mut events = Vec::new();
    loop {
        let after = events
            .last()
            .map_or(0, |e: &aims_domain::audit::AuditEvent| e.seq);
        let page = tx.audit_chain_page(org, after, 1000).await.unwrap();
        if page.is_empty() {
            return events;
        }
        events.extend(page);
    }
}

pub async fn appends_form_one_verifiable_chain_per_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let beta = org(&store, "Beta").await;
    for i in 0..5 {
        let mut tx = store.write().await.unwrap();
        tx.append_audit(acme, event("ada", "member", &format!("m{i}")), at(i))
            .await
            .unwrap();
        tx.append_audit(beta, event("bob", "token", &format!("t{i}")), at(i))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    // A rolled-back change leaves no event behind.
    let mut tx = store.write().await.unwrap();
    tx.append_audit(acme, event("ada", "member", "ghost"), at(9))
        .await
        .unwrap();
    drop(tx);
    let events = chain(&store, acme).await;
    assert_eq!(events.len(), 5);
    assert_eq!(verify_chain(acme, &events), Ok(5));
    assert!(events.iter().all(|e| e.object_type == "member"));
    assert_eq!(verify_chain(beta, &chain(&store, beta).await), Ok(5));
}

pub async fn queries_filter_and_page(store: Store) {
    let acme = org(&store, "Acme").await;
    let beta = org(&store, "Beta").await;
    let mut tx = store.write().await.unwrap();
    for i in 0..10 {
        let (actor, kind) = if i % 2 == 0 {
            ("ada", "member")
        } else {
            ("bob", "token")
        };
        tx.append_audit(acme, event(actor, kind, &format!("o{}", i % 3)), at(i))
            .await
            .unwrap();
    }
    tx.append_audit(beta, event("ada", "member", "o0"), at(0))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    let query = |f: fn(&mut AuditQuery)| {
        let mut q = AuditQuery {
            limit: 100,
            ..AuditQuery::default()
        };
        f(&mut q);
        q
    };
    let seqs = |events: Vec<aims_domain::audit::AuditEvent>| {
        events.iter().map(|e| e.seq).collect::<Vec<_>>()
    };
    assert_eq!(
        seqs(tx.audit_events(acme, &query(|_| {})).await.unwrap()),
        (1..=10).rev().collect::<Vec<_>>()
    );
    assert_eq!(
        seqs(
            tx.audit_events(acme, &query(|q| q.actor_id = Some("bob".into())))
                .await
                .unwrap()
        ),
        [10, 8, 6, 4, 2]
    );
    assert_eq!(
        seqs(
            tx.audit_events(
                acme,
                &query(|q| {
                    q.object_type = Some("member".into());
                    q.object_id = Some("o0".into());
                })
            )
            .await
            .unwrap()
        ),
        [7, 1]
    );
    assert_eq!(
        seqs(
            tx.audit_events(
                acme,
                &query(|q| {
                    q.from = Some(at(3));
                    q.to = Some(at(6));
                })
            )
            .await
            .unwrap()
        ),
        [6, 5, 4]
    );
    let first = tx
        .audit_events(
            acme,
            &AuditQuery {
                limit: 4,
                ..AuditQuery::default()
            },
        )
        .await
        .unwrap();
    let next = AuditQuery {
        limit: 4,
        before_seq: first.last().map(|e| e.seq),
        ..AuditQuery::default()
    };
    assert_eq!(seqs(first), [10, 9, 8, 7]);
    assert_eq!(
        seqs(tx.audit_events(acme, &next).await.unwrap()),
        [6, 5, 4, 3]
    );
    // Back to newer events from the second page: the nearest ones, newest first.
    let newer = AuditQuery {
        limit: 2,
        after_seq: Some(6),
        ..AuditQuery::default()
    };
    assert_eq!(seqs(tx.audit_events(acme, &newer).await.unwrap()), [8, 7]);
    assert_eq!(
        seqs(tx.audit_events(beta, &query(|_| {})).await.unwrap()),
        [1]
    );
}

/// Eight writers append 500 changes each to one organisation: one valid chain of 4,000.
pub async fn concurrent_writers_leave_one_valid_chain(store: Store) {
    let acme = org(&store, "Acme").await;
    let ada = member(&store, acme, "ada@example.org", Role::Owner).await;
    let store = Arc::new(store);
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..500 {
                    let mut tx = store.write().await.unwrap();
                    tx.rename_org(acme, &format!("Acme {w}-{i}"), at(i))
                        .await
                        .unwrap();
                    tx.append_audit(
                        acme,
                        event(&ada.to_string(), "organisation", &format!("{w}-{i}")),
                        at(i),
                    )
                    .await
                    .unwrap();
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let events = chain(&store, acme).await;
    assert_eq!(verify_chain(acme, &events), Ok(4000));
}

pub async fn recorded_events_cannot_be_changed_or_deleted(store: Store) {
    let acme = org(&store, "Acme").await;
    let mut tx = store.write().await.unwrap();
    tx.append_audit(acme, event("ada", "member", "m1"), at(1))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for sql in [
        "UPDATE audit_events SET change = '{}'",
        "DELETE FROM audit_events",
    ] {
        let err = aims_store::testing::execute_raw(&store, sql)
            .await
            .unwrap_err();
        // The trigger's own words, in the error's causes.
        let cause = std::error::Error::source(&err).map(ToString::to_string);
        assert!(
            cause.as_deref().is_some_and(|c| c.contains("append-only")),
            "{sql}: {err}: {cause:?}"
        );
    }
    assert_eq!(chain(&store, acme).await.len(), 1);
}
