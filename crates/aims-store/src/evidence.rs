//! Evidence records and what each one supports.

use aims_domain::evidence::{Evidence, EvidenceFacts, StoredFile, Target};
use aims_domain::{EvidenceId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::row::{RowExt, affected_one, map_rows, parsed};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `evidence`: what it is, its period of validity and its file, if any.
    struct EvidenceRow in "evidence" {
        id: String,
        org_id: String,
        title: String,
        description: String,
        link: String,
        valid_from: Option<i64>,
        valid_until: Option<i64>,
        sha256: Option<String>,
        size: Option<i64>,
        media_type: Option<String>,
        file_name: Option<String>,
        added_by: String,
        reminded_at: Option<i64>,
        created_at: i64,
        updated_at: i64,
    }
}

table_row! {
    /// A row of `evidence_targets`: one thing a piece of evidence supports, with the end of
    /// the evidence's validity repeated so that an index alone answers "is it current".
    struct TargetRow in "evidence_targets" {
        evidence_id: String,
        org_id: String,
        kind: String,
        target_id: String,
        valid_until: Option<i64>,
    }
}

impl EvidenceRow {
    fn new(org: OrgId, e: &Evidence) -> Self {
        let f = &e.facts;
        let file = e.file.as_ref();
        Self {
            id: e.id.to_string(),
            org_id: org.to_string(),
            title: f.title.clone(),
            description: f.description.clone(),
            link: f.link.clone(),
            valid_from: f.valid_from.map(|t| t.as_micros()),
            valid_until: f.valid_until.map(|t| t.as_micros()),
            sha256: file.map(|x| x.sha256.clone()),
            size: file.map(|x| x.size),
            media_type: file.map(|x| x.media_type.clone()),
            file_name: file.map(|x| x.file_name.clone()),
            added_by: e.added_by.clone(),
            reminded_at: None,
            created_at: e.created_at.as_micros(),
            updated_at: e.updated_at.as_micros(),
        }
    }

    /// The evidence without its targets, which live in their own table.
    fn into_evidence(self) -> Result<Evidence> {
        let file = self.sha256.map(|sha256| StoredFile {
            sha256,
            size: self.size.unwrap_or(0),
            media_type: self.media_type.unwrap_or_default(),
            file_name: self.file_name.unwrap_or_default(),
        });
        Ok(Evidence {
            id: parsed("id", &self.id)?,
            facts: EvidenceFacts {
                title: self.title,
                description: self.description,
                link: self.link,
                valid_from: self.valid_from.map(Timestamp::from_micros),
                valid_until: self.valid_until.map(Timestamp::from_micros),
                targets: Vec::new(),
            },
            file,
            added_by: self.added_by,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
        })
    }
}

fn read(row: &AnyRow) -> Result<Evidence> {
    EvidenceRow::from_row(row)?.into_evidence()
}

impl Tx {
    /// Stores a new piece of evidence with its targets.
    pub async fn insert_evidence(&mut self, org: OrgId, e: &Evidence) -> Result<()> {
        self.insert_evidence_records(org, std::slice::from_ref(e))
            .await
    }

    /// Stores new pieces of evidence with their targets, in a few statements.
    pub async fn insert_evidence_records(&mut self, org: OrgId, list: &[Evidence]) -> Result<()> {
        // Before the targets' tallies, as every writer of them does, so that none deadlock.
        self.lock_tenant(org).await?;
        let rows = list.iter().map(|e| EvidenceRow::new(org, e)).collect();
        let targets = list
            .iter()
            .flat_map(|e| {
                e.facts.targets.iter().map(move |t| TargetRow {
                    evidence_id: e.id.to_string(),
                    org_id: org.to_string(),
                    kind: t.kind.as_str().to_owned(),
                    target_id: t.id.clone(),
                    valid_until: e.facts.valid_until.map(|u| u.as_micros()),
                })
            })
            .collect();
        self.insert(rows).await?;
        self.insert(targets).await
    }

    async fn with_targets(&mut self, org: OrgId, mut list: Vec<Evidence>) -> Result<Vec<Evidence>> {
        for e in &mut list {
            let rows = sqlx::query(
                // `org_id || ''` keeps the tenant check but stops SQLite from walking the
                // by-target index (which starts with org_id) instead of the primary key.
                "SELECT kind, target_id FROM evidence_targets WHERE (org_id || '') = $1 AND evidence_id = $2 \
                 ORDER BY kind, target_id",
            )
            .bind(org.to_string())
            .bind(e.id.to_string())
            .fetch_all(self.conn())
            .await?;
            e.facts.targets = map_rows(rows, |r| {
                Ok(Target {
                    kind: r.parsed("kind")?,
                    id: r.text("target_id")?,
                })
            })?;
        }
        Ok(list)
    }

