//! The lists of work: the task register's filters and pages, notifications marked read and
//! the email preference, and documents waiting for an approver.

use aims_app::domain::work::{EmailPreference, TaskFacts, TaskStatus};

use super::{YESTERDAY, redirected, section, work};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_register_filters_and_pages() {
    let w = work().await;
    let (_, html) = w.get("viewer", "/tasks").await;
    assert!(html.contains("No open tasks."), "{html}");

    let late = w.task("Renew the DPIA", "viewer", Some(YESTERDAY)).await;
    w.task("Train the reviewers", "editor", Some("2027-03-01"))
        .await;
    let closed = w.task("Archive old logs", "viewer", None).await;
    let editor = w.actor("editor").await;
    w.server
        .app
        .update_task(
            &editor,
            closed,
            1,
            TaskFacts {
                title: "Archive old logs".into(),
                assignee: Some(w.users["viewer"]),
                status: Some(TaskStatus::Done),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let (status, html) = w.get("viewer", "/tasks").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Renew the DPIA")
            && html.contains("Train the reviewers")
            && !html.contains("Archive old logs")
            && html.contains(&format!(r#"<a href="/tasks/{late}">Renew the DPIA</a> <span class="badge danger">overdue</span>"#))
            && html.contains("1–2 of 2 task(s)"),
        "open tasks by default, the soonest due first: {html}"
    );
    let (_, html) = w.get("viewer", "/tasks?assignee=me").await;
    assert!(
        html.contains("Renew the DPIA")
            && !html.contains("Train the reviewers")
            && html.contains("Showing tasks assigned to you."),
        "{html}"
    );
    let (_, html) = w.get("editor", "/tasks?overdue=true").await;
    assert!(
        html.contains("Renew the DPIA") && !html.contains("Train the reviewers"),
        "{html}"
    );
    let (_, html) = w.get("editor", "/tasks?show=all&status=done").await;
    assert!(
        html.contains("Archive old logs")
            && !html.contains("Renew the DPIA")
            && html.contains("status Done; closed tasks too"),
        "{html}"
    );

    for n in 0..25 {
        w.task(
            &format!("Routine check {n:02}"),
            "editor",
            Some("2027-06-01"),
        )
        .await;
    }
    let (_, html) = w.get("editor", "/tasks?limit=25&col=task&col=due").await;
    assert!(
        html.contains("1–25 of 27 task(s)")
            && html.contains(
                r#"href="/tasks?limit=25&#38;col=task&#38;col=due&#38;offset=25" rel="next""#
            )
            && !html.contains(r#"data-label="Assigned to""#),
        "{html}"
    );
    let (_, html) = w
        .get("editor", "/tasks?limit=25&col=task&col=due&offset=25")
        .await;
    assert!(
        html.contains("26–27 of 27 task(s)") && html.contains(r#"rel="prev""#),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_are_marked_read_and_the_email_preference_kept() {
    let w = work().await;
    w.task("Renew the DPIA", "viewer", None).await;
    w.task("Train the reviewers", "viewer", None).await;
    w.task("Brief the board", "admin", None).await;

    let (status, html) = w.get("viewer", "/notifications").await;
    assert_eq!(status, 200);
    assert!(
        html.matches(r#"<span class="badge info">new</span>"#)
            .count()
            == 2
            && html.contains(r#"aria-label="Notifications, 2 unread""#)
            && html.contains("Assigned to you")
            && html.contains("Renew the DPIA")
            && !html.contains("Brief the board"),
        "{html}"
    );
    let viewer = w.actor("viewer").await;
    let inbox = w.server.app.inbox(&viewer, 10).await.unwrap();
    let first = inbox.notifications[0].id;
    assert!(
        html.contains(&format!(r#"action="/notifications/{first}/read""#)),
        "{html}"
    );

    // Another person's notification is not theirs to mark.
    let admin = w.actor("admin").await;
    let theirs = w.server.app.inbox(&admin, 10).await.unwrap().notifications[0].id;
    let (status, _, _) = w
        .post("viewer", &format!("/notifications/{theirs}/read"), &[])
        .await;
    assert_eq!(status, 303);
    assert_eq!(w.server.app.unread_notifications(&admin).await.unwrap(), 1);

    let (status, location, _) = w
        .post("viewer", &format!("/notifications/{first}/read"), &[])
        .await;
    assert_eq!(
        (status, redirected(location)),
        (303, ("/notifications".to_owned(), "read".to_owned()))
    );
    let (_, html) = w.get("viewer", "/notifications").await;
    assert!(
        html.matches(r#"<span class="badge info">new</span>"#)
            .count()
            == 1
            && html.contains(r#"aria-label="Notifications, 1 unread""#),
        "{html}"
    );
    let (status, location, _) = w.post("viewer", "/notifications/read", &[]).await;
    assert_eq!((status, redirected(location).1.as_str()), (303, "all-read"));
    let (_, html) = w.get("viewer", "/notifications").await;
    assert!(
        !html.contains(r#"<span class="badge info">new</span>"#)
            && !html.contains(r#"aria-label="Notifications,"#)
            && !html.contains("Mark all read"),
        "{html}"
    );
    assert_eq!(w.get("viewer", "/notifications/read").await.0, 303);

    // The email preference: mail is off on this server, and the page says so.
    assert!(
        html.contains("Emails are sent when this server has mail set up.")
            && html.contains(r#"value="each""#)
            && html.contains("One email a day"),
        "{html}"
    );
    let (status, _, html) = w
        .post("viewer", "/notifications/email", &[("email", "weekly")])
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains(r##"href="#m-email">Email must be one of"##),
        "{html}"
    );
    let (status, location, _) = w
        .post("viewer", "/notifications/email", &[("email", "digest")])
        .await;
    assert_eq!((status, redirected(location).1.as_str()), (303, "email"));
    assert_eq!(
        w.server.app.email_preference(&viewer).await.unwrap(),
        EmailPreference::Digest
    );
    let (_, html) = w.get("viewer", "/notifications").await;
    assert!(html.contains(r#"value="digest" checked"#), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_in_review_waits_for_an_approver_but_not_its_author() {
    let w = work().await;
    // The admin may approve documents, so only the rule of four eyes keeps theirs away.
    let admin = w.actor("admin").await;
    let input = aims_app::DocumentInput {
        content: serde_json::from_value(serde_json::json!({
            "kind": "procedure", "title": "Incident handling", "body": "## Steps\n1. Report.",
            "serves": [{"kind": "requirement", "id": "iso-iec-42001:6.1.2"}],
        }))
        .unwrap(),
        ..Default::default()
    };
    let document = w
        .server
        .app
        .create_document(&admin, input)
        .await
        .unwrap()
        .id;
    w.server
        .app
        .submit_document(&admin, document, 1)
        .await
        .unwrap();

    let (status, html) = w.get("owner", "/my-work").await;
    assert_eq!(status, 200);
    assert!(
        section(&html, "Waiting for my approval").contains(&format!(
            r#"<a href="/documents/{document}">Incident handling</a>"#
        )),
        "{html}"
    );
    let (_, html) = w.get("admin", "/my-work").await;
    let approvals = section(&html, "Waiting for my approval");
    assert!(
        !approvals.contains("Incident handling")
            && approvals.contains("No document waits for your approval."),
        "{approvals}"
    );
}
