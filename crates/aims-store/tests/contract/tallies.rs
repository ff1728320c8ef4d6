//! The running counts the Statement of Applicability and the dashboard read (treatments,
//! evidence, obligations and systems by class) follow every change to the rows they count,
//! and come back after a restore, which does not carry them.

use std::collections::BTreeMap;

use aims_domain::evidence::{Target, TargetKind};
use aims_domain::risk::{RiskMethod, RiskStatus};
use aims_domain::{AiSystemId, ClassificationId, OrgId};
use aims_store::{ClassificationRecord, Store};

use crate::evidence::evidence;
use crate::inventory::{facts, system};
use crate::risks::{levels, new_risk, risk_facts};
use crate::{at, org};

/// Treating risks per control, as `(control, risks)`.
async fn treatments(store: &Store, org: OrgId) -> Vec<(String, i64)> {
    let mut tx = store.read().await.unwrap();
    let counts = tx.control_treatment_counts(org).await.unwrap();
    counts.into_iter().collect()
}

/// Evidence per control at `now`, as `(control, total, current)`.
async fn evidence_counts(store: &Store, org: OrgId, now: i64) -> Vec<(String, i64, i64)> {
    let mut tx = store.read().await.unwrap();
    let counts: BTreeMap<_, _> = tx.control_evidence_counts(org, at(now)).await.unwrap();
    counts
        .into_iter()
        .map(|(control, c)| (control, c.total, c.current))
        .collect()
}

/// Requirements owed, as `(requirement, systems, first system)`.
async fn obligations(store: &Store, org: OrgId) -> Vec<(String, i64, String)> {
    let mut tx = store.read().await.unwrap();
    let counts = tx.obligation_counts(org).await.unwrap();
    counts
        .into_iter()
        .map(|o| (o.requirement, o.systems, o.first_system))
        .collect()
}

/// Systems per EU AI Act class, `None` for unclassified.
async fn classes(store: &Store, org: OrgId) -> Vec<(Option<String>, i64)> {
    let mut tx = store.read().await.unwrap();
    tx.systems_by_class(org).await.unwrap()
}

fn class(name: Option<&str>, n: i64) -> (Option<String>, i64) {
    (name.map(str::to_owned), n)
}

/// A high-risk classification of `system` whose result owes `requirements`.
fn classification(system: AiSystemId, requirements: &[&str]) -> ClassificationRecord {
    let owed: Vec<_> = requirements
        .iter()
        .map(|r| serde_json::json!({ "requirement": r }))
        .collect();
    ClassificationRecord {
        id: ClassificationId::new(),
        system,
        version: 0,
        class: "high_risk".into(),
        answers: serde_json::json!({}),
        result: serde_json::json!({ "obligations": owed }),
        decided_at: at(1),
        decided_by: "x".into(),
    }
}

/// A minimal-risk classification of `system`, owing nothing.
fn minimal(system: AiSystemId) -> ClassificationRecord {
    ClassificationRecord {
        class: "minimal_risk".into(),
        ..classification(system, &[])
    }
}

fn control(id: &str) -> Target {
    Target {
        kind: TargetKind::Control,
        id: id.into(),
    }
}

fn row(control: &str, n: i64) -> (String, i64) {
    (control.to_owned(), n)
}