    /// One piece of evidence of `org`.
    pub async fn evidence(&mut self, org: OrgId, id: EvidenceId) -> Result<Option<Evidence>> {
        let row = sqlx::query("SELECT * FROM evidence WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        let found = row.as_ref().map(read).transpose()?;
        Ok(self
            .with_targets(org, found.into_iter().collect())
            .await?
            .pop())
    }

    /// The evidence supporting one target, newest first.
    pub async fn evidence_for(&mut self, org: OrgId, target: &Target) -> Result<Vec<Evidence>> {
        let rows = sqlx::query(
            "SELECT e.* FROM evidence e JOIN evidence_targets t ON t.evidence_id = e.id \
             WHERE t.org_id = $1 AND t.kind = $2 AND t.target_id = $3 ORDER BY e.created_at DESC, e.id DESC",
        )
        .bind(org.to_string())
        .bind(target.kind.as_str())
        .bind(&target.id)
        .fetch_all(self.conn())
        .await?;
        let list = map_rows(rows, read)?;
        self.with_targets(org, list).await
    }

    /// One page of the organisation's evidence, newest first, optionally only what has
    /// `expired` by `now` or is `expiring` by `soon`; with the total that matches.
    pub async fn evidence_page(
        &mut self,
        org: OrgId,
        validity: Option<&str>,
        now: Timestamp,
        soon: Timestamp,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Evidence>, i64)> {
        let filter = match validity {
            Some("expired") => "AND valid_until IS NOT NULL AND valid_until <= $2",
            Some("expiring") => "AND valid_until > $2 AND valid_until <= $3",
            _ => "AND ($2 = $2 AND $3 = $3)",
        };
        let total = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM evidence WHERE org_id = $1 {filter}"
        )))
        .bind(org.to_string())
        .bind(now.as_micros())
        .bind(soon.as_micros())
        .fetch_one(self.conn())
        .await?
        .int("n")?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT * FROM evidence WHERE org_id = $1 {filter} ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5"
        )))
        .bind(org.to_string())
        .bind(now.as_micros())
        .bind(soon.as_micros())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.conn())
        .await?;
        let list = map_rows(rows, read)?;
        Ok((self.with_targets(org, list).await?, total))
    }

    /// The SHA-256 of every file a record of any organisation holds: evidence files,
    /// red-team journals and files attached to document versions. What the blob store may
    /// not sweep.
    pub async fn stored_files(&mut self) -> Result<std::collections::HashSet<String>> {
        let rows = sqlx::query(
            "SELECT sha256 AS sha FROM evidence WHERE sha256 IS NOT NULL \
             UNION SELECT journal_sha256 AS sha FROM redteam_runs \
             UNION SELECT attachment_sha256 AS sha FROM document_versions \
             WHERE attachment_sha256 IS NOT NULL",
        )
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(|r| r.text("sha")).collect()
    }

    /// Removes a piece of evidence; its file stays in the blob store while anything else
    /// uses it, and is swept later when nothing does.
    pub async fn delete_evidence(&mut self, org: OrgId, id: EvidenceId) -> Result<()> {
        // Before the targets' tallies, as every writer of them does, so that none deadlock.
        self.lock_tenant(org).await?;
        let done = sqlx::query("DELETE FROM evidence WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }

    /// Evidence of every organisation whose validity ends before `until` and for which no
    /// reminder was recorded yet, oldest end first, at most `limit`.
    pub async fn evidence_due_for_reminder(
        &mut self,
        until: Timestamp,
        limit: i64,
    ) -> Result<Vec<(OrgId, Evidence)>> {
        let rows = sqlx::query(
            "SELECT * FROM evidence WHERE valid_until IS NOT NULL AND valid_until <= $1 \
             AND reminded_at IS NULL ORDER BY valid_until LIMIT $2",
        )
        .bind(until.as_micros())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| Ok((r.parsed("org_id")?, read(r)?)))
    }

    /// Records that the expiry reminder of a piece of evidence was given; answers `false`
    /// when it had been given already (by another worker meanwhile).
    pub async fn mark_evidence_reminded(
        &mut self,
        org: OrgId,
        id: EvidenceId,
        at: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE evidence SET reminded_at = $1 WHERE org_id = $2 AND id = $3 \
             AND reminded_at IS NULL",
        )
        .bind(at.as_micros())
        .bind(org.to_string())
        .bind(id.to_string())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
