//! The audit trail: one append-only chain of events per organisation, each event sealed with
//! `hash = SHA-256(prev_hash || canonical bytes of the event)`, so that changing, removing,
//! inserting or reordering any event breaks the chain at a place that can be named.

use std::fmt;
use std::str::FromStr;

mod action;
mod checkpoint;
mod reading;

pub use action::AuditAction;
pub use checkpoint::{Checkpoint, CheckpointError, CheckpointSigner, TrustedKey};
pub use reading::{ChangeLine, change_lines, field_words};

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::access::{Actor, ActorKind};
use crate::id::{AuditEventId, OrgId};
use crate::time::Timestamp;

/// A SHA-256 digest that links one event to the one before it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    /// The `prev_hash` of an organisation's first event.
    pub const GENESIS: ChainHash = ChainHash([0; 32]);
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({self})")
    }
}

impl FromStr for ChainHash {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("not a SHA-256 hex digest: {s:?}"));
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
        }
        Ok(ChainHash(out))
    }
}

impl Serialize for ChainHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Who caused an event, as recorded in the trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditActor {
    /// `user`, `token` or `system`.
    pub kind: String,
    /// The user's or token's id; empty for the system.
    pub id: String,
    /// A readable name at the time of the event (an email, a token name).
    pub label: String,
}

impl AuditActor {
    /// A person acting for themself, outside any role (signing in, say).
    pub fn user(id: crate::id::UserId, label: &str) -> Self {
        AuditActor {
            kind: "user".into(),
            id: id.to_string(),
            label: label.to_owned(),
        }
    }
}

impl From<&Actor> for AuditActor {
    fn from(actor: &Actor) -> Self {
        let (kind, id) = match actor.kind {
            ActorKind::User(user) => ("user", user.to_string()),
            ActorKind::Token { token, .. } => ("token", token.to_string()),
            ActorKind::System => ("system", String::new()),
        };
        AuditActor {
            kind: kind.into(),
            id,
            label: actor.label.clone(),
        }
    }
}

/// A change to record, before the store gives it its place in the chain.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAuditEvent {
    pub actor: AuditActor,
    /// What happened, as `object.verb` (`member.invited`, `token.revoked`, ...).
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// The change itself: the new values, and the old ones where something was replaced.
    pub change: Value,
}

impl NewAuditEvent {
    /// An event caused by `actor`, doing `action` to the record `object_id` (of the kind
    /// the action names).
    pub fn new(
        actor: impl Into<AuditActor>,
        action: AuditAction,
        object_id: impl fmt::Display,
        change: Value,
    ) -> Self {
        Self {
            actor: actor.into(),
            action: action.as_str().into(),
            object_type: action.object_type().into(),
            object_id: object_id.to_string(),
            change,
        }
    }

    /// Places the event after `prev` (or first when `prev` is `None`) and computes its hash.
    pub fn seal(self, org: OrgId, prev: Option<(i64, ChainHash)>, at: Timestamp) -> AuditEvent {
        let (prev_seq, prev_hash) = prev.unwrap_or((0, ChainHash::GENESIS));
        let mut event = AuditEvent {
            org,
            seq: prev_seq + 1,
            id: AuditEventId::new(),
            occurred_at: at,
            actor: self.actor,
            action: self.action,
            object_type: self.object_type,
            object_id: self.object_id,
            change: canonical_json(&self.change),
            prev_hash,
            hash: ChainHash::GENESIS,
        };
        event.hash = event.compute_hash();
        event
    }
}

/// One sealed event of an organisation's audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub org: OrgId,
    /// Position in the organisation's chain, from 1 without gaps.
    pub seq: i64,
    pub id: AuditEventId,
    pub occurred_at: Timestamp,
    pub actor: AuditActor,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// The change as canonical JSON text (keys sorted), exactly the bytes that were hashed.
    pub change: String,
    pub prev_hash: ChainHash,
    pub hash: ChainHash,
}

