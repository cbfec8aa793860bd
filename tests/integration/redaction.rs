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

/// Adversarial secrets: random values holding `@ . / : # ? % =`, quotes, spaces, the mask
/// character and non-ASCII, planted where a naive reader splits, labels or prints them — a URL's
/// user and password, its query and fragment, a header, JDBC and ODBC/ADO.NET connection strings,
/// the line between two labelled lines, an inventory's `revoke` — each beside a flagged secret so
/// that its line is in a report. Through every subcommand and format, written files included, no
/// output holds any six consecutive characters of one (beyond the first and last four that
/// `redact` documents, which are shorter than six).
#[test]
fn adversarial_secrets_leave_no_six_character_piece() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut rng = Rng(0xAD5E_C2E7);
    let mut needles = Vec::new();
    for round in 0..6 {
        plant_adversarial(d, round, &mut rng, &mut needles);
    }
    let config = d.join("inventory.toml");
    let config = config.to_str().unwrap();
    let mut outputs = Vec::new();
    let scan = |format: &str| {
        credlint()
            .args(["scan", "--config", config, "--today", "2026-12-05", "--min-severity", "note"])
            .args(["--color", "always", "--format", format, "."])
            .current_dir(d)
            .output()
            .unwrap()
    };
    for format in ["human", "json", "sarif", "junit", "github", "gitlab", "concise", "gitlab-codequality"] {
        outputs.push((format.to_owned(), scan(format)));
    }
    for format in ["json", "dot", "mermaid"] {
        let args = ["graph", "--config", config, "--format", format, "."];
        outputs.push((format!("graph {format}"), credlint().args(args).current_dir(d).output().unwrap()));
    }
    outputs.push((
        "inventory".to_owned(),
        credlint().args(["inventory", "--config", config, "."]).current_dir(d).output().unwrap(),
    ));
    let out = tempfile::tempdir().unwrap();
    let written = |name: &str| out.path().join(name).to_str().unwrap().to_owned();
    let sarif_file = written("report.sarif");
    let args = ["scan", "--config", config, "--format", "sarif", "--output", &sarif_file, "."];
    outputs.push(("scan --output".to_owned(), credlint().args(args).current_dir(d).output().unwrap()));
    let baseline_file = written("baseline.json");
    let args = ["baseline", "--config", config, "--output", &baseline_file, "."];
    outputs.push(("baseline".to_owned(), credlint().args(args).current_dir(d).output().unwrap()));
    let json = String::from_utf8_lossy(&outputs[1].1.stdout).to_string();
    for rule in ["credential-in-url", "hardcoded-credential", "credential-expired", "Client.java"] {
        assert!(json.contains(rule), "the planted files are found ({rule}):\n{json}");
    }
    for path in [&sarif_file, &baseline_file] {
        let mut file = std::process::Command::new("true").output().unwrap();
        file.stdout = std::fs::read(path).unwrap();
        outputs.push((format!("written {}", Path::new(path).file_name().unwrap().to_string_lossy()), file));
    }
    assert_no_piece_in(&outputs, &needles);
}

/// A secret of 14 to 24 characters, at least eight of them alphanumeric, with `extra` characters
/// mixed in.
fn adversarial(rng: &mut Rng, extra: &[&str]) -> String {
    let len = 14 + (rng.next() % 11) as usize;
    let mut secret = String::new();
    for i in 0..len {
        if i % 3 == 1 && !extra.is_empty() {
            secret.push_str(extra[(rng.next() % extra.len() as u64) as usize]);
        } else {
            secret.push_str(&rng.pick(ALNUM, 1));
        }
    }
    secret
}

