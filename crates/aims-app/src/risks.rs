//! The risk register: the organisation's method, risks with their treatment and acceptance,
//! and the heat map.

use aims_domain::audit::AuditAction;
use aims_domain::risk::{
    Acceptance, HeatMapCounts, Risk, RiskFacts, RiskMethod, describe_change, heat_map_svg_linked,
};
use aims_domain::work::NotificationKind;
use aims_domain::{Actor, AiSystemId, Permission, RiskId, UserId, ValidationError};
use aims_store::{RiskLevels, RiskQuery, RiskSort, StoreError, Tx};
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};

/// What the risk list is asked for, as it arrives from a form or a query string.
#[derive(Clone, Debug, Default)]
pub struct RiskFilter {
    pub q: Option<String>,
    pub status: Option<String>,
    pub treatment: Option<String>,
    /// A risk level label of the method (`High`), or its index.
    pub min_level: Option<String>,
    pub system: Option<String>,
    pub overdue: Option<bool>,
    /// Only open risks with a treatment action not done and past its due day.
    pub actions_overdue: Option<bool>,
    pub open: Option<bool>,
    /// One heat-map cell: its likelihood and impact, on the `inherent` or `residual` grid.
    pub likelihood: Option<u8>,
    pub impact: Option<u8>,
    pub basis: Option<String>,
    /// `number`, `level`, `updated` or `review_due`; a leading `-` sorts descending.
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// One page of the register.
#[derive(Clone, Debug)]
pub struct RiskPage {
    pub risks: Vec<Risk>,
    /// Matches, counted up to [`crate::COUNT_CAP`] + 1.
    pub total: i64,
    /// More match than the cap; `total` is a lower bound.
    pub total_capped: bool,
    pub limit: i64,
    pub offset: i64,
    pub method: RiskMethod,
}

fn levels(method: &RiskMethod, facts: &RiskFacts) -> RiskLevels {
    let probe = Risk {
        id: RiskId::new(),
        number: 0,
        facts: facts.clone(),
        acceptance: None,
        rated_by: None,
        created_at: aims_domain::Timestamp::from_micros(0),
        updated_at: aims_domain::Timestamp::from_micros(0),
        revision: 0,
    };
    RiskLevels {
        inherent: probe.inherent_level(method),
        residual: probe.residual_level(method),
    }
}

fn blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl RiskFilter {
    fn to_query(
        &self,
        method: &RiskMethod,
        now: aims_domain::Timestamp,
    ) -> Result<RiskQuery, ValidationError> {
        use aims_domain::risk::{RiskStatus, TreatmentOption};
        let (descending, sort) = match blank(&self.sort) {
            Some(s) => s.strip_prefix('-').map_or((false, s), |rest| (true, rest)),
            None => (false, "number"),
        };
        let sort = match sort {
            "number" => RiskSort::Number,
            "level" => RiskSort::Level,
            "updated" => RiskSort::Updated,
            "review_due" => RiskSort::ReviewDue,
            _ => {
                return Err(ValidationError::new(
                    "sort",
                    "must be number, level, updated or review_due, with an optional leading -",
                ));
            }
        };
        let min_level = match blank(&self.min_level) {
            None => None,
            Some(level) => Some(
                method
                    .risk_levels
                    .iter()
                    .position(|l| l.label.eq_ignore_ascii_case(level))
                    .or_else(|| {
                        level
                            .parse::<usize>()
                            .ok()
                            .filter(|i| *i < method.risk_levels.len())
                    })
                    .ok_or_else(|| {
                        let names: Vec<&str> = method
                            .risk_levels
                            .iter()
                            .map(|l| l.label.as_str())
                            .collect();
                        ValidationError::new(
                            "min_level",
                            format!("must be one of {}", names.join(", ")),
                        )
                    })?,
            ),
        };
        let limit = self.limit.unwrap_or(50);
        if !(1..=crate::MAX_PAGE).contains(&limit) {
            return Err(ValidationError::new(
                "limit",
                format!("must be between 1 and {}", crate::MAX_PAGE),
            ));
        }
        if self.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            return Err(ValidationError::new("q", "must be at most 200 characters"));
        }
        Ok(RiskQuery {
            text: blank(&self.q).map(str::to_owned),
            status: blank(&self.status)
                .map(|s| s.parse::<RiskStatus>().map(|s| s.as_str().to_owned()))
                .transpose()?,
            treatment: blank(&self.treatment)
                .map(|s| s.parse::<TreatmentOption>().map(|s| s.as_str().to_owned()))
                .transpose()?,
            min_level,
            system: blank(&self.system)
                .map(|s| {
                    s.parse::<AiSystemId>()
                        .map_err(|_| ValidationError::new("system", "must be an AI system's id"))
                })
                .transpose()?,
            owner: None,
            review_overdue_at: self.overdue.unwrap_or(false).then_some(now),
            // As `Risk::action_overdue`: from the due date's instant, like reviews.
            action_overdue_at: self.actions_overdue.unwrap_or(false).then_some(now),
            open_only: self.open.unwrap_or(false),
            count_cap: Some(crate::COUNT_CAP),
            cell: match (self.likelihood, self.impact) {
                (Some(l), Some(i)) => Some((
                    match blank(&self.basis) {
                        None | Some("inherent") => false,
                        Some("residual") => true,
                        Some(_) => {
                            return Err(ValidationError::new(
                                "basis",
                                "must be inherent or residual",
                            ));
                        }
                    },
                    l,
                    i,
                )),
                (None, None) => None,
                _ => {
                    return Err(ValidationError::new(
                        "impact",
                        "give likelihood and impact together",
                    ));
                }
            },
            sort,
            descending,
            limit,
            offset: crate::inventory::checked_offset(self.offset)?,
        })
    }
}

