use aims_domain::work::{
    EmailPreference, Notification, NotificationKind, Source, SourceKind, Task, TaskComment,
    TaskFacts, TaskStatus,
};
use aims_domain::{NotificationId, Role, TaskCommentId, TaskId};
use aims_store::{Store, StoreError, TaskQuery};

use crate::{at, member, org};

fn task(title: &str, due: Option<i64>, status: TaskStatus) -> Task {
    Task {
        id: TaskId::new(),
        facts: TaskFacts {
            title: title.into(),
            due: due.map(at),
            status: Some(status),
            source: Some(Source {
                kind: SourceKind::Document,
                id: "doc-1".into(),
            }),
            ..Default::default()
        },
        origin_key: None,
        created_by: "ada".into(),
        created_at: at(0),
        updated_at: at(0),
        completed_at: None,
        revision: 1,
    }
}

pub async fn tasks_are_listed_soonest_due_first_revised_and_made_once_per_reason(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let ada = member(&store, acme, "ada@acme.example", Role::Editor).await;
    let mut tx = store.write().await.unwrap();
    let mut later = task("Later", Some(500), TaskStatus::Open);
    later.facts.assignee = Some(ada);
    let mut sooner = task("Sooner", Some(50), TaskStatus::InProgress);
    sooner.facts.assignee = Some(ada);
    let undated = task("Undated", None, TaskStatus::Open);
    let done = task("Done", Some(10), TaskStatus::Done);
    for t in [&later, &sooner, &undated, &done] {
        tx.insert_task(acme, t).await.unwrap();
    }
    // One reason makes one task, however often it is asked for.
    let mut made = task("Review", Some(5), TaskStatus::Open);
    made.origin_key = Some("document_review:doc-1:2027-01-01".into());
    assert!(tx.insert_task_once(acme, &made).await.unwrap());
    let again = Task {
        id: TaskId::new(),
        ..made.clone()
    };
    assert!(!tx.insert_task_once(acme, &again).await.unwrap());
    // The same reason in another organisation is another task.
    assert!(tx.insert_task_once(other, &again).await.unwrap());
    tx.commit().await.unwrap();

    let mut read = store.read().await.unwrap();
    let page = |q: TaskQuery| TaskQuery { limit: 10, ..q };
    let (all, total) = read.tasks(acme, &page(TaskQuery::default())).await.unwrap();
    let titles: Vec<&str> = all.iter().map(|t| t.facts.title.as_str()).collect();
    assert_eq!(total, 5);
    assert_eq!(titles, vec!["Review", "Done", "Sooner", "Later", "Undated"]);
    let (mine, n) = read
        .tasks(
            acme,
            &page(TaskQuery {
                assignee: Some(ada),
                open_only: true,
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!((n, mine[0].id), (2, sooner.id));
    let (overdue, n) = read
        .tasks(
            acme,
            &page(TaskQuery {
                overdue_at: Some(at(100)),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(n, 2, "open and past their day: {overdue:?}");
    assert_eq!(
        read.tasks(other, &page(TaskQuery::default()))
            .await
            .unwrap()
            .1,
        1
    );
    assert_eq!(read.task(acme, later.id).await.unwrap().unwrap(), later);
    assert!(read.task(other, later.id).await.unwrap().is_none());
    drop(read);

    let mut tx = store.write().await.unwrap();
    let mut changed = later.clone();
    changed.facts.status = Some(TaskStatus::Done);
    changed.completed_at = Some(at(7));
    changed.revision = 2;
    tx.save_task(acme, &changed).await.unwrap();
    assert!(matches!(
        tx.save_task(acme, &changed).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        tx.save_task(other, &changed).await,
        Err(StoreError::NotFound)
    ));
    let comment = TaskComment {
        id: TaskCommentId::new(),
        author: Some(ada),
        author_label: "ada@acme.example".into(),
        body: "Done, see the minutes".into(),
        created_at: at(8),
    };
    tx.insert_task_comment(acme, later.id, &comment)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut read = store.read().await.unwrap();
    assert_eq!(read.task(acme, later.id).await.unwrap().unwrap(), changed);
    assert_eq!(
        read.task_comments(acme, later.id).await.unwrap(),
        vec![comment]
    );
    assert!(
        read.task_comments(other, later.id)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn notifications_are_a_persons_own_and_read_once(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let ada = member(&store, acme, "ada@acme.example", Role::Editor).await;
    let bob = member(&store, acme, "bob@acme.example", Role::Viewer).await;
    let notice = |user, minute: i64| Notification {
        id: NotificationId::new(),
        user,
        kind: NotificationKind::Assigned,
        title: format!("Task {minute}"),
        link: "/tasks/x".into(),
        created_at: at(minute * 60),
        read_at: None,
    };
    let list = vec![notice(ada, 1), notice(ada, 2), notice(bob, 3)];
    let mut tx = store.write().await.unwrap();
    tx.insert_notifications(acme, &list).await.unwrap();
    tx.commit().await.unwrap();
    let mut read = store.read().await.unwrap();
    let (mine, unread) = read.notifications(acme, ada, 10).await.unwrap();
    assert_eq!(unread, 2);
    assert_eq!(
        mine.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(),
        ["Task 2", "Task 1"]
    );
    assert_eq!(read.notifications(other, ada, 10).await.unwrap().1, 0);
    drop(read);

    let mut tx = store.write().await.unwrap();
    // Someone else's notification is not marked by another person's request.
    assert_eq!(
        tx.mark_notifications_read(acme, ada, Some(list[2].id), at(500))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        tx.mark_notifications_read(acme, ada, Some(list[0].id), at(500))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        tx.mark_notifications_read(acme, ada, None, at(501))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        tx.mark_notifications_read(acme, ada, None, at(502))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        tx.email_preference(acme, ada).await.unwrap(),
        EmailPreference::Each
    );
    tx.set_email_preference(acme, ada, EmailPreference::Digest, at(503))
        .await
        .unwrap();
    tx.set_email_preference(acme, ada, EmailPreference::Off, at(504))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut read = store.read().await.unwrap();
    assert_eq!(read.unread_notifications(acme, ada).await.unwrap(), 0);
    assert_eq!(read.unread_notifications(acme, bob).await.unwrap(), 1);
    assert_eq!(
        read.email_preference(acme, ada).await.unwrap(),
        EmailPreference::Off
    );
    assert_eq!(
        read.email_preference(other, ada).await.unwrap(),
        EmailPreference::Each
    );
}
