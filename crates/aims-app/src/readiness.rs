//! The readiness of the organisation's management system: the numbers the dashboard shows,
//! each the count of a list a person can open.

use aims_domain::evidence::EXPIRY_NOTICE_DAYS;
use aims_domain::{Actor, AiSystemId, Permission};

use crate::App;
use crate::error::Result;

/// The dashboard's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Readiness {
    pub systems: i64,
    /// Systems per EU AI Act class, most severe first; `unclassified` last.
    pub by_class: Vec<(String, i64)>,
    pub needing_review: i64,
    /// High-risk systems without an approved, current impact assessment.
    pub missing_assessments: Vec<(AiSystemId, String)>,
    pub evidence_expired: i64,
    pub evidence_expiring: i64,
}

const CLASS_ORDER: [&str; 5] = [
    "prohibited",
    "high_risk",
    "transparency",
    "minimal",
    "unclassified",
];

impl App {
    /// The readiness figures of the actor's organisation.
    pub async fn readiness(&self, actor: &Actor) -> Result<Readiness> {
        actor.require(Permission::ReadOrganisation)?;
        let now = self.now();
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
        Ok(Readiness {
            systems: counts.iter().map(|(_, n)| n).sum(),
            by_class: CLASS_ORDER
                .iter()
                .map(|c| ((*c).to_owned(), count_of(c)))
                .collect(),
            needing_review: tx.classifications_needing_review(actor.org).await?,
            missing_assessments: tx
                .high_risk_without_current_assessment(actor.org, now)
                .await?,
            evidence_expired,
            evidence_expiring,
        })
    }
}
