//! The AI system inventory through the API: validation, conflicts, filters and the trail
//! (its pages are in `inventory_pages.rs`).

use aims_web::WebConfig;
use reqwest::Method;
use serde_json::json;

use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn systems_are_recorded_listed_changed_and_audited() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let editor = orgs.tokens["editor"].clone();
    let owner_id = orgs.users["owner"].to_string();

    // Bad input names its field and stores nothing.
    for (body, field) in [
        (json!({"name": " ", "purpose": "x"}), "name"),
        (
            json!({"name": "CV screener", "purpose": "x", "roles": ["seller"]}),
            "roles",
        ),
        (
            json!({"name": "CV screener", "purpose": "x", "lifecycle_stage": "beta"}),
            "lifecycle_stage",
        ),
        (
            json!({"name": "CV screener", "purpose": "x", "owner": orgs.users["outsider"].to_string()}),
            "owner",
        ),
        (
            json!({"name": "CV screener", "purpose": "x", "tags": ["a b"]}),
            "tags",
        ),
    ] {
        let (status, problem) = server
            .send(Method::POST, "/api/v1/systems", &editor, Some(body))
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some(field)),
            "{problem}"
        );
    }
    let (status, problem) = server
        .send(
            Method::POST,
            "/api/v1/systems",
            &editor,
            Some(json!({"name": "x", "purpose": "y", "colour": "red"})),
        )
        .await;
    assert_eq!(status, 422, "{problem}");

    let (status, cv) = server
        .send(
            Method::POST,
            "/api/v1/systems",
            &editor,
            Some(json!({
                "name": "CV screener", "purpose": "Ranks applicants for open positions",
                "lifecycle_stage": "operation_monitoring", "roles": ["deployer", "provider"],
                "owner": owner_id, "decisions_about_people": "supports", "status": "active",
                "tags": ["HR", "hiring"], "geography": ["eu"],
            })),
        )
        .await;
    assert_eq!(status, 201, "{cv}");
    assert_eq!(cv["roles"], json!(["provider", "deployer"]));
    assert_eq!(cv["tags"], json!(["hr", "hiring"]));
    assert_eq!(cv["owner_name"], "owner");
    let id = cv["id"].as_str().unwrap().to_owned();

    // The same name, in any case, is a conflict.
    let (status, problem) = server
        .send(
            Method::POST,
            "/api/v1/systems",
            &editor,
            Some(json!({"name": "cv SCREENER", "purpose": "x"})),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("cv SCREENER"));

    // Filters and sorting.
    let (_, page) = server
        .send(
            Method::GET,
            "/api/v1/systems?tag=hr&role=provider",
            &editor,
            None,
        )
        .await;
    assert_eq!(
        (page["total"].as_i64(), page["systems"][0]["name"].as_str()),
        (Some(1), Some("CV screener"))
    );
    let (_, page) = server
        .send(Method::GET, "/api/v1/systems?sort=-name", &editor, None)
        .await;
    let names: Vec<&str> = page["systems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Loan scorer", "CV screener"]);
    let (status, problem) = server
        .send(Method::GET, "/api/v1/systems?sort=colour", &editor, None)
        .await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("sort")));
    let (status, problem) = server
        .send(Method::GET, "/api/v1/systems?limit=0", &editor, None)
        .await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("limit")));

    // A change names its revision; a stale one is refused and changes nothing.
    let change = |revision: i64, purpose: &str| {
        json!({"name": "CV screener", "purpose": purpose, "lifecycle_stage": "operation_monitoring",
               "roles": ["provider", "deployer"], "owner": owner_id, "decisions_about_people": "supports",
               "status": "active", "tags": ["hr", "hiring"], "geography": ["eu"], "revision": revision})
    };
    let path = format!("/api/v1/systems/{id}");
    let (status, changed) = server
        .send(
            Method::PUT,
            &path,
            &editor,
            Some(change(1, "Ranks and filters applicants")),
        )
        .await;
    assert_eq!(
        (status, changed["revision"].as_i64()),
        (200, Some(2)),
        "{changed}"
    );
    let (status, _) = server
        .send(
            Method::PUT,
            &path,
            &editor,
            Some(change(1, "Something else")),
        )
        .await;
    assert_eq!(status, 409);
    let (status, problem) = server
        .send(
            Method::PUT,
            &path,
            &editor,
            Some(json!({"name": "CV screener", "purpose": "x"})),
        )
        .await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("revision")));
    let (_, detail) = server.send(Method::GET, &path, &editor, None).await;
    assert_eq!(detail["system"]["purpose"], "Ranks and filters applicants");

    // Components.
    let (status, model) = server
        .send(
            Method::POST,
            &format!("{path}/components"),
            &editor,
            Some(json!({"kind": "model", "name": "ranker", "version": "4", "model_card_url": "javascript:alert(1)"})),
        )
        .await;
    assert_eq!(
        (status, model["field"].as_str()),
        (422, Some("model_card_url"))
    );
    let (status, model) = server
        .send(
            Method::POST,
            &format!("{path}/components"),
            &editor,
            Some(json!({"kind": "model", "name": "ranker", "version": "4", "model_card_url": "https://example.org/card"})),
        )
        .await;
    assert_eq!(status, 201, "{model}");
    let (_, detail) = server.send(Method::GET, &path, &editor, None).await;
    assert_eq!(detail["components"][0]["name"], "ranker");
    assert_eq!(detail["components"][0]["kind"], "model");

    // Every change is in the trail.
    let (_, trail) = server
        .send(
            Method::GET,
            &format!("/api/v1/audit-events?object_id={id}"),
            &orgs.tokens["owner"],
            None,
        )
        .await;
    let actions: Vec<&str> = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["ai_system.updated", "ai_system.created"],
        "{trail}"
    );
    assert_eq!(trail["events"][0]["change"]["fields"], json!(["purpose"]));

    let (status, _) = server.send(Method::DELETE, &path, &editor, None).await;
    assert_eq!(status, 204);
    let (status, _) = server.send(Method::GET, &path, &editor, None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn classification_is_recorded_versioned_and_marked_for_review() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let editor = orgs.tokens["editor"].clone();
    let path = format!("/api/v1/systems/{}/classification", orgs.system);

    // Unknown catalogue ids are refused, naming the field.
    let (status, problem) = server
        .send(
            Method::POST,
            &path,
            &editor,
            Some(json!({"roles": ["provider"], "annex_iii_points": ["annex-iii-9(z)"]})),
        )
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("annex_iii_points")),
        "{problem}"
    );

    // A credit-scoring system its provider also deploys: high-risk, with both roles' duties.
    let (status, outcome) = server
        .send(
            Method::POST,
            &path,
            &editor,
            Some(
                json!({"roles": ["provider", "deployer"], "annex_iii_points": ["annex-iii-5(b)"]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{outcome}");
    assert_eq!(outcome["version"], 2, "the support data recorded version 1");
    assert_eq!(outcome["classification"]["class"], "high_risk");
    assert_eq!(
        outcome["classification"]["high_risk_basis"],
        json!(["annex-iii-5(b)"])
    );
    let obligations = outcome["obligations"].as_array().unwrap();
    let find = |role: &str, req: &str| {
        obligations
            .iter()
            .find(|o| o["role"] == role && o["requirement"] == req)
            .cloned()
    };
    let fria = find("deployer", "art-27").expect("credit scoring needs a FRIA of its deployer");
    assert!(fria["applies_from"].as_str().is_some(), "{fria}");
    let risk = find("provider", "art-9").expect("the provider manages risks");
    assert!(
        risk["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c[0].as_str().unwrap().starts_with("6.1")),
        "art-9 maps to ISO/IEC 42001 risk clauses: {risk}"
    );
    assert_eq!(risk["amended_applies_from"], "2027-12-02");

    // The system lists its class; a change of purpose marks it for review.
    let (_, page) = server
        .send(
            Method::GET,
            "/api/v1/systems?class=high_risk",
            &editor,
            None,
        )
        .await;
    assert_eq!(page["total"], 1);
    // With no impact assessment yet, it is what the dashboard flags, and the list behind it.
    let (_, flagged) = server
        .send(Method::GET, "/api/v1/readiness", &editor, None)
        .await;
    assert_eq!(flagged["high_risk_without_current_assessment_total"], 1);
    let flagged = &flagged["high_risk_without_current_assessment"];
    assert_eq!(flagged.as_array().map(Vec::len), Some(1), "{flagged}");
    for (missing, total) in [(true, 1), (false, 0)] {
        let (status, page) = server
            .send(
                Method::GET,
                &format!("/api/v1/systems?missing_assessment={missing}"),
                &editor,
                None,
            )
            .await;
        assert_eq!((status, &page["total"]), (200, &json!(total)), "{page}");
        if missing {
            assert_eq!(page["systems"][0]["id"], flagged[0]["id"]);
        }
    }
    let (_, detail) = server
        .send(
            Method::GET,
            &format!("/api/v1/systems/{}", orgs.system),
            &editor,
            None,
        )
        .await;
    let revision = detail["system"]["revision"].as_i64().unwrap();
    let (status, changed) = server
        .send(
            Method::PUT,
            &format!("/api/v1/systems/{}", orgs.system),
            &editor,
            Some(json!({"name": "Loan scorer", "purpose": "Scores loans and sets their price", "revision": revision})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["classification"]["needs_review"], true);
    let (_, old) = server
        .send(Method::GET, &format!("{path}?version=1"), &editor, None)
        .await;
    assert_eq!(old["answers"]["roles"], json!(["deployer"]));
    let (status, _) = server
        .send(Method::GET, &format!("{path}?version=9"), &editor, None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ml_bom_imports_all_or_nothing_and_exports_again() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let editor = orgs.tokens["editor"].clone();
    let path = format!("/api/v1/systems/{}/ml-bom", orgs.system);

    // A broken document names the path in it and changes nothing.
    let (status, problem) = server
        .send(Method::POST, &path, &editor, Some(json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "x"}]})))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("/components/0"),
        "{problem}"
    );

    let document = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
        {"type": "machine-learning-model", "name": "ranker", "version": "4", "supplier": {"name": "Acme Labs"}},
        {"type": "data", "name": "applications", "data": [{"type": "dataset", "name": "applications", "sensitiveData": ["names"]}]},
    ]});
    let (status, report) = server
        .send(Method::POST, &path, &editor, Some(document.clone()))
        .await;
    assert_eq!(status, 200, "{report}");
    assert!(
        report["created"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "model ranker 4"),
        "{report}"
    );
    let (_, again) = server
        .send(Method::POST, &path, &editor, Some(document))
        .await;
    assert!(again["created"].as_array().unwrap().is_empty(), "{again}");
    assert!(again["unchanged"].as_u64().unwrap() >= 2, "{again}");

    let response = server
        .http
        .get(server.url(&path))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.cyclonedx+json"
    );
    let exported: serde_json::Value = response.json().await.unwrap();
    assert_eq!(exported["specVersion"], "1.6");
    let names: Vec<&str> = exported["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"ranker") && names.contains(&"applications"),
        "{names:?}"
    );

    // A document past the per-system limit is refused before anything is written.
    let many: Vec<serde_json::Value> = (0..=aims_app::MAX_COMPONENTS_PER_SYSTEM)
        .map(|i| json!({"type": "machine-learning-model", "name": format!("model {i}"), "version": "1"}))
        .collect();
    let (status, problem) = server
        .send(
            Method::POST,
            &path,
            &editor,
            Some(json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": many})),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("at most 1000"),
        "{problem}"
    );
    let (_, after) = server.send(Method::GET, &path, &editor, None).await;
    assert_eq!(after["components"].as_array().unwrap().len(), names.len());
}
