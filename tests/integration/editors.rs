//! The editor set-ups of the README, tried in the editors themselves where the machine has them:
//! Neovim, headless, with `editors/neovim/trial.lua`. CI installs Neovim and sets
//! `CREDLINT_EDITOR_TESTS=1`, which makes a missing editor a failure instead of a skip.

use std::process::Command;

fn required() -> bool {
    std::env::var_os("CREDLINT_EDITOR_TESTS").is_some_and(|v| v == "1")
}

fn has(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn neovim_shows_the_diagnostic_of_a_basic_auth_password() {
    if !has("nvim") {
        assert!(!required(), "CREDLINT_EDITOR_TESTS=1 but nvim is not installed");
        eprintln!("skipped: nvim is not installed");
        return;
    }
    let project = tempfile::tempdir().unwrap();
    let password = ["Summer", "2024!"].concat();
    let file = project.path().join("deploy.py");
    std::fs::write(
        &file,
        format!("import requests\nrequests.get(\"https://jira.example.com/rest/api/2/myself\", auth=(\"svc\", \"{password}\"))\n"),
    )
    .unwrap();
    let out = project.path().join("diagnostics.txt");
    let trial = concat!(env!("CARGO_MANIFEST_DIR"), "/editors/neovim/trial.lua");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-c", &format!("luafile {trial}")])
        .env("CREDLINT_BIN", env!("CARGO_BIN_EXE_credlint"))
        .env("CREDLINT_FILE", &file)
        .env("CREDLINT_OUT", &out)
        .current_dir(project.path())
        .status()
        .unwrap();
    assert!(status.success(), "{status}");
    let shown = std::fs::read_to_string(&out).unwrap();
    let column = "requests.get(\"https://jira.example.com/rest/api/2/myself\", auth=(\"svc\", \"".len() + 1;
    assert!(
        shown
            .lines()
            .any(|line| line.starts_with(&format!("2:{column} basic-auth-password basic auth sends a password"))),
        "{shown}"
    );
    assert!(!shown.contains(&password), "no secret in what the editor shows");
    assert!(shown.lines().any(|line| line == "exit: 0"), "the server ends cleanly when Neovim stops it: {shown}");
}
