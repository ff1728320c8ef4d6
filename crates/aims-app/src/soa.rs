//! Controls and the Statement of Applicability: implementation records, the organisation's
//! own controls, the SoA derived from risks, obligations and decisions, and its versions.

use std::collections::BTreeMap;

use aims_domain::audit::AuditAction;
use aims_domain::soa::{
    ControlRef, Decision, EvidenceRef, ImplementationFacts, ImplementationStatus, ObligationLink,
    Soa, SoaChange, SoaInputs, SoaSnapshot, TreatmentLink, compare, derive_soa, to_csv,
};
use aims_domain::{Actor, Permission, Timestamp, UserId};
use aims_store::{EvidenceCount, SoaVersion, Tx};
use serde_json::json;

use crate::App;
use crate::classification::{EU_AI_ACT, ISO_42001, linked_controls};
use crate::error::{AppError, Result};

/// Evidence listed per control in the SoA; the counts say how much there is in all.
const EVIDENCE_PER_CONTROL: i64 = 3;
/// Risks named per control in the SoA; the rest are counted.
const RISKS_PER_CONTROL: i64 = 5;

/// The derived SoA with the evidence counts behind its rows.
#[derive(Clone, Debug)]
pub struct SoaReport {
    pub soa: Soa,
    pub evidence: BTreeMap<String, EvidenceCount>,
}

impl App {
    /// Every control the SoA covers: Annex A from the catalogue, then the organisation's own.
    async fn controls(&self, tx: &mut Tx, actor: &Actor) -> Result<Vec<ControlRef>> {
        let iso = self.framework(actor, ISO_42001)?;
        let mut controls: Vec<ControlRef> = iso
            .items
            .iter()
            .filter(|i| i.kind == aims_catalog::ItemKind::Control && i.id.starts_with("A."))
            .map(|i| ControlRef::annex_a(i.id.clone(), i.title.clone()))
            .collect();
        controls.extend(
            tx.own_controls(actor.org)
                .await?
                .into_iter()
                .map(|c| ControlRef::own(c.id, c.title)),
        );
        Ok(controls)
    }

    /// The obligations of the organisation's classified systems, linked to the Annex A
    /// controls the crosswalk maps them to.
    async fn obligation_links(&self, tx: &mut Tx, actor: &Actor) -> Result<Vec<ObligationLink>> {
        let owed = tx
            .obligation_counts(actor.org)
            .await?
            .into_iter()
            .map(|owed| {
                let system = match owed.systems {
                    1 => owed.first_system,
                    n => format!("{n} systems (first: {})", owed.first_system),
                };
                (owed.requirement, system)
            });
        self.link_obligations(actor, owed)
    }

    /// Each owed requirement, with who owes it in words, linked to the Annex A controls the
    /// crosswalk maps it to.
    fn link_obligations(
        &self,
        actor: &Actor,
        owed: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Vec<ObligationLink>> {
        let eu = self.framework(actor, EU_AI_ACT)?;
        let mut obligations = Vec::new();
        for (requirement, system) in owed {
            for linked in linked_controls(eu, &requirement)? {
                if linked.id.starts_with("A.") {
                    obligations.push(ObligationLink {
                        requirement: requirement.clone(),
                        system: system.clone(),
                        control: linked.id,
                        relation: linked.relation,
                    });
                }
            }
        }
        Ok(obligations)
    }

    /// Annex A coverage per group, derived like the SoA but from counts alone, without the
    /// risk and evidence samples a reader of the SoA needs: what the dashboard shows.
    pub(crate) async fn soa_coverage(
        &self,
        actor: &Actor,
    ) -> Result<Vec<aims_domain::soa::GroupCoverage>> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let controls = self.controls(&mut tx, actor).await?;
        // One stand-in treatment per selected control and one stand-in system per owed
        // requirement: whether any exists is all that applicability needs.
        let treatments = tx
            .controls_selected(actor.org)
            .await?
            .into_iter()
            .map(|control| TreatmentLink {
                risk_id: format!("{control}:any"),
                risk_label: String::new(),
                control,
            })
            .collect();
        let inputs = SoaInputs {
            controls,
            implementations: tx.implementations(actor.org).await?,
            treatments,
            obligations: self.link_obligations(
                actor,
                tx.owed_requirements(actor.org)
                    .await?
                    .into_iter()
                    .map(|requirement| (requirement, String::new())),
            )?,
            ..SoaInputs::default()
        };
        Ok(derive_soa(&inputs, self.now()).summary().groups)
    }

