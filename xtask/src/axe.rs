//! axe-core, the accessibility checker the browser tests run on every page they visit:
//! installed from the npm registry into `target/npm` at first use, at a pinned version.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The version the checks were written against.
const AXE_CORE: &str = "axe-core@4.14.1";

/// The path of `axe.min.js`, installing it first if it is not there.
pub fn install(root: &Path) -> anyhow::Result<PathBuf> {
    let prefix = root.join("target/npm");
    let script = prefix.join("node_modules/axe-core/axe.min.js");
    let version = prefix.join("node_modules/axe-core/package.json");
    let pinned = std::fs::read_to_string(&version)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .is_some_and(|v| AXE_CORE.ends_with(&format!("@{v}")));
    if script.exists() && pinned {
        return Ok(script);
    }
    std::fs::create_dir_all(&prefix)?;
    eprintln!("xtask: installing {AXE_CORE} into {}", prefix.display());
    let status = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--prefix",
        ])
        .arg(&prefix)
        .arg(AXE_CORE)
        .status()
        .context("npm (Node.js with npm is needed for the accessibility checks)")?;
    if !status.success() || !script.exists() {
        bail!("npm install {AXE_CORE} failed");
    }
    Ok(script)
}
