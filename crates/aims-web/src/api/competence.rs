//! Roles of the management system, people's training records, and the competence report.

use aims_app::domain::competence::{
    AimsRole, AimsRoleFacts, LiteracyCount, TrainingFacts, TrainingRecord,
};
use aims_app::domain::id::{AimsRoleId, TrainingRecordId};
use aims_app::domain::{EvidenceId, Timestamp, UserId, ValidationError};
use aims_app::{AppError, TrainingFilter};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Body, Id, Params, read_body};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

fn invalid(err: ValidationError) -> ApiError {
    AppError::Invalid(err).into()
}

/// A user id given as text, naming `field` when it is not one; blank is none.
fn person(field: &'static str, text: Option<&str>) -> Result<Option<UserId>, ValidationError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| ValidationError::new(field, format!("{t:?} is not a user id"))),
    }
}

fn require_revision(revision: Option<i64>) -> Result<i64, ApiError> {
    revision.ok_or_else(|| {
        invalid(ValidationError::new(
            "revision",
            "give the revision the change starts from",
        ))
    })
}

/// A role as written.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AimsRoleForm {
    pub name: String,
    /// What the role answers for, in Markdown.
    #[serde(default)]
    pub responsibilities: String,
    /// What a holder must know or be able to do, each a short phrase.
    #[serde(default)]
    pub competences: Vec<String>,
    /// The user ids of the members who hold it.
    #[serde(default)]
    pub holders: Vec<String>,
    /// Clauses and controls it serves, as `framework:item` (`iso-iec-42001:A.3.2`).
    #[serde(default)]
    pub references: Vec<String>,
    /// For a change: the revision it starts from.
    pub revision: Option<i64>,
}

impl AimsRoleForm {
    fn facts(self) -> Result<AimsRoleFacts, ValidationError> {
        let holders = self
            .holders
            .iter()
            .map(|h| person("holders", Some(h)))
            .filter_map(Result::transpose)
            .collect::<Result<_, _>>()?;
        Ok(AimsRoleFacts {
            name: self.name,
            responsibilities: self.responsibilities,
            competences: self.competences,
            holders,
            references: self.references,
        })
    }
}

/// A role of the management system.
#[derive(Serialize, ToSchema)]
pub struct AimsRoleView {
    pub id: String,
    pub name: String,
    pub responsibilities: String,
    pub competences: Vec<String>,
    pub holders: Vec<String>,
    pub references: Vec<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub revision: i64,
}

fn role_view(r: AimsRole) -> AimsRoleView {
    AimsRoleView {
        id: r.id.to_string(),
        name: r.facts.name,
        responsibilities: r.facts.responsibilities,
        competences: r.facts.competences,
        holders: r.facts.holders.iter().map(|u| u.to_string()).collect(),
        references: r.facts.references,
        created_by: r.created_by,
        created_at: r.created_at.to_string(),
        updated_at: r.updated_at.to_string(),
        revision: r.revision,
    }
}

/// Every role of the organisation.
#[derive(Serialize, ToSchema)]
pub struct AimsRoleListView {
    pub roles: Vec<AimsRoleView>,
}

/// The roles of the management system, by name.
#[utoipa::path(get, path = "/api/v1/aims-roles", tag = "competence", responses(
    (status = 200, body = AimsRoleListView),
))]
pub async fn list_roles(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<AimsRoleListView>, ApiError> {
    let roles = state.app.aims_roles(&actor).await?;
    Ok(Json(AimsRoleListView {
        roles: roles.into_iter().map(role_view).collect(),
    }))
}

/// Defines a role (owner, admin, editor); its holders are told.
#[utoipa::path(post, path = "/api/v1/aims-roles", tag = "competence", request_body = AimsRoleForm, responses(
    (status = 201, body = AimsRoleView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn create_role(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<AimsRoleForm>,
) -> Result<(StatusCode, Json<AimsRoleView>), ApiError> {
    let facts = form.facts().map_err(invalid)?;
    let role = state.app.create_aims_role(&actor, facts).await?;
    Ok((StatusCode::CREATED, Json(role_view(role))))
}

/// One role with its holders.
#[utoipa::path(get, path = "/api/v1/aims-roles/{id}", tag = "competence", params(("id" = String, Path)), responses(
    (status = 200, body = AimsRoleView), (status = 404, body = Problem),
))]
pub async fn show_role(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<AimsRoleId>,
) -> Result<Json<AimsRoleView>, ApiError> {
    Ok(Json(role_view(state.app.aims_role(&actor, id).await?)))
}

