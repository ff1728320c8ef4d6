//! The organisation's context and scope over the API: the version in force and the working
//! draft, saving the draft, its review and approval, its versions and their comparison.

use aims_app::domain::ValidationError;
use aims_app::domain::context::{
    ContextContent, ContextIssue, ContextVersion, Exclusion, InterestedParty, Site,
};
use aims_app::{AppError, ContextInput, ContextRecord};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::document_lifecycle::StepForm;
use super::documents::{DiffParams, DiffView, diff_view};
use super::{Body, Id, Params};
use crate::allowed::{Allowed, ApproveDocument, DocumentAllowed, Edit, ReturnDocument};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A site and whether the management system covers it.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteBody {
    pub name: String,
    pub in_scope: bool,
    /// Why it is out of scope (required then).
    #[serde(default)]
    pub reason: String,
}

/// Something left out of the management system, and why (required).
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExclusionBody {
    pub what: String,
    pub reason: String,
}

/// An external or internal issue.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    /// `external` or `internal`.
    pub origin: String,
    /// `legal_regulatory`, `market_economic`, `technological`, `social_ethical`,
    /// `climate_change`, `environmental`, `organisational` or `other`.
    pub category: String,
    pub description: String,
    /// How it affects the management system.
    pub effect: String,
}

/// An interested party and its requirements.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyBody {
    pub name: String,
    /// `customers`, `affected_people`, `regulators`, `employees`, `suppliers`, `investors`,
    /// `society` or `other`.
    pub kind: String,
    pub requirements: String,
    /// Whether the management system addresses them.
    pub addressed: bool,
    /// How it does, or why not.
    pub how: String,
}

/// The context as written: the content of the working draft.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextForm {
    #[serde(default)]
    pub scope_statement: String,
    /// Organisational units, processes and locations covered.
    #[serde(default)]
    pub boundaries: String,
    #[serde(default)]
    pub sites: Vec<SiteBody>,
    #[serde(default)]
    pub exclusions: Vec<ExclusionBody>,
    #[serde(default)]
    pub issues: Vec<IssueBody>,
    /// Why climate change is not a relevant issue, when no issue is in the climate change
    /// category; review and approval need one or the other.
    #[serde(default)]
    pub climate_statement: String,
    #[serde(default)]
    pub parties: Vec<PartyBody>,
    /// `ai_provider`, `ai_producer`, `ai_customer`, `ai_partner`, `ai_subject`,
    /// `relevant_authority` (ISO/IEC 22989); `eu_provider`, `eu_deployer`, `eu_importer`,
    /// `eu_distributor`, `eu_authorised_representative`, `eu_product_manufacturer` (EU AI Act).
    #[serde(default)]
    pub ai_roles: Vec<String>,
    #[serde(default)]
    pub ai_roles_note: String,
    /// The context's `revision` the change starts from (0 before the first save), required so
    /// that a change someone saved meanwhile makes this one fail with 409.
    pub revision: i64,
}

fn choice<T>(field: &'static str, text: &str) -> Result<Option<T>, ValidationError>
where
    T: std::str::FromStr<Err = ValidationError>,
{
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|e: ValidationError| ValidationError::new(field, e.message)),
    }
}

impl ContextForm {
    /// The input of the form, each choice checked and named when wrong.
    pub fn input(self) -> Result<ContextInput, ValidationError> {
        let issues = self
            .issues
            .into_iter()
            .map(|i| {
                Ok(ContextIssue {
                    origin: choice("issues.origin", &i.origin)?,
                    category: choice("issues.category", &i.category)?,
                    description: i.description,
                    effect: i.effect,
                })
            })
            .collect::<Result<_, ValidationError>>()?;
        let parties = self
            .parties
            .into_iter()
            .map(|p| {
                Ok(InterestedParty {
                    name: p.name,
                    kind: choice("parties.kind", &p.kind)?,
                    requirements: p.requirements,
                    addressed: p.addressed,
                    how: p.how,
                })
            })
            .collect::<Result<_, ValidationError>>()?;
        let ai_roles = self
            .ai_roles
            .iter()
            .filter_map(|r| choice("ai_roles", r).transpose())
            .collect::<Result<_, _>>()?;
        Ok(ContextInput {
            content: ContextContent {
                scope_statement: self.scope_statement,
                boundaries: self.boundaries,
                sites: self
                    .sites
                    .into_iter()
                    .map(|s| Site {
                        name: s.name,
                        in_scope: s.in_scope,
                        reason: s.reason,
                    })
                    .collect(),
                exclusions: self
                    .exclusions
                    .into_iter()
                    .map(|e| Exclusion {
                        what: e.what,
                        reason: e.reason,
                    })
                    .collect(),
                issues,
                climate_statement: self.climate_statement,
                parties,
                ai_roles,
                ai_roles_note: self.ai_roles_note,
            },
            revision: Some(self.revision),
        })
    }
}

