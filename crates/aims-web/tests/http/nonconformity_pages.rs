//! Nonconformities through their pages: the register and its filters, the record form that
//! keeps what was typed when refused, corrective actions, verification by someone other than
//! the owner, and a closed nonconformity that no longer changes.

use aims_app::domain::work::TaskStatus;
use aims_app::domain::{Actor, ActorKind, Role};
use aims_web::WebConfig;

use crate::support::{Server, orgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonconformity_is_recorded_corrected_and_verified_through_its_pages() {
    let server = Server::start(WebConfig::default()).await;
    let orgs = orgs(&server.app).await;
    let cookie = format!("aims_session={}", orgs.owner_cookie);
    let editor = orgs.users["editor"].to_string();
    let post = |path: &str, fields: Vec<(&str, String)>| {
        server.post_form(path, &cookie, serde_urlencoded::to_string(fields).unwrap())
    };
    let (status, page) = server.page("/nonconformities", &cookie).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("NC-1") && page.contains("Impact assessment not repeated"),
        "the fixture's nonconformity is listed: {page}"
    );

    let form = |title: &str, requirements: &str| {
        vec![
            ("title", title.to_owned()),
            ("requirements", requirements.to_owned()),
            ("grade", "major".to_owned()),
            ("source", "complaint".to_owned()),
            ("detected_on", "2026-11-20".to_owned()),
            ("owner", editor.clone()),
            (
                "root_cause",
                "Nobody reviewed the notice after the model change".to_owned(),
            ),
        ]
    };
    // Refused, each naming the field, with everything typed kept.
    let (status, _, page) = post("/nonconformities", form("", "8.4")).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("href=\"#nc-title\"")
            && page.contains("Nobody reviewed the notice after the model change"),
        "{page}"
    );
    let (status, _, page) = post(
        "/nonconformities",
        form("Transparency notice out of date", "8.4, A.99"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(page.contains("href=\"#nc-requirements\""), "{page}");

    let (status, location, _) = post(
        "/nonconformities",
        form("Transparency notice out of date", "8.4, A.8.2"),
    )
    .await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    assert!(location.ends_with("?done=created"), "{location}");
    let path = location.split('?').next().unwrap().to_owned();
    let (_, page) = server.page(&location, &cookie).await;
    assert!(
        page.contains("NC-2")
            && page.contains("Needs corrective action")
            && page.contains("A.8.2, 8.4"),
        "{page}"
    );

    // A corrective action needs someone to do it; the title typed stays.
    let action = |who: &str| {
        vec![
            (
                "title",
                "Review the notice at every model release".to_owned(),
            ),
            ("assignee", who.to_owned()),
            ("due", "2027-01-15".to_owned()),
        ]
    };
    let (status, _, page) = post(&format!("{path}/actions"), action("")).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("href=\"#act-assignee\"")
            && page.contains("Review the notice at every model release"),
        "{page}"
    );
    let (status, location, _) = post(&format!("{path}/actions"), action(&editor)).await;
    assert_eq!(
        (
            status,
            location.as_deref().map(|l| l.ends_with("?done=action"))
        ),
        (303, Some(true))
    );

    // The editor does it; the owner of the organisation, who does not own the
    // nonconformity, verifies.
    let id: aims_app::domain::NonconformityId = path.rsplit('/').next().unwrap().parse().unwrap();
    let editor_actor = Actor {
        kind: ActorKind::User(orgs.users["editor"]),
        org: orgs.acme,
        role: Role::Editor,
        label: "editor@acme.example".into(),
    };
    let record = server.app.nonconformity(&editor_actor, id).await.unwrap();
    let task = &record.actions[0];
    let mut done = task.facts.clone();
    done.status = Some(TaskStatus::Done);
    server
        .app
        .update_task(&editor_actor, task.id, task.revision, done)
        .await
        .unwrap();
    let (_, page) = server.page(&path, &cookie).await;
    assert!(
        page.contains("Awaiting verification") && page.contains("ver-note"),
        "{page}"
    );
    let revision = record.nonconformity.revision.to_string();
    let verify = |evidence: String| {
        vec![
            ("effective", "yes".to_owned()),
            (
                "note",
                "The December release went through the notice review".to_owned(),
            ),
            ("evidence", evidence),
            ("revision", revision.clone()),
        ]
    };
    let (status, _, page) = post(&format!("{path}/verification"), verify(String::new())).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("href=\"#ver-evidence\"")
            && page.contains("The December release went through"),
        "{page}"
    );
    let (status, location, _) = post(
        &format!("{path}/verification"),
        verify(orgs.evidence.to_string()),
    )
    .await;
    assert_eq!(
        (
            status,
            location.as_deref().map(|l| l.ends_with("?done=closed"))
        ),
        (303, Some(true))
    );
    let (_, page) = server.page(&path, &cookie).await;
    assert!(
        page.contains("the actions worked") && !page.contains("act-title"),
        "{page}"
    );

    // Closed: a change is refused and said why; the register finds it among the closed.
    let mut change = form("Transparency notice out of date", "8.4");
    change.push(("revision", "99".to_owned()));
    let (status, _, page) = post(&path, change).await;
    assert_eq!(status, 409);
    assert!(
        page.contains("changed this nonconformity") || page.contains("no longer change"),
        "{page}"
    );
    let (_, page) = server.page("/nonconformities?status=closed", &cookie).await;
    assert!(page.contains("NC-2") && !page.contains("NC-1<"), "{page}");
    // The dashboard counts the register: the fixture's one still open.
    let (_, home) = server.page("/", &cookie).await;
    let section = home.split("id=\"improvement\"").nth(1).unwrap_or_default();
    assert!(
        section.contains("<a href=\"/nonconformities?status=open\">1</a>"),
        "{section}"
    );

    // Raised from another record's page, the form opens filled in; a source it does not
    // know is left at the default.
    let (status, page) = server
        .page(
            &format!(
                "/nonconformities/new?source=redteam_run&system={}&source_ref=Run%20of%20May&requirements=A.6.2.4",
                orgs.system
            ),
            &cookie,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<option value=\"redteam_run\" selected>")
            && page.contains(&format!("<option value=\"{}\" selected>", orgs.system))
            && page.contains("value=\"Run of May\"")
            && page.contains("value=\"A.6.2.4\""),
        "{page}"
    );
    let (_, page) = server
        .page("/nonconformities/new?source=nonsense", &cookie)
        .await;
    assert!(
        page.contains("<option value=\"internal_audit\" selected>"),
        "{page}"
    );
    let (_, page) = server.page(&format!("/risks/{}", orgs.risk), &cookie).await;
    assert!(
        page.contains("/nonconformities/new?source=risk_review&amp;source_ref=R-"),
        "the risk page raises one: {page}"
    );

    let (status, _) = server
        .page("/nonconformities?older_than_days=soon", &cookie)
        .await;
    assert_eq!(status, 422, "a bad filter is named, not ignored");
}