/// Changes a role from `revision` (owner, admin, editor); 409 when someone changed it
/// meanwhile. People newly named holders are told.
#[utoipa::path(put, path = "/api/v1/aims-roles/{id}", tag = "competence", params(("id" = String, Path)),
    request_body = AimsRoleForm, responses(
    (status = 200, body = AimsRoleView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn update_role(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<AimsRoleId>,
    Body(form): Body<AimsRoleForm>,
) -> Result<Json<AimsRoleView>, ApiError> {
    let revision = require_revision(form.revision)?;
    let facts = form.facts().map_err(invalid)?;
    let role = state
        .app
        .update_aims_role(&actor, id, revision, facts)
        .await?;
    Ok(Json(role_view(role)))
}

/// Removes a role (owner, admin, editor); its holders' training records stay.
#[utoipa::path(delete, path = "/api/v1/aims-roles/{id}", tag = "competence", params(("id" = String, Path)), responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn delete_role(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<AimsRoleId>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_aims_role(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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
            person: person("person", self.person.as_deref())?,
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
        person: person("person", p.person.as_deref()).map_err(invalid)?,
        kind: given(&p.kind)
            .map(|k| k.parse().map_err(invalid))
            .transpose()?,
        standing: given(&p.standing)
            .map(|s| s.parse().map_err(invalid))
            .transpose()?,
    };
    let limit = p.limit.unwrap_or(100).clamp(1, aims_app::MAX_PAGE);
    let offset = p.offset.unwrap_or(0).clamp(0, aims_app::MAX_OFFSET);
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

/// Records training, an attestation, a qualification or an AI literacy measure: one's own
/// (anyone in the organisation), or someone else's (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/training-records", tag = "competence", request_body = TrainingForm, responses(
    (status = 201, body = TrainingView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn create_training(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Body(form): Body<TrainingForm>,
) -> Result<(StatusCode, Json<TrainingView>), ApiError> {
    let facts = form.facts().map_err(invalid)?;
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

/// A number of people and how many hold a current AI literacy measure.
#[derive(Serialize, ToSchema)]
pub struct LiteracyView {
    pub people: usize,
    pub literate: usize,
    /// Whole percent, rounded down; none when there is nobody to count.
    pub percent: Option<u32>,
}

fn literacy(c: LiteracyCount) -> LiteracyView {
    LiteracyView {
        people: c.people,
        literate: c.literate,
        percent: c.percent(),
    }
}

/// A required competence and the holders without a current record of it.
#[derive(Serialize, ToSchema)]
pub struct CompetenceGapView {
    pub competence: String,
    pub missing: Vec<String>,
}

/// One role's coverage.
#[derive(Serialize, ToSchema)]
pub struct RoleCoverageView {
    pub role: String,
    pub name: String,
    /// Holders who are members, by user id.
    pub holders: Vec<String>,
    /// Holders who have left the organisation, not counted.
    pub former_members: Vec<String>,
    pub ai_literacy: LiteracyView,
    /// Holders without a current AI literacy measure.
    pub not_literate: Vec<String>,
    pub gaps: Vec<CompetenceGapView>,
}

/// The competence report at one instant.
#[derive(Serialize, ToSchema)]
pub struct CompetenceView {
    pub at: String,
    pub roles: Vec<RoleCoverageView>,
    /// AI literacy across every member.
    pub members: LiteracyView,
    pub members_not_literate: Vec<String>,
}

/// AI literacy per role and across members (EU AI Act Article 4), and each role's
/// competence gaps.
#[utoipa::path(get, path = "/api/v1/competence", tag = "competence", responses(
    (status = 200, body = CompetenceView),
))]
pub async fn report(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<CompetenceView>, ApiError> {
    let r = state.app.competence_report(&actor).await?;
    let ids = |list: &[UserId]| list.iter().map(|u| u.to_string()).collect::<Vec<_>>();
    Ok(Json(CompetenceView {
        at: r.at.to_string(),
        roles: r
            .roles
            .iter()
            .map(|c| RoleCoverageView {
                role: c.role.id.to_string(),
                name: c.role.facts.name.clone(),
                holders: ids(&c.holders),
                former_members: ids(&c.former_members),
                ai_literacy: literacy(c.literacy()),
                not_literate: ids(&c.not_literate()),
                gaps: c
                    .gaps
                    .iter()
                    .map(|g| CompetenceGapView {
                        competence: g.competence.clone(),
                        missing: ids(&g.missing),
                    })
                    .collect(),
            })
            .collect(),
        members: literacy(r.members),
        members_not_literate: ids(&r.members_not_literate),
    }))
}
