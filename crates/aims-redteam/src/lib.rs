//! The red-team engine of aims.
//!
//! A run takes one [`config::RunConfig`]: a target (an OpenAI-compatible endpoint, a generic
//! HTTP JSON endpoint or a local command), a selection of probes from versioned packs, the
//! converters to compose with them, and the runner's limits. The [`plan`] expands that into
//! attempts with stable ids, the [`runner`] sends them with bounded concurrency, rate limits and
//! retries, writes each finished attempt to a JSONL [`journal`] (so a run can resume), and the
//! [`detector`]s decide whether each attack succeeded. [`report`] turns a journal into a summary,
//! JUnit XML, SARIF and a self-contained HTML page; [`import`] reads garak and promptfoo reports
//! into the same result model. [`lab`] is a deliberately weak target for tests and demos.

pub mod compare;
pub mod config;
pub mod converter;
pub mod detector;
pub mod error;
pub mod import;
pub mod journal;
pub mod lab;
pub mod pack;
pub mod plan;
pub mod report;
pub mod result;
pub mod runner;
pub mod seed;
pub mod target;
pub mod upload;

pub use error::RedTeamError;
