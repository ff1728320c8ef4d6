//! Nonconformities and corrective action (10.2): the register, one nonconformity with its
//! actions, and the steps of its handling.

use aims_app::NonconformityFilter;
use aims_app::domain::evidence::Target;
use aims_app::domain::improvement::{
    Grade, NonconformityFacts, NonconformitySource, VerificationInput,
};
use aims_app::domain::work::TaskFacts;
use aims_app::domain::{
    AiSystemId, EvidenceId, NonconformityId, Timestamp, UserId, ValidationError,
};
use aims_app::{NonconformityRecord, domain::improvement::Nonconformity};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::form_values::{choice_or, invalid, optional_id, require_revision};
use super::work::TaskView;
use super::{Body, Id, Params};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A nonconformity as written.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NonconformityForm {
    /// What is wrong, in a line.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Where: the process, site or team.
    #[serde(default)]
    pub location: String,
    /// The id of the AI system concerned.
    pub system: Option<String>,
    /// The requirements and controls not met: `{kind, id}` with kind `requirement`
    /// (`iso-iec-42001:8.4`) or `control` (`A.5.2`).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub requirements: Vec<Target>,
    /// `internal_audit`, `external_audit`, `incident`, `redteam_run`, `risk_review`,
    /// `complaint`, `management_review` or `other` (default).
    pub source: Option<String>,
    /// The finding, audit, incident or complaint it came from, as that record names it.
    #[serde(default)]
    pub source_ref: String,
    /// `major` or `minor` (default).
    pub grade: Option<String>,
    /// The owner's user id.
    pub owner: Option<String>,
    /// The day it was found (RFC 3339; today when left out).
    #[schema(value_type = Option<String>)]
    pub detected_on: Option<Timestamp>,
    #[serde(default)]
    pub containment: String,
    #[serde(default)]
    pub correction: String,
    #[serde(default)]
    pub root_cause: String,
    /// `people`, `process`, `technology`, `data`, `model`, `supplier`, `governance` or
    /// `other`.
    pub cause_category: Option<String>,
    /// For a change: the revision it starts from.
    pub revision: Option<i64>,
}

impl NonconformityForm {
    fn facts(self, today: Timestamp) -> Result<NonconformityFacts, ValidationError> {
        Ok(NonconformityFacts {
            system: optional_id::<AiSystemId>("system", self.system.as_deref())?,
            owner: optional_id::<UserId>("owner", self.owner.as_deref())?,
            source: choice_or(self.source.as_deref(), NonconformitySource::Other)?,
            grade: choice_or(self.grade.as_deref(), Grade::Minor)?,
            cause_category: match self.cause_category.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => Some(text.parse()?),
            },
            detected_on: self.detected_on.unwrap_or(today),
            title: self.title,
            description: self.description,
            location: self.location,
            requirements: self.requirements,
            source_ref: self.source_ref,
            containment: self.containment,
            correction: self.correction,
            root_cause: self.root_cause,
        })
    }
}

/// The last verification of the corrective actions.
#[derive(Serialize, ToSchema)]
pub struct VerificationView {
    pub by: String,
    pub at: String,
    pub effective: bool,
    pub note: String,
    /// Ids of the evidence that shows the result.
    pub evidence: Vec<String>,
}

/// A nonconformity.
#[derive(Serialize, ToSchema)]
pub struct NonconformityView {
    pub id: String,
    /// `NC-7`.
    pub reference: String,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub location: String,
    pub system: Option<String>,
    /// `kind:id` of each requirement and control not met.
    pub requirements: Vec<String>,
    pub source: String,
    pub source_ref: String,
    pub grade: String,
    pub owner: Option<String>,
    pub detected_on: String,
    /// Whole days since it was found.
    pub age_days: i64,
    pub containment: String,
    pub correction: String,
    pub root_cause: String,
    pub cause_category: Option<String>,
    /// `open`, `closed` or `withdrawn`.
    pub status: String,
    /// Only on a single nonconformity: `needs_action`, `actions_open`,
    /// `awaiting_verification`, `closed` or `withdrawn`.
    pub phase: Option<String>,
    pub withdrawn_reason: String,
    pub verification: Option<VerificationView>,
    /// How many verifications found the actions did not work.
    pub reopened: i64,
    pub closed_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub revision: i64,
    /// Only on a single nonconformity: its corrective actions, the soonest due first.
    pub actions: Vec<TaskView>,
}

