//! Hostile trees: odd bytes, odd names, odd nesting and odd file types. Each must be scanned or
//! reported, never crash the scan, and keep spans right.

use std::path::Path;
use std::process::{Command, Output};

use super::support::credlint;

const PASSWORD: &str = "curl -u svc:Summer2024! https://jira.example.com/rest/api/2/myself";

fn scan(dir: &Path, extra: &[&str]) -> (serde_json::Value, Output) {
    let output = credlint()
        .args(["scan", "--no-config", "--format", "json", "--min-severity", "note"])
        .args(extra)
        .arg(".")
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (json, output)
}

fn first_location(json: &serde_json::Value) -> (u64, u64) {
    let start = &json["findings"][0]["location"]["start"];
    (start["line"].as_u64().unwrap(), start["column"].as_u64().unwrap())
}

#[test]
fn crlf_and_lone_cr_line_endings_keep_lines_and_columns() {
    for (name, ending) in [("crlf.sh", "\r\n"), ("cr.sh", "\r")] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), format!("#!/bin/sh{ending}set -eu{ending}{PASSWORD}{ending}")).unwrap();
        let (json, _) = scan(dir.path(), &[]);
        assert_eq!(first_location(&json), (3, 13), "{name}");
    }
}

#[cfg(unix)]
#[test]
fn odd_file_names_are_scanned() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let names: [&[u8]; 3] = [b"with space.sh", b"new\nline.sh", b"latin1-\xe9.sh"];
    for name in names {
        std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(name)), PASSWORD).unwrap();
    }
    let (json, output) = scan(dir.path(), &[]);
    let paths: std::collections::BTreeSet<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn a_fifo_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.sh");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::fs::write(dir.path().join("real.sh"), PASSWORD).unwrap();
    // Reading the FIFO would block forever: the scan must finish without opening it.
    let (json, _) = scan(dir.path(), &[]);
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn deep_nesting_and_expansion_bombs_stay_cheap() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let depth = 100_000;
    std::fs::write(
        d.join("deep.json"),
        format!("{{\"password\": {}\"S3cret!x\"{}}}", "[".repeat(depth), "]".repeat(depth)),
    )
    .unwrap();
    std::fs::write(d.join("deep.yml"), format!("password: {}x{}\n", "[".repeat(depth), "]".repeat(depth))).unwrap();
    let mut bomb = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 0..9 {
        let (prev, next) = ((b'a' + i) as char, (b'a' + i + 1) as char);
        bomb.push_str(&format!(
            "{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    bomb.push_str("password: *j\n");
    std::fs::write(d.join("bomb.yml"), bomb).unwrap();
    let mut entities = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let previous = if i == 1 { "lol".to_owned() } else { format!("lol{}", i - 1) };
        entities.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", format!("&{previous};").repeat(10)));
    }
    entities.push_str(
        "]>\n<settings><servers><server><id>x</id><password>&lol9;</password></server></servers></settings>\n",
    );
    std::fs::write(d.join("settings.xml"), entities).unwrap();
    std::fs::write(d.join("long.sh"), format!("{}; {PASSWORD}\n", "x".repeat(5_000_000))).unwrap();
    let (json, output) = scan(d, &[]);
    assert!(output.status.code().is_some_and(|c| c <= 1));
    let long = json["findings"].as_array().unwrap().iter().find(|f| f["location"]["path"] == "long.sh").unwrap();
    assert_eq!(long["location"]["start"]["column"], 5_000_000 + 2 + 13);
}

#[test]
fn nul_bytes_late_in_a_file_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = PASSWORD.as_bytes().to_vec();
    bytes.extend(std::iter::repeat_n(b' ', 9000));
    bytes.push(0);
    std::fs::write(dir.path().join("late-nul.sh"), bytes).unwrap();
    let (json, _) = scan(dir.path(), &[]);
    assert_eq!(json["findings"].as_array().unwrap().len(), 1, "a NUL past the first 8 KiB does not make a file binary");
}

