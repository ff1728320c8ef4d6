//! Frameworks and crosswalks an organisation imported, kept as the documents they came in.

use aims_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::row::{RowExt, affected_one, map_rows};
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

const COLUMNS_BUT_DOCUMENT: &str =
    "key, kind, title, format, file_name, options, sha256, imported_at, imported_by";

fn read(row: &AnyRow) -> Result<CustomFramework> {
    read_with(row, row.text("document")?)
}

fn read_with(row: &AnyRow, document: String) -> Result<CustomFramework> {
    Ok(CustomFramework {
        key: row.text("key")?,
        kind: row.text("kind")?,
        title: row.text("title")?,
        format: row.text("format")?,
        file_name: row.text("file_name")?,
        options: row.text("options")?,
        document,
        sha256: row.text("sha256")?,
        imported_at: row.at("imported_at")?,
        imported_by: row.text("imported_by")?,
    })
}

impl Tx {
    /// Records an import for `org`; a key already imported is a conflict.
    pub async fn insert_custom_framework(
        &mut self,
        org: OrgId,
        custom: &CustomFramework,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO custom_frameworks (org_id, key, kind, title, format, file_name, options, \
             document, sha256, imported_at, imported_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(org.to_string())
        .bind(&custom.key)
        .bind(&custom.kind)
        .bind(&custom.title)
        .bind(&custom.format)
        .bind(&custom.file_name)
        .bind(&custom.options)
        .bind(&custom.document)
        .bind(&custom.sha256)
        .bind(custom.imported_at.as_micros())
        .bind(&custom.imported_by)
        .execute(self.conn())
        .await?;
        Ok(())
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
            "SELECT {COLUMNS_BUT_DOCUMENT} FROM custom_frameworks WHERE org_id = $1 \
             ORDER BY kind, imported_at, key"
        )))
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |row| read_with(row, String::new()))
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
