//! The Statement of Applicability through the API: applicability derived from treatments and
//! obligations, exclusions that a need contradicts flagged, versions, comparison, exports.

use aims_web::WebConfig;
use reqwest::Method;
use serde_json::json;

use crate::support::{Server, orgs};

fn row<'a>(soa: &'a serde_json::Value, control: &str) -> &'a serde_json::Value {
    soa["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["control"]["id"] == control)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_soa_is_derived_flagged_versioned_and_exported() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let (editor, admin) = (orgs.tokens["editor"].clone(), orgs.tokens["admin"].clone());

    let (_, soa) = server.send(Method::GET, "/api/v1/soa", &editor, None).await;
    assert_eq!(
        soa["rows"].as_array().unwrap().len(),
        38,
        "every Annex A control has a row"
    );
    // R-1 of the support data is treated with A.6.2.4.
    let verification = row(&soa, "A.6.2.4");
    assert_eq!(verification["applicable"], true, "{verification}");
    assert!(
        verification["justification"]
            .as_str()
            .unwrap()
            .contains("R-1"),
        "{verification}"
    );
    // The loan scorer is a high-risk system Acme deploys: its obligations reach Annex A.
    assert!(
        soa["rows"].as_array().unwrap().iter().any(|r| r["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "required_by_obligation")),
        "{soa}"
    );

    // Excluding a control a treatment needs is flagged, not silently accepted.
    let path = "/api/v1/controls/A.6.2.4/implementation";
    let (status, problem) = server
        .send(
            Method::PUT,
            path,
            &editor,
            Some(json!({"decision": "exclude", "status": "not_started"})),
        )
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("justification")),
        "{problem}"
    );
    let (status, _) = server
        .send(Method::PUT, path, &editor, Some(json!({"decision": "exclude", "status": "not_started", "justification": "Covered by the vendor"})))
        .await;
    assert_eq!(status, 204);
    let (_, soa) = server.send(Method::GET, "/api/v1/soa", &editor, None).await;
    let excluded = row(&soa, "A.6.2.4");
    assert_eq!(excluded["applicable"], false);
    assert!(
        excluded["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "excluded_but_needed"),
        "{excluded}"
    );
    let (status, _) = server
        .send(
            Method::PUT,
            "/api/v1/controls/A.99.1/implementation",
            &editor,
            Some(json!({"decision": "include", "status": "planned"})),
        )
        .await;
    assert_eq!(status, 404);

    // Version 2 differs from version 1 in that control; approval is for owners and admins.
    let (status, v2) = server
        .send(Method::POST, "/api/v1/soa/versions", &editor, None)
        .await;
    assert_eq!((status, v2["version"].as_i64()), (201, Some(2)));
    let (_, changes) = server
        .send(Method::GET, "/api/v1/soa/diff?from=1&to=2", &editor, None)
        .await;
    let changes: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        changes.iter().any(|c| c.starts_with("A.6.2.4")),
        "{changes:?}"
    );
    assert_eq!(
        server
            .send(
                Method::POST,
                "/api/v1/soa/versions/2/approval",
                &admin,
                None
            )
            .await
            .0,
        204
    );
    assert_eq!(
        server
            .send(
                Method::POST,
                "/api/v1/soa/versions/2/approval",
                &admin,
                None
            )
            .await
            .0,
        409
    );

    let response = server
        .http
        .get(server.url("/api/v1/soa/export.csv?version=2"))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("soa-v2.csv")
    );
    let csv = response.text().await.unwrap();
    assert!(
        csv.starts_with("Control,Title,Applicable,Justification for inclusion or exclusion"),
        "{csv}"
    );
    assert!(csv.contains("A.6.2.4,") && csv.contains("Covered by the vendor"));
    // Each Annex A row names what it meets in the other frameworks, through the crosswalks.
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("Linked requirements of other frameworks"),
        "{header}"
    );
    let row = csv.lines().find(|l| l.starts_with("A.6.2.4,")).unwrap();
    assert!(
        row.contains("ISO/IEC 27001:2022 A.8.29") && row.contains("OWASP LLM Top 10 2025 LLM01"),
        "{row}"
    );
    let response = server
        .http
        .get(server.url("/api/v1/soa/export.xlsx"))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"PK\x03\x04"),
        "an XLSX file is a zip archive"
    );

    // An own control joins the SoA.
    let (status, own) = server
        .send(
            Method::POST,
            "/api/v1/controls",
            &editor,
            Some(json!({"title": "Prompt library review"})),
        )
        .await;
    assert_eq!((status, own["id"].as_str()), (201, Some("ORG-1")));
    let (_, soa) = server.send(Method::GET, "/api/v1/soa", &editor, None).await;
    assert_eq!(
        soa["rows"].as_array().unwrap().last().unwrap()["control"]["id"],
        "ORG-1"
    );
    // Evidence may name it, and then shows on its row; a clause is no control.
    let evidence = |id: &str| {
        json!({"title": "Review minutes", "link": "https://intranet.example/minutes",
               "targets": [{"kind": "control", "id": id}]})
    };
    let (status, added) = server
        .send(
            Method::POST,
            "/api/v1/evidence",
            &editor,
            Some(evidence("ORG-1")),
        )
        .await;
    assert_eq!(status, 201, "{added}");
    let (status, _) = server
        .send(
            Method::POST,
            "/api/v1/evidence",
            &editor,
            Some(evidence("4.1")),
        )
        .await;
    assert_eq!(status, 422);
    let (_, soa) = server.send(Method::GET, "/api/v1/soa", &editor, None).await;
    let own_row = soa["rows"].as_array().unwrap().last().unwrap().clone();
    assert!(own_row.to_string().contains("Review minutes"), "{own_row}");

    // The page shows the rows and the flag.
    let page = server
        .http
        .get(server.url("/soa"))
        .header("cookie", format!("aims_session={}", orgs.owner_cookie))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("control-A.6.2.4") && page.contains("Prompt library review"),
        "{page}"
    );
    // An own control refused: the page again, the description as typed.
    let (status, _, html) = server
        .post_form(
            "/soa/own-controls",
            &format!("aims_session={}", orgs.owner_cookie),
            "title=+&description=Board+minutes+reviewed".into(),
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("value=\"Board minutes reviewed\"")
            && html.contains("href=\"#oc-title\"")
            && html.contains("Title must not be empty"),
        "{html}"
    );

    // The page's row form changes the decision and keeps the owner set through the API.
    let owner = orgs.users["editor"].to_string();
    let (status, _) = server
        .send(
            Method::PUT,
            "/api/v1/controls/A.2.2/implementation",
            &editor,
            Some(json!({"decision": "include", "status": "planned", "owner": owner, "notes": "kept"})),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _, _) = server
        .post_form(
            "/soa/controls/A.2.2",
            &format!("aims_session={}", orgs.owner_cookie),
            "decision=include&status=implemented&justification=Board+approved".into(),
        )
        .await;
    assert_eq!(status, 303);
    let (_, soa) = server.send(Method::GET, "/api/v1/soa", &editor, None).await;
    let a22 = crate::soa::row(&soa, "A.2.2");
    assert_eq!(
        (a22["status"].as_str(), a22["owner"].as_str()),
        (Some("implemented"), Some(owner.as_str())),
        "{a22}"
    );
}
