//! The risk register through the API: validation against the method, acceptance by the owner
//! only and withdrawn by a change, re-scoring when the method changes, filters, the heat map.

use aims_web::WebConfig;
use reqwest::Method;
use serde_json::json;

use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risks_follow_the_method_and_their_owner_signs_off() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let (owner, editor) = (orgs.tokens["owner"].clone(), orgs.tokens["editor"].clone());

    for (body, field) in [
        (
            json!({"title": "x", "inherent_likelihood": 6, "inherent_impact": 1}),
            "inherent_likelihood",
        ),
        (
            json!({"title": "x", "inherent_likelihood": 2, "inherent_impact": 2, "controls": ["A.99"]}),
            "controls",
        ),
        (
            json!({"title": "x", "inherent_likelihood": 2, "inherent_impact": 2, "risk_source": "C.2.1"}),
            "risk_source",
        ),
        (
            json!({"title": "x", "inherent_likelihood": 2, "inherent_impact": 2, "treatment": "modify"}),
            "controls",
        ),
        (
            json!({"title": "x", "inherent_likelihood": 2, "inherent_impact": 2, "residual_likelihood": 5, "residual_impact": 5}),
            "residual_likelihood",
        ),
    ] {
        let (status, problem) = server
            .send(Method::POST, "/api/v1/risks", &editor, Some(body))
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some(field)),
            "{problem}"
        );
    }
    let (status, created) = server
        .send(
            Method::POST,
            "/api/v1/risks",
            &editor,
            Some(
                json!({"title": "Prompt injection", "inherent_likelihood": 5, "inherent_impact": 4,
                        "owner": orgs.users["owner"].to_string(), "treatment": "retain",
                        "systems": [orgs.system.to_string()]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["reference"], "R-2", "the support data holds R-1");
    assert_eq!(created["needs_sign_off"], true, "{created}");
    let path = format!("/api/v1/risks/{}", created["id"].as_str().unwrap());

    let (status, problem) = server
        .send(
            Method::POST,
            &format!("{path}/acceptance"),
            &editor,
            Some(json!({"note": "fine"})),
        )
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("acceptance.by")),
        "only the owner signs off"
    );
    let (status, accepted) = server
        .send(
            Method::POST,
            &format!("{path}/acceptance"),
            &owner,
            Some(json!({"note": "Input filtering planned for Q1"})),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(
        (
            accepted["needs_sign_off"].as_bool(),
            accepted["acceptance"]["note"].as_str()
        ),
        (Some(false), Some("Input filtering planned for Q1"))
    );

    // Raising the ratings withdraws the acceptance.
    let (status, changed) = server
        .send(Method::PUT, &path, &editor, Some(json!({"title": "Prompt injection", "inherent_likelihood": 5, "inherent_impact": 5,
            "owner": orgs.users["owner"].to_string(), "treatment": "retain", "systems": [orgs.system.to_string()], "revision": accepted["revision"]})))
        .await;
    assert_eq!(status, 200, "{changed}");
    assert!(changed["acceptance"].is_null(), "{changed}");

    // Filters, and the heat map counts what is open.
    let (_, page) = server
        .send(
            Method::GET,
            &format!("/api/v1/risks?system={}&sort=-level", orgs.system),
            &editor,
            None,
        )
        .await;
    let refs: Vec<&str> = page["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["R-2", "R-1"]);
    let (status, problem) = server
        .send(
            Method::GET,
            "/api/v1/risks?min_level=Catastrophic",
            &editor,
            None,
        )
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("min_level"))
    );
    let response = server
        .http
        .get(server.url("/api/v1/risks/heat-map"))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let svg = response.text().await.unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("likelihood=5"),
        "{svg}"
    );

    // A three-level method re-scores both risks and says so.
    let mut method = server
        .send(Method::GET, "/api/v1/risk-method", &owner, None)
        .await
        .1;
    method["likelihood"]["levels"] = json!([{"label": "Rare", "description": ""}, {"label": "Possible", "description": ""}, {"label": "Likely", "description": ""}]);
    method["matrix"] = json!([[0, 0, 1, 1, 2], [0, 1, 1, 2, 3], [1, 2, 2, 3, 3]]);
    let (status, done) = server
        .send(Method::PUT, "/api/v1/risk-method", &owner, Some(method))
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["risks_rescored"], 2);
    let (_, rescored) = server.send(Method::GET, &path, &editor, None).await;
    assert_eq!(
        rescored["facts"]["inherent_likelihood"], 3,
        "5 of 5 becomes 3 of 3: {rescored}"
    );
    let (_, trail) = server
        .send(
            Method::GET,
            "/api/v1/audit-events?object_type=organisation",
            &owner,
            None,
        )
        .await;
    assert!(
        trail["events"][0]["action"] == "risk_method.changed",
        "{trail}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_risk_pages_list_by_heat_map_cell_record_change_and_sign_off() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let get = |path: String| {
        let page = server.page(&path, &cookie);
        async move { page.await.1 }
    };
    let post = |path: String, body: String| server.post_form(&path, &cookie, body);

    let html = get("/risks?open=true".into()).await;
    assert!(html.contains("<svg") && html.contains("R-1"), "{html}");
    // R-1 is rated 3×4 before treatment and 2×3 after.
    assert!(
        get("/risks?likelihood=3&impact=4&basis=inherent".into())
            .await
            .contains("R-1")
    );
    assert!(
        get("/risks?likelihood=2&impact=3&basis=residual".into())
            .await
            .contains("R-1")
    );
    assert!(
        get("/risks?likelihood=3&impact=4&basis=residual".into())
            .await
            .contains("No risks match")
    );

    let (status, _, html) = post(
        "/risks".into(),
        "title=Drift&inherent_likelihood=9&inherent_impact=2".into(),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    let (status, location, _) = post(
        "/risks".into(),
        "title=Drift&inherent_likelihood=4&inherent_impact=4".into(),
    )
    .await;
    assert_eq!(status, 303);
    let page = location.unwrap().split('?').next().unwrap().to_owned();
    assert!(get(page.clone()).await.contains("R-2 Drift"));
    let form = "revision=1&title=Drift&status=treatment_planned&treatment=modify&controls=A.6.2.6&inherent_likelihood=4&inherent_impact=4&residual_likelihood=2&residual_impact=2&treatment_plan=Monitor";
    // Actions are rows of their own; a bad one is refused naming its row, and the form comes
    // back as it was sent, the error beside the field.
    let (status, _, html) = post(
        page.clone(),
        format!("{form}&action_title.0=Weekly+drift+report&action_due.0=31%2F12%2F2027"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Actions row 1") && html.contains("2027-06-30"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Weekly drift report\"") && html.contains("value=\"31/12/2027\""),
        "the rows keep what was typed: {html}"
    );
    assert!(html.contains("class=\"error-summary\""), "{html}");
    let (status, _, _) = post(
        page.clone(),
        format!("{form}&action_title.0=Weekly+drift+report&action_due.0=2027-03-01&action_title.1=Retrain&action_done.1=on&review_due=2027-06-30"),
    )
    .await;
    assert_eq!(status, 303);
    let html = get(page.clone()).await;
    assert!(
        html.contains("Weekly drift report (due")
            && html.contains("Retrain <span class=\"badge ok\">done</span>"),
        "{html}"
    );
    assert!(
        html.contains("value=\"2027-06-30\""),
        "the review date is shown for editing"
    );
    // The creator owns the risk, but rated it too: someone else must rate it first.
    let (status, _, html) =
        post(format!("{page}/accept"), "note=Monitoring+is+enough".into()).await;
    assert_eq!(status, 422);
    assert!(html.contains("four eyes"), "{html}");
    let api_path = page.replace("/risks/", "/api/v1/risks/");
    let (_, view) = server
        .send(Method::GET, &api_path, &orgs.tokens["admin"], None)
        .await;
    let mut facts = view["facts"].clone();
    facts["residual_impact"] = json!(1);
    facts["revision"] = view["revision"].clone();
    let (status, rerated) = server
        .send(Method::PUT, &api_path, &orgs.tokens["admin"], Some(facts))
        .await;
    assert_eq!(status, 200, "{rerated}");
    // Rated by an admin, the owner's sign-off is recorded.
    let (status, location, _) =
        post(format!("{page}/accept"), "note=Monitoring+is+enough".into()).await;
    assert_eq!(
        (
            status,
            location.as_deref().map(|l| l.ends_with("done=accepted"))
        ),
        (303, Some(true))
    );
    let html = get(page).await;
    assert!(
        html.contains("Monitoring is enough") && html.contains("A.6.2.6"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_method_page_shows_the_matrix_and_refuses_a_broken_method_naming_it() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let html = server
        .http
        .get(server.url("/risks/method"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Likelihood \\ impact") && html.contains("Critical"),
        "{html}"
    );
    let post = |body: String| {
        server
            .http
            .post(server.url("/risks/method"))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let mut method =
        serde_json::to_value(aims_app::domain::risk::RiskMethod::default_five_by_five()).unwrap();
    method["matrix"][4][4] = json!(0);
    let body =
        serde_urlencoded::to_string([("method", method.to_string()), ("from_json", "1".into())])
            .unwrap();
    let response = post(body).await.unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("matrix"),
        "the error names the matrix: {html}"
    );
    let response = post("reset=1".into()).await.unwrap();
    assert_eq!(response.status().as_u16(), 303);

    // The editor: the page's own fields, as a browser sends them.
    let editor: Vec<(String, String)> = {
        let fields = |html: &str| -> Vec<(String, String)> {
            let mut out = Vec::new();
            for part in html.split("<input ").skip(1) {
                let attr = |name: &str| {
                    part.split(&format!("{name}=\""))
                        .nth(1)
                        .and_then(|r| r.split('"').next())
                        .map(str::to_owned)
                };
                if let (Some(name), Some(value)) = (attr("name"), attr("value")) {
                    if part.contains("type=\"checkbox\"") && !part.contains(" checked") {
                        continue;
                    }
                    out.push((name, value.replace("&#x23;", "#")));
                }
            }
            for part in html.split("<select ").skip(1) {
                let tag = part.split('>').next().unwrap();
                let Some(name) = tag
                    .split("name=\"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .map(str::to_owned)
                else {
                    continue;
                };
                let selected = part
                    .split("</select>")
                    .next()
                    .unwrap()
                    .split("<option value=\"")
                    .skip(1)
                    .find(|o| o.contains("selected"))
                    .map(|o| o.split('"').next().unwrap().to_owned());
                if let Some(value) = selected {
                    out.push((name, value));
                }
            }
            out
        };
        let page = server
            .http
            .get(server.url("/risks/method"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        fields(&page)
    };
    assert!(editor.iter().any(|(k, _)| k == "cell.4.4"), "{editor:?}");
    let with = |changes: &[(&str, &str)]| {
        let mut pairs = editor.clone();
        for (k, v) in changes {
            pairs.retain(|(name, _)| name != k);
            pairs.push(((*k).to_owned(), (*v).to_owned()));
        }
        serde_urlencoded::to_string(pairs).unwrap()
    };
    // A level that falls as impact rises is refused, naming the matrix in words.
    let response = post(with(&[("cell.4.4", "0")])).await.unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Matrix"), "{html}");
    // A sixth likelihood step is not saved at once: the matrix grows for checking first.
    let response = post(with(&[("likelihood.5.label", "Certain")]))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("check the matrix") && html.contains("name=\"cell.5.4\""),
        "{html}"
    );
    // Renaming a step saves and re-scores.
    let response = post(with(&[("likelihood.0.label", "Very rare")]))
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(
        status,
        303,
        "{}",
        body.split("error-summary").nth(1).unwrap_or(&body)
    );
    let method = server
        .json_with_token("/api/v1/risk-method", &orgs.tokens["viewer"])
        .await;
    assert_eq!(method["likelihood"]["levels"][0]["label"], "Very rare");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_named_on_records_are_members_and_nobody_accepts_their_own_high_risk() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let token = |role: &str| orgs.tokens[role].clone();
    let outsider = orgs.users["outsider"].to_string();
    let nobody = aims_app::domain::UserId::new().to_string();
    let risk = |owner: &str| {
        json!({"title": "Model inversion", "inherent_likelihood": 5, "inherent_impact": 5,
               "treatment": "retain", "owner": owner})
    };
    // Another organisation's member and an id nobody has get the same answer: 422, no 500.
    for person in [&outsider, &nobody] {
        let (status, problem) = server
            .send(
                Method::POST,
                "/api/v1/risks",
                &token("editor"),
                Some(risk(person)),
            )
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some("owner")),
            "{problem}"
        );
        let mut with_action = risk(&orgs.users["editor"].to_string());
        with_action["actions"] =
            json!([{"title": "Rate-limit queries", "owner": person, "due": null, "done": false}]);
        let (status, problem) = server
            .send(
                Method::POST,
                "/api/v1/risks",
                &token("editor"),
                Some(with_action),
            )
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some("actions.owner")),
            "{problem}"
        );
        let (status, problem) = server
            .send(
                Method::PUT,
                "/api/v1/controls/A.2.2/implementation",
                &token("editor"),
                Some(json!({"decision": "include", "status": "planned", "owner": person})),
            )
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some("owner")),
            "{problem}"
        );
        let (status, problem) = server
            .send(
                Method::POST,
                "/api/v1/systems",
                &token("editor"),
                Some(
                    json!({"name": format!("System of {person}"), "purpose": "x", "owner": person}),
                ),
            )
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some("owner")),
            "{problem}"
        );
    }

    // An editor makes themselves owner of a 5x5 risk they rated: they cannot accept it.
    let editor = orgs.users["editor"].to_string();
    let (status, created) = server
        .send(
            Method::POST,
            "/api/v1/risks",
            &token("editor"),
            Some(risk(&editor)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/api/v1/risks/{}", created["id"].as_str().unwrap());
    let acceptance = format!("{path}/acceptance");
    let accept = |who: &str| {
        server.send(
            Method::POST,
            &acceptance,
            &orgs.tokens[who],
            Some(json!({"note": "we live with it"})),
        )
    };
    let (status, problem) = accept("editor").await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("four eyes"),
        "{problem}"
    );
    // Rated by an admin, it is still above the appetite: an editor owner may not accept it.
    let mut rerated = risk(&editor);
    rerated["inherent_impact"] = json!(4);
    rerated["revision"] = created["revision"].clone();
    let (status, changed) = server
        .send(Method::PUT, &path, &token("admin"), Some(rerated.clone()))
        .await;
    assert_eq!(status, 200, "{changed}");
    let (status, problem) = accept("editor").await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("owner or admin"),
        "{problem}"
    );
    // Handed to the organisation's owner, who did not rate it: accepted.
    rerated["owner"] = json!(orgs.users["owner"].to_string());
    rerated["revision"] = changed["revision"].clone();
    let (status, handed) = server
        .send(Method::PUT, &path, &token("editor"), Some(rerated))
        .await;
    assert_eq!(status, 200, "{handed}");
    let (status, accepted) = accept("owner").await;
    assert_eq!(status, 200, "{accepted}");
}
