//! The readiness figures of the dashboard.

use aims_app::Readiness;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A system named on the dashboard.
#[derive(Serialize, ToSchema)]
pub struct NamedSystem {
    pub id: String,
    pub name: String,
}

/// One ISO/IEC 42001 clause and the evidence behind its requirements.
#[derive(Serialize, ToSchema)]
pub struct ClauseCoverageView {
    /// `4` to `10`.
    pub clause: String,
    pub title: String,
    /// Its requirements (leaf sub-clauses).
    pub requirements: Vec<String>,
    /// Those that current evidence names (`iso-iec-42001:4.3` as a requirement target).
    pub evidenced: Vec<String>,
    /// Those that an approved document serves, not retired and not past its review date.
    pub documented: Vec<String>,
}

/// The organisation's readiness.
#[derive(Serialize, ToSchema)]
pub struct ReadinessView {
    pub systems: i64,
    /// `[class, count]`, most severe first, `unclassified` last.
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub by_class: Vec<(String, i64)>,
    pub classifications_needing_review: i64,
    /// The first 20 by name of the high-risk systems without an approved, current impact
    /// assessment; `/api/v1/systems?missing_assessment=true` lists them all.
    pub high_risk_without_current_assessment: Vec<NamedSystem>,
    /// How many high-risk systems lack an approved, current impact assessment.
    pub high_risk_without_current_assessment_total: i64,
    pub evidence_expired: i64,
    pub evidence_expiring: i64,
    /// AI systems kept in the inventory but outside the management system's scope.
    pub systems_out_of_scope: i64,
    /// Documents with a version in force (not retired).
    pub documents_in_force: i64,
    /// Of those, the ones past their review date.
    pub documents_review_overdue: i64,
    /// Documents with a version waiting for approval.
    pub documents_in_review: i64,
    pub open_high_risks: i64,
    pub overdue_risk_reviews: i64,
    /// Per Annex A group: `{group, controls, applicable, implemented}`.
    #[schema(value_type = Vec<Object>)]
    pub annex_a_coverage: Vec<serde_json::Value>,
    /// ISO/IEC 42001 clauses 4–10.
    pub clause_coverage: Vec<ClauseCoverageView>,
}

impl From<Readiness> for ReadinessView {
    fn from(r: Readiness) -> Self {
        Self {
            systems: r.systems,
            by_class: r.by_class,
            classifications_needing_review: r.needing_review,
            high_risk_without_current_assessment_total: r.missing_assessment_count,
            high_risk_without_current_assessment: r
                .missing_assessments
                .into_iter()
                .map(|(id, name)| NamedSystem {
                    id: id.to_string(),
                    name,
                })
                .collect(),
            evidence_expired: r.evidence_expired,
            evidence_expiring: r.evidence_expiring,
            systems_out_of_scope: r.systems_out_of_scope,
            documents_in_force: r.documents.in_force,
            documents_review_overdue: r.documents.review_overdue,
            documents_in_review: r.documents.in_review,
            open_high_risks: r.open_high_risks,
            overdue_risk_reviews: r.overdue_risk_reviews,
            clause_coverage: r
                .clauses
                .iter()
                .map(|c| ClauseCoverageView {
                    clause: c.clause.clone(),
                    title: c.title.clone(),
                    requirements: c.requirements.iter().map(|(id, _)| id.clone()).collect(),
                    evidenced: c.evidenced.clone(),
                    documented: c.documented.clone(),
                })
                .collect(),
            annex_a_coverage: r
                .coverage
                .iter()
                .map(|g| serde_json::json!({"group": g.group, "controls": g.controls, "applicable": g.applicable, "implemented": g.implemented}))
                .collect(),
        }
    }
}

/// The figures of the readiness dashboard.
#[utoipa::path(get, path = "/api/v1/readiness", tag = "readiness", responses(
    (status = 200, body = ReadinessView), (status = 401, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<ReadinessView>, ApiError> {
    Ok(Json(state.app.readiness(&actor).await?.into()))
}
