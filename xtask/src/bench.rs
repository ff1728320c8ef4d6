pub fn run(_args: &[String]) -> anyhow::Result<std::process::ExitCode> { anyhow::bail!("not yet") }