/// A directory and a file this user may not read: each is reported (exit 2) and the rest of the
/// tree is scanned. As root (which ignores permissions) the scan runs as `nobody` via `setpriv`.
#[cfg(unix)]
#[test]
fn permission_denied_paths_are_reported_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("open.sh"), format!("{PASSWORD}\n")).unwrap();
    std::fs::create_dir(d.join("locked")).unwrap();
    std::fs::write(d.join("locked/inside.sh"), format!("{PASSWORD}\n")).unwrap();
    std::fs::write(d.join("closed.sh"), format!("{PASSWORD}\n")).unwrap();
    // The binary is copied in, so that `nobody` can run it whatever the checkout's permissions.
    let binary = d.join("credlint");
    std::fs::copy(env!("CARGO_BIN_EXE_credlint"), &binary).unwrap();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(d.join("open.sh"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(d.join("closed.sh"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let is_root = Command::new("id").arg("-u").output().unwrap().stdout.starts_with(b"0\n");
    let mut command = if is_root {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&binary);
        command
    } else {
        Command::new(&binary)
    };
    let output = command
        .args(["scan", "--no-config", "--format", "json", "--exclude", "credlint", "."])
        .current_dir(d)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(output.status.code(), Some(2), "{json}");
    let problems: Vec<(String, String)> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["path"].as_str().unwrap().to_owned(), p["message"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    for (path, message) in &problems {
        assert!(path.ends_with("closed.sh") || path.ends_with("locked"), "{path}");
        assert!(message.contains("ermission denied"), "{message}");
    }
    let found: Vec<&str> =
        json["findings"].as_array().unwrap().iter().map(|f| f["location"]["path"].as_str().unwrap()).collect();
    assert!(found.iter().all(|path| path.ends_with("open.sh")) && !found.is_empty(), "{found:?}");
}

/// A full stderr loses the summary, not the run: the exit code is still the findings'.
#[cfg(target_os = "linux")]
#[test]
fn a_full_stderr_is_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sync.sh"), PASSWORD).unwrap();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let status = credlint()
        .args(["scan", "--no-config", "--verbose", "."])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the findings' exit code, not a panic's 101");
}

/// `return return …` nests in `syn`'s parser like a prefix operator: the file is a problem the
/// report names, not a stack overflow that takes the whole scan down (exit 134).
#[test]
fn chained_keywords_do_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    for keyword in ["return", "break", "yield"] {
        let body = format!("{keyword} ").repeat(30_000);
        let text = format!("fn f() {{ let c = reqwest::Client::new().basic_auth(\"u\", Some(PASSWORD)); {body}1; }}\n");
        std::fs::write(dir.path().join(format!("{keyword}.rs")), text).unwrap();
    }
    std::fs::write(dir.path().join("sync.sh"), PASSWORD).unwrap();
    let (json, output) = scan(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json["findings"].as_array().unwrap().len(), 1, "the other files still report");
    assert_eq!(json["problems"].as_array().unwrap().len(), 3, "{}", json["problems"]);
}

/// A pattern that takes too long on a file is named in the file's problems, and its findings
/// are kept (the threshold is lowered to zero so that every pattern that runs counts as slow).
#[test]
fn a_slow_pattern_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sync.sh"), PASSWORD).unwrap();
    let output = credlint()
        .args(["scan", "--no-config", "--format", "json", "."])
        .env("CREDLINT_SLOW_PATTERN_MS", "0")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "a slow pattern does not change the exit code");
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    let problems = json["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["kind"] == "slow" && p["message"].as_str().unwrap().starts_with("pattern `")),
        "{problems:?}"
    );
}

/// A long line is shown as a window around each finding's labels: 200 findings on one 1 MB line
/// printed 200 MB before (the whole line each time).
#[test]
fn a_long_line_is_shown_around_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut line: String =
        (0..200).map(|i| format!("curl -u svc:Summer{i:06}! https://jira{i}.example.com/; ")).collect();
    let last_column = line.find("Summer000199").unwrap() + 1;
    line.push_str(&"x".repeat(1_000_000 - line.len()));
    line.push('\n');
    std::fs::write(dir.path().join("one.sh"), line).unwrap();
    let output =
        credlint().args(["scan", "--no-config", "--color", "never", "."]).current_dir(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let shown = String::from_utf8(output.stdout).unwrap();
    assert_eq!(shown.matches("error[basic-auth-password]").count(), 200);
    assert!(shown.len() < 200 * 2_000, "{} bytes for 200 findings", shown.len());
    // Columns still count from the start of the line.
    assert!(shown.contains("one.sh:1:13\n") && shown.contains(&format!("one.sh:1:{last_column}\n")), "{shown:.2000}");
    assert!(shown.contains("basic auth sends a password to `jira199.example.com`"));
}

/// A config file over the 4 MiB parsed as one model is parsed in pieces: its credentials are
/// found wherever they are (they were left to the text patterns, which found none of these).
#[test]
fn a_big_config_file_is_still_read_as_data() {
    let dir = tempfile::tempdir().unwrap();
    let pad: String = (0..250_000).map(|i| format!("key.number{i} = value{i}\n")).collect();
    std::fs::write(dir.path().join("app.properties"), format!("{pad}jira.password = Summer2024!\n")).unwrap();
    let docs: String =
        (0..70_000).map(|i| format!("---\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  k: v{i}\n")).collect();
    let secret = "---\nkind: Secret\nmetadata:\n  name: jira\nstringData:\n  password: Autumn2023!\n";
    std::fs::write(dir.path().join("manifests.yaml"), format!("{docs}{secret}")).unwrap();
    let (json, output) = scan(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let mut found: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "hardcoded-credential")
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    found.sort_unstable();
    assert_eq!(found, ["app.properties", "manifests.yaml"]);
    assert_eq!(json["problems"].as_array().unwrap().len(), 0, "{}", json["problems"]);
}

/// A backslash in a Unix file name is part of the name: reports show it, not a `/`.
#[cfg(unix)]
#[test]
fn a_backslash_in_a_file_name_is_shown_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a\\b.sh"), PASSWORD).unwrap();
    let (json, _) = scan(dir.path(), &[]);
    assert_eq!(json["findings"][0]["location"]["path"], "a\\b.sh");
}

/// A credential used in hundreds of places is one `shared-credential` finding with a bounded
/// list of related locations (each connection's first use always among them) and a count of the
/// rest.
#[test]
fn a_shared_credentials_related_locations_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..150 {
        let text = format!("curl -H \"Authorization: Bearer $JIRA_TOKEN\" https://a.example.com/{i}\n");
        std::fs::write(dir.path().join(format!("a{i:03}.sh")), text).unwrap();
    }
    std::fs::write(dir.path().join("z.sh"), "curl -H \"Authorization: Bearer $JIRA_TOKEN\" https://b.example.com/\n")
        .unwrap();
    let (json, _) = scan(dir.path(), &[]);
    let shared: Vec<&serde_json::Value> =
        json["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "shared-credential").collect();
    assert_eq!(shared.len(), 1);
    let related = shared[0]["related"].as_array().unwrap();
    assert!(related.len() <= 100, "{} related locations", related.len());
    assert!(related.iter().any(|r| r["path"] == "z.sh"), "the other connection's use is shown");
    assert!(shared[0]["reason"].as_str().unwrap().contains("50 more uses are not shown"), "{}", shared[0]["reason"]);
}
