//! Roles of the management system and the competence report.

use aims_app::domain::competence::{AimsRole, AimsRoleFacts, LiteracyCount};
use aims_app::domain::id::AimsRoleId;
use aims_app::domain::{UserId, ValidationError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::form_values::{invalid, require_revision};
use super::{Body, Id};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

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
        // Each holder must be a user id; a blank one is a mistake, not nobody.
        let holders = self
            .holders
            .iter()
            .map(|h| {
                h.trim()
                    .parse()
                    .map_err(|_| ValidationError::new("holders", format!("{h:?} is not a user id")))
            })
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
