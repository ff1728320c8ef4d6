//! Red-team runs as evidence: a run's journal is uploaded (from CI or the CLI), its summary is
//! computed here from the journal itself, and the journal is kept as evidence for the system
//! and for the ISO/IEC 42001 controls and EU AI Act articles its probes are mapped to.

use std::collections::BTreeSet;

use aims_domain::audit::AuditAction;
use aims_domain::evidence::{EvidenceFacts, MAX_FILE_BYTES, Target, TargetKind};
use aims_domain::redteam::{RedTeamRun, RunVerdict};
use aims_domain::{Actor, AiSystemId, Permission, RedTeamRunId, ValidationError};
use aims_redteam::config::Thresholds;
use aims_redteam::journal::parse_bytes;
use aims_redteam::report::{Summary, Verdict};
use serde_json::json;

use crate::error::{AppError, Result};
use crate::evidence::Upload;
use crate::{App, EU_AI_ACT, ISO_42001};

/// How long a run counts as evidence: red-team results age as the model and its prompts change.
const VALID_DAYS: i64 = 180;

/// Runs listed for one system.
const RUNS_LISTED: i64 = 100;

/// A journal as uploaded, with the thresholds the run is judged against.
#[derive(Clone, Debug, Default)]
pub struct RedTeamUpload {
    pub journal: Vec<u8>,
    pub thresholds: Thresholds,
}

/// The runner's verdict as the management system records it.
fn run_verdict(verdict: Verdict) -> RunVerdict {
    match verdict {
        Verdict::Pass => RunVerdict::Pass,
        Verdict::ThresholdsExceeded => RunVerdict::ThresholdsExceeded,
        Verdict::RunErrors => RunVerdict::RunErrors,
    }
}

