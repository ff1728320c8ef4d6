//! Signed checkpoints make a trail that was cut, rewritten with recomputed hashes, or given a
//! forged checkpoint fail verification, on both engines, though its chain alone verifies.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::audit::{CheckpointSigner, NewAuditEvent};
use aims_app::domain::{Actor, ActorKind, OrgId, Role};
use aims_app::{App, AppError, Engine, Store, SystemClock};

#[macro_use]
mod engines;

on_both_engines! {
    a_rewritten_trail_fails_against_its_checkpoint_and_signed_head,
    a_cut_trail_fails_against_its_checkpoint,
    a_checkpoint_signed_by_another_key_is_refused,
}

/// An application that signs with key `seed`, an organisation with six events, and its
/// signed head.
async fn signed(store: Store, seed: u8) -> (App, OrgId, String) {
    let app = App::new(store, Arc::new(SystemClock))
        .with_audit_keys(Some(CheckpointSigner::from_seed([seed; 32])), vec![]);
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let actor = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Owner,
        label: "test".into(),
    };
    for n in 0..5 {
        app.rename_org(&actor, &format!("Acme {n}")).await.unwrap();
    }
    assert_eq!(app.sign_audit_heads().await.unwrap(), 1);
    assert_eq!(
        app.sign_audit_heads().await.unwrap(),
        0,
        "nothing new to sign"
    );
    let report = app.verify_chain(org).await.unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!(report.checkpoints.verified, 1);
    assert_eq!(report.checkpoints.events_after_latest, 0);
    let head = app.latest_signed_head(org).await.unwrap().to_line();
    assert_eq!(app.check_signed_head(&head).await.unwrap().seq, 6);
    (app, org, head)
}

/// Drops the triggers that keep the trail append-only, as someone with the database's
/// owner rights can.
async fn unprotect(store: &Store) {
    let sql = match store.engine() {
        Engine::Sqlite => {
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
        }
        Engine::Postgres => "DROP TRIGGER audit_events_no_change ON audit_events",
    };
    aims_store::testing::execute_raw(store, sql).await.unwrap();
}

async fn a_rewritten_trail_fails_against_its_checkpoint_and_signed_head(store: Store) {
    let (app, org, head) = signed(store.clone(), 1).await;
    unprotect(&store).await;
    // Event #3 says something else, and every later hash is recomputed: the chain verifies.
    let events = store
        .read()
        .await
        .unwrap()
        .audit_chain_page(org, 0, 100)
        .await
        .unwrap();
    let mut prev = None;
    for mut event in events {
        if event.seq == 3 {
            event.change = r#"{"name":{"from":"x","to":"y"}}"#.into();
        }
        if let Some(hash) = prev {
            event.prev_hash = hash;
        }
        event.hash = event.compute_hash();
        prev = Some(event.hash);
        aims_store::testing::execute_raw(
            &store,
            &format!(
                "UPDATE audit_events SET change = '{}', prev_hash = '{}', hash = '{}' \
                 WHERE org_id = '{org}' AND seq = {}",
                event.change, event.prev_hash, event.hash, event.seq
            ),
        )
        .await
        .unwrap();
    }
    let report = app.verify_chain(org).await.unwrap();
    assert!(report.broken.is_none(), "the chain alone verifies");
    let why = report.checkpoints.broken.expect("the checkpoint finds it");
    assert!(why.contains("rewritten") && why.contains("#6"), "{why}");
    match app.check_signed_head(&head).await {
        Err(AppError::Conflict(why)) => assert!(why.contains("rewritten"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Nor is the rewritten head signed over.
    aims_app_append(&app, org).await;
    assert_eq!(app.sign_audit_heads().await.unwrap(), 0);
}

async fn aims_app_append(app: &App, org: OrgId) {
    let mut tx = app.store().write_for(org).await.unwrap();
    tx.append_audit(
        org,
        NewAuditEvent::new(
            aims_app::domain::audit::AuditActor {
                kind: "system".into(),
                id: String::new(),
                label: "test".into(),
            },
            aims_app::domain::audit::AuditAction::OrganisationRenamed,
            org,
            serde_json::json!({}),
        ),
        app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn a_cut_trail_fails_against_its_checkpoint(store: Store) {
    let (app, org, head) = signed(store.clone(), 2).await;
    unprotect(&store).await;
    aims_store::testing::execute_raw(
        &store,
        &format!("DELETE FROM audit_events WHERE org_id = '{org}' AND seq > 4"),
    )
    .await
    .unwrap();
    let report = app.verify_chain(org).await.unwrap();
    assert!(
        report.broken.is_none(),
        "what is left of the chain verifies"
    );
    let why = report
        .checkpoints
        .broken
        .expect("the checkpoint finds the cut");
    assert!(why.contains("cut") && why.contains("#6"), "{why}");
    match app.check_signed_head(&head).await {
        Err(AppError::Conflict(why)) => assert!(why.contains("cut"), "{why}"),
        other => panic!("{other:?}"),
    }
}

async fn a_checkpoint_signed_by_another_key_is_refused(store: Store) {
    let (app, org, _) = signed(store.clone(), 3).await;
    aims_app_append(&app, org).await;
    // Someone who can write to the database signs the new head with a key of their own.
    let (seq, hash) = store
        .read()
        .await
        .unwrap()
        .audit_head_hash(org)
        .await
        .unwrap()
        .unwrap();
    let forged = CheckpointSigner::from_seed([9; 32]).sign(org, seq, hash, app.now());
    let mut tx = store.write().await.unwrap();
    tx.insert_checkpoint(&forged).await.unwrap();
    tx.commit().await.unwrap();
    let report = app.verify_chain(org).await.unwrap();
    let why = report
        .checkpoints
        .broken
        .expect("the forged checkpoint is found");
    assert!(why.contains("not trusted"), "{why}");
    assert!(
        app.check_signed_head(&forged.to_line())
            .await
            .is_err_and(|e| e.to_string().contains("not trusted"))
    );
}
