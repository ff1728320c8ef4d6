//! The AI system inventory through its pages: recording, classifying, importing, and forms
//! that keep what was typed.

use aims_web::WebConfig;

use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inventory_pages_record_classify_and_import() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let get = |path: String| server.page(&path, &cookie);
    let post = |path: String, body: String| server.post_form(&path, &cookie, body);

    let (status, html) = get("/systems/new".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"role_provider\""));
    // A form with a mistake comes back with the message and what was typed.
    let (status, _, html) = post(
        "/systems/new".into(),
        "name=&purpose=Ranks+CVs&lifecycle_stage=deployment&autonomy=human_in_the_loop&decisions_about_people=supports&status=active".into(),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Ranks CVs") && html.contains("must not be empty"),
        "{html}"
    );
    let (status, location, _) = post(
        "/systems/new".into(),
        "name=CV+screener&purpose=Ranks+CVs&lifecycle_stage=deployment&role_deployer=on&autonomy=human_in_the_loop&decisions_about_people=supports&status=active&tags=hr,+hiring".into(),
    )
    .await;
    assert_eq!(status, 303);
    let system_path = location.unwrap().split('?').next().unwrap().to_owned();

    let (status, html) = get(format!("{system_path}/classification")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("not been classified yet") && html.contains("annex-iii-4(a)"),
        "the questionnaire offers Annex III points"
    );
    // Lists arrive as repeated keys.
    let (status, location, _) = post(
        format!("{system_path}/classification"),
        "roles=deployer&roles=provider&annex_iii_points=annex-iii-4%28a%29&interacts_with_people=on".into(),
    )
    .await;
    assert_eq!(
        (
            status,
            location.as_deref().map(|l| l.ends_with("done=classified"))
        ),
        (303, Some(true))
    );
    let (_, html) = get(format!("{system_path}/classification")).await;
    assert!(
        html.contains("High-risk") || html.contains("high-risk"),
        "{html}"
    );
    assert!(
        html.contains("art-26") && html.contains("art-16"),
        "both roles' duties are listed"
    );

    let (status, html) = get("/systems?class=high_risk".into()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("CV screener") && html.contains("Loan scorer"),
        "{html}"
    );
    let (_, home) = get("/".into()).await;
    assert!(
        home.contains(r#"href="/systems?missing_assessment=true""#),
        "the dashboard's figure opens its list: {home}"
    );
    let (status, html) = get("/systems?missing_assessment=true&sort=name".into()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Showing high-risk systems without an approved, current impact assessment")
            && html.contains(r#"name="missing_assessment" value="true""#),
        "{html}"
    );
    let (_, html) = get("/systems?class=minimal".into()).await;
    assert!(
        html.contains("No AI systems match") && !html.contains("CV screener"),
        "{html}"
    );
    let (status, html) = get(system_path.clone()).await;
    assert_eq!(status, 200);
    assert!(html.contains("hiring") && html.contains("Deployer"));
    let (status, html) = get(format!("{system_path}/edit")).await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"hr, hiring\""), "{html}");

    // A system kept in the inventory but outside the management system's scope, with why.
    let (status, location, _) = post(
        "/systems/new".into(),
        "name=Invoice+reader&purpose=Reads+invoices&lifecycle_stage=deployment&autonomy=human_in_the_loop&decisions_about_people=no&status=active&out_of_scope=Run+by+the+group+finance+service".into(),
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = get(location.unwrap().split('?').next().unwrap().to_owned()).await;
    assert!(
        html.contains("Outside") && html.contains("Run by the group finance service"),
        "{html}"
    );
    let (_, home) = get("/".into()).await;
    assert!(
        home.contains(r#"<a href="/systems?in_scope=false">1</a>"#),
        "the dashboard counts what is outside the scope: {home}"
    );
    let (_, html) = get("/systems?in_scope=false".into()).await;
    assert!(
        html.contains("Invoice reader")
            && !html.contains("CV screener")
            && html.contains("systems outside the management system"),
        "{html}"
    );

    // Upload of an ML-BOM file from the page.
    let document = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"cv-ranker"}]}"#;
    let body = format!(
        "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bom.json\"\r\nContent-Type: application/json\r\n\r\n{document}\r\n--b0undary--\r\n"
    );
    let response = server
        .http
        .post(server.url(&format!("{system_path}/ml-bom")))
        .header("cookie", &cookie)
        .header("content-type", "multipart/form-data; boundary=b0undary")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let (status, html) = get(system_path.clone()).await;
    assert_eq!(status, 200);
    assert!(html.contains("cv-ranker"));
    let (status, bom) = get(format!("{system_path}/ml-bom")).await;
    assert_eq!(status, 200);
    assert!(bom.contains("\"cv-ranker\""));
}

