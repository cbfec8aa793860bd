//! The binary end to end, as a process: exit codes, formats, errors, and that no secret leaks.

use std::io::Read;
use std::process::Stdio;

use credlint::fact::Value;
use credlint::source::{FileKind, SourceFile};

use super::support::{CATALOGUE, credlint, fixture_files, repo_root};

fn write(dir: &std::path::Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn findings_exit_1_and_a_clean_tree_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.sh", "curl -u \"$JIRA_EMAIL:$JIRA_API_TOKEN\" https://example.atlassian.net/\n");
    let clean = credlint().args(["scan", "--no-config"]).arg(dir.path()).output().unwrap();
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stdout));

    write(dir.path(), "bad.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    let dirty = credlint().args(["scan", "--no-config"]).arg(dir.path()).output().unwrap();
    assert_eq!(dirty.status.code(), Some(1));
    let stdout = String::from_utf8(dirty.stdout).unwrap();
    assert!(stdout.contains("error[basic-auth-password]"), "{stdout}");
    assert!(stdout.contains("bad.sh:1:13"), "{stdout}");

    let never = credlint().args(["scan", "--no-config", "--fail-on", "never"]).arg(dir.path()).output().unwrap();
    assert_eq!(never.status.code(), Some(0));
}

#[test]
fn output_file_does_not_change_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    let report = dir.path().join("out/report.json");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    let output = credlint()
        .args(["scan", "--no-config", "--format", "json", "--output"])
        .arg(&report)
        .arg(dir.path().join("bad.sh"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["findings"][0]["rule"], "basic-auth-password");
    assert_eq!(json["findings"][0]["location"]["start"]["line"], 1);
    assert_eq!(json["findings"][0]["location"]["start"]["column"], 13);
    assert_eq!(json["findings"][0]["secret"], "********");
    assert!(String::from_utf8_lossy(&output.stderr).contains("credlint: 1 file scanned"));
}

#[test]
fn json_on_the_fixtures_is_valid_and_sorted() {
    let output = credlint().args(["scan", "--format", "json", "fixtures"]).current_dir(repo_root()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() >= 40);
    let keys: Vec<(String, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_owned(),
                f["location"]["byte_range"][0].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn a_bad_config_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".credlint.toml", "exclude = []\nmax-file-sise = 3\n");
    let output = credlint().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(".credlint.toml:2"), "{stderr}");
}

