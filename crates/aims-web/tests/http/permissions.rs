//! Every API route, as every role, as a member of another organisation and as nobody: the
//! status each must answer. An object of another organisation answers 404, never 403.

use aims_web::WebConfig;
use reqwest::Method;

use crate::permission_matrix::{CALLERS, cases};
use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_caller_as_expected() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        let mutating = case.method != Method::GET;
        let mut shared = None;
        for (i, caller) in CALLERS.iter().enumerate() {
            // A change by one caller must not decide the next caller's answer.
            if mutating || shared.is_none() {
                let server = Server::start(WebConfig {
                    metrics_from_loopback: false,
                    ..WebConfig::default()
                })
                .await;
                let orgs = orgs(&server.app).await;
                shared = Some((server, orgs));
            }
            let (server, orgs) = shared.as_ref().unwrap();
            let path = (case.path)(orgs);
            let mut request = server.http.request(case.method.clone(), server.url(&path));
            if let Some(token) = orgs.tokens.get(caller) {
                request = request.bearer_auth(token);
            }
            if let Some(body) = case.body {
                request = request.json(&body());
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            checked += 1;
            if status != case.expect[i] {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{} {path} as {caller}: expected {}, got {status} {body}",
                    case.method, case.expect[i]
                ));
            } else if status >= 400 {
                let kind = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                if !kind.starts_with("application/problem+json") {
                    failures.push(format!(
                        "{} {path} as {caller}: error answered as {kind:?}, not problem+json",
                        case.method
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, cases().len() * CALLERS.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_covers_every_documented_route() {
    // A route added to the OpenAPI document without a row above fails here.
    let document = serde_json::to_value(aims_web::openapi_document()).unwrap();
    let mut documented: Vec<String> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if path.starts_with("/api/v1") {
                documented.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let covered: Vec<String> = cases()
        .iter()
        .map(|c| {
            let concrete = (c.path)(&orgs);
            let template = concrete
                .split('?')
                .next()
                .unwrap_or_default()
                .replace(
                    "/frameworks/iso-iec-42001/items/A.6.2.4",
                    "/frameworks/{framework}/items/{item}",
                )
                .replace(
                    "/frameworks/iso-iec-42001/items/A.2.2/text",
                    "/frameworks/{framework}/items/{item}/text",
                )
                .replace(
                    "/frameworks/iso-iec-42001/texts",
                    "/frameworks/{framework}/texts",
                )
                .replace("/frameworks/iso-iec-42001", "/frameworks/{framework}")
                .replace(
                    "/frameworks/imports/acme-ai-policy@1",
                    "/frameworks/imports/{key}",
                )
                .replace("/controls/A.2.2/", "/controls/{control}/")
                .replace("/soa/versions/1/", "/soa/versions/{version}/")
                .replace("/context/versions/1", "/context/versions/{version}")
                .replace("/versions/1/attachment", "/versions/{version}/attachment")
                .replace(&orgs.victim.to_string(), "{user_id}")
                .replace(&orgs.invitation.to_string(), "{id}")
                .replace(&orgs.owner_token.to_string(), "{id}")
                .replace(&orgs.owner_session.to_string(), "{id}")
                .replace(&orgs.system.to_string(), "{id}")
                .replace(&orgs.component.to_string(), "{id}")
                .replace(&orgs.assessment.to_string(), "{id}")
                .replace(&orgs.evidence.to_string(), "{id}")
                .replace(&orgs.risk.to_string(), "{id}")
                .replace(&orgs.draft_document.to_string(), "{id}")
                .replace(&orgs.review_document.to_string(), "{id}")
                .replace(&orgs.policy.to_string(), "{id}")
                .replace(&orgs.task.to_string(), "{id}")
                .replace(&orgs.measurement.to_string(), "{measurement}")
                .replace(&orgs.metric.to_string(), "{id}")
                .replace(&orgs.objective.to_string(), "{id}")
                .replace(&orgs.aims_role.to_string(), "{id}")
                .replace(&orgs.training.to_string(), "{id}")
                .replace(&orgs.nonconformity.to_string(), "{id}")
                .replace("0192f0a0-0000-7000-8000-000000000001", "{id}");
            format!("{} {template}", c.method)
        })
        .collect();
    let missing: Vec<&String> = documented.iter().filter(|d| !covered.contains(d)).collect();
    assert!(
        missing.is_empty(),
        "routes without a permission row: {missing:?}"
    );
}

#[test]
fn the_document_is_a_contract_every_error_a_problem_and_every_id_unique() {
    let document = aims_web::openapi_document();
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            assert!(
                ids.insert(id.to_owned()),
                "{method} {path}: operationId {id} repeats"
            );
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]
                            .get("application/problem+json")
                            .is_some(),
                        "{method} {path} {status} is not a problem document"
                    );
                }
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] == "path" {
                    assert!(
                        path.contains(&format!("{{{}}}", parameter["name"].as_str().unwrap())),
                        "{method} {path}: {} is not in the path",
                        parameter["name"]
                    );
                }
            }
        }
    }
}
