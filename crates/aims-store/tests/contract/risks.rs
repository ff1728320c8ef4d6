use aims_domain::RiskId;
use aims_domain::risk::{Acceptance, Risk, RiskFacts, RiskMethod, RiskStatus, TreatmentOption};
use aims_store::{RiskLevels, RiskQuery, RiskSort, Store, StoreError};

use crate::inventory::{facts, system};
use crate::{at, member, org};

pub fn risk_facts(title: &str, l: u8, i: u8) -> RiskFacts {
    RiskFacts {
        title: title.into(),
        description: String::new(),
        systems: vec![],
        risk_source: None,
        affected_objective: None,
        lifecycle_stage: None,
        owner: None,
        inherent_likelihood: l,
        inherent_impact: i,
        treatment: TreatmentOption::Retain,
        treatment_plan: String::new(),
        controls: vec![],
        actions: vec![],
        residual_likelihood: None,
        residual_impact: None,
        review_due: None,
        status: RiskStatus::Assessed,
    }
}

pub fn new_risk(f: RiskFacts) -> Risk {
    Risk {
        id: RiskId::new(),
        number: 0,
        facts: f,
        acceptance: None,
        rated_by: None,
        created_at: at(1),
        updated_at: at(1),
        revision: 1,
    }
}

pub fn levels(m: &RiskMethod, f: &RiskFacts) -> RiskLevels {
    let inherent = m
        .level_of(f.inherent_likelihood, f.inherent_impact)
        .unwrap();
    let residual = match (f.residual_likelihood, f.residual_impact) {
        (Some(l), Some(i)) => m.level_of(l, i).unwrap(),
        _ => inherent,
    };
    RiskLevels { inherent, residual }
}

pub async fn add(store: &Store, org: aims_domain::OrgId, f: RiskFacts) -> (RiskId, i64) {
    let m = RiskMethod::default_five_by_five();
    let r = new_risk(f);
    let mut tx = store.write().await.unwrap();
    let n = tx.insert_risk(org, &r, levels(&m, &r.facts)).await.unwrap();
    tx.commit().await.unwrap();
    (r.id, n)
}

