//! The document register as lists and the dashboard read it.

use aims_domain::document::{Document, DocumentKind, DocumentStatus};
use aims_domain::evidence::Target;
use aims_domain::{OrgId, Timestamp, UserId};
use sqlx::AssertSqlSafe;

use super::DocumentRow;
use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows};
use crate::table_row::TableRow;
use crate::tx::Tx;

/// Which documents a list shows.
#[derive(Clone, Debug, Default)]
pub struct DocumentQuery {
    pub kind: Option<DocumentKind>,
    /// The document's status as a whole (retired, or its newest version's).
    pub status: Option<DocumentStatus>,
    /// Only those whose review date has passed at this instant.
    pub overdue_at: Option<Timestamp>,
    pub owner: Option<UserId>,
    pub limit: i64,
    pub offset: i64,
}

/// How many documents stand where, for the dashboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DocumentCounts {
    /// Documents with a version in force, not retired.
    pub in_force: i64,
    /// Of those, the ones whose review date has passed.
    pub review_overdue: i64,
    /// Versions waiting for an approver.
    pub in_review: i64,
}

impl Tx {
    /// One page of the organisation's documents, most recently changed first, with the total
    /// that match.
    pub async fn documents_page(
        &mut self,
        org: OrgId,
        q: &DocumentQuery,
    ) -> Result<(Vec<Document>, i64)> {
        // Every condition binds its parameter whether it filters or not, so that the
        // numbering never depends on which are given.
        let mut conditions = vec!["org_id = $1".to_owned()];
        conditions.push(match q.kind {
            Some(_) => "kind = $2".into(),
            None => "$2 = $2".into(),
        });
        conditions.push(match q.status {
            Some(DocumentStatus::Retired) => "(retired_at IS NOT NULL AND $3 = $3)".into(),
            Some(_) => "(retired_at IS NULL AND latest_status = $3)".into(),
            None => "$3 = $3".into(),
        });
        conditions.push(match q.overdue_at {
            Some(_) => {
                "(retired_at IS NULL AND approved_version IS NOT NULL AND next_review < $4)".into()
            }
            None => "$4 = $4".into(),
        });
        conditions.push(match q.owner {
            Some(_) => "owner_id = $5".into(),
            None => "$5 = $5".into(),
        });
        let filter = conditions.join(" AND ");
        let bind = |sql: String| {
            sqlx::query(AssertSqlSafe(sql))
                .bind(org.to_string())
                .bind(q.kind.map(|k| k.as_str()).unwrap_or_default())
                .bind(q.status.map(|s| s.as_str()).unwrap_or_default())
                .bind(q.overdue_at.map(|t| t.as_micros()).unwrap_or_default())
                .bind(q.owner.map(|u| u.to_string()).unwrap_or_default())
        };
        let total = bind(format!(
            "SELECT COUNT(*) AS n FROM documents WHERE {filter}"
        ))
        .fetch_one(self.conn())
        .await?
        .int("n")?;
        let rows = bind(format!(
            "SELECT * FROM documents WHERE {filter} ORDER BY updated_at DESC, id DESC LIMIT $6 OFFSET $7"
        ))
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(self.conn())
        .await?;
        let list = map_rows(rows, |r| DocumentRow::from_row(r)?.into_document())?;
        Ok((list, total))
    }

    /// What the documents in force and not overdue for review at `now` serve: the
    /// clauses, controls, systems and risks their approved versions name. Reads those lists
    /// alone, never the documents' text.
    pub async fn served_by_documents_in_force(
        &mut self,
        org: OrgId,
        now: Timestamp,
    ) -> Result<Vec<Target>> {
        let rows = sqlx::query(
            "SELECT v.serves FROM documents d JOIN document_versions v \
             ON v.document_id = d.id AND v.version = d.approved_version \
             WHERE d.org_id = $1 AND v.org_id = $1 AND d.retired_at IS NULL \
             AND (d.next_review IS NULL OR d.next_review >= $2) AND v.serves <> '[]'",
        )
        .bind(org.to_string())
        .bind(now.as_micros())
        .fetch_all(self.conn())
        .await?;
        let mut served = Vec::new();
        for row in &rows {
            let list: Vec<Target> = serde_json::from_str(&row.text("serves")?)
                .map_err(|e| StoreError::Corrupt(format!("column serves: {e}")))?;
            served.extend(list);
        }
        Ok(served)
    }

    /// How many documents are in force, overdue for review at `now`, and waiting for approval.
    pub async fn document_counts(&mut self, org: OrgId, now: Timestamp) -> Result<DocumentCounts> {
        let row = sqlx::query(
            "SELECT \
             COALESCE(SUM(CASE WHEN approved_version IS NOT NULL THEN 1 ELSE 0 END), 0) AS in_force, \
             COALESCE(SUM(CASE WHEN approved_version IS NOT NULL AND next_review < $2 THEN 1 ELSE 0 END), 0) AS overdue, \
             COALESCE(SUM(CASE WHEN latest_status = 'in_review' THEN 1 ELSE 0 END), 0) AS in_review \
             FROM documents WHERE org_id = $1 AND retired_at IS NULL",
        )
        .bind(org.to_string())
        .bind(now.as_micros())
        .fetch_one(self.conn())
        .await?;
        Ok(DocumentCounts {
            in_force: row.int("in_force")?,
            review_overdue: row.int("overdue")?,
            in_review: row.int("in_review")?,
        })
    }

    /// Documents of every organisation in force and owned by someone whose review date
    /// passed before `now`, the longest overdue first, at most `limit`: what review tasks are
    /// made for.
    pub async fn document_reviews_due(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<(OrgId, Document)>> {
        let rows = sqlx::query(
            "SELECT * FROM documents WHERE next_review < $1 AND retired_at IS NULL \
             AND approved_version IS NOT NULL AND owner_id IS NOT NULL ORDER BY next_review, id LIMIT $2",
        )
        .bind(now.as_micros())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| {
            Ok((
                r.parsed("org_id")?,
                DocumentRow::from_row(r)?.into_document()?,
            ))
        })
    }
}
