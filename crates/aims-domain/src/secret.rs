//! Secrets handed to people (session cookies, API tokens, invitation and setup links) are
//! random, shown once, and kept only as a SHA-256 hash: a copy of the database lets no one in.

use std::fmt;

use sha2::{Digest, Sha256};

/// The hex SHA-256 of a secret, the only form in which a secret is stored.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretHash(String);

impl SecretHash {
    /// Hashes a secret.
    pub fn of(secret: &str) -> Self {
        let digest = Sha256::digest(secret.as_bytes());
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Wraps a hash read back from storage.
    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    /// The hash as hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Even a hash is kept out of logs: it identifies a live credential.
        f.write_str("SecretHash(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_hex_and_hidden_from_debug() {
        let hash = SecretHash::of("abc");
        assert_eq!(
            hash.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(format!("{hash:?}"), "SecretHash(..)");
    }
}
