//! Acceptance of a risk: the owner, four eyes, the role the method asks for above the
//! appetite, and the changes (of ratings, treatment or method) that withdraw it.

use super::*;

on_both_engines! {
    acceptance_needs_the_owner_another_rater_and_above_the_appetite_the_named_role,
    changing_ratings_treatment_or_owner_withdraws_an_acceptance_and_the_event_says_so,
    a_new_method_rescores_every_risk_and_withdraws_acceptances_whose_level_moved,
    tighter_criteria_take_acceptances_back_and_an_unchanged_method_records_nothing,
}

async fn acceptance_needs_the_owner_another_rater_and_above_the_appetite_the_named_role(
    store: Store,
) {
    let r = register(store).await;
    let mut low = facts("Prompt injection", 2, 2);
    low.owner = Some(id(&r.editor));
    let (risk, _) = r.app.create_risk(&r.editor, low.clone()).await.unwrap();
    let before = mark(&r).await;

    // The owner rated it: someone else must look at the ratings first (four eyes).
    let why = assert_invalid(
        r.app.accept_risk(&r.editor, risk.id, "Low enough").await,
        "acceptance.by",
    );
    assert!(why.contains("four eyes"), "{why}");
    // Only the owner signs off, with a reason, and only a person.
    let why = assert_invalid(
        r.app.accept_risk(&r.rater, risk.id, "Low enough").await,
        "acceptance.by",
    );
    assert!(why.contains("risk owner"), "{why}");
    assert_invalid(
        r.app.accept_risk(&r.editor, risk.id, "   ").await,
        "acceptance.note",
    );
    let automation = Actor {
        kind: ActorKind::System,
        ..r.editor.clone()
    };
    assert_invalid(
        r.app.accept_risk(&automation, risk.id, "Low enough").await,
        "acceptance.by",
    );
    assert_not_found(
        r.app
            .accept_risk(&r.editor, RiskId::new(), "Low enough")
            .await,
        "risk",
    );
    let (unowned, _) = r
        .app
        .create_risk(&r.rater, facts("Nobody's", 1, 1))
        .await
        .unwrap();
    assert_invalid(
        r.app.accept_risk(&r.editor, unowned.id, "Fine").await,
        "owner",
    );
    let before_rating = mark(&r).await;
    assert_eq!(
        before_rating,
        before + 1,
        "only the unowned risk was recorded"
    );

    // Another editor rates it again (Medium, still within the appetite): now the owner may.
    low.inherent_impact = 3;
    let (rated, _) = r
        .app
        .update_risk(&r.rater, risk.id, risk.revision, low.clone())
        .await
        .unwrap();
    assert_eq!(rated.rated_by, Some(id(&r.rater)));
    let before = mark(&r).await;
    let (accepted, method) = r
        .app
        .accept_risk(
            &r.editor,
            risk.id,
            "  Monitored weekly by the support team ",
        )
        .await
        .unwrap();
    let acceptance = accepted.acceptance.clone().unwrap();
    assert_eq!(acceptance.by, id(&r.editor));
    assert_eq!(acceptance.at, START);
    assert_eq!(acceptance.note, "Monitored weekly by the support team");
    assert_eq!(accepted.revision, rated.revision + 1);
    assert!(accepted.within_appetite(&method));
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk.accepted"]);
    let change = details(&events[0]);
    assert_eq!(change["residual_level"], "Medium");
    assert_eq!(change["note"], "Monitored weekly by the support team");
    let (stored, _) = r.app.risk(&r.viewer, risk.id).await.unwrap();
    assert_eq!(stored.acceptance, Some(acceptance));

    // Above the appetite (Critical) the default method asks for an owner or admin.
    let mut critical = facts("Unsafe medical advice", 5, 5);
    critical.owner = Some(id(&r.editor));
    let (high, _) = r.app.create_risk(&r.rater, critical.clone()).await.unwrap();
    let before = mark(&r).await;
    let why = assert_invalid(
        r.app.accept_risk(&r.editor, high.id, "We accept it").await,
        "acceptance.by",
    );
    assert!(why.contains("owner or admin"), "{why}");
    assert!(since(&r, before).await.is_empty());
    // The organisation's owner takes the risk over; that is no rating, so the rater stays.
    critical.owner = Some(id(&r.owner));
    let (moved, _) = r
        .app
        .update_risk(&r.editor, high.id, high.revision, critical)
        .await
        .unwrap();
    assert_eq!(moved.rated_by, Some(id(&r.rater)));
    let (accepted, method) = r
        .app
        .accept_risk(
            &r.owner,
            high.id,
            "Shipped with a disclaimer; reviewed monthly",
        )
        .await
        .unwrap();
    assert!(!accepted.within_appetite(&method));
    assert_eq!(accepted.acceptance.unwrap().by, id(&r.owner));

    // A method that names editors lets an editor accept above the appetite.
    let mut editors = RiskMethod::default_five_by_five();
    editors.accept_above_appetite = vec![Role::Editor];
    r.app.set_risk_method(&r.admin, editors).await.unwrap();
    let mut another = facts("Jailbreak to hate speech", 5, 4);
    another.owner = Some(id(&r.editor));
    let (another, _) = r.app.create_risk(&r.rater, another).await.unwrap();
    let (accepted, _) = r
        .app
        .accept_risk(&r.editor, another.id, "Filtered downstream")
        .await
        .unwrap();
    assert!(accepted.acceptance.is_some());
    // ... and then no longer an owner.
    let mut theirs = facts("Copyright claims", 5, 5);
    theirs.owner = Some(id(&r.owner));
    let (theirs, _) = r.app.create_risk(&r.rater, theirs).await.unwrap();
    let why = assert_invalid(
        r.app.accept_risk(&r.owner, theirs.id, "Insured").await,
        "acceptance.by",
    );
    assert!(why.contains("editor"), "{why}");
}

