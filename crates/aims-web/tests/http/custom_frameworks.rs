//! An organisation's own frameworks over HTTP: imported, mapped through, kept to their
//! organisation, refused with a reason, deleted in order, and compared version to version.

use aims_app::catalog::{catalog_to_oscal, shipped};
use aims_web::WebConfig;
use reqwest::Method;
use serde_json::{Value, json};

use aims_app::{Client, SignIn};

use crate::support::{PASSWORD, Server, orgs};

fn mapping_collection() -> Value {
    json!({"mapping-collection": {
        "uuid": "0b6f1c8e-4a51-4f0e-9d65-3d1f2e7a9c01",
        "metadata": {"title": "Acme policy to ISO/IEC 42001", "version": "1", "oscal-version": "1.2.3", "last-modified": "2026-11-01T00:00:00Z"},
        "provenance": {"method": "human", "matching-rationale": "semantic", "status": "complete", "mapping-description": "Written by Acme's AI office."},
        "mappings": [{
            "uuid": "0b6f1c8e-4a51-4f0e-9d65-3d1f2e7a9c02",
            "source-resource": {"type": "catalog", "href": "https://acme.example/policy.json"},
            "target-resource": {"type": "catalog", "href": "https://aims.example/iso-iec-42001-2023.oscal.json"},
            "maps": [{"uuid": "0b6f1c8e-4a51-4f0e-9d65-3d1f2e7a9c03", "relationship": "subset-of",
                      "sources": [{"type": "control", "id-ref": "P1.1"}],
                      "targets": [{"type": "control", "id-ref": "iso-iec-42001_A.3.2"}],
                      "remarks": "Naming an owner is one part of assigning AI roles and responsibilities."}],
        }],
    }})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_framework_and_crosswalk_join_the_library_of_their_organisation_only() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let (admin, viewer, outsider) = (
        &o.tokens["admin"],
        &o.tokens["viewer"],
        &o.tokens["outsider"],
    );
    // The policy imported for Acme is listed for Acme and nowhere else.
    let (_, list) = server
        .send(Method::GET, "/api/v1/frameworks", viewer, None)
        .await;
    let policy = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "acme-ai-policy@1")
        .expect("Acme sees its policy");
    assert_eq!(policy["imported"], true);
    assert_eq!(policy["requirements"], 2);
    let (status, _) = server
        .send(
            Method::GET,
            "/api/v1/frameworks/acme-ai-policy",
            outsider,
            None,
        )
        .await;
    assert_eq!(status, 404, "another organisation's framework stays hidden");

    // A mapping collection whose source link names nothing known is refused, naming where.
    let import = |source: Option<&str>| json!({"file_name": "policy-map.json", "document": mapping_collection().to_string(), "source": source});
    let (status, problem) = server
        .send(
            Method::POST,
            "/api/v1/frameworks/imports",
            admin,
            Some(import(None)),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("/mapping-collection/mappings/0: source-resource"),
        "{detail}"
    );
    let (_, before) = server
        .send(Method::GET, "/api/v1/frameworks/imports", viewer, None)
        .await;
    assert_eq!(
        before.as_array().unwrap().len(),
        1,
        "a refused import stores nothing"
    );

    let (status, created) = server
        .send(
            Method::POST,
            "/api/v1/frameworks/imports",
            admin,
            Some(import(Some("acme-ai-policy"))),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["kind"], "crosswalk");
    assert_eq!(created["format"], "oscal-mapping-collection");
    let (status, _) = server
        .send(
            Method::POST,
            "/api/v1/frameworks/imports",
            admin,
            Some(import(Some("acme-ai-policy"))),
        )
        .await;
    assert_eq!(status, 409, "the same crosswalk twice");

    // The policy now maps to ISO/IEC 42001 and, a hop further, to ISO/IEC 27001.
    let (_, item) = server
        .send(
            Method::GET,
            "/api/v1/frameworks/acme-ai-policy/items/P1.1?hops=2",
            viewer,
            None,
        )
        .await;
    let mappings = item["mappings"].as_array().unwrap();
    assert!(
        mappings
            .iter()
            .any(|m| m["item"] == "A.3.2" && m["relation"] == "subset-of"),
        "{item}"
    );
    assert!(
        mappings
            .iter()
            .any(|m| m["framework"] == "iso-iec-27001@2022"
                && m["path"].as_array().unwrap().len() == 2),
        "{item}"
    );
    // And the other way: ISO/IEC 42001 A.3.2 now shows Acme's policy — for Acme only.
    let (_, a32) = server
        .send(
            Method::GET,
            "/api/v1/frameworks/iso-iec-42001/items/A.3.2",
            viewer,
            None,
        )
        .await;
    assert!(a32.to_string().contains("acme-ai-policy@1"), "{a32}");
    let (_, theirs) = server
        .send(
            Method::GET,
            "/api/v1/frameworks/iso-iec-42001/items/A.3.2",
            outsider,
            None,
        )
        .await;
    assert!(!theirs.to_string().contains("acme-ai-policy"), "{theirs}");

    // A text attached to the policy goes with it; the policy goes only after its crosswalk.
    let (status, _) = server
        .send(
            Method::PUT,
            "/api/v1/frameworks/acme-ai-policy/items/P1.1/text",
            admin,
            Some(json!({"text": "Our board's wording."})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, problem) = server
        .send(
            Method::DELETE,
            "/api/v1/frameworks/imports/acme-ai-policy@1",
            admin,
            None,
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("acme-policy-to-iso-iec-42001"),
        "{problem}"
    );
    // Evidence naming one of the policy's items keeps it too, until that evidence goes.
    let evidence_for = |item: &str| {
        let body = json!({"title": "Owner register", "link": "https://intranet.example/owners",
                          "targets": [{"kind": "requirement", "id": format!("acme-ai-policy:{item}")}]});
        server.send(Method::POST, "/api/v1/evidence", admin, Some(body))
    };
    let (status, evidence) = evidence_for("P1.1").await;
    assert_eq!(status, 201, "{evidence}");
    let (status, _) = evidence_for("P9").await;
    assert_eq!(status, 422, "evidence may name only items that exist");
    let (status, _) = server
        .send(
            Method::DELETE,
            "/api/v1/frameworks/imports/acme-policy-to-iso-iec-42001",
            admin,
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, problem) = server
        .send(
            Method::DELETE,
            "/api/v1/frameworks/imports/acme-ai-policy@1",
            admin,
            None,
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("acme-ai-policy:P1.1"),
        "{problem}"
    );
    let id = evidence["id"].as_str().unwrap();
    let (status, _) = server
        .send(
            Method::DELETE,
            &format!("/api/v1/evidence/{id}"),
            admin,
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = server
        .send(
            Method::DELETE,
            "/api/v1/frameworks/imports/acme-ai-policy@1",
            admin,
            None,
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, _) = server
        .send(
            Method::GET,
            "/api/v1/frameworks/acme-ai-policy",
            viewer,
            None,
        )
        .await;
    assert_eq!(status, 404);
    let remaining = server
        .app
        .store()
        .read()
        .await
        .unwrap()
        .requirement_texts(o.acme, "acme-ai-policy@1")
        .await
        .unwrap();
    assert!(remaining.is_empty(), "{remaining:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_version_of_a_shipped_framework_is_compared_with_what_it_touches() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let cookie = format!("aims_session={}", o.owner_cookie);
    // ISO/IEC 42001 "2027": A.6.2.4 reworded, A.10.4 gone, as a publisher's OSCAL file would say.
    let library = shipped().unwrap();
    let mut next = library.catalogue("iso-iec-42001").unwrap().clone();
    next.framework.version = "2027".into();
    next.framework.published = "2027-03-01".into();
    next.items.retain(|i| i.id != "A.10.4");
    next.items
        .iter_mut()
        .find(|i| i.id == "A.6.2.4")
        .unwrap()
        .description = "A reworded description of verification and validation.".into();
    let document = catalog_to_oscal(&next).to_string();
    let (status, created) = server
        .send(
            Method::POST,
            "/api/v1/frameworks/imports",
            &o.tokens["owner"],
            Some(json!({"file_name": "42001-2027.json", "document": document})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["key"], "iso-iec-42001@2027");

    let (status, diff) = server
        .send(
            Method::GET,
            "/api/v1/frameworks/compare?old=iso-iec-42001@2023&new=iso-iec-42001@2027",
            &o.tokens["auditor"],
            None,
        )
        .await;
    assert_eq!(status, 200, "{diff}");
    assert_eq!(diff["removed"][0]["id"], "A.10.4");
    let (status, problem) = server
        .send(
            Method::GET,
            "/api/v1/frameworks/compare?old=iso-iec-42001@2023&new=iso-iec-27001",
            &o.tokens["auditor"],
            None,
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem.to_string().contains("another framework"),
        "{problem}"
    );
    let changed = diff["changed"].as_array().unwrap();
    assert!(
        changed
            .iter()
            .any(|c| c["id"] == "A.6.2.4" && c["what"][0] == "reworded"),
        "{diff}"
    );
    // Acme's risk treatment selects A.6.2.4, so the rewording touches its SoA row.
    assert!(
        diff["touched"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "A.6.2.4" && t["risks"][0] == "R-1 Unfair refusals"),
        "{diff}"
    );
    // The newest version takes the framework's name; the shipped one keeps its key.
    let (_, newest) = server
        .send(
            Method::GET,
            "/api/v1/frameworks/iso-iec-42001",
            &o.tokens["viewer"],
            None,
        )
        .await;
    assert_eq!(newest["framework"]["key"], "iso-iec-42001@2027");

    // The compare page shows the same.
    let (status, html) = server
        .page(
            "/frameworks/compare?old=iso-iec-42001%402023&new=iso-iec-42001%402027",
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("1 removed") && html.contains("A.10.4"),
        "{html}"
    );
    assert!(
        html.contains("<h1>ISO/IEC 42001, version 2023 → ISO/IEC 42001, version 2027</h1>")
            && !html.contains("iso-iec-42001@"),
        "versions named in words: {html}"
    );
    // The frameworks page offers only versions of one framework to compare.
    let (_, html) = server.page("/frameworks", &cookie).await;
    let form = &html[html.find("action=\"/frameworks/compare\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        form.contains(
            "<option value=\"iso-iec-42001@2023\" selected>ISO/IEC 42001, version 2023</option>"
        ) && form.contains(">ISO/IEC 42001, version 2027 (imported)</option>")
            && !form.contains("eu-ai-act"),
        "{form}"
    );
    let (status, _) = server
        .page(
            "/frameworks/compare?old=iso-iec-42001%402023&new=nope",
            &cookie,
        )
        .await;
    assert_eq!(status, 404, "a framework that is not there is not found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frameworks_page_imports_a_file_and_says_why_one_is_refused() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let cookie = format!("aims_session={}", o.owner_cookie);
    let upload = |file_name: &str, document: &str, id: &str| {
        let body = format!(
            "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\r\n{document}\r\n\
             --b0undary\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n{id}\r\n\
             --b0undary\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nBoard rules\r\n--b0undary--\r\n"
        );
        server
            .http
            .post(server.url("/frameworks/imports"))
            .header("cookie", &cookie)
            .header("content-type", "multipart/form-data; boundary=b0undary")
            .body(body)
            .send()
    };
    let response = upload(
        "board.csv",
        "id,title,description\nB1,Quorum,Two members agree on each launch\n",
        "board-rules",
    )
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/frameworks?done=imported");
    let (status, html) = server.page("/frameworks", &cookie).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Board rules") && html.contains("board-rules@1"),
        "{html}"
    );
    let (status, tree) = server.page("/frameworks/board-rules", &cookie).await;
    assert_eq!(status, 200);
    assert!(tree.contains("Quorum") && tree.contains("imported by your organisation"));

    let refused = upload(
        "bad.csv",
        "id,title,description\nB1,Quorum,Two members\nB1,Again,Twice the same id\n",
        "bad-rules",
    )
    .await
    .unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("bad.csv") && html.contains("B1"), "{html}");
    assert!(
        html.contains("value=\"bad-rules\"")
            && html.contains("value=\"Board rules\"")
            && html.contains("choose bad.csv again")
            && html.contains("href=\"#imp-file\"")
            && html.contains("aria-describedby=\"imp-file-error\""),
        "the form as typed, the file to choose again: {html}"
    );
    assert!(
        html.contains("<td>Framework</td>") && html.contains("board.csv (CSV)"),
        "imports in words: {html}"
    );

    // The owner has the import form; a viewer sees the imports but no form.
    assert!(html_has_import_form(
        &server.page("/frameworks", &cookie).await.1
    ));
    let viewer = server
        .app
        .sign_in(SignIn {
            email: "viewer@acme.example".into(),
            password: PASSWORD.into(),
            client: Client::default(),
        })
        .await
        .unwrap();
    let (_, viewer_page) = server
        .page(
            "/frameworks",
            &format!("aims_session={}", viewer.cookie.secret),
        )
        .await;
    assert!(viewer_page.contains("board-rules@1"), "{viewer_page}");
    assert!(!html_has_import_form(&viewer_page), "{viewer_page}");
}

fn html_has_import_form(html: &str) -> bool {
    html.contains("action=\"/frameworks/imports\"")
}