pub async fn tallies_follow_every_change_and_a_restore(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let m = RiskMethod::default_five_by_five();
    let with_controls = |title: &str, controls: &[&str]| {
        let mut f = risk_facts(title, 2, 2);
        f.controls = controls.iter().map(|c| (*c).to_owned()).collect();
        new_risk(f)
    };
    let drift = with_controls("Drift", &["A.6.2.4", "A.6.2.6"]);
    let bias = with_controls("Bias", &["A.6.2.4"]);
    let leak = with_controls("Leak", &["A.7.4"]);
    let mut tx = store.write().await.unwrap();
    for r in [&drift, &bias, &leak] {
        tx.insert_risk(acme, r, levels(&m, &r.facts)).await.unwrap();
    }
    let elsewhere = with_controls("Elsewhere", &["A.6.2.4"]);
    tx.insert_risk(other, &elsewhere, levels(&m, &elsewhere.facts))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        treatments(&store, acme).await,
        [row("A.6.2.4", 2), row("A.6.2.6", 1), row("A.7.4", 1)]
    );

    // A treatment changing its controls, a risk closed and one deleted.
    let mut changed = drift.clone();
    changed.facts.controls = vec!["A.6.2.6".into(), "A.9.2".into()];
    let mut closed = bias.clone();
    closed.facts.status = RiskStatus::Closed;
    let mut tx = store.write().await.unwrap();
    for (r, stored) in [(&changed, 1), (&closed, 1)] {
        let r = aims_domain::risk::Risk {
            number: tx.risk(acme, r.id).await.unwrap().unwrap().number,
            ..r.clone()
        };
        tx.update_risk(acme, &r, levels(&m, &r.facts), stored)
            .await
            .unwrap();
    }
    tx.delete_risk(acme, leak.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        treatments(&store, acme).await,
        [row("A.6.2.6", 1), row("A.9.2", 1)],
        "a tally that reaches zero is gone"
    );
    assert_eq!(treatments(&store, other).await, [row("A.6.2.4", 1)]);

    // Evidence: one record never expires, one expires at 50, one names two controls.
    let lasting = evidence("Policy", vec![control("A.6.2.4")], None);
    let expiring = evidence("Report", vec![control("A.6.2.4")], Some(50));
    let both = evidence(
        "Audit",
        vec![control("A.6.2.4"), control("A.9.2")],
        Some(80),
    );
    let mut tx = store.write().await.unwrap();
    for e in [&lasting, &expiring, &both] {
        tx.insert_evidence(acme, e).await.unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(
        evidence_counts(&store, acme, 10).await,
        [("A.6.2.4".into(), 3, 3), ("A.9.2".into(), 1, 1)]
    );
    assert_eq!(
        evidence_counts(&store, acme, 60).await,
        [("A.6.2.4".into(), 3, 2), ("A.9.2".into(), 1, 1)]
    );
    assert_eq!(
        evidence_counts(&store, acme, 80).await,
        [("A.6.2.4".into(), 3, 1), ("A.9.2".into(), 1, 0)],
        "evidence valid until an instant no longer counts at it"
    );
    assert!(evidence_counts(&store, other, 10).await.is_empty());
    let mut tx = store.write().await.unwrap();
    tx.delete_evidence(acme, both.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        evidence_counts(&store, acme, 60).await,
        [("A.6.2.4".into(), 2, 1)]
    );

    // Obligations: two systems owe Article 26, one also Article 16; then one system is
    // classified again owing nothing, and the other is deleted.
    let scorer = system(&store, acme, facts("Scorer")).await;
    let screener = system(&store, acme, facts("Screener")).await;
    let theirs = system(&store, other, facts("Theirs")).await;
    let mut tx = store.write().await.unwrap();
    for (org, id, owed) in [
        (acme, scorer, &["eu-ai-act:art-16", "eu-ai-act:art-26"][..]),
        (acme, screener, &["eu-ai-act:art-26"][..]),
        (other, theirs, &["eu-ai-act:art-26"][..]),
    ] {
        tx.record_classification(org, classification(id, owed))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(classes(&store, acme).await, [class(Some("high_risk"), 2)]);
    let spam = system(&store, acme, facts("Spam")).await;
    assert_eq!(
        classes(&store, acme).await,
        [class(Some("high_risk"), 2), class(None, 1)],
        "a new system counts as unclassified"
    );
    assert_eq!(classes(&store, other).await, [class(Some("high_risk"), 1)]);
    let first = if scorer.to_string() < screener.to_string() {
        "Scorer"
    } else {
        "Screener"
    };
    assert_eq!(
        obligations(&store, acme).await,
        [
            ("eu-ai-act:art-16".into(), 1, "Scorer".into()),
            ("eu-ai-act:art-26".into(), 2, first.into())
        ]
    );
    let mut tx = store.write().await.unwrap();
    tx.record_classification(acme, classification(scorer, &[]))
        .await
        .unwrap();
    tx.delete_ai_system(acme, screener).await.unwrap();
    tx.record_classification(acme, minimal(spam)).await.unwrap();
    tx.commit().await.unwrap();
    assert!(obligations(&store, acme).await.is_empty());
    assert_eq!(
        classes(&store, acme).await,
        [class(Some("high_risk"), 1), class(Some("minimal_risk"), 1)],
        "a class left empty is gone, one newly held is counted"
    );
    let mut tx = store.write().await.unwrap();
    tx.record_classification(acme, minimal(scorer))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        classes(&store, acme).await,
        [class(Some("minimal_risk"), 2)]
    );
    assert_eq!(
        obligations(&store, other).await,
        [("eu-ai-act:art-26".into(), 1, "Theirs".into())]
    );

    // A restore carries the links, not the tallies, and gets the same counts.
    let (restored, _dir) = aims_store::testing::sqlite().await;
    restored.load(&store.dump().await.unwrap()).await.unwrap();
    for org in [acme, other] {
        assert_eq!(
            treatments(&restored, org).await,
            treatments(&store, org).await
        );
        assert_eq!(
            evidence_counts(&restored, org, 60).await,
            evidence_counts(&store, org, 60).await
        );
        assert_eq!(
            obligations(&restored, org).await,
            obligations(&store, org).await
        );
        assert_eq!(classes(&restored, org).await, classes(&store, org).await);
    }
}
