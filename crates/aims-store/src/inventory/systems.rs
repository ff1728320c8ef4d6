//! AI systems: stored, read back, listed with filters, sorting and pages in one query.

use aims_domain::inventory::{AiSystem, ClassificationSummary, SystemFacts};
use aims_domain::{AiSystemId, OrgId, Timestamp};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use super::labels::{join_labels, like_escaped, split_labels};
use crate::error::{Result, StoreError};
use crate::listing::{Listing, Searched, bind};
use crate::readiness::lacks_current_assessment;
use crate::row::{RowExt, affected_one, map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

/// How the inventory list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SystemSort {
    #[default]
    Name,
    Updated,
    LifecycleStage,
    Class,
}

/// A filtered, sorted page of the inventory. Every filter left `None` lets everything through.
#[derive(Clone, Debug, Default)]
pub struct SystemQuery {
    /// Words that must all appear in the name, purpose, description or tags.
    pub text: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub status: Option<String>,
    pub role: Option<String>,
    pub tag: Option<String>,
    /// A class name, or `unclassified`.
    pub class: Option<String>,
    pub needs_review: Option<bool>,
    /// Only high-risk systems lacking (`true`), or only systems not lacking (`false`), an
    /// approved impact assessment current at the instant given.
    pub missing_assessment: Option<(bool, Timestamp)>,
    pub owner: Option<aims_domain::UserId>,
    /// Only systems inside (`true`) or outside (`false`) the management system's scope.
    pub in_scope: Option<bool>,
    /// Stop counting matches past this many (the total is then `cap + 1`).
    pub count_cap: Option<i64>,
    pub sort: SystemSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

const COLUMNS: &str = "s.*, u.display_name AS owner_name";
const JOINS: &str = "LEFT JOIN users u ON u.id = s.owner_id";

table_row! {
    /// A row of `ai_systems`: the facts, the keys that lists sort and search by, and the
    /// summary of its current classification (which only classifying writes).
    struct SystemRow in "ai_systems" {
        id: String,
        org_id: String,
        name: String,
        name_key: String,
        search_key: String,
        purpose: String,
        description: String,
        intended_use: String,
        foreseeable_misuse: String,
        users: String,
        affected_persons: String,
        deployment_context: String,
        geography: String,
        lifecycle_stage: String,
        roles: String,
        owner_id: Option<String>,
        autonomy: String,
        human_oversight: String,
        decisions_about_people: String,
        status: String,
        tags: String,
        out_of_scope: String,
        class: Option<String>,
        class_version: Option<i64>,
        classified_at: Option<i64>,
        class_needs_review: i64,
        created_at: i64,
        updated_at: i64,
        revision: i64,
    }
}

/// What an edit of a system's facts leaves as stored: when it was made, and the summary of
/// its classification, which only classifying writes.
const KEPT_BY_EDITS: [&str; 5] = [
    "created_at",
    "class",
    "class_version",
    "classified_at",
    "class_needs_review",
];

impl SystemRow {
    fn new(org: OrgId, s: &AiSystem) -> Self {
        let f = &s.facts;
        let class = s.classification.as_ref();
        Self {
            id: s.id.to_string(),
            org_id: org.to_string(),
            name: f.name.clone(),
            name_key: f.name.to_lowercase(),
            search_key: search_key(f),
            purpose: f.purpose.clone(),
            description: f.description.clone(),
            intended_use: f.intended_use.clone(),
            foreseeable_misuse: f.foreseeable_misuse.clone(),
            users: f.users.clone(),
            affected_persons: f.affected_persons.clone(),
            deployment_context: f.deployment_context.clone(),
            geography: join_labels(f.geography.iter().map(String::as_str)),
            lifecycle_stage: f.lifecycle_stage.as_str().to_owned(),
            roles: join_labels(f.roles.iter().map(|r| r.as_str())),
            owner_id: f.owner.map(|o| o.to_string()),
            autonomy: f.autonomy.as_str().to_owned(),
            human_oversight: f.human_oversight.clone(),
            decisions_about_people: f.decisions_about_people.as_str().to_owned(),
            status: f.status.as_str().to_owned(),
            tags: join_labels(f.tags.iter().map(String::as_str)),
            out_of_scope: f.out_of_scope.clone(),
            class: class.map(|c| c.class.clone()),
            class_version: class.map(|c| c.version),
            classified_at: class.map(|c| c.decided_at.as_micros()),
            class_needs_review: i64::from(class.is_some_and(|c| c.needs_review)),
            created_at: s.created_at.as_micros(),
            updated_at: s.updated_at.as_micros(),
            revision: s.revision,
        }
    }

