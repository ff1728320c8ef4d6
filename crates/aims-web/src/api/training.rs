//! People's training, attestation, qualification and AI literacy records.

use aims_app::TrainingFilter;
use aims_app::domain::competence::{TrainingFacts, TrainingRecord};
use aims_app::domain::id::TrainingRecordId;
use aims_app::domain::{EvidenceId, Timestamp, UserId, ValidationError};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::form_values::{invalid, optional_id, require_revision};
use super::{Body, Id, Params, read_body};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A training record as written.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingForm {
    /// Whose record it is (a user id); the caller's own when left out.
    pub person: Option<String>,
    /// `training` (default), `attestation`, `qualification` or `ai_literacy`.
    pub kind: Option<String>,
    /// The course, attestation or qualification.
    pub title: String,
    /// The day it was completed (RFC 3339; the day counts).
    #[schema(value_type = String)]
    pub completed_on: Option<Timestamp>,
    /// The last day it counts, if it lapses (RFC 3339; the day counts).
    #[schema(value_type = Option<String>)]
    pub expires_on: Option<Timestamp>,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub notes: String,
    /// The id of a piece of evidence that shows it.
    pub evidence: Option<String>,
    /// The competences it gives.
    #[serde(default)]
    pub competences: Vec<String>,
    /// For a change: the revision it starts from.
    pub revision: Option<i64>,
}

impl TrainingForm {
    fn facts(self) -> Result<TrainingFacts, ValidationError> {
        let evidence = match self.evidence.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(t.parse::<EvidenceId>().map_err(|_| {
                ValidationError::new("evidence", format!("{t:?} is not an evidence id"))
            })?),
        };
        Ok(TrainingFacts {
            person: optional_id::<UserId>("person", self.person.as_deref())?,
            kind: self
                .kind
                .as_deref()
                .filter(|k| !k.trim().is_empty())
                .map(str::parse)
                .transpose()?,
            title: self.title,
            completed_on: self.completed_on,
            expires_on: self.expires_on,
            provider: self.provider,
            notes: self.notes,
            evidence,
            competences: self.competences,
        })
    }
}

/// A training record.
#[derive(Serialize, ToSchema)]
pub struct TrainingView {
    pub id: String,
    pub person: String,
    pub kind: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub completed_on: String,
    /// `YYYY-MM-DD`, the last day it counts.
    pub expires_on: Option<String>,
    /// `current`, `expires_soon` or `expired`.
    pub standing: String,
    pub provider: String,
    pub notes: String,
    pub evidence: Option<String>,
    pub competences: Vec<String>,
    pub recorded_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub revision: i64,
}

fn training_view(r: TrainingRecord, now: Timestamp) -> TrainingView {
    TrainingView {
        id: r.id.to_string(),
        person: r.person.to_string(),
        kind: r.facts.kind().as_str().into(),
        standing: r.standing(now).as_str().into(),
        title: r.facts.title,
        completed_on: r.facts.completed_on.map(|d| d.date()).unwrap_or_default(),
        expires_on: r.facts.expires_on.map(|d| d.date()),
        provider: r.facts.provider,
        notes: r.facts.notes,
        evidence: r.facts.evidence.map(|e| e.to_string()),
        competences: r.facts.competences,
        recorded_by: r.recorded_by,
        created_at: r.created_at.to_string(),
        updated_at: r.updated_at.to_string(),
        revision: r.revision,
    }
}

/// Which training records to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TrainingParams {
    /// Only this person's (a user id).
    pub person: Option<String>,
    /// `training`, `attestation`, `qualification` or `ai_literacy`.
    pub kind: Option<String>,
    /// `current`, `expires_soon` or `expired`.
    pub standing: Option<String>,
    /// 1 to 200 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// One page of training records.
