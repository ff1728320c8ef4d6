//! An organisation's own licensed text of requirements, by framework and item.

use aims_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::row::{RowExt, affected_one, map_rows};
use crate::tx::Tx;

/// The text an organisation attached to one requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementText {
    /// The catalogue key, `framework@version`.
    pub framework: String,
    pub item_id: String,
    pub text: String,
    pub updated_at: Timestamp,
    /// Who last set it, as shown in the audit trail.
    pub updated_by: String,
}

fn read(row: &AnyRow) -> Result<RequirementText> {
    Ok(RequirementText {
        framework: row.text("framework")?,
        item_id: row.text("item_id")?,
        text: row.text("text")?,
        updated_at: row.at("updated_at")?,
        updated_by: row.text("updated_by")?,
    })
}

impl Tx {
    /// Sets (or replaces) the text of one requirement for `org`.
    pub async fn put_requirement_text(&mut self, org: OrgId, text: &RequirementText) -> Result<()> {
        sqlx::query(
            "INSERT INTO requirement_texts (org_id, framework, item_id, text, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, framework, item_id) \
             DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(org.to_string())
        .bind(&text.framework)
        .bind(&text.item_id)
        .bind(&text.text)
        .bind(text.updated_at.as_micros())
        .bind(&text.updated_by)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The text `org` attached to one requirement, if any.
    pub async fn requirement_text(
        &mut self,
        org: OrgId,
        framework: &str,
        item_id: &str,
    ) -> Result<Option<RequirementText>> {
        let row = sqlx::query(
            "SELECT * FROM requirement_texts WHERE org_id = $1 AND framework = $2 AND item_id = $3",
        )
        .bind(org.to_string())
        .bind(framework)
        .bind(item_id)
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(read).transpose()
    }

    /// Every text `org` attached to items of `framework`.
    pub async fn requirement_texts(
        &mut self,
        org: OrgId,
        framework: &str,
    ) -> Result<Vec<RequirementText>> {
        let rows = sqlx::query(
            "SELECT * FROM requirement_texts WHERE org_id = $1 AND framework = $2 ORDER BY item_id",
        )
        .bind(org.to_string())
        .bind(framework)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }

    /// Removes the text `org` attached to one requirement.
    pub async fn delete_requirement_text(
        &mut self,
        org: OrgId,
        framework: &str,
        item_id: &str,
    ) -> Result<()> {
        let done = sqlx::query(
            "DELETE FROM requirement_texts WHERE org_id = $1 AND framework = $2 AND item_id = $3",
        )
        .bind(org.to_string())
        .bind(framework)
        .bind(item_id)
        .execute(self.conn())
        .await?;
        affected_one(done)
    }

    /// Removes every text `org` attached to items of `framework`; returns how many.
    pub async fn delete_requirement_texts(&mut self, org: OrgId, framework: &str) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM requirement_texts WHERE org_id = $1 AND framework = $2")
                .bind(org.to_string())
                .bind(framework)
                .execute(self.conn())
                .await?;
        Ok(done.rows_affected())
    }
}
