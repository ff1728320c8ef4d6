//! The audit trail.

use axum::Json;
use axum::extract::State;

use super::Params;
use super::views::{AuditEventView, AuditPageView, AuditParams, ChainReportView};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// The organisation's audit events, newest first, filtered and cursor-paginated
/// (owner, admin, auditor).
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", params(AuditParams), responses(
    (status = 200, body = AuditPageView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<AuditParams>,
) -> Result<Json<AuditPageView>, ApiError> {
    let query = params.to_query()?;
    let page = state
        .app
        .audit_events(&actor, query, params.cursor.as_deref())
        .await?;
    Ok(Json(AuditPageView {
        events: page.events.into_iter().map(AuditEventView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Walks the organisation's whole chain and reports the first event that does not verify.
#[utoipa::path(get, path = "/api/v1/audit-events/verify", tag = "audit", responses(
    (status = 200, body = ChainReportView), (status = 403, body = Problem),
))]
pub async fn verify(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<ChainReportView>, ApiError> {
    Ok(Json(state.app.verify_my_chain(&actor).await?.into()))
}
