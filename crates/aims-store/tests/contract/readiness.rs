use aims_domain::impact::{Approval, AssessmentContent, ImpactAssessment};
use aims_domain::{ClassificationId, ImpactAssessmentId};
use aims_store::{ClassificationRecord, Store};

use crate::inventory::{facts, system};
use crate::{at, org};

pub async fn readiness_counts_are_scoped_and_follow_approvals(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let scorer = system(&store, acme, facts("Scorer")).await;
    let screener = system(&store, acme, facts("Screener")).await;
    system(&store, acme, facts("Spam")).await;
    let theirs = system(&store, other, facts("Theirs")).await;
    let mut tx = store.write().await.unwrap();
    for (org, id) in [(acme, scorer), (acme, screener), (other, theirs)] {
        let record = ClassificationRecord {
            id: ClassificationId::new(),
            system: id,
            version: 0,
            class: "high_risk".into(),
            answers: serde_json::json!({}),
            result: serde_json::json!({}),
            decided_at: at(1),
            decided_by: "x".into(),
        };
        tx.record_classification(org, record).await.unwrap();
    }
    // The scorer's assessment is approved in its latest version until at(100).
    let assessment = ImpactAssessment {
        id: ImpactAssessmentId::new(),
        system: scorer,
        version: 1,
        content: AssessmentContent {
            title: "IA".into(),
            next_review: Some(at(100)),
            ..Default::default()
        },
        approval: None,
        created_at: at(1),
        updated_at: at(1),
    };
    tx.insert_impact_assessment(acme, &assessment, "x")
        .await
        .unwrap();
    tx.approve_assessment(
        acme,
        assessment.id,
        &Approval {
            version: 1,
            by: None,
            by_label: "x".into(),
            at: at(2),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.systems_by_class(acme).await.unwrap(),
        vec![(Some("high_risk".to_owned()), 2), (None, 1)]
    );
    let names = |(list, total): (Vec<(aims_domain::AiSystemId, String)>, i64)| {
        (list.into_iter().map(|(_, n)| n).collect::<Vec<_>>(), total)
    };
    assert_eq!(
        names(
            tx.high_risk_without_current_assessment(acme, at(50), 10)
                .await
                .unwrap()
        ),
        (vec!["Screener".to_owned()], 1)
    );
    assert_eq!(
        names(
            tx.high_risk_without_current_assessment(acme, at(150), 10)
                .await
                .unwrap()
        ),
        (vec!["Scorer".to_owned(), "Screener".to_owned()], 2),
        "past its review date the approval no longer counts"
    );
    // Named up to the number asked for; counted in full.
    assert_eq!(
        names(
            tx.high_risk_without_current_assessment(acme, at(150), 1)
                .await
                .unwrap()
        ),
        (vec!["Scorer".to_owned()], 2)
    );
    assert_eq!(
        names(
            tx.high_risk_without_current_assessment(other, at(0), 10)
                .await
                .unwrap()
        ),
        (vec!["Theirs".to_owned()], 1)
    );
    // The inventory filters by the same condition, either way, unclassified systems included.
    for (missing, now, expected) in [
        (true, at(50), vec!["Screener"]),
        (true, at(150), vec!["Scorer", "Screener"]),
        (false, at(50), vec!["Scorer", "Spam"]),
        (false, at(150), vec!["Spam"]),
    ] {
        let q = aims_store::SystemQuery {
            missing_assessment: Some((missing, now)),
            limit: 10,
            ..Default::default()
        };
        let (page, total) = tx.ai_systems(acme, &q).await.unwrap();
        let listed: Vec<String> = page.into_iter().map(|s| s.facts.name.to_string()).collect();
        assert_eq!(listed, expected, "{missing}");
        assert_eq!(total, expected.len() as i64, "{missing}");
    }
    assert_eq!(
        tx.evidence_expiry_counts(acme, at(0), at(10))
            .await
            .unwrap(),
        (0, 0)
    );
    assert_eq!(tx.classifications_needing_review(acme).await.unwrap(), 0);
}