impl App {
    /// Records a red-team run against a system from its journal (owner, admin, editor).
    pub async fn record_redteam_run(
        &self,
        actor: &Actor,
        system: AiSystemId,
        upload: RedTeamUpload,
    ) -> Result<RedTeamRun> {
        actor.require(Permission::EditContent)?;
        if upload.journal.len() > MAX_FILE_BYTES {
            return Err(ValidationError::new(
                "journal",
                format!("is larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024),
            )
            .into());
        }
        upload
            .thresholds
            .validate()
            .map_err(|message| ValidationError::new("thresholds", message))?;
        let contents = parse_bytes("journal", &upload.journal)
            .map_err(|err| ValidationError::new("journal", err.to_string()))?;
        if contents.attempts.is_empty() {
            return Err(ValidationError::new("journal", "holds no attempts").into());
        }
        let mut tx = self.store.read().await?;
        let owner = tx
            .ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        drop(tx);
        let sha256 = crate::sha256_hex(&upload.journal);
        let summary = Summary::build(&contents, sha256.clone(), &upload.thresholds, None);
        let facts = self.evidence_facts(actor, system, &owner.facts.name, &summary)?;
        let header = &summary.run;
        let evidence = self
            .prepare_evidence(
                actor,
                facts,
                Some(Upload {
                    file_name: format!("redteam-{}.jsonl", sanitise(&header.run_id)),
                    bytes: upload.journal,
                }),
            )
            .await?;
        let now = self.now();
        let run = RedTeamRun {
            id: RedTeamRunId::new(),
            system,
            run_id: header.run_id.clone(),
            name: header.name.clone(),
            tool: header.tool.clone(),
            target: header.target.clone(),
            started_at: header.started_at.clone(),
            verdict: run_verdict(summary.verdict),
            judged: summary.totals.judged as i64,
            failed: summary.totals.failed as i64,
            errors: summary.totals.errors as i64,
            attack_success_bp: (summary.totals.attack_success.value * 10_000.0).round() as i64,
            journal_sha256: sha256,
            evidence: evidence.id,
            summary: serde_json::to_value(&summary)
                .map_err(|e| AppError::Internal(format!("summary: {e}")))?,
            recorded_by: actor.label.clone(),
            created_at: now,
        };
        self.change(actor.org, actor, async |c| {
            self.record_evidence(c, actor, &evidence).await?;
            c.insert_redteam_run(actor.org, &run).await?;
            let change = json!({
                "system": system.to_string(),
                "run_id": run.run_id,
                "tool": run.tool,
                "verdict": run.verdict,
                "judged": run.judged,
                "failed": run.failed,
                "errors": run.errors,
                "journal_sha256": run.journal_sha256,
                "evidence": run.evidence.to_string(),
            });
            c.record(AuditAction::RedTeamRunRecorded, run.id, change)
                .await?;
            Ok(())
        })
        .await?;
        Ok(run)
    }

    /// What the evidence for a run says and supports: the system, and the catalogue controls
    /// and articles its probes are mapped to (ids the catalogues do not know are left out).
    fn evidence_facts(
        &self,
        actor: &Actor,
        system: AiSystemId,
        system_name: &str,
        summary: &Summary,
    ) -> Result<EvidenceFacts> {
        let iso = self.framework(actor, ISO_42001)?;
        let act = self.framework(actor, EU_AI_ACT)?;
        let mut controls = BTreeSet::new();
        let mut articles = BTreeSet::new();
        for probe in &summary.probes {
            for id in &probe.taxonomy.iso42001 {
                if iso.item(id).is_some() {
                    controls.insert(id.clone());
                }
            }
            for article in &probe.taxonomy.eu_ai_act {
                let number = article
                    .trim_start_matches("Art. ")
                    .split('(')
                    .next()
                    .unwrap_or("")
                    .trim();
                let id = format!("art-{number}");
                if act.item(&id).is_some() {
                    articles.insert(id);
                }
            }
        }
        let mut targets = vec![Target {
            kind: TargetKind::System,
            id: system.to_string(),
        }];
        targets.extend(controls.into_iter().map(|id| Target {
            kind: TargetKind::Control,
            id,
        }));
        targets.extend(articles.into_iter().map(|id| Target {
            kind: TargetKind::Requirement,
            id: format!("{EU_AI_ACT}:{id}"),
        }));
        let totals = &summary.totals;
        let rates: Vec<String> = summary
            .categories
            .iter()
            .map(|c| format!("{} {:.1}%", c.name, c.attack_success.value * 100.0))
            .collect();
        let now = self.now();
        let title: String = format!(
            "Red-team run of {system_name}: {} ({}), attack success {:.1}%",
            summary.run.name,
            run_verdict(summary.verdict).label(),
            totals.attack_success.value * 100.0
        )
        .chars()
        .take(200)
        .collect();
        Ok(EvidenceFacts {
            title,
            description: format!(
                "{} run {} against {}, started {}: {} attempts judged, {} attacks succeeded, {} errors, \
                 {} not carried out. By category: {}. Journal SHA-256 {}.",
                summary.run.tool,
                summary.run.run_id,
                summary.run.target,
                summary.run.started_at,
                totals.judged,
                totals.failed,
                totals.errors,
                totals.missing,
                rates.join("; "),
                summary.journal_sha256
            )
            .chars()
            .take(10_000)
            .collect(),
            link: String::new(),
            valid_from: Some(now),
            valid_until: Some(now.plus_days(VALID_DAYS)),
            targets,
        })
    }

    /// The latest runs against a system, newest first.
    pub async fn redteam_runs(&self, actor: &Actor, system: AiSystemId) -> Result<Vec<RedTeamRun>> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        tx.ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        Ok(tx.redteam_runs(actor.org, system, RUNS_LISTED).await?)
    }

    /// One run, with its summary.
    pub async fn redteam_run(&self, actor: &Actor, id: RedTeamRunId) -> Result<RedTeamRun> {
        actor.require(Permission::ReadOrganisation)?;
        self.store
            .read()
            .await?
            .redteam_run(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("red-team run"))
    }
}

/// A run id made safe for a file name.
fn sanitise(id: &str) -> String {
    let clean: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    if clean.is_empty() {
        "run".into()
    } else {
        clean
    }
}
