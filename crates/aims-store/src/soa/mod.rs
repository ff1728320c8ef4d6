//! Controls and the Statement of Applicability: own controls, implementation records, and
//! SoA versions. What the SoA is derived from (obligations owed, evidence per control) is
//! counted in `counts`.

use std::collections::BTreeMap;

use aims_domain::soa::ImplementationFacts;
use aims_domain::{OrgId, Timestamp};

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows};
use crate::table_row::{TableRow, Update, columns_blanking, columns_but, table_row};
use crate::tx::Tx;

mod counts;

pub use counts::{EvidenceCount, ObligationCount};

/// A control the organisation defined itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnControl {
    pub id: String,
    pub title: String,
    pub description: String,
}

/// A generated SoA version.
#[derive(Clone, Debug, PartialEq)]
pub struct SoaVersion {
    pub version: i64,
    pub snapshot: serde_json::Value,
    pub generated_at: Timestamp,
    pub generated_by: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<Timestamp>,
}

table_row! {
    /// A row of `own_controls`: a control the organisation defined, numbered `ORG-n`.
    struct OwnControlRow in "own_controls" {
        org_id: String,
        id: String,
        title: String,
        description: String,
        created_at: i64,
    }
}

table_row! {
    /// A row of `control_implementations`: one control's implementation record, as JSON.
    struct ImplementationRow in "control_implementations" {
        org_id: String,
        control_id: String,
        facts: String,
        updated_at: i64,
        updated_by: String,
    }
}

table_row! {
    /// A row of `soa_versions`: a generated SoA as a JSON snapshot, and its approval.
    struct SoaVersionRow in "soa_versions" {
        org_id: String,
        version: i64,
        snapshot: String,
        generated_at: i64,
        generated_by: String,
        approved_by: Option<String>,
        approved_at: Option<i64>,
    }
}

/// The columns an approval of an SoA version writes, once.
const APPROVAL: [&str; 2] = ["approved_by", "approved_at"];

impl SoaVersionRow {
    /// The version; its snapshot is `Null` when it was read blank ([`without_snapshot`]), as
    /// a stored one never is: it is a JSON text.
    fn into_version(self) -> Result<SoaVersion> {
        let snapshot = if self.snapshot.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&self.snapshot)
                .map_err(|e| StoreError::Corrupt(format!("soa_versions.snapshot: {e}")))?
        };
        Ok(SoaVersion {
            version: self.version,
            snapshot,
            generated_at: Timestamp::from_micros(self.generated_at),
            generated_by: self.generated_by,
            approved_by: self.approved_by,
            approved_at: self.approved_at.map(Timestamp::from_micros),
        })
    }
}

/// Every column of an SoA version but its snapshot, which reads as empty: what lists and
/// approvals need of a version, without its (large) document.
fn without_snapshot() -> String {
    columns_blanking::<SoaVersionRow>(&["snapshot"])
}

impl Tx {
    /// The organisation's own controls, by id.
    pub async fn own_controls(&mut self, org: OrgId) -> Result<Vec<OwnControl>> {
        let rows =
            sqlx::query("SELECT * FROM own_controls WHERE org_id = $1 ORDER BY created_at, id")
                .bind(org.to_string())
                .fetch_all(self.conn())
                .await?;
        map_rows(rows, |r| {
            let row = OwnControlRow::from_row(r)?;
            Ok(OwnControl {
                id: row.id,
                title: row.title,
                description: row.description,
            })
        })
    }

