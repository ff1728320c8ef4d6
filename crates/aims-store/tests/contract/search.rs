use aims_store::{Register, Store};

use crate::inventory::{facts, system};
use crate::org;
use crate::risks::{add, risk_facts};

async fn names(
    store: &Store,
    org: aims_domain::OrgId,
    register: Register,
    words: &[&str],
) -> Vec<String> {
    let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    let mut tx = store.read().await.unwrap();
    tx.search_register(org, register, &words, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect()
}

pub async fn search_finds_every_word_in_one_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    system(&store, acme, facts("Credit Scorer")).await;
    system(&store, acme, facts("CV screener 100%")).await;
    system(&store, other, facts("Credit Assistant")).await;
    add(&store, acme, risk_facts("Biased credit decisions", 3, 4)).await;
    add(&store, other, risk_facts("Credit data leak", 3, 4)).await;

    assert_eq!(
        names(&store, acme, Register::Systems, &["credit"]).await,
        ["Credit Scorer"]
    );
    assert_eq!(
        names(&store, other, Register::Systems, &["CREDIT"]).await,
        ["Credit Assistant"]
    );
    assert_eq!(
        names(&store, acme, Register::Systems, &["credit", "screener"]).await,
        Vec::<String>::new(),
        "every word must appear"
    );
    // A wildcard typed by a person is a literal character.
    assert_eq!(
        names(&store, acme, Register::Systems, &["0%"]).await,
        ["CV screener 100%"]
    );
    assert_eq!(
        names(&store, acme, Register::Systems, &["_"]).await,
        Vec::<String>::new()
    );
    assert_eq!(
        names(&store, acme, Register::Risks, &["credit"]).await,
        ["Biased credit decisions"]
    );
    assert_eq!(
        names(&store, acme, Register::Evidence, &["credit"]).await,
        Vec::<String>::new()
    );
    let mut tx = store.read().await.unwrap();
    let theirs = tx
        .recent_records(other, Register::Systems, 10)
        .await
        .unwrap();
    let mine = tx
        .recent_records(acme, Register::Systems, 10)
        .await
        .unwrap();
    let ids: Vec<String> = mine.iter().chain(&theirs).map(|r| r.id.clone()).collect();
    let mut named: Vec<String> = tx
        .records_named(acme, Register::Systems, &ids)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    named.sort();
    assert_eq!(
        named,
        ["CV screener 100%", "Credit Scorer"],
        "only the organisation's own"
    );
    assert!(
        tx.records_named(acme, Register::Systems, &[])
            .await
            .unwrap()
            .is_empty()
    );
    let recent = tx
        .recent_records(acme, Register::Systems, 10)
        .await
        .unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(
        tx.recent_records(acme, Register::Systems, 1)
            .await
            .unwrap()
            .len(),
        1
    );
}
