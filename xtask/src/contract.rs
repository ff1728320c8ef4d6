//! The API contract run of `cargo xtask test`: schemathesis (from PyPI, in a virtual
//! environment under `target/py`) against the real server, on SQLite and on PostgreSQL when
//! it is reachable, once with an owner's token and once with a viewer's, every check on and
//! the stateful phase too (`xtask/schemathesis/schemathesis.toml` says what is configured and
//! why). Each run starts its own server on a fresh database with the demo organisation.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::bench::aims;

/// The schemathesis release the contract is checked with.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// A finished contract run: one line per engine and role.
pub struct Outcome {
    pub lines: Vec<String>,
    pub failed: bool,
}

struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The schemathesis program, installing it first if this checkout has none.
fn schemathesis(root: &Path) -> anyhow::Result<PathBuf> {
    let venv = root.join("target/py/schemathesis");
    let program = venv.join("bin/schemathesis");
    let pinned = Command::new(venv.join("bin/pip"))
        .args(["show", "schemathesis"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("Version: 4.32.5"))
        .unwrap_or(false);
    if !pinned {
        eprintln!("xtask: installing {SCHEMATHESIS} into {}", venv.display());
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("python3 -m venv (Python 3 with venv is needed for the contract run)")?;
        if !made.success() {
            bail!("python3 -m venv failed");
        }
        let installed = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", SCHEMATHESIS])
            .status()
            .context("pip install schemathesis")?;
        if !installed.success() {
            bail!("pip install {SCHEMATHESIS} failed");
        }
    }
    Ok(program)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn serve(binary: &Path, data: &Path, url: &str) -> anyhow::Result<Served> {
    let port = free_port()?;
    let child = Command::new(binary)
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", url, "serve", "--demo", "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .env("AIMS_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let served = Served {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    // Listening comes before the demo organisation is made; answering comes after.
    let started = Instant::now();
    while get(&served.base, "", "/healthz").is_err() {
        if started.elapsed() > Duration::from_secs(120) {
            bail!("aims serve did not answer within two minutes");
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    Ok(served)
}

/// A GET of the API as `token`, as JSON.
fn get(base: &str, token: &str, path: &str) -> anyhow::Result<serde_json::Value> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        Ok(reqwest::Client::new()
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .timeout(Duration::from_secs(10))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    })
}

/// One engine: a server on `url`, checked as an owner and as a viewer.
fn check_engine(
    root: &Path,
    program: &Path,
    engine: &str,
    url: &str,
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    let binary = root.join("target/debug/aims");
    let data = std::env::temp_dir().join(format!("aims-contract-{engine}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let url = if url.is_empty() {
        format!("sqlite://{}?mode=rwc", data.join("aims.db").display())
    } else {
        url.to_owned()
    };
    let server = serve(&binary, &data, &url)?;
    let orgs: serde_json::Value = serde_json::from_str(&aims(
        &binary,
        &data,
        &url,
        &["verify-audit", "--format", "json"],
        None,
    )?)?;
    let org = orgs[0]["org"]
        .as_str()
        .context("the demo organisation")?
        .to_owned();
    let token = |email: &str, name: &str| -> anyhow::Result<String> {
        let out = aims(
            &binary,
            &data,
            &url,
            &[
                "admin",
                "create-token",
                "--email",
                email,
                "--org",
                &org,
                "--name",
                name,
            ],
            None,
        )?;
        Ok(out.trim().to_owned())
    };
    aims(
        &binary,
        &data,
        &url,
        &[
            "admin",
            "create-user",
            "--email",
            "contract-viewer@example.org",
            "--org",
            &org,
            "--role",
            "viewer",
        ],
        Some("a viewer's passphrase of some length\n"),
    )?;
    // Both tokens first, and the viewer's run first: the owner's run may remove the viewer.
    let callers = [
        ("viewer", "contract-viewer@example.org"),
        ("owner", "demo@example.org"),
    ]
    .into_iter()
    .map(|(role, email)| Ok((role, token(email, &format!("contract {role}"))?)))
    .collect::<anyhow::Result<Vec<_>>>()?;
    for (role, secret) in callers {
        let me = get(&server.base, &secret, "/api/v1/me")?;
        let status = Command::new(program)
            .current_dir(root.join("xtask/schemathesis"))
            .arg("--config-file")
            .arg(root.join("xtask/schemathesis/schemathesis.toml"))
            .args(["run", &format!("{}/api/openapi.json", server.base)])
            .args(["-H", &format!("Authorization: Bearer {secret}")])
            .env("SCHEMATHESIS_HOOKS", "hooks")
            .env("PYTHONPATH", root.join("xtask/schemathesis"))
            .env(
                "AIMS_ST_TOKEN_ID",
                me["token_id"].as_str().unwrap_or_default(),
            )
            .env(
                "AIMS_ST_USER_ID",
                me["user_id"].as_str().unwrap_or_default(),
            )
            .status()
            .context("running schemathesis")?;
        let line = format!(
            "API contract (schemathesis, every check, stateful) on {engine} as {role}: {}",
            if status.success() {
                "no failures"
            } else {
                "FAILURES (see above)"
            }
        );
        outcome.failed |= !status.success();
        outcome.lines.push(line);
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}

/// A new PostgreSQL database beside `admin_url`'s, and its URL.
fn postgres_database(admin_url: &str) -> anyhow::Result<(String, String)> {
    let name = format!("aims_contract_{}", std::process::id());
    let made = Command::new("psql")
        .args([admin_url, "-q", "-c"])
        .arg(format!("DROP DATABASE IF EXISTS {name}; "))
        .status()
        .and_then(|_| {
            Command::new("psql")
                .args([admin_url, "-q", "-c"])
                .arg(format!("CREATE DATABASE {name}"))
                .status()
        })
        .context("psql (the PostgreSQL client makes the contract run's database)")?;
    if !made.success() {
        bail!("psql could not create {name}");
    }
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    let url = format!("{base}/{name}");
    Ok((name, url))
}

/// Runs the contract on SQLite, and on PostgreSQL at `pg_url` when given.
pub fn run(root: &Path, pg_url: Option<&str>) -> anyhow::Result<Outcome> {
    let program = schemathesis(root)?;
    let built = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["build", "--quiet", "-p", "aims-cli"])
        .status()?;
    if !built.success() {
        bail!("building aims for the contract run failed");
    }
    let mut outcome = Outcome {
        lines: Vec::new(),
        failed: false,
    };
    check_engine(root, &program, "SQLite", "", &mut outcome)?;
    if let Some(admin) = pg_url {
        let (name, url) = postgres_database(admin)?;
        let checked = check_engine(root, &program, "PostgreSQL", &url, &mut outcome);
        let _ = Command::new("psql")
            .args([admin, "-q", "-c"])
            .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .status();
        checked?;
    }
    Ok(outcome)
}
