//! The audit trail.

use axum::Json;
use axum::extract::State;

use super::Params;
use super::views::{AuditEventView, AuditPageView, ChainReportView, SignedHeadView};
use crate::allowed::{Allowed, ReadAudit};
use crate::error::{ApiError, Problem};
use crate::queries::AuditParams;
use crate::state::WebState;

/// The organisation's audit events, newest first, filtered and cursor-paginated
/// (owner, admin, auditor).
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", params(AuditParams), responses(
    (status = 200, body = AuditPageView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ReadAudit>,
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
        previous_cursor: page.previous_cursor,
    }))
}

/// Walks the organisation's whole chain and reports the first event that does not verify.
#[utoipa::path(get, path = "/api/v1/audit-events/verify", tag = "audit", responses(
    (status = 200, body = ChainReportView), (status = 403, body = Problem),
))]
pub async fn verify(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ReadAudit>,
) -> Result<Json<ChainReportView>, ApiError> {
    Ok(Json(state.app.verify_my_chain(&actor).await?.into()))
}

/// The organisation's latest signed chain head, to hand to an auditor (owner, admin,
/// auditor). The background worker signs a head that moved within a minute.
#[utoipa::path(get, path = "/api/v1/audit-events/head", tag = "audit", responses(
    (status = 200, body = SignedHeadView), (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn head(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ReadAudit>,
) -> Result<Json<SignedHeadView>, ApiError> {
    let head = state.app.signed_head(&actor).await?;
    let public_key = state
        .app
        .trusted_audit_keys()
        .iter()
        .find(|k| k.id() == head.key_id)
        .map(ToString::to_string);
    Ok(Json(SignedHeadView {
        line: head.to_line(),
        seq: head.seq,
        head_hash: head.head.to_string(),
        signed_at: head.signed_at.to_string(),
        key_id: head.key_id,
        public_key,
    }))
}