async fn changing_ratings_treatment_or_owner_withdraws_an_acceptance_and_the_event_says_so(
    store: Store,
) {
    let r = register(store).await;
    let mut f = facts("Hallucinated citations", 2, 3);
    f.owner = Some(id(&r.editor));
    let (risk, _) = r.app.create_risk(&r.rater, f.clone()).await.unwrap();
    let (accepted, _) = r
        .app
        .accept_risk(&r.editor, risk.id, "Users are told to check sources")
        .await
        .unwrap();

    // Words alone keep the acceptance.
    f.description = "Seen twice in March".into();
    let before = mark(&r).await;
    let (kept, _) = r
        .app
        .update_risk(&r.rater, risk.id, accepted.revision, f.clone())
        .await
        .unwrap();
    assert_eq!(kept.acceptance, accepted.acceptance);
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk.updated"]);
    assert_eq!(details(&events[0])["acceptance_withdrawn"], false);

    // A new rating withdraws it, and the event records that it did.
    f.inherent_likelihood = 3;
    let before = mark(&r).await;
    let (rerated, _) = r
        .app
        .update_risk(&r.rater, risk.id, kept.revision, f.clone())
        .await
        .unwrap();
    assert_eq!(rerated.acceptance, None);
    assert_eq!(rerated.rated_by, Some(id(&r.rater)));
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk.updated"]);
    let change = details(&events[0]);
    assert_eq!(change["acceptance_withdrawn"], true);
    assert_eq!(change["fields"], serde_json::json!(["inherent_likelihood"]));
    let (stored, _) = r.app.risk(&r.viewer, risk.id).await.unwrap();
    assert_eq!(stored.acceptance, None);

    // So does another treatment, after a fresh acceptance.
    let (again, _) = r
        .app
        .accept_risk(&r.editor, risk.id, "Still within the appetite")
        .await
        .unwrap();
    f.treatment = TreatmentOption::Share;
    let before = mark(&r).await;
    let (shared, _) = r
        .app
        .update_risk(&r.rater, risk.id, again.revision, f)
        .await
        .unwrap();
    assert_eq!(shared.acceptance, None);
    assert_eq!(
        shared.rated_by,
        Some(id(&r.rater)),
        "a treatment is no rating"
    );
    let change = details(&since(&r, before).await[0]);
    assert_eq!(change["acceptance_withdrawn"], true);
    assert_eq!(change["fields"], serde_json::json!(["treatment"]));

    // And so does a new owner: the sign-off was the former owner's, not theirs.
    let mut f = shared.facts.clone();
    let (signed, _) = r
        .app
        .accept_risk(&r.editor, risk.id, "Shared with the vendor")
        .await
        .unwrap();
    assert!(signed.acceptance.is_some());
    f.owner = Some(id(&r.owner));
    let before = mark(&r).await;
    let (handed_over, _) = r
        .app
        .update_risk(&r.rater, risk.id, signed.revision, f)
        .await
        .unwrap();
    assert_eq!(handed_over.acceptance, None);
    let change = details(&since(&r, before).await[0]);
    assert_eq!(change["acceptance_withdrawn"], true);
    assert_eq!(change["fields"], serde_json::json!(["owner"]));
}