fn view(n: Nonconformity, now: Timestamp) -> NonconformityView {
    let f = &n.facts;
    NonconformityView {
        id: n.id.to_string(),
        reference: n.reference(),
        number: n.number,
        age_days: n.age_days(now),
        title: f.title.clone(),
        description: f.description.clone(),
        location: f.location.clone(),
        system: f.system.map(|s| s.to_string()),
        requirements: f
            .requirements
            .iter()
            .map(|t| format!("{}:{}", t.kind, t.id))
            .collect(),
        source: f.source.as_str().into(),
        source_ref: f.source_ref.clone(),
        grade: f.grade.as_str().into(),
        owner: f.owner.map(|u| u.to_string()),
        detected_on: f.detected_on.to_string(),
        containment: f.containment.clone(),
        correction: f.correction.clone(),
        root_cause: f.root_cause.clone(),
        cause_category: f.cause_category.map(|c| c.as_str().into()),
        status: n.status.as_str().into(),
        phase: None,
        withdrawn_reason: n.withdrawn_reason.clone(),
        verification: n.verification.as_ref().map(|v| VerificationView {
            by: v.by_label.clone(),
            at: v.at.to_string(),
            effective: v.effective,
            note: v.note.clone(),
            evidence: v.evidence.iter().map(ToString::to_string).collect(),
        }),
        reopened: n.reopened,
        closed_at: n.closed_at.map(|t| t.to_string()),
        created_by: n.created_by.clone(),
        created_at: n.created_at.to_string(),
        updated_at: n.updated_at.to_string(),
        revision: n.revision,
        actions: Vec::new(),
    }
}

fn record_view(r: NonconformityRecord, now: Timestamp) -> NonconformityView {
    use aims_app::domain::improvement::Phase;
    let phase = match r.phase() {
        Phase::NeedsAction => "needs_action",
        Phase::ActionsOpen => "actions_open",
        Phase::AwaitingVerification => "awaiting_verification",
        Phase::Closed => "closed",
        Phase::Withdrawn => "withdrawn",
    };
    NonconformityView {
        phase: Some(phase.into()),
        actions: r
            .actions
            .into_iter()
            .map(|t| super::work::view(t, now))
            .collect(),
        ..view(r.nonconformity, now)
    }
}

/// The oldest age a filter may ask for, in days (a hundred years).
const MAX_AGE_DAYS: u32 = 36_500;

/// Which nonconformities to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NonconformityParams {
    /// `open`, `closed` or `withdrawn`.
    pub status: Option<String>,
    /// Only those found at least this many days ago (0 to 36,500).
    #[param(minimum = 0, maximum = 36_500)]
    pub older_than_days: Option<i64>,
    /// Only those this user id owns.
    pub owner: Option<String>,
    /// 1 to 500 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// One page of the register.
#[derive(Serialize, ToSchema)]
pub struct NonconformityPageView {
    pub nonconformities: Vec<NonconformityView>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The register, the longest open first, filtered.
#[utoipa::path(get, path = "/api/v1/nonconformities", tag = "nonconformities", params(NonconformityParams), responses(
    (status = 200, body = NonconformityPageView), (status = 422, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<NonconformityParams>,
) -> Result<Json<NonconformityPageView>, ApiError> {
    state
        .app
        .authorize(&actor, aims_app::domain::Permission::ReadOrganisation)?;
    let filter = NonconformityFilter {
        status: match params.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse().map_err(invalid)?),
        },
        older_than_days: match params.older_than_days {
            None => None,
            Some(days) => Some(
                u32::try_from(days)
                    .ok()
                    .filter(|d| *d <= MAX_AGE_DAYS)
                    .ok_or_else(|| {
                        invalid(ValidationError::new(
                            "older_than_days",
                            format!("must be 0 to {MAX_AGE_DAYS}"),
                        ))
                    })?,
            ),
        },
        owner: optional_id::<UserId>("owner", params.owner.as_deref()).map_err(invalid)?,
    };
    let (limit, offset) = super::form_values::page(params.limit, params.offset)?;
    let (list, total) = state
        .app
        .nonconformity_list(&actor, &filter, limit, offset)
        .await?;
    let now = state.app.now();
    Ok(Json(NonconformityPageView {
        nonconformities: list.into_iter().map(|n| view(n, now)).collect(),
        total,
        limit,
        offset,
    }))
}

