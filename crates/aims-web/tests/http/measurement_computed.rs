//! Metrics aims computes from its own records, through the API: measured by the hourly job
//! once per cadence and on request, each with a note of what it counted, and refusing
//! values from people.

use aims_web::WebConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn computed_metrics_are_measured_by_aims_and_take_no_values_from_people() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let t = |who: &str| orgs.tokens[who].clone();
    let create = async |body: Value| {
        let (status, m) = server
            .send(Method::POST, "/api/v1/metrics", &t("editor"), Some(body))
            .await;
        assert_eq!(status, 201, "{m}");
        m["id"].as_str().unwrap().to_owned()
    };
    let evidence = create(
        json!({"name": "Evidence valid", "source": "evidence_current", "unit": "whatever",
                                 "direction": "lower_is_better", "cadence": "daily"}),
    )
    .await;
    let attacks = create(
        json!({"name": "Attack success", "source": "redteam_attack_success",
                                "system": orgs.system.to_string()}),
    )
    .await;
    let reviews =
        create(json!({"name": "Overdue reviews", "source": "overdue_risk_reviews"})).await;
    let ncs =
        create(json!({"name": "Open nonconformities", "source": "open_nonconformities"})).await;
    let (_, shown) = server
        .send(
            Method::GET,
            &format!("/api/v1/metrics/{evidence}"),
            &t("viewer"),
            None,
        )
        .await;
    // A computed source fixes its own unit and direction.
    assert_eq!(
        (
            shown["unit"].as_str(),
            shown["direction"].as_str(),
            shown["computed"].as_bool()
        ),
        (Some("%"), Some("higher_is_better"), Some(true))
    );
    let (status, problem) = server
        .send(
            Method::POST,
            &format!("/api/v1/metrics/{evidence}/measurements"),
            &t("editor"),
            Some(json!({"value": 3})),
        )
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("value")),
        "{problem}"
    );

    // The job measures each computed metric once per cadence; the red-team one has no run yet.
    assert_eq!(server.app.measure_computed_metrics().await.unwrap(), 3);
    assert_eq!(server.app.measure_computed_metrics().await.unwrap(), 0);
    let (_, shown) = server
        .send(
            Method::GET,
            &format!("/api/v1/metrics/{evidence}"),
            &t("viewer"),
            None,
        )
        .await;
    assert_eq!(shown["latest"]["value_text"], "100", "{shown}");
    assert_eq!(shown["latest"]["recorded_by"], "aims measurements");
    let (_, shown) = server
        .send(
            Method::GET,
            &format!("/api/v1/metrics/{reviews}"),
            &t("viewer"),
            None,
        )
        .await;
    assert!(
        shown["latest"]["note"]
            .as_str()
            .unwrap()
            .contains("past their review date"),
        "{shown}"
    );
    // The fixture's one open nonconformity, counted.
    let (_, shown) = server
        .send(
            Method::GET,
            &format!("/api/v1/metrics/{ncs}"),
            &t("viewer"),
            None,
        )
        .await;
    assert_eq!(
        (
            shown["latest"]["value_text"].as_str(),
            shown["unit"].as_str()
        ),
        (Some("1"), Some("nonconformities")),
        "{shown}"
    );
    // Measuring now: nothing to measure without a run; a manual metric has nothing to compute.
    let measure = |id: &str| format!("/api/v1/metrics/{id}/measure");
    assert_eq!(
        server
            .send(Method::POST, &measure(&attacks), &t("editor"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        server
            .send(
                Method::POST,
                &measure(&orgs.metric.to_string()),
                &t("editor"),
                None
            )
            .await
            .0,
        422
    );
    assert_eq!(
        server
            .send(Method::POST, &measure(&evidence), &t("viewer"), None)
            .await
            .0,
        403
    );
    let (status, m) = server
        .send(Method::POST, &measure(&evidence), &t("editor"), None)
        .await;
    assert_eq!(
        (status, m["value_text"].as_str()),
        (201, Some("100")),
        "{m}"
    );
}