/// Three steps on each scale, three risk levels; acceptable up to Medium.
fn three_by_three() -> RiskMethod {
    let mut m = RiskMethod::default_five_by_five();
    m.likelihood.levels.truncate(3);
    m.impact.levels.truncate(3);
    m.risk_levels.truncate(3);
    m.matrix = vec![vec![0, 0, 1], vec![0, 1, 2], vec![1, 2, 2]];
    m
}

async fn a_new_method_rescores_every_risk_and_withdraws_acceptances_whose_level_moved(
    store: Store,
) {
    let r = register(store).await;
    let owned = |title: &str, l: u8, i: u8| RiskFacts {
        owner: Some(id(&r.editor)),
        ..facts(title, l, i)
    };
    let mut created = Vec::new();
    let mut residual = owned("Model theft", 4, 4);
    (residual.residual_likelihood, residual.residual_impact) = (Some(1), Some(2));
    for f in [
        owned("Unsafe advice", 5, 5),
        owned("Typos in answers", 1, 1),
        owned("Stale knowledge", 2, 4),
        residual,
    ] {
        created.push(r.app.create_risk(&r.rater, f).await.unwrap().0);
    }
    // R-2 (Low) and R-3 (Medium) are accepted by their owner.
    for risk in &created[1..3] {
        r.app
            .accept_risk(&r.editor, risk.id, "Within the appetite")
            .await
            .unwrap();
    }

    // Only owners and admins change the method, and only to a valid one.
    assert_denied(
        r.app.set_risk_method(&r.editor, three_by_three()).await,
        Permission::ManageOrganisation,
    );
    let before = mark(&r).await;
    let mut broken = three_by_three();
    broken.matrix.pop();
    assert_invalid(r.app.set_risk_method(&r.owner, broken).await, "matrix");
    let mut broken = three_by_three();
    broken.acceptable_up_to = 3;
    assert_invalid(
        r.app.set_risk_method(&r.owner, broken).await,
        "acceptable_up_to",
    );
    let mut broken = three_by_three();
    broken.accept_above_appetite = vec![Role::Viewer];
    assert_invalid(
        r.app.set_risk_method(&r.owner, broken).await,
        "accept_above_appetite",
    );
    assert!(since(&r, before).await.is_empty());
    assert_eq!(
        r.app.risk_method(&r.viewer).await.unwrap(),
        RiskMethod::default_five_by_five()
    );

    let rescored = r
        .app
        .set_risk_method(&r.owner, three_by_three())
        .await
        .unwrap();
    // R-2 (1, 1) reads the same on the new scales and level: it is left as it was.
    assert_eq!(rescored, 3);
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk_method.changed"]);
    assert_eq!(events[0].object_id, r.org.to_string());
    let change = details(&events[0]);
    assert_eq!(change["risks_rescored"], 3);
    assert_eq!(change["acceptances_withdrawn"], serde_json::json!(["R-3"]));
    let lines: Vec<&str> = change["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("likelihood scale: 5 levels")),
        "{lines:?}"
    );
    assert_eq!(
        r.app.risk_method(&r.viewer).await.unwrap(),
        three_by_three()
    );

    // Each score keeps its place on its scale: 5 → 3, 4 → 3, 2 → 2, 1 → 1.
    let scores = |risk: &Risk| {
        let f = &risk.facts;
        (
            f.inherent_likelihood,
            f.inherent_impact,
            f.residual_likelihood,
            f.residual_impact,
        )
    };
    let mut after = Vec::new();
    for risk in &created {
        let (now, method) = r.app.risk(&r.viewer, risk.id).await.unwrap();
        assert_eq!(method, three_by_three());
        after.push(now);
    }
    // Created at revision 1, R-2 and R-3 accepted (2); all but R-2 rescored (+1).
    let revisions: Vec<i64> = after.iter().map(|risk| risk.revision).collect();
    assert_eq!(revisions, [2, 2, 3, 2], "R-2 is left as it was");
    assert_eq!(scores(&after[0]), (3, 3, None, None));
    assert_eq!(scores(&after[1]), (1, 1, None, None));
    assert_eq!(scores(&after[2]), (2, 3, None, None));
    assert_eq!(scores(&after[3]), (3, 3, Some(1), Some(2)));
    // R-2 stayed Low and keeps its acceptance; R-3 went from Medium to High and loses it.
    assert!(after[1].acceptance.is_some());
    assert_eq!(after[2].acceptance, None);
    let method = three_by_three();
    let levels: Vec<&str> = after
        .iter()
        .map(|risk| method.level_label(risk.residual_level(&method)))
        .collect();
    assert_eq!(levels, ["High", "Low", "High", "Low"]);
    // The list reads levels stored by the rescoring.
    let high = RiskFilter {
        min_level: Some("High".into()),
        ..Default::default()
    };
    assert_eq!(list(&r, high).await, [1, 3]);
    // New risks are rated on the new scales.
    assert_invalid(
        r.app.create_risk(&r.editor, facts("Too big", 4, 1)).await,
        "inherent_likelihood",
    );
}

