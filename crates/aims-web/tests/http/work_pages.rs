//! Work routing through its pages: a task made for someone reaches their My work, the
//! navigation counts it and tells them; the assignee works it through the status form but may
//! not rewrite it; refused forms keep what was typed; comments; the overdue marked; the task
//! register's filters and pages; notifications marked read; the email preference; documents
//! waiting for approval; and nothing of another organisation.

use std::collections::HashMap;
use std::sync::Arc;

use aims_app::domain::inventory::SystemFacts;
use aims_app::domain::work::TaskFacts;
use aims_app::domain::{Actor, AiSystemId, TaskId, Timestamp, UserId};
use aims_app::{Client, FixedClock, SignIn};

use crate::support::{PASSWORD, Server};

mod journey;
mod lists;

/// A server whose clock stands still at 2027-01-15 08:00 UTC, an organisation of its own (so
/// that no other test's records show in its lists) with a member of each role that matters,
/// and an outsider who owns another organisation.
struct Work {
    server: Server,
    users: HashMap<&'static str, UserId>,
    cookies: HashMap<&'static str, String>,
    system: AiSystemId,
}

const PEOPLE: [(&str, &str); 5] = [
    ("owner", "owner@work.example"),
    ("admin", "admin@work.example"),
    ("editor", "editor@work.example"),
    ("viewer", "viewer@work.example"),
    ("outsider", "owner@elsewhere.example"),
];

/// The day before the clock's.
const YESTERDAY: &str = "2027-01-14";

async fn work() -> Work {
    let clock = Arc::new(FixedClock::new(Timestamp::from_micros(
        1_800_000_000_000_000,
    )));
    let (store, dir) = aims_store::testing::sqlite().await;
    let server = Server::with_clock(store, clock, Some(Box::new(dir)), 400).await;
    let org = server.app.admin_create_org("Work Ltd").await.unwrap().id;
    let elsewhere = server.app.admin_create_org("Elsewhere").await.unwrap().id;
    let mut users = HashMap::new();
    let mut cookies = HashMap::new();
    for (who, email) in PEOPLE {
        let (org, role) = match who {
            "outsider" => (elsewhere, "owner"),
            role => (org, role),
        };
        let user = server
            .app
            .admin_create_user(org, email, role, PASSWORD)
            .await
            .unwrap();
        users.insert(who, user.id);
        let signed_in = server
            .app
            .sign_in(SignIn {
                email: email.into(),
                password: PASSWORD.into(),
                client: Client::default(),
            })
            .await
            .unwrap();
        cookies.insert(who, format!("aims_session={}", signed_in.cookie.secret));
    }
    let mut w = Work {
        server,
        users,
        cookies,
        system: AiSystemId::new(),
    };
    w.system = w
        .server
        .app
        .create_ai_system(
            &w.actor("editor").await,
            SystemFacts::new("Loan scorer", "Scores applications for consumer loans"),
        )
        .await
        .unwrap()
        .id;
    w
}

impl Work {
    async fn get(&self, who: &str, path: &str) -> (u16, String) {
        self.server.page(path, &self.cookies[who]).await
    }

    async fn post(
        &self,
        who: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, Option<String>, String) {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.server.post_form(path, &self.cookies[who], body).await
    }

    /// The actor behind `who`'s browser session.
    async fn actor(&self, who: &str) -> Actor {
        let secret = self.cookies[who].trim_start_matches("aims_session=");
        self.server
            .app
            .session(secret)
            .await
            .unwrap()
            .actor
            .unwrap()
    }

    /// Creates a task as the editor, straight through the use case.
    async fn task(&self, title: &str, assignee: &str, due: Option<&str>) -> TaskId {
        let facts = TaskFacts {
            title: title.into(),
            assignee: Some(self.users[assignee]),
            due: due.map(|d| Timestamp::parse_rfc3339(&format!("{d}T00:00:00Z")).unwrap()),
            ..Default::default()
        };
        let editor = self.actor("editor").await;
        self.server
            .app
            .create_task(&editor, facts)
            .await
            .unwrap()
            .id
    }
}

/// The page a redirect leads to, and its notice's code.
fn redirected(location: Option<String>) -> (String, String) {
    let location = location.expect("a redirect");
    let (path, query) = location.split_once('?').unwrap_or((&location, ""));
    (
        path.to_owned(),
        query.trim_start_matches("done=").to_owned(),
    )
}

/// The part of `html` from the heading `title` to the end of its section.
fn section<'a>(html: &'a str, title: &str) -> &'a str {
    let start = html
        .find(title)
        .unwrap_or_else(|| panic!("no {title:?} in {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}
