//! The permission matrix's rows for the management system's own records: documents and
//! their lifecycle, tasks, "my work" and notifications, roles and training records.

use reqwest::Method;
use serde_json::{Value, json};

use super::Case;
use crate::support::Orgs;

fn case(
    method: Method,
    path: fn(&Orgs) -> String,
    body: Option<fn() -> Value>,
    expect: [u16; 7],
) -> Case {
    Case {
        method,
        path,
        body,
        expect,
    }
}

/// Rows as in [`super::cases`].
pub fn cases() -> Vec<Case> {
    use Method as M;
    vec![
        case(
            M::GET,
            |_| "/api/v1/documents?status=approved&limit=5".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/documents".into(),
            Some(|| json!({"kind": "policy", "title": "Acceptable use of AI"})),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/documents/{}", o.policy),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::PUT,
            |o| format!("/api/v1/documents/{}", o.policy),
            Some(
                || json!({"kind": "policy", "title": "AI policy", "body": "Revised.", "version": 1, "revision": 999}),
            ),
            // A revision the policy never had: the conflict shows the change was let through.
            [409, 409, 409, 403, 403, 404, 401],
        ),
        // The file parts are missing: refused when they are read, after the permission.
        case(
            M::PUT,
            |o| format!("/api/v1/documents/{}/attachment", o.policy),
            None,
            [400, 400, 400, 403, 403, 400, 401],
        ),
        // Started from a revision the document never had: a conflict, once it is found.
        case(
            M::DELETE,
            |o| {
                format!(
                    "/api/v1/documents/{}/attachment?version=1&revision=999",
                    o.policy
                )
            },
            None,
            [409, 409, 409, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/documents/{}/versions/1/attachment", o.policy),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/documents/{}/submission", o.draft_document),
            Some(|| json!({"version": 1})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/documents/{}/return", o.review_document),
            Some(|| json!({"version": 1, "comment": "Name the risk criteria"})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/documents/{}/approval", o.review_document),
            Some(|| json!({"version": 1, "comment": "Approved"})),
            [200, 200, 403, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/documents/{}/retirement", o.policy),
            Some(|| json!({"reason": "Replaced"})),
            [200, 200, 403, 403, 403, 404, 401],
        ),
        // A person confirms reading; a token never does.
        case(
            M::POST,
            |o| format!("/api/v1/documents/{}/acknowledgement", o.policy),
            Some(|| json!({"version": 1})),
            [403, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/documents/{}/diff?from=1&to=1", o.policy),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/document-templates".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/document-templates/use".into(),
            Some(|| json!({"template": "ai-policy"})),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/document-approvers".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            |_| "/api/v1/document-approvers".into(),
            Some(|| json!({"roles": ["owner", "editor"]})),
            [200, 200, 403, 403, 403, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/tasks?open=true".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/tasks".into(),
            Some(|| json!({"title": "Check the model card"})),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/tasks/{}", o.task),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        // The task is no one's: only editors may change it (an assignee works their own,
        // which the use-case and page tests check).
        case(
            M::PUT,
            |o| format!("/api/v1/tasks/{}", o.task),
            Some(|| json!({"title": "Read the AI policy", "status": "done", "revision": 1})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/tasks/{}/comments", o.task),
            Some(|| json!({"body": "On it"})),
            [204, 204, 204, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/my-work".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/notifications".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/notifications/read".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/notifications/0192f0a0-0000-7000-8000-000000000001/read".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/notifications/email".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // A person's own setting: never through a token.
        case(
            M::PUT,
            |_| "/api/v1/notifications/email".into(),
            Some(|| json!({"email": "digest"})),
            [403, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/aims-roles".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/aims-roles".into(),
            Some(|| json!({"name": "Data steward", "competences": ["Data quality"]})),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/aims-roles/{}", o.aims_role),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::PUT,
            |o| format!("/api/v1/aims-roles/{}", o.aims_role),
            Some(|| json!({"name": "Risk owners", "revision": 1})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/aims-roles/{}", o.aims_role),
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/training-records?standing=current".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // No person named: one's own, which anyone may record.
        case(
            M::POST,
            |_| "/api/v1/training-records".into(),
            Some(|| {
                json!({"kind": "ai_literacy", "title": "AI literacy basics",
                       "completed_on": "2026-01-15T00:00:00Z"})
            }),
            [201, 201, 201, 201, 201, 201, 401],
        ),
        // Someone else's: editors only.
        case(
            M::POST,
            |_| "/api/v1/training-records".into(),
            Some(|| {
                json!({"person": "0192f0a0-0000-7000-8000-000000000001", "title": "Course",
                       "completed_on": "2026-01-15T00:00:00Z"})
            }),
            // This route records one's own: someone else's is refused whoever asks.
            [422, 422, 422, 422, 422, 422, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/people/{}/training-records", o.victim),
            Some(|| {
                json!({"kind": "training", "title": "Model risk course",
                       "completed_on": "2026-01-15T00:00:00Z"})
            }),
            [201, 201, 201, 403, 403, 422, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/training-records/{}", o.training),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        // The editor's own record: the editor, and editors generally, may change it.
        case(
            M::PUT,
            |o| format!("/api/v1/training-records/{}", o.training),
            Some(|| {
                json!({"kind": "ai_literacy", "title": "AI literacy, part 1",
                       "completed_on": "2026-01-15T00:00:00Z", "revision": 1})
            }),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/training-records/{}", o.training),
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/competence".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/nonconformities?status=open&older_than_days=0".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/nonconformities".into(),
            Some(|| json!({"title": "Model card out of date", "grade": "minor"})),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/nonconformities/{}", o.nonconformity),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        // A revision the nonconformity never had: the conflict shows the change was let through.
        case(
            M::PUT,
            |o| format!("/api/v1/nonconformities/{}", o.nonconformity),
            Some(|| json!({"title": "Impact assessment not repeated", "revision": 999})),
            [409, 409, 409, 403, 403, 404, 401],
        ),
        // No assignee: the rule is reached once the caller may add actions.
        case(
            M::POST,
            |o| format!("/api/v1/nonconformities/{}/actions", o.nonconformity),
            Some(|| json!({"title": "Add a reassessment trigger"})),
            [422, 422, 422, 403, 403, 422, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/nonconformities/{}/verification", o.nonconformity),
            Some(|| json!({"effective": false, "note": "Recurred", "revision": 999})),
            [409, 409, 409, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/nonconformities/{}/withdrawal", o.nonconformity),
            Some(|| json!({"reason": "Raised twice", "revision": 999})),
            [409, 409, 409, 403, 403, 404, 401],
        ),
    ]
}