#[derive(Serialize, ToSchema)]
pub struct TrainingPageView {
    pub records: Vec<TrainingView>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// Training records: the most recently completed first, or, filtered by standing
/// `expires_soon` or `expired`, the soonest expiry first.
#[utoipa::path(get, path = "/api/v1/training-records", tag = "competence", params(TrainingParams), responses(
    (status = 200, body = TrainingPageView), (status = 422, body = Problem),
))]
pub async fn list_training(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(p): Params<TrainingParams>,
) -> Result<Json<TrainingPageView>, ApiError> {
    let given = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    let filter = TrainingFilter {
        person: optional_id::<UserId>("person", p.person.as_deref()).map_err(invalid)?,
        kind: given(&p.kind)
            .map(|k| k.parse().map_err(invalid))
            .transpose()?,
        standing: given(&p.standing)
            .map(|s| s.parse().map_err(invalid))
            .transpose()?,
    };
    let (limit, offset) = super::form_values::page(p.limit, p.offset)?;
    let (records, total) = state
        .app
        .training_records(&actor, &filter, limit, offset)
        .await?;
    let now = state.app.now();
    Ok(Json(TrainingPageView {
        records: records.into_iter().map(|r| training_view(r, now)).collect(),
        total,
        limit,
        offset,
    }))
}

/// Records the caller's own training, attestation, qualification or AI literacy measure
/// (anyone in the organisation). Someone else's is recorded at
/// `/api/v1/people/{user}/training-records`.
#[utoipa::path(post, path = "/api/v1/training-records", tag = "competence", request_body = TrainingForm, responses(
    (status = 201, body = TrainingView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn create_training(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Body(form): Body<TrainingForm>,
) -> Result<(StatusCode, Json<TrainingView>), ApiError> {
    let mut facts = form.facts().map_err(invalid)?;
    match (facts.person, actor.user()) {
        (Some(person), Some(me)) if person != me => {
            return Err(invalid(ValidationError::new(
                "person",
                format!(
                    "this route records your own; record {person}'s at /api/v1/people/{person}/training-records"
                ),
            )));
        }
        _ => facts.person = actor.user(),
    }
    let record = state.app.record_training(&actor, facts).await?;
    Ok((
        StatusCode::CREATED,
        Json(training_view(record, state.app.now())),
    ))
}

/// Records a member's training, attestation, qualification or AI literacy measure (owner,
/// admin, editor); the permission is checked before the body is read.
#[utoipa::path(post, path = "/api/v1/people/{user_id}/training-records", tag = "competence",
    params(("user_id" = String, Path)), request_body = TrainingForm, responses(
    (status = 201, body = TrainingView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn create_training_for(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(user): Id<UserId>,
    Body(form): Body<TrainingForm>,
) -> Result<(StatusCode, Json<TrainingView>), ApiError> {
    let mut facts = form.facts().map_err(invalid)?;
    if facts.person.is_some_and(|p| p != user) {
        return Err(invalid(ValidationError::new(
            "person",
            "must be left out or name the person in the address",
        )));
    }
    facts.person = Some(user);
    let record = state.app.record_training(&actor, facts).await?;
    Ok((
        StatusCode::CREATED,
        Json(training_view(record, state.app.now())),
    ))
}

/// One training record.
#[utoipa::path(get, path = "/api/v1/training-records/{id}", tag = "competence", params(("id" = String, Path)), responses(
    (status = 200, body = TrainingView), (status = 404, body = Problem),
))]
pub async fn show_training(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<TrainingRecordId>,
) -> Result<Json<TrainingView>, ApiError> {
    let record = state.app.training_record(&actor, id).await?;
    Ok(Json(training_view(record, state.app.now())))
}

/// Changes a training record from `revision` (editors, and the person it is about); 409
/// when someone changed it meanwhile.
#[utoipa::path(put, path = "/api/v1/training-records/{id}", tag = "competence", params(("id" = String, Path)),
    request_body = TrainingForm, responses(
    (status = 200, body = TrainingView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn update_training(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<TrainingRecordId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<TrainingView>, ApiError> {
    // Who may change a record (editors, or its person) depends on the record: checked
    // before the body is read.
    state.app.authorize_training_work(&actor, id).await?;
    let form: TrainingForm = read_body(&headers, &body)?;
    let revision = require_revision(form.revision)?;
    let facts = form.facts().map_err(invalid)?;
    let record = state
        .app
        .update_training(&actor, id, revision, facts)
        .await?;
    Ok(Json(training_view(record, state.app.now())))
}

/// Removes a training record (editors, and the person it is about).
#[utoipa::path(delete, path = "/api/v1/training-records/{id}", tag = "competence", params(("id" = String, Path)), responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn delete_training(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<TrainingRecordId>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_training(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
