//! The demo organisation's roles and competence: the five roles a small AI management
//! system names, held by the demo's colleagues, and their training records, AI literacy
//! for most of them, one record lapsed and one about to lapse, so that the coverage page
//! and the expiry tasks have something to show.

use aims_domain::competence::{AimsRoleFacts, TrainingFacts, TrainingKind};
use aims_domain::{Actor, UserId};

use crate::App;
use crate::error::Result;

/// (name, responsibilities, competences, holders by index into the demo's people,
/// clauses and controls).
type DemoRole = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [usize],
    &'static [&'static str],
);

const ROLES: [DemoRole; 5] = [
    (
        "AI governance lead",
        "Runs the AI management system day to day.\n\n\
         - keeps the AI policy, the scope and the Statement of Applicability current\n\
         - chairs the quarterly AI steering meeting and reports to the board\n\
         - decides which AI uses need an impact assessment before they start",
        &["ISO/IEC 42001", "EU AI Act", "AI risk management"],
        &[0],
        &["iso-iec-42001:5.3", "iso-iec-42001:A.3.2"],
    ),
    (
        "AI system owner",
        "Answers for one AI system over its life: its intended use, its classification under \
         the EU AI Act, its impact assessment and the controls around it. Signs off each \
         release after the red-team run.",
        &["EU AI Act", "Model evaluation"],
        &[1],
        &["iso-iec-42001:A.3.2", "iso-iec-42001:A.6.2.2"],
    ),
    (
        "Risk owner",
        "Owns the risks assigned to them: agrees the treatment, checks that it works, and \
         reviews the rating when the system or its use changes.",
        &["AI risk management"],
        &[0, 1],
        &["iso-iec-42001:6.1.2", "iso-iec-42001:A.5.2"],
    ),
    (
        "Internal auditor",
        "Plans and carries out the internal audits of the management system, independent of \
         the work audited, and follows each finding to its close.",
        &["ISO/IEC 42001", "Audit techniques"],
        &[2],
        &["iso-iec-42001:9.2"],
    ),
    (
        "Data steward",
        "Keeps the data sets behind the AI systems fit for use: where they came from, what \
         they may be used for, their quality checks and how long they are kept.",
        &["Data quality", "Data protection"],
        &[1],
        &["iso-iec-42001:A.7.2", "iso-iec-42001:A.7.4"],
    ),
];

/// (person by index, kind, title, provider, completed days ago, lasts for days,
/// competences).
type DemoTraining = (
    usize,
    TrainingKind,
    &'static str,
    &'static str,
    i64,
    Option<i64>,
    &'static [&'static str],
);

const TRAINING: [DemoTraining; 8] = [
    (
        0,
        TrainingKind::AiLiteracy,
        "AI literacy for staff",
        "In-house, AI steering group",
        60,
        Some(365),
        &["EU AI Act"],
    ),
    (
        0,
        TrainingKind::Qualification,
        "ISO/IEC 42001 lead implementer",
        "Certification body",
        400,
        None,
        &["ISO/IEC 42001", "AI risk management"],
    ),
    // Tomás's literacy lapses within the month: his task to renew it is due.
    (
        1,
        TrainingKind::AiLiteracy,
        "AI literacy for staff",
        "In-house, AI steering group",
        345,
        Some(365),
        &["EU AI Act"],
    ),
    (
        1,
        TrainingKind::Training,
        "Evaluating machine-learning models",
        "University extension course",
        120,
        None,
        &["Model evaluation"],
    ),
    (
        1,
        TrainingKind::Attestation,
        "Read and accepted the data handling procedure",
        "",
        30,
        Some(365),
        &["Data protection"],
    ),
    // Aisha's literacy lapsed last month; her audit qualification stands.
    (
        2,
        TrainingKind::AiLiteracy,
        "AI literacy for staff",
        "In-house, AI steering group",
        400,
        Some(365),
        &[],
    ),
    (
        2,
        TrainingKind::Qualification,
        "ISO/IEC 42001 lead auditor",
        "Certification body",
        200,
        Some(1095),
        &["ISO/IEC 42001", "Audit techniques"],
    ),
    (
        0,
        TrainingKind::Attestation,
        "Read and accepted the AI policy",
        "",
        20,
        None,
        &[],
    ),
];

impl App {
    /// Creates the demo's roles and training records for `people` (Maria, Tomás, Aisha).
    pub(crate) async fn seed_demo_competence(
        &self,
        actor: &Actor,
        people: &[UserId],
    ) -> Result<()> {
        let now = self.now();
        for (name, responsibilities, competences, holders, references) in ROLES {
            let facts = AimsRoleFacts {
                name: name.into(),
                responsibilities: responsibilities.into(),
                competences: competences.iter().map(|c| c.to_string()).collect(),
                holders: holders
                    .iter()
                    .filter_map(|i| people.get(*i).copied())
                    .collect(),
                references: references.iter().map(|r| r.to_string()).collect(),
            };
            self.create_aims_role(actor, facts).await?;
        }
        for (who, kind, title, provider, days_ago, lasts, competences) in TRAINING {
            let Some(person) = people.get(who).copied() else {
                continue;
            };
            let completed = now.plus_days(-days_ago);
            let facts = TrainingFacts {
                person: Some(person),
                kind: Some(kind),
                title: title.into(),
                completed_on: Some(completed),
                expires_on: lasts.map(|d| completed.plus_days(d)),
                provider: provider.into(),
                notes: String::new(),
                evidence: None,
                competences: competences.iter().map(|c| c.to_string()).collect(),
            };
            self.record_training(actor, facts).await?;
        }
        Ok(())
    }
}
