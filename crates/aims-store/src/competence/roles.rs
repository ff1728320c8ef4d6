//! Roles of the management system and the members who hold them.

use aims_domain::competence::{AimsRole, AimsRoleFacts};
use aims_domain::id::AimsRoleId;
use aims_domain::{OrgId, Timestamp, UserId};

use super::{list_from_json, list_to_json};
use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `aims_roles`.
    struct RoleRow in "aims_roles" {
        id: String,
        org_id: String,
        name: String,
        responsibilities: String,
        competences: String,
        refs: String,
        created_by_label: String,
        created_at: i64,
        updated_at: i64,
        revision: i64,
    }
}

table_row! {
    /// A row of `aims_role_holders`: one member holding one role.
    struct HolderRow in "aims_role_holders" {
        role_id: String,
        org_id: String,
        user_id: String,
        position: i64,
    }
}

impl RoleRow {
    fn new(org: OrgId, r: &AimsRole) -> Result<Self> {
        let f = &r.facts;
        Ok(Self {
            id: r.id.to_string(),
            org_id: org.to_string(),
            name: f.name.clone(),
            responsibilities: f.responsibilities.clone(),
            competences: list_to_json(&f.competences)?,
            refs: list_to_json(&f.references)?,
            created_by_label: r.created_by.clone(),
            created_at: r.created_at.as_micros(),
            updated_at: r.updated_at.as_micros(),
            revision: r.revision,
        })
    }

    /// The role without its holders, which live in their own table.
    fn into_role(self) -> Result<AimsRole> {
        Ok(AimsRole {
            id: parsed("id", &self.id)?,
            facts: AimsRoleFacts {
                name: self.name,
                responsibilities: self.responsibilities,
                competences: list_from_json("competences", &self.competences)?,
                holders: Vec::new(),
                references: list_from_json("refs", &self.refs)?,
            },
            created_by: self.created_by_label,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            revision: self.revision,
        })
    }
}

fn holder_rows(org: OrgId, r: &AimsRole) -> Vec<HolderRow> {
    r.facts
        .holders
        .iter()
        .zip(0..)
        .map(|(user, position)| HolderRow {
            role_id: r.id.to_string(),
            org_id: org.to_string(),
            user_id: user.to_string(),
            position,
        })
        .collect()
}

/// Most roles one organisation's list reads.
pub const MAX_AIMS_ROLES: i64 = 1_000;

impl Tx {
    /// Stores a new role with its holders.
    pub async fn insert_aims_role(&mut self, org: OrgId, r: &AimsRole) -> Result<()> {
        self.insert(vec![RoleRow::new(org, r)?]).await?;
        self.insert(holder_rows(org, r)).await
    }

    /// Writes a role changed from revision `r.revision - 1`, holders included;
    /// `Conflict("revision")` when someone changed it meanwhile.
    pub async fn save_aims_role(&mut self, org: OrgId, r: &AimsRole) -> Result<()> {
        let how = Update {
            key: &["org_id", "id"],
            keep: &["created_at", "created_by_label"],
            expect: Some(("revision", r.revision - 1)),
            unset: &[],
            also: None,
        };
        if self.update(RoleRow::new(org, r)?, how).await? == 0 {
            return match self.aims_role(org, r.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            };
        }
        sqlx::query("DELETE FROM aims_role_holders WHERE org_id = $1 AND role_id = $2")
            .bind(org.to_string())
            .bind(r.id.to_string())
            .execute(self.conn())
            .await?;
        self.insert(holder_rows(org, r)).await
    }

    /// One role of `org`, with its holders.
    pub async fn aims_role(&mut self, org: OrgId, id: AimsRoleId) -> Result<Option<AimsRole>> {
        let row = sqlx::query("SELECT * FROM aims_roles WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut role = RoleRow::from_row(&row)?.into_role()?;
        role.facts.holders = self
            .holders_of(org, Some(id))
            .await?
            .remove(&id)
            .unwrap_or_default();
        Ok(Some(role))
    }

    /// The roles of `org` by name (at most [`MAX_AIMS_ROLES`]), with their holders.
    pub async fn aims_roles(&mut self, org: OrgId) -> Result<Vec<AimsRole>> {
        let rows =
            sqlx::query("SELECT * FROM aims_roles WHERE org_id = $1 ORDER BY name, id LIMIT $2")
                .bind(org.to_string())
                .bind(MAX_AIMS_ROLES)
                .fetch_all(self.conn())
                .await?;
        let mut roles = map_rows(rows, |r| RoleRow::from_row(r)?.into_role())?;
        let mut holders = self.holders_of(org, None).await?;
        for role in &mut roles {
            role.facts.holders = holders.remove(&role.id).unwrap_or_default();
        }
        Ok(roles)
    }

    /// The holders of one role of `org`, or of all of them, in the order they were named.
    async fn holders_of(
        &mut self,
        org: OrgId,
        role: Option<AimsRoleId>,
    ) -> Result<std::collections::HashMap<AimsRoleId, Vec<UserId>>> {
        let rows = sqlx::query(
            "SELECT role_id, user_id FROM aims_role_holders \
             WHERE org_id = $1 AND ($2 = '' OR role_id = $2) ORDER BY role_id, position",
        )
        .bind(org.to_string())
        .bind(role.map(|r| r.to_string()).unwrap_or_default())
        .fetch_all(self.conn())
        .await?;
        let mut out: std::collections::HashMap<AimsRoleId, Vec<UserId>> = Default::default();
        for r in &rows {
            out.entry(r.parsed("role_id")?)
                .or_default()
                .push(r.parsed("user_id")?);
        }
        Ok(out)
    }

    /// Removes a role; its holders go with it.
    pub async fn delete_aims_role(&mut self, org: OrgId, id: AimsRoleId) -> Result<()> {
        let done = sqlx::query("DELETE FROM aims_roles WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }
}