    fn into_system(self, owner_name: Option<String>) -> Result<AiSystem> {
        let classification = match self.class {
            Some(class) => Some(ClassificationSummary {
                class,
                version: self.class_version.unwrap_or(0),
                decided_at: Timestamp::from_micros(self.classified_at.ok_or_else(|| {
                    StoreError::Corrupt(
                        "column classified_at: empty for a classified system".into(),
                    )
                })?),
                needs_review: self.class_needs_review != 0,
            }),
            None => None,
        };
        let roles = split_labels(&self.roles)
            .iter()
            .map(|r| parsed("roles", r))
            .collect::<Result<Vec<_>>>()?;
        Ok(AiSystem {
            id: parsed("id", &self.id)?,
            facts: SystemFacts {
                name: self.name,
                purpose: self.purpose,
                description: self.description,
                intended_use: self.intended_use,
                foreseeable_misuse: self.foreseeable_misuse,
                users: self.users,
                affected_persons: self.affected_persons,
                deployment_context: self.deployment_context,
                geography: split_labels(&self.geography),
                lifecycle_stage: parsed("lifecycle_stage", &self.lifecycle_stage)?,
                roles,
                owner: opt_parsed("owner_id", self.owner_id.as_deref())?,
                autonomy: parsed("autonomy", &self.autonomy)?,
                human_oversight: self.human_oversight,
                decisions_about_people: parsed(
                    "decisions_about_people",
                    &self.decisions_about_people,
                )?,
                status: parsed("status", &self.status)?,
                tags: split_labels(&self.tags),
                out_of_scope: self.out_of_scope,
            },
            owner_name,
            classification,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            revision: self.revision,
        })
    }
}

/// A system read with its owner's name (the join of [`COLUMNS`]).
fn read(row: &AnyRow) -> Result<AiSystem> {
    SystemRow::from_row(row)?.into_system(row.opt_text("owner_name")?)
}

/// The lower-cased text a search looks through.
fn search_key(f: &SystemFacts) -> String {
    format!(
        "{} {} {} {}",
        f.name,
        f.purpose,
        f.description,
        f.tags.join(" ")
    )
    .to_lowercase()
}

impl Tx {
    /// Stores a new AI system; `Conflict` when the organisation has one of the same name.
    pub async fn insert_ai_system(&mut self, org: OrgId, s: &AiSystem) -> Result<()> {
        self.insert_ai_systems(org, std::slice::from_ref(s)).await
    }

    /// Stores new AI systems in a few statements; `Conflict` when a name is taken.
    pub async fn insert_ai_systems(&mut self, org: OrgId, list: &[AiSystem]) -> Result<()> {
        // Before the class tally the insert counts in, as every writer of it does.
        self.lock_tenant(org).await?;
        self.insert(list.iter().map(|s| SystemRow::new(org, s)).collect())
            .await
    }

    /// Writes `after` (its facts, time of change and revision) over the stored system if
    /// that is still at `expected_revision`: `NotFound` when it is not in `org`,
    /// `Conflict("revision")` when someone changed it meanwhile. Its classification stays as
    /// stored, marked for review when `needs_review`.
    pub async fn update_ai_system(
        &mut self,
        org: OrgId,
        after: &AiSystem,
        expected_revision: i64,
        needs_review: bool,
    ) -> Result<()> {
        let mut row = SystemRow::new(org, after);
        row.revision = expected_revision + 1;
        let how = Update {
            key: &["org_id", "id"],
            keep: &KEPT_BY_EDITS,
            expect: Some(("revision", expected_revision)),
            also: needs_review.then_some(
                "class_needs_review = CASE WHEN class IS NOT NULL THEN 1 ELSE class_needs_review END",
            ),
            unset: &[],
        };
        if self.update(row, how).await? == 1 {
            return Ok(());
        }
        match self.ai_system(org, after.id).await? {
            Some(_) => Err(StoreError::Conflict("revision".into())),
            None => Err(StoreError::NotFound),
        }
    }

