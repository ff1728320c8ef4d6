//! HTTP integration tests: the real server on 127.0.0.1:0, spoken to over HTTP.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

mod assessments;
mod boundary;
mod competence;
mod competence_pages;
mod context_pages;
mod custom_frameworks;
mod document_files;
mod documents_pages;
mod evidence;
mod exports;
mod frameworks;
mod inventory;
mod inventory_pages;
mod journeys;
mod measurement;
mod measurement_computed;
mod nonconformity_pages;
mod outages;
mod password_reset;
mod permission_matrix;
mod permissions;
mod protections;
mod redteam;
mod risks;
mod sessions;
mod soa;
mod support;
mod work_pages;