    /// The Statement of Applicability as it stands now. Derived again only when the
    /// organisation's audit trail has grown or a minute has passed, as the dashboard is.
    pub async fn statement_of_applicability(&self, actor: &Actor) -> Result<SoaReport> {
        actor.require(Permission::ReadOrganisation)?;
        let now = self.now();
        self.soa_cache
            .get_or_derive(&self.store, actor.org, now, async || {
                self.derive_statement_of_applicability(actor, now).await
            })
            .await
    }

    async fn derive_statement_of_applicability(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<SoaReport> {
        let mut tx = self.store.read().await?;
        self.derive_soa_in(&mut tx, actor, now).await
    }

    /// Derives the SoA from what `tx` sees.
    async fn derive_soa_in(
        &self,
        tx: &mut aims_store::Tx,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<SoaReport> {
        let controls = self.controls(tx, actor).await?;
        let mut treatments = Vec::new();
        for (control, count) in tx.control_treatment_counts(actor.org).await? {
            let sample = tx
                .control_treatment_sample(actor.org, &control, RISKS_PER_CONTROL)
                .await?;
            let more = count - sample.len() as i64;
            treatments.extend(
                sample
                    .into_iter()
                    .map(|(risk, number, title)| TreatmentLink {
                        risk_id: risk.to_string(),
                        risk_label: format!("R-{number} {title}"),
                        control: control.clone(),
                    }),
            );
            // An SoA row names a few risks and counts the rest, however large the register.
            if more > 0 {
                treatments.push(TreatmentLink {
                    risk_id: format!("{control}:more"),
                    risk_label: format!("{more} more risks"),
                    control: control.clone(),
                });
            }
        }
        let obligations = self.obligation_links(tx, actor).await?;
        let counts = tx.control_evidence_counts(actor.org, now).await?;
        let mut evidence = BTreeMap::new();
        for control in counts.keys() {
            let refs = tx
                .control_evidence(actor.org, control, EVIDENCE_PER_CONTROL)
                .await?
                .into_iter()
                .map(|(id, title, expires_at)| EvidenceRef {
                    id,
                    title,
                    expires_at,
                })
                .collect();
            evidence.insert(control.clone(), refs);
        }
        let requirements = crosswalked_requirements(&controls)?;
        let inputs = SoaInputs {
            controls,
            implementations: tx.implementations(actor.org).await?,
            treatments,
            obligations,
            evidence,
            requirements,
        };
        Ok(SoaReport {
            soa: derive_soa(&inputs, now),
            evidence: counts,
        })
    }

    /// Records how one control is implemented, or why it is excluded.
    pub async fn set_implementation(
        &self,
        actor: &Actor,
        control: &str,
        facts: ImplementationFacts,
    ) -> Result<()> {
        self.change_implementations(actor, &[control.to_owned()], |_| facts.clone())
            .await
            .map(|_| ())
    }

    /// Records a control's decision, status and justification, keeping the owner and notes
    /// it has (what the SoA page's row form changes).
    pub async fn decide_control(
        &self,
        actor: &Actor,
        control: &str,
        decision: ImplementationFacts,
    ) -> Result<()> {
        let update = ControlUpdate {
            decision: Some(decision.decision),
            status: Some(decision.status),
            justification: Some(decision.justification),
            owner: None,
        };
        self.update_controls(actor, &[control.to_owned()], &update)
            .await
            .map(|_| ())
    }

    /// Sets what `update` names on each of `controls` (the SoA page's row and bulk forms),
    /// in one change; returns how many records changed.
    pub async fn update_controls(
        &self,
        actor: &Actor,
        controls: &[String],
        update: &ControlUpdate,
    ) -> Result<usize> {
        self.change_implementations(actor, controls, |before| ImplementationFacts {
            decision: update.decision.unwrap_or(before.decision),
            status: update.status.unwrap_or(before.status),
            justification: update
                .justification
                .clone()
                .unwrap_or_else(|| before.justification.clone()),
            owner: update.owner.unwrap_or(before.owner),
            ..before
        })
        .await
    }

    /// Replaces the implementation records of `controls` by what `change` makes of each
    /// current one, read under the organisation's lock, one event per record that changed.
    async fn change_implementations(
        &self,
        actor: &Actor,
        controls: &[String],
        change: impl Fn(ImplementationFacts) -> ImplementationFacts,
    ) -> Result<usize> {
        actor.require(Permission::EditContent)?;
        if controls.is_empty() {
            return Err(aims_domain::ValidationError::new(
                "controls",
                "choose at least one control",
            )
            .into());
        }
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let known: Vec<String> = self
                .controls(c, actor)
                .await?
                .into_iter()
                .map(|c| c.id)
                .collect();
            if controls.iter().any(|id| !known.contains(id)) {
                return Err(AppError::NotFound("control"));
            }
            let mut records = c.implementations(actor.org).await?;
            let mut changed = 0;
            for control in controls {
                let before = records.remove(control).unwrap_or_default();
                let facts = change(before.clone()).validate()?;
                // Saving what is already recorded changes nothing and is not an event.
                if facts == before {
                    continue;
                }
                crate::members::require_new_members(
                    c,
                    actor.org,
                    [("owner", facts.owner, before.owner)],
                )
                .await?;
                c.put_implementation(actor.org, control, &facts, now, &actor.label)
                    .await?;
                c.record(
                    AuditAction::ControlImplementationSet,
                    control,
                    implementation_change(&before, &facts),
                )
                .await?;
                changed += 1;
            }
            Ok(changed)
        })
        .await
    }