impl AuditEvent {
    /// The bytes the hash covers: every field but the hash, each length-prefixed so that no
    /// two different events share an encoding.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let seq = self.seq.to_string();
        let at = self.occurred_at.as_micros().to_string();
        let org = self.org.to_string();
        let id = self.id.to_string();
        let fields: [&[u8]; 12] = [
            b"aims-audit-v1",
            org.as_bytes(),
            seq.as_bytes(),
            id.as_bytes(),
            at.as_bytes(),
            self.actor.kind.as_bytes(),
            self.actor.id.as_bytes(),
            self.actor.label.as_bytes(),
            self.action.as_bytes(),
            self.object_type.as_bytes(),
            self.object_id.as_bytes(),
            self.change.as_bytes(),
        ];
        let mut out = Vec::with_capacity(fields.iter().map(|f| f.len() + 8).sum());
        for field in fields {
            out.extend_from_slice(&(field.len() as u64).to_be_bytes());
            out.extend_from_slice(field);
        }
        out
    }

    /// `SHA-256(prev_hash || canonical bytes)`.
    pub fn compute_hash(&self) -> ChainHash {
        let mut hasher = Sha256::new();
        hasher.update(self.prev_hash.0);
        hasher.update(self.canonical_bytes());
        ChainHash(hasher.finalize().into())
    }
}

/// Where and why a chain stopped verifying.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("audit event #{seq} ({id}) does not verify: {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub id: String,
    pub reason: String,
}

/// Walks one chain, in the order stored; checks position, linkage and every hash, and
/// notes events timed before the one they follow (which aims no longer records: a trail
/// written by an earlier version may hold some, and their hashes are as they were sealed).
pub struct ChainVerifier {
    org: OrgId,
    last: Option<(i64, ChainHash)>,
    last_time: Option<Timestamp>,
    checked: u64,
    backward: Vec<i64>,
}

/// Most positions of events timed before their predecessor that a verification names.
const BACKWARD_NAMED: usize = 20;

impl ChainVerifier {
    /// A verifier for the chain of `org`, expecting its first event next.
    pub fn new(org: OrgId) -> Self {
        Self {
            org,
            last: None,
            last_time: None,
            checked: 0,
            backward: Vec::new(),
        }
    }

    /// A verifier that takes the event at `seq` with hash `head` as verified already (a
    /// signed checkpoint's), expecting the one after it next.
    pub fn resume(org: OrgId, seq: i64, head: ChainHash) -> Self {
        Self {
            last: Some((seq, head)),
            ..Self::new(org)
        }
    }

    /// Checks the next event of the chain.
    pub fn check(&mut self, event: &AuditEvent) -> Result<(), ChainBreak> {
        let fail = |reason: String| ChainBreak {
            seq: event.seq,
            id: event.id.to_string(),
            reason,
        };
        let (prev_seq, prev_hash) = self.last.unwrap_or((0, ChainHash::GENESIS));
        if event.org != self.org {
            return Err(fail(format!("belongs to organisation {}", event.org)));
        }
        if event.seq != prev_seq + 1 {
            return Err(fail(format!(
                "expected position {}, found {}",
                prev_seq + 1,
                event.seq
            )));
        }
        if event.prev_hash != prev_hash {
            return Err(fail("its link to the previous event does not match".into()));
        }
        if event.compute_hash() != event.hash {
            return Err(fail("its content does not match its hash".into()));
        }
        if self.last_time.is_some_and(|t| event.occurred_at < t)
            && self.backward.len() < BACKWARD_NAMED
        {
            self.backward.push(event.seq);
        }
        self.last = Some((event.seq, event.hash));
        self.last_time = Some(event.occurred_at);
        self.checked += 1;
        Ok(())
    }

    /// The positions (up to 20) of events timed before the event they follow.
    pub fn timed_before_predecessor(&self) -> &[i64] {
        &self.backward
    }

    /// How many events have verified so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// The head of the chain verified so far.
    pub fn head(&self) -> Option<(i64, ChainHash)> {
        self.last
    }
}

/// Verifies a whole chain held in memory.
pub fn verify_chain(org: OrgId, events: &[AuditEvent]) -> Result<u64, ChainBreak> {
    let mut verifier = ChainVerifier::new(org);
    events.iter().try_for_each(|e| verifier.check(e))?;
    Ok(verifier.checked())
}

/// JSON text with object keys sorted at every level, so the same value always hashes alike.
pub fn canonical_json(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&map[k])))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

#[cfg(test)]
mod tests;
