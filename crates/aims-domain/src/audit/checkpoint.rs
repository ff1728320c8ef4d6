//! Signed checkpoints of a chain's head. A chain alone can be cut, or rewritten and its
//! hashes recomputed, by anyone who can write to the database. A checkpoint is the head
//! (position and hash) signed with an Ed25519 key the database does not hold: a trail that
//! lost events below a checkpoint, or whose events up to one were rewritten, no longer
//! matches it, and nobody without the key can make a new one. A signed head, written as one
//! line, can be handed to an auditor, who later checks the trail still leads through it.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use super::ChainHash;
use crate::id::OrgId;
use crate::time::Timestamp;

/// What a checkpoint line starts with.
const LINE_TAG: &str = "aims-audit-head/1";
/// What a public key line starts with.
const KEY_TAG: &str = "ed25519:";

/// A signed head of one organisation's chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub org: OrgId,
    /// The position of the head event.
    pub seq: i64,
    /// The hash of the head event.
    pub head: ChainHash,
    pub signed_at: Timestamp,
    /// Which key signed it: see [`TrustedKey::id`].
    pub key_id: String,
    pub signature: [u8; 64],
}

/// A key that signs checkpoints; its secret never leaves the process that holds it.
pub struct CheckpointSigner {
    key: SigningKey,
}

/// A public key whose checkpoints are believed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedKey {
    key: VerifyingKey,
}

/// Why a checkpoint, or a line claiming to be one, is not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CheckpointError(pub String);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(text: &str, what: &str) -> Result<[u8; N], CheckpointError> {
    let bad = || CheckpointError(format!("{what} is not {N} bytes of hexadecimal"));
    if text.len() != 2 * N || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(out)
}

/// The bytes a checkpoint's signature covers.
fn signed_bytes(org: OrgId, seq: i64, head: &ChainHash, signed_at: Timestamp) -> Vec<u8> {
    format!(
        "{LINE_TAG}\n{org}\n{seq}\n{head}\n{}",
        signed_at.as_micros()
    )
    .into_bytes()
}

impl CheckpointSigner {
    /// The signer whose secret is the 32-byte `seed`.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// The signer whose seed is written as 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, CheckpointError> {
        Ok(Self::from_seed(unhex::<32>(
            text.trim(),
            "the signing key",
        )?))
    }

    /// The seed as 64 hexadecimal digits, for the key file.
    pub fn seed_hex(&self) -> String {
        hex(&self.key.to_bytes())
    }

    /// The public half, to be trusted by verifiers.
    pub fn public(&self) -> TrustedKey {
        TrustedKey {
            key: self.key.verifying_key(),
        }
    }

    /// Signs the head `seq`/`head` of the chain of `org` at `signed_at`.
    pub fn sign(&self, org: OrgId, seq: i64, head: ChainHash, signed_at: Timestamp) -> Checkpoint {
        let signature = self.key.sign(&signed_bytes(org, seq, &head, signed_at));
        Checkpoint {
            org,
            seq,
            head,
            signed_at,
            key_id: self.public().id(),
            signature: signature.to_bytes(),
        }
    }
}

impl fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CheckpointSigner({})", self.public().id())
    }
}

impl TrustedKey {
    /// A short name of the key: the first 16 hexadecimal digits of its SHA-256.
    pub fn id(&self) -> String {
        hex(&Sha256::digest(self.key.as_bytes())[..8])
    }

    /// Reads `ed25519:` followed by the key's 64 hexadecimal digits.
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let digits = text.trim().strip_prefix(KEY_TAG).ok_or_else(|| {
            CheckpointError(format!("a public key starts with {KEY_TAG}, not {text:?}"))
        })?;
        let bytes = unhex::<32>(digits, "the public key")?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| CheckpointError("the public key is not a point of Ed25519".into()))?;
        Ok(Self { key })
    }

    /// Whether this key made `checkpoint`'s signature.
    fn signed(&self, checkpoint: &Checkpoint) -> bool {
        let bytes = signed_bytes(
            checkpoint.org,
            checkpoint.seq,
            &checkpoint.head,
            checkpoint.signed_at,
        );
        self.key
            .verify(&bytes, &Signature::from_bytes(&checkpoint.signature))
            .is_ok()
    }
}

impl fmt::Display for TrustedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{KEY_TAG}{}", hex(self.key.as_bytes()))
    }
}

