//! Redaction, as a property: secrets of every class, generated at random and planted in files of
//! every kind, never appear in full in any output — human, JSON, SARIF, JUnit, GitHub, GitLab,
//! concise, GitLab Code Quality, the graph, the inventory skeleton, the baseline — nor on stderr.

use std::fmt::Write as _;
use std::path::Path;

use super::support::credlint;

/// A small deterministic generator (SplitMix64): the same secrets on every run, many per run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char).collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One secret of each class: passwords, an Atlassian API token with a valid CRC32 tail, a DC PAT,
/// a Bitbucket DC token, a generic hex token.
fn secrets(rng: &mut Rng) -> Vec<String> {
    let password = format!(
        "{}{}!{}",
        rng.pick(b"ABCDEFGHJKLMNPQRSTUVWXYZ", 1),
        rng.pick(b"abcdefghijkmnopqrstuvwxyz", 7),
        rng.pick(b"0123456789", 4)
    );
    let body =
        format!("ATATT3xFfGF0{}=", rng.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", 171));
    let atlassian = format!("{body}{:08X}", crc32(body.as_bytes()));
    let mut pat = format!("{}:", rng.pick(b"0123456789", 12)).into_bytes();
    pat.extend((0..20).map(|_| (rng.next() & 0xFF) as u8));
    let dc_pat = base64(&pat);
    let bbdc = format!("BBDC-{}", rng.pick(ALNUM, 44));
    let hex = rng.pick(b"0123456789abcdef", 40);
    vec![password, atlassian, dc_pat, bbdc, hex]
}

fn plant(dir: &Path, round: usize, secrets: &[String]) {
    let [password, atlassian, dc_pat, bbdc, hex] = secrets else { unreachable!() };
    let write = |name: &str, text: String| std::fs::write(dir.join(format!("r{round}-{name}")), text).unwrap();
    write(
        "sync.sh",
        format!(
            "curl -u svc:{password} https://jira.acme-corp.example/rest/api/2/myself\ncurl -H \"Authorization: Bearer {dc_pat}\" http://jira.acme-corp.example/rest/api/2/search\n"
        ),
    );
    write(
        "client.py",
        format!(
            "import requests\nTOKEN = \"{atlassian}\"\nrequests.get(\"https://acme.atlassian.net/rest/api/3/myself\", auth=(\"bot@acme.example\", TOKEN))\nrequests.get(\"https://acme.atlassian.net/wiki/rest/api/space\", auth=(\"bot@acme.example\", TOKEN))\n"
        ),
    );
    write("app.env", format!("BITBUCKET_TOKEN={bbdc}\nJIRA_PASSWORD={password}\n"));
    write(
        "deploy.yml",
        format!(
            "jobs:\n  a:\n    env:\n      API_TOKEN: {hex}\n    steps:\n      - run: git clone https://deploy:{password}@git.acme-corp.example/ops/tools.git\n"
        ),
    );
    let mut netrc = String::new();
    let _ = writeln!(netrc, "machine git.acme-corp.example login deploy password {hex}");
    std::fs::write(dir.join(format!("r{round}.netrc")), netrc).unwrap();
    let auth = base64(format!("deploy:{password}").as_bytes());
    write("config.json", format!("{{\"auths\": {{\"registry.acme-corp.example\": {{\"auth\": \"{auth}\"}}}}}}\n"));
    write(
        "main.rs",
        format!(
            "fn main() {{\n    let client = reqwest::Client::new();\n    client.get(\"https://jira.acme-corp.example/rest/api/2/myself\").basic_auth(\"svc\", Some(\"{password}\"));\n}}\n"
        ),
    );
}

#[test]
fn no_output_shows_a_planted_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut rng = Rng(0x5EED_CAFE);
    let mut all = Vec::new();
    for round in 0..12 {
        let planted = secrets(&mut rng);
        plant(d, round, &planted);
        all.extend(planted);
    }
    // Every planted secret, and the base64 `user:password` blobs built from them.
    let mut needles: Vec<String> = all.clone();
    needles.extend(all.iter().map(|s| base64(format!("deploy:{s}").as_bytes())));
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "junit", "github", "gitlab", "concise", "gitlab-codequality"] {
        outputs.push((
            format.to_owned(),
            credlint()
                .args(["scan", "--no-config", "--min-severity", "note", "--color", "always", "--format", format, "."])
                .current_dir(d)
                .output()
                .unwrap(),
        ));
    }
    for format in ["json", "dot", "mermaid"] {
        outputs.push((
            format!("graph {format}"),
            credlint().args(["graph", "--no-config", "--format", format, "."]).current_dir(d).output().unwrap(),
        ));
    }
    outputs.push((
        "inventory".to_owned(),
        credlint().args(["inventory", "--no-config", "."]).current_dir(d).output().unwrap(),
    ));
    let baseline =
        credlint().args(["baseline", "--no-config", "--output", "baseline.json", "."]).current_dir(d).output().unwrap();
    outputs.push(("baseline".to_owned(), baseline));
    let baseline_file = std::fs::read_to_string(d.join("baseline.json")).unwrap();
    let human = String::from_utf8_lossy(&outputs[0].1.stdout).to_string();
    assert!(
        human.contains("basic-auth-password") && human.contains("shared-credential"),
        "the planted files are found:\n{human}"
    );
    assert_no_secret_in(&outputs, &needles);
    for (i, secret) in needles.iter().enumerate() {
        assert!(!baseline_file.contains(secret.as_str()), "the baseline file holds planted secret #{i}");
    }
}

