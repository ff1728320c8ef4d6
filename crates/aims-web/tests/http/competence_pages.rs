//! The roles and training pages: every page renders for a member, forms keep what was
//! typed and name the wrong field, a viewer records their own training but defines no
//! role, another organisation's records are not found.

use aims_app::{Client, SignIn};
use aims_web::WebConfig;

use crate::support::{PASSWORD, Server, orgs};

async fn cookie(server: &Server, email: &str) -> String {
    let signed_in = server
        .app
        .sign_in(SignIn {
            email: email.into(),
            password: PASSWORD.into(),
            client: Client::default(),
        })
        .await
        .unwrap();
    format!("aims_session={}", signed_in.cookie.secret)
}

fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_and_training_pages_render_and_keep_refused_input() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let editor = cookie(&server, "editor@acme.example").await;
    let viewer = cookie(&server, "viewer@acme.example").await;
    let outsider = cookie(&server, "owner@beta.example").await;
    let role = orgs.aims_role;
    let training = orgs.training;

    for path in [
        "/roles".to_owned(),
        format!("/roles/{role}"),
        "/roles/new".to_owned(),
        format!("/roles/{role}/edit"),
        "/training".to_owned(),
        "/training?person=me&standing=expired".to_owned(),
        "/training/new?kind=ai_literacy".to_owned(),
        format!("/training/{training}"),
        format!("/training/{training}/edit"),
    ] {
        let (status, html) = server.page(&path, &editor).await;
        assert_eq!(status, 200, "{path}: {html}");
    }
    let (_, html) = server.page("/roles", &viewer).await;
    assert!(html.contains("Risk owner"), "{html}");
    assert!(
        html.contains("0 of 1 (0%)"),
        "literacy as words and numbers: {html}"
    );
    assert!(
        html.contains("Risk assessment:"),
        "the gap names the competence: {html}"
    );
    assert!(
        !html.contains("href=\"/roles/new\""),
        "a viewer is not offered a new role"
    );

    // A viewer defines no role; nor sees another person's record as theirs to change.
    let (status, _) = server.page("/roles/new", &viewer).await;
    assert_eq!(status, 403);
    let (status, _) = server
        .page(&format!("/training/{training}/edit"), &viewer)
        .await;
    assert_eq!(status, 403);
    // Another organisation finds nothing.
    let (status, _) = server.page(&format!("/roles/{role}"), &outsider).await;
    assert_eq!(status, 404);
    let (status, _) = server
        .page(&format!("/training/{training}"), &outsider)
        .await;
    assert_eq!(status, 404);

    // A refused role form comes back as typed, the field named.
    let (status, _, html) = server
        .post_form(
            "/roles",
            &editor,
            form(&[
                ("name", "risk owner"),
                ("competences", "Data quality\nEU AI Act"),
            ]),
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("aria-invalid") && html.contains("Data quality"),
        "{html}"
    );
    let (status, location, _) = server
        .post_form(
            "/roles",
            &editor,
            form(&[
                ("name", "Data steward"),
                ("competences", "Data quality"),
                ("holders", &orgs.users["viewer"].to_string()),
            ]),
        )
        .await;
    assert_eq!(status, 303);
    assert!(location.unwrap().starts_with("/roles/"));

    // A viewer records their own AI literacy; a bad date is named.
    let (status, _, html) = server
        .post_form(
            "/training",
            &viewer,
            form(&[
                ("kind", "ai_literacy"),
                ("title", "AI basics"),
                ("completed_on", "someday"),
            ]),
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("AI basics"), "kept as typed: {html}");
    let today = server.app.now().date();
    let (status, location, _) = server
        .post_form(
            "/training",
            &viewer,
            form(&[
                ("person", &orgs.users["viewer"].to_string()),
                ("kind", "ai_literacy"),
                ("title", "AI basics"),
                ("completed_on", &today),
                ("competences", "Risk assessment"),
            ]),
        )
        .await;
    assert_eq!(status, 303);
    let record = location.unwrap();
    let (status, html) = server.page(&record, &viewer).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("AI basics") && html.contains("Current"),
        "{html}"
    );
    let (_, html) = server.page("/roles", &viewer).await;
    assert!(html.contains("1 of 1 (100%)"), "{html}");
}
