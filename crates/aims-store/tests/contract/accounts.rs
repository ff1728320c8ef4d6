use aims_domain::account::{Email, Invitation, Membership, User};
use aims_domain::{InvitationId, OrgId, Role, SecretHash, UserId};
use aims_store::{Store, StoreError};

use crate::{at, member, org};

pub async fn organisations_are_created_renamed_and_listed(store: Store) {
    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.count_orgs().await.unwrap(), 0);
    drop(tx);
    let a = org(&store, "Acme").await;
    let b = org(&store, "Beta").await;
    let mut tx = store.write().await.unwrap();
    tx.rename_org(a, "Acme AI", at(5)).await.unwrap();
    assert!(matches!(
        tx.rename_org(OrgId::new(), "x", at(5)).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let mut tx = store.read().await.unwrap();
    let acme = tx.org(a).await.unwrap();
    assert_eq!((acme.name.as_str(), acme.updated_at), ("Acme AI", at(5)));
    assert_eq!(tx.count_orgs().await.unwrap(), 2);
    let all: Vec<OrgId> = tx.all_orgs().await.unwrap().iter().map(|o| o.id).collect();
    assert_eq!(all, vec![a, b]);
    assert!(matches!(
        tx.org(OrgId::new()).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn emails_are_unique(store: Store) {
    let acme = org(&store, "Acme").await;
    member(&store, acme, "ada@example.org", Role::Owner).await;
    let twin = User {
        id: UserId::new(),
        email: Email::parse("ada@example.org").unwrap(),
        display_name: "Ada again".into(),
        password_hash: None,
        created_at: at(0),
        updated_at: at(0),
    };
    let mut tx = store.write().await.unwrap();
    assert!(matches!(
        tx.insert_user(&twin).await,
        Err(StoreError::Conflict(_))
    ));
    drop(tx);
    let mut tx = store.read().await.unwrap();
    let found = tx
        .user_by_email(&Email::parse("ADA@example.org").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.display_name, "ada@example.org");
    assert!(
        tx.user_by_email(&Email::parse("bob@example.org").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn memberships_are_scoped_to_their_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let beta = org(&store, "Beta").await;
    let ada = member(&store, acme, "ada@example.org", Role::Owner).await;
    let bob = member(&store, beta, "bob@example.org", Role::Editor).await;
    let mut tx = store.write().await.unwrap();
    tx.insert_membership(
        beta,
        &Membership {
            org: beta,
            user: ada,
            role: Role::Viewer,
            created_at: at(1),
        },
    )
    .await
    .unwrap();
    assert_eq!(tx.role_of(acme, ada).await.unwrap(), Some(Role::Owner));
    assert_eq!(tx.role_of(beta, ada).await.unwrap(), Some(Role::Viewer));
    assert_eq!(tx.role_of(acme, bob).await.unwrap(), None);
    // Acting through Acme must never reach Beta's member.
    assert!(matches!(
        tx.set_role(acme, bob, Role::Owner).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tx.remove_membership(acme, bob, at(2)).await,
        Err(StoreError::NotFound)
    ));
    tx.set_role(beta, bob, Role::Admin).await.unwrap();
    assert_eq!(tx.count_owners(acme).await.unwrap(), 1);
    assert_eq!(tx.count_owners(beta).await.unwrap(), 0);
    let names: Vec<String> = tx
        .orgs_of(ada)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.org_name)
        .collect();
    assert_eq!(names, ["Acme", "Beta"]);
    let members = tx.members(beta).await.unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| (m.email.as_str(), m.role))
            .collect::<Vec<_>>(),
        [
            ("ada@example.org", Role::Viewer),
            ("bob@example.org", Role::Admin)
        ]
    );
    tx.remove_membership(beta, ada, at(3)).await.unwrap();
    assert_eq!(tx.members(beta).await.unwrap().len(), 1);
    tx.commit().await.unwrap();
}

pub async fn invitations_open_and_close_once(store: Store) {
    let acme = org(&store, "Acme").await;
    let beta = org(&store, "Beta").await;
    let ada = member(&store, acme, "ada@example.org", Role::Owner).await;
    let invitation = Invitation {
        id: InvitationId::new(),
        org: acme,
        email: Email::parse("carol@example.org").unwrap(),
        role: Role::Editor,
        invited_by: Some(ada),
        created_at: at(0),
        expires_at: at(100),
        accepted_at: None,
        revoked_at: None,
    };
    let secret = SecretHash::of("invitation-secret");
    let mut tx = store.write().await.unwrap();
    tx.insert_invitation(acme, &invitation, &secret)
        .await
        .unwrap();
    assert_eq!(
        tx.open_invitations(acme, at(1)).await.unwrap(),
        vec![invitation.clone()]
    );
    assert!(
        tx.open_invitations(acme, at(100)).await.unwrap().is_empty(),
        "expired invitations are not open"
    );
    assert!(tx.open_invitations(beta, at(1)).await.unwrap().is_empty());
    assert!(matches!(
        tx.invitation(beta, invitation.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        tx.invitation_by_token(&secret).await.unwrap(),
        Some(invitation.clone())
    );
    assert!(matches!(
        tx.close_invitation(beta, invitation.id, true, at(2)).await,
        Err(StoreError::NotFound)
    ));
    tx.close_invitation(acme, invitation.id, true, at(2))
        .await
        .unwrap();
    assert!(matches!(
        tx.close_invitation(acme, invitation.id, false, at(3)).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        tx.invitation(acme, invitation.id)
            .await
            .unwrap()
            .accepted_at,
        Some(at(2))
    );
    tx.commit().await.unwrap();
}

pub async fn requirement_texts_belong_to_their_organisation(store: Store) {
    use aims_store::RequirementText;
    let acme = org(&store, "Acme").await;
    let beta = org(&store, "Beta").await;
    let text = |t: &str| RequirementText {
        framework: "iso-iec-42001@2023".into(),
        item_id: "A.2.2".into(),
        text: t.into(),
        updated_at: at(1),
        updated_by: "ada@example.org".into(),
    };
    let mut tx = store.write().await.unwrap();
    tx.put_requirement_text(acme, &text("licensed words"))
        .await
        .unwrap();
    tx.put_requirement_text(acme, &text("licensed words, corrected"))
        .await
        .unwrap();
    assert_eq!(
        tx.requirement_text(acme, "iso-iec-42001@2023", "A.2.2")
            .await
            .unwrap()
            .unwrap()
            .text,
        "licensed words, corrected"
    );
    assert_eq!(
        tx.requirement_text(beta, "iso-iec-42001@2023", "A.2.2")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        tx.requirement_texts(acme, "iso-iec-42001@2023")
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        tx.delete_requirement_text(beta, "iso-iec-42001@2023", "A.2.2")
            .await,
        Err(StoreError::NotFound)
    ));
    tx.delete_requirement_text(acme, "iso-iec-42001@2023", "A.2.2")
        .await
        .unwrap();
    assert!(
        tx.requirement_texts(acme, "iso-iec-42001@2023")
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();
}