/// The same property for `scan --history`: secrets planted in commits and deleted since appear in
/// no output, though every report now names the commits they came from.
#[test]
fn no_history_output_shows_a_planted_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(d)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    let mut rng = Rng(0x0415_7021);
    let mut needles = Vec::new();
    for round in 0..4 {
        let planted = secrets(&mut rng);
        plant(d, round, &planted);
        git(&["add", "-A"]);
        git(&["commit", "-qm", &format!("round {round}")]);
        needles.extend(planted.iter().map(|s| base64(format!("deploy:{s}").as_bytes())));
        needles.extend(planted);
    }
    for entry in std::fs::read_dir(d).unwrap().flatten() {
        if entry.file_name() != ".git" {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    git(&["add", "-A"]);
    git(&["commit", "-qm", "remove every secret"]);
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "junit", "github", "gitlab", "concise", "gitlab-codequality"] {
        let args =
            ["scan", "--no-config", "--history", "--min-severity", "note", "--color", "always", "--format", format];
        outputs.push((format.to_owned(), credlint().args(args).current_dir(d).output().unwrap()));
    }
    for format in ["json", "dot", "mermaid"] {
        let args = ["graph", "--no-config", "--history", "--format", format];
        outputs.push((format!("graph {format}"), credlint().args(args).current_dir(d).output().unwrap()));
    }
    let args = ["baseline", "--no-config", "--history", "--output", "../history-baseline.json"];
    outputs.push(("baseline".to_owned(), credlint().args(args).current_dir(d).output().unwrap()));
    let json = String::from_utf8_lossy(&outputs[1].1.stdout).to_string();
    assert!(json.contains("removed_in") && json.contains("shared-credential"), "the planted history is found:\n{json}");
    let baseline_file = std::fs::read_to_string(d.join("../history-baseline.json")).unwrap();
    outputs.push((
        "baseline file".to_owned(),
        std::process::Command::new("true")
            .output()
            .map(|mut o| {
                o.stdout = baseline_file.into_bytes();
                o
            })
            .unwrap(),
    ));
    assert_no_secret_in(&outputs, &needles);
}

/// No output (stdout or stderr) panicked or shows any of `needles` in full; a failure names the
/// output and the secret's index and length, never the secret.
fn assert_no_secret_in(outputs: &[(String, std::process::Output)], needles: &[String]) {
    for (name, output) in outputs {
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(!text.contains("panicked"), "{name}: {text}");
        for (i, secret) in needles.iter().enumerate() {
            assert!(
                !text.contains(secret.as_str()),
                "{name} output shows planted secret #{i} ({} chars)",
                secret.len()
            );
        }
    }
}
