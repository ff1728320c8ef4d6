//! Where the audit checkpoint keys come from: the signing key from `AIMS_AUDIT_SIGNING_KEY`
//! or the data folder's `audit-signing.key` (made on first start of a process that signs),
//! and the public keys of earlier signing keys from `AIMS_AUDIT_TRUSTED_KEYS` or the data
//! folder's `audit-trusted-keys`, so that checkpoints made before a rotation still verify.

use std::path::PathBuf;

use aims_app::domain::audit::{CheckpointSigner, TrustedKey};
use anyhow::Context;

use crate::settings::Settings;

/// The signing key's file in the data folder.
pub fn key_file(settings: &Settings) -> PathBuf {
    settings.data_dir.join("audit-signing.key")
}

/// The file of earlier keys' public halves in the data folder.
pub fn trusted_file(settings: &Settings) -> PathBuf {
    settings.data_dir.join("audit-trusted-keys")
}

/// The signing key, if one is configured or kept; with `create`, a new one is made and kept
/// (mode 0600) when there is none.
pub fn signer(settings: &Settings, create: bool) -> anyhow::Result<Option<CheckpointSigner>> {
    if let Ok(seed) = std::env::var("AIMS_AUDIT_SIGNING_KEY") {
        return CheckpointSigner::from_hex(&seed)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("AIMS_AUDIT_SIGNING_KEY: {e}"));
    }
    let path = key_file(settings);
    match std::fs::read_to_string(&path) {
        Ok(text) => CheckpointSigner::from_hex(&text)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            let signer = generate()?;
            write_private(&path, &signer.seed_hex())?;
            tracing::info!(key = %signer.public().id(), file = %path.display(), "made an audit signing key");
            Ok(Some(signer))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The public keys of earlier signing keys.
pub fn trusted(settings: &Settings) -> anyhow::Result<Vec<TrustedKey>> {
    let mut keys = Vec::new();
    let from_env = std::env::var("AIMS_AUDIT_TRUSTED_KEYS").unwrap_or_default();
    for key in from_env.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        keys.push(
            TrustedKey::parse(key).map_err(|e| anyhow::anyhow!("AIMS_AUDIT_TRUSTED_KEYS: {e}"))?,
        );
    }
    let path = trusted_file(settings);
    if let Ok(text) = std::fs::read_to_string(&path) {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            keys.push(
                TrustedKey::parse(line)
                    .map_err(|e| anyhow::anyhow!("{} line {}: {e}", path.display(), n + 1))?,
            );
        }
    }
    Ok(keys)
}

/// A new signing key from the operating system's randomness.
pub fn generate() -> anyhow::Result<CheckpointSigner> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("no randomness for a key: {e}"))?;
    Ok(CheckpointSigner::from_seed(seed))
}

/// Writes `text` to `path`, readable by this account only, atomically.
pub fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, format!("{text}\n"))
        .with_context(|| format!("writing {}", partial.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
