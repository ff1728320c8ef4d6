//! The context and scope through its pages: the draft shown, a refused form keeping what was
//! typed, sending for review, four eyes at approval, the approved version in force with its
//! fingerprint, a revision beside it, and the comparison of versions.

use aims_web::WebConfig;

use crate::support::{PASSWORD, Server, orgs};

async fn cookie(server: &Server, email: &str) -> String {
    let signed_in = server
        .app
        .sign_in(aims_app::SignIn {
            email: email.into(),
            password: PASSWORD.into(),
            client: aims_app::Client::default(),
        })
        .await
        .unwrap();
    format!("aims_session={}", signed_in.cookie.secret)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_context_is_written_reviewed_and_approved_by_another_person() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let editor = cookie(&server, "editor@acme.example").await;
    let owner = format!("aims_session={}", orgs.owner_cookie);

    let (status, html) = server.page("/context", &editor).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Version 1: Draft") && html.contains("Send for review"),
        "{html}"
    );
    let (status, html) = server.page("/context/edit", &editor).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("AI in lending") && html.contains("Energy use of inference"),
        "{html}"
    );

    // A site left out without a reason is refused; what was typed comes back.
    let form = |site_reason: &str| {
        serde_urlencoded::to_string([
            ("revision", "1"),
            (
                "scope_statement",
                "AI in retail lending and customer service",
            ),
            ("boundaries", "Retail lending; the Lisbon and Porto offices"),
            ("site_name.0", "Porto office"),
            ("site_in.0", "out"),
            ("site_reason.0", site_reason),
            ("issue_description.0", "Energy use of inference"),
            ("issue_origin.0", "external"),
            ("issue_category.0", "climate_change"),
            ("issue_effect.0", "Reported yearly"),
            ("party_name.0", "Borrowers"),
            ("party_kind.0", "affected_people"),
            ("party_requirements.0", "Explanations of decisions"),
            ("party_addressed.0", "yes"),
            ("party_how.0", "Reason codes"),
            ("ai_roles", "eu_deployer"),
            ("ai_roles", "ai_customer"),
        ])
        .unwrap()
    };
    let (status, _, html) = server.post_form("/context", &editor, form("")).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Why a site is left out") && html.contains("Porto office"),
        "{html}"
    );
    assert!(
        html.contains("AI in retail lending and customer service"),
        "{html}"
    );
    let (status, location, _) = server
        .post_form("/context", &editor, form("Opens next year"))
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/context?done=saved"))
    );

    // Sent for review by its author, who may not approve it; the owner approves it.
    let step = |version: &str| serde_urlencoded::to_string([("version", version)]).unwrap();
    let (status, location, _) = server
        .post_form("/context/submit", &editor, step("1"))
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/context?done=submitted"))
    );
    let (_, html) = server.page("/context", &owner).await;
    assert!(html.contains("Approve version 1"), "{html}");
    let (status, _, html) = server
        .post_form("/context/approve", &editor, step("1"))
        .await;
    assert!(
        status == 403 || status == 409 || status == 422,
        "{status}: {html}"
    );
    let (status, location, _) = server
        .post_form("/context/approve", &owner, step("1"))
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/context?done=approved"))
    );
    let (_, html) = server.page("/context", &editor).await;
    assert!(
        html.contains("In force: version 1") && html.contains("Fingerprint"),
        "{html}"
    );
    assert!(
        html.contains("Porto office") && html.contains("Opens next year"),
        "{html}"
    );

    // A revision is a new draft beside the version in force; the two compare line by line.
    let revised = form("Opens in the spring").replace("revision=1", "revision=");
    let (_, html) = server.page("/context/edit", &editor).await;
    let revision = html
        .split("name=\"revision\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let revised = revised.replacen("revision=", &format!("revision={revision}"), 1);
    let (status, _, html) = server.post_form("/context", &editor, revised).await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = server.page("/context", &editor).await;
    assert!(
        html.contains("In force: version 1") && html.contains("Version 2: Draft"),
        "{html}"
    );
    let (status, html) = server.page("/context/diff?from=1&to=2", &editor).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Opens in the spring") && html.contains("Opens next year"),
        "{html}"
    );
    let (status, html) = server.page("/context/versions/1", &editor).await;
    assert_eq!(status, 200);
    assert!(html.contains("SHA-256"), "{html}");
    let (status, _) = server.page("/context/versions/9", &editor).await;
    assert_eq!(status, 404);
}