/// An AI system a version's scope covered when it was approved.
#[derive(Serialize, ToSchema)]
pub struct ScopedSystemView {
    pub id: String,
    pub name: String,
}

/// One version of the context.
#[derive(Serialize, ToSchema)]
pub struct ContextVersionView {
    pub version: i64,
    /// `draft`, `in_review`, `approved` or `superseded`.
    pub status: String,
    pub scope_statement: String,
    pub boundaries: String,
    pub sites: Vec<SiteBody>,
    pub exclusions: Vec<ExclusionBody>,
    pub issues: Vec<IssueBody>,
    pub climate_statement: String,
    pub parties: Vec<PartyBody>,
    pub ai_roles: Vec<String>,
    pub ai_roles_note: String,
    /// The systems in scope when it was approved; empty before.
    pub systems_in_scope: Vec<ScopedSystemView>,
    pub author: String,
    pub saved_at: String,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub approval_comment: Option<String>,
    /// SHA-256 of the approved version: of `aims-context-v1`, the organisation id and the
    /// version number, each on a line, then the canonical text (see the project's docs).
    pub sha256: Option<String>,
}

fn version_view(v: ContextVersion) -> ContextVersionView {
    let c = v.content;
    ContextVersionView {
        version: v.version,
        status: v.status.as_str().into(),
        scope_statement: c.scope_statement,
        boundaries: c.boundaries,
        sites: c
            .sites
            .into_iter()
            .map(|s| SiteBody {
                name: s.name,
                in_scope: s.in_scope,
                reason: s.reason,
            })
            .collect(),
        exclusions: c
            .exclusions
            .into_iter()
            .map(|e| ExclusionBody {
                what: e.what,
                reason: e.reason,
            })
            .collect(),
        issues: c
            .issues
            .into_iter()
            .map(|i| IssueBody {
                origin: i.origin.map(|o| o.as_str()).unwrap_or_default().into(),
                category: i.category.map(|k| k.as_str()).unwrap_or_default().into(),
                description: i.description,
                effect: i.effect,
            })
            .collect(),
        climate_statement: c.climate_statement,
        parties: c
            .parties
            .into_iter()
            .map(|p| PartyBody {
                name: p.name,
                kind: p.kind.map(|k| k.as_str()).unwrap_or_default().into(),
                requirements: p.requirements,
                addressed: p.addressed,
                how: p.how,
            })
            .collect(),
        ai_roles: c.ai_roles.iter().map(|r| r.as_str().into()).collect(),
        ai_roles_note: c.ai_roles_note,
        systems_in_scope: v
            .systems
            .into_iter()
            .map(|s| ScopedSystemView {
                id: s.id.to_string(),
                name: s.name,
            })
            .collect(),
        author: v.author_label,
        saved_at: v.saved_at.to_string(),
        submitted_by: v.submitted.as_ref().map(|(by, _)| by.clone()),
        submitted_at: v.submitted.map(|(_, at)| at.to_string()),
        approved_by: v.approval.as_ref().map(|a| a.by_label.clone()),
        approved_at: v.approval.as_ref().map(|a| a.at.to_string()),
        approval_comment: v.approval.map(|a| a.comment),
        sha256: v.sha256,
    }
}

/// The context: where it stands, the version in force and the working draft.
#[derive(Serialize, ToSchema)]
pub struct ContextView {
    /// `draft`, `in_review` or `approved` (the newest version's); none before a first save.
    pub status: Option<String>,
    pub latest_version: Option<i64>,
    pub approved_version: Option<i64>,
    /// Counts changes; send it back with a change to have a concurrent one refused.
    pub revision: i64,
    pub updated_at: Option<String>,
    pub in_force: Option<ContextVersionView>,
    /// The draft or the version in review, when there is one.
    pub working: Option<ContextVersionView>,
    /// Systems of the inventory in and out of scope now.
    pub systems_in_scope: i64,
    pub systems_out_of_scope: i64,
    /// The roles that approve it (those that approve documents).
    pub approver_roles: Vec<String>,
}

fn view(r: ContextRecord) -> ContextView {
    let in_force = r.in_force().cloned().map(version_view);
    let working = r.working().cloned().map(version_view);
    let c = r.context.as_ref();
    ContextView {
        status: c.map(|c| c.latest_status.as_str().into()),
        latest_version: c.map(|c| c.latest),
        approved_version: c.and_then(|c| c.approved),
        revision: c.map_or(0, |c| c.revision),
        updated_at: c.map(|c| c.updated_at.to_string()),
        in_force,
        working,
        systems_in_scope: r.systems_in_scope,
        systems_out_of_scope: r.systems_out_of_scope,
        approver_roles: r.approver_roles.iter().map(|r| r.as_str().into()).collect(),
    }
}

