//! The `aims` binary, run as a user or a script would.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

mod admin;
mod browser;
mod browser_pages;
mod catalog;
mod data;
mod mail;
mod process;
mod redteam;
mod secrets;
mod webdriver;