/// Saving the method in force records nothing; criteria that ask more of an accepted risk
/// (lowering the appetite below it, or other roles to accept above it) take its acceptance
/// back, and the trail names the change of roles.
async fn tighter_criteria_take_acceptances_back_and_an_unchanged_method_records_nothing(
    store: Store,
) {
    let r = register(store).await;
    r.app
        .set_risk_method(&r.owner, RiskMethod::default_five_by_five())
        .await
        .unwrap();
    let mut medium = facts("Stale knowledge", 2, 4);
    medium.owner = Some(id(&r.editor));
    let (medium, _) = r.app.create_risk(&r.rater, medium).await.unwrap();
    let method = RiskMethod::default_five_by_five();
    assert!(medium.within_appetite(&method));
    r.app
        .accept_risk(&r.editor, medium.id, "Within the appetite")
        .await
        .unwrap();

    let before = mark(&r).await;
    let same = r
        .app
        .set_risk_method(&r.owner, RiskMethod::default_five_by_five())
        .await
        .unwrap();
    assert_eq!(same, 0);
    assert!(
        since(&r, before).await.is_empty(),
        "nothing changed, nothing recorded"
    );

    let mut stricter = RiskMethod::default_five_by_five();
    stricter.acceptable_up_to = 0;
    stricter.requires_sign_off_from = 1;
    stricter.accept_above_appetite = vec![Role::Owner];
    r.app.set_risk_method(&r.owner, stricter).await.unwrap();
    let (now, _) = r.app.risk(&r.viewer, medium.id).await.unwrap();
    assert_eq!(
        now.acceptance, None,
        "above the new appetite: the owner must look again"
    );
    let events = since(&r, before).await;
    let change = details(&events[0]);
    assert_eq!(
        change["acceptances_withdrawn"],
        serde_json::json!([now.reference()])
    );
    let lines = change["changes"].to_string();
    assert!(
        lines.contains("may accept above the appetite: Owner, Admin → Owner"),
        "{lines}"
    );
}