/// Scans with `rules` as the user rule file `rules/mine.toml`, expects exit code 2, and returns
/// stderr.
fn rule_file_error(rules: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "rules/mine.toml", rules);
    let output = credlint()
        .args(["scan", "--no-config", "--rules"])
        .arg(dir.path().join("rules"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn a_bad_rule_file_is_an_error_with_its_line() {
    let stderr = rule_file_error(
        "[[pattern]]\nid = \"mine\"\ndescription = \"x\"\nkinds = [\"*\"]\nkeywords = [\"mine\"]\nregex = '(?P<secret>['\nscheme = \"basic\"\nexamples = [\"mine\"]\n",
    );
    assert!(stderr.contains("mine.toml:6") && stderr.contains("invalid regex"), "{stderr}");
}

#[test]
fn a_regex_too_long_to_be_fast_is_refused_with_its_rule() {
    let words: Vec<String> = (0..8_000).map(|i| format!("word{i}")).collect();
    let rule = format!(
        "[[pattern]]\nid = \"word-list\"\ndescription = \"x\"\nkinds = [\"*\"]\nkeywords = [\"word\"]\nregex = '(?:{})=(?P<secret>\\S+)'\nscheme = \"basic\"\nexamples = [\"word1=x\"]\n",
        words.join("|")
    );
    let stderr = rule_file_error(&rule);
    assert!(
        stderr.contains("mine.toml:6") && stderr.contains("`word-list`") && stderr.contains("over the limit"),
        "{stderr}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    // Reading this process's own memory file at offset 0 fails, even as root.
    let output = credlint().args(["scan", "--no-config", "/proc/self/mem"]).arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("error: /proc/self/mem:"), "{stdout}");
    assert!(stdout.contains("error[basic-auth-password]"), "{stdout}");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let output = credlint().args(["scan", "--no-config", "does/not/exist"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does/not/exist"));
}

/// Runs credlint with `args`, reads one line of its standard output and closes the pipe (what
/// `| head -1` does); returns the exit code and standard error.
fn head_1(args: &[&str]) -> (Option<i32>, String) {
    use std::io::BufRead;
    let mut child =
        credlint().args(args).current_dir(repo_root()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (child.wait().unwrap().code(), stderr)
}

/// `credlint rules --format json | head -1`: a closed pipe ends any subcommand quietly, with the
/// exit code it would have had (the race between the write and the close is run a few times).
#[test]
fn a_closed_pipe_ends_quietly() {
    for _ in 0..4 {
        for args in [&["rules", "--format", "json"][..], &["rules"], &["man"], &["completions", "bash"]] {
            let (code, stderr) = head_1(args);
            assert_eq!(code, Some(0), "{args:?}: {stderr}");
            assert!(stderr.is_empty(), "{args:?}: {stderr}");
        }
    }
}

/// `credlint scan | head -1` with findings: the reader leaving does not open the gate.
#[test]
fn a_closed_pipe_keeps_the_gates_exit_code() {
    for format in ["human", "json", "sarif", "junit"] {
        let (code, stderr) = head_1(&["scan", "--format", format, "fixtures"]);
        assert_eq!(code, Some(1), "{format}: {stderr}");
        assert!(!stderr.contains("error:") && !stderr.contains("Broken pipe"), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
    }
}

/// A note hidden by `--min-severity warning` (the default) still fails `--fail-on note`; the
/// gate and what is shown are decided separately.
#[test]
fn the_gate_sees_findings_below_min_severity() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tests/sync.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    let scan = |extra: &[&str]| credlint().args(["scan", "--no-config"]).args(extra).arg(dir.path()).output().unwrap();
    let note = scan(&["--fail-on", "note"]);
    assert_eq!(note.status.code(), Some(1), "{}", String::from_utf8_lossy(&note.stderr));
    assert!(!String::from_utf8_lossy(&note.stdout).contains("note["), "the note stays hidden");
    assert_eq!(scan(&[]).status.code(), Some(0), "notes don't fail the default gate");
    assert_eq!(scan(&["--fail-on", "note", "--min-severity", "error"]).status.code(), Some(1));
    let exit_zero = scan(&["--exit-zero", "--min-severity", "note"]);
    assert_eq!(exit_zero.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&exit_zero.stdout).contains("note[basic-auth-password]"));
    assert_eq!(scan(&["--exit-zero", "--fail-on", "note"]).status.code(), Some(2), "the two conflict");
}

/// A scan of `../other/deploy` names files relative to the repository that holds them, never with
/// `..` or an absolute path; `--root` chooses the root.
#[test]
fn paths_are_relative_to_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other");
    write(&other, "deploy/run.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    super::support::git(&other, &["init", "-q"]);
    std::fs::create_dir_all(dir.path().join("mine")).unwrap();
    let scan = |extra: &[&str]| {
        let output = credlint()
            .args(["scan", "--no-config", "--color", "never"])
            .args(extra)
            .arg("../other/deploy")
            .current_dir(dir.path().join("mine"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let sarif: serde_json::Value = serde_json::from_str(&scan(&["--format", "sarif"])).unwrap();
    let uris: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_owned())
        .collect();
    assert!(!uris.is_empty());
    assert!(uris.iter().all(|uri| uri == "deploy/run.sh"), "{uris:?}");
    let human = scan(&[]);
    assert!(human.contains("deploy/run.sh:1:13") && !human.contains(".."), "{human}");
    let json: serde_json::Value =
        serde_json::from_str(&scan(&["--format", "json", "--root", "../other/deploy"])).unwrap();
    assert_eq!(json["findings"][0]["location"]["path"], "run.sh");
    let outside = credlint()
        .args(["scan", "--no-config", "--root", "."])
        .arg("../other/deploy")
        .current_dir(dir.path().join("mine"))
        .output()
        .unwrap();
    assert_eq!(outside.status.code(), Some(2), "a path outside --root is an error");
}

/// `credlint scan -` reads standard input through the same pipeline, in every format; the name
/// given by `--stdin-filename` decides the kind and the test/doc context.
#[test]
fn standard_input_is_scanned_as_the_named_file() {
    let run = |args: &[&str], input: &str| {
        let mut child = credlint()
            .args(["scan", "--no-config", "-"])
            .args(args)
            .current_dir(repo_root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let script = "curl -u svc:Summer2024! https://jira.example.com/\n";
    for format in ["human", "json", "sarif", "junit", "github", "gitlab"] {
        let output = run(&["--stdin-filename", "deploy/sync.sh", "--format", format], script);
        assert_eq!(output.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("deploy/sync.sh"), "{format}: {stdout}");
        assert!(!stdout.contains("Summer2024!"), "{format}");
    }
    let json = run(&["--format", "json"], script);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["findings"][0]["location"]["path"], "<stdin>");
    // Named as a test file, the finding is a note.
    let test = run(&["--stdin-filename", "tests/sync.sh", "--format", "json", "--min-severity", "note"], script);
    assert_eq!(test.status.code(), Some(0));
    let test: serde_json::Value = serde_json::from_slice(&test.stdout).unwrap();
    assert_eq!(test["findings"][0]["severity"], "note");
    // The kind comes from the name: a YAML key is read as YAML.
    let yaml = "jira:\n  url: https://jira.example.com\n  password: Summer2024!\n";
    let as_yaml = run(&["--stdin-filename", "config/app.yml", "--format", "json"], yaml);
    let as_yaml: serde_json::Value = serde_json::from_slice(&as_yaml.stdout).unwrap();
    assert!(!as_yaml["findings"].as_array().unwrap().is_empty(), "{as_yaml}");
    assert_eq!(run(&["fixtures"], script).status.code(), Some(2), "`-` is the only path");
}

#[test]
fn quiet_verbose_and_include() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    write(dir.path(), "ci/b.sh", "curl -u svc:Winter2023! https://jira.example.com/\n");
    // --include globs are relative to the current directory, like --exclude.
    let scan = |extra: &[&str]| {
        credlint().args(["scan", "--no-config"]).args(extra).arg(".").current_dir(dir.path()).output().unwrap()
    };
    let quiet = scan(&["-q"]);
    assert_eq!(quiet.status.code(), Some(1));
    assert!(quiet.stderr.is_empty(), "{}", String::from_utf8_lossy(&quiet.stderr));
    assert!(String::from_utf8_lossy(&quiet.stdout).contains("basic-auth-password"));
    let verbose = String::from_utf8(scan(&["-v"]).stderr).unwrap();
    assert!(
        verbose.contains("no config file") && verbose.contains("rules loaded") && verbose.contains("done in"),
        "{verbose}"
    );
    let included = scan(&["--format", "json", "--include", "ci/"]);
    let json: serde_json::Value = serde_json::from_slice(&included.stdout).unwrap();
    let paths: Vec<_> =
        json["findings"].as_array().unwrap().iter().map(|f| f["location"]["path"].as_str().unwrap()).collect();
    assert!(!paths.is_empty() && paths.iter().all(|p| *p == "ci/b.sh"), "{paths:?}");
}

/// `credlint.toml` and a `pyproject.toml` `[tool.credlint]` table are found like `.credlint.toml`.
#[test]
fn config_in_credlint_toml_or_pyproject() {
    let dir = tempfile::tempdir().unwrap();
    super::support::git(dir.path(), &["init", "-q"]);
    write(dir.path(), "a.sh", "curl -u svc:Summer2024! https://jira.example.com/\n");
    let rules = |output: std::process::Output| {
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut rules: Vec<String> =
            json["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect();
        rules.dedup();
        (rules, String::from_utf8(output.stderr).unwrap())
    };
    let scan = || credlint().args(["scan", "--format", "json"]).current_dir(dir.path()).output().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.credlint.rules]\nhardcoded-credential = \"off\"\n",
    );
    assert_eq!(rules(scan()).0, ["basic-auth-password"]);
    write(dir.path(), "credlint.toml", "[rules]\nbasic-auth-password = \"off\"\n");
    let (found, stderr) = rules(scan());
    assert_eq!(found, ["hardcoded-credential"]);
    assert!(stderr.contains("credlint.toml") && stderr.contains("pyproject.toml"), "{stderr}");
    std::fs::remove_file(dir.path().join("credlint.toml")).unwrap();
    write(dir.path(), "pyproject.toml", "[project]\nname = \"x\"\n\n[tool.credlint]\nexlcude = []\n");
    let bad = scan();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("pyproject.toml:5"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn completions_man_page_and_examples() {
    let bash = credlint().args(["completions", "bash"]).output().unwrap();
    assert!(bash.status.success());
    assert!(String::from_utf8(bash.stdout).unwrap().contains("scan"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert!(credlint().args(["completions", shell]).output().unwrap().status.success(), "{shell}");
    }
    let man = credlint().arg("man").output().unwrap();
    let man = String::from_utf8(man.stdout).unwrap();
    assert!(man.lines().any(|line| line.starts_with(".TH")), "{man}");
    let help = String::from_utf8(credlint().args(["scan", "--help"]).output().unwrap().stdout).unwrap();
    assert!(help.contains("Examples:") && help.contains("credlint scan --since origin/main"), "{help}");
}

#[test]
fn rules_and_explain_document_the_catalogue() {
    let rules = credlint().arg("rules").output().unwrap();
    assert!(rules.status.success());
    let listing = String::from_utf8(rules.stdout).unwrap();
    for rule in CATALOGUE.rules() {
        assert!(listing.contains(&*rule.id), "{listing}");
    }
    let explain = credlint().args(["explain", "basic-auth-password"]).output().unwrap();
    assert!(explain.status.success());
    assert!(String::from_utf8(explain.stdout).unwrap().contains("Why it matters"));
    let unknown = credlint().args(["explain", "no-such-rule"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

/// The literal secrets the fixtures hold (what a finding's primary span covers in the original).
pub(crate) fn fixture_secrets() -> Vec<String> {
    let mut secrets = Vec::new();
    for path in fixture_files() {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let kind = FileKind::detect(&path).unwrap_or(FileKind::Text);
        let file = SourceFile::new(path.clone(), kind, text);
        let (facts, findings) = credlint::scan_source(&file, &CATALOGUE);
        for finding in findings {
            let literal = facts
                .uses
                .iter()
                .find(|u| u.secret.span() == finding.primary.span && matches!(u.secret, Value::Literal { .. }));
            if let Some(credential) = literal {
                secrets.push(file.text[credential.secret.span().range()].to_owned());
                if let Some(text) = credential.secret.as_literal() {
                    secrets.push(text.to_owned());
                }
            }
        }
    }
    secrets.retain(|s| s.chars().count() >= 5);
    secrets.sort();
    secrets.dedup();
    secrets
}

#[test]
fn no_output_format_prints_a_fixture_secret() {
    let secrets = fixture_secrets();
    assert!(secrets.len() >= 30, "only {} secrets found in the fixtures", secrets.len());
    for format in ["human", "json"] {
        let output = credlint()
            .args(["scan", "--color", "always", "--format", format, "fixtures"])
            .current_dir(repo_root())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        for secret in &secrets {
            assert!(!stdout.contains(secret.as_str()), "{format} output shows a secret of {} chars", secret.len());
            assert!(!stderr.contains(secret.as_str()), "{format} stderr shows a secret");
        }
    }
}

#[test]
fn the_graph_prints_in_every_format_without_a_secret() {
    let secrets = fixture_secrets();
    for (format, start) in [("json", "{"), ("dot", "digraph credentials {"), ("mermaid", "flowchart LR")] {
        let output =
            credlint().args(["graph", "--format", format, "fixtures/repos"]).current_dir(repo_root()).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.starts_with(start), "{format}: {stdout}");
        assert!(stdout.contains("ATLASSIAN_API_TOKEN"), "{format}: {stdout}");
        for secret in &secrets {
            assert!(!stdout.contains(secret.as_str()), "{format} graph shows a secret");
        }
        // The scenario's literal token never appears whole either.
        assert!(!stdout.contains("pTyGJMuHbEL31IeL2HPc"), "{format} graph shows a scenario token");
    }
    let json = credlint().args(["graph", "fixtures/repos/dc-pat-two-hosts"]).current_dir(repo_root()).output().unwrap();
    let graph: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let credential = &graph["credentials"][0];
    assert_eq!(credential["shared"], true);
    assert_eq!(credential["connections"].as_array().unwrap().len(), 2);
    assert_eq!(credential["connections"][0]["uses"][0]["path"], "fixtures/repos/dc-pat-two-hosts/confluence/export.sh");
}

/// The progress line appears on a terminal (a pseudo-terminal from util-linux `script`), is
/// erased before the summary, and never reaches a pipe or a machine-readable report.
#[test]
fn progress_shows_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.sh", "echo hi\n");
    let binary = env!("CARGO_BIN_EXE_credlint");
    let on_terminal = |format: &str| {
        let command = format!("{binary} scan --no-config --format {format} {}", dir.path().display());
        let output = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("CREDLINT_PROGRESS_DELAY_MS", "0")
            .env_remove("CI")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITLAB_CI")
            .env("TERM", "xterm")
            .output();
        output.ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let Some(human) = on_terminal("human") else {
        eprintln!("skipped: util-linux `script` is not available");
        return;
    };
    let drawn = human.find("scanning: ").unwrap_or_else(|| panic!("no progress line: {human:?}"));
    let summary = human.find("credlint: 1 file scanned").unwrap();
    assert!(drawn < summary && human[drawn..summary].contains("\r\x1b[2K"), "{human:?}");
    assert!(!on_terminal("json").unwrap().contains("scanning: "));
    let piped = credlint()
        .args(["scan", "--no-config"])
        .arg(dir.path())
        .env("CREDLINT_PROGRESS_DELAY_MS", "0")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("scanning: "));
}

/// A literal another file's sink reaches is one finding, at the literal's file, judged in the
/// context of what was scanned: a file the first pass did not parse (the demand pass reads it
/// again from disk) and a file that also names the literal as a password alike. The scanned
/// directory sits in `examples/`, which is context only when it lies below the scanned root.
#[test]
fn literals_joined_across_files_are_one_finding_each_in_the_scanned_context() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["Config.java", "Database.java", "Relay.java", "Secrets.java", "Startup.java"] {
        let text = std::fs::read_to_string(repo_root().join("fixtures/code/across-files/java").join(name)).unwrap();
        write(&dir.path().join("examples/jdbc"), name, &text);
    }
    let output = credlint()
        .args(["scan", "--no-config", "--format", "json", "--min-severity", "note", "examples/jdbc"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let mut places: Vec<(String, u64)> = findings
        .iter()
        .map(|f| (f["location"]["path"].as_str().unwrap().to_owned(), f["location"]["start"]["line"].as_u64().unwrap()))
        .collect();
    let count = places.len();
    places.dedup();
    assert_eq!(places.len(), count, "a literal reported twice: {places:?}");
    let expected =
        [("examples/jdbc/Config.java", 7), ("examples/jdbc/Secrets.java", 9), ("examples/jdbc/Startup.java", 10)];
    for (path, line) in expected {
        assert!(places.contains(&(path.to_owned(), line)), "{path}:{line} missing from {places:?}");
    }
    // Nothing here is test code: every joined literal is an error, as a literal found by its
    // name in the same file would be.
    for finding in findings {
        assert_eq!(finding["severity"], "error", "{finding}");
        assert!(finding["message"].as_str().unwrap().contains("DriverManager.getConnection"), "{finding}");
    }
}

#[test]
fn explain_context_says_which_context_each_file_got_and_why() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/main/java/Db.java", "class Db { static final String PASSWORD = \"Pr0d-Db-Pw!\"; }\n");
    write(dir.path(), "src/intTest/java/DbIT.java", "class DbIT { static final String PASSWORD = \"Pr0d-Db-Pw!\"; }\n");
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: [push]\njobs:\n  tests:\n    runs-on: ubuntu-latest\n    services:\n      db:\n        image: postgres\n        env:\n          POSTGRES_PASSWORD: Ci-Only-Pg-2024\n    steps:\n      - run: make test\n",
    );
    let text = credlint().args(["scan", "--no-config", "--explain-context"]).arg(dir.path()).output().unwrap();
    assert_eq!(text.status.code(), Some(0));
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.contains("src/intTest/java/DbIT.java: test (a test source set (`src/intTest/`))"), "{stdout}");
    assert!(stdout.contains("src/main/java/Db.java: production"), "{stdout}");
    assert!(stdout.contains("lines 3-11: development (a CI job that starts service containers"), "{stdout}");

    // The same context travels with each finding in JSON; outside production it is a note.
    let scan = credlint()
        .args(["scan", "--no-config", "--format", "json", "--min-severity", "note", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let of = |suffix: &str| {
        findings
            .iter()
            .find(|f| f["location"]["path"].as_str().unwrap().ends_with(suffix) && f["rule"] == "hardcoded-credential")
            .unwrap_or_else(|| panic!("no finding in {suffix}: {json}"))
    };
    assert_eq!(of("Db.java")["severity"], "error");
    assert_eq!(of("Db.java")["context"]["context"], "production");
    assert_eq!(of("DbIT.java")["severity"], "note");
    assert_eq!(of("DbIT.java")["context"]["context"], "test");
    assert_eq!(of("ci.yml")["severity"], "note");
    assert_eq!(of("ci.yml")["context"]["context"], "development");
}

/// The inventory skeleton is TOML whatever the scanned files hold: a connection named after a
/// file with a quote and a control character in its name is escaped as TOML escapes.
#[cfg(unix)]
#[test]
fn the_inventory_skeleton_is_valid_toml() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "we\"ird\u{1b}.sh", "curl -H \"Authorization: Bearer $JIRA_TOKEN\" \"$URL\"\n");
    write(dir.path(), "b.sh", "curl -H \"Authorization: Bearer $JIRA_TOKEN\" https://jira.example.com/\n");
    let output = credlint().args(["inventory", "--no-config", "."]).current_dir(dir.path()).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let parsed: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let connections = parsed["credential"].as_array().unwrap()[0]["connections"].as_array().unwrap();
    assert!(connections.iter().any(|c| c.as_str() == Some("we\"ird\u{1b}.sh")), "{connections:?}");
}

/// `rules --tokens` lists the token catalogue; a catalogued token written with no credential name
/// beside it is reported as its provider's, with where to revoke it, in every output the user
/// reads, and never in clear.
#[test]
fn the_token_catalogue_is_listed_and_its_tokens_are_found_anywhere() {
    let listing = credlint().args(["rules", "--tokens", "--format", "json"]).output().unwrap();
    assert!(listing.status.success());
    let listing: serde_json::Value = serde_json::from_slice(&listing.stdout).unwrap();
    assert!(listing["providers"].as_u64().unwrap() >= 150, "{}", listing["providers"]);
    let slack = listing["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["prefixes"].as_array().unwrap().iter().any(|p| p == "hooks.slack.com/"))
        .expect("the Slack webhook format");
    let human = credlint().args(["rules", "--tokens"]).output().unwrap();
    let human = String::from_utf8(human.stdout).unwrap();
    assert!(human.contains(slack["id"].as_str().unwrap()) && human.contains("token formats of"), "{human}");

    let dir = tempfile::tempdir().unwrap();
    let hook = ["https://hooks.slack.com/services/T0A1B2C3D", "B4E5F6G7H", "q8W2eR4tY6uI0oP3aS5dF7gH"].join("/");
    super::support::write(dir.path(), "notify.py", &format!("# posts build results\nsend(\"{hook}\", text)\n"));
    let scan = |format: &str| {
        let output = credlint().args(["scan", "--no-config", "--format", format]).arg(dir.path()).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        String::from_utf8(output.stdout).unwrap()
    };
    let human = scan("human");
    assert!(
        human.contains("hardcoded Slack")
            && human.contains(&format!("revoke it at {}", slack["revoke"].as_str().unwrap())),
        "{human}"
    );
    let json: serde_json::Value = serde_json::from_str(&scan("json")).unwrap();
    assert_eq!(json["findings"][0]["revoke"], slack["revoke"]);
    let sarif: serde_json::Value = serde_json::from_str(&scan("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["properties"]["revoke"], slack["revoke"]);
    for format in ["human", "json", "sarif", "concise", "github", "gitlab", "junit"] {
        assert!(!scan(format).contains("q8W2eR4tY6uI0oP3aS5d"), "{format} shows the secret");
    }
}

/// An organisation's own token format, written as the catalogue's are in a rules directory: found
/// anywhere with its provider and revocation page, listed by `rules --tokens`, and refused with
/// the file and the example named when an example does not hold.
#[test]
fn token_formats_in_a_rules_directory_extend_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |second_example: &str| {
        format!(
            r#"[[token]]
id = "acme-internal-api-token"
provider = "Acme"
kind = "internal API token"
prefixes = ["acme_live_"]
pattern = "acme_live_[A-Za-z0-9]{{32}}"
check = "none"
revoke = "https://tokens.acme.example/revoke"
docs = "https://tokens.acme.example/docs"
examples = ["acme_live_Q7vX2mK9pL4rT8wZ3nB6cF1hJ5dS0aEz", "{second_example}"]
negative_examples = ["acme_live_short", "acme_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]
"#
        )
    };
    write(dir.path(), "rules/acme.toml", &entry("acme_live_h3Jk9LmN2pQ8rS5tV7wX1yZ4aB6cD0eF"));
    let token = ["acme_live_", "Wq8Zr3Tn6Yp1Ls4Kd7Fg2Hj5Bv9Cx0Mm"].concat();
    write(dir.path(), "src/notes.txt", &format!("the service uses {token} for now\n"));
    let scanned = credlint()
        .args(["scan", "--format", "json", "--rules", "rules", "src"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(scanned.status.code(), Some(1), "{}", String::from_utf8_lossy(&scanned.stderr));
    let json: serde_json::Value = serde_json::from_slice(&scanned.stdout).unwrap();
    let finding = &json["findings"][0];
    assert_eq!(finding["message"], "hardcoded Acme internal API token", "{json}");
    assert_eq!(finding["revoke"], "https://tokens.acme.example/revoke");
    assert!(!String::from_utf8_lossy(&scanned.stdout).contains(&token[4..]), "no secret in the report");
    // Without the directory, the same text is not a finding.
    let plain = credlint().args(["scan", "src"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(plain.status.code(), Some(0), "{}", String::from_utf8_lossy(&plain.stdout));

    let listed = credlint().args(["rules", "--tokens", "--rules", "rules"]).current_dir(dir.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("acme-internal-api-token"));

    // An example that its own pattern does not find (a sequence fails the randomness floor).
    write(dir.path(), "bad/acme.toml", &entry("acme_live_abcdefghijabcdefghijabcdefghijab"));
    let refused = credlint().args(["scan", "--rules", "bad", "src"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("bad/acme.toml: token `acme-internal-api-token`: example 2 is not found"), "{stderr}");
    // An id the embedded catalogue has already.
    write(
        dir.path(),
        "twice/github.toml",
        &entry("acme_live_h3Jk9LmN2pQ8rS5tV7wX1yZ4aB6cD0eF")
            .replace("acme-internal-api-token", "github-personal-access-token"),
    );
    let twice = credlint().args(["scan", "--rules", "twice", "src"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(twice.status.code(), Some(2), "{}", String::from_utf8_lossy(&twice.stderr));
}