    /// One system of `org`.
    pub async fn ai_system(&mut self, org: OrgId, id: AiSystemId) -> Result<Option<AiSystem>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM ai_systems s {JOINS} WHERE s.org_id = $1 AND s.id = $2"
        )))
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(read).transpose()
    }

    /// Removes a system with its components and classifications.
    pub async fn delete_ai_system(&mut self, org: OrgId, id: AiSystemId) -> Result<()> {
        // Before the tallies its delete counts in or cascades to, as every writer of them does.
        self.lock_tenant(org).await?;
        let done = sqlx::query("DELETE FROM ai_systems WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }

    /// One page of `org`'s inventory and how many systems match in all.
    pub async fn ai_systems(
        &mut self,
        org: OrgId,
        q: &SystemQuery,
    ) -> Result<(Vec<AiSystem>, i64)> {
        let mut clauses = vec!["s.org_id = $1".to_owned()];
        let mut binds = vec![org.to_string()];
        for (column, value) in [
            ("lifecycle_stage", &q.lifecycle_stage),
            ("status", &q.status),
        ] {
            if let Some(value) = value {
                clauses.push(bind(&format!("s.{column} = ?"), value.clone(), &mut binds));
            }
        }
        for (column, value) in [("roles", &q.role), ("tags", &q.tag)] {
            if let Some(value) = value {
                clauses.push(bind(
                    &format!("s.{column} LIKE ? ESCAPE '\\'"),
                    format!("%,{},%", like_escaped(value)),
                    &mut binds,
                ));
            }
        }
        match q.class.as_deref() {
            Some("unclassified") => clauses.push("s.class IS NULL".into()),
            Some(class) => clauses.push(bind("s.class = ?", class.to_owned(), &mut binds)),
            None => {}
        }
        if let Some(review) = q.needs_review {
            clauses.push(format!("s.class_needs_review = {}", i64::from(review)));
        }
        match q.missing_assessment {
            Some((true, now)) => clauses.push(lacks_current_assessment(now)),
            Some((false, now)) => clauses.push(format!(
                "(s.class IS NULL OR NOT ({}))",
                lacks_current_assessment(now)
            )),
            None => {}
        }
        if let Some(owner) = q.owner {
            clauses.push(bind("s.owner_id = ?", owner.to_string(), &mut binds));
        }
        match q.in_scope {
            Some(true) => clauses.push("s.out_of_scope = ''".into()),
            Some(false) => clauses.push("s.out_of_scope <> ''".into()),
            None => {}
        }
        let direction = if q.descending { "DESC" } else { "ASC" };
        let (order, order_index) = match q.sort {
            SystemSort::Name => (format!("s.name_key {direction}"), Some("ai_systems_name")),
            SystemSort::Updated => (
                format!("s.updated_at {direction}"),
                Some("ai_systems_by_updated"),
            ),
            SystemSort::LifecycleStage => {
                (format!("{} {direction}, s.name_key", stage_rank()), None)
            }
            SystemSort::Class => (format!("{} {direction}, s.name_key", class_rank()), None),
        };
        let searched = Searched {
            index: "text_index_systems",
            rows: "text_index_system_rows",
            key: "system_id",
        };
        let (rows, total) = self
            .counted_page(&Listing {
                org,
                table: "ai_systems",
                alias: "s",
                columns: COLUMNS,
                joins: JOINS,
                clauses,
                binds,
                text: q.text.as_deref().map(|text| (searched, text)),
                order: format!("{order}, s.id"),
                order_index,
                cap: q.count_cap,
                limit: q.limit,
                offset: q.offset,
            })
            .await?;
        Ok((map_rows(rows, read)?, total))
    }

    /// Every system of `org`, by name, for exports and pickers.
    pub async fn ai_system_names(&mut self, org: OrgId) -> Result<Vec<(AiSystemId, String)>> {
        let rows =
            sqlx::query("SELECT id, name FROM ai_systems WHERE org_id = $1 ORDER BY name_key")
                .bind(org.to_string())
                .fetch_all(self.conn())
                .await?;
        map_rows(rows, |r| Ok((r.parsed("id")?, r.text("name")?)))
    }
}

/// Orders lifecycle stages as the lifecycle runs, not alphabetically.
fn stage_rank() -> String {
    let arms: String = aims_domain::inventory::LifecycleStage::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| format!(" WHEN '{}' THEN {i}", s.as_str()))
        .collect();
    format!("CASE s.lifecycle_stage{arms} END")
}

/// Orders classes from the most to the least severe, unclassified last.
fn class_rank() -> String {
    "CASE s.class WHEN 'prohibited' THEN 0 WHEN 'high_risk' THEN 1 WHEN 'transparency' THEN 2 \
     WHEN 'minimal' THEN 3 ELSE 4 END"
        .to_owned()
}
