//! Query strings that the API and the pages both accept: one type for both, so that they read
//! a filter the same way.

use serde::Deserialize;
use utoipa::IntoParams;

/// Filters and paging of the audit trail.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only events about objects of this type (`member`, `token`, ...).
    pub object_type: Option<String>,
    /// Only events about this object.
    pub object_id: Option<String>,
    /// Only events caused by this user or token id.
    pub actor_id: Option<String>,
    /// Only events at or after this instant (RFC 3339), or from the start of this day (`2026-11-28`, UTC).
    pub from: Option<String>,
    /// Only events before this instant (RFC 3339), or before the start of this day (UTC).
    pub to: Option<String>,
    /// The `next_cursor` of the page before (older events) or its `previous_cursor` (newer).
    pub cursor: Option<String>,
    /// Events per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

impl AuditParams {
    /// The store query these parameters ask for; names the parameter at fault.
    pub fn to_query(&self) -> Result<aims_app::AuditQuery, aims_app::AppError> {
        let instant = |field: &'static str, text: &Option<String>| {
            text.as_deref()
                .filter(|t| !t.trim().is_empty())
                .map(|t| {
                    // A day alone (as a date picker sends it) is the start of that day, UTC.
                    let t = t.trim();
                    let full = match t.len() {
                        10 => format!("{t}T00:00:00Z"),
                        _ => t.to_owned(),
                    };
                    aims_app::domain::Timestamp::parse_rfc3339(&full).map_err(|_| {
                        aims_app::domain::ValidationError::new(
                            field,
                            "must be a date such as 2026-11-28 or an RFC 3339 date-time such as 2026-11-28T09:00:00Z",
                        )
                    })
                })
                .transpose()
        };
        let text = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok(aims_app::AuditQuery {
            object_type: text(&self.object_type),
            object_id: text(&self.object_id),
            actor_id: text(&self.actor_id),
            from: instant("from", &self.from)?,
            to: instant("to", &self.to)?,
            before_seq: None,
            after_seq: None,
            limit: self.limit.unwrap_or(50),
        })
    }
}