/// Records a nonconformity under the next number (owner, admin, editor); its owner is told.
#[utoipa::path(post, path = "/api/v1/nonconformities", tag = "nonconformities", request_body = NonconformityForm, responses(
    (status = 201, body = NonconformityView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn create(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<NonconformityForm>,
) -> Result<(StatusCode, Json<NonconformityView>), ApiError> {
    let now = state.app.now();
    let facts = form.facts(now).map_err(invalid)?;
    let n = state.app.record_nonconformity(&actor, facts).await?;
    Ok((StatusCode::CREATED, Json(view(n, now))))
}

/// One nonconformity with its corrective actions and where its handling stands.
#[utoipa::path(get, path = "/api/v1/nonconformities/{id}", tag = "nonconformities", params(("id" = String, Path)), responses(
    (status = 200, body = NonconformityView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<NonconformityId>,
) -> Result<Json<NonconformityView>, ApiError> {
    let record = state.app.nonconformity(&actor, id).await?;
    Ok(Json(record_view(record, state.app.now())))
}

/// Changes an open nonconformity from `revision` (owner, admin, editor); 409 when someone
/// changed it meanwhile or it is closed or withdrawn.
#[utoipa::path(put, path = "/api/v1/nonconformities/{id}", tag = "nonconformities", params(("id" = String, Path)),
    request_body = NonconformityForm, responses(
    (status = 200, body = NonconformityView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn update(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<NonconformityId>,
    Body(form): Body<NonconformityForm>,
) -> Result<Json<NonconformityView>, ApiError> {
    let revision = require_revision(form.revision)?;
    let now = state.app.now();
    let facts = form.facts(now).map_err(invalid)?;
    let n = state
        .app
        .update_nonconformity(&actor, id, revision, facts)
        .await?;
    Ok(Json(view(n, now)))
}

/// A corrective action: who does what by when.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The assignee's user id.
    pub assignee: Option<String>,
    /// The day it is due by (RFC 3339).
    #[schema(value_type = Option<String>)]
    pub due: Option<Timestamp>,
}

/// Gives a corrective action of an open nonconformity to a person, as a task about it
/// (owner, admin, editor); the assignee is told.
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/actions", tag = "nonconformities", params(("id" = String, Path)),
    request_body = ActionForm, responses(
    (status = 201, body = TaskView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn add_action(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<NonconformityId>,
    Body(form): Body<ActionForm>,
) -> Result<(StatusCode, Json<TaskView>), ApiError> {
    let facts = TaskFacts {
        assignee: optional_id::<UserId>("assignee", form.assignee.as_deref()).map_err(invalid)?,
        title: form.title,
        description: form.description,
        due: form.due,
        ..Default::default()
    };
    let task = state.app.add_corrective_action(&actor, id, facts).await?;
    Ok((
        StatusCode::CREATED,
        Json(super::work::view(task, state.app.now())),
    ))
}

/// A verification of the corrective actions.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationForm {
    /// Whether the actions worked: `true` closes the nonconformity, `false` reopens it.
    pub effective: bool,
    pub note: String,
    /// Ids of the evidence that shows the result; required when `effective`.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// The revision it starts from.
    pub revision: i64,
}

/// Records the verification of the corrective actions once every one is done (owner, admin,
/// editor; not the nonconformity's owner): closes it, or reopens it for new actions.
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/verification", tag = "nonconformities", params(("id" = String, Path)),
    request_body = VerificationForm, responses(
    (status = 200, body = NonconformityView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn verify(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<NonconformityId>,
    Body(form): Body<VerificationForm>,
) -> Result<Json<NonconformityView>, ApiError> {
    let revision = form.revision;
    let evidence = form
        .evidence
        .iter()
        .map(|e| {
            e.trim().parse::<EvidenceId>().map_err(|_| {
                invalid(ValidationError::new(
                    "evidence",
                    format!("{e:?} is not an id"),
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let input = VerificationInput {
        effective: form.effective,
        note: form.note,
        evidence,
    };
    let n = state
        .app
        .verify_nonconformity(&actor, id, revision, input)
        .await?;
    Ok(Json(view(n, state.app.now())))
}

/// Why a nonconformity is withdrawn.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalForm {
    pub reason: String,
    /// The revision it starts from.
    pub revision: i64,
}

/// Withdraws an open nonconformity raised in error or twice (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/withdrawal", tag = "nonconformities", params(("id" = String, Path)),
    request_body = WithdrawalForm, responses(
    (status = 200, body = NonconformityView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn withdraw(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<NonconformityId>,
    Body(form): Body<WithdrawalForm>,
) -> Result<Json<NonconformityView>, ApiError> {
    let revision = form.revision;
    let n = state
        .app
        .withdraw_nonconformity(&actor, id, revision, &form.reason)
        .await?;
    Ok(Json(view(n, state.app.now())))
}
