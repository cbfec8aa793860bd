//! The one integration-test binary: fixtures, rule examples, the CLI as a process, output shape.

mod cli;
mod fixtures;
mod formats;
mod gate;
mod git;
mod history;
mod hostile;
mod redaction;
mod repos;
mod rule_examples;
mod sarif;
mod snapshots;
mod support;
mod walk;
