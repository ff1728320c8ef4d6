//! A page holds the same rows whichever way the store reads it. On SQLite a small page of
//! many matches walks the index of its order, and a large page sorts the matches: paging
//! one row at a time must give what one large page gives, for every order that has an index.

use aims_domain::inventory::{AiSystem, LifecycleStage};
use aims_domain::risk::{Risk, RiskMethod, RiskStatus};
use aims_domain::{AiSystemId, OrgId, RiskId};
use aims_store::{RiskQuery, RiskSort, Store, SystemQuery, SystemSort};

use crate::inventory::facts;
use crate::risks::{levels, risk_facts};
use crate::{at, org};

/// Ids from one large page, then from one row per page, through `page(limit, offset)`,
/// which gives a page's ids and the total.
async fn both_ways(
    mut page: impl AsyncFnMut(i64, i64) -> (Vec<String>, i64),
) -> (Vec<String>, Vec<String>) {
    let (all, total) = page(500, 0).await;
    assert_eq!(total, all.len() as i64);
    let mut paged = Vec::new();
    for offset in 0..total {
        let (ids, n) = page(1, offset).await;
        assert_eq!(n, total, "the total at offset {offset}");
        paged.extend(ids);
    }
    (all, paged)
}

/// Ids of `org`'s systems matching `q`, one large page and then one row per page.
async fn systems_both_ways(
    store: &Store,
    org: OrgId,
    q: SystemQuery,
) -> (Vec<String>, Vec<String>) {
    both_ways(async |limit, offset| {
        let q = SystemQuery {
            limit,
            offset,
            ..q.clone()
        };
        let (page, n) = store
            .read()
            .await
            .unwrap()
            .ai_systems(org, &q)
            .await
            .unwrap();
        (page.into_iter().map(|s| s.id.to_string()).collect(), n)
    })
    .await
}

/// Ids of `org`'s risks matching `q`, one large page and then one row per page.
async fn risks_both_ways(store: &Store, org: OrgId, q: RiskQuery) -> (Vec<String>, Vec<String>) {
    both_ways(async |limit, offset| {
        let q = RiskQuery {
            limit,
            offset,
            ..q.clone()
        };
        let (page, n) = store.read().await.unwrap().risks(org, &q).await.unwrap();
        (page.into_iter().map(|r| r.id.to_string()).collect(), n)
    })
    .await
}

pub async fn small_and_large_pages_agree(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let method = RiskMethod::default_five_by_five();
    let mut tx = store.write().await.unwrap();
    for (org, count) in [(acme, 40), (other, 6)] {
        for i in 0..count {
            // Names out of insertion order, and times that tie, so that the order is earned.
            let mut f = facts(&format!("System {:02}", (i * 17) % 40));
            f.description = if i % 4 == 3 {
                "plain"
            } else {
                "keeps the ledger"
            }
            .into();
            if i % 3 == 0 {
                f.lifecycle_stage = LifecycleStage::Deployment;
            }
            let system = AiSystem {
                id: AiSystemId::new(),
                facts: f,
                owner_name: None,
                classification: None,
                created_at: at(0),
                updated_at: at((i * 7) % 10),
                revision: 1,
            };
            tx.insert_ai_system(org, &system).await.unwrap();
            let mut f = risk_facts(
                &format!("Ledger drift {i}"),
                (i % 5 + 1) as u8,
                ((i * 3) % 5 + 1) as u8,
            );
            if i % 4 == 3 {
                f.title = format!("Plain {i}");
            }
            if i % 2 == 0 {
                f.status = RiskStatus::Treated;
            }
            let risk = Risk {
                id: RiskId::new(),
                number: 0,
                facts: f,
                acceptance: None,
                rated_by: None,
                created_at: at(0),
                updated_at: at((i * 7) % 10),
                revision: 1,
            };
            let levels = levels(&method, &risk.facts);
            tx.insert_risk(org, &risk, levels).await.unwrap();
        }
    }
    tx.commit().await.unwrap();

    let texts = [None, Some("ledger"), Some("le")];
    for sort in [SystemSort::Name, SystemSort::Updated] {
        for descending in [false, true] {
            for text in texts {
                for stage in [None, Some("deployment")] {
                    let q = SystemQuery {
                        text: text.map(str::to_owned),
                        lifecycle_stage: stage.map(str::to_owned),
                        sort,
                        descending,
                        ..Default::default()
                    };
                    let (all, paged) = systems_both_ways(&store, acme, q).await;
                    assert!(!all.is_empty(), "{sort:?} {text:?} {stage:?} found nothing");
                    assert_eq!(paged, all, "{sort:?} desc={descending} {text:?} {stage:?}");
                }
            }
        }
    }
    for sort in [RiskSort::Number, RiskSort::Level, RiskSort::Updated] {
        for descending in [false, true] {
            for text in texts {
                for status in [None, Some("treated")] {
                    let q = RiskQuery {
                        text: text.map(str::to_owned),
                        status: status.map(str::to_owned),
                        sort,
                        descending,
                        ..Default::default()
                    };
                    let (all, paged) = risks_both_ways(&store, acme, q).await;
                    assert!(
                        !all.is_empty(),
                        "{sort:?} {text:?} {status:?} found nothing"
                    );
                    assert_eq!(paged, all, "{sort:?} desc={descending} {text:?} {status:?}");
                }
            }
        }
    }
}
