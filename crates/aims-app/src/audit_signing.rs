//! Signing each organisation's audit chain head, and the signed head as an auditor keeps it.

use aims_domain::audit::{ChainVerifier, Checkpoint, CheckpointSigner, TrustedKey};
use aims_domain::{Actor, OrgId, Permission};

use crate::App;
use crate::error::{AppError, Result};

/// The keys of this process: the signer, if it signs, and every key it believes.
#[derive(Debug, Default)]
pub(crate) struct AuditKeys {
    pub signer: Option<CheckpointSigner>,
    pub trusted: Vec<TrustedKey>,
}

impl AuditKeys {
    pub fn new(signer: Option<CheckpointSigner>, mut trusted: Vec<TrustedKey>) -> Self {
        if let Some(own) = signer.as_ref().map(CheckpointSigner::public)
            && !trusted.contains(&own)
        {
            trusted.push(own);
        }
        Self { signer, trusted }
    }
}

impl App {
    /// Signs the head of every organisation's chain that has grown since its last
    /// checkpoint; returns how many were signed. Does nothing without a signing key.
    pub async fn sign_audit_heads(&self) -> Result<usize> {
        let Some(signer) = &self.audit_keys.signer else {
            return Ok(0);
        };
        let orgs = self.store.read().await?.all_orgs().await?;
        let mut signed = 0;
        for org in orgs {
            // Under the organisation's lock: the head cannot move while it is read and signed.
            let (mut tx, now) = self.begin(org.id).await?;
            let Some((seq, head)) = tx.audit_head_hash(org.id).await? else {
                continue;
            };
            let latest = tx.latest_checkpoint(org.id).await?;
            if seq <= latest.as_ref().map_or(0, |c| c.seq) {
                continue;
            }
            // Only a trail that still leads through the last checkpoint is signed on: one
            // cut or rewritten below it keeps its break visible instead of being vouched for.
            if let Err(why) = continues_from(&mut tx, org.id, latest.as_ref(), seq).await? {
                tracing::error!(org = %org.id, %why, "audit trail not signed: it does not verify");
                continue;
            }
            tx.insert_checkpoint(&signer.sign(org.id, seq, head, now))
                .await?;
            tx.commit().await?;
            signed += 1;
        }
        Ok(signed)
    }

    /// The latest signed head of the actor's organisation, for an auditor to keep.
    pub async fn signed_head(&self, actor: &Actor) -> Result<Checkpoint> {
        actor.require(Permission::ReadAuditTrail)?;
        self.latest_signed_head(actor.org).await
    }

    /// The latest signed head of `org`.
    pub async fn latest_signed_head(&self, org: OrgId) -> Result<Checkpoint> {
        self.store
            .read()
            .await?
            .latest_checkpoint(org)
            .await?
            .ok_or(AppError::NotFound(
                "signed head (none has been signed yet: the background worker signs every minute)",
            ))
    }

    /// The public keys whose checkpoints this process believes.
    pub fn trusted_audit_keys(&self) -> &[TrustedKey] {
        &self.audit_keys.trusted
    }

    /// Checks a signed head kept outside aims against the trail: its signature is good and
    /// the trail still holds, at its position, the event it names.
    pub async fn check_signed_head(&self, line: &str) -> Result<Checkpoint> {
        let checkpoint = Checkpoint::parse_line(line)
            .map_err(|e| aims_domain::ValidationError::new("head", e.0))?;
        checkpoint
            .verify(&self.audit_keys.trusted)
            .map_err(|e| AppError::Conflict(e.0))?;
        let found = self
            .store
            .read()
            .await?
            .audit_hash_at(checkpoint.org, checkpoint.seq)
            .await?;
        match found {
            Some(hash) if hash == checkpoint.head => Ok(checkpoint),
            Some(_) => Err(AppError::Conflict(format!(
                "the trail was rewritten: event #{} is not the one the signed head names",
                checkpoint.seq
            ))),
            None => Err(AppError::Conflict(format!(
                "the trail was cut: it has no event #{} though the signed head names it",
                checkpoint.seq
            ))),
        }
    }
}

/// Whether the trail of `org` leads from `latest` (or its start) to event `head` without a
/// break: `Err` names the break.
async fn continues_from(
    tx: &mut aims_store::Tx,
    org: OrgId,
    latest: Option<&Checkpoint>,
    head: i64,
) -> Result<std::result::Result<(), String>> {
    let mut verifier = match latest {
        Some(checkpoint) => {
            if tx.audit_hash_at(org, checkpoint.seq).await? != Some(checkpoint.head) {
                return Ok(Err(format!(
                    "event #{} is no longer the one signed on {}",
                    checkpoint.seq, checkpoint.signed_at
                )));
            }
            ChainVerifier::resume(org, checkpoint.seq, checkpoint.head)
        }
        None => ChainVerifier::new(org),
    };
    let mut after = latest.map_or(0, |c| c.seq);
    while after < head {
        let page = tx.audit_chain_page(org, after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for event in &page {
            if let Err(broken) = verifier.check(event) {
                return Ok(Err(broken.to_string()));
            }
        }
    }
    Ok(Ok(()))
}
