//! The permission matrix: every API route with the status each caller must get.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Orgs, PASSWORD};

mod context;
mod management_system;
mod measurement;

/// Who calls, in the order of the expected statuses below.
pub const CALLERS: [&str; 7] = [
    "owner",
    "admin",
    "editor",
    "auditor",
    "viewer",
    "outsider",
    "anonymous",
];

pub struct Case {
    pub method: Method,
    pub path: fn(&Orgs) -> String,
    pub body: Option<fn() -> Value>,
    /// Statuses for owner, admin, editor, auditor, viewer, outsider, anonymous.
    pub expect: [u16; 7],
}

/// Every route with the status each caller must get. Every caller here holds an API token:
/// the routes that manage one's own account (password, sessions, new tokens) refuse tokens
/// with 403, and `sessions.rs` checks that they work for a person signed in.
pub fn cases() -> Vec<Case> {
    use Method as M;
    let case = |method: Method,
                path: fn(&Orgs) -> String,
                body: Option<fn() -> Value>,
                expect: [u16; 7]| Case {
        method,
        path,
        body,
        expect,
    };
    vec![
        case(
            M::GET,
            |_| "/api/v1/me".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            |_| "/api/v1/me/password".into(),
            Some(
                || json!({"current_password": PASSWORD, "new_password": "a brand new long password"}),
            ),
            [403, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/orgs".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/org".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PATCH,
            |_| "/api/v1/org".into(),
            Some(|| json!({"name": "Renamed"})),
            [200, 200, 403, 403, 403, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/members".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PATCH,
            |o| format!("/api/v1/members/{}", o.victim),
            Some(|| json!({"role": "viewer"})),
            [204, 204, 403, 403, 403, 404, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/members/{}", o.victim),
            None,
            [204, 204, 403, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/invitations".into(),
            None,
            [200, 200, 403, 403, 403, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/invitations".into(),
            Some(|| json!({"email": "someone@example.org", "role": "viewer"})),
            [201, 201, 403, 403, 403, 201, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/invitations/{}", o.invitation),
            None,
            [204, 204, 403, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/tokens".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/tokens".into(),
            Some(|| json!({"name": "ci", "role": "viewer", "expires_in_days": 30})),
            [403, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/tokens/{}", o.owner_token),
            None,
            [204, 204, 404, 404, 404, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/sessions".into(),
            None,
            [403, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/sessions/{}", o.owner_session),
            None,
            [403, 403, 403, 403, 403, 403, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/audit-events".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/audit-events/head".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/audit-events/verify".into(),
            None,
            [200, 200, 403, 200, 403, 200, 401],
        ),
        case(
            M::GET,
            |_| "/metrics".into(),
            None,
            [200, 200, 403, 403, 403, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/frameworks".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/frameworks/search?q=event+logs".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/frameworks/iso-iec-42001".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/frameworks/iso-iec-42001/items/A.6.2.4?hops=2".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        // Only Acme has a text for A.2.2: the outsider's organisation has none.
        case(
            M::GET,
            |_| "/api/v1/frameworks/iso-iec-42001/items/A.2.2/text".into(),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::PUT,
            |_| "/api/v1/frameworks/iso-iec-42001/items/A.2.2/text".into(),
            Some(|| json!({"text": "Licensed wording."})),
            [200, 200, 200, 403, 403, 200, 401],
        ),
        case(
            M::DELETE,
            |_| "/api/v1/frameworks/iso-iec-42001/items/A.2.2/text".into(),
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/frameworks/iso-iec-42001/texts".into(),
            Some(|| json!({"csv": "id,text\nA.2.3,Licensed wording.\n"})),
            [200, 200, 200, 403, 403, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/frameworks/imports".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/frameworks/imports".into(),
            Some(|| {
                json!({"file_name": "board.csv", "id": "board-rules", "title": "Board rules",
                       "document": "id,title,description\nB1,Quorum,Two members must agree on every launch\n"})
            }),
            [201, 201, 403, 403, 403, 201, 401],
        ),
        // Only Acme imported its policy.
        case(
            M::DELETE,
            |_| "/api/v1/frameworks/imports/acme-ai-policy@1".into(),
            None,
            [204, 204, 403, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/frameworks/compare?old=owasp-llm-top10&new=owasp-llm-top10".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/systems?sort=-updated&limit=10".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/systems".into(),
            Some(|| json!({"name": "Fraud detector", "purpose": "Flags unusual payments"})),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/systems/{}", o.system),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::PUT,
            |o| format!("/api/v1/systems/{}", o.system),
            Some(|| json!({"name": "Loan scorer", "purpose": "Scores SME loans", "revision": 1})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/systems/{}", o.system),
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/systems/{}/components", o.system),
            Some(|| json!({"kind": "dataset", "name": "Loan book 2015-2024"})),
            [201, 201, 201, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/eu-ai-act/questions".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/systems/{}/classification", o.system),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/systems/{}/classification", o.system),
            Some(|| json!({"roles": ["provider"], "interacts_with_people": true})),
            [201, 201, 201, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/systems/{}/ml-bom", o.system),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/systems/{}/ml-bom", o.system),
            Some(|| {
                json!({"bomFormat": "CycloneDX", "specVersion": "1.6",
                       "components": [{"type": "machine-learning-model", "name": "ranker"}]})
            }),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/systems/{}/impact-assessments", o.system),
            Some(|| json!({"title": "Second look", "scope": "Consumer loans"})),
            [201, 201, 201, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/impact-assessments/{}", o.assessment),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::PUT,
            |o| format!("/api/v1/impact-assessments/{}", o.assessment),
            Some(
                || json!({"version": 1, "content": {"title": "Loan scorer 2026", "scope": "All loans"}}),
            ),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/impact-assessments/{}/approval", o.assessment),
            Some(|| json!({"version": 1})),
            [200, 200, 403, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |o| {
                format!(
                    "/api/v1/impact-assessments/{}/diff?from=1&to=1",
                    o.assessment
                )
            },
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/soa".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            |_| "/api/v1/controls/A.2.2/implementation".into(),
            Some(
                || json!({"decision": "include", "status": "planned", "justification": "Policy is due"}),
            ),
            [204, 204, 204, 403, 403, 204, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/controls".into(),
            Some(|| json!({"title": "Model registry review"})),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/soa/versions".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/soa/versions".into(),
            None,
            [201, 201, 201, 403, 403, 201, 401],
        ),
        // Acme has version 1 (from the support data); the outsider's organisation has none.
        case(
            M::POST,
            |_| "/api/v1/soa/versions/1/approval".into(),
            None,
            [204, 204, 403, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/soa/diff?from=1&to=1".into(),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/soa/export.csv?version=1".into(),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/soa/export.xlsx".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/risk-method".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::PUT,
            |_| "/api/v1/risk-method".into(),
            Some(|| {
                serde_json::to_value(aims_app::domain::risk::RiskMethod::default_five_by_five())
                    .unwrap()
            }),
            [200, 200, 403, 403, 403, 200, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/risks?sort=-level&open=true".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/risks".into(),
            Some(
                || json!({"title": "Prompt injection", "inherent_likelihood": 4, "inherent_impact": 3}),
            ),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/risks/heat-map".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/risks/{}", o.risk),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::PUT,
            |o| format!("/api/v1/risks/{}", o.risk),
            Some(
                || json!({"title": "Unfair refusals", "inherent_likelihood": 3, "inherent_impact": 3, "revision": 1}),
            ),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/risks/{}", o.risk),
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
        // Only the risk's owner (Acme's owner) may sign off its acceptance.
        case(
            M::POST,
            |o| format!("/api/v1/risks/{}/acceptance", o.risk),
            Some(|| json!({"note": "Residual level is within appetite"})),
            [200, 422, 422, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |_| "/api/v1/readiness".into(),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/evidence?kind=system&id={}", o.system),
            None,
            [200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/evidence".into(),
            Some(|| {
                json!({"title": "Policy", "link": "https://example.org/policy",
                       "targets": [{"kind": "control", "id": "A.2.2"}]})
            }),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/evidence/{}", o.evidence),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/evidence/{}/file", o.evidence),
            None,
            [404, 404, 404, 404, 404, 404, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/evidence/{}", o.evidence),
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |_| "/api/v1/evidence/files".into(),
            None,
            [400, 400, 400, 403, 403, 400, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/systems/{}/redteam-runs", o.system),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/systems/{}/redteam-runs", o.system),
            None,
            [400, 400, 400, 403, 403, 400, 401],
        ),
        case(
            // No run exists: an id that is not one answers 404 to members, 401 to nobody.
            M::GET,
            |o| format!("/api/v1/redteam-runs/{}", o.system),
            None,
            [404, 404, 404, 404, 404, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/systems/{}/redteam-jobs", o.system),
            Some(
                || json!({"config": "name: check\ntarget: {kind: lab}\nprobes: {include: [encoding.*]}\n"}),
            ),
            [202, 202, 403, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/systems/{}/redteam-jobs", o.system),
            None,
            [200, 200, 200, 200, 200, 404, 401],
        ),
        case(
            M::POST,
            // A system's id is no job's: owners and admins get 404 after the role check.
            |o| format!("/api/v1/redteam-jobs/{}/cancel", o.system),
            None,
            [404, 404, 403, 403, 403, 404, 401],
        ),
        case(
            M::PUT,
            |o| format!("/api/v1/components/{}", o.component),
            Some(|| json!({"name": "gradient-boosted trees", "version": "2"})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/components/{}", o.component),
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
    ]
    .into_iter()
    .chain(management_system::cases())
    .chain(measurement::cases())
    .chain(context::cases())
    .collect()
}