    /// Adds an own control as `ORG-n`, the next free number; returns its id.
    pub async fn insert_own_control(
        &mut self,
        org: OrgId,
        title: &str,
        description: &str,
        at: Timestamp,
    ) -> Result<String> {
        self.lock_tenant(org).await?;
        let count = sqlx::query("SELECT COUNT(*) AS n FROM own_controls WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_one(self.conn())
            .await?
            .int("n")?;
        let id = format!("ORG-{}", count + 1);
        let row = OwnControlRow {
            org_id: org.to_string(),
            id: id.clone(),
            title: title.to_owned(),
            description: description.to_owned(),
            created_at: at.as_micros(),
        };
        self.insert(vec![row]).await?;
        Ok(id)
    }

    /// Every implementation record of `org`, by control id.
    pub async fn implementations(
        &mut self,
        org: OrgId,
    ) -> Result<BTreeMap<String, ImplementationFacts>> {
        let rows = sqlx::query("SELECT * FROM control_implementations WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_all(self.conn())
            .await?;
        rows.iter()
            .map(|r| {
                let row = ImplementationRow::from_row(r)?;
                let facts = serde_json::from_str(&row.facts).map_err(|e| {
                    StoreError::Corrupt(format!("control_implementations.facts: {e}"))
                })?;
                Ok((row.control_id, facts))
            })
            .collect()
    }

    /// Sets the implementation record of one control.
    pub async fn put_implementation(
        &mut self,
        org: OrgId,
        control: &str,
        facts: &ImplementationFacts,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        let row = ImplementationRow {
            org_id: org.to_string(),
            control_id: control.to_owned(),
            facts: serde_json::to_string(facts).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            updated_at: at.as_micros(),
            updated_by: by.to_owned(),
        };
        self.upsert(row, &["org_id", "control_id"]).await
    }

    /// The number the next SoA version of `org` gets; holds the tenant lock until the
    /// transaction ends, so that two generations never take the same one.
    pub async fn next_soa_version(&mut self, org: OrgId) -> Result<i64> {
        self.lock_tenant(org).await?;
        sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 AS v FROM soa_versions WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_one(self.conn())
            .await?
            .int("v")
    }

    /// Stores a generated SoA under `version`.
    pub async fn insert_soa_version(
        &mut self,
        org: OrgId,
        version: i64,
        snapshot: &serde_json::Value,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        let row = SoaVersionRow {
            org_id: org.to_string(),
            version,
            snapshot: snapshot.to_string(),
            generated_at: at.as_micros(),
            generated_by: by.to_owned(),
            approved_by: None,
            approved_at: None,
        };
        self.insert(vec![row]).await
    }

    /// Every SoA version of `org`, newest first, without their snapshots.
    pub async fn soa_versions(&mut self, org: OrgId) -> Result<Vec<SoaVersion>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM soa_versions WHERE org_id = $1 ORDER BY version DESC",
            without_snapshot()
        )))
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| SoaVersionRow::from_row(r)?.into_version())
    }

    /// One SoA version with its snapshot.
    pub async fn soa_version(&mut self, org: OrgId, version: i64) -> Result<Option<SoaVersion>> {
        let row = sqlx::query("SELECT * FROM soa_versions WHERE org_id = $1 AND version = $2")
            .bind(org.to_string())
            .bind(version)
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| SoaVersionRow::from_row(&r)?.into_version())
            .transpose()
    }

    /// Records the approval of one SoA version not yet approved: `NotFound` when `org` has no
    /// such version, `Conflict("approved")` when it is approved already (an approval, once
    /// given, is never overwritten, whatever the caller read before).
    pub async fn approve_soa_version(
        &mut self,
        org: OrgId,
        version: i64,
        by: &str,
        at: Timestamp,
    ) -> Result<()> {
        let found = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM soa_versions WHERE org_id = $1 AND version = $2",
            without_snapshot()
        )))
        .bind(org.to_string())
        .bind(version)
        .fetch_optional(self.conn())
        .await?;
        let Some(found) = found else {
            return Err(StoreError::NotFound);
        };
        let mut row = SoaVersionRow::from_row(&found)?;
        row.approved_by = Some(by.to_owned());
        row.approved_at = Some(at.as_micros());
        // Only the approval is written (the snapshot was read blank), and only where none is
        // stored: compared in the statement, not in what was read above.
        let keep = columns_but::<SoaVersionRow>(&APPROVAL);
        let how = Update {
            key: &["org_id", "version"],
            keep: &keep,
            expect: None,
            also: None,
            unset: &["approved_at"],
        };
        match self.update(row, how).await? {
            0 => Err(StoreError::Conflict("approved".into())),
            _ => Ok(()),
        }
    }
}
