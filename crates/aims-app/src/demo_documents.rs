//! The demo organisation's documented information: an AI policy in force with a revision in
//! review, an approved scope and risk assessment process (its criteria attached as a
//! spreadsheet), a process in review and objectives still in draft, written by one colleague
//! and approved by another, as four eyes require.

use aims_domain::document::templates;
use aims_domain::{Actor, ActorKind, Role, UserId};

use crate::App;
use crate::documents::DocumentInput;
use crate::error::{AppError, Result};
use crate::evidence::Upload;

/// What the demo's documents go through after they are created from their template.
enum Stage {
    Draft,
    InReview,
    Approved,
    /// Approved, then revised and sent for review again.
    RevisionInReview(&'static str),
}

/// The demo's risk criteria: likelihood and impact levels as the assessment procedure uses
/// them, and what each score band asks for.
const RISK_CRITERIA: &str = "scale,level,name,meaning\n\
likelihood,1,Rare,Not expected within five years of operation\n\
likelihood,2,Unlikely,Could happen once in the system's life\n\
likelihood,3,Possible,Expected once in a few years\n\
likelihood,4,Likely,Expected yearly\n\
likelihood,5,Almost certain,Expected monthly or more often\n\
impact,1,Negligible,No effect on a person's rights or on the service\n\
impact,2,Minor,Inconvenience that is put right within a day\n\
impact,3,Moderate,A wrong decision about a person that is corrected on review\n\
impact,4,Major,Harm to a person's rights or finances that needs redress\n\
impact,5,Severe,Lasting harm to people or a breach of law\n\
band,1-6,Low,Accept with the owner's sign-off\n\
band,8-12,Medium,Treat within the quarter\n\
band,15-25,High,Treat before further use; report to the committee\n";

impl App {
    /// Creates the demo's documents, written by `author` and approved by `approver`.
    pub(crate) async fn seed_demo_documents(
        &self,
        org: aims_domain::OrgId,
        author: (UserId, &str),
        approver: (UserId, &str),
    ) -> Result<()> {
        let person = |(id, email): (UserId, &str), role| Actor {
            kind: ActorKind::User(id),
            org,
            role,
            label: email.to_owned(),
        };
        let author_actor = person(author, Role::Editor);
        let approver_actor = person(approver, Role::Admin);
        let plan = [
            (
                "ai-policy",
                Stage::RevisionInReview(
                    "\n\n## Generative AI\n\nStaff may use the approved assistant for drafting; \
                     customer data never goes into tools outside the approved list.\n",
                ),
            ),
            ("aims-scope", Stage::Approved),
            ("ai-risk-assessment-process", Stage::Approved),
            ("ai-impact-assessment-process", Stage::InReview),
            ("ai-objectives", Stage::Draft),
        ];
        for (key, stage) in plan {
            let template = templates::starter_template(key)
                .ok_or_else(|| AppError::Internal(format!("demo template {key}")))?;
            let mut doc = self
                .create_document_from_template(&author_actor, key, Some(approver.0))
                .await?;
            if key == "ai-policy" {
                // Everyone who works with the system confirms they read the policy.
                let record = self.document(&author_actor, doc.id).await?;
                let mut input = DocumentInput {
                    content: record.versions[0].content.clone(),
                    settings: record.document.settings.clone(),
                    revision: None,
                };
                input.settings.acknowledge_roles = vec![Role::Admin, Role::Editor, Role::Auditor];
                doc = self.save_document(&author_actor, doc.id, 1, input).await?;
            }
            if key == "ai-risk-assessment-process" && self.blobs.is_some() {
                // The scales the procedure names, as the spreadsheet the committee signed off.
                let criteria = Upload {
                    file_name: "risk criteria.csv".into(),
                    bytes: RISK_CRITERIA.as_bytes().to_vec(),
                };
                doc = self
                    .attach_document_file(&author_actor, doc.id, 1, None, Some(criteria))
                    .await?;
            }
            if matches!(stage, Stage::Draft) {
                continue;
            }
            self.submit_document(&author_actor, doc.id, 1).await?;
            if matches!(stage, Stage::InReview) {
                continue;
            }
            self.approve_document(
                &approver_actor,
                doc.id,
                1,
                "Reviewed at the AI governance committee",
            )
            .await?;
            if let Stage::RevisionInReview(addition) = stage {
                self.acknowledge_document(&approver_actor, doc.id, 1)
                    .await?;
                let record = self.document(&author_actor, doc.id).await?;
                let mut content = record.versions[0].content.clone();
                content.body = format!("{}{addition}", template.body.trim_end());
                let input = DocumentInput {
                    content,
                    settings: record.document.settings,
                    revision: None,
                };
                self.save_document(&author_actor, doc.id, 1, input).await?;
                self.submit_document(&author_actor, doc.id, 2).await?;
            }
        }
        Ok(())
    }
}