/// The value of the hidden `revision` input of a system's form.
fn revision_in(html: &str) -> String {
    let at = html.find("name=\"revision\" value=\"").unwrap() + 23;
    html[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_system_pages_keep_what_was_typed_and_say_what_lists_are_for() {
    use aims_app::domain::inventory::{AiRole, SystemFacts};
    use aims_app::{Client, SignIn};

    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let get = |path: String| server.page(&path, &cookie);
    let post = |path: String, body: String| server.post_form(&path, &cookie, body);
    let system_path = format!("/systems/{}", orgs.system);

    // A component refused comes back as typed, the message beside its field, in its label.
    let (status, _, html) = post(
        format!("{system_path}/components"),
        "kind=dataset&name=+&version=2.1&provider=Acme+Labs&personal_data=on".into(),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("value=\"2.1\"")
            && html.contains("value=\"Acme Labs\"")
            && html.contains("<option value=\"dataset\" selected>")
            && html.contains("name=\"personal_data\" checked")
            && html.contains("href=\"#c-name\"")
            && html.contains("aria-describedby=\"c-name-error\"")
            && html.contains("Name must not be empty"),
        "{html}"
    );

    // So does the title of an impact assessment that cannot be started.
    let long = "T".repeat(201);
    let (status, _, html) = post(
        format!("{system_path}/impact-assessments"),
        format!("title={long}"),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains(&format!("value=\"{long}\""))
            && html.contains("id=\"ia-title-error\"")
            && html.contains("Title must be at most 200 characters"),
        "{html}"
    );

    // Empty lists say what they are for; the columns they span match the table's.
    let owner = server.app.token_actor(&orgs.tokens["owner"]).await.unwrap();
    let mut facts = SystemFacts::new("Chat helper", "Answers customers");
    facts.roles = vec![AiRole::User, AiRole::Developer];
    let empty = server.app.create_ai_system(&owner, facts).await.unwrap().id;
    let (_, html) = get(format!("/systems/{empty}")).await;
    assert!(
        html.contains("<tr class=\"empty\"><td colspan=\"7\">No components recorded.")
            && html.contains("href=\"#c-kind\"")
            && html.contains("<tr class=\"empty\"><td colspan=\"6\">No evidence yet.")
            && html.contains("<tr class=\"empty\"><td colspan=\"8\">No red-team run yet.")
            && html.contains(&format!(
                "href=\"/systems/{empty}/classification\">Answer the questionnaire"
            )),
        "{html}"
    );
    let viewer = server
        .app
        .sign_in(SignIn {
            email: "viewer@acme.example".into(),
            password: crate::support::PASSWORD.into(),
            client: Client::default(),
        })
        .await
        .unwrap();
    let (_, html) = server
        .page(
            &format!("/systems/{empty}"),
            &format!("aims_session={}", viewer.cookie.secret),
        )
        .await;
    assert!(
        html.contains("<tr class=\"empty\"><td colspan=\"6\">No components recorded.")
            && html.contains("<tr class=\"empty\"><td colspan=\"5\">No evidence yet.")
            && !html.contains("href=\"#c-kind\""),
        "a viewer's tables have no Remove column: {html}"
    );

    // The questionnaire starts from the roles recorded on the system: a user is a deployer,
    // who is told which transparency duties are whose.
    let (_, html) = get(format!("/systems/{empty}/classification")).await;
    assert!(
        html.contains("value=\"deployer\" checked")
            && !html.contains("value=\"provider\" checked")
            && html.contains("Filled in from the roles recorded")
            && html.contains("50(3)"),
        "{html}"
    );
    // A number that does not read comes back with every answer as posted.
    let (status, _, html) = post(
        format!("/systems/{empty}/classification"),
        "roles=deployer&roles=importer&interacts_with_people=on&is_gpai_model=on&training_compute_flops=lots".into(),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("value=\"lots\"")
            && html.contains("value=\"importer\" checked")
            && html.contains("id=\"q-interacts_with_people\" type=\"checkbox\" name=\"interacts_with_people\" checked")
            && html.contains("href=\"#q-training_compute_flops\"")
            && html.contains("Training compute: must be a number"),
        "{html}"
    );
    // Obligations name their role in words.
    let (_, html) = get(format!("{system_path}/classification")).await;
    assert!(
        html.contains("<td>Deployer</td>") && !html.contains("<td>deployer</td>"),
        "{html}"
    );

    // Changed by someone else meanwhile: the form keeps what was typed, now based on the
    // stored revision, and says so; saving again then succeeds.
    let (_, html) = get(format!("/systems/{empty}/edit")).await;
    let stale = revision_in(&html);
    let editor = server
        .app
        .token_actor(&orgs.tokens["editor"])
        .await
        .unwrap();
    let stored = server.app.ai_system(&editor, empty).await.unwrap();
    let mut theirs = stored.facts.clone();
    theirs.purpose = "Answers customers and staff".into();
    server
        .app
        .update_ai_system(&editor, empty, stored.revision, theirs)
        .await
        .unwrap();
    let body = |revision: &str| {
        format!(
            "revision={revision}&name=Chat+helper&purpose=Answers+every+customer&lifecycle_stage=deployment&role_user=on&autonomy=human_in_the_loop&decisions_about_people=no&status=active"
        )
    };
    let (status, _, html) = post(format!("/systems/{empty}/edit"), body(&stale)).await;
    assert_eq!(status, 409, "{html}");
    let current = revision_in(&html);
    assert_ne!(current, stale, "the form now carries the stored revision");
    assert!(
        html.contains("Someone else changed this AI system")
            && html.contains("Purpose")
            && html.contains("value=\"Answers every customer\""),
        "{html}"
    );
    let (status, location, html) = post(format!("/systems/{empty}/edit"), body(&current)).await;
    assert_eq!(status, 303, "{html}");
    assert!(location.unwrap().ends_with("done=saved"));
}
