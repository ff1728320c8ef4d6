//! Making and checking secrets: random tokens for links, cookies and the API, and Argon2id
//! password hashes.

use std::sync::OnceLock;

use aims_domain::SecretHash;
use aims_domain::account::Password;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

use crate::error::{AppError, Result};

/// Every API token starts with this, so that secret scanners and people recognise it.
pub const API_TOKEN_PREFIX: &str = "aims_";

/// A new secret and the hash under which it is stored.
pub struct Credential {
    /// Shown once to the person; never stored or logged.
    pub secret: String,
    pub hash: SecretHash,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credential(redacted)")
    }
}

impl Credential {
    /// 32 random bytes as URL-safe text, behind `prefix`.
    pub fn generate(prefix: &str) -> Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
        const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
        // 5 bits a character: 52 characters carry the 256 bits.
        let mut secret = String::with_capacity(prefix.len() + 52);
        secret.push_str(prefix);
        let mut acc: u32 = 0;
        let mut bits = 0;
        for byte in bytes {
            acc = (acc << 8) | u32::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                secret.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
            }
        }
        if bits > 0 {
            secret.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
        }
        let hash = SecretHash::of(&secret);
        Ok(Self { secret, hash })
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP's first recommended Argon2id setting: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// How long a password check waits for a free hashing slot before it is refused as busy.
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Password hashes computed at once in this process: one per core. Each takes 19 MiB and a
/// core for tens of milliseconds, so a flood of sign-ins queues here instead of growing
/// memory by 19 MiB per request in flight.
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

/// Runs `work` (one Argon2 computation) on the blocking pool once a hashing slot is free.
async fn with_hashing_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let slot = tokio::time::timeout(HASHING_WAIT, hashing_slots().acquire())
        .await
        .map_err(|_| AppError::Busy {
            retry_after_seconds: 2,
        })?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let out = tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(e.to_string()));
    drop(slot);
    out
}

/// Hashes a password with Argon2id, off the async executor.
pub async fn hash_password(password: &Password) -> Result<String> {
    let password = password.expose().to_owned();
    with_hashing_slot(move || {
        PasswordHasher::<PasswordHash>::hash_password(&argon2(), password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
    })
    .await?
}

/// A hash of no one's password, checked when an account does not exist so that a sign-in
/// takes as long for an unknown email as for a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        PasswordHasher::<PasswordHash>::hash_password(
            &argon2(),
            b"decoy password that matches nothing",
        )
        .map(|h| h.to_string())
        .unwrap_or_default()
    })
}

/// Whether `password` matches `stored` (or, with no stored hash, spends the same time and
/// answers no). Fails only when every hashing slot stayed busy for the whole wait.
pub async fn verify_password(password: &str, stored: Option<&str>) -> Result<bool> {
    let password = password.to_owned();
    let stored = stored.map(str::to_owned);
    with_hashing_slot(move || {
        let (hash, real) = match &stored {
            Some(hash) => (hash.as_str(), true),
            None => (decoy_hash(), false),
        };
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && real
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_long_random_and_prefixed() {
        let a = Credential::generate(API_TOKEN_PREFIX).unwrap();
        let b = Credential::generate(API_TOKEN_PREFIX).unwrap();
        assert!(a.secret.starts_with("aims_"));
        assert_eq!(a.secret.len(), 5 + 52);
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.hash, SecretHash::of(&a.secret));
        assert_eq!(format!("{a:?}"), "Credential(redacted)");
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_own_hash() {
        let password = Password::new("password", "correct horse battery").unwrap();
        let hash = hash_password(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify_password("correct horse battery", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse battery", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("decoy password that matches nothing", None)
                .await
                .unwrap()
        );
    }
}