pub async fn risks_are_numbered_filtered_and_revised_per_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let ada = member(&store, acme, "ada@example.org", aims_domain::Role::Owner).await;
    let scorer = system(&store, acme, facts("Scorer")).await;
    let m = RiskMethod::default_five_by_five();

    let mut drift = risk_facts("Model drift", 4, 5);
    drift.systems = vec![scorer];
    drift.controls = vec!["A.6.2.6".into(), "A.6.2.4".into()];
    drift.treatment = TreatmentOption::Modify;
    drift.residual_likelihood = Some(2);
    drift.residual_impact = Some(3);
    drift.review_due = Some(at(10));
    let (drift_id, n1) = add(&store, acme, drift.clone()).await;
    let (_, n2) = add(&store, acme, risk_facts("Data leak_100%", 5, 5)).await;
    let (_, other_n) = add(&store, other, risk_facts("Theirs", 1, 1)).await;
    assert_eq!((n1, n2, other_n), (1, 2, 1), "numbers run per organisation");

    // Meta characters in a search are characters.
    let query = |f: &dyn Fn(&mut RiskQuery)| {
        let mut q = RiskQuery {
            limit: 50,
            ..Default::default()
        };
        f(&mut q);
        q
    };
    let titles = |(list, total): (Vec<Risk>, i64)| {
        (
            list.into_iter().map(|r| r.facts.title).collect::<Vec<_>>(),
            total,
        )
    };
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        titles(
            tx.risks(acme, &query(&|q| q.text = Some("leak_100%".into())))
                .await
                .unwrap()
        )
        .0,
        ["Data leak_100%"]
    );
    assert_eq!(
        titles(
            tx.risks(acme, &query(&|q| q.text = Some("r-1".into())))
                .await
                .unwrap()
        )
        .0,
        ["Model drift"]
    );
    // Inside words, and never another organisation's risks.
    let found = async |tx: &mut aims_store::Tx, org, text: &str| {
        let q = query(&|q| q.text = Some(text.into()));
        titles(tx.risks(org, &q).await.unwrap())
    };
    assert_eq!(found(&mut tx, acme, "ODEL dri").await.0, ["Model drift"]);
    assert_eq!(found(&mut tx, acme, "theirs").await.1, 0);
    assert_eq!(
        titles(
            tx.risks(acme, &query(&|q| q.system = Some(scorer)))
                .await
                .unwrap()
        )
        .0,
        ["Model drift"]
    );
    let top = m.risk_levels.len() - 1;
    assert_eq!(
        titles(
            tx.risks(acme, &query(&|q| q.min_level = Some(top)))
                .await
                .unwrap()
        )
        .0,
        ["Data leak_100%"],
        "drift's residual level is lower"
    );
    assert_eq!(
        titles(
            tx.risks(
                acme,
                &query(&|q| {
                    q.sort = RiskSort::Level;
                    q.descending = true;
                })
            )
            .await
            .unwrap()
        )
        .0,
        ["Data leak_100%", "Model drift"]
    );
    assert_eq!(
        titles(
            tx.risks(acme, &query(&|q| q.review_overdue_at = Some(at(20))))
                .await
                .unwrap()
        )
        .0,
        ["Model drift"]
    );
    assert_eq!(titles(tx.risks(other, &query(&|_| {})).await.unwrap()).1, 1);
    // A capped count stops one past the cap.
    assert_eq!(
        tx.risks(acme, &query(&|q| q.count_cap = Some(0)))
            .await
            .unwrap()
            .1,
        1
    );
    assert_eq!(
        tx.risks(acme, &query(&|q| q.count_cap = Some(5)))
            .await
            .unwrap()
            .1,
        2
    );
    let (inherent, residual) = tx.risk_cells(acme, Some(scorer)).await.unwrap();
    assert_eq!((inherent, residual), (vec![(4, 5, 1)], vec![(2, 3, 1)]));
    let (inherent, _) = tx.risk_cells(acme, None).await.unwrap();
    assert_eq!(inherent.iter().map(|c| c.2).sum::<i64>(), 2);
    let counts = tx.control_treatment_counts(acme).await.unwrap();
    assert_eq!(
        counts.into_iter().collect::<Vec<_>>(),
        [("A.6.2.4".to_owned(), 1), ("A.6.2.6".to_owned(), 1)]
    );
    let sample = tx
        .control_treatment_sample(acme, "A.6.2.4", 5)
        .await
        .unwrap();
    assert_eq!((sample[0].1, sample[0].2.as_str()), (1, "Model drift"));
    assert!(tx.control_treatment_counts(other).await.unwrap().is_empty());
    assert_eq!(
        tx.controls_selected(acme).await.unwrap(),
        ["A.6.2.4", "A.6.2.6"]
    );
    assert!(tx.controls_selected(other).await.unwrap().is_empty());
    assert!(
        tx.control_treatment_sample(other, "A.6.2.4", 5)
            .await
            .unwrap()
            .is_empty()
    );
    drop(tx);

    // A change names its revision; acceptance round-trips; closing drops it from treatments.
    let mut r = store
        .read()
        .await
        .unwrap()
        .risk(acme, drift_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.number, r.facts.clone()), (1, drift));
    r.facts.status = RiskStatus::Closed;
    r.facts.title = "Model decay".into();
    r.acceptance = Some(Acceptance {
        by: ada,
        at: at(3),
        note: "Residual is fine".into(),
    });
    r.updated_at = at(3);
    let lv = levels(&m, &r.facts);
    let mut tx = store.write().await.unwrap();
    tx.update_risk(acme, &r, lv, 1).await.unwrap();
    assert!(matches!(
        tx.update_risk(acme, &r, lv, 1).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        tx.update_risk(other, &r, lv, 2).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let read = store
        .read()
        .await
        .unwrap()
        .risk(acme, drift_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (read.revision, read.acceptance.map(|a| a.note)),
        (2, Some("Residual is fine".into()))
    );
    // The text index follows the change.
    let mut tx = store.read().await.unwrap();
    assert_eq!(found(&mut tx, acme, "decay").await.0, ["Model decay"]);
    assert_eq!(found(&mut tx, acme, "drift").await.1, 0);
    drop(tx);
    assert!(
        store
            .read()
            .await
            .unwrap()
            .control_treatment_counts(acme)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .read()
            .await
            .unwrap()
            .risk(other, drift_id)
            .await
            .unwrap()
            .is_none()
    );

    // The method is one row per organisation.
    let mut tx = store.write().await.unwrap();
    assert!(tx.risk_method(acme).await.unwrap().is_none());
    let (risk, method) = tx.risk_with_method(acme, drift_id).await.unwrap().unwrap();
    assert_eq!((risk.id, method), (drift_id, None));
    tx.put_risk_method(acme, &m, at(4), "ada").await.unwrap();
    tx.put_risk_method(acme, &m, at(5), "ada").await.unwrap();
    let (risk, method) = tx.risk_with_method(acme, drift_id).await.unwrap().unwrap();
    assert_eq!((risk.id, method), (drift_id, Some(m.clone())));
    assert!(
        tx.risk_with_method(other, drift_id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(tx.risk_method(acme).await.unwrap(), Some(m));
    assert!(tx.risk_method(other).await.unwrap().is_none());
    assert!(matches!(
        tx.delete_risk(other, drift_id).await,
        Err(StoreError::NotFound)
    ));
    tx.delete_risk(acme, drift_id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        store
            .read()
            .await
            .unwrap()
            .all_risks(acme)
            .await
            .unwrap()
            .len(),
        1
    );
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        found(&mut tx, acme, "decay").await.1,
        0,
        "deleted, so not found"
    );
    assert_eq!(found(&mut tx, acme, "leak").await.1, 1);
}

pub async fn concurrent_writers_get_distinct_risk_numbers(store: Store) {
    let acme = org(&store, "Acme").await;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..15 {
                    add(&store, acme, risk_facts(&format!("w{w} r{i}"), 1, 1)).await;
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    let mut numbers: Vec<i64> = store
        .read()
        .await
        .unwrap()
        .all_risks(acme)
        .await
        .unwrap()
        .iter()
        .map(|r| r.number)
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=60).collect::<Vec<_>>());
}

pub async fn risks_stored_in_bulk_are_numbered_in_order_and_linked(store: Store) {
    let acme = org(&store, "Acme").await;
    let loan = system(&store, acme, facts("Loan scorer")).await;
    add(&store, acme, risk_facts("Before", 1, 1)).await;
    let m = RiskMethod::default_five_by_five();
    // More rows than one statement carries, so that the insert is split.
    let risks: Vec<Risk> = (0..1_600)
        .map(|i| {
            let mut f = risk_facts(&format!("Bulk {i}"), 2, 3);
            f.systems = vec![loan];
            f.controls = vec!["A.6.2.4".into(), format!("A.{}", i % 7)];
            new_risk(f)
        })
        .collect();
    let refs: Vec<(&Risk, RiskLevels)> = risks.iter().map(|r| (r, levels(&m, &r.facts))).collect();
    let mut tx = store.write().await.unwrap();
    assert_eq!(tx.insert_risks(acme, &refs).await.unwrap(), 2);
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let all = tx.all_risks(acme).await.unwrap();
    assert_eq!(all.len(), 1_601);
    for (stored, (i, wanted)) in all[1..].iter().zip(risks.iter().enumerate()) {
        assert_eq!(stored.id, wanted.id);
        assert_eq!(stored.number, i as i64 + 2);
        assert_eq!(stored.facts, wanted.facts);
    }
    let of_loan = RiskQuery {
        system: Some(loan),
        limit: 5,
        ..Default::default()
    };
    assert_eq!(tx.risks(acme, &of_loan).await.unwrap().1, 1_600);
    let counts = tx.control_treatment_counts(acme).await.unwrap();
    assert_eq!(counts.get("A.6.2.4"), Some(&1_600));
    assert_eq!(counts.get("A.3"), Some(&229));
}
