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

    // Approval also waits for the scope.
    let mut content = created["content"].clone();
    content["scope"] = json!("Consumer loans in the EU");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assessment_pages_save_harm_rows_and_approve() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let post = |path: String, body: String| server.post_form(&path, &cookie, body);
    let get = |path: String| {
        let page = server.page(&path, &cookie);
        async move { page.await.1 }
    };

    let (status, location, _) = post(
        format!("/systems/{}/impact-assessments", orgs.system),
        "title=Page+made".into(),
    )
    .await;
    assert_eq!(status, 303);
    let page = location.unwrap().split('?').next().unwrap().to_owned();
    let html = get(page.clone()).await;
    assert!(
        html.contains("(a) Processes") && html.contains("not approved"),
        "{html}"
    );

    let fria = "fria=on&fria_processes=a&fria_period_and_frequency=b&fria_affected_categories=c&fria_specific_risks=d&fria_human_oversight=e&fria_measures_if_risks_materialise=f";
    let row = |description: &str, residual: &str| {
        format!(
            "harm_kind=privacy&harm_description={description}&harm_affected=Applicants&harm_severity=high&harm_likelihood=moderate&harm_mitigations=Minimised&harm_residual_severity={residual}&harm_residual_likelihood=low"
        )
    };
    // A residual rating above the inherent one comes back with the message and the rows.
    let bad = format!(
        "version=1&title=Page+made&{}&{}&{fria}",
        row("Spending+profiles", "very_high"),
        row("", "low")
    );
    let (status, _, html) = post(page.clone(), bad).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Spending profiles") && html.contains("above its rating"),
        "{html}"
    );

    let good = format!(
        "version=1&title=Page+made&scope=Consumer+loans&next_review=2099-01-31&{}&{}&{fria}",
        row("Spending+profiles", "moderate"),
        row("", "low")
    );
    let (status, location, _) = post(page.clone(), good).await;
    assert_eq!(
        (
            status,
            location.as_deref().map(|l| l.ends_with("done=saved"))
        ),
        (303, Some(true))
    );
    let (status, location, _) = post(format!("{page}/approve"), "version=2".into()).await;
    assert_eq!(
        (
            status,
            location.as_deref().map(|l| l.ends_with("done=approved"))
        ),
        (303, Some(true))
    );
    let html = get(format!("{page}?from=1&to=2")).await;
    assert!(
        html.contains(">current<") && html.contains("Harm 1") && html.contains("Spending profiles"),
        "{html}"
    );
    let html = get(format!("/systems/{}", orgs.system)).await;
    assert!(
        html.contains("Page made") && html.contains("version 2 by"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assessment_form_comes_back_as_posted_and_approval_waits_for_a_complete_one() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let post = |path: String, body: String| server.post_form(&path, &cookie, body);
    let get = |path: String| {
        let page = server.page(&path, &cookie);
        async move { page.await.1 }
    };

    // A title that cannot be used: the system's page again, the title as typed.
    let (status, _, html) = post(
        format!("/systems/{}/impact-assessments", orgs.system),
        "title=+".into(),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("href=\"#ia-title\"") && html.contains("Title must not be empty"),
        "{html}"
    );

    let (_, location, _) = post(
        format!("/systems/{}/impact-assessments", orgs.system),
        "title=Fresh+start".into(),
    )
    .await;
    let page = location.unwrap().split('?').next().unwrap().to_owned();
    // Version 1 is empty: no Approve button, and the page says what approval waits for.
    let html = get(page.clone()).await;
    assert!(
        !html.contains("Approve version 1")
            && html.contains("can be approved once it has the scope, at least one potential harm and FRIA point(s)"),
        "{html}"
    );
    let (status, _, html) = post(format!("{page}/approve"), "version=1".into()).await;
    assert_eq!(status, 422, "the use case refuses it too: {html}");

    let harm = |kind: &str| {
        format!(
            "harm_kind={kind}&harm_description=Spending+profiles&harm_affected=Applicants&harm_severity=high&harm_likelihood=moderate&harm_mitigations=Minimised&harm_residual_severity=low&harm_residual_likelihood=low"
        )
    };
    // A date that is no date: the form as posted, the message beside the date.
    let (status, _, html) = post(
        page.clone(),
        format!(
            "version=1&title=Fresh+start&scope=All+loans&next_review=next+spring&{}",
            harm("privacy")
        ),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("value=\"next spring\"")
            && html.contains("All loans")
            && html.contains("Spending profiles")
            && html.contains("href=\"#a-next_review\"")
            && html.contains("Next review must be a date"),
        "{html}"
    );
    // A kind of harm that is none: the row is named, the rest kept.
    let (status, _, html) = post(
        page.clone(),
        format!(
            "version=1&title=Fresh+start&scope=All+loans&{}",
            harm("weather")
        ),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Harm 1: Kind must be one of the kinds listed")
            && html.contains("href=\"#a-harm1-kind\"")
            && html.contains("All loans")
            && html.contains("Spending profiles"),
        "{html}"
    );

    // Saved from version 1 while someone else saved version 2: the form keeps this text,
    // now based on version 2, and saving again makes version 3.
    let fria = "fria=on&fria_processes=a&fria_period_and_frequency=b&fria_affected_categories=c&fria_specific_risks=d&fria_human_oversight=e&fria_measures_if_risks_materialise=f";
    let (status, _, _) = post(
        page.clone(),
        format!(
            "version=1&title=Fresh+start&scope=Theirs&{}&{fria}",
            harm("privacy")
        ),
    )
    .await;
    assert_eq!(status, 303);
    let mine = |version: i64| {
        format!(
            "version={version}&title=Fresh+start&scope=Mine&{}&{fria}",
            harm("fairness")
        )
    };
    let (status, _, html) = post(page.clone(), mine(1)).await;
    assert_eq!(status, 409, "{html}");
    assert!(
        html.contains("Someone else saved version 2")
            && html.contains("name=\"version\" value=\"2\"")
            && html.contains(">Mine</textarea>"),
        "{html}"
    );
    let (status, location, _) = post(page.clone(), mine(2)).await;
    assert_eq!(
        (
            status,
            location.as_deref().map(|l| l.ends_with("done=saved"))
        ),
        (303, Some(true))
    );
    // Complete now: the button is offered, and the comparison speaks in words.
    let html = get(format!("{page}?from=1&to=3")).await;
    assert!(
        html.contains("Approve version 3")
            && html.contains("Harm 1")
            && html.contains("FRIA (a): processes in which the system is used")
            && !html.contains(">fria.processes<"),
        "{html}"
    );
}
