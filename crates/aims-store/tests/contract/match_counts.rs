//! List totals stay true while the store keeps counts: after writes in this process and after
//! audited changes made by another process over the same database.

use aims_domain::audit::{AuditActor, NewAuditEvent};
use aims_domain::inventory::{AiSystem, LifecycleStage};
use aims_domain::risk::{Risk, RiskMethod};
use aims_domain::{AiSystemId, OrgId, RiskId};
use aims_store::{RiskQuery, Store, SystemQuery};

use crate::inventory::{facts, new_system};
use crate::risks::{levels, risk_facts};
use crate::{at, org};

fn system(name: &str) -> AiSystem {
    let mut f = facts(name);
    f.lifecycle_stage = LifecycleStage::Deployment;
    f.description = "keeps the ledger".into();
    new_system(f)
}

fn risk(title: &str) -> Risk {
    Risk {
        id: RiskId::new(),
        number: 0,
        facts: risk_facts(title, 5, 5),
        acceptance: None,
        rated_by: None,
        created_at: at(0),
        updated_at: at(0),
        revision: 1,
    }
}

/// Adds a system and a high risk to `org`, with an audit event when `audited`.
async fn add(store: &Store, org: OrgId, name: &str, audited: bool) -> (AiSystemId, RiskId) {
    let (s, r) = (system(name), risk(&format!("{name} ledger drift")));
    let mut tx = store.write().await.unwrap();
    tx.insert_ai_system(org, &s).await.unwrap();
    tx.insert_risk(
        org,
        &r,
        levels(&RiskMethod::default_five_by_five(), &r.facts),
    )
    .await
    .unwrap();
    if audited {
        let actor = AuditActor {
            kind: "user".into(),
            id: "ada".into(),
            label: "ada@example.org".into(),
        };
        let event = NewAuditEvent::new(
            actor,
            aims_domain::audit::AuditAction::AiSystemCreated,
            s.id,
            "{}".into(),
        );
        tx.append_audit(org, event, at(1)).await.unwrap();
    }
    tx.commit().await.unwrap();
    (s.id, r.id)
}

/// The totals of three filtered lists of `org`: systems by stage, by words, and high risks.
async fn totals(store: &Store, org: OrgId) -> [i64; 3] {
    let by_stage = SystemQuery {
        lifecycle_stage: Some("deployment".into()),
        limit: 2,
        ..Default::default()
    };
    let by_words = SystemQuery {
        text: Some("ledger".into()),
        limit: 2,
        ..Default::default()
    };
    let high = RiskQuery {
        min_level: Some(2),
        open_only: true,
        limit: 2,
        ..Default::default()
    };
    let mut tx = store.read().await.unwrap();
    [
        tx.ai_systems(org, &by_stage).await.unwrap().1,
        tx.ai_systems(org, &by_words).await.unwrap().1,
        tx.risks(org, &high).await.unwrap().1,
    ]
}

pub async fn list_totals_follow_changes_from_here_and_elsewhere(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let elsewhere = store.reopen().await.unwrap();
    for i in 0..3 {
        add(&store, acme, &format!("Here {i}"), false).await;
    }
    assert_eq!(totals(&store, acme).await, [3, 3, 3]);
    // Asked again, the same: whether counted or kept.
    assert_eq!(totals(&store, acme).await, [3, 3, 3]);
    assert_eq!(totals(&elsewhere, acme).await, [3, 3, 3]);

    // A change made by another process, audited as every use case's is.
    add(&elsewhere, acme, "Elsewhere", true).await;
    assert_eq!(totals(&store, acme).await, [4, 4, 4]);

    // A write in this process, below the use cases, with no audit event.
    let (added, risk) = add(&store, acme, "Here again", false).await;
    assert_eq!(totals(&store, acme).await, [5, 5, 5]);
    let mut tx = store.write().await.unwrap();
    tx.delete_ai_system(acme, added).await.unwrap();
    tx.delete_risk(acme, risk).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(totals(&store, acme).await, [4, 4, 4]);

    // A write rolled back changes nothing; another organisation's changes are its own.
    let mut tx = store.write().await.unwrap();
    tx.insert_ai_system(acme, &system("Ghost")).await.unwrap();
    drop(tx);
    add(&elsewhere, other, "Other's", true).await;
    assert_eq!(totals(&store, acme).await, [4, 4, 4]);
    assert_eq!(totals(&store, other).await, [1, 1, 1]);
    assert_eq!(totals(&elsewhere, acme).await, [4, 4, 4]);
}

pub async fn a_read_sees_one_snapshot_and_keeps_no_count_for_newer_ones(store: Store) {
    let acme = org(&store, "Acme").await;
    add(&store, acme, "First", false).await;
    let mut old = store.read().await.unwrap();
    let high = RiskQuery {
        min_level: Some(2),
        limit: 2,
        ..Default::default()
    };
    assert_eq!(old.risks(acme, &high).await.unwrap().1, 1);
    // Committed while the old transaction is open: it keeps seeing what it saw first...
    add(&store, acme, "Second", false).await;
    assert_eq!(old.risks(acme, &high).await.unwrap().1, 1);
    let by_words = SystemQuery {
        text: Some("ledger".into()),
        limit: 2,
        ..Default::default()
    };
    assert_eq!(old.ai_systems(acme, &by_words).await.unwrap().1, 1);
    drop(old);
    // ...and what it counted there is not what a newer one gets.
    assert_eq!(totals(&store, acme).await, [2, 2, 2]);
}
