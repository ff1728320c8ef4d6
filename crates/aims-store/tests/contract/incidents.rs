use aims_domain::impact::HarmKind;
use aims_domain::incident::{
    Incident, IncidentFacts, IncidentStatus, Report, ReportingClock, Seriousness, Severity,
};
use aims_domain::{IncidentId, RiskId, Role};
use aims_store::{IncidentCounts, IncidentQuery, Store, StoreError};

use crate::inventory::{facts, system};
use crate::{at, member, org};

const DAY: i64 = 86_400;

fn incident(title: &str, aware: i64, clock_days: Option<u32>) -> Incident {
    Incident {
        id: IncidentId::new(),
        number: 0,
        facts: IncidentFacts {
            title: title.into(),
            system: None,
            occurred_at: at(aware - DAY),
            aware_at: at(aware),
            description: "Found by the service desk".into(),
            harms: vec![HarmKind::Safety],
            people_affected: Some(3),
            severity: Severity::High,
            containment: "Feature switched off".into(),
            owner: None,
            seriousness: Seriousness {
                health: clock_days.is_some(),
                ..Default::default()
            },
            risks: Vec::new(),
        },
        system_name: "Triage assistant".into(),
        status: IncidentStatus::Open,
        initial_report: None,
        complete_report: None,
        provider_notice: None,
        clock: clock_days.map(|days| ReportingClock {
            item: "art-73(2)".into(),
            days,
            due: at(aware + i64::from(days) * DAY),
        }),
        closing_note: String::new(),
        created_by: "ada@acme.example".into(),
        created_at: at(aware),
        updated_at: at(aware),
        revision: 1,
    }
}

pub async fn incidents_are_numbered_sorted_by_deadline_revised_and_counted_per_organisation(
    store: Store,
) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let owner = member(&store, acme, "owner@acme.example", Role::Owner).await;
    let triage = system(&store, acme, facts("Triage assistant")).await;
    let risk = RiskId::new();
    let now = 100 * DAY;
    let mut late = incident("Wrong dosage advice", now - 20 * DAY, Some(15));
    late.facts.system = Some(triage);
    late.facts.owner = Some(owner);
    late.facts.risks = vec![risk];
    let soon = incident("Outage of the grid forecaster", now - DAY, Some(2));
    let minor = incident("Typo in an answer", now - 3 * DAY, None);
    let mut tx = store.write().await.unwrap();
    assert_eq!(tx.insert_incident(acme, &late).await.unwrap(), 1);
    assert_eq!(tx.insert_incident(acme, &soon).await.unwrap(), 2);
    assert_eq!(tx.insert_incident(acme, &minor).await.unwrap(), 3);
    assert_eq!(
        tx.insert_incident(other, &incident("Elsewhere", now, Some(15)))
            .await
            .unwrap(),
        1
    );
    tx.commit().await.unwrap();

    let mut tx = store.read().await.unwrap();
    let read = tx.incident(acme, late.id).await.unwrap().unwrap();
    assert_eq!(read.facts, late.facts);
    assert_eq!((read.number, read.clock.clone()), (1, late.clock.clone()));
    assert_eq!(tx.incident(other, late.id).await.unwrap(), None);
    // The nearest deadline first, those without one last.
    let q = IncidentQuery {
        limit: 10,
        ..Default::default()
    };
    let (page, total) = tx.incidents(acme, &q).await.unwrap();
    let numbers: Vec<i64> = page.iter().map(|i| i.number).collect();
    assert_eq!((numbers, total), (vec![1, 2, 3], 3));
    let by_system = IncidentQuery {
        system: Some(triage),
        ..q.clone()
    };
    assert_eq!(tx.incidents(acme, &by_system).await.unwrap().1, 1);
    let about: Vec<i64> = tx
        .incidents_about_risk(acme, risk, 10)
        .await
        .unwrap()
        .iter()
        .map(|i| i.number)
        .collect();
    assert_eq!(about, [1]);
    assert!(
        tx.incidents_about_risk(other, risk, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tx.incident_counts(acme, at(now)).await.unwrap(),
        IncidentCounts {
            open: 3,
            reportable: 2,
            awaiting_report: 2,
            report_overdue: 1,
        }
    );
    drop(tx);

    // Reported and closed from the revision it was read at; a stale write fails.
    let mut reported = read.clone();
    reported.initial_report = Some(Report {
        to: "Market surveillance authority".into(),
        at: at(now),
        reference: "MSA-77".into(),
        by_label: "owner@acme.example".into(),
    });
    reported.status = IncidentStatus::Closed;
    reported.closing_note = "Reported late; corrective action under NC-4".into();
    reported.revision = 2;
    let mut tx = store.write().await.unwrap();
    tx.save_incident(acme, &reported).await.unwrap();
    assert!(matches!(
        tx.save_incident(acme, &reported).await,
        Err(StoreError::Conflict(_))
    ));
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    let back = tx.incident(acme, late.id).await.unwrap().unwrap();
    assert_eq!(back.initial_report, reported.initial_report);
    assert_eq!(back.number, 1);
    let counts = tx.incident_counts(acme, at(now)).await.unwrap();
    assert_eq!((counts.open, counts.report_overdue), (2, 0));
    let open = IncidentQuery {
        status: Some(IncidentStatus::Open),
        ..q
    };
    assert_eq!(tx.incidents(acme, &open).await.unwrap().1, 2);
    drop(tx);

    // Removing the system keeps the incident, with the name it had.
    let mut tx = store.write().await.unwrap();
    tx.delete_ai_system(acme, triage).await.unwrap();
    tx.commit().await.unwrap();
    let kept = store
        .read()
        .await
        .unwrap()
        .incident(acme, late.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (kept.facts.system, kept.system_name.as_str()),
        (None, "Triage assistant")
    );
}
