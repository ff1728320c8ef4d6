//! Documented information through its pages: writing a document, the forms that keep what
//! was typed, review and approval by a second person, new versions beside the one in force,
//! comparisons, confirmations of reading, the register's filters, templates, and who may do
//! which step.

use std::collections::HashMap;
use std::sync::Arc;

use aims_app::domain::document::{DocumentContent, DocumentKind, fingerprint};
use aims_app::domain::evidence::{Target, TargetKind};
use aims_app::domain::{DocumentId, Timestamp, UserId};
use aims_app::{Client, FixedClock, SignIn};

use crate::support::{PASSWORD, Server};

/// A server whose clock stands still until moved, and an organisation of its own (so that
/// no other test's records show in its lists) with a member of each role that matters.
struct Docs {
    server: Server,
    clock: Arc<FixedClock>,
    users: HashMap<&'static str, UserId>,
    cookies: HashMap<&'static str, String>,
}

const ROLES: [&str; 4] = ["owner", "admin", "editor", "viewer"];

async fn docs() -> Docs {
    let clock = Arc::new(FixedClock::new(Timestamp::from_micros(
        1_800_000_000_000_000,
    )));
    let (store, dir) = aims_store::testing::sqlite().await;
    let server = Server::with_clock(store, clock.clone(), Some(Box::new(dir)), 400).await;
    let org = server.app.admin_create_org("Docs Ltd").await.unwrap().id;
    let mut users = HashMap::new();
    for role in ROLES {
        let email = format!("{role}@docs.example");
        let user = server
            .app
            .admin_create_user(org, &email, role, PASSWORD)
            .await
            .unwrap();
        users.insert(role, user.id);
    }
    let mut d = Docs {
        server,
        clock,
        users,
        cookies: HashMap::new(),
    };
    d.sign_in_all().await;
    d
}

impl Docs {
    /// Signs every member in afresh, as after the clock moved past their sessions' idle time.
    async fn sign_in_all(&mut self) {
        for role in ROLES {
            let signed_in = self
                .server
                .app
                .sign_in(SignIn {
                    email: format!("{role}@docs.example"),
                    password: PASSWORD.into(),
                    client: Client::default(),
                })
                .await
                .unwrap();
            self.cookies
                .insert(role, format!("aims_session={}", signed_in.cookie.secret));
        }
    }

    async fn get(&self, role: &str, path: &str) -> (u16, String) {
        self.server.page(path, &self.cookies[role]).await
    }

    async fn post(
        &self,
        role: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, Option<String>, String) {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.server.post_form(path, &self.cookies[role], body).await
    }
}

/// The document page a redirect leads to, without its notice, and the notice's code.
fn redirected(location: Option<String>) -> (String, String) {
    let location = location.expect("a redirect");
    let (path, query) = location.split_once('?').unwrap_or((&location, ""));
    (
        path.to_owned(),
        query.trim_start_matches("done=").to_owned(),
    )
}

const BODY_V1: &str =
    "# Purpose\r\n\r\nOld line\r\n\r\nKept line\r\n\r\n<script>alert(1)</script>\r\n";
const BODY_V2: &str = "# Purpose\r\n\r\nNew line\r\n\r\nKept line\r\n";

