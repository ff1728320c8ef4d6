//! The competence report: for each role, its holders, who among them holds a current AI
//! literacy measure, and which required competences they lack; and AI literacy across all
//! members, as EU AI Act Article 4 asks.

use aims_domain::account::Member;
use aims_domain::competence::{LiteracyCount, RoleCoverage, literacy_of_members, role_coverage};
use aims_domain::{Actor, Permission, Timestamp, UserId};

use crate::App;
use crate::error::Result;

/// Coverage of every role and of the organisation, at one instant.
#[derive(Clone, Debug)]
pub struct CompetenceReport {
    pub at: Timestamp,
    pub roles: Vec<RoleCoverage>,
    /// Every current member.
    pub members: LiteracyCount,
    /// Members without a current AI literacy measure.
    pub members_not_literate: Vec<UserId>,
    /// The members, to name people by.
    pub people: Vec<Member>,
}

impl CompetenceReport {
    /// How a person is shown: their name, or their email when they gave none; a former
    /// member by id.
    pub fn name_of(&self, user: UserId) -> String {
        match self.people.iter().find(|m| m.user == user) {
            Some(m) if !m.display_name.trim().is_empty() => m.display_name.clone(),
            Some(m) => m.email.to_string(),
            None => format!("former member {user}"),
        }
    }
}

impl App {
    /// The coverage of every role and of the organisation now, read in one view.
    pub async fn competence_report(&self, actor: &Actor) -> Result<CompetenceReport> {
        actor.require(Permission::ReadOrganisation)?;
        let at = self.now();
        let mut tx = self.store.read().await?;
        let roles = tx.aims_roles(actor.org).await?;
        let records = tx.all_training_records(actor.org).await?;
        let people = tx.members(actor.org).await?;
        let members: Vec<UserId> = people.iter().map(|m| m.user).collect();
        let members_not_literate = members
            .iter()
            .copied()
            .filter(|m| {
                !records
                    .iter()
                    .any(|r| r.person == *m && r.is_current_ai_literacy(at))
            })
            .collect();
        Ok(CompetenceReport {
            at,
            roles: role_coverage(&roles, &records, &members, at),
            members: literacy_of_members(&records, &members, at),
            members_not_literate,
            people,
        })
    }
}
