//! Roles and competence through the API: roles defined by editors with member holders, a
//! lost update refused, permission before the body, other organisations kept out; training
//! recorded by people for themselves; the coverage report's numbers.

use aims_web::WebConfig;
use reqwest::Method;
use serde_json::json;

use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_kept_by_editors_for_members_with_revisions() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let t = |who: &str| orgs.tokens[who].clone();
    let (viewer_id, auditor_id) = (orgs.users["viewer"], orgs.users["auditor"]);

    // Permission comes before the body: a viewer sending nonsense learns only 403.
    let (status, problem) = server
        .send(
            Method::POST,
            "/api/v1/aims-roles",
            &t("viewer"),
            Some(json!({"name": 7})),
        )
        .await;
    assert_eq!(status, 403, "{problem}");
    for (body, field) in [
        (json!({"name": " "}), "name"),
        (
            json!({"name": "Steward", "holders": ["not-an-id"]}),
            "holders",
        ),
        (
            json!({"name": "Steward", "holders": [orgs.users["outsider"].to_string()]}),
            "holders",
        ),
        (
            json!({"name": "Steward", "references": ["A.3.2"]}),
            "references",
        ),
        (
            json!({"name": "Steward", "references": ["iso-iec-42001:Z.1"]}),
            "references",
        ),
        (json!({"name": "risk OWNER"}), "name"),
    ] {
        let (status, problem) = server
            .send(Method::POST, "/api/v1/aims-roles", &t("editor"), Some(body))
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some(field)),
            "{problem}"
        );
    }
    let (status, role) = server
        .send(
            Method::POST,
            "/api/v1/aims-roles",
            &t("editor"),
            Some(
                json!({"name": "Data steward", "responsibilities": "Keeps **data** fit for use.",
                        "competences": ["Data quality", "data QUALITY", "EU AI Act"],
                        "holders": [viewer_id.to_string()],
                        "references": ["iso-iec-42001:A.7.2"]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{role}");
    assert_eq!(role["competences"], json!(["Data quality", "EU AI Act"]));
    let path = format!("/api/v1/aims-roles/{}", role["id"].as_str().unwrap());

    // Changed from revision 1; the same change again is a lost update.
    let change = json!({"name": "Data steward", "holders": [viewer_id.to_string(), auditor_id.to_string()],
                        "competences": ["Data quality"], "revision": 1});
    let (status, changed) = server
        .send(Method::PUT, &path, &t("admin"), Some(change.clone()))
        .await;
    assert_eq!(
        (status, changed["revision"].as_i64()),
        (200, Some(2)),
        "{changed}"
    );
    let (status, problem) = server
        .send(Method::PUT, &path, &t("admin"), Some(change))
        .await;
    assert_eq!(status, 409, "{problem}");
    let (status, problem) = server
        .send(Method::PUT, &path, &t("editor"), Some(json!({"name": "x"})))
        .await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("revision")));
    // Another organisation finds nothing there.
    let (status, _) = server.send(Method::GET, &path, &t("outsider"), None).await;
    assert_eq!(status, 404);
    let (status, _) = server
        .send(Method::DELETE, &path, &t("outsider"), None)
        .await;
    assert_eq!(status, 404);
    let (status, list) = server
        .send(Method::GET, "/api/v1/aims-roles", &t("outsider"), None)
        .await;
    assert_eq!(
        (status, list["roles"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    // The auditor was told of the role given to them.
    let (_, inbox) = server
        .send(Method::GET, "/api/v1/notifications", &t("auditor"), None)
        .await;
    assert_eq!(inbox["notifications"][0]["kind"], "role_given", "{inbox}");
    let (status, _) = server.send(Method::DELETE, &path, &t("viewer"), None).await;
    assert_eq!(status, 403);
    let (status, _) = server.send(Method::DELETE, &path, &t("editor"), None).await;
    assert_eq!(status, 204);
    let (status, _) = server.send(Method::GET, &path, &t("viewer"), None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_record_their_own_training_and_coverage_counts_it() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let t = |who: &str| orgs.tokens[who].clone();
    let today = server.app.now().to_string();

    // The support data: the viewer holds "Risk owner" and has no literacy record yet.
    let (status, report) = server
        .send(Method::GET, "/api/v1/competence", &t("auditor"), None)
        .await;
    assert_eq!(status, 200, "{report}");
    let risk_owner = &report["roles"][0];
    assert_eq!(risk_owner["name"], "Risk owner");
    assert_eq!(
        risk_owner["ai_literacy"],
        json!({"people": 1, "literate": 0, "percent": 0})
    );
    assert_eq!(risk_owner["gaps"][0]["competence"], "Risk assessment");
    let members = report["members"]["people"].as_u64().unwrap();
    assert_eq!(
        report["members"]["literate"], 1,
        "the editor's record: {report}"
    );

    for (body, field) in [
        (json!({"title": "AI basics"}), "completed_on"),
        (
            json!({"title": "AI basics", "completed_on": "2999-01-01T00:00:00Z"}),
            "completed_on",
        ),
        (
            json!({"title": "AI basics", "completed_on": today, "kind": "webinar"}),
            "kind",
        ),
        (
            json!({"title": "AI basics", "completed_on": today, "expires_on": "2000-01-01T00:00:00Z"}),
            "expires_on",
        ),
        (
            json!({"title": "AI basics", "completed_on": today, "evidence": orgs.system.to_string()}),
            "evidence",
        ),
    ] {
        let (status, problem) = server
            .send(
                Method::POST,
                "/api/v1/training-records",
                &t("viewer"),
                Some(body),
            )
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some(field)),
            "{problem}"
        );
    }
    // Someone else's record has its own address, which only editors may use (checked
    // before the body is read); the caller's own address refuses another person.
    let (status, problem) = server
        .send(
            Method::POST,
            "/api/v1/training-records",
            &t("viewer"),
            Some(json!({"title": "x", "completed_on": today, "person": orgs.users["auditor"].to_string()})),
        )
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("person")),
        "{problem}"
    );
    let for_auditor = format!("/api/v1/people/{}/training-records", orgs.users["auditor"]);
    let (status, _) = server
        .send(
            Method::POST,
            &for_auditor,
            &t("viewer"),
            Some(json!({"garbage": true})),
        )
        .await;
    assert_eq!(status, 403, "only editors record for others");
    let (status, theirs) = server
        .send(
            Method::POST,
            &for_auditor,
            &t("editor"),
            Some(json!({"title": "Audit techniques for AI", "completed_on": today})),
        )
        .await;
    assert_eq!(status, 201, "{theirs}");
    assert_eq!(theirs["person"], orgs.users["auditor"].to_string());
    let (status, record) = server
        .send(
            Method::POST,
            "/api/v1/training-records",
            &t("viewer"),
            Some(
                json!({"kind": "ai_literacy", "title": "AI literacy basics", "completed_on": today,
                        "competences": ["Risk assessment"], "evidence": orgs.evidence.to_string()}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{record}");
    assert_eq!(record["person"], orgs.users["viewer"].to_string());
    assert_eq!(record["standing"], "current");
    let path = format!(
        "/api/v1/training-records/{}",
        record["id"].as_str().unwrap()
    );

    // Someone else's record: the check comes before the body is read.
    let (status, _) = server
        .send(
            Method::PUT,
            &path,
            &t("auditor"),
            Some(json!({"garbage": true})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, changed) = server
        .send(
            Method::PUT,
            &path,
            &t("viewer"),
            Some(
                json!({"kind": "ai_literacy", "title": "AI literacy basics", "completed_on": today,
                        "expires_on": server.app.now().plus_days(10).to_string(),
                        "competences": ["Risk assessment"], "revision": 1}),
            ),
        )
        .await;
    assert_eq!(
        (status, changed["standing"].as_str()),
        (200, Some("expires_soon")),
        "{changed}"
    );

    let (_, report) = server
        .send(Method::GET, "/api/v1/competence", &t("viewer"), None)
        .await;
    let risk_owner = &report["roles"][0];
    assert_eq!(
        risk_owner["ai_literacy"],
        json!({"people": 1, "literate": 1, "percent": 100})
    );
    assert_eq!(risk_owner["gaps"], json!([]));
    assert_eq!(report["members"]["literate"], 2);
    assert_eq!(report["members"]["people"].as_u64(), Some(members));

    let viewer = orgs.users["viewer"];
    let (status, page) = server
        .send(
            Method::GET,
            &format!("/api/v1/training-records?person={viewer}&standing=expires_soon"),
            &t("auditor"),
            None,
        )
        .await;
    assert_eq!((status, page["total"].as_i64()), (200, Some(1)), "{page}");
    let (status, problem) = server
        .send(
            Method::GET,
            "/api/v1/training-records?standing=soon",
            &t("auditor"),
            None,
        )
        .await;
    assert_eq!((status, problem["field"].as_str()), (422, Some("standing")));
    let (status, _) = server.send(Method::GET, &path, &t("outsider"), None).await;
    assert_eq!(status, 404);
    let (status, _) = server.send(Method::DELETE, &path, &t("viewer"), None).await;
    assert_eq!(status, 204);
}
