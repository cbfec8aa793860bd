//! `credlint graph`: the credential graph as JSON, Graphviz DOT or a Mermaid flowchart.
//!
//! Credentials are named by their reference name or their redacted value, never their text.
//! Only credentials in use outside tests and documentation appear. Labels hold file names, keys
//! and hosts: each goes through [`escape::dot_label`] or [`escape::mermaid_label`] in the one
//! `quote` of its writer, so it stays one quoted string on one line. JSON is data, as found.

use std::io::{self, Write};

use serde::Serialize;

use super::escape;
use crate::ScanOutcome;
use crate::analyze::Site;
use crate::cli::GraphFormat;
use crate::source::display_path;

pub const GRAPH_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonGraph {
    version: u32,
    credentials: Vec<JsonCredential>,
}

#[derive(Serialize)]
struct JsonCredential {
    id: String,
    label: String,
    names: Vec<String>,
    literal: bool,
    shared: bool,
    connections: Vec<JsonConnection>,
    definitions: Vec<JsonUse>,
}

#[derive(Serialize)]
struct JsonConnection {
    label: String,
    uses: Vec<JsonUse>,
}

#[derive(Serialize)]
struct JsonUse {
    path: String,
    line: usize,
    column: usize,
}

fn use_of(outcome: &ScanOutcome, site: Site<'_>) -> JsonUse {
    let span = site.credential.secret.span();
    let (start, _) = super::line_cols(outcome, site.path, span);
    JsonUse { path: display_path(site.path), line: start.line, column: start.column }
}

fn json_graph(outcome: &ScanOutcome) -> JsonGraph {
    let graph = &outcome.graph;
    let credentials = graph
        .credentials
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.connections.is_empty())
        .map(|(index, credential)| JsonCredential {
            id: format!("c{index}"),
            label: credential.label.trim_matches('`').to_owned(),
            names: credential.names.iter().cloned().collect(),
            literal: credential.literal,
            shared: credential.connections.len() > 1,
            connections: credential
                .connections
                .iter()
                .map(|connection| JsonConnection {
                    label: connection.label.clone(),
                    uses: connection.sites.iter().map(|&s| use_of(outcome, graph.sites.get(s))).collect(),
                })
                .collect(),
            definitions: credential.definitions.iter().map(|&s| use_of(outcome, graph.sites.get(s))).collect(),
        })
        .collect();
    JsonGraph { version: GRAPH_SCHEMA_VERSION, credentials }
}

pub fn write(format: GraphFormat, outcome: &ScanOutcome, out: &mut dyn Write) -> io::Result<()> {
    let graph = json_graph(outcome);
    match format {
        GraphFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &graph)?;
            writeln!(out)
        }
        GraphFormat::Dot => write_dot(&graph, out),
        GraphFormat::Mermaid => write_mermaid(&graph, out),
    }
}

/// Connections shared by several credentials are drawn once: they are keyed by label.
fn connection_ids(graph: &JsonGraph) -> Vec<String> {
    let mut labels: Vec<String> =
        graph.credentials.iter().flat_map(|c| c.connections.iter().map(|n| n.label.clone())).collect();
    labels.sort();
    labels.dedup();
    labels
}

fn uses_label(uses: &[JsonUse]) -> String {
    uses.iter().map(|u| format!("{}:{}", u.path, u.line)).collect::<Vec<_>>().join(", ")
}

fn write_dot(graph: &JsonGraph, out: &mut dyn Write) -> io::Result<()> {
    let quote = escape::dot_label;
    let connections = connection_ids(graph);
    writeln!(out, "digraph credentials {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(out, "  node [fontname=\"Helvetica\"];")?;
    for credential in &graph.credentials {
        let color = if credential.shared { ", color=red" } else { "" };
        writeln!(out, "  {} [shape=box, label=\"{}\"{color}];", credential.id, quote(&credential.label))?;
    }
    for (index, label) in connections.iter().enumerate() {
        writeln!(out, "  n{index} [shape=ellipse, label=\"{}\"];", quote(label))?;
    }
    for credential in &graph.credentials {
        for connection in &credential.connections {
            let index = connections.binary_search(&connection.label).unwrap_or_default();
            writeln!(out, "  {} -> n{index} [label=\"{}\"];", credential.id, quote(&uses_label(&connection.uses)))?;
        }
    }
    writeln!(out, "}}")
}

fn write_mermaid(graph: &JsonGraph, out: &mut dyn Write) -> io::Result<()> {
    let quote = escape::mermaid_label;
    let connections = connection_ids(graph);
    writeln!(out, "flowchart LR")?;
    for credential in &graph.credentials {
        writeln!(out, "  {}[\"{}\"]", credential.id, quote(&credential.label))?;
    }
    for (index, label) in connections.iter().enumerate() {
        writeln!(out, "  n{index}(\"{}\")", quote(label))?;
    }
    for credential in &graph.credentials {
        for connection in &credential.connections {
            let index = connections.binary_search(&connection.label).unwrap_or_default();
            writeln!(out, "  {} -->|\"{}\"| n{index}", credential.id, quote(&uses_label(&connection.uses)))?;
        }
    }
    for credential in graph.credentials.iter().filter(|c| c.shared) {
        writeln!(out, "  style {} stroke:#d00,stroke-width:2px", credential.id)?;
    }
    Ok(())
}