impl Checkpoint {
    /// Checks the signature against the trusted keys; names what is wrong.
    pub fn verify(&self, keys: &[TrustedKey]) -> Result<(), CheckpointError> {
        let key = keys.iter().find(|k| k.id() == self.key_id).ok_or_else(|| {
            CheckpointError(format!(
                "checkpoint at #{} was signed by key {}, which is not trusted here",
                self.seq, self.key_id
            ))
        })?;
        if key.signed(self) {
            Ok(())
        } else {
            Err(CheckpointError(format!(
                "checkpoint at #{} does not carry a valid signature of key {}",
                self.seq, self.key_id
            )))
        }
    }

    /// The checkpoint as one line, to be kept outside aims.
    pub fn to_line(&self) -> String {
        format!(
            "{LINE_TAG} org={} seq={} head={} at={} key={} sig={}",
            self.org,
            self.seq,
            self.head,
            self.signed_at.as_micros(),
            self.key_id,
            hex(&self.signature)
        )
    }

    /// Reads a line written by [`Checkpoint::to_line`].
    pub fn parse_line(line: &str) -> Result<Self, CheckpointError> {
        let mut words = line.split_whitespace();
        if words.next() != Some(LINE_TAG) {
            return Err(CheckpointError(format!(
                "a signed head starts with {LINE_TAG}"
            )));
        }
        let mut field = |name: &str| -> Result<String, CheckpointError> {
            let word = words
                .next()
                .ok_or_else(|| CheckpointError(format!("the signed head has no {name}")))?;
            word.strip_prefix(&format!("{name}="))
                .map(str::to_owned)
                .ok_or_else(|| CheckpointError(format!("expected {name}=, found {word:?}")))
        };
        let bad = |what: &str| CheckpointError(format!("the signed head's {what} is malformed"));
        Ok(Self {
            org: field("org")?.parse().map_err(|_| bad("org"))?,
            seq: field("seq")?.parse().map_err(|_| bad("seq"))?,
            head: field("head")?.parse().map_err(|_| bad("head"))?,
            signed_at: Timestamp::from_micros(field("at")?.parse().map_err(|_| bad("at"))?),
            key_id: field("key")?,
            signature: unhex::<64>(&field("sig")?, "the signature")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(n: u8) -> CheckpointSigner {
        CheckpointSigner::from_seed([n; 32])
    }

    #[test]
    fn checkpoints_verify_with_the_signing_key_only() {
        let org = OrgId::new();
        let at = Timestamp::from_micros(1_800_000_000_000_000);
        let cp = signer(1).sign(org, 12, ChainHash([7; 32]), at);
        assert!(cp.verify(&[signer(2).public(), signer(1).public()]).is_ok());
        let err = cp.verify(&[signer(2).public()]).unwrap_err();
        assert!(err.0.contains("not trusted"), "{err}");
        // Anything changed after signing breaks the signature.
        for forged in [
            Checkpoint {
                seq: 13,
                ..cp.clone()
            },
            Checkpoint {
                head: ChainHash([8; 32]),
                ..cp.clone()
            },
            Checkpoint {
                org: OrgId::new(),
                ..cp.clone()
            },
            Checkpoint {
                signed_at: at.plus_seconds(1),
                ..cp
            },
        ] {
            let err = forged.verify(&[signer(1).public()]).unwrap_err();
            assert!(err.0.contains("valid signature"), "{err}");
        }
    }

    #[test]
    fn lines_and_keys_read_back_what_was_written() {
        let key = signer(3);
        let cp = key.sign(
            OrgId::new(),
            1,
            ChainHash([1; 32]),
            Timestamp::from_micros(5),
        );
        assert_eq!(Checkpoint::parse_line(&cp.to_line()).unwrap(), cp);
        let public = key.public();
        assert_eq!(TrustedKey::parse(&public.to_string()).unwrap(), public);
        assert_eq!(
            CheckpointSigner::from_hex(&key.seed_hex())
                .unwrap()
                .public(),
            public
        );
        assert!(Checkpoint::parse_line("aims-audit-head/1 org=x").is_err());
        assert!(TrustedKey::parse("ed25519:00").is_err());
        assert_eq!(
            format!("{key:?}"),
            format!("CheckpointSigner({})", public.id())
        );
    }
}
