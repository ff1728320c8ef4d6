//! Organisations: the tenants.

use aims_domain::account::Organisation;
use aims_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows};
use crate::tx::Tx;

fn read_org(row: &AnyRow) -> Result<Organisation> {
    Ok(Organisation {
        id: row.parsed("id")?,
        name: row.text("name")?,
        created_at: row.at("created_at")?,
        updated_at: row.at("updated_at")?,
    })
}

impl Tx {
    /// Adds an organisation.
    pub async fn insert_org(&mut self, org: &Organisation) -> Result<()> {
        sqlx::query(
            "INSERT INTO organisations (id, name, created_at, updated_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(org.id.to_string())
        .bind(&org.name)
        .bind(org.created_at.as_micros())
        .bind(org.updated_at.as_micros())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The organisation `org`.
    pub async fn org(&mut self, org: OrgId) -> Result<Organisation> {
        let row = sqlx::query("SELECT * FROM organisations WHERE id = $1")
            .bind(org.to_string())
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        read_org(&row)
    }

    /// Renames `org`.
    pub async fn rename_org(&mut self, org: OrgId, name: &str, at: Timestamp) -> Result<()> {
        let done = sqlx::query("UPDATE organisations SET name = $2, updated_at = $3 WHERE id = $1")
            .bind(org.to_string())
            .bind(name)
            .bind(at.as_micros())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }

    /// Every organisation, oldest first. For operators (verification, backup), not for tenants.
    pub async fn all_orgs(&mut self) -> Result<Vec<Organisation>> {
        let rows = sqlx::query("SELECT * FROM organisations ORDER BY created_at, id")
            .fetch_all(self.conn())
            .await?;
        map_rows(rows, read_org)
    }

    /// How many organisations exist; zero means the service still needs its setup.
    pub async fn count_orgs(&mut self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(self.conn())
            .await?)
    }
}