fn form<'a>(title: &'a str, body: &'a str, months: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "policy"),
        ("title", title),
        ("body", body),
        ("serves", "requirement:iso-iec-42001:5.2"),
        ("serves", "control:A.2.2"),
        ("review_months", months),
        ("acknowledge_roles", "viewer"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_is_written_reviewed_approved_by_another_and_read_through_its_pages() {
    let d = docs().await;

    let (status, html) = d.get("editor", "/documents").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("No documents yet")
            && html.contains(r#"class="button" href="/documents/new""#)
            && html.contains(r#"<a href="/documents" aria-current="page">Documents</a>"#),
        "an empty register says what it is for and is marked in the navigation: {html}"
    );
    let (status, html) = d.get("editor", "/documents/new").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"value="requirement:iso-iec-42001:5.2""#)
            && html.contains(r#"value="control:A.2.2""#)
            && html.contains(
                r#"name="review_months" type="number" min="1" max="36" step="1" value="12""#
            ),
        "{html}"
    );

    // Refused forms come back as typed, the message naming the field in its label.
    let mut untitled = form(" ", "Keep this text", "12");
    untitled[0] = ("kind", "procedure");
    let (status, _, html) = d.post("editor", "/documents", &untitled).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Keep this text")
            && html.contains(r##"href="#d-title">Title must not be empty"##)
            && html.contains(r#"<option value="procedure" selected>"#)
            && html.contains(r#"value="requirement:iso-iec-42001:5.2" checked"#)
            && html.contains(r#"value="viewer" checked"#),
        "{html}"
    );
    let (status, _, html) = d
        .post("editor", "/documents", &form("AI policy", "x", "40"))
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Review cycle in months must be 1 to 36 months")
            && html.contains(r#"value="40""#),
        "{html}"
    );

    let (status, location, _) = d
        .post("editor", "/documents", &form("AI policy", BODY_V1, "12"))
        .await;
    assert_eq!(status, 303);
    let (page, code) = redirected(location);
    assert_eq!(code, "created");
    let id: DocumentId = page.trim_start_matches("/documents/").parse().unwrap();
    let (status, html) = d.get("editor", &page).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Draft — not approved")
            && html.contains("<h2>Purpose</h2>")
            && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            && !html.contains("<script>alert(1)")
            && html.contains(r#"href="/frameworks/iso-iec-42001/items/5.2""#)
            && html.contains("Send version 1 for review")
            && html.contains(&format!(r#"href="/documents/{id}/edit""#)),
        "the body is rendered, its HTML shown as text: {html}"
    );

    let (status, location, _) = d
        .post("editor", &format!("{page}/submit"), &[("version", "1")])
        .await;
    assert_eq!(
        (status, redirected(location).1.as_str()),
        (303, "submitted")
    );
    let (_, html) = d.get("editor", &page).await;
    assert!(
        !html.contains("Approve version 1")
            && html.contains("Return to draft")
            && !html.contains(r#"/edit""#),
        "editors do not approve by default, and a version in review is not edited: {html}"
    );
    let (_, html) = d.get("owner", &page).await;
    assert!(html.contains("Approve version 1"), "{html}");
    let (status, location, _) = d
        .post(
            "owner",
            &format!("{page}/approve"),
            &[("version", "1"), ("comment", "Fits our objectives")],
        )
        .await;
    assert_eq!((status, redirected(location).1.as_str()), (303, "approved"));
    let stored = DocumentContent {
        kind: Some(DocumentKind::Policy),
        title: "AI policy".into(),
        body: BODY_V1.into(),
        serves: vec![
            Target {
                kind: TargetKind::Requirement,
                id: "iso-iec-42001:5.2".into(),
            },
            Target {
                kind: TargetKind::Control,
                id: "A.2.2".into(),
            },
        ],
        attachment: None,
    }
    .validate()
    .unwrap();
    let sha = fingerprint(id, 1, &stored);
    let (_, html) = d.get("owner", &page).await;
    assert!(
        html.contains(r#"<span class="badge ok">Approved</span>"#)
            && html.contains("Version 1, in force")
            && html.contains("Fits our objectives")
            && html.contains(&format!("<code>{sha}</code>"))
            && html.contains(&format!(r#"<code title="{sha}">"#)),
        "the approval shows with the fingerprint anyone can recompute: {html}"
    );

    // A viewer reads, and is asked to confirm reading, but takes no other step.
    let (_, html) = d.get("viewer", &page).await;
    assert!(
        !html.contains(r#"/edit""#)
            && !html.contains("Approve version")
            && !html.contains("Retire this document")
            && html.contains("I have read this version")
            && html.contains("0 of 1 member(s)"),
        "{html}"
    );
    for (path, fields) in [
        (format!("{page}/approve"), vec![("version", "1")]),
        (format!("{page}/retire"), vec![("reason", "No")]),
        (format!("{page}/submit"), vec![("version", "1")]),
        ("/documents".to_owned(), form("Sneaky", "", "12")),
        (
            "/documents/templates".to_owned(),
            vec![("template", "ai-policy")],
        ),
    ] {
        let (status, _, _) = d.post("viewer", &path, &fields).await;
        assert_eq!(status, 403, "{path}");
    }
    assert_eq!(d.get("viewer", "/documents/new").await.0, 403);
    assert_eq!(d.get("viewer", &format!("{page}/edit")).await.0, 403);
    let (status, location, _) = d
        .post(
            "viewer",
            &format!("{page}/acknowledge"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(
        (status, redirected(location).1.as_str()),
        (303, "acknowledged")
    );
    let (_, html) = d.get("viewer", &page).await;
    assert!(
        html.contains("You confirmed reading")
            && html.contains("1 of 1 member(s)")
            && !html.contains("I have read this version"),
        "{html}"
    );

    // A change to an approved document is a new draft; the approved version stays in force.
    let (status, html) = d.get("owner", &format!("{page}/edit")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"name="version" value="1""#)
            && html.contains("Old line")
            && html.contains(r#"<option value="policy" selected>"#)
            && html.contains(r#"value="control:A.2.2" checked"#)
            && html.contains("makes version 2, a draft"),
        "{html}"
    );
    let mut v2 = form("AI policy", BODY_V2, "12");
    v2.push(("version", "1"));
    let (status, location, _) = d.post("owner", &page, &v2).await;
    assert_eq!((status, redirected(location).1.as_str()), (303, "saved"));
    let (_, html) = d.get("owner", &page).await;
    assert!(
        html.contains("Version 1, in force")
            && html.contains("Old line")
            && html.contains("Latest version 2: draft")
            && html.contains(&format!(
                r#"href="/documents/{id}/versions/2">Version 2</a>"#
            )),
        "{html}"
    );
    // A form based on a version that is no longer the latest is refused, keeping its text.
    let mut stale = form("AI policy", "Stale text", "12");
    stale.push(("version", "1"));
    let (status, _, html) = d.post("editor", &page, &stale).await;
    assert_eq!(status, 409, "{html}");
    assert!(
        html.contains("Someone else saved version 2")
            && html.contains("Stale text")
            && html.contains(r#"name="version" value="2""#),
        "{html}"
    );

    let (status, html) = d.get("viewer", &format!("{page}/diff?from=1&to=2")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<del>Old line</del>")
            && html.contains("<ins>New line</ins>")
            && html.contains(r#"<td class="diff-mark">+<"#)
            && html.contains(r#"<td class="diff-mark">-<"#)
            && html.contains("Kept line"),
        "{html}"
    );
    assert_eq!(
        d.get("viewer", &format!("{page}/diff?from=1&to=9")).await.0,
        404
    );

    // Four eyes: the owner wrote version 2 last, so another approver must approve it.
    let (status, _, _) = d
        .post("owner", &format!("{page}/submit"), &[("version", "2")])
        .await;
    assert_eq!(status, 303);
    let (_, html) = d.get("owner", &page).await;
    assert!(
        html.contains("you may not approve it") && !html.contains("Approve version 2"),
        "{html}"
    );
    let (status, _, html) = d
        .post(
            "owner",
            &format!("{page}/approve"),
            &[("version", "2"), ("comment", "Mine")],
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        html.contains("may not approve it") && html.contains("(four eyes)"),
        "{html}"
    );
    let (status, _, _) = d
        .post("admin", &format!("{page}/approve"), &[("version", "2")])
        .await;
    assert_eq!(status, 303);
    let (_, html) = d.get("admin", &format!("{page}/versions/1")).await;
    assert!(
        html.contains("Superseded") && html.contains(&sha) && html.contains("Old line"),
        "{html}"
    );
    let (_, html) = d.get("admin", &page).await;
    assert!(
        html.contains("Version 2, in force") && html.contains("0 of 1 member(s)"),
        "{html}"
    );

    // Retiring needs a reason; a refusal opens the form again with the message.
    let (status, _, html) = d
        .post("admin", &format!("{page}/retire"), &[("reason", " ")])
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("<details open>") && html.contains("Why it is withdrawn must not be empty"),
        "{html}"
    );
    let (status, location, _) = d
        .post(
            "admin",
            &format!("{page}/retire"),
            &[("reason", "Replaced by the group policy")],
        )
        .await;
    assert_eq!((status, redirected(location).1.as_str()), (303, "retired"));
    let (_, html) = d.get("owner", &page).await;
    assert!(
        html.contains("Replaced by the group policy")
            && !html.contains(r#"/edit""#)
            && !html.contains("Retire this document"),
        "{html}"
    );
    // A form's address opened as a page leads to the document.
    let response = d
        .server
        .http
        .get(d.server.url(&format!("{page}/approve")))
        .header("cookie", &d.cookies["owner"])
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap());
    assert_eq!(
        (response.status().as_u16(), location),
        (303, Some(page.as_str()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_start_drafts_the_register_filters_and_settings_choose_approvers() {
    let mut d = docs().await;

    let (status, html) = d.get("viewer", "/documents/templates").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Scope of the AI management system") && !html.contains("Use this template")
    );
    let (_, html) = d.get("editor", "/documents/templates").await;
    assert_eq!(html.matches("Use this template").count(), 19, "{html}");
    let owner = d.users["owner"].to_string();
    let (status, location, _) = d
        .post(
            "editor",
            "/documents/templates",
            &[("owner", owner.as_str()), ("template", "ai-policy")],
        )
        .await;
    assert_eq!(status, 303);
    let (policy, code) = redirected(location);
    assert_eq!(code, "created");
    let (_, html) = d.get("editor", &policy).await;
    assert!(
        html.contains("<h1>AI policy</h1>")
            && html.contains(r#"href="/frameworks/iso-iec-42001/items/5.2">5.2 AI policy</a>"#)
            && html.contains("Draft — not approved")
            && html.contains("<dt>Owner</dt><dd>"),
        "{html}"
    );
    let (status, _, html) = d
        .post("editor", "/documents/templates", &[("template", "nope")])
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("no starter template"), "{html}");

    // A procedure reviewed monthly, approved, then left past its review date.
    let editor = d.users["editor"].to_string();
    let mut procedure = form("Incident procedure", "Steps", "1");
    procedure[0] = ("kind", "procedure");
    procedure.push(("owner", editor.as_str()));
    let (_, location, _) = d.post("editor", "/documents", &procedure).await;
    let (incident, _) = redirected(location);
    d.post("editor", &format!("{incident}/submit"), &[("version", "1")])
        .await;
    let (status, _, _) = d
        .post("owner", &format!("{incident}/approve"), &[("version", "1")])
        .await;
    assert_eq!(status, 303);
    let (_, html) = d.get("owner", "/documents?overdue=true").await;
    assert!(
        html.contains("No documents match") && !html.contains("Incident procedure"),
        "{html}"
    );
    d.clock.advance(40 * 86_400);
    d.sign_in_all().await;

    let shows = |html: &str, yes: &str, no: &str| html.contains(yes) && !html.contains(no);
    let (status, html) = d.get("owner", "/documents?overdue=true").await;
    assert_eq!(status, 200);
    assert!(
        shows(&html, "Incident procedure", ">AI policy<")
            && html.contains(r#"<span class="badge danger">review overdue</span>"#)
            && html.contains("Showing reviews overdue")
            && html.contains(r#"name="overdue" value="true" checked"#),
        "{html}"
    );
    let (_, html) = d.get("owner", "/documents?status=draft").await;
    assert!(shows(&html, ">AI policy<", "Incident procedure"), "{html}");
    let (_, html) = d.get("owner", "/documents?kind=procedure").await;
    assert!(
        shows(&html, "Incident procedure", ">AI policy<")
            && html.contains("Showing kind: Procedure"),
        "{html}"
    );
    let (_, html) = d.get("editor", "/documents?mine=true").await;
    assert!(shows(&html, "Incident procedure", ">AI policy<"), "{html}");
    let (_, html) = d.get("owner", "/documents").await;
    assert!(
        html.contains(">AI policy<")
            && html.contains("Incident procedure")
            && html.contains("2 of 2 document(s)"),
        "{html}"
    );
    let (status, html) = d.get("owner", "/documents?status=lost").await;
    assert_eq!(status, 422);
    assert!(html.contains("must be one of draft, in_review"), "{html}");
    let (status, csv) = d.get("owner", "/documents/export.csv?kind=procedure").await;
    assert_eq!(status, 200);
    assert!(
        shows(&csv, "Incident procedure", "AI policy") && csv.starts_with("Title,Kind,Status"),
        "{csv}"
    );

    // Who approves is the organisation's choice, made on its settings page.
    let (_, html) = d.get("owner", "/settings").await;
    assert!(
        html.contains("Who may approve documents")
            && html.contains(r#"value="owner" checked"#)
            && html.contains(r#"value="admin" checked"#)
            && !html.contains(r#"value="editor" checked"#),
        "{html}"
    );
    for role in ["editor", "viewer"] {
        let (status, _, _) = d
            .post(role, "/settings/document-approvers", &[("roles", "editor")])
            .await;
        assert_eq!(status, 403, "{role}");
    }
    let (status, _, html) = d
        .post(
            "owner",
            "/settings/document-approvers",
            &[("roles", "viewer")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("cannot approve documents") && html.contains(r##"href="#approvers-roles""##),
        "{html}"
    );
    let (status, _, html) = d.post("owner", "/settings/document-approvers", &[]).await;
    assert_eq!(status, 422);
    assert!(html.contains("choose at least one role"), "{html}");
    let (status, location, _) = d
        .post(
            "owner",
            "/settings/document-approvers",
            &[("roles", "owner"), ("roles", "editor")],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/settings?done=approvers"))
    );
    // A version the owner wrote now needs an editor's (or another owner's) approval.
    let (_, location, _) = d
        .post(
            "owner",
            "/documents/templates",
            &[("template", "aims-scope")],
        )
        .await;
    let (scope, _) = redirected(location);
    d.post("owner", &format!("{scope}/submit"), &[("version", "1")])
        .await;
    let (_, html) = d.get("editor", &scope).await;
    assert!(
        html.contains("Approve version 1") && html.contains("owners and editors"),
        "{html}"
    );
    let (_, html) = d.get("admin", &scope).await;
    assert!(
        !html.contains("Approve version 1") && html.contains("Return to draft"),
        "{html}"
    );
    let (status, _, _) = d
        .post("admin", &format!("{scope}/approve"), &[("version", "1")])
        .await;
    assert_eq!(status, 403, "an admin no longer approves");
    let (status, _, _) = d
        .post("editor", &format!("{scope}/approve"), &[("version", "1")])
        .await;
    assert_eq!(status, 303);
    let (_, html) = d.get("admin", &scope).await;
    assert!(
        html.contains("Version 1, in force") && html.contains("by editor@docs.example"),
        "{html}"
    );
}
