//! Impact assessments through the API: FRIA when Article 27 applies, versions, approval, diff.

use aims_web::WebConfig;
use reqwest::Method;
use serde_json::json;

use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assessments_are_versioned_compared_and_approved_once_complete() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let (editor, admin) = (orgs.tokens["editor"].clone(), orgs.tokens["admin"].clone());

    // The support data classified the system as credit scoring deployed by Acme: Article 27.
    let (status, created) = server
        .send(
            Method::POST,
            &format!("/api/v1/systems/{}/impact-assessments", orgs.system),
            &editor,
            Some(json!({"title": "Credit scoring", "harms": [{
                "kind": "fairness", "description": "Lower scores for some postcodes", "affected": "Applicants",
                "severity": "high", "likelihood": "moderate", "mitigations": "Postcode dropped",
                "residual_severity": "moderate", "residual_likelihood": "low"}]})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert!(
        created["content"]["fria"].is_object(),
        "FRIA points added: {created}"
    );
    let path = format!(
        "/api/v1/impact-assessments/{}",
        created["id"].as_str().unwrap()
    );

    // A harm rated worse after mitigation is refused, naming the field.
    let (status, problem) = server
        .send(Method::PUT, &path, &editor, Some(json!({"version": 1, "content": {"title": "x", "harms": [{
            "kind": "privacy", "description": "d", "affected": "", "severity": "low", "likelihood": "low",
            "mitigations": "", "residual_severity": "high", "residual_likelihood": "low"}]}})))
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("harms.residual_severity")),
        "{problem}"
    );

    // Approval waits for every FRIA point, and is for owners and admins.
    let (status, problem) = server
        .send(
            Method::POST,
            &format!("{path}/approval"),
            &admin,
            Some(json!({"version": 1})),
        )
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("fria")),
        "{problem}"
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("(a)"),
        "{problem}"
    );
    let (status, _) = server
        .send(
            Method::POST,
            &format!("{path}/approval"),
            &editor,
            Some(json!({"version": 1})),
        )
        .await;
    assert_eq!(status, 403);

    let mut content = created["content"].clone();
    for (point, text) in [
        ("processes", "Loan origination"),
        ("period_and_frequency", "Every application, all year"),
        ("affected_categories", "Applicants"),
        ("specific_risks", "Unfair refusal of credit"),
        ("human_oversight", "Officer review of refusals"),
        (
            "measures_if_risks_materialise",
            "Complaints desk; model rollback",
        ),
    ] {
        content["fria"][point] = json!(text);
    }
    let (status, saved) = server
        .send(
            Method::PUT,
            &path,
            &editor,
            Some(json!({"version": 1, "content": content})),
        )
        .await;
    assert_eq!(
        (status, saved["version"].as_i64()),
        (200, Some(2)),
        "{saved}"
    );
    let (status, _) = server
        .send(
            Method::PUT,
            &path,
            &editor,
            Some(json!({"version": 1, "content": content})),
        )
        .await;
    assert_eq!(status, 409, "a save from a stale version is refused");

    let (status, approved) = server
        .send(
            Method::POST,
            &format!("{path}/approval"),
            &admin,
            Some(json!({"version": 2})),
        )
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(
        (
            approved["current"].as_bool(),
            approved["approval"]["version"].as_i64()
        ),
        (Some(true), Some(2))
    );

    // A new version after approval is a draft again: the approval stays on version 2.
    content["scope"] = json!("Consumer and SME loans");
    let (_, draft) = server
        .send(
            Method::PUT,
            &path,
            &editor,
            Some(json!({"version": 2, "content": content})),
        )
        .await;
    assert_eq!(
        (draft["version"].as_i64(), draft["current"].as_bool()),
        (Some(3), Some(false)),
        "{draft}"
    );

    let (_, changes) = server
        .send(
            Method::GET,
            &format!("{path}/diff?from=1&to=3"),
            &editor,
            None,
        )
        .await;
    let fields: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"scope") && fields.contains(&"fria.processes"),
        "{changes}"
    );
    let (_, shown) = server.send(Method::GET, &path, &editor, None).await;
    assert_eq!(shown["versions"].as_array().unwrap().len(), 3);
    assert_eq!(shown["fria_required"], true);
}
