//! `aims admin ...`: non-interactive administration for scripts and CI.

use std::process::ExitCode;

use aims_app::NewApiToken;

use super::{open_migrated, org_id, password_from_stdin};
use crate::settings::{AdminCommand, Settings};

/// Runs one admin command; prints only its result on standard output.
pub async fn run(command: AdminCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let app = open_migrated(settings).await?;
    match command {
        AdminCommand::CreateOrg { name } => {
            let org = app.admin_create_org(&name).await?;
            println!("{}", org.id);
        }
        AdminCommand::CreateUser { email, org, role } => {
            let org = org_id(&org)?;
            let password = password_from_stdin()?;
            let user = app.admin_create_user(org, &email, &role, &password).await?;
            println!("{}", user.id);
        }
        AdminCommand::CreateToken {
            email,
            org,
            name,
            role,
            expires_in,
        } => {
            let org = org_id(&org)?;
            let created = app
                .admin_create_token(
                    org,
                    &email,
                    NewApiToken {
                        name,
                        role,
                        expires_in_days: expires_in,
                    },
                )
                .await?;
            println!("{}", created.secret.secret);
        }
        AdminCommand::SetPassword { email } => {
            let password = password_from_stdin()?;
            app.admin_set_password(&email, &password).await?;
            eprintln!("password set; the person's sessions were ended");
        }
        AdminCommand::Generate {
            org,
            systems,
            risks,
            evidence,
            people,
            documents,
            tasks,
            measurements,
        } => {
            let org = super::org_id(&org)?;
            let started = std::time::Instant::now();
            let size = aims_app::DataSetSize {
                systems,
                risks,
                evidence,
            };
            let ids = app.generate_data_set(org, size).await?;
            println!(
                "generated {} systems, {risks} risks and {evidence} evidence records in {:.1} s",
                ids.len(),
                started.elapsed().as_secs_f64()
            );
            if documents + tasks + measurements > 0 {
                let started = std::time::Instant::now();
                let size = aims_app::WorkSetSize {
                    people,
                    documents,
                    tasks,
                    measurements,
                };
                let made = app.generate_work_set(org, size).await?;
                println!(
                    "generated {} people, {} documents (3 versions each), {} tasks, {} metrics with {} measurements in {:.1} s",
                    made.people,
                    made.documents,
                    made.tasks,
                    made.metrics,
                    made.measurements,
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
    app.store().close().await;
    Ok(ExitCode::SUCCESS)
}