    /// Adds a control of the organisation's own; returns its id (`ORG-n`).
    pub async fn add_own_control(
        &self,
        actor: &Actor,
        title: &str,
        description: &str,
    ) -> Result<String> {
        actor.require(Permission::EditContent)?;
        let title = aims_domain::validation::bounded_text("title", title, 1, 200)?;
        let description = aims_domain::validation::long_text("description", description, 10_000)?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let id = c
                .insert_own_control(actor.org, &title, &description, now)
                .await?;
            c.record(AuditAction::ControlAdded, &id, json!({"title": title}))
                .await?;
            Ok(id)
        })
        .await
    }

    /// Freezes the SoA as it stands into its next version.
    pub async fn generate_soa_version(&self, actor: &Actor) -> Result<i64> {
        actor.require(Permission::EditContent)?;
        // Derived under the lock the version is numbered and stored under, so that a later
        // version never holds older content than an earlier one.
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let report = self.derive_soa_in(c, actor, now).await?;
        let version = c.next_soa_version(actor.org).await?;
        let summary = report.soa.summary();
        let snapshot = serde_json::to_value(SoaSnapshot::new(version, now, report.soa))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        c.insert_soa_version(actor.org, version, &snapshot, now, &actor.label)
            .await?;
        let change = json!({"version": version, "applicable": summary.applicable, "excluded": summary.excluded, "flagged": summary.flagged});
        c.record(AuditAction::SoaGenerated, version, change).await?;
        Ok(version)
        })
        .await
    }

    /// Approves one SoA version (owner, admin).
    pub async fn approve_soa_version(&self, actor: &Actor, version: i64) -> Result<()> {
        actor.require(Permission::ApproveContent)?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let found = c
                .soa_version(actor.org, version)
                .await?
                .ok_or(AppError::NotFound("SoA version"))?;
            if found.approved_at.is_some() {
                return Err(AppError::Conflict(format!(
                    "version {version} is approved already"
                )));
            }
            let newest = c.next_soa_version(actor.org).await? - 1;
            if version != newest {
                return Err(AppError::Conflict(format!(
                    "version {version} has been superseded by version {newest}; only the newest \
                 version can be approved"
                )));
            }
            c.approve_soa_version(actor.org, version, &actor.label, now)
                .await?;
            c.record(
                AuditAction::SoaApproved,
                version,
                json!({"version": version}),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Every SoA version, newest first.
    pub async fn soa_versions(&self, actor: &Actor) -> Result<Vec<SoaVersion>> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(self.store.read().await?.soa_versions(actor.org).await?)
    }

    /// One SoA version as the document it was generated as.
    pub async fn soa_snapshot(
        &self,
        actor: &Actor,
        version: i64,
    ) -> Result<(SoaVersion, SoaSnapshot)> {
        actor.require(Permission::ReadOrganisation)?;
        let found = self
            .store
            .read()
            .await?
            .soa_version(actor.org, version)
            .await?
            .ok_or(AppError::NotFound("SoA version"))?;
        let snapshot: SoaSnapshot =
            serde_json::from_value(found.snapshot.clone()).map_err(|e| {
                AppError::Internal(format!("SoA version {version} cannot be read: {e}"))
            })?;
        Ok((found, snapshot))
    }

    /// What changed between two SoA versions.
    pub async fn compare_soa_versions(
        &self,
        actor: &Actor,
        from: i64,
        to: i64,
    ) -> Result<Vec<SoaChange>> {
        let (_, old) = self.soa_snapshot(actor, from).await?;
        let (_, new) = self.soa_snapshot(actor, to).await?;
        Ok(compare(&old, &new))
    }

    /// The rows of a version, or of the SoA as it stands now, with owners' names.
    async fn export_rows(
        &self,
        actor: &Actor,
        version: Option<i64>,
    ) -> Result<(Vec<aims_domain::soa::SoaRow>, BTreeMap<UserId, String>)> {
        let rows = match version {
            Some(v) => self.soa_snapshot(actor, v).await?.1.rows,
            None => self.statement_of_applicability(actor).await?.soa.rows,
        };
        let members = self
            .members(actor)
            .await?
            .into_iter()
            .map(|m| (m.user, m.display_name))
            .collect();
        Ok((rows, members))
    }

    /// The SoA as CSV for auditors: a version, or the SoA as it stands now.
    pub async fn soa_csv(&self, actor: &Actor, version: Option<i64>) -> Result<String> {
        let (rows, members) = self.export_rows(actor, version).await?;
        let names = |id: UserId| members.get(&id).cloned().unwrap_or_else(|| id.to_string());
        Ok(to_csv(&rows, &names))
    }

    /// The SoA as an XLSX workbook with the same columns as the CSV.
    pub async fn soa_xlsx(&self, actor: &Actor, version: Option<i64>) -> Result<Vec<u8>> {
        let (rows, members) = self.export_rows(actor, version).await?;
        let names = |id: UserId| members.get(&id).cloned().unwrap_or_else(|| id.to_string());
        let widths = [10, 40, 11, 60, 22, 20, 40, 30, 40, 40, 40];
        let columns: Vec<(&str, u16)> = aims_domain::soa::COLUMNS
            .iter()
            .copied()
            .zip(widths)
            .collect();
        let mut table = aims_domain::table::Table::new("Statement of Applicability", &columns);
        table.rows = aims_domain::soa::table(&rows, &names)
            .into_iter()
            .map(Vec::from)
            .collect();
        crate::workbook::xlsx(&table)
    }
}

