//! Red-team runs recorded against AI systems.

use aims_domain::redteam::RedTeamRun;
use aims_domain::{AiSystemId, OrgId, RedTeamRunId};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows};
use crate::tx::Tx;

fn read(row: &AnyRow) -> Result<RedTeamRun> {
    Ok(RedTeamRun {
        id: row.parsed("id")?,
        system: row.parsed("system_id")?,
        run_id: row.text("run_id")?,
        name: row.text("name")?,
        tool: row.text("tool")?,
        target: row.text("target")?,
        started_at: row.text("started_at")?,
        verdict: row.text("verdict")?,
        judged: row.int("judged")?,
        failed: row.int("failed")?,
        errors: row.int("errors")?,
        attack_success_bp: row.int("attack_success_bp")?,
        journal_sha256: row.text("journal_sha256")?,
        evidence: row.parsed("evidence_id")?,
        summary: serde_json::from_str(&row.text("summary")?)
            .map_err(|e| StoreError::Corrupt(format!("redteam_runs.summary: {e}")))?,
        recorded_by: row.text("recorded_by")?,
        created_at: row.at("created_at")?,
    })
}

impl Tx {
    /// Stores a recorded run.
    pub async fn insert_redteam_run(&mut self, org: OrgId, run: &RedTeamRun) -> Result<()> {
        sqlx::query(
            "INSERT INTO redteam_runs (id, org_id, system_id, run_id, name, tool, target, started_at, \
             verdict, judged, failed, errors, attack_success_bp, journal_sha256, evidence_id, summary, \
             recorded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(run.id.to_string())
        .bind(org.to_string())
        .bind(run.system.to_string())
        .bind(&run.run_id)
        .bind(&run.name)
        .bind(&run.tool)
        .bind(&run.target)
        .bind(&run.started_at)
        .bind(&run.verdict)
        .bind(run.judged)
        .bind(run.failed)
        .bind(run.errors)
        .bind(run.attack_success_bp)
        .bind(&run.journal_sha256)
        .bind(run.evidence.to_string())
        .bind(run.summary.to_string())
        .bind(&run.recorded_by)
        .bind(run.created_at.as_micros())
        .execute(self.conn())
        .await?;
        Ok(())
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
