use aims_domain::inventory::{
    AiRole, AiSystem, Autonomy, Component, ComponentFacts, ComponentKind, DecisionsAboutPeople,
    LifecycleStage, SystemFacts, SystemStatus,
};
use aims_domain::{AiSystemId, ClassificationId, ComponentId, OrgId, Role};
use aims_store::{ClassificationRecord, Store, StoreError, SystemQuery, SystemSort};

use crate::{at, member, org};

pub fn facts(name: &str) -> SystemFacts {
    SystemFacts {
        out_of_scope: String::new(),
        name: name.into(),
        purpose: format!("{name} purpose"),
        description: String::new(),
        intended_use: String::new(),
        foreseeable_misuse: String::new(),
        users: String::new(),
        affected_persons: String::new(),
        deployment_context: String::new(),
        geography: vec!["eu".into()],
        lifecycle_stage: LifecycleStage::OperationMonitoring,
        roles: vec![AiRole::Deployer],
        owner: None,
        autonomy: Autonomy::HumanInTheLoop,
        human_oversight: String::new(),
        decisions_about_people: DecisionsAboutPeople::No,
        status: SystemStatus::Active,
        tags: vec![],
    }
}

/// A new, unclassified system with `f` as its facts, made at `at(0)`.
pub fn new_system(f: SystemFacts) -> AiSystem {
    AiSystem {
        id: AiSystemId::new(),
        facts: f,
        owner_name: None,
        classification: None,
        created_at: at(0),
        updated_at: at(0),
        revision: 1,
    }
}

/// System `id` with facts `f`, as changed at `at(seconds)`.
fn changed(id: AiSystemId, f: SystemFacts, seconds: i64) -> AiSystem {
    AiSystem {
        id,
        updated_at: at(seconds),
        ..new_system(f)
    }
}

/// Stores a system with facts `f` in `org` and returns its id.
pub async fn system(store: &Store, org: OrgId, f: SystemFacts) -> AiSystemId {
    let s = new_system(f);
    let mut tx = store.write().await.unwrap();
    tx.insert_ai_system(org, &s).await.unwrap();
    tx.commit().await.unwrap();
    s.id
}

fn query() -> SystemQuery {
    SystemQuery {
        limit: 50,
        ..Default::default()
    }
}

async fn names(store: &Store, org: OrgId, q: SystemQuery) -> (Vec<String>, i64) {
    let (page, total) = store
        .read()
        .await
        .unwrap()
        .ai_systems(org, &q)
        .await
        .unwrap();
    (page.into_iter().map(|s| s.facts.name).collect(), total)
}

