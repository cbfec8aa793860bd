//! Each rule's documentation page, `docs/rules/<rule-id>.md`, rendered from the catalogue: the
//! same content as `credlint explain RULE` (summary, why it matters, what to do, flagged and
//! clean examples, references), as Markdown. SARIF's `helpUri` points at the page ([`url`]).
//!
//! The pages are generated, never edited: the test below fails when a page differs from what
//! [`markdown`] renders, and `UPDATE_DOCS=1 cargo test --lib rules::docs` rewrites them.

use std::fmt::Write as _;

use super::Rule;
use super::def::ExampleDef;

/// Where the pages live, relative to the repository root.
pub const DIR: &str = "docs/rules";
/// The pages as the repository shows them (credlint has no website).
const BASE_URL: &str = "https://github.com/credlint/credlint/blob/main/docs/rules";

/// The URL of a rule's page.
pub fn url(rule_id: &str) -> String {
    format!("{BASE_URL}/{rule_id}.md")
}

/// A rule's page, as Markdown.
pub fn markdown(rule: &Rule) -> String {
    let mut page = String::new();
    let _ = writeln!(
        page,
        "<!-- Generated from rules/ by `UPDATE_DOCS=1 cargo test --lib rules::docs`: do not edit. -->\n"
    );
    let _ = writeln!(page, "# {}\n", rule.id);
    let _ = writeln!(page, "{}\n", rule.summary.trim());
    let _ = writeln!(page, "- Name: `{}`", rule.name);
    let _ = writeln!(page, "- Default severity: {}", rule.severity.as_str());
    let _ = writeln!(page, "- Security severity: {:.1}", rule.security_severity);
    let _ = writeln!(page, "- Precision: {}\n", rule.precision);
    let _ = writeln!(page, "## Why it matters\n\n{}\n", rule.description.trim());
    let _ = writeln!(page, "## What to do\n\n{}\n", rule.remediation.trim());
    for (title, examples) in [("Flagged", &rule.examples), ("Not flagged", &rule.negative_examples)] {
        if examples.is_empty() {
            continue;
        }
        let _ = writeln!(page, "## {title}\n");
        for example in examples {
            write_example(&mut page, example);
        }
    }
    if !rule.cwe.is_empty() || !rule.references.is_empty() {
        let _ = writeln!(page, "## References\n");
        for cwe in &rule.cwe {
            let _ = writeln!(page, "- [CWE-{cwe}](https://cwe.mitre.org/data/definitions/{cwe}.html)");
        }
        for reference in &rule.references {
            let _ = writeln!(page, "- <{reference}>");
        }
        page.push('\n');
    }
    let _ = writeln!(page, "Run `credlint explain {}` for this page in a terminal.", rule.id);
    page
}

fn write_example(page: &mut String, example: &ExampleDef) {
    if let Some(config) = &example.config {
        let _ = writeln!(page, "With this `.credlint.toml`:\n");
        fence(page, "toml", config);
    }
    let _ = writeln!(page, "`{}`:\n", example.file);
    fence(page, language(&example.file), &example.code);
}

/// A fenced code block that no backtick run in `code` can close.
fn fence(page: &mut String, language: &str, code: &str) {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(page, "{fence}{language}\n{}\n{fence}\n", code.trim_matches('\n'));
}

/// The info string for a file's code block.
fn language(file: &str) -> &'static str {
    let extension = file.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension {
        "sh" | "bash" => "sh",
        "py" => "python",
        "js" | "mjs" | "cjs" => "javascript",
        "ts" => "typescript",
        "rs" => "rust",
        "go" => "go",
        "java" => "java",
        "kt" | "kts" => "kotlin",
        "groovy" | "gradle" => "groovy",
        "cs" => "csharp",
        "rb" => "ruby",
        "php" => "php",
        "ps1" => "powershell",
        "yml" | "yaml" => "yaml",
        "json" => "json",
        "toml" => "toml",
        "xml" | "config" => "xml",
        "ini" | "cfg" => "ini",
        "properties" => "properties",
        "md" => "markdown",
        "tf" => "hcl",
        "http" => "http",
        _ if file.ends_with("Dockerfile") => "dockerfile",
        _ if file.ends_with("Jenkinsfile") => "groovy",
        _ => "text",
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::rules::Catalogue;

    /// Every rule has its page and the page is what the catalogue renders. With `UPDATE_DOCS=1`
    /// the pages are rewritten instead (and stale pages of removed rules deleted).
    #[test]
    fn every_rule_page_is_generated_from_the_catalogue() {
        let catalogue = Catalogue::embedded().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
        let update = std::env::var_os("UPDATE_DOCS").is_some_and(|value| value == "1");
        if update {
            std::fs::create_dir_all(&dir).unwrap();
        }
        let mut stale = Vec::new();
        for rule in catalogue.rules() {
            let path = dir.join(format!("{}.md", rule.id));
            let expected = markdown(rule);
            if update {
                std::fs::write(&path, &expected).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
                stale.push(format!("{DIR}/{}.md", rule.id));
            }
        }
        let known: Vec<String> = catalogue.rules().map(|rule| format!("{}.md", rule.id)).collect();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !known.contains(&name) {
                if update {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    stale.push(format!("{DIR}/{name} (no such rule)"));
                }
            }
        }
        assert!(
            stale.is_empty(),
            "rule pages out of date: {stale:?}; run `UPDATE_DOCS=1 cargo test --lib rules::docs`"
        );
    }

    #[test]
    fn fences_outlast_backticks_in_the_code() {
        let mut page = String::new();
        fence(&mut page, "markdown", "```sh\nx\n```\n");
        assert_eq!(page, "````markdown\n```sh\nx\n```\n````\n\n");
        assert_eq!(language("a/.github/workflows/ci.yml"), "yaml");
        assert_eq!(language(".netrc"), "text");
    }

    #[test]
    fn urls_point_into_the_repository() {
        assert_eq!(
            url("basic-auth-password"),
            "https://github.com/credlint/credlint/blob/main/docs/rules/basic-auth-password.md"
        );
    }
}
