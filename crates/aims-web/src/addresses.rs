//! Addresses of the web pages that more than one place links to, built in one place so that
//! a page that moves is changed once.

use aims_app::domain::AiSystemId;

/// The register's page of open risks, of one system or all: where heat-map cells lead.
pub(crate) fn open_risks(system: Option<AiSystemId>) -> String {
    match system {
        Some(s) => format!("/risks?open=true&system={s}"),
        None => "/risks?open=true".to_owned(),
    }
}
