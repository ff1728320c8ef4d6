use aims_domain::impact::{Approval, AssessmentContent, ImpactAssessment};
use aims_domain::{AiSystemId, ClassificationId, ImpactAssessmentId, OrgId};
use aims_store::{ClassificationRecord, Store};

use crate::inventory::{facts, system};
use crate::{at, org};

/// An impact assessment of `system`, approved in its only version, due for review at `until`.
async fn approved_assessment(tx: &mut aims_store::Tx, org: OrgId, system: AiSystemId, until: i64) {
    let assessment = ImpactAssessment {
        id: ImpactAssessmentId::new(),
        system,
        version: 1,
        content: AssessmentContent {
            title: "IA".into(),
            next_review: Some(at(until)),
            ..Default::default()
        },
        approval: None,
        created_at: at(1),
        updated_at: at(1),
    };
    tx.insert_impact_assessment(org, &assessment, "x")
        .await
        .unwrap();
    let approval = Approval {
        version: 1,
        by: None,
        by_label: "x".into(),
        at: at(2),
    };
    tx.approve_assessment(org, assessment.id, &approval)
        .await
        .unwrap();
}

pub async fn readiness_counts_are_scoped_and_follow_approvals(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let scorer = system(&store, acme, facts("Scorer")).await;
    let screener = system(&store, acme, facts("Screener")).await;
    let spam = system(&store, acme, facts("Spam")).await;
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
    // The scorer's assessments (two, counted as one system) are approved in their latest
    // version until at(100); so is the unclassified spam filter's, which changes nothing.
    for id in [scorer, scorer, spam] {
        approved_assessment(&mut tx, acme, id, 100).await;
    }
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
        let listed: Vec<String> = page.into_iter().map(|s| s.facts.name).collect();
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
    // The getting-started path: Acme has approved assessments and nothing else yet; the other
    // organisation has none of Acme's records.
    assert_eq!(
        tx.first_records(acme).await.unwrap(),
        aims_store::FirstRecords {
            impact_assessment: true,
            approved_impact_assessment: true,
            ..Default::default()
        }
    );
    assert_eq!(
        tx.first_records(other).await.unwrap(),
        aims_store::FirstRecords::default()
    );
}
