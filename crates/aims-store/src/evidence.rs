//! Evidence records and what each one supports.

use aims_domain::evidence::{Evidence, EvidenceFacts, StoredFile, Target};
use aims_domain::{EvidenceId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::batch::Cell;
use crate::error::Result;
use crate::row::{RowExt, affected_one, map_rows};
use crate::tx::Tx;

fn read(row: &AnyRow) -> Result<Evidence> {
    let file = match row.opt_text("sha256")? {
        Some(sha256) => Some(StoredFile {
            sha256,
            size: row.opt_int("size")?.unwrap_or(0),
            media_type: row.opt_text("media_type")?.unwrap_or_default(),
            file_name: row.opt_text("file_name")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Evidence {
        id: row.parsed("id")?,
        facts: EvidenceFacts {
            title: row.text("title")?,
            description: row.text("description")?,
            link: row.text("link")?,
            valid_from: row.opt_at("valid_from")?,
            valid_until: row.opt_at("valid_until")?,
            targets: Vec::new(),
        },
        file,
        added_by: row.text("added_by")?,
        created_at: row.at("created_at")?,
        updated_at: row.at("updated_at")?,
    })
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
        let org = org.to_string();
        let mut rows = Vec::with_capacity(list.len());
        let mut targets = Vec::new();
        for e in list {
            let f = &e.facts;
            let file = e.file.as_ref();
            rows.push(vec![
                e.id.to_string().into(),
                org.as_str().into(),
                f.title.as_str().into(),
                f.description.as_str().into(),
                f.link.as_str().into(),
                f.valid_from.map(|t| t.as_micros()).into(),
                f.valid_until.map(|t| t.as_micros()).into(),
                file.map(|x| x.sha256.clone()).into(),
                file.map(|x| x.size).into(),
                file.map(|x| x.media_type.clone()).into(),
                file.map(|x| x.file_name.clone()).into(),
                e.added_by.as_str().into(),
                e.created_at.as_micros().into(),
                e.updated_at.as_micros().into(),
            ]);
            targets.extend(f.targets.iter().map(|t| -> Vec<Cell> {
                vec![
                    e.id.to_string().into(),
                    org.as_str().into(),
                    t.kind.as_str().into(),
                    t.id.as_str().into(),
                    f.valid_until.map(|u| u.as_micros()).into(),
                ]
            }));
        }
        self.insert_rows(
            "evidence",
            &[
                "id",
                "org_id",
                "title",
                "description",
                "link",
                "valid_from",
                "valid_until",
                "sha256",
                "size",
                "media_type",
                "file_name",
                "added_by",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        .await?;
        self.insert_rows(
            "evidence_targets",
            &["evidence_id", "org_id", "kind", "target_id", "valid_until"],
            targets,
        )
        .await
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
             WHERE t.org_id = $1 AND t.kind = $2 AND t.target_id = $3 ORDER BY e.created_at DESC, e.id",
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
            "SELECT * FROM evidence WHERE org_id = $1 {filter} ORDER BY created_at DESC, id LIMIT $4 OFFSET $5"
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

    /// The SHA-256 of every file a record of any organisation holds: evidence files and
    /// red-team journals. What the blob store may not sweep.
    pub async fn stored_files(&mut self) -> Result<std::collections::HashSet<String>> {
        let rows = sqlx::query(
            "SELECT sha256 AS sha FROM evidence WHERE sha256 IS NOT NULL \
             UNION SELECT journal_sha256 AS sha FROM redteam_runs",
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
