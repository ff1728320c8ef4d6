//! The demo organisation's context and scope: a mid-size consumer lender using AI in credit
//! decisions, customer service and CV screening. Version 1 is approved (written by one
//! colleague, approved by another); version 2, which brings the new Porto office into
//! scope, is a draft beside it, so a newcomer sees the version in force, the draft and what
//! changed.

use aims_domain::context::{
    AiRole, ContextContent, ContextIssue, Exclusion, InterestedParty, IssueCategory, IssueOrigin,
    PartyKind, Site,
};
use aims_domain::{Actor, ActorKind, OrgId, Role, UserId};

use crate::App;
use crate::context::ContextInput;
use crate::error::Result;

fn site(name: &str, reason: Option<&str>) -> Site {
    Site {
        name: name.into(),
        in_scope: reason.is_none(),
        reason: reason.unwrap_or_default().into(),
    }
}

fn issue(
    origin: IssueOrigin,
    category: IssueCategory,
    description: &str,
    effect: &str,
) -> ContextIssue {
    ContextIssue {
        origin: Some(origin),
        category: Some(category),
        description: description.into(),
        effect: effect.into(),
    }
}

fn party(name: &str, kind: PartyKind, requirements: &str, how: &str) -> InterestedParty {
    InterestedParty {
        name: name.into(),
        kind: Some(kind),
        requirements: requirements.into(),
        addressed: true,
        how: how.into(),
    }
}

/// Version 1 of the demo's context, as approved.
fn first_version() -> ContextContent {
    use IssueCategory as C;
    use IssueOrigin::{External, Internal};
    ContextContent {
        scope_statement: "The AI management system covers every AI system the company develops, \
            buys or uses in consumer lending, in customer service and in hiring, from the \
            decision to use AI until a system is retired, including the data, models and \
            suppliers those systems rely on."
            .into(),
        boundaries: "Units: Retail Lending, Customer Operations, People (recruitment) and the \
            Data & Analytics team that builds and runs models for them.\nProcesses: credit \
            decisioning, collections prioritisation, customer support chat, candidate \
            screening, model development and monitoring, supplier onboarding for AI services.\n\
            Locations: head office in Lisbon and the data centre it runs in Frankfurt (hosted)."
            .into(),
        sites: vec![
            site("Lisbon head office", None),
            site("Frankfurt hosting region (cloud)", None),
            site(
                "Madrid sales office",
                Some("Sells through brokers only; it runs no AI system and decides no credit"),
            ),
        ],
        exclusions: vec![
            Exclusion {
                what: "Invoice field extraction in group finance".into(),
                reason: "Run by the group's shared finance service under its own management \
                         system; we consume its output only"
                    .into(),
            },
            Exclusion {
                what: "Marketing spend analytics".into(),
                reason: "Descriptive dashboards with no model making or supporting decisions"
                    .into(),
            },
        ],
        issues: vec![
            issue(
                External,
                C::LegalRegulatory,
                "The EU AI Act classes creditworthiness scoring and CV screening as high-risk",
                "Conformity, logging, human oversight and registration duties set much of the \
                 control work and its deadlines",
            ),
            issue(
                External,
                C::LegalRegulatory,
                "Consumer credit and data protection rules require explanations of refusals and \
                 limit automated decisions",
                "Every credit model must give reasons a customer can understand, with a human \
                 review on request",
            ),
            issue(
                External,
                C::ClimateChange,
                "Training and running models draws electricity, and the hosting region faces \
                 heat waves that strain cooling",
                "Model choices weigh energy use; the hosting contract's resilience and the \
                 energy reported in the sustainability statement are reviewed yearly",
            ),
            issue(
                External,
                C::MarketEconomic,
                "Competitors approve loans in minutes with automated scoring",
                "Pressure to automate more decisions, which the risk appetite must bound",
            ),
            issue(
                External,
                C::SocialEthical,
                "Public concern about unfair treatment by algorithms in lending and hiring",
                "Fairness testing and plain-language notices are part of every high-risk \
                 system's release",
            ),
            issue(
                Internal,
                C::Technological,
                "The customer service assistant relies on a general-purpose model from a \
                 supplier that changes it without notice",
                "Regression tests and red-team runs after every supplier model change",
            ),
            issue(
                Internal,
                C::Organisational,
                "Few staff outside Data & Analytics understand how the models work",
                "AI literacy training for every role that uses or oversees AI output",
            ),
        ],
        climate_statement: String::new(),
        parties: vec![
            party(
                "Loan applicants and borrowers",
                PartyKind::AffectedPeople,
                "Fair, explained credit decisions; a person to appeal to",
                "Reason codes on every refusal, human review on request, fairness metrics",
            ),
            party(
                "Job applicants",
                PartyKind::AffectedPeople,
                "Not to be screened out unfairly or without knowing AI was used",
                "Notice in every job advert; a recruiter reads every application ranked low",
            ),
            party(
                "Banking supervisor and data protection authority",
                PartyKind::Regulators,
                "Compliance with the EU AI Act, consumer credit and data protection law",
                "Obligations register, impact assessments and audit trail kept ready to show",
            ),
            party(
                "Customers using the support chat",
                PartyKind::Customers,
                "Correct answers about their accounts and a way to reach a person",
                "Assistant answers only from approved sources and hands over on request",
            ),
            party(
                "Employees",
                PartyKind::Employees,
                "Clear rules for using AI tools and training for their role",
                "AI policy, acceptable use rules and AI literacy training",
            ),
            party(
                "Model and cloud suppliers",
                PartyKind::Suppliers,
                "Contract terms, usage limits and incident notification",
                "Supplier assessments and contract clauses on AI changes and incidents",
            ),
            party(
                "Shareholders",
                PartyKind::Investors,
                "Growth without regulatory fines or reputational damage",
                "Quarterly AI risk report to the board",
            ),
        ],
        ai_roles: vec![
            AiRole::AiProvider,
            AiRole::AiCustomer,
            AiRole::EuProvider,
            AiRole::EuDeployer,
        ],
        ai_roles_note: "We build and place on the market the credit scoring model (provider) and \
            use it ourselves (deployer); the support assistant and CV screening are bought \
            (deployer, AI customer)."
            .into(),
    }
}

impl App {
    /// The demo's context: version 1 approved, version 2 drafted beside it.
    pub(crate) async fn seed_demo_context(
        &self,
        org: OrgId,
        author: (UserId, &str),
        approver: (UserId, &str),
    ) -> Result<()> {
        let person = |(id, email): (UserId, &str), role| Actor {
            kind: ActorKind::User(id),
            org,
            role,
            label: email.to_owned(),
        };
        let author = person(author, Role::Editor);
        let approver = person(approver, Role::Admin);
        let first = first_version();
        let input = |content| ContextInput {
            content,
            revision: None,
        };
        self.save_context(&author, input(first.clone())).await?;
        self.submit_context(&author, 1).await?;
        self.approve_context(&approver, 1, "Agreed at the AI governance committee")
            .await?;
        let mut second = first;
        second
            .sites
            .insert(1, site("Porto customer operations centre", None));
        second
            .boundaries
            .push_str("\nPorto customer operations centre, from its opening.");
        self.save_context(&author, input(second)).await?;
        Ok(())
    }
}
