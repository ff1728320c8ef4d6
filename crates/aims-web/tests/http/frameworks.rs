//! Framework catalogues over HTTP: browsing, mapping, and an organisation's own licensed text.

use aims_web::WebConfig;
use serde_json::{Value, json};

use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frameworks_are_browsed_and_mapped_through_the_api() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let get = |path: &str| {
        server
            .http
            .get(server.url(path))
            .bearer_auth(&o.tokens["viewer"])
            .send()
    };
    let list: Value = get("/api/v1/frameworks")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|f| f["key"] == "eu-ai-act@2024/1689")
    );
    let iso: Value = get("/api/v1/frameworks/iso-iec-42001")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(iso["framework"]["requirements"], 70);
    let nist: Value = get("/api/v1/frameworks/nist-ai-rmf/items/GOVERN%201.1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        nist["item"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Legal and regulatory requirements")
    );
    let art: Value = get("/api/v1/frameworks/eu-ai-act/items/art-12?hops=2")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mappings = art["mappings"].as_array().unwrap();
    assert!(
        mappings
            .iter()
            .any(|m| m["item"] == "A.6.2.8" && m["path"].as_array().unwrap().len() == 1)
    );
    let logging = mappings
        .iter()
        .find(|m| m["item"] == "A.8.15")
        .expect("Article 12 → A.6.2.8 → ISO/IEC 27001 A.8.15");
    assert_eq!(logging["path"].as_array().unwrap().len(), 2);
    assert_eq!(logging["weakest"], "intersects-with");
    let gap: Value = get("/api/v1/frameworks/eu-ai-act/items/art-50(2)")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(gap["gaps"][0]["framework"], "iso-iec-42001@2023");
    assert_eq!(get("/api/v1/frameworks/nope").await.unwrap().status(), 404);
    assert_eq!(
        get("/api/v1/frameworks/iso-iec-42001/items/A.99")
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        get("/api/v1/frameworks/iso-iec-42001/items/A.2.2?hops=9")
            .await
            .unwrap()
            .status(),
        422
    );
    assert_eq!(
        get("/api/v1/frameworks/search?q=x").await.unwrap().status(),
        422
    );
    // A limit out of the documented range is refused, not quietly clamped.
    for limit in ["0", "501", "2126159327574"] {
        let path = format!("/api/v1/frameworks/search?q=prompt&limit={limit}");
        assert_eq!(get(&path).await.unwrap().status(), 422, "limit={limit}");
    }
    let hits: Value = get("/api/v1/frameworks/search?q=prompt+injection")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(hits[0]["item"]["id"], "LLM01");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frameworks_are_browsed_in_pages() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let cookie = format!("aims_session={}", o.owner_cookie);
    let page = |path: &'static str| {
        server
            .http
            .get(server.url(path))
            .header("cookie", cookie.clone())
            .send()
    };
    let list = page("/frameworks").await.unwrap().text().await.unwrap();
    assert!(list.contains("ISO/IEC 42001:2023") && list.contains("EU AI Act"));
    assert!(
        !list.contains("action=\"/frameworks/compare\""),
        "no framework has two versions here, so there is nothing to compare: {list}"
    );
    let tree = page("/frameworks/iso-iec-42001")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(tree.contains("AI system verification and validation"));
    assert!(
        tree.contains("<td>AI objective</td>") && !tree.contains("ai_objective"),
        "kinds in words"
    );
    let item = page("/frameworks/eu-ai-act/items/art-14?hops=2")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        item.contains("Human oversight") && item.contains("A.9.2") && item.contains("weakest"),
        "{item}"
    );
    let found = page("/frameworks/search?q=data+provenance")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains("A.7.5"));
    assert_eq!(page("/frameworks/search?q=x").await.unwrap().status(), 422);
    assert_eq!(page("/frameworks/nope").await.unwrap().status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn licensed_text_is_kept_per_organisation_and_audited_without_its_words() {
    let server = Server::start(WebConfig::default()).await;
    let o = orgs(&server.app).await;
    let token = &o.tokens["editor"];
    let csv = "id,text\nA.6.2.4,\"Verify, then validate.\"\nA.6.2.5,Deploy with care.\n";
    let imported: Value = server
        .http
        .post(server.url("/api/v1/frameworks/iso-iec-42001/texts"))
        .bearer_auth(token)
        .json(&json!({"csv": csv}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(imported["imported"], 2);
    let text = server
        .json_with_token("/api/v1/frameworks/iso-iec-42001/items/A.6.2.4/text", token)
        .await;
    assert_eq!(text["text"], "Verify, then validate.");
    // A bad row refuses the whole file and names its line.
    let bad = server
        .http
        .post(server.url("/api/v1/frameworks/iso-iec-42001/texts"))
        .bearer_auth(token)
        .json(&json!({"csv": "id,text\nA.6.2.6,Fine.\nA.99,Nowhere.\n"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("line 3: iso-iec-42001@2023 has no item A.99")
    );
    assert_eq!(
        server
            .status_with_token("/api/v1/frameworks/iso-iec-42001/items/A.6.2.6/text", token)
            .await,
        404
    );
    // The audit trail records the change, never the licensed words.
    let events = server
        .json_with_token(
            "/api/v1/audit-events?object_type=framework",
            &o.tokens["auditor"],
        )
        .await;
    assert_eq!(events["events"][0]["action"], "requirement_text.imported");
    let trail = server
        .http
        .get(server.url("/api/v1/audit-events?limit=200"))
        .bearer_auth(&o.tokens["auditor"])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!trail.contains("Verify, then validate") && !trail.contains("Our licensed wording"));
    // Shown beside our description on the page, with a form for editors.
    let page = server
        .http
        .get(server.url("/frameworks/iso-iec-42001/items/A.6.2.4"))
        .header("cookie", format!("aims_session={}", o.owner_cookie))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Verify, then validate.") && page.contains("Your organisation"),
        "{page}"
    );
    let cookie = format!("aims_session={}", o.owner_cookie);
    let saved = server
        .http
        .post(server.url("/frameworks/iso-iec-42001/items/A.7.5/text"))
        .header("cookie", &cookie)
        .form(&[("text", "Where data comes from.")])
        .send()
        .await
        .unwrap();
    // Post/redirect/get: the form answers with the item's page, which says it was saved.
    assert_eq!(saved.status(), 303);
    let location = saved.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        "/frameworks/iso-iec-42001/items/A.7.5?done=text-saved"
    );
    let page = server
        .http
        .get(server.url(&location))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("Your text was saved."));
    let empty = server
        .http
        .post(server.url("/frameworks/iso-iec-42001/items/A.7.5/text"))
        .header("cookie", &cookie)
        .form(&[("text", "  ")])
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    let cleared = server
        .http
        .post(server.url("/frameworks/iso-iec-42001/items/A.7.5/text/clear"))
        .header("cookie", &cookie)
        .form(&[("go", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        cleared.headers()["location"].to_str().unwrap(),
        "/frameworks/iso-iec-42001/items/A.7.5?done=text-removed"
    );
}