/// Percent-encodes what a URL can't hold raw; `@`, `:`, `=`, `!`, `*` and `.` stay, as people
/// write them.
fn url_encoded(secret: &str) -> String {
    let mut out = String::new();
    for c in secret.chars() {
        if c.is_ascii_alphanumeric() || "@:=!*.-_~".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

const URL_CHARS: &[&str] = &["@", ".", "/", ":", "#", "?", "%", "=", " ", "*", "é", "中", "\"", "'"];
const WORD_CHARS: &[&str] = &["@", ".", "/", ":", "#", "?", "%", "=", "*", "ü", "ж", "!"];

fn plant_adversarial(dir: &Path, round: usize, rng: &mut Rng, needles: &mut Vec<String>) {
    let mut secret = |extra: &[&str], needles: &mut Vec<String>| {
        let value = adversarial(rng, extra);
        needles.push(value.clone());
        value
    };
    // The anchor on each line is flagged; the planted value is beside it.
    let anchor = |n: &mut Vec<String>, s: &mut dyn FnMut(&[&str], &mut Vec<String>) -> String| s(&["!", "#", "@"], n);
    let write = |name: &str, text: String| std::fs::write(dir.join(format!("a{round}-{name}")), text).unwrap();

    let (a, user, password) = (anchor(needles, &mut secret), secret(URL_CHARS, needles), secret(URL_CHARS, needles));
    let (user_enc, password_enc) = (url_encoded(&user), url_encoded(&password));
    needles.extend([user_enc.clone(), password_enc.clone()]);
    let (query, fragment) = (secret(URL_CHARS, needles), secret(URL_CHARS, needles));
    let (query_enc, fragment_enc) = (url_encoded(&query), url_encoded(&fragment));
    needles.extend([query_enc.clone(), fragment_enc.clone()]);
    let header = secret(&[".", "/", "=", "-", "_"], needles);
    let between = secret(WORD_CHARS, needles);
    write(
        "urls.sh",
        format!(
            "curl https://bot:{password_enc}@jira.example.org/rest/api/2/myself\n\
             git clone https://{user_enc}@git.example.org/o/r.git && curl -u admin:{a} https://jira.example.org/\n\
             curl -u admin:{a} \"https://jira.example.org/rest?access_token={query_enc}&x=1#token={fragment_enc}\"\n\
             curl -u admin:{a} -H \"X-Api-Key: {header}\" -H \"Authorization: Bearer {header}\" https://jira.example.org/\n\
             curl -u admin:{a} \\\n  -H \"X-Note: {between}\" \\\n  https://jira.example.org/rest/api/2/myself\n"
        ),
    );

    let (b, jdbc, odbc, ado) = (
        anchor(needles, &mut secret),
        secret(URL_CHARS, needles),
        secret(WORD_CHARS, needles),
        secret(WORD_CHARS, needles),
    );
    let jdbc_enc = url_encoded(&jdbc);
    needles.push(jdbc_enc.clone());
    let yaml_b = b.replace('"', "\\\"");
    write(
        "app.yml",
        format!(
            "db:\n  password: \"{yaml_b}\"\n  url: jdbc:postgresql://db.example.org:5432/app?user=app&password={jdbc_enc}\n\
             \x20 other_password: \"{yaml_b}\"\n  odbc: \"Driver={{ODBC}};Server=db;UID=sa;PWD={{{odbc}}};\"\n\
             \x20 ado: \"Server=db;User Id=sa;Password={ado};\"\n"
        ),
    );
    let (c, neighbour) = (anchor(needles, &mut secret), secret(WORD_CHARS, needles));
    write(
        "client.py",
        format!(
            "import requests\nrequests.get(\"https://api.example.org/\", auth=(\"u\", \"{c}\")); dsn = \"Server=db;Password={neighbour};\"\n"
        ),
    );
    // A dotted secret looks like a host to a reader that takes a call's first argument as its URL.
    let dotted = [secret(&[], needles), secret(&[], needles), secret(&[], needles)].join(".");
    needles.push(dotted.clone());
    write(
        "Client.java",
        format!(
            "class Client {{\n  void f(HttpHeaders headers) {{\n    headers.setBearerAuth(\"{dotted}\");\n  }}\n}}\n"
        ),
    );
    let revoke = secret(URL_CHARS, needles);
    let revoke_enc = url_encoded(&revoke);
    needles.push(revoke_enc.clone());
    if round == 0 {
        std::fs::write(
            dir.join("deploy.sh"),
            "curl -u \"svc:$JIRA_API_TOKEN\" https://jira.example.org/rest/api/2/myself\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("inventory.toml"),
            format!(
                "[[credential]]\nname = \"Jira bot\"\nreferences = [\"JIRA_API_TOKEN\"]\nowner = \"ops@example.org\"\n\
                 expires = 2020-01-01\nrevoke = \"https://ops:{revoke_enc}@id.example.org/tokens?token={revoke_enc}#k={revoke_enc}\"\n"
            ),
        )
        .unwrap();
    }
}

/// No output holds six consecutive characters of a needle (windows of at least four
/// alphanumerics: `:@/#?=`-runs occur in any URL); a failure names the output, the needle's index
/// and the window's position, never the text.
fn assert_no_piece_in(outputs: &[(String, std::process::Output)], needles: &[String]) {
    for (name, output) in outputs {
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(!text.contains("panicked"), "{name}: {text}");
        for (i, needle) in needles.iter().enumerate() {
            let chars: Vec<char> = needle.chars().collect();
            for (at, window) in chars.windows(6).enumerate() {
                if window.iter().filter(|c| c.is_alphanumeric()).count() < 4 {
                    continue;
                }
                let piece: String = window.iter().collect();
                assert!(
                    !text.contains(&piece),
                    "{name} output shows characters {at}..{} of planted secret #{i}",
                    at + 6
                );
            }
        }
    }
}
