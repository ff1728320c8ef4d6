//! The permission matrix's rows for objectives and metrics.

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

/// Rows as in [`super::cases`]. The metric is owned by Acme's viewer, who may record its
/// values though not change it.
pub fn cases() -> Vec<Case> {
    use Method as M;
    const READ: [u16; 7] = [200, 200, 200, 200, 200, 404, 401];
    const LIST: [u16; 7] = [200, 200, 200, 200, 200, 200, 401];
    vec![
        case(M::GET, |_| "/api/v1/metrics".into(), None, LIST),
        case(
            M::POST,
            |_| "/api/v1/metrics".into(),
            Some(|| json!({"name": "Incidents closed in time", "unit": "%", "target": 90})),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/metrics/{}", o.metric),
            None,
            READ,
        ),
        case(
            M::PUT,
            |o| format!("/api/v1/metrics/{}", o.metric),
            Some(|| json!({"name": "Staff trained", "unit": "%", "revision": 1})),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/metrics/{}", o.metric),
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/metrics/{}/measurements?limit=5", o.metric),
            None,
            READ,
        ),
        case(
            M::POST,
            |o| format!("/api/v1/metrics/{}/measurements", o.metric),
            Some(|| json!({"value": 82.5, "note": "monthly count"})),
            [201, 201, 201, 403, 201, 404, 401],
        ),
        case(
            M::DELETE,
            |o| {
                format!(
                    "/api/v1/metrics/{}/measurements/{}",
                    o.metric, o.measurement
                )
            },
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
        case(
            M::POST,
            |o| format!("/api/v1/metrics/{}/measure", o.metric),
            None,
            [422, 422, 422, 403, 403, 404, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/metrics/{}/trend", o.metric),
            None,
            READ,
        ),
        case(M::GET, |_| "/api/v1/objectives".into(), None, LIST),
        case(
            M::POST,
            |_| "/api/v1/objectives".into(),
            Some(
                || json!({"statement": "Close incidents in time", "measure": "Share closed within 30 days"}),
            ),
            [201, 201, 201, 403, 403, 201, 401],
        ),
        case(
            M::GET,
            |o| format!("/api/v1/objectives/{}", o.objective),
            None,
            READ,
        ),
        case(
            M::PUT,
            |o| format!("/api/v1/objectives/{}", o.objective),
            Some(
                || json!({"statement": "Everyone trained", "measure": "Share trained", "revision": 1}),
            ),
            [200, 200, 200, 403, 403, 404, 401],
        ),
        case(
            M::DELETE,
            |o| format!("/api/v1/objectives/{}", o.objective),
            None,
            [204, 204, 204, 403, 403, 404, 401],
        ),
    ]
}