/// The method in force: the organisation's own, or the default five-by-five.
async fn method_of(tx: &mut Tx, actor: &Actor) -> Result<RiskMethod> {
    Ok(tx
        .risk_method(actor.org)
        .await?
        .unwrap_or_else(RiskMethod::default_five_by_five))
}

impl App {
    /// Tells the risk's owner and the owners of its treatment actions that they hold them,
    /// unless `before` named them already.
    async fn notify_risk_people(
        &self,
        c: &mut crate::change::Change,
        actor: &Actor,
        risk: &Risk,
        before: Option<&RiskFacts>,
    ) -> Result<()> {
        let link = format!("/risks/{}", risk.id);
        if risk.facts.owner != before.and_then(|b| b.owner) {
            let title = format!("You own risk {} {}", risk.reference(), risk.facts.title);
            self.notify(
                c,
                actor,
                risk.facts.owner,
                NotificationKind::Assigned,
                &title,
                &link,
            )
            .await?;
        }
        let held_before: Vec<UserId> = before
            .map(|b| b.actions.iter().filter_map(|a| a.owner).collect())
            .unwrap_or_default();
        let new_action_owners = risk
            .facts
            .actions
            .iter()
            .filter_map(|a| a.owner)
            .filter(|o| !held_before.contains(o));
        let title = format!("A treatment action of risk {} is yours", risk.reference());
        self.notify(
            c,
            actor,
            new_action_owners,
            NotificationKind::Assigned,
            &title,
            &link,
        )
        .await
    }

    /// Checks what a risk refers to: its systems, controls and Annex C ids must exist, and
    /// the people it names (owner, action owners) must be members, unless `before` named
    /// them already (someone who left stays named until that field changes).
    async fn check_risk_refs(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        facts: &RiskFacts,
        before: Option<&RiskFacts>,
    ) -> Result<()> {
        let earlier_action_owners: Vec<UserId> = before
            .map(|b| b.actions.iter().filter_map(|a| a.owner).collect())
            .unwrap_or_default();
        let mut named = vec![("owner", facts.owner, before.and_then(|b| b.owner))];
        for action in &facts.actions {
            let known = action.owner.filter(|o| earlier_action_owners.contains(o));
            named.push(("actions.owner", action.owner, known));
        }
        crate::members::require_new_members(tx, actor.org, named).await?;
        for system in &facts.systems {
            if tx.ai_system(actor.org, *system).await?.is_none() {
                return Err(ValidationError::new(
                    "systems",
                    format!("no AI system {system} in this organisation"),
                )
                .into());
            }
        }
        let iso = self.framework(actor, crate::ISO_42001)?;
        for control in &facts.controls {
            let is_control = iso
                .item(control)
                .is_some_and(|i| i.kind == aims_catalog::ItemKind::Control);
            if !control.starts_with("A.") || !is_control {
                return Err(ValidationError::new(
                    "controls",
                    format!("{control:?} is not an ISO/IEC 42001 Annex A control"),
                )
                .into());
            }
        }
        for (field, value, prefix) in [
            ("risk_source", &facts.risk_source, "C.3."),
            ("affected_objective", &facts.affected_objective, "C.2."),
        ] {
            if let Some(id) = value
                && (!id.starts_with(prefix) || iso.item(id).is_none())
            {
                return Err(ValidationError::new(
                    field,
                    format!("{id:?} is not an ISO/IEC 42001 Annex C item {prefix}n"),
                )
                .into());
            }
        }
        Ok(())
    }

