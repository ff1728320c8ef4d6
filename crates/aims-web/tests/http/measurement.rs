//! Objectives and metrics through the API and the pages: thresholds checked against the
//! direction, values recorded by the owner or editors (permission before the body), a breach
//! opening one task per breach for the owner (computed metrics: `measurement_computed.rs`),
//! the trend, objectives tied to a metric and a policy, lost updates
//! refused, and nothing of another organisation.

use aims_app::App;
use aims_app::domain::measurement::{
    Cadence, Direction, MetricFacts, MetricSource, MetricValue, ObjectiveFacts, ObjectiveStatus,
};
use aims_app::domain::{Actor, MeasurementId, MetricId, ObjectiveId, UserId};
use aims_web::WebConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Server, orgs};

/// A metric people record (owned by `owner`), one measurement of it, and an objective it
/// measures: what the permission matrix acts on.
pub async fn fixtures(
    app: &App,
    editor: &Actor,
    owner: UserId,
) -> (MetricId, MeasurementId, ObjectiveId) {
    let metric = app
        .create_metric(
            editor,
            MetricFacts {
                name: "Staff with AI literacy training".into(),
                description: String::new(),
                unit: "%".into(),
                direction: Direction::HigherIsBetter,
                target: Some(MetricValue::count(95)),
                warning: None,
                breach: Some(MetricValue::count(60)),
                cadence: Cadence::Monthly,
                source: MetricSource::Manual,
                system: None,
                owner: Some(owner),
            },
        )
        .await
        .unwrap();
    let measurement = app
        .record_measurement(editor, metric.id, None, MetricValue::count(80), "")
        .await
        .unwrap();
    let objective = app
        .create_objective(
            editor,
            ObjectiveFacts {
                statement: "Everyone who works with AI is trained".into(),
                commitment: String::new(),
                policy: None,
                metric: Some(metric.id),
                measure: String::new(),
                target: "95 %".into(),
                deadline: None,
                owner: Some(owner),
                resources: String::new(),
                evaluation: String::new(),
                status: ObjectiveStatus::OnTrack,
            },
        )
        .await
        .unwrap();
    (metric.id, measurement.id, objective.id)
}

