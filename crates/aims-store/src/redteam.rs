//! Red-team runs recorded against AI systems.

use aims_domain::redteam::RedTeamRun;
use aims_domain::{AiSystemId, OrgId, RedTeamRunId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{map_rows, parsed};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `redteam_runs`.
    struct RunRow in "redteam_runs" {
        id: String,
        org_id: String,
        system_id: String,
        run_id: String,
        name: String,
        tool: String,
        target: String,
        started_at: String,
        verdict: String,
        judged: i64,
        failed: i64,
        errors: i64,
        attack_success_bp: i64,
        journal_sha256: String,
        evidence_id: String,
        summary: String,
        recorded_by: String,
        created_at: i64,
    }
}

impl RunRow {
    fn new(org: OrgId, run: &RedTeamRun) -> Self {
        Self {
            id: run.id.to_string(),
            org_id: org.to_string(),
            system_id: run.system.to_string(),
            run_id: run.run_id.clone(),
            name: run.name.clone(),
            tool: run.tool.clone(),
            target: run.target.clone(),
            started_at: run.started_at.clone(),
            verdict: run.verdict.as_str().to_owned(),
            judged: run.judged,
            failed: run.failed,
            errors: run.errors,
            attack_success_bp: run.attack_success_bp,
            journal_sha256: run.journal_sha256.clone(),
            evidence_id: run.evidence.to_string(),
            summary: run.summary.to_string(),
            recorded_by: run.recorded_by.clone(),
            created_at: run.created_at.as_micros(),
        }
    }

    fn into_run(self) -> Result<RedTeamRun> {
        Ok(RedTeamRun {
            id: parsed("id", &self.id)?,
            system: parsed("system_id", &self.system_id)?,
            run_id: self.run_id,
            name: self.name,
            tool: self.tool,
            target: self.target,
            started_at: self.started_at,
            verdict: parsed("verdict", &self.verdict)?,
            judged: self.judged,
            failed: self.failed,
            errors: self.errors,
            attack_success_bp: self.attack_success_bp,
            journal_sha256: self.journal_sha256,
            evidence: parsed("evidence_id", &self.evidence_id)?,
            summary: serde_json::from_str(&self.summary)
                .map_err(|e| StoreError::Corrupt(format!("redteam_runs.summary: {e}")))?,
            recorded_by: self.recorded_by,
            created_at: Timestamp::from_micros(self.created_at),
        })
    }
}

fn read(row: &AnyRow) -> Result<RedTeamRun> {
    RunRow::from_row(row)?.into_run()
}

impl Tx {
    /// Stores a recorded run.
    pub async fn insert_redteam_run(&mut self, org: OrgId, run: &RedTeamRun) -> Result<()> {
        self.insert(vec![RunRow::new(org, run)]).await
    }

    /// The latest runs against one system, newest first, at most `limit`.
    pub async fn redteam_runs(
        &mut self,
        org: OrgId,
        system: AiSystemId,
        limit: i64,
    ) -> Result<Vec<RedTeamRun>> {
        let rows = sqlx::query(
            "SELECT * FROM redteam_runs WHERE org_id = $1 AND system_id = $2 \
             ORDER BY created_at DESC, id DESC LIMIT $3",
        )
        .bind(org.to_string())
        .bind(system.to_string())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }

    /// One run of `org`.
    pub async fn redteam_run(
        &mut self,
        org: OrgId,
        id: RedTeamRunId,
    ) -> Result<Option<RedTeamRun>> {
        let row = sqlx::query("SELECT * FROM redteam_runs WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(read).transpose()
    }
}
