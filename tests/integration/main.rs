//! The one integration-test binary: fixtures, rule examples, the CLI as a process, output shape.

// Test helpers may unwrap: a failed unwrap is a failed test (the crate denies it elsewhere).
#![allow(clippy::unwrap_used)]

mod action;
mod cli;
mod editors;
mod fixtures;
mod formats;
mod gate;
mod git;
mod history;
mod hostile;
mod injection;
mod lsp;
mod readme;
mod redaction;
mod repos;
mod rule_examples;
mod safety;
mod sarif;
mod snapshots;
mod support;
mod walk;