pub async fn systems_are_scoped_named_uniquely_and_revised(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let ada = member(&store, acme, "ada@example.org", Role::Owner).await;
    let mut f = facts("Loan scorer");
    f.owner = Some(ada);
    f.roles = vec![AiRole::Provider, AiRole::Deployer];
    let id = system(&store, acme, f.clone()).await;
    system(&store, other, facts("Loan scorer")).await;

    let read = store
        .read()
        .await
        .unwrap()
        .ai_system(acme, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.facts, f);
    assert_eq!(read.owner_name.as_deref(), Some("ada@example.org"));
    assert!(
        store
            .read()
            .await
            .unwrap()
            .ai_system(other, id)
            .await
            .unwrap()
            .is_none()
    );

    // Names are unique per organisation, whatever their case.
    let dup = AiSystem {
        id: AiSystemId::new(),
        ..read.clone()
    };
    let mut tx = store.write().await.unwrap();
    let mut renamed = dup.clone();
    renamed.facts.name = "LOAN SCORER".into();
    assert!(matches!(
        tx.insert_ai_system(acme, &renamed).await,
        Err(StoreError::Conflict(_))
    ));
    drop(tx);

    // An edit names the revision it started from; a stale one is refused.
    let mut next = f.clone();
    next.purpose = "Scores loans, now for SMEs".into();
    let mut tx = store.write().await.unwrap();
    tx.update_ai_system(acme, &changed(id, next.clone(), 5), 1, true)
        .await
        .unwrap();
    assert!(matches!(
        tx.update_ai_system(acme, &changed(id, next.clone(), 6), 1, true)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        tx.update_ai_system(other, &changed(id, next.clone(), 6), 2, true)
            .await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let read = store
        .read()
        .await
        .unwrap()
        .ai_system(acme, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((read.revision, read.updated_at), (2, at(5)));
    assert_eq!(read.facts.purpose, "Scores loans, now for SMEs");
    // No classification yet: nothing to review.
    assert!(read.classification.is_none());

    let mut tx = store.write().await.unwrap();
    assert!(matches!(
        tx.delete_ai_system(other, id).await,
        Err(StoreError::NotFound)
    ));
    tx.delete_ai_system(acme, id).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        store
            .read()
            .await
            .unwrap()
            .ai_system(acme, id)
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn the_inventory_filters_sorts_and_pages(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let mut cv = facts("CV screener");
    cv.tags = vec!["hr".into(), "high_volume".into()];
    cv.roles = vec![AiRole::Provider];
    cv.lifecycle_stage = LifecycleStage::DesignDevelopment;
    system(&store, acme, cv).await;
    let mut chat = facts("Chat assistant");
    chat.tags = vec!["highxvolume".into()];
    chat.status = SystemStatus::Proposed;
    chat.lifecycle_stage = LifecycleStage::Inception;
    chat.description = "Answers customers in Ελληνικά".into();
    system(&store, acme, chat).await;
    let spam = system(&store, acme, facts("Spam filter")).await;
    system(&store, other, facts("Other's filter")).await;

    assert_eq!(
        names(&store, acme, query()).await,
        (
            vec![
                "Chat assistant".into(),
                "CV screener".into(),
                "Spam filter".into()
            ],
            3
        )
    );
    let q = |f: fn(&mut SystemQuery)| {
        let mut q = query();
        f(&mut q);
        q
    };
    // `_` in a tag is a character, not LIKE's wildcard.
    assert_eq!(
        names(&store, acme, q(|q| q.tag = Some("high_volume".into())))
            .await
            .0,
        ["CV screener"]
    );
    assert_eq!(
        names(&store, acme, q(|q| q.role = Some("provider".into())))
            .await
            .0,
        ["CV screener"]
    );
    assert_eq!(
        names(&store, acme, q(|q| q.status = Some("proposed".into())))
            .await
            .0,
        ["Chat assistant"]
    );
    assert_eq!(
        names(&store, acme, q(|q| q.text = Some("FILTER".into())))
            .await
            .0,
        ["Spam filter"]
    );
    assert_eq!(
        names(
            &store,
            acme,
            q(|q| q.text = Some("ελληνικά answers".into()))
        )
        .await
        .0,
        ["Chat assistant"]
    );
    assert_eq!(
        names(&store, acme, q(|q| q.text = Some("100%".into())))
            .await
            .1,
        0
    );
    assert_eq!(
        names(&store, acme, q(|q| q.sort = SystemSort::LifecycleStage))
            .await
            .0,
        ["Chat assistant", "CV screener", "Spam filter"]
    );
    assert_eq!(
        names(
            &store,
            acme,
            q(|q| {
                q.sort = SystemSort::Name;
                q.descending = true;
                q.limit = 1;
                q.offset = 1;
            })
        )
        .await,
        (vec!["CV screener".into()], 3)
    );

    // A recorded classification shows on the row, and a change of facts marks it for review.
    let mut tx = store.write().await.unwrap();
    for class in ["minimal", "transparency"] {
        tx.record_classification(
            acme,
            ClassificationRecord {
                id: ClassificationId::new(),
                system: spam,
                version: 0,
                class: class.into(),
                answers: serde_json::json!({"k": class}),
                result: serde_json::json!({"obligations": [
                    {"requirement": "art-50"}, {"requirement": "art-4"}, {"requirement": "art-50"},
                ]}),
                decided_at: at(3),
                decided_by: "ada".into(),
            },
        )
        .await
        .unwrap();
    }
    tx.update_ai_system(acme, &changed(spam, facts("Spam filter"), 4), 1, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // What the dashboard reads: requirements owed (once each) and classifications to review.
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.owed_requirements(acme).await.unwrap(),
        ["art-4", "art-50"]
    );
    assert!(tx.owed_requirements(other).await.unwrap().is_empty());
    assert_eq!(tx.classifications_needing_review(acme).await.unwrap(), 1);
    assert_eq!(tx.classifications_needing_review(other).await.unwrap(), 0);
    drop(tx);
    let history = store
        .read()
        .await
        .unwrap()
        .classifications(acme, spam)
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|c| c.version).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(history[1].answers, serde_json::json!({"k": "minimal"}));
    assert!(
        store
            .read()
            .await
            .unwrap()
            .classifications(other, spam)
            .await
            .unwrap()
            .is_empty()
    );
    let spam_row = store
        .read()
        .await
        .unwrap()
        .ai_system(acme, spam)
        .await
        .unwrap()
        .unwrap();
    let summary = spam_row.classification.unwrap();
    assert_eq!(
        (
            summary.class.as_str(),
            summary.version,
            summary.needs_review
        ),
        ("transparency", 2, true)
    );
    assert_eq!(
        names(&store, acme, q(|q| q.class = Some("transparency".into())))
            .await
            .0,
        ["Spam filter"]
    );
    assert_eq!(
        names(&store, acme, q(|q| q.class = Some("unclassified".into())))
            .await
            .1,
        2
    );
    assert_eq!(
        names(&store, acme, q(|q| q.needs_review = Some(true)))
            .await
            .0,
        ["Spam filter"]
    );
    assert_eq!(
        names(&store, acme, q(|q| q.sort = SystemSort::Class))
            .await
            .0[0],
        "Spam filter"
    );
}

pub async fn components_belong_to_their_system_and_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let id = system(&store, acme, facts("Scorer")).await;
    let model = Component {
        id: ComponentId::new(),
        system: id,
        kind: ComponentKind::Model,
        facts: ComponentFacts {
            name: "gbm".into(),
            version: "3".into(),
            personal_data: false,
            ..Default::default()
        },
        created_at: at(1),
        updated_at: at(1),
    };
    let data = Component {
        id: ComponentId::new(),
        kind: ComponentKind::Dataset,
        facts: ComponentFacts {
            name: "applications".into(),
            personal_data: true,
            ..Default::default()
        },
        ..model.clone()
    };
    let mut tx = store.write().await.unwrap();
    tx.insert_component(acme, &data).await.unwrap();
    tx.insert_component(acme, &model).await.unwrap();
    let mut relicensed = model.clone();
    relicensed.facts.licence = "proprietary".into();
    relicensed.updated_at = at(2);
    tx.update_component(acme, &relicensed).await.unwrap();
    assert!(matches!(
        tx.update_component(other, &relicensed).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tx.delete_component(other, data.id).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();

    let listed = store
        .read()
        .await
        .unwrap()
        .components(acme, id)
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [ComponentKind::Model, ComponentKind::Dataset]
    );
    assert_eq!(listed[0].facts.licence, "proprietary");
    assert!(listed[1].facts.personal_data);
    assert!(
        store
            .read()
            .await
            .unwrap()
            .components(other, id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .read()
            .await
            .unwrap()
            .component(other, model.id)
            .await
            .unwrap()
            .is_none()
    );

    // Deleting the system takes its components with it.
    let mut tx = store.write().await.unwrap();
    tx.delete_ai_system(acme, id).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        store
            .read()
            .await
            .unwrap()
            .component(acme, model.id)
            .await
            .unwrap()
            .is_none()
    );
}

/// The names `text` finds in `org`, and how many.
pub async fn found(store: &Store, org: OrgId, text: &str) -> (Vec<String>, i64) {
    let q = SystemQuery {
        text: Some(text.into()),
        ..query()
    };
    names(store, org, q).await
}

pub async fn text_search_finds_words_anywhere_and_follows_changes(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let mut cv = facts("CV screener");
    cv.tags = vec!["recruiting".into()];
    let cv = system(&store, acme, cv).await;
    let mut quoted = facts("Quote \"unsafe\" handler");
    quoted.description = "Reads OR AND NEAR as words".into();
    system(&store, acme, quoted).await;
    system(&store, other, facts("Other screener")).await;

    // Inside a word, across fields, in any case; another organisation's systems never show.
    assert_eq!(
        found(&store, acme, "CREEN").await,
        (vec!["CV screener".into()], 1)
    );
    assert_eq!(found(&store, acme, "cruit screener").await.1, 1);
    // Words too short for a trigram are still found.
    assert_eq!(found(&store, acme, "cv").await.0, ["CV screener"]);
    assert_eq!(found(&store, acme, "cv zz").await.1, 0);
    // Quotes and the index's own operators are text, not query syntax.
    assert_eq!(found(&store, acme, "\"unsafe\"").await.1, 1);
    assert_eq!(found(&store, acme, "or near").await.1, 1);
    assert_eq!(found(&store, acme, "scr*").await.1, 0);

    let mut renamed = facts("Candidate ranker");
    renamed.tags = vec!["recruiting".into()];
    let mut tx = store.write().await.unwrap();
    tx.update_ai_system(acme, &changed(cv, renamed, 5), 1, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(found(&store, acme, "screener").await.1, 0);
    assert_eq!(found(&store, acme, "ranker").await.0, ["Candidate ranker"]);

    let mut tx = store.write().await.unwrap();
    tx.delete_ai_system(acme, cv).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(found(&store, acme, "ranker").await.1, 0);
    assert_eq!(found(&store, other, "screener").await.1, 1);
}
