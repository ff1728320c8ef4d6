//! Frameworks and crosswalks an organisation imported, kept as the documents they came in.

use aims_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::row::{RowExt, affected_one, map_rows};
use crate::table_row::{TableRow, columns_blanking, table_row};
use crate::tx::Tx;

/// One imported framework or crosswalk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomFramework {
    /// A catalogue's `framework@version`, or a crosswalk's id.
    pub key: String,
    /// `catalogue` or `crosswalk`.
    pub kind: String,
    /// The title the framework or crosswalk gives itself.
    pub title: String,
    /// The form the document came in (`oscal-catalog`, `csv`, ...).
    pub format: String,
    /// The name of the file it came from, without its folder.
    pub file_name: String,
    /// What the document does not say itself, as JSON.
    pub options: String,
    /// The document as imported; empty where a listing leaves it out.
    pub document: String,
    /// SHA-256 of the document, in hex.
    pub sha256: String,
    pub imported_at: Timestamp,
    /// Who imported it (the actor's label).
    pub imported_by: String,
}

/// What tells whether an organisation's imports changed, without their documents: a key
/// imported again, even from the same document with other options, has another instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomFrameworkStamp {
    pub key: String,
    pub sha256: String,
    pub imported_at: Timestamp,
}

table_row! {
    /// A row of `custom_frameworks`: an import with the document it came in.
    struct ImportRow in "custom_frameworks" {
        org_id: String,
        key: String,
        kind: String,
        title: String,
        format: String,
        file_name: String,
        options: String,
        document: String,
        sha256: String,
        imported_at: i64,
        imported_by: String,
    }
}

impl ImportRow {
    fn new(org: OrgId, c: &CustomFramework) -> Self {
        Self {
            org_id: org.to_string(),
            key: c.key.clone(),
            kind: c.kind.clone(),
            title: c.title.clone(),
            format: c.format.clone(),
            file_name: c.file_name.clone(),
            options: c.options.clone(),
            document: c.document.clone(),
            sha256: c.sha256.clone(),
            imported_at: c.imported_at.as_micros(),
            imported_by: c.imported_by.clone(),
        }
    }

    fn into_import(self) -> CustomFramework {
        CustomFramework {
            key: self.key,
            kind: self.kind,
            title: self.title,
            format: self.format,
            file_name: self.file_name,
            options: self.options,
            document: self.document,
            sha256: self.sha256,
            imported_at: Timestamp::from_micros(self.imported_at),
            imported_by: self.imported_by,
        }
    }
}

fn read(row: &AnyRow) -> Result<CustomFramework> {
    Ok(ImportRow::from_row(row)?.into_import())
}

impl Tx {
    /// Records an import for `org`; a key already imported is a conflict.
    pub async fn insert_custom_framework(
        &mut self,
        org: OrgId,
        custom: &CustomFramework,
    ) -> Result<()> {
        self.insert(vec![ImportRow::new(org, custom)]).await
    }

    /// Every import of `org`, catalogues before crosswalks, oldest first.
    pub async fn custom_frameworks(&mut self, org: OrgId) -> Result<Vec<CustomFramework>> {
        let rows = sqlx::query(
            "SELECT * FROM custom_frameworks WHERE org_id = $1 ORDER BY kind, imported_at, key",
        )
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }

    /// Every import of `org` as [`Tx::custom_frameworks`] lists them, without their documents.
    pub async fn custom_framework_list(&mut self, org: OrgId) -> Result<Vec<CustomFramework>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM custom_frameworks WHERE org_id = $1 ORDER BY kind, imported_at, key",
            // Every column but the document, which reads as empty: what a listing needs.
            columns_blanking::<ImportRow>(&["document"])
        )))
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }

    /// The keys and digests of every import of `org`, in the order of [`Tx::custom_frameworks`].
    pub async fn custom_framework_stamps(
        &mut self,
        org: OrgId,
    ) -> Result<Vec<CustomFrameworkStamp>> {
        let rows = sqlx::query(
            "SELECT key, sha256, imported_at FROM custom_frameworks WHERE org_id = $1 \
             ORDER BY kind, imported_at, key",
        )
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |row| {
            Ok(CustomFrameworkStamp {
                key: row.text("key")?,
                sha256: row.text("sha256")?,
                imported_at: row.at("imported_at")?,
            })
        })
    }

    /// Removes one import of `org`.
    pub async fn delete_custom_framework(&mut self, org: OrgId, key: &str) -> Result<()> {
        let done = sqlx::query("DELETE FROM custom_frameworks WHERE org_id = $1 AND key = $2")
            .bind(org.to_string())
            .bind(key)
            .execute(self.conn())
            .await?;
        affected_one(done)
    }
}
