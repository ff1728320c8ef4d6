//! AI objectives.

use aims_app::domain::measurement::{Objective, ObjectiveFacts, ObjectiveStatus};
use aims_app::domain::{DocumentId, MetricId, ObjectiveId, Timestamp, UserId, ValidationError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::form_values::{choice_or, invalid, optional_id, require_revision};
use super::{Body, Id};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// An objective as written.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveForm {
    /// What is to be achieved, in a sentence.
    pub statement: String,
    /// The AI policy commitment it carries out.
    #[serde(default)]
    pub commitment: String,
    /// The id of the AI policy (or other document) that makes the commitment.
    pub policy: Option<String>,
    /// The id of the metric that measures it.
    pub metric: Option<String>,
    /// How progress is measured; needed when no metric is given.
    #[serde(default)]
    pub measure: String,
    /// The result that counts as achieved.
    #[serde(default)]
    pub target: String,
    /// The day it is due by (RFC 3339).
    #[schema(value_type = Option<String>)]
    pub deadline: Option<Timestamp>,
    /// The owner's user id.
    pub owner: Option<String>,
    #[serde(default)]
    pub resources: String,
    /// How, when and by whom results are evaluated.
    #[serde(default)]
    pub evaluation: String,
    /// `planned` (default), `on_track`, `at_risk`, `achieved`, `missed` or `withdrawn`.
    pub status: Option<String>,
    /// For a change: the revision it starts from.
    pub revision: Option<i64>,
}

impl ObjectiveForm {
    fn facts(self) -> Result<ObjectiveFacts, ValidationError> {
        Ok(ObjectiveFacts {
            policy: optional_id::<DocumentId>("policy", self.policy.as_deref())?,
            metric: optional_id::<MetricId>("metric", self.metric.as_deref())?,
            owner: optional_id::<UserId>("owner", self.owner.as_deref())?,
            status: choice_or(self.status.as_deref(), ObjectiveStatus::Planned)?,
            statement: self.statement,
            commitment: self.commitment,
            measure: self.measure,
            target: self.target,
            deadline: self.deadline,
            resources: self.resources,
            evaluation: self.evaluation,
        })
    }
}

/// An objective.
#[derive(Serialize, ToSchema)]
pub struct ObjectiveView {
    pub id: String,
    pub statement: String,
    pub commitment: String,
    pub policy: Option<String>,
    pub metric: Option<String>,
    pub measure: String,
    pub target: String,
    pub deadline: Option<String>,
    /// Whether it is still open after its deadline.
    pub overdue: bool,
    pub owner: Option<String>,
    pub resources: String,
    pub evaluation: String,
    pub status: String,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
}

fn view(o: &Objective, now: Timestamp) -> ObjectiveView {
    let f = &o.facts;
    ObjectiveView {
        id: o.id.to_string(),
        statement: f.statement.clone(),
        commitment: f.commitment.clone(),
        policy: f.policy.map(|d| d.to_string()),
        metric: f.metric.map(|m| m.to_string()),
        measure: f.measure.clone(),
        target: f.target.clone(),
        deadline: f.deadline.map(|d| d.to_string()),
        overdue: o.overdue(now),
        owner: f.owner.map(|u| u.to_string()),
        resources: f.resources.clone(),
        evaluation: f.evaluation.clone(),
        status: f.status.as_str().into(),
        revision: o.revision,
        created_at: o.created_at.to_string(),
        updated_at: o.updated_at.to_string(),
    }
}

/// The objectives.
#[derive(Serialize, ToSchema)]
pub struct ObjectiveListView {
    pub objectives: Vec<ObjectiveView>,
}

/// The organisation's objectives, the nearest deadline first.
#[utoipa::path(get, path = "/api/v1/objectives", tag = "objectives", responses(
    (status = 200, body = ObjectiveListView),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<ObjectiveListView>, ApiError> {
    let list = state.app.objectives(&actor).await?;
    let now = state.app.now();
    Ok(Json(ObjectiveListView {
        objectives: list.iter().map(|o| view(o, now)).collect(),
    }))
}

/// Sets an objective (owner, admin, editor); its owner is told.
#[utoipa::path(post, path = "/api/v1/objectives", tag = "objectives", request_body = ObjectiveForm, responses(
    (status = 201, body = ObjectiveView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn create(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<ObjectiveForm>,
) -> Result<(StatusCode, Json<ObjectiveView>), ApiError> {
    let facts = form.facts().map_err(invalid)?;
    let o = state.app.create_objective(&actor, facts).await?;
    Ok((StatusCode::CREATED, Json(view(&o, state.app.now()))))
}

/// One objective.
#[utoipa::path(get, path = "/api/v1/objectives/{id}", tag = "objectives", params(("id" = String, Path)), responses(
    (status = 200, body = ObjectiveView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<ObjectiveId>,
) -> Result<Json<ObjectiveView>, ApiError> {
    let o = state.app.objective(&actor, id).await?;
    Ok(Json(view(&o, state.app.now())))
}

/// Changes an objective from `revision` (owner, admin, editor); 409 when someone changed it
/// meanwhile.
#[utoipa::path(put, path = "/api/v1/objectives/{id}", tag = "objectives", params(("id" = String, Path)),
    request_body = ObjectiveForm, responses(
    (status = 200, body = ObjectiveView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn update(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<ObjectiveId>,
    Body(form): Body<ObjectiveForm>,
) -> Result<Json<ObjectiveView>, ApiError> {
    let revision = require_revision(form.revision)?;
    let facts = form.facts().map_err(invalid)?;
    let o = state
        .app
        .update_objective(&actor, id, revision, facts)
        .await?;
    Ok(Json(view(&o, state.app.now())))
}

/// Deletes an objective (owner, admin, editor).
#[utoipa::path(delete, path = "/api/v1/objectives/{id}", tag = "objectives", params(("id" = String, Path)), responses(
    (status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn delete(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<ObjectiveId>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_objective(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
