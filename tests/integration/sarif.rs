//! SARIF output: valid against the official OASIS schema (with Python's `jsonschema`), readable
//! by a real consumer (`sarif-tools`), and carrying what GitHub code scanning needs. Both tools
//! come from `scripts/test`'s virtual environment; the schema is carried in `tests/schemas/`.

use std::path::PathBuf;
use std::process::Command;

use super::support::{credlint, repo_root};

/// The official OASIS schema (SARIF 2.1.0 errata 01), verbatim, with its notice beside it.
fn schema() -> PathBuf {
    repo_root().join("tests/schemas/sarif-schema-2.1.0.json")
}

fn sarif_of(args: &[&str]) -> (serde_json::Value, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("credlint.sarif");
    let status = credlint()
        .args(["scan", "--format", "sarif", "--output"])
        .arg(&out)
        .args(args)
        .current_dir(repo_root())
        .status()
        .unwrap();
    assert!(status.code().is_some_and(|c| c <= 1), "{status:?}");
    let json = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    (json, out, dir)
}

pub fn validate(path: &std::path::Path) {
    let script = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1]))\n\
        doc = json.load(open(sys.argv[2]))\n\
        errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=str)\n\
        [print(e.message, list(e.path)) for e in errors[:20]]\n\
        sys.exit(1 if errors else 0)\n";
    let output = Command::new("python3").arg("-c").arg(script).arg(schema()).arg(path).output().unwrap();
    assert!(
        output.status.success(),
        "SARIF does not validate (is `jsonschema` installed? `bash scripts/test` installs it):\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn fixture_sarif_validates_against_the_official_schema() {
    let (_, path, _dir) = sarif_of(&["fixtures"]);
    validate(&path);
}

#[test]
fn a_clean_scan_has_an_empty_results_array_and_validates() {
    let clean = tempfile::tempdir().unwrap();
    std::fs::write(clean.path().join("ok.sh"), "echo hello\n").unwrap();
    let (json, path, _dir) = sarif_of(&["--no-config", clean.path().to_str().unwrap()]);
    validate(&path);
    assert_eq!(json["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn sarif_carries_what_code_scanning_needs() {
    let (json, _, _dir) = sarif_of(&["fixtures"]);
    let run = &json["runs"][0];
    assert_eq!(json["version"], "2.1.0");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert_eq!(run["automationDetails"]["id"], "credlint/");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].get("uri").is_none());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "rules sorted, no duplicates");
    for rule in rules {
        let severity: f64 = rule["properties"]["security-severity"].as_str().unwrap().parse().unwrap();
        assert!(severity > 0.0 && severity <= 10.0);
        assert!(rule["properties"]["tags"].as_array().unwrap().iter().any(|t| t == "security"));
        assert_ne!(rule["name"], rule["id"]);
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(rule["fullDescription"]["text"].as_str().unwrap().chars().count() <= 1024);
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(result["locations"].as_array().unwrap().len(), 1);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(!location["artifactLocation"]["uri"].as_str().unwrap().starts_with('/'));
        assert!(result["partialFingerprints"]["credlint/v1"].as_str().unwrap().len() == 16);
        for (i, related) in result["relatedLocations"].as_array().unwrap().iter().enumerate() {
            assert_eq!(related["id"], i + 1);
            let link = format!("]({})", i + 1);
            assert!(result["message"]["text"].as_str().unwrap().contains(&link), "{result}");
        }
    }
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "shared-credential" && !r["relatedLocations"].as_array().unwrap().is_empty())
    );
}

#[test]
fn columns_are_utf16_code_units() {
    let dir = tempfile::tempdir().unwrap();
    // "é" is one UTF-16 unit and two bytes; "😀" is two units and four bytes.
    std::fs::write(dir.path().join("run.sh"), "echo é😀; curl -u svc:Summer2024! https://jira.example.com/\n").unwrap();
    let (json, _, _out) = sarif_of(&["--no-config", dir.path().to_str().unwrap()]);
    let region = &json["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    let line = "echo é😀; curl -u svc:";
    assert_eq!(region["startColumn"], line.encode_utf16().count() + 1);
    assert_eq!(region["endColumn"], line.encode_utf16().count() + 1 + "Summer2024!".len());
}

#[test]
fn a_real_consumer_reads_it() {
    let (json, path, _dir) = sarif_of(&["fixtures"]);
    let output = Command::new("sarif").arg("summary").arg(&path).output();
    let output = output.expect("`sarif` (PyPI sarif-tools) is installed by `bash scripts/test`");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary = String::from_utf8_lossy(&output.stdout);
    let errors = json["runs"][0]["results"].as_array().unwrap().iter().filter(|r| r["level"] == "error").count();
    assert!(summary.contains(&format!("error: {errors}")), "{summary}");
}
