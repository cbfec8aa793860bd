//! The CI report formats as a process: JUnit XML (parsed by Python's expat, a strict XML parser),
//! GitHub Actions workflow commands (grammar and escaping, decoded as the runner decodes them) and
//! GitLab's secret-detection report (field by field against schema 15; no schema download here),
//! the one-line `concise` format (its grammar, finding by finding against the JSON report) and
//! GitLab's Code Quality report (the fields GitLab reads, stable and unique fingerprints), and
//! SARIF's `helpUri` (each rule's page in `docs/rules/`).
//! Every format: exit codes unchanged, counts equal to the JSON report's, no fixture secret.

use std::path::Path;
use std::process::{Command, Output};

use regex::Regex;
use serde_json::Value as Json;

use super::cli::fixture_secrets;
use super::support::{CATALOGUE, credlint, repo_root};

/// `credlint scan --format FORMAT ARGS…` from the repository root, with no CI variable that would
/// move paths (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`) or fix the time.
fn scan(format: &str, args: &[&str]) -> Output {
    scan_with(format, args, |_| {})
}

fn scan_with(format: &str, args: &[&str], setup: impl FnOnce(&mut Command)) -> Output {
    let mut command = credlint();
    command
        .args(["scan", "--format", format])
        .args(args)
        .current_dir(repo_root())
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("CI_PROJECT_DIR")
        .env_remove("SOURCE_DATE_EPOCH");
    setup(&mut command);
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The JSON report's findings for the same arguments: what every other format must account for.
fn json_findings(args: &[&str]) -> Vec<Json> {
    let output = scan("json", args);
    let json: Json = serde_json::from_slice(&output.stdout).unwrap();
    json["findings"].as_array().unwrap().clone()
}

fn clean_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ok.sh"),
        "curl -u \"$JIRA_EMAIL:$JIRA_API_TOKEN\" https://example.atlassian.net/\n",
    )
    .unwrap();
    dir
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// Parses JUnit XML with Python's `xml.etree` (expat: rejects anything not well-formed, including
/// characters XML 1.0 forbids) and returns its shape as JSON.
fn parse_junit(xml: &str) -> Json {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xml");
    std::fs::write(&path, xml).unwrap();
    let script = r#"
import json, sys
import xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
def case(c):
    return {"classname": c.get("classname"), "name": c.get("name"), "file": c.get("file"),
            "line": c.get("line"),
            "children": [{"tag": x.tag, "message": x.get("message"), "type": x.get("type"),
                          "text": x.text or ""} for x in c]}
print(json.dumps({
    "tag": root.tag, "attrib": root.attrib,
    "suites": [{"attrib": s.attrib, "cases": [case(c) for c in s.findall("testcase")]}
               for s in root.findall("testsuite")],
}))
"#;
    let output = Command::new("python3").arg("-c").arg(script).arg(&path).output().expect("python3 runs");
    assert!(output.status.success(), "not well-formed XML: {}\n{xml}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn count(attrib: &Json, key: &str) -> usize {
    attrib[key].as_str().unwrap_or_else(|| panic!("missing {key}: {attrib}")).parse().unwrap()
}

/// Every suite's counts agree with its test cases, and the root's with the suites.
fn assert_counts_consistent(report: &Json) {
    let mut totals = [0; 4];
    for suite in report["suites"].as_array().unwrap() {
        let cases = suite["cases"].as_array().unwrap();
        let with = |tag: &str| {
            cases.iter().filter(|c| c["children"].as_array().unwrap().iter().any(|x| x["tag"] == tag)).count()
        };
        let counts = [cases.len(), with("failure"), with("error"), with("skipped")];
        for (i, key) in ["tests", "failures", "errors", "skipped"].iter().enumerate() {
            assert_eq!(count(&suite["attrib"], key), counts[i], "{key} of {}", suite["attrib"]);
            totals[i] += counts[i];
        }
    }
    for (i, key) in ["tests", "failures", "errors", "skipped"].iter().enumerate() {
        assert_eq!(count(&report["attrib"], key), totals[i], "root {key}");
    }
}

#[test]
fn junit_has_one_failing_test_case_per_finding() {
    let output = scan("junit", &["fixtures"]);
    assert_eq!(output.status.code(), Some(1));
    let report = parse_junit(&stdout(&output));
    assert_eq!(report["tag"], "testsuites");
    assert_counts_consistent(&report);
    let findings = json_findings(&["fixtures"]);
    assert_eq!(count(&report["attrib"], "failures"), findings.len());

    let failing: Vec<&Json> = report["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|suite| suite["cases"].as_array().unwrap())
        .filter(|case| case["children"].as_array().unwrap().iter().any(|x| x["tag"] == "failure"))
        .collect();
    // Suites are per rule, in rule order, so compare as sorted (rule, path, line, column) keys.
    let mut from_junit: Vec<String> = failing
        .iter()
        .map(|case| {
            let name = case["name"].as_str().unwrap();
            let failure = &case["children"][0];
            let (rule, at) = name.split_once(" at ").unwrap();
            assert_eq!(failure["type"], rule);
            assert!(at.starts_with(&format!("{}:", case["classname"].as_str().unwrap())), "{case}");
            assert_eq!(case["file"], case["classname"]);
            let text = failure["text"].as_str().unwrap();
            assert!(text.contains(failure["message"].as_str().unwrap()), "{text}");
            assert!(text.contains(&format!("--> {at}")), "{text}");
            assert!(text.contains("help: "), "{text}");
            name.to_owned()
        })
        .collect();
    let mut from_json: Vec<String> = findings
        .iter()
        .map(|f| {
            let start = &f["location"]["start"];
            format!(
                "{} at {}:{}:{}",
                f["rule"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                start["line"],
                start["column"]
            )
        })
        .collect();
    from_junit.sort();
    from_json.sort();
    assert_eq!(from_junit, from_json);

    // Related locations are in the failure body.
    let related = findings.iter().find(|f| !f["related"].as_array().unwrap().is_empty()).unwrap();
    let path = related["related"][0]["path"].as_str().unwrap();
    assert!(
        failing.iter().any(|case| case["children"][0]["text"].as_str().unwrap().contains(&format!("related: {path}:")))
    );

    // Every rule has a suite; the fixtures' unparsable files are skipped test cases.
    let names: Vec<&str> =
        report["suites"].as_array().unwrap().iter().map(|s| s["attrib"]["name"].as_str().unwrap()).collect();
    for rule in CATALOGUE.rules() {
        assert!(names.contains(&format!("credlint/{}", rule.id).as_str()), "{names:?}");
    }
    let files = report["suites"].as_array().unwrap().iter().find(|s| s["attrib"]["name"] == "credlint/files").unwrap();
    assert!(files["cases"].as_array().unwrap().iter().all(|c| c["children"][0]["tag"] == "skipped"));
}

#[test]
fn a_clean_junit_report_is_green() {
    let dir = clean_dir();
    let output = scan("junit", &["--no-config", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let report = parse_junit(&stdout(&output));
    assert_counts_consistent(&report);
    assert_eq!(count(&report["attrib"], "failures"), 0);
    assert_eq!(count(&report["attrib"], "errors"), 0);
    // One passing test per rule: Jenkins fails a build whose reports hold no test at all.
    assert_eq!(count(&report["attrib"], "tests"), CATALOGUE.rules().count());
    for suite in report["suites"].as_array().unwrap() {
        for case in suite["cases"].as_array().unwrap() {
            assert_eq!(case["children"], serde_json::json!([]), "{case}");
        }
    }
}

#[test]
fn junit_escapes_markup_in_paths_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let name = "q&a <\"it's\">.sh";
    std::fs::write(dir.path().join(name), "curl -u svc:Summer2024! \"https://jira.example.com/?a=1&b=<2>\"\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_credlint"))
        .args(["scan", "--no-config", "--format", "junit", "."])
        .current_dir(dir.path())
        .env_remove("GITHUB_WORKSPACE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let xml = stdout(&output);
    let report = parse_junit(&xml);
    assert_counts_consistent(&report);
    let case = report["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["cases"].as_array().unwrap())
        .find(|c| !c["children"].as_array().unwrap().is_empty())
        .unwrap();
    assert_eq!(case["classname"], name);
    assert!(case["name"].as_str().unwrap().contains(&format!(" at {name}:1:13")), "{case}");
    assert!(!xml.contains(name), "the raw name must be escaped");
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_an_error_in_every_ci_format() {
    let dir = clean_dir();
    let args = ["--no-config", "/proc/self/mem", dir.path().to_str().unwrap()];

    let junit = scan("junit", &args);
    assert_eq!(junit.status.code(), Some(2));
    let report = parse_junit(&stdout(&junit));
    assert_counts_consistent(&report);
    assert_eq!(count(&report["attrib"], "errors"), 1);
    assert_eq!(count(&report["attrib"], "failures"), 0);

    let github = scan("github", &args);
    assert_eq!(github.status.code(), Some(2));
    assert!(
        stdout(&github).lines().any(|line| line.starts_with("::error file=/proc/self/mem,title=credlint::")),
        "{}",
        stdout(&github)
    );

    let gitlab = scan("gitlab", &args);
    assert_eq!(gitlab.status.code(), Some(2));
    let json: Json = serde_json::from_slice(&gitlab.stdout).unwrap();
    assert_eq!(json["scan"]["status"], "failure");
    let messages = json["scan"]["messages"].as_array().unwrap();
    assert!(
        messages.iter().any(|m| m["level"] == "warn" && m["value"].as_str().unwrap().starts_with("/proc/self/mem: "))
    );

    let concise = scan("concise", &args);
    assert_eq!(concise.status.code(), Some(2));
    assert!(stdout(&concise).lines().any(|line| line.starts_with("/proc/self/mem: error: ")), "{}", stdout(&concise));

    // Code Quality has no place for a file problem: the exit code and the summary say it.
    let codequality = scan("gitlab-codequality", &args);
    assert_eq!(codequality.status.code(), Some(2));
    assert_eq!(serde_json::from_slice::<Json>(&codequality.stdout).unwrap(), serde_json::json!([]));
    assert!(String::from_utf8_lossy(&codequality.stderr).contains("1 file problem"));
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions

/// What the runner does to a property value or a message (`ActionCommand`'s unescaping).
fn unescape(text: &str) -> String {
    text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
}

/// `::command key=value,…::message` split into its parts, or a panic if the line breaks the grammar.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    static GRAMMAR: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:\r\n]*)(?:,[A-Za-z]+=[^,:\r\n]*)*)::([^\r\n]*)$")
            .unwrap()
    });
    let captures = GRAMMAR.captures(line).unwrap_or_else(|| panic!("not a workflow command: {line}"));
    let properties = captures[2]
        .split(',')
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap();
            (key.to_owned(), unescape(value))
        })
        .collect();
    (captures[1].to_owned(), properties, unescape(&captures[3]))
}

fn property<'a>(properties: &'a [(String, String)], key: &str) -> Option<&'a str> {
    properties.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[test]
fn github_lines_are_workflow_commands_one_per_finding() {
    let output = scan("github", &["fixtures"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let findings = json_findings(&["fixtures"]);
    let commands: Vec<_> = text.lines().map(parse_command).collect();
    let for_findings: Vec<_> =
        commands.iter().filter(|(_, p, _)| property(p, "title").is_some_and(|t| t.starts_with("credlint "))).collect();
    assert_eq!(for_findings.len(), findings.len());
    // Same order as the JSON report: both are fed the same sorted findings.
    for ((command, properties, message), finding) in for_findings.iter().zip(&findings) {
        let level = match finding["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(command, level);
        assert_eq!(property(properties, "file"), finding["location"]["path"].as_str());
        let start = &finding["location"]["start"];
        let end = &finding["location"]["end"];
        assert_eq!(property(properties, "line"), Some(start["line"].to_string().as_str()));
        assert_eq!(property(properties, "endLine"), Some(end["line"].to_string().as_str()));
        if start["line"] == end["line"] {
            assert_eq!(property(properties, "col"), Some(start["column"].to_string().as_str()));
            assert_eq!(property(properties, "endColumn"), Some(end["column"].to_string().as_str()));
        }
        assert_eq!(property(properties, "title").unwrap(), format!("credlint {}", finding["rule"].as_str().unwrap()));
        assert!(message.starts_with(finding["message"].as_str().unwrap()), "{message}");
        assert!(message.contains("\nhelp: "), "{message}");
        if let Some(related) = finding["related"].as_array().unwrap().first() {
            assert!(message.contains(&format!("\nrelated: {}:", related["path"].as_str().unwrap())), "{message}");
        }
    }
    // The fixtures' unparsable files are notices, after the findings.
    let notices: Vec<_> = commands.iter().filter(|(_, p, _)| property(p, "title") == Some("credlint")).collect();
    assert!(!notices.is_empty() && notices.iter().all(|(command, _, _)| command == "notice"));
}

#[test]
fn github_escapes_properties_and_messages_as_the_runner_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let name = "a,b:c%d.sh";
    let url = "$JIRA_URL/rest/a%20b,c:d/search";
    std::fs::write(dir.path().join(name), format!("curl -u \"svc:$JIRA_PASSWORD\" \"{url}\"\n")).unwrap();
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_credlint"))
            .args(["scan", "--no-config", "--format", format, "."])
            .current_dir(dir.path())
            .env_remove("GITHUB_WORKSPACE")
            .output()
            .unwrap()
    };
    let output = run("github");
    // A warning alone does not fail the default `--fail-on error`, whatever the format.
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let line = text.lines().next().unwrap();
    // Properties escape `%`, `:` and `,`; the message escapes `%` and line breaks only.
    assert!(line.starts_with("::warning file=a%2Cb%3Ac%25d.sh,line=1,"), "{line}");
    assert!(line.contains("rest/a%2520b,c:d/search"), "{line}");
    assert!(line.contains("%0Ahelp: "), "{line}");
    let (_, properties, message) = parse_command(line);
    assert_eq!(property(&properties, "file"), Some(name));
    let json: Json = serde_json::from_slice(&run("json").stdout).unwrap();
    let expected = json["findings"][0]["message"].as_str().unwrap();
    assert!(expected.contains(url), "{expected}");
    assert_eq!(message.lines().next(), Some(expected));
    assert_eq!(message.lines().nth(1), Some(format!("related: {name}:1:31 (the connection)").as_str()));
}

#[test]
/// Annotations name files relative to the repository root (the runner's checkout), even when
/// credlint runs in a subdirectory.
fn github_paths_are_relative_to_the_repository_root() {
    let output = scan_with("github", &["shell"], |command| {
        command.current_dir(repo_root().join("fixtures")).env("GITHUB_WORKSPACE", repo_root());
    });
    let text = stdout(&output);
    let (_, properties, _) = parse_command(text.lines().next().unwrap());
    assert!(property(&properties, "file").unwrap().starts_with("fixtures/shell/"), "{text}");
}

#[test]
fn a_clean_github_run_prints_nothing() {
    let dir = clean_dir();
    let output = scan("github", &["--no-config", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
}

// ---------------------------------------------------------------------------------------------
// GitLab

/// What schema 15 allows in a secret-detection vulnerability (it removed `category`, `message`,
/// `cve`, `confidence` and `scanner`, and GitLab refuses a report that does not validate).
const VULNERABILITY_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "details",
    "severity",
    "solution",
    "identifiers",
    "links",
    "tracking",
    "flags",
    "location",
    "raw_source_code_extract",
];

fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn gitlab(args: &[&str], epoch: Option<&str>) -> (Output, Json) {
    let output = scan_with("gitlab", args, |command| {
        if let Some(epoch) = epoch {
            command.env("SOURCE_DATE_EPOCH", epoch);
        }
    });
    let json = serde_json::from_slice(&output.stdout).unwrap();
    (output, json)
}

#[test]
fn gitlab_report_has_the_secret_detection_fields() {
    let (output, report) = gitlab(&["fixtures"], Some("1767225599"));
    assert_eq!(output.status.code(), Some(1));
    let keys: Vec<&str> = report.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert!(["version", "schema", "scan", "vulnerabilities"].iter().all(|k| keys.contains(k)));
    assert!(Regex::new(r"^15\.\d+\.\d+$").unwrap().is_match(report["version"].as_str().unwrap()));
    assert!(report["schema"].as_str().unwrap().ends_with("/secret-detection-report-format.json"));

    let scan = &report["scan"];
    assert_eq!(scan["type"], "secret_detection");
    assert_eq!(scan["status"], "success");
    assert_eq!(scan["start_time"], "2025-12-31T23:59:59");
    assert_eq!(scan["end_time"], "2025-12-31T23:59:59");
    for component in [&scan["analyzer"], &scan["scanner"]] {
        for key in ["id", "name", "version"] {
            assert!(!component[key].as_str().unwrap().is_empty(), "{component}");
        }
        assert!(!component["vendor"]["name"].as_str().unwrap().is_empty());
    }

    let findings = json_findings(&["fixtures"]);
    let vulnerabilities = report["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulnerabilities.len(), findings.len());
    let mut ids: Vec<&str> = vulnerabilities.iter().map(|v| v["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), vulnerabilities.len(), "ids are unique");
    let escaped_punctuation = Regex::new(r"\\([[:punct:]])").unwrap();
    for (vulnerability, finding) in vulnerabilities.iter().zip(&findings) {
        for key in vulnerability.as_object().unwrap().keys() {
            assert!(VULNERABILITY_KEYS.contains(&key.as_str()), "schema 15 has no vulnerabilities[].{key}");
        }
        assert!(vulnerability.get("raw_source_code_extract").is_none());
        assert!(is_uuid(vulnerability["id"].as_str().unwrap()), "{vulnerability}");
        let name = vulnerability["name"].as_str().unwrap();
        assert!(!name.is_empty() && name.chars().count() <= 255);
        assert!(["Critical", "High", "Medium", "Low", "Info"].contains(&vulnerability["severity"].as_str().unwrap()));
        // The description is Markdown: the message renders as itself (its punctuation escaped).
        let description = vulnerability["description"].as_str().unwrap();
        let rendered = escaped_punctuation.replace_all(description, "$1");
        assert!(rendered.starts_with(finding["message"].as_str().unwrap()), "{description}");
        assert!(vulnerability["solution"].as_str().unwrap().chars().count() <= 7000);

        let identifiers = vulnerability["identifiers"].as_array().unwrap();
        assert_eq!(identifiers[0]["type"], "credlint_rule_id");
        assert_eq!(identifiers[0]["value"], finding["rule"]);
        for identifier in identifiers {
            for key in ["type", "name", "value"] {
                assert!(!identifier[key].as_str().unwrap().is_empty(), "{identifier}");
            }
        }
        let location = &vulnerability["location"];
        assert_eq!(location["file"], finding["location"]["path"]);
        assert_eq!(location["start_line"], finding["location"]["start"]["line"]);
        assert!(location["end_line"].as_u64().unwrap() >= location["start_line"].as_u64().unwrap());
        assert_eq!(location["commit"]["sha"], "0000000");
    }
    // Severity follows the finding: an error of basic-auth-password (8.1) is High, a warning Medium.
    let severity_of = |severity: &str| {
        findings
            .iter()
            .zip(vulnerabilities)
            .find(|(f, _)| f["rule"] == "basic-auth-password" && f["severity"] == severity)
            .unwrap()
            .1["severity"]
            .clone()
    };
    assert_eq!(severity_of("error"), "High");
    assert_eq!(severity_of("warning"), "Medium");
}

#[test]
fn gitlab_ids_and_output_are_stable_across_runs() {
    let (first, report) = gitlab(&["fixtures"], Some("0"));
    let (second, _) = gitlab(&["fixtures"], Some("0"));
    assert_eq!(first.stdout, second.stdout, "same input, same time: byte-identical reports");
    assert_eq!(report["scan"]["start_time"], "1970-01-01T00:00:00");
    // Without a fixed time the times change but the ids do not.
    let (_, live) = gitlab(&["fixtures"], None);
    let ids = |report: &Json| {
        report["vulnerabilities"].as_array().unwrap().iter().map(|v| v["id"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&report), ids(&live));
    let time = Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$").unwrap();
    assert!(time.is_match(live["scan"]["start_time"].as_str().unwrap()), "{}", live["scan"]);
}

#[test]
fn gitlab_ids_survive_a_line_inserted_above() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.sh");
    let line = "curl -u svc:Summer2024! https://jira.example.com/\n";
    std::fs::write(&path, line).unwrap();
    let (_, before) = gitlab(&["--no-config", dir.path().to_str().unwrap()], Some("0"));
    std::fs::write(&path, format!("echo start\n{line}")).unwrap();
    let (_, after) = gitlab(&["--no-config", dir.path().to_str().unwrap()], Some("0"));
    let ids = |report: &Json| {
        report["vulnerabilities"].as_array().unwrap().iter().map(|v| v["id"].clone()).collect::<Vec<_>>()
    };
    assert!(!ids(&before).is_empty());
    assert_eq!(ids(&before), ids(&after));
    assert_eq!(after["vulnerabilities"][0]["location"]["start_line"], 2);
}

#[test]
fn a_clean_gitlab_report_has_no_vulnerabilities() {
    let dir = clean_dir();
    let (output, report) = gitlab(&["--no-config", dir.path().to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(report["vulnerabilities"], serde_json::json!([]));
    assert_eq!(report["scan"]["status"], "success");
    assert!(report["scan"].get("messages").is_none());
}

// ---------------------------------------------------------------------------------------------
// Concise

/// `PATH:LINE:COL: SEVERITY[RULE]: MESSAGE`, the grammar README documents.
static CONCISE_FINDING: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(r"^(?P<path>.+):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<severity>error|warning|note)\[(?P<rule>[a-z0-9-]+)\]: (?P<message>.+)$")
        .unwrap()
});
/// `PATH: error: MESSAGE` (or `note:`) for a per-file problem.
static CONCISE_PROBLEM: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(r"^(?P<path>.+): (?P<level>error|note): (?P<message>.+)$").unwrap());

#[test]
fn concise_lines_have_the_documented_grammar_one_per_finding() {
    let output = scan("concise", &["fixtures"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let findings = json_findings(&["fixtures"]);
    let problems = serde_json::from_slice::<Json>(&scan("json", &["fixtures"]).stdout).unwrap()["problems"].clone();
    let problems = problems.as_array().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings.len() + problems.len(), "{text}");
    // Findings first, in the JSON report's order, then the problems.
    for (line, finding) in lines.iter().zip(&findings) {
        let captures = CONCISE_FINDING.captures(line).unwrap_or_else(|| panic!("not a concise finding: {line:?}"));
        let location = &finding["location"];
        assert_eq!(&captures["path"], location["path"].as_str().unwrap(), "{line}");
        assert_eq!(&captures["line"], location["start"]["line"].to_string(), "{line}");
        assert_eq!(&captures["col"], location["start"]["column"].to_string(), "{line}");
        assert_eq!(&captures["severity"], finding["severity"].as_str().unwrap(), "{line}");
        assert_eq!(&captures["rule"], finding["rule"].as_str().unwrap(), "{line}");
        assert_eq!(&captures["message"], finding["message"].as_str().unwrap(), "{line}");
    }
    assert!(!problems.is_empty(), "the fixtures hold files that don't parse");
    for (line, problem) in lines[findings.len()..].iter().zip(problems) {
        let captures = CONCISE_PROBLEM.captures(line).unwrap_or_else(|| panic!("not a concise problem: {line:?}"));
        assert!(!CONCISE_FINDING.is_match(line), "{line}");
        assert_eq!(&captures["path"], problem["path"].as_str().unwrap());
        assert_eq!(&captures["message"], problem["message"].as_str().unwrap());
    }
    // The summary stays on stderr.
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("credlint: "));
    assert!(!text.contains("credlint: "));
}

#[test]
fn concise_colours_only_the_level() {
    let plain = stdout(&scan("concise", &["fixtures", "--color", "never"]));
    let coloured = stdout(&scan("concise", &["fixtures", "--color", "always"]));
    assert!(!plain.contains('\u{1b}'));
    let sgr = Regex::new(r"\x1b\[[0-9;]*m").unwrap();
    assert_eq!(sgr.replace_all(&coloured, ""), plain);
    let painted = Regex::new(r": \x1b\[1;3[136]m(error|warning|note)(\[[a-z0-9-]+\])?\x1b\[0m: ").unwrap();
    for line in coloured.lines() {
        assert!(painted.is_match(line), "{line:?}");
        assert_eq!(line.matches('\u{1b}').count(), 2, "{line:?}");
    }
}

#[test]
fn a_clean_concise_run_prints_nothing() {
    let dir = clean_dir();
    let output = scan("concise", &["--no-config", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
}

// ---------------------------------------------------------------------------------------------
// GitLab Code Quality

fn codequality(args: &[&str]) -> (Output, Vec<Json>) {
    let output = scan("gitlab-codequality", args);
    assert!(!output.stdout.starts_with("\u{feff}".as_bytes()), "GitLab refuses a byte order mark");
    let json: Json = serde_json::from_slice(&output.stdout).unwrap();
    (output, json.as_array().expect("a JSON array of issues").clone())
}

fn fingerprints(issues: &[Json]) -> Vec<String> {
    issues.iter().map(|issue| issue["fingerprint"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn codequality_issues_have_the_fields_gitlab_reads() {
    let (output, issues) = codequality(&["fixtures", "--min-severity", "note"]);
    assert_eq!(output.status.code(), Some(1));
    let findings = json_findings(&["fixtures", "--min-severity", "note"]);
    assert_eq!(issues.len(), findings.len());
    let hex = Regex::new(r"^[0-9a-f]{32}$").unwrap();
    let mut severities = std::collections::BTreeSet::new();
    for (issue, finding) in issues.iter().zip(&findings) {
        assert_eq!(issue["type"], "issue");
        assert_eq!(issue["check_name"], finding["rule"]);
        let description = issue["description"].as_str().unwrap();
        assert_eq!(description, finding["message"].as_str().unwrap());
        assert!(hex.is_match(issue["fingerprint"].as_str().unwrap()), "{issue}");
        let severity = issue["severity"].as_str().unwrap();
        let expected = match finding["severity"].as_str().unwrap() {
            "error" => "critical",
            "warning" => "major",
            _ => "info",
        };
        assert_eq!(severity, expected, "{issue}");
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&severity));
        severities.insert(severity.to_owned());
        let path = issue["location"]["path"].as_str().unwrap();
        assert_eq!(path, finding["location"]["path"].as_str().unwrap());
        assert!(!path.starts_with('/') && !path.contains('\\') && !path.starts_with("./"), "{path}");
        let lines = &issue["location"]["lines"];
        assert_eq!(lines["begin"], finding["location"]["start"]["line"]);
        assert!(lines["end"].as_u64().unwrap() >= lines["begin"].as_u64().unwrap());
    }
    assert_eq!(severities.len(), 3, "the fixtures have errors, warnings and notes: {severities:?}");
    let mut unique = fingerprints(&issues);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), issues.len(), "fingerprints are unique");
}

#[test]
fn codequality_fingerprints_are_stable_across_runs_and_thread_counts() {
    let (first, issues) = codequality(&["fixtures", "-j", "1"]);
    let (second, _) = codequality(&["fixtures", "-j", "1"]);
    let (parallel, _) = codequality(&["fixtures", "-j", "2"]);
    assert!(!issues.is_empty());
    assert_eq!(first.stdout, second.stdout, "same input: byte-identical reports");
    assert_eq!(first.stdout, parallel.stdout, "the thread count changes nothing");
}

#[test]
fn codequality_fingerprints_survive_a_line_inserted_above() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.sh");
    // The same password used twice on one file: two findings, two fingerprints.
    let lines =
        "curl -u svc:Summer2024! https://jira.example.com/\ncurl -u svc:Summer2024! https://jira.example.com/\n";
    std::fs::write(&path, lines).unwrap();
    let (_, before) = codequality(&["--no-config", dir.path().to_str().unwrap()]);
    std::fs::write(&path, format!("echo start\n{lines}")).unwrap();
    let (_, after) = codequality(&["--no-config", dir.path().to_str().unwrap()]);
    assert!(before.len() >= 2, "{before:?}");
    assert_eq!(fingerprints(&before), fingerprints(&after));
    let mut unique = fingerprints(&before);
    unique.dedup();
    assert_eq!(unique.len(), before.len());
    assert_eq!(after[0]["location"]["lines"]["begin"], 2);
}

#[test]
fn a_clean_codequality_report_is_an_empty_array() {
    let dir = clean_dir();
    let output = scan("gitlab-codequality", &["--no-config", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "[]\n");
}

// ---------------------------------------------------------------------------------------------
// SARIF help links

#[test]
fn sarif_help_uris_point_at_the_rule_docs() {
    let output = scan("sarif", &["--no-config", clean_dir().path().to_str().unwrap()]);
    let log: Json = serde_json::from_slice(&output.stdout).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), CATALOGUE.rules().count());
    let base = "https://github.com/credlint/credlint/blob/main/";
    for descriptor in rules {
        let id = descriptor["id"].as_str().unwrap();
        let uri = descriptor["helpUri"].as_str().unwrap();
        assert_eq!(uri, format!("{base}docs/rules/{id}.md"));
        let page = repo_root().join(uri.strip_prefix(base).unwrap());
        let text = std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("{} is missing", page.display()));
        assert!(text.contains(&format!("# {id}\n")), "{}", page.display());
        // The external references stay in the help text.
        let markdown = descriptor["help"]["markdown"].as_str().unwrap();
        for reference in &CATALOGUE.rule(id).unwrap().references {
            assert!(markdown.contains(reference.as_str()), "{id}: {reference}");
            assert!(text.contains(reference.as_str()), "{id}: {reference}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// All of them

#[test]
fn no_ci_format_prints_a_fixture_secret() {
    let secrets = fixture_secrets();
    assert!(secrets.len() >= 30, "only {} secrets found in the fixtures", secrets.len());
    for format in ["junit", "github", "gitlab", "concise", "gitlab-codequality"] {
        let output = scan(format, &["fixtures"]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        let out = String::from_utf8_lossy(&output.stdout);
        let err = String::from_utf8_lossy(&output.stderr);
        // The report itself is unescaped where a format escapes, so an escaped secret counts too.
        let decoded = match format {
            "junit" => out
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'"),
            "github" => unescape(&out),
            "concise" => out.to_string(),
            _ => serde_json::from_str::<Json>(&out).unwrap().to_string(),
        };
        for secret in &secrets {
            for text in [&*out, &*decoded, &*err] {
                assert!(!text.contains(secret.as_str()), "{format} output shows a secret of {} chars", secret.len());
            }
        }
    }
}

#[test]
fn the_output_file_gets_the_same_report_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["junit", "github", "gitlab", "concise", "gitlab-codequality"] {
        let path = dir.path().join(format);
        let to_file = scan_with(format, &["fixtures", "--output", path.to_str().unwrap()], |command| {
            command.env("SOURCE_DATE_EPOCH", "0");
        });
        let to_stdout = scan_with(format, &["fixtures"], |command| {
            command.env("SOURCE_DATE_EPOCH", "0");
        });
        assert_eq!(to_file.status.code(), Some(1), "{format}");
        assert_eq!(std::fs::read(&path).unwrap(), to_stdout.stdout, "{format}");
        assert!(Path::new(&path).exists());
    }
}