    /// The organisation's risk method.
    pub async fn risk_method(&self, actor: &Actor) -> Result<RiskMethod> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        method_of(&mut tx, actor).await
    }

    /// Changes the method (owner, admin) and re-scores every risk on the new scales in the
    /// same transaction; an acceptance whose level moved is withdrawn, as its owner signed off
    /// a different level.
    pub async fn set_risk_method(&self, actor: &Actor, method: RiskMethod) -> Result<usize> {
        actor.require(Permission::ManageOrganisation)?;
        let method = method.validate()?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let stored = c.tx.risk_method(actor.org).await?;
        let old = stored
            .clone()
            .unwrap_or_else(RiskMethod::default_five_by_five);
        // Saving the method in force changes nothing and records nothing; saving the default
        // for the first time is the organisation agreeing to it, which is recorded.
        if stored.is_some() && old == method {
            return Ok(0);
        }
        let details = describe_change(&old, &method);
        c.tx.put_risk_method(actor.org, &method, now, &actor.label)
            .await?;
        let above = |m: &RiskMethod, level: usize| level > m.acceptable_up_to;
        let mut rescored = 0;
        let mut withdrawn = Vec::new();
        for mut risk in c.tx.all_risks(actor.org).await? {
            let before = levels(&old, &risk.facts);
            let facts_before = risk.facts.clone();
            risk.facts.rescore(&old, &method);
            let after = levels(&method, &risk.facts);
            // An acceptance stands for the level it accepted under the criteria it met: a new
            // level, or criteria that now ask more of it (above the appetite where it was not,
            // or other roles to accept above it), take it back.
            let asks_more = above(&method, after.residual)
                && (!above(&old, before.residual)
                    || old.accept_above_appetite != method.accept_above_appetite);
            let withdraw =
                risk.acceptance.is_some() && (before.residual != after.residual || asks_more);
            if withdraw {
                risk.acceptance = None;
                withdrawn.push(risk.reference());
            }
            let unchanged = !withdraw
                && risk.facts == facts_before
                && before.inherent == after.inherent
                && before.residual == after.residual;
            if unchanged {
                continue;
            }
            let revision = risk.revision;
            risk.updated_at = now;
            c.tx.update_risk(actor.org, &risk, after, revision).await?;
            rescored += 1;
        }
        let change = json!({"changes": details, "risks_rescored": rescored, "acceptances_withdrawn": withdrawn});
        c.record(AuditAction::RiskMethodChanged, actor.org, change).await?;
        Ok(rescored)
        })
        .await
    }

    /// A filtered, sorted page of the register.
    pub async fn risks(&self, actor: &Actor, filter: &RiskFilter) -> Result<RiskPage> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let method = method_of(&mut tx, actor).await?;
        let query = filter.to_query(&method, self.now())?;
        let (risks, total) = tx.risks(actor.org, &query).await?;
        Ok(RiskPage {
            risks,
            total_capped: total > crate::COUNT_CAP,
            total,
            limit: query.limit,
            offset: query.offset,
            method,
        })
    }

    /// One risk and the method its scores are read with.
    pub async fn risk(&self, actor: &Actor, id: RiskId) -> Result<(Risk, RiskMethod)> {
        actor.require(Permission::ReadOrganisation)?;
        let (risk, method) = self
            .store
            .read_once(|tx| Box::pin(tx.risk_with_method(actor.org, id)))
            .await?
            .ok_or(AppError::NotFound("risk"))?;
        Ok((
            risk,
            method.unwrap_or_else(RiskMethod::default_five_by_five),
        ))
    }

    /// Records a new risk under the organisation's next number; returns it with the method
    /// that rates it, read in the same transaction.
    pub async fn create_risk(&self, actor: &Actor, facts: RiskFacts) -> Result<(Risk, RiskMethod)> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let method = method_of(&mut c.tx, actor).await?;
        let facts = facts.validate(&method)?;
        self.check_risk_refs(&mut c.tx, actor, &facts, None).await?;
        let mut risk = Risk {
            id: RiskId::new(),
            number: 0,
            facts,
            acceptance: None,
            rated_by: actor.user(),
            created_at: now,
            updated_at: now,
            revision: 1,
        };
        risk.number = c
            .tx
            .insert_risk(actor.org, &risk, levels(&method, &risk.facts))
            .await?;
        let change = json!({"number": risk.number, "title": risk.facts.title, "systems": risk.facts.systems.len()});
        c.record(AuditAction::RiskCreated, risk.id, change).await?;
        self.notify_risk_people(c, actor, &risk, None).await?;
        Ok((risk, method))
        })
        .await
    }

    /// Replaces a risk's facts if nobody changed it since `revision`. A change of its ratings
    /// or treatment withdraws an acceptance: the owner signed off what was there before.
    pub async fn update_risk(
        &self,
        actor: &Actor,
        id: RiskId,
        revision: i64,
        facts: RiskFacts,
    ) -> Result<(Risk, RiskMethod)> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let method = method_of(&mut c.tx, actor).await?;
        let facts = facts.validate(&method)?;
        let before = c
            .tx
            .risk(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("risk"))?;
        if before.revision != revision {
            return Err(AppError::Conflict(format!(
                "{} was changed by someone else (now at revision {}); reload it and apply your change again",
                before.reference(),
                before.revision
            )));
        }
        self.check_risk_refs(&mut c.tx, actor, &facts, Some(&before.facts))
            .await?;
        let fields = before.facts.changed_fields(&facts);
        if fields.is_empty() {
            return Ok((before, method));
        }
        let withdraw = before.acceptance.is_some() && before.facts.invalidates_acceptance(&facts);
        let facts_before = before.facts.clone();
        let rated_by = if before.facts.changes_ratings(&facts) {
            actor.user()
        } else {
            before.rated_by
        };
        let after = Risk {
            rated_by,
            acceptance: if withdraw {
                None
            } else {
                before.acceptance.clone()
            },
            facts,
            updated_at: now,
            revision: revision + 1,
            ..before
        };
        c.tx.update_risk(actor.org, &after, levels(&method, &after.facts), revision)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    AppError::Conflict("the risk was changed by someone else".into())
                }
                other => other.into(),
            })?;
        let change = json!({"fields": fields, "acceptance_withdrawn": withdraw});
        c.record(AuditAction::RiskUpdated, id, change).await?;
        self.notify_risk_people(c, actor, &after, Some(&facts_before))
            .await?;
        Ok((after, method))
        })
        .await
    }

    /// The risk owner's recorded sign-off that the (residual) risk may stand.
    pub async fn accept_risk(
        &self,
        actor: &Actor,
        id: RiskId,
        note: &str,
    ) -> Result<(Risk, RiskMethod)> {
        actor.require(Permission::EditContent)?;
        let by = actor.user().ok_or_else(|| {
            ValidationError::new(
                "acceptance.by",
                "only a person, the risk owner, can accept a risk",
            )
        })?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let method = method_of(&mut c.tx, actor).await?;
            let before =
                c.tx.risk(actor.org, id)
                    .await?
                    .ok_or(AppError::NotFound("risk"))?;
            let acceptance = Acceptance {
                by,
                at: now,
                note: note.to_owned(),
            }
            .validate(&before, &method, actor.role)?;
            let revision = before.revision;
            let after = Risk {
                acceptance: Some(acceptance),
                updated_at: now,
                revision: revision + 1,
                ..before
            };
            c.tx.update_risk(actor.org, &after, levels(&method, &after.facts), revision)
                .await?;
            let level = method
                .level_label(levels(&method, &after.facts).residual)
                .to_owned();
            let details = json!({"residual_level": level, "note": note.trim()});
            c.record(AuditAction::RiskAccepted, id, details).await?;
            Ok((after, method))
        })
        .await
    }

    /// Removes a risk.
    pub async fn delete_risk(&self, actor: &Actor, id: RiskId) -> Result<()> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let risk =
                c.tx.risk(actor.org, id)
                    .await?
                    .ok_or(AppError::NotFound("risk"))?;
            c.tx.delete_risk(actor.org, id).await?;
            let details = json!({"number": risk.number, "title": risk.facts.title});
            c.record(AuditAction::RiskDeleted, id, details).await?;
            Ok(())
        })
        .await
    }

    /// The heat map of open risks, inherent beside residual, overall or for one system; with
    /// `cell_link`, the address of the open risks it counts, each cell links to its own.
    pub async fn risk_heat_map(
        &self,
        actor: &Actor,
        system: Option<AiSystemId>,
        cell_link: Option<&str>,
    ) -> Result<String> {
        actor.require(Permission::ReadOrganisation)?;
        let method = method_of(&mut self.store.read().await?, actor).await?;
        let count = async || {
            let (inherent, residual) = self
                .store
                .read()
                .await?
                .risk_cells(actor.org, system)
                .await?;
            let grid = |cells: Vec<(i64, i64, i64)>| {
                let mut g = vec![vec![0u32; method.impact.size()]; method.likelihood.size()];
                for (l, i, n) in cells {
                    // Scores from before a change of scales count at the nearest step.
                    let l = (l.max(1) as usize).min(method.likelihood.size()) - 1;
                    let i = (i.max(1) as usize).min(method.impact.size()) - 1;
                    g[l][i] += n as u32;
                }
                g
            };
            Ok(HeatMapCounts {
                inherent: grid(inherent),
                residual: grid(residual),
            })
        };
        // The organisation's map counts every open risk: kept until its audit trail grows
        // (any change of a risk or the method appends to it). A system's map is small.
        let counts = match system {
            None => {
                self.heat_map_cache
                    .get_or_derive(&self.store, actor.org, self.now(), count)
                    .await?
            }
            Some(_) => count().await?,
        };
        let title = match system {
            Some(_) => "Risks of this system: inherent and residual",
            None => "All open risks: inherent and residual",
        };
        Ok(heat_map_svg_linked(&method, &counts, title, cell_link))
    }
}
