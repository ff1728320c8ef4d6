//! The permission matrix's rows for the context and scope. Acme holds a draft of version 1
//! by its editor; Beta (the outsider's) has no context, so its steps and versions answer 404.

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
    const ANYONE: [u16; 7] = [200, 200, 200, 200, 200, 200, 401];
    const ACME_ONLY: [u16; 7] = [200, 200, 200, 200, 200, 404, 401];
    vec![
        case(M::GET, |_| "/api/v1/context".into(), None, ANYONE),
        case(
            M::PUT,
            |_| "/api/v1/context".into(),
            Some(|| json!({"scope_statement": "AI in lending and HR screening", "revision": 999})),
            // A revision neither organisation's context has: a conflict once let through.
            [409, 409, 409, 403, 403, 409, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/context/submission".into(),
            Some(|| json!({"version": 1})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        // Version 1 is a draft: an approver reaches the rule that it must be in review.
        case(
            M::POST,
            |_| "/api/v1/context/approval".into(),
            Some(|| json!({"version": 1, "comment": "Agreed"})),
            [409, 409, 403, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/context/return".into(),
            Some(|| json!({"version": 1, "comment": "Name the sites"})),
            [409, 409, 409, 403, 403, 404, 401],
        ),
        case(M::GET, |_| "/api/v1/context/versions".into(), None, ANYONE),
        case(
            M::GET,
            |_| "/api/v1/context/versions/1".into(),
            None,
            ACME_ONLY,
        ),
        case(
            M::GET,
            |_| "/api/v1/context/diff?from=1&to=1".into(),
            None,
            ACME_ONLY,
        ),
    ]
}