/// What a change of some controls' records sets; `None` leaves a field as each record has it.
#[derive(Clone, Debug, Default)]
pub struct ControlUpdate {
    pub decision: Option<Decision>,
    pub status: Option<ImplementationStatus>,
    pub justification: Option<String>,
    /// `Some(None)` leaves the control without an owner.
    pub owner: Option<Option<UserId>>,
}

/// The event's record of a change: each field that changed as from → to; text fields say
/// only that they changed.
fn implementation_change(
    before: &ImplementationFacts,
    after: &ImplementationFacts,
) -> serde_json::Value {
    let mut change = serde_json::Map::new();
    let moved = |from: serde_json::Value, to: serde_json::Value| json!({"from": from, "to": to});
    if before.decision != after.decision {
        change.insert(
            "decision".into(),
            moved(json!(before.decision), json!(after.decision)),
        );
    }
    if before.status != after.status {
        change.insert(
            "status".into(),
            moved(json!(before.status), json!(after.status)),
        );
    }
    if before.owner != after.owner {
        change.insert(
            "owner".into(),
            moved(json!(before.owner), json!(after.owner)),
        );
    }
    if before.justification != after.justification {
        change.insert("justification_changed".into(), json!(true));
    }
    if before.notes != after.notes {
        change.insert("notes_changed".into(), json!(true));
    }
    serde_json::Value::Object(change)
}

/// For each Annex A control, the requirements of the other frameworks it maps to directly
/// through the shipped crosswalks, strongest relation first.
fn crosswalked_requirements(
    controls: &[aims_domain::soa::ControlRef],
) -> Result<BTreeMap<String, Vec<String>>> {
    let library = crate::frameworks::library()?;
    let Some(iso) = library.catalogue(ISO_42001) else {
        return Ok(BTreeMap::new());
    };
    let mut linked = BTreeMap::new();
    for control in controls.iter().filter(|c| c.id.starts_with("A.")) {
        let mut reached = library.map(iso, &control.id, 1);
        reached.retain(|r| {
            r.relation != aims_catalog::Relation::NoRelationship
                && !r.node.0.starts_with(&format!("{ISO_42001}@"))
        });
        reached.sort_by(|a, b| {
            b.relation
                .strength()
                .cmp(&a.relation.strength())
                .then_with(|| a.node.cmp(&b.node))
        });
        let labels: Vec<String> = reached
            .iter()
            .map(|r| {
                let (key, item) = &r.node;
                let framework = library
                    .catalogue(key.split('@').next().unwrap_or(key))
                    .map_or(key.as_str(), |c| c.framework.short_name.as_str());
                format!("{framework} {item} ({})", r.relation)
            })
            .collect();
        if !labels.is_empty() {
            linked.insert(control.id.clone(), labels);
        }
    }
    Ok(linked)
}
