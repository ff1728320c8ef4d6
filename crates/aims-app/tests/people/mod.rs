//! The people and the audit trail the use-case tests share: a person in a role, and the
//! events an organisation's trail holds.

// Each test crate that includes this module uses some of it.
#![allow(dead_code)]

use aims_app::domain::audit::AuditEvent;
use aims_app::domain::{Actor, ActorKind, OrgId, Timestamp, UserId};
use aims_app::{App, AuditQuery};

/// The password every test person signs up with.
pub const PASSWORD: &str = "correct horse battery staple";

/// The fixed time the tests' clocks start at.
pub const START: Timestamp = Timestamp::from_micros(1_800_000_000_000_000);

/// A new member of `org` named `name` in `role`, as the actor they act as.
pub async fn person(app: &App, org: OrgId, name: &str, role: &str) -> Actor {
    let email = format!("{name}@acme.example");
    let user = app
        .admin_create_user(org, &email, role, PASSWORD)
        .await
        .unwrap();
    Actor {
        kind: ActorKind::User(user.id),
        org,
        role: role.parse().unwrap(),
        label: email,
    }
}

/// The person behind `actor`.
pub fn id(actor: &Actor) -> UserId {
    actor.user().unwrap()
}

/// The whole trail of the reader's organisation, oldest first.
pub async fn trail(app: &App, reader: &Actor) -> Vec<AuditEvent> {
    let query = AuditQuery {
        limit: 200,
        ..Default::default()
    };
    let mut events = app.audit_events(reader, query, None).await.unwrap().events;
    assert!(events.len() < 200, "the trail outgrew one page");
    events.reverse();
    events
}

/// The actions of `events`, in order.
pub fn actions(events: &[AuditEvent]) -> Vec<&str> {
    events.iter().map(|e| e.action.as_str()).collect()
}

/// What an event recorded of its change.
pub fn details(event: &AuditEvent) -> serde_json::Value {
    serde_json::from_str(&event.change).unwrap()
}
