use aims_domain::ImpactAssessmentId;
use aims_domain::impact::{Approval, AssessmentContent, ImpactAssessment};
use aims_store::{Store, StoreError};

use crate::inventory::{facts, system};
use crate::{at, org};

pub async fn assessments_keep_versions_and_approvals_per_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let sys = system(&store, acme, facts("Scorer")).await;
    let content = |title: &str| AssessmentContent {
        title: title.into(),
        scope: "Retail loans".into(),
        ..Default::default()
    };
    let a = ImpactAssessment {
        id: ImpactAssessmentId::new(),
        system: sys,
        version: 1,
        content: content("First"),
        approval: None,
        created_at: at(1),
        updated_at: at(1),
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_impact_assessment(acme, &a, "ada").await.unwrap();
    assert_eq!(
        tx.save_assessment_version(acme, a.id, 1, &content("Second"), at(2), "bob")
            .await
            .unwrap(),
        2
    );
    // A save that started from version 1 is now stale.
    assert!(matches!(
        tx.save_assessment_version(acme, a.id, 1, &content("Stale"), at(3), "bob")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        tx.save_assessment_version(other, a.id, 2, &content("Theirs"), at(3), "eve")
            .await,
        Err(StoreError::NotFound)
    ));
    let approval = Approval {
        version: 2,
        by: None,
        by_label: "ada".into(),
        at: at(4),
    };
    tx.approve_assessment(acme, a.id, &approval).await.unwrap();
    assert!(matches!(
        tx.approve_assessment(other, a.id, &approval).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();

    let read = store
        .read()
        .await
        .unwrap()
        .impact_assessment(acme, a.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((read.version, read.content.title.as_str()), (2, "Second"));
    assert_eq!(read.approval, Some(approval));
    assert!(
        store
            .read()
            .await
            .unwrap()
            .impact_assessment(other, a.id)
            .await
            .unwrap()
            .is_none()
    );
    let versions = store
        .read()
        .await
        .unwrap()
        .assessment_versions(acme, a.id)
        .await
        .unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.version, v.content.title.as_str(), v.saved_by.as_str()))
            .collect::<Vec<_>>(),
        [(2, "Second", "bob"), (1, "First", "ada")]
    );
    assert!(
        store
            .read()
            .await
            .unwrap()
            .assessment_versions(other, a.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .read()
            .await
            .unwrap()
            .impact_assessments(acme, sys)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .read()
            .await
            .unwrap()
            .impact_assessments(other, sys)
            .await
            .unwrap()
            .is_empty()
    );
    // The organisation-wide list names the system and shows the approved version; another
    // organisation sees none of it.
    let mut tx = store.read().await.unwrap();
    let (list, total) = tx.impact_assessment_list(acme, 10, 0).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(
        list.iter()
            .map(|l| (
                l.title.as_str(),
                l.system_name.as_str(),
                l.version,
                l.approved_version
            ))
            .collect::<Vec<_>>(),
        [("Second", "Scorer", 2, Some(2))]
    );
    assert_eq!(
        tx.impact_assessment_list(other, 10, 0).await.unwrap(),
        (Vec::new(), 0)
    );
    assert_eq!(
        tx.impact_assessment_list(acme, 10, 1).await.unwrap().0,
        Vec::new()
    );
}
