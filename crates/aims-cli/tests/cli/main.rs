//! The `aims` binary, run as a user or a script would.

mod admin;
mod browser;
mod catalog;
mod data;
mod process;
mod redteam;
mod secrets;
mod webdriver;
