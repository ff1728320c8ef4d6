//! The readiness of the organisation's management system: the numbers the dashboard shows,
//! each the count of a list a person can open.

use aims_domain::evidence::EXPIRY_NOTICE_DAYS;
use aims_domain::{Actor, AiSystemId, Permission, Timestamp};

use crate::App;
use crate::error::Result;

/// The dashboard's figures.
#[derive(Clone, Debug, Default)]
pub struct Readiness {
    pub systems: i64,
    /// Systems kept in the inventory but outside the management system's scope.
    pub systems_out_of_scope: i64,
    /// Systems per EU AI Act class, most severe first; `unclassified` last.
    pub by_class: Vec<(String, i64)>,
    pub needing_review: i64,
    /// The first [`LISTED_MISSING_ASSESSMENTS`] high-risk systems by name without an
    /// approved, current impact assessment.
    pub missing_assessments: Vec<(AiSystemId, String)>,
    /// How many high-risk systems lack an approved, current impact assessment.
    pub missing_assessment_count: i64,
    pub evidence_expired: i64,
    pub evidence_expiring: i64,
    /// Open risks whose residual level is in the method's top two levels.
    pub open_high_risks: i64,
    /// The label of the lowest level counted as high.
    pub high_from: String,
    /// Open risks whose review date has passed.
    pub overdue_risk_reviews: i64,
    /// Annex A coverage per group, from the SoA as it stands.
    pub coverage: Vec<aims_domain::soa::GroupCoverage>,
    /// Clauses 4–10: which requirements current evidence names or current documents serve.
    pub clauses: Vec<crate::ClauseCoverage>,
    /// Documents in force, overdue for review, and waiting for approval.
    pub documents: aims_store::DocumentCounts,
}

/// How many of the systems lacking an impact assessment the dashboard names; the inventory
/// filtered by `missing_assessment` lists them all.
pub const LISTED_MISSING_ASSESSMENTS: i64 = 20;

const CLASS_ORDER: [&str; 5] = [
    "prohibited",
    "high_risk",
    "transparency",
    "minimal",
    "unclassified",
];

impl App {
    /// The readiness figures of the actor's organisation. They are computed again only when
    /// the organisation's audit trail has grown (every change appends to it) or a minute has
    /// passed, so a dashboard over a large register costs one indexed lookup most of the time.
    pub async fn readiness(&self, actor: &Actor) -> Result<Readiness> {
        actor.require(Permission::ReadOrganisation)?;
        let now = self.now();
        self.readiness_cache
            .get_or_derive(&self.store, actor.org, now, async || {
                self.compute_readiness(actor, now).await
            })
            .await
    }

    async fn compute_readiness(&self, actor: &Actor, now: Timestamp) -> Result<Readiness> {
        let mut tx = self.store.read().await?;
        let counts = tx.systems_by_class(actor.org).await?;
        let count_of = |class: &str| {
            counts
                .iter()
                .filter(|(c, _)| c.as_deref().unwrap_or("unclassified") == class)
                .map(|(_, n)| *n)
                .sum::<i64>()
        };
        let (evidence_expired, evidence_expiring) = tx
            .evidence_expiry_counts(actor.org, now, now.plus_days(EXPIRY_NOTICE_DAYS))
            .await?;
        let method = tx
            .risk_method(actor.org)
            .await?
            .unwrap_or_else(aims_domain::risk::RiskMethod::default_five_by_five);
        let high = method.risk_levels.len().saturating_sub(2);
        let count = |q: aims_store::RiskQuery| aims_store::RiskQuery {
            limit: 1,
            open_only: true,
            ..q
        };
        let open_high_risks = tx
            .risks(
                actor.org,
                &count(aims_store::RiskQuery {
                    min_level: Some(high),
                    ..Default::default()
                }),
            )
            .await?
            .1;
        let overdue_risk_reviews = tx
            .risks(
                actor.org,
                &count(aims_store::RiskQuery {
                    review_overdue_at: Some(now),
                    ..Default::default()
                }),
            )
            .await?
            .1;
        let systems_out_of_scope = tx
            .ai_systems(
                actor.org,
                &aims_store::SystemQuery {
                    in_scope: Some(false),
                    limit: 1,
                    ..Default::default()
                },
            )
            .await?
            .1;
        let (missing_assessments, missing_assessment_count) = tx
            .high_risk_without_current_assessment(actor.org, now, LISTED_MISSING_ASSESSMENTS)
            .await?;
        drop(tx);
        let coverage = self.soa_coverage(actor).await?;
        let mut tx = self.store.read().await?;
        Ok(Readiness {
            clauses: self.clause_coverage(&mut tx, actor, now).await?,
            documents: tx.document_counts(actor.org, now).await?,
            open_high_risks,
            high_from: method.level_label(high).to_owned(),
            overdue_risk_reviews,
            coverage,
            systems: counts.iter().map(|(_, n)| n).sum(),
            systems_out_of_scope,
            by_class: CLASS_ORDER
                .iter()
                .map(|c| ((*c).to_owned(), count_of(c)))
                .collect(),
            needing_review: tx.classifications_needing_review(actor.org).await?,
            missing_assessments,
            missing_assessment_count,
            evidence_expired,
            evidence_expiring,
        })
    }
}
