use aims_domain::account::{ApiToken, Session};
use aims_domain::{ApiTokenId, Role, SecretHash, SessionId, SetupTokenId, UserId};
use aims_store::{Store, StoreError};

use crate::{at, member, org};

pub async fn api_tokens_are_found_by_hash_and_scoped(store: Store) {
    let acme = org(&store, "Acme").await;
    let beta = org(&store, "Beta").await;
    let ada = member(&store, acme, "ada@example.org", Role::Owner).await;
    let bob = member(&store, acme, "bob@example.org", Role::Editor).await;
    let token = |created_by: UserId, name: &str| ApiToken {
        id: ApiTokenId::new(),
        org: acme,
        created_by,
        name: name.into(),
        role: Role::Viewer,
        prefix: "aims_abcd".into(),
        created_at: at(0),
        expires_at: Some(at(1000)),
        last_used_at: None,
        revoked_at: None,
    };
    let (mine, theirs) = (token(ada, "ci"), token(bob, "export"));
    let mut tx = store.write().await.unwrap();
    tx.insert_api_token(acme, &mine, &SecretHash::of("s1"))
        .await
        .unwrap();
    tx.insert_api_token(acme, &theirs, &SecretHash::of("s2"))
        .await
        .unwrap();
    assert_eq!(
        tx.api_token_by_hash(&SecretHash::of("s1")).await.unwrap(),
        Some((mine.clone(), Some(Role::Owner)))
    );
    assert_eq!(
        tx.api_token_by_hash(&SecretHash::of("nope")).await.unwrap(),
        None
    );
    assert_eq!(tx.api_tokens(acme, None).await.unwrap().len(), 2);
    assert_eq!(
        tx.api_tokens(acme, Some(ada)).await.unwrap(),
        vec![mine.clone()]
    );
    assert!(tx.api_tokens(beta, None).await.unwrap().is_empty());
    assert!(matches!(
        tx.api_token(beta, mine.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tx.revoke_api_token(beta, mine.id, at(5)).await,
        Err(StoreError::NotFound)
    ));
    tx.touch_api_token(mine.id, at(7)).await.unwrap();
    tx.touch_api_token(mine.id, at(8)).await.unwrap(); // within a minute: not written again
    assert_eq!(
        tx.api_token(acme, mine.id).await.unwrap().last_used_at,
        Some(at(7))
    );
    tx.revoke_api_token(acme, mine.id, at(9)).await.unwrap();
    assert!(matches!(
        tx.revoke_api_token(acme, mine.id, at(9)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        tx.api_tokens(acme, None).await.unwrap(),
        vec![theirs.clone()]
    );
    // Removing a member revokes the tokens they made for that organisation.
    assert_eq!(
        tx.api_token_by_hash(&SecretHash::of("s2")).await.unwrap(),
        Some((theirs.clone(), Some(Role::Editor)))
    );
    tx.remove_membership(acme, bob, at(10)).await.unwrap();
    assert_eq!(
        tx.api_token(acme, theirs.id).await.unwrap().revoked_at,
        Some(at(10))
    );
    // Found by its hash, the token no longer has a creator's role to stand on.
    let (gone, role) = tx
        .api_token_by_hash(&SecretHash::of("s2"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((gone.id, role), (theirs.id, None));
    // A lookup outside any transaction sees what was committed, and only that.
    let mut one = store.read_one().await.unwrap();
    assert_eq!(
        one.api_token_by_hash(&SecretHash::of("s1")).await.unwrap(),
        None
    );
    tx.commit().await.unwrap();
    let seen = one.api_token_by_hash(&SecretHash::of("s1")).await.unwrap();
    assert_eq!(seen.map(|(t, _)| t.revoked_at), Some(Some(at(9))));
}

pub async fn sessions_expire_and_belong_to_their_user(store: Store) {
    let acme = org(&store, "Acme").await;
    let ada = member(&store, acme, "ada@example.org", Role::Owner).await;
    let bob = member(&store, acme, "bob@example.org", Role::Viewer).await;
    let session = |user: UserId, expires: i64| Session {
        id: SessionId::new(),
        user,
        active_org: Some(acme),
        created_at: at(0),
        last_seen_at: at(0),
        expires_at: at(expires),
        user_agent: "test".into(),
        address: "127.0.0.1".into(),
    };
    let (a1, a2, b1) = (session(ada, 100), session(ada, 50), session(bob, 100));
    let mut tx = store.write().await.unwrap();
    tx.insert_session(&a1, &SecretHash::of("a1")).await.unwrap();
    tx.insert_session(&a2, &SecretHash::of("a2")).await.unwrap();
    tx.insert_session(&b1, &SecretHash::of("b1")).await.unwrap();
    assert_eq!(
        tx.live_session(&SecretHash::of("a1"), at(1)).await.unwrap(),
        Some(a1.clone())
    );
    assert_eq!(
        tx.live_session(&SecretHash::of("a2"), at(50))
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(tx.sessions_of(ada, at(1)).await.unwrap().len(), 2);
    assert!(
        matches!(
            tx.delete_session(ada, b1.id).await,
            Err(StoreError::NotFound)
        ),
        "not Ada's session"
    );
    tx.touch_session(a2.id, at(40), at(200)).await.unwrap();
    assert_eq!(
        tx.live_session(&SecretHash::of("a2"), at(150))
            .await
            .unwrap()
            .unwrap()
            .last_seen_at,
        at(40)
    );
    assert_eq!(tx.delete_other_sessions(ada, Some(a1.id)).await.unwrap(), 1);
    assert_eq!(tx.sessions_of(ada, at(1)).await.unwrap(), vec![a1.clone()]);
    assert_eq!(tx.purge_expired_sessions(at(100)).await.unwrap(), 2);
    assert!(tx.sessions_of(bob, at(1)).await.unwrap().is_empty());
    tx.commit().await.unwrap();
}

pub async fn setup_tokens_work_once(store: Store) {
    let hash = SecretHash::of("setup");
    let mut tx = store.write().await.unwrap();
    tx.insert_setup_token(SetupTokenId::new(), &hash, at(0), at(100))
        .await
        .unwrap();
    assert!(tx.setup_token_is_valid(&hash, at(1)).await.unwrap());
    assert!(
        !tx.setup_token_is_valid(&hash, at(100)).await.unwrap(),
        "expired"
    );
    assert!(
        !tx.setup_token_is_valid(&SecretHash::of("other"), at(1))
            .await
            .unwrap()
    );
    tx.use_setup_token(&hash, at(2)).await.unwrap();
    assert!(matches!(
        tx.use_setup_token(&hash, at(3)).await,
        Err(StoreError::NotFound)
    ));
    assert!(!tx.setup_token_is_valid(&hash, at(3)).await.unwrap());
    assert_eq!(tx.purge_setup_tokens(at(3)).await.unwrap(), 1);
    tx.commit().await.unwrap();
}

pub async fn sign_in_failures_are_counted_in_a_window(store: Store) {
    let mut tx = store.write().await.unwrap();
    for s in 0..5 {
        tx.record_sign_in_failure("account:x", at(s * 10))
            .await
            .unwrap();
    }
    tx.record_sign_in_failure("address:1.2.3.4", at(0))
        .await
        .unwrap();
    assert_eq!(
        tx.count_sign_in_failures("account:x", at(15))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        tx.count_sign_in_failures("address:1.2.3.4", at(-1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(tx.purge_sign_in_failures(at(20)).await.unwrap(), 4);
    tx.clear_sign_in_failures("account:x").await.unwrap();
    assert_eq!(
        tx.count_sign_in_failures("account:x", at(-1))
            .await
            .unwrap(),
        0
    );
    tx.commit().await.unwrap();
}

pub async fn sign_in_attempts_racing_for_one_account_meet_its_limit(store: Store) {
    // Forty checks at once against a limit of five: counting and recording are one step.
    let mut claims = tokio::task::JoinSet::new();
    for i in 0..40 {
        let store = store.clone();
        claims.spawn(async move {
            let mut tx = store.write().await.unwrap();
            let address = format!("address:10.0.0.{i}");
            let subjects = [("account:racing", 5), (address.as_str(), 30)];
            let claimed = tx
                .claim_sign_in_attempt(&format!("attempt-{i}"), &subjects, at(-100), at(0))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            (i, claimed)
        });
    }
    let claimed: Vec<i32> = claims
        .join_all()
        .await
        .into_iter()
        .filter_map(|(i, claimed)| claimed.then_some(i))
        .collect();
    assert_eq!(claimed.len(), 5, "{claimed:?}");
    let mut tx = store.write().await.unwrap();
    assert_eq!(
        tx.count_sign_in_failures("account:racing", at(-100))
            .await
            .unwrap(),
        5
    );
    // A check that succeeds takes back what it counted, for the account and its address.
    let first = claimed[0];
    tx.forget_sign_in_attempt(&format!("attempt-{first}"), 2)
        .await
        .unwrap();
    assert_eq!(
        tx.count_sign_in_failures("account:racing", at(-100))
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        tx.count_sign_in_failures(&format!("address:10.0.0.{first}"), at(-100))
            .await
            .unwrap(),
        0
    );
    tx.commit().await.unwrap();
}
