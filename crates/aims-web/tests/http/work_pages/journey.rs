//! A task from its form to done: the record as context, refused forms kept as typed, My work
//! and the navigation's counts, the status form for the assignee (who may not rewrite it),
//! stale forms, the editor's edit, comments, and another organisation kept out.

use aims_app::domain::TaskId;

use super::{YESTERDAY, redirected, section, work};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_reaches_its_assignee_who_works_it_through_the_pages() {
    let w = work().await;
    let system = w.system.to_string();
    let viewer = w.users["viewer"].to_string();

    let (status, html) = w.get("viewer", "/my-work").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("No open tasks are assigned to you.")
            && !html.contains(r#"aria-label="My work,"#)
            && !html.contains(r#"aria-label="Notifications,"#)
            && !html.contains("New task"),
        "an empty My work says so, counts nothing, and a viewer makes no tasks: {html}"
    );
    assert_eq!(w.get("viewer", "/tasks/new").await.0, 403);

    // A record's page opens the form with the record as context.
    let (_, page) = w.get("editor", &format!("/systems/{system}")).await;
    assert!(
        page.contains(&format!(
            "/tasks/new?source_kind=system&amp;source_id={system}"
        )),
        "the system's page offers to add a task about it"
    );
    let (_, page) = w.get("viewer", &format!("/systems/{system}")).await;
    assert!(!page.contains("Add a task"), "a viewer makes no tasks");
    let new = format!("/tasks/new?source_kind=system&source_id={system}");
    let (status, html) = w.get("editor", &new).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!(
            r#"About <a href="/systems/{system}">AI system: Loan scorer</a>"#
        )) && html.contains(r#"<input type="hidden" name="source_kind" value="system">"#)
            && !html.contains(r#"id="t-source.kind""#),
        "{html}"
    );

    // A refused form comes back as typed, naming the field in its label.
    let mut fields = vec![
        ("title", "Check the model card"),
        ("description", "Is the card current?"),
        ("assignee", viewer.as_str()),
        ("due", "14/01/2027"),
        ("source_kind", "system"),
        ("source_id", system.as_str()),
        ("from_record", "1"),
    ];
    let (status, _, html) = w.post("editor", "/tasks", &fields).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains(r##"href="#t-due">Due date must be a date like 2027-06-30"##)
            && html.contains(r#"value="Check the model card""#)
            && html.contains("Is the card current?")
            && html.contains(r#"value="14/01/2027""#)
            && html.contains(&format!(r#"<option value="{viewer}" selected>"#))
            && html.contains(r#"<input type="hidden" name="source_id""#),
        "{html}"
    );
    fields[0] = ("title", " ");
    fields[3] = ("due", YESTERDAY);
    let (status, _, html) = w.post("editor", "/tasks", &fields).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains(r##"href="#t-title">Title "##)
            && html.contains(r#"id="t-title" name="title" value=" " required maxlength="200" aria-invalid="true""#),
        "{html}"
    );
    fields[0] = ("title", "Check the model card");
    let (status, location, _) = w.post("editor", "/tasks", &fields).await;
    assert_eq!(status, 303);
    let (page, code) = redirected(location);
    assert_eq!(code, "created");
    let id: TaskId = page.trim_start_matches("/tasks/").parse().unwrap();

    // The assignee's My work lists it, overdue; the navigation counts it on every page.
    let (status, html) = w.get("viewer", "/my-work").await;
    assert_eq!(status, 200);
    let tasks = section(&html, "Tasks assigned to me");
    assert!(
        tasks.contains(&format!(r#"<a href="/tasks/{id}">Check the model card</a> <span class="badge danger">overdue</span>"#))
            && tasks.contains(&format!(r#"<time datetime="{YESTERDAY}T00:00:00Z">{YESTERDAY}</time>"#))
            && tasks.contains(&format!(r#"<a href="/systems/{system}">AI system: Loan scorer</a>"#)),
        "{tasks}"
    );
    assert!(html.contains("1 of them overdue"), "{html}");
    for path in ["/my-work", "/systems"] {
        let (_, html) = w.get("viewer", path).await;
        assert!(
            html.contains(r#"aria-label="My work, 1 open task""#)
                && html.contains(r#"aria-label="Notifications, 1 unread""#),
            "{path}: {html}"
        );
    }
    let (_, html) = w.get("editor", "/my-work").await;
    assert!(
        !html.contains(r#"aria-label="My work,"#) && html.contains("New task"),
        "the counts are the person's own: {html}"
    );

    // The assignee changes its status, and nothing else.
    let (status, html) = w.get("viewer", &page).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<select id="s-status" name="status">"#)
            && html.contains(r#"<input type="hidden" name="revision" value="1">"#)
            && !html.contains(r#"id="t-title""#),
        "the assignee gets the status form, not the edit form: {html}"
    );
    let (status, _, _) = w
        .post("viewer", &page, &[("title", "Renamed"), ("revision", "1")])
        .await;
    assert_eq!(status, 403, "the assignee may not rewrite the task");
    let (status, _, html) = w
        .post("viewer", &page, &[("status", "done"), ("revision", "0")])
        .await;
    assert!(
        status == 409
            && html.contains("Someone else changed this task while you had it open")
            && html.contains(r#"<option value="done" selected>"#)
            && html.contains(r#"name="revision" value="1""#),
        "a stale form says so, keeps the choice and takes the current revision: {html}"
    );
    let (status, location, _) = w
        .post("viewer", &page, &[("status", "done"), ("revision", "1")])
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("{page}?done=status").as_str()))
    );
    let (_, html) = w.get("viewer", &format!("{page}?done=status")).await;
    assert!(
        html.contains(r#"<span class="badge ok">Done</span>"#)
            && !html.contains(r#"badge danger">overdue"#)
            && html.contains("The status was changed."),
        "{html}"
    );
    let (_, html) = w.get("viewer", "/my-work").await;
    assert!(
        !html.contains("Check the model card") && !html.contains(r#"aria-label="My work,"#),
        "a task done no longer waits: {html}"
    );

    // The editor may change everything.
    let (status, html) = w.get("editor", &page).await;
    assert!(status == 200 && html.contains(r#"id="t-title""#), "{html}");
    let (status, location, _) = w
        .post(
            "editor",
            &page,
            &[
                ("title", "Check the model card again"),
                ("description", ""),
                ("assignee", &viewer),
                ("due", ""),
                ("source_kind", ""),
                ("source_id", ""),
                ("revision", "2"),
            ],
        )
        .await;
    assert_eq!((status, redirected(location).1.as_str()), (303, "saved"));
    let task = w
        .server
        .app
        .task(&w.actor("editor").await, id)
        .await
        .unwrap()
        .task;
    assert_eq!(
        (task.facts.title.as_str(), task.facts.due, task.facts.source),
        ("Check the model card again", None, None)
    );

    // Comments: a refused one is kept; an added one is shown with its author's name.
    let comments = format!("{page}/comments");
    let (status, _, html) = w.post("viewer", &comments, &[("body", "  ")]).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains(r##"href="#c-body">Comment "##), "{html}");
    let (status, location, _) = w
        .post(
            "viewer",
            &comments,
            &[("body", "Checked: the card is current.")],
        )
        .await;
    assert_eq!(
        (status, redirected(location).1.as_str()),
        (303, "commented")
    );
    let (_, html) = w.get("editor", &page).await;
    let name = w
        .server
        .app
        .members(&w.actor("editor").await)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.user == w.users["viewer"])
        .unwrap()
        .display_name;
    assert!(
        html.contains("Checked: the card is current.")
            && html.contains(&format!("<strong>{name}</strong>")),
        "{html}"
    );
    assert_eq!(
        w.server.page(&comments, &w.cookies["viewer"]).await.0,
        303,
        "a GET on the comment form's address goes to the task"
    );

    // Another organisation learns nothing of it.
    assert_eq!(w.get("outsider", &page).await.0, 404);
    let (status, _, _) = w
        .post(
            "outsider",
            &page,
            &[("status", "cancelled"), ("revision", "3")],
        )
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = w.post("outsider", &comments, &[("body", "hello")]).await;
    assert_eq!(status, 404);
}