fn tasks_about(tasks: &Value, metric: &str) -> usize {
    tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["source"] == format!("metric:{metric}"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breach_opens_one_task_for_the_owner_and_bad_values_are_refused_by_field() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let t = |who: &str| orgs.tokens[who].clone();
    let viewer = orgs.users["viewer"].to_string();

    for (body, field) in [
        (
            json!({"name": "ASR", "unit": "%", "direction": "lower_is_better", "target": 5, "breach": 2}),
            "breach",
        ),
        (
            json!({"name": "ASR", "unit": "%", "target": 1e13}),
            "target",
        ),
        (
            json!({"name": "ASR", "unit": "%", "cadence": "hourly"}),
            "cadence",
        ),
        (
            json!({"name": "ASR", "unit": "%", "owner": orgs.users["outsider"].to_string()}),
            "owner",
        ),
        (
            json!({"name": "ASR", "unit": "%", "source": "manual", "system": orgs.system.to_string()}),
            "system",
        ),
        (json!({"name": "", "unit": "%"}), "name"),
        (json!({"name": "ASR"}), "unit"),
    ] {
        let (status, problem) = server
            .send(Method::POST, "/api/v1/metrics", &t("editor"), Some(body))
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some(field)),
            "{problem}"
        );
    }
    let (status, metric) = server
        .send(
            Method::POST,
            "/api/v1/metrics",
            &t("editor"),
            Some(json!({"name": "Jailbreak success", "unit": "%", "direction": "lower_is_better",
                        "target": 2, "warning": 5, "breach": 10, "cadence": "weekly", "owner": viewer})),
        )
        .await;
    assert_eq!(status, 201, "{metric}");
    let id = metric["id"].as_str().unwrap().to_owned();
    let record = async |who: &str, body: Value| {
        server
            .send(
                Method::POST,
                &format!("/api/v1/metrics/{id}/measurements"),
                &t(who),
                Some(body),
            )
            .await
    };
    // Permission before the body: an auditor sending nonsense learns only 403.
    assert_eq!(record("auditor", json!({"value": "x"})).await.0, 403);
    // The owner (a viewer) records; the values are judged against target and thresholds.
    let mut standings = Vec::new();
    for v in [1.5, 7.0, 12.25, 15.0, 1.0, 20.0] {
        // The last breach is recorded by an editor: the owner is told of it (not of what
        // they recorded themselves).
        let who = if v == 20.0 { "editor" } else { "viewer" };
        let (status, m) = record(who, json!({"value": v})).await;
        assert_eq!(status, 201, "{m}");
        standings.push(m["standing"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        standings,
        ["met", "warning", "breached", "breached", "met", "breached"]
    );
    // Two breaches (the second value past the threshold in a row is the same breach).
    let (_, tasks) = server
        .send(
            Method::GET,
            &format!("/api/v1/tasks?assignee={viewer}&open=true"),
            &t("viewer"),
            None,
        )
        .await;
    assert_eq!(tasks_about(&tasks, &id), 2, "{tasks}");
    let (_, shown) = server
        .send(
            Method::GET,
            &format!("/api/v1/metrics/{id}"),
            &t("viewer"),
            None,
        )
        .await;
    assert_eq!(
        (
            shown["standing"].as_str(),
            shown["latest"]["value_text"].as_str()
        ),
        (Some("breached"), Some("20"))
    );
    let (_, inbox) = server
        .send(Method::GET, "/api/v1/notifications", &t("viewer"), None)
        .await;
    assert!(inbox.to_string().contains("threshold_breached"), "{inbox}");

    for (body, field) in [
        (json!({"value": 1e13}), "value"),
        (json!({"value": 1, "at": "2999-01-01T00:00:00Z"}), "at"),
        (json!({"value": 1, "note": "a\u{0007}b"}), "note"),
    ] {
        let (status, problem) = record("editor", body).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some(field)),
            "{problem}"
        );
    }
    // A lost update is refused; another organisation sees nothing.
    let change = json!({"name": "Jailbreak success rate", "unit": "%", "direction": "lower_is_better", "breach": 10, "revision": 1});
    let path = format!("/api/v1/metrics/{id}");
    assert_eq!(
        server
            .send(Method::PUT, &path, &t("editor"), Some(change.clone()))
            .await
            .0,
        200
    );
    assert_eq!(
        server
            .send(Method::PUT, &path, &t("admin"), Some(change))
            .await
            .0,
        409
    );
    assert_eq!(
        server
            .send(Method::GET, &path, &t("outsider"), None)
            .await
            .0,
        404
    );
    assert_eq!(record("outsider", json!({"value": 1})).await.0, 404);
    let (_, page) = server
        .send(
            Method::GET,
            &format!("{path}/measurements?limit=2"),
            &t("auditor"),
            None,
        )
        .await;
    assert_eq!(page["total"], 6);
    assert_eq!(page["measurements"][0]["value_text"], "20");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trend_follows_time_and_objectives_name_what_they_measure() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let t = |who: &str| orgs.tokens[who].clone();
    let metric = orgs.metric.to_string();
    let now = server.app.now();
    for days in [30, 10, 20] {
        let at = now.plus_days(-days).to_string();
        let (status, m) = server
            .send(
                Method::POST,
                &format!("/api/v1/metrics/{metric}/measurements"),
                &t("editor"),
                Some(json!({"value": 100 - days, "at": at})),
            )
            .await;
        assert_eq!(status, 201, "{m}");
    }
    let since = now.plus_days(-25).to_string();
    let (status, trend) = server
        .send(
            Method::GET,
            &format!("/api/v1/metrics/{metric}/trend?since={since}"),
            &t("auditor"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{trend}");
    let means: Vec<f64> = trend["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["mean"].as_f64().unwrap())
        .collect();
    // Oldest first: 20 and 10 days ago, then the fixture's value of now.
    assert_eq!(means, [80.0, 90.0, 80.0]);
    // A blank `since` is the default stretch; one that is not an instant is named.
    let trend_at = |since: &str| format!("/api/v1/metrics/{metric}/trend?since={since}");
    assert_eq!(
        server
            .send(Method::GET, &trend_at(""), &t("viewer"), None)
            .await
            .0,
        200
    );
    let (status, problem) = server
        .send(Method::GET, &trend_at("soon"), &t("viewer"), None)
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("since")),
        "{problem}"
    );
    // The latest is the newest measured, not the last recorded.
    let (_, shown) = server
        .send(
            Method::GET,
            &format!("/api/v1/metrics/{metric}"),
            &t("auditor"),
            None,
        )
        .await;
    assert_eq!(shown["latest"]["id"], orgs.measurement.to_string());

    for (body, field) in [
        (json!({"statement": "Assess every system"}), "measure"),
        (
            json!({"statement": "x", "metric": orgs.task.to_string()}),
            "metric",
        ),
        (
            json!({"statement": "x", "measure": "m", "policy": orgs.task.to_string()}),
            "policy",
        ),
        (
            json!({"statement": "x", "measure": "m", "status": "done"}),
            "status",
        ),
    ] {
        let (status, problem) = server
            .send(Method::POST, "/api/v1/objectives", &t("editor"), Some(body))
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some(field)),
            "{problem}"
        );
    }
    let (status, o) = server
        .send(Method::POST, "/api/v1/objectives", &t("editor"),
              Some(json!({"statement": "Every high-risk system assessed before launch", "measure": "Share assessed",
                          "policy": orgs.policy.to_string(), "deadline": "2027-06-30T00:00:00Z",
                          "owner": orgs.users["admin"].to_string(), "status": "at_risk"})))
        .await;
    assert_eq!(status, 201, "{o}");
    let path = format!("/api/v1/objectives/{}", o["id"].as_str().unwrap());
    let change = json!({"statement": "Every high-risk system assessed", "measure": "Share assessed", "revision": 1});
    assert_eq!(
        server
            .send(Method::PUT, &path, &t("editor"), Some(change.clone()))
            .await
            .0,
        200
    );
    assert_eq!(
        server
            .send(Method::PUT, &path, &t("editor"), Some(change))
            .await
            .0,
        409
    );
    let (_, list) = server
        .send(Method::GET, "/api/v1/objectives", &t("viewer"), None)
        .await;
    assert_eq!(list["objectives"].as_array().unwrap().len(), 2, "{list}");
    let (_, list) = server
        .send(Method::GET, "/api/v1/objectives", &t("outsider"), None)
        .await;
    assert_eq!(list["objectives"].as_array().unwrap().len(), 0, "{list}");
    // Deleting the metric leaves its objective with no metric.
    assert_eq!(
        server
            .send(
                Method::DELETE,
                &format!("/api/v1/metrics/{metric}"),
                &t("editor"),
                None
            )
            .await
            .0,
        204
    );
    let (_, o) = server
        .send(
            Method::GET,
            &format!("/api/v1/objectives/{}", orgs.objective),
            &t("viewer"),
            None,
        )
        .await;
    assert_eq!(o["metric"], Value::Null, "{o}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_show_the_trend_and_take_a_value_from_the_owner() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let viewer = server
        .app
        .sign_in(aims_app::SignIn {
            email: "viewer@acme.example".into(),
            password: crate::support::PASSWORD.into(),
            client: aims_app::Client::default(),
        })
        .await
        .unwrap();
    let cookie = format!("aims_session={}", viewer.cookie.secret);
    let path = format!("/monitoring/metrics/{}", orgs.metric);
    let (status, html) = server.page(&path, &cookie).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<svg") && html.contains("target 95") && html.contains("breach 60"),
        "{html}"
    );
    assert!(html.contains("Record a value"), "the owner may record");
    assert!(
        !html.contains("Delete the metric"),
        "a viewer may not delete"
    );
    let form = |v: &str| format!("value={v}&at=&note=monthly+count");
    let (status, _, html) = server
        .post_form(&format!("{path}/measurements"), &cookie, form("abc"))
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("is not a number") && html.contains("value=\"abc\""),
        "{html}"
    );
    let (status, location, _) = server
        .post_form(&format!("{path}/measurements"), &cookie, form("55"))
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("{path}?done=measured").as_str()))
    );
    let (_, html) = server.page("/monitoring/metrics", &cookie).await;
    assert!(
        html.contains("55 %") && html.contains("Threshold breached"),
        "{html}"
    );
    let (_, html) = server
        .page(&format!("/objectives/{}", orgs.objective), &cookie)
        .await;
    assert!(
        html.contains("Everyone who works with AI is trained") && html.contains("<svg"),
        "{html}"
    );
    // The dashboard counts the breach and draws the breached metric's trend first.
    let (_, html) = server.page("/", &cookie).await;
    let section = &html[html.find("id=\"measurement\"").expect("the section")..];
    assert!(
        section.contains(
            "Metrics past their breach threshold</dt><dd><a href=\"/monitoring/metrics\">1<"
        ),
        "{section}"
    );
    assert!(
        section.contains("Staff with AI literacy training over the past year"),
        "{section}"
    );
    let (status, _) = server.page("/monitoring/metrics/new", &cookie).await;
    assert_eq!(status, 403);
    let owner = format!("aims_session={}", orgs.owner_cookie);
    for form in [
        "/monitoring/metrics/new".to_owned(),
        format!("{path}/edit"),
        "/objectives/new".to_owned(),
        format!("/objectives/{}/edit", orgs.objective),
    ] {
        let (status, html) = server.page(&form, &owner).await;
        assert_eq!(status, 200, "{form}: {html}");
    }
    let (_, html) = server.page(&path, &owner).await;
    assert!(
        html.contains("Delete the metric") && html.contains("Record a value"),
        "{html}"
    );
}
