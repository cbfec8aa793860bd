//! A few snapshots of how human output looks. The fixture annotations pin *what* is found; these
//! pin the shape a developer reads: caret under the secret, connection label, help line, summary.

use super::support::credlint;

fn human_output(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let output =
        credlint().args(["scan", "--no-config", "--color", "never", "."]).current_dir(dir.path()).output().unwrap();
    // The summary line goes to stderr; the snapshot shows both streams as a terminal would.
    format!("{}{}", String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn curl_password() {
    insta::assert_snapshot!(human_output(&[(
        "sync.sh",
        "#!/bin/sh\ncurl -s -u svc-jira:Summer2024! \\\n  https://jira.example.com/rest/api/2/myself\n"
    )]));
}

#[test]
fn python_binding_resolved_at_its_use() {
    insta::assert_snapshot!(human_output(&[(
        "report.py",
        "import requests\n\nJIRA_PASSWORD = \"h0pk1ns~21s\"\n\nrequests.get(\"https://jira.example.com/rest/api/2/search\", auth=(\"svc\", JIRA_PASSWORD))\n"
    )]));
}

#[test]
fn reference_named_password_is_a_warning() {
    insta::assert_snapshot!(human_output(&[(
        "deploy.sh",
        "curl --user \"$JIRA_USER:$JIRA_PASSWORD\" https://jira.example.com/rest/api/2/myself\n"
    )]));
}