/// The context and scope: the version in force, the working draft, the inventory's scope.
#[utoipa::path(get, path = "/api/v1/context", tag = "context", responses(
    (status = 200, body = ContextView), (status = 401, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<ContextView>, ApiError> {
    Ok(Json(view(state.app.context(&actor).await?)))
}

/// Saves the working draft (owner, admin, editor): a first save starts the record, a change
/// to an approved context makes a new draft beside it; 409 when a version is in review or
/// the `revision` is stale.
#[utoipa::path(put, path = "/api/v1/context", tag = "context", request_body = ContextForm, responses(
    (status = 200, body = ContextView), (status = 403, body = Problem), (status = 409, body = Problem),
    (status = 422, body = Problem),
))]
pub async fn save(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<ContextForm>,
) -> Result<Json<ContextView>, ApiError> {
    let input = form.input().map_err(AppError::Invalid)?;
    state.app.save_context(&actor, input).await?;
    Ok(Json(view(state.app.context(&actor).await?)))
}

/// Sends the draft for review (owner, admin, editor); 422 naming the field when it lacks what
/// review needs, such as a position on climate change (`climate_statement`).
#[utoipa::path(post, path = "/api/v1/context/submission", tag = "context", request_body = StepForm, responses(
    (status = 200, body = ContextView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn submit(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<StepForm>,
) -> Result<Json<ContextView>, ApiError> {
    state.app.submit_context(&actor, form.version).await?;
    Ok(Json(view(state.app.context(&actor).await?)))
}

/// Approves the version in review (the roles that approve documents; never its last author):
/// it records the systems in scope, is fingerprinted and comes into force.
#[utoipa::path(post, path = "/api/v1/context/approval", tag = "context", request_body = StepForm, responses(
    (status = 200, body = ContextView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn approve(
    State(state): State<WebState>,
    DocumentAllowed(actor, _): DocumentAllowed<ApproveDocument>,
    Body(form): Body<StepForm>,
) -> Result<Json<ContextView>, ApiError> {
    state
        .app
        .approve_context(&actor, form.version, &form.comment)
        .await?;
    Ok(Json(view(state.app.context(&actor).await?)))
}

/// Sends the version in review back to draft, with a comment (editors and approvers).
#[utoipa::path(post, path = "/api/v1/context/return", tag = "context", request_body = StepForm, responses(
    (status = 200, body = ContextView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem),
))]
pub async fn send_back(
    State(state): State<WebState>,
    DocumentAllowed(actor, _): DocumentAllowed<ReturnDocument>,
    Body(form): Body<StepForm>,
) -> Result<Json<ContextView>, ApiError> {
    state
        .app
        .return_context(&actor, form.version, &form.comment)
        .await?;
    Ok(Json(view(state.app.context(&actor).await?)))
}

/// Every version of the context, newest first.
#[utoipa::path(get, path = "/api/v1/context/versions", tag = "context", responses(
    (status = 200, body = Vec<ContextVersionView>), (status = 401, body = Problem),
))]
pub async fn versions(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<ContextVersionView>>, ApiError> {
    let record = state.app.context(&actor).await?;
    Ok(Json(
        record.versions.into_iter().map(version_view).collect(),
    ))
}

/// One version of the context.
#[utoipa::path(get, path = "/api/v1/context/versions/{version}", tag = "context",
    params(("version" = i64, Path)), responses(
    (status = 200, body = ContextVersionView), (status = 404, body = Problem),
))]
pub async fn version(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(version): Id<i64>,
) -> Result<Json<ContextVersionView>, ApiError> {
    Ok(Json(version_view(
        state.app.context_version(&actor, version).await?,
    )))
}

/// What changed between two versions, line by line of their canonical texts.
#[utoipa::path(get, path = "/api/v1/context/diff", tag = "context", params(DiffParams), responses(
    (status = 200, body = DiffView), (status = 404, body = Problem),
))]
pub async fn diff(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<DiffParams>,
) -> Result<Json<DiffView>, ApiError> {
    let diff = state
        .app
        .compare_context_versions(&actor, params.from, params.to)
        .await?;
    Ok(Json(diff_view(diff)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_choice_is_named_by_its_list_and_field() {
        let form: ContextForm = serde_json::from_value(serde_json::json!({
            "issues": [{"origin": "outer", "category": "other", "description": "d", "effect": "e"}],
            "revision": 0,
        }))
        .unwrap();
        assert_eq!(form.input().unwrap_err().field, "issues.origin");
        let form: ContextForm = serde_json::from_value(
            serde_json::json!({"ai_roles": ["eu_deployer", "king"], "revision": 0}),
        )
        .unwrap();
        assert_eq!(form.input().unwrap_err().field, "ai_roles");
    }
}
