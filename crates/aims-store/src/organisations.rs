//! Organisations: the tenants.

use aims_domain::account::Organisation;
use aims_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{map_rows, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `organisations`.
    struct OrgRow in "organisations" {
        id: String,
        name: String,
        created_at: i64,
        updated_at: i64,
    }
}

impl OrgRow {
    fn new(org: &Organisation) -> Self {
        Self {
            id: org.id.to_string(),
            name: org.name.clone(),
            created_at: org.created_at.as_micros(),
            updated_at: org.updated_at.as_micros(),
        }
    }

    fn into_org(self) -> Result<Organisation> {
        Ok(Organisation {
            id: parsed("id", &self.id)?,
            name: self.name,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
        })
    }
}

fn read_org(row: &AnyRow) -> Result<Organisation> {
    OrgRow::from_row(row)?.into_org()
}

impl Tx {
    /// Adds an organisation.
    pub async fn insert_org(&mut self, org: &Organisation) -> Result<()> {
        self.insert(vec![OrgRow::new(org)]).await
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
        let mut row = OrgRow::new(&self.org(org).await?);
        row.name = name.to_owned();
        row.updated_at = at.as_micros();
        let how = Update {
            key: &["id"],
            keep: &["created_at"],
            expect: None,
            also: None,
            unset: &[],
        };
        match self.update(row, how).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
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
