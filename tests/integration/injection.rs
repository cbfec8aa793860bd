//! Output that could be turned against its reader: a tree whose file names, file contents and
//! YAML keys hold terminal escape sequences (window title, OSC 52 clipboard write, line erase),
//! GitHub workflow commands after a line break, Markdown, HTML, Mermaid and DOT syntax and a
//! bidirectional override, scanned by the real binary in every format. Each test asserts what the
//! format's consumer must not interpret: a terminal (human and concise output), the Actions
//! runner, GitLab's Markdown and its Code Quality JSON, an XML parser, GitHub's SARIF links,
//! Mermaid and Graphviz.

use std::path::Path;
use std::process::Output;

use regex::Regex;
use serde_json::Value as Json;

use super::support::{credlint, write};

/// A service name in a compose file: it becomes a connection label, so it reaches the
/// `shared-credential` message, its labels and the graph.
const SERVICE: &str = "k\\n::error ::forged\\e[2K\\e]52;c;ZXZpbA==\\a[l](javascript:x)<b>`|\\\"];x;#quot;)\\u202e";

fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A file name that forges a workflow command on its own line, and holds a carriage return.
    write(d, "a\n::error file=x::pwned\r.env", "PASSWORD=Sup3rS3cr3t!2024\n");
    // A file name that closes a Markdown code span and a link, with HTML; contents with OSC
    // sequences (window title, clipboard write) and a line erase.
    write(
        d,
        "tick`<script>alert(1)](javascript:alert(1)).sh",
        "curl -u svc:Summer2024! https://jira.example.com/ # \u{1b}]0;title\u{7}\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2K\u{202e}\n",
    );
    // A YAML key (a compose service) holding control characters, a forged command and markup.
    write(
        d,
        "compose.yml",
        &format!(
            "services:\n  \"{SERVICE}\":\n    environment:\n      API_TOKEN: ${{JIRA_TOKEN}}\n  other:\n    \
             environment:\n      API_TOKEN: ${{JIRA_TOKEN}}\n"
        ),
    );
    // A file name with an OSC sequence in the shared-credential message and the graph.
    write(
        d,
        "shared\u{1b}]0;t\u{7}<i>.sh",
        "curl -u \"svc:$JIRA_TOKEN\" https://jira.example.com/\ncurl -u \"svc:$JIRA_TOKEN\" https://confluence.example.com/\n",
    );
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let output = credlint()
        .args(args)
        .arg(".")
        .current_dir(dir)
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("CI_PROJECT_DIR")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    output
}

fn scan(format: &str, extra: &[&str]) -> (String, Output) {
    let dir = hostile_tree();
    let output = run(dir.path(), &[&["scan", "--no-config", "--format", format][..], extra].concat());
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    (String::from_utf8(output.stdout.clone()).unwrap(), output)
}

fn graph(format: &str) -> String {
    let dir = hostile_tree();
    let output = run(dir.path(), &["graph", "--no-config", "--format", format]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// What acts instead of being shown: control characters but the tab, DEL, line separators and
/// bidirectional controls.
fn hazard(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn assert_no_hazard(text: &str, allowed: &[char], what: &str) {
    if let Some(c) = text.chars().find(|&c| hazard(c) && !allowed.contains(&c)) {
        panic!("{what} holds {c:?}: {text:?}");
    }
}

/// No line that the Actions runner would read as a workflow command (it reads any line of a
/// step's output, whatever the format, after leading white space).
fn assert_no_forged_command(text: &str, what: &str) {
    for line in text.lines() {
        assert!(!line.trim_start().starts_with("::"), "{what}: a forged workflow command: {line:?}");
    }
}

#[test]
fn a_terminal_sees_no_sequence_but_credlints_colours() {
    let (text, _) = scan("human", &["--color", "always"]);
    assert!(text.contains("\u{1b}[0m"), "colours are on: {text:?}");
    assert!(!text.contains("\u{1b}]"), "an OSC sequence reached the terminal: {text:?}");
    assert!(!text.contains("\u{1b}[2K"), "a line erase reached the terminal: {text:?}");
    // Every ESC starts a colour sequence (SGR: `ESC [ digits;… m`), nothing else.
    let sgr = Regex::new(r"^\x1b\[[0-9;]*m").unwrap();
    for (at, _) in text.match_indices('\u{1b}') {
        assert!(sgr.is_match(&text[at..]), "not a colour sequence at {at}: {:?}", &text[at..(at + 12).min(text.len())]);
    }
    assert_no_hazard(&text.replace('\u{1b}', ""), &['\n'], "human output");
    let plain = Regex::new(r"\x1b\[[0-9;]*m").unwrap().replace_all(&text, "").into_owned();
    assert_no_forged_command(&plain, "human output");
    // What the file held is shown, escaped.
    assert!(plain.contains("\\u{1b}]0;t\\u{7}"), "{plain}");
    assert!(plain.contains("a\\n::error file=x::pwned\\r.env"), "{plain}");
}

#[test]
fn concise_lines_stay_lines_with_only_credlints_colours() {
    let (text, _) = scan("concise", &["--color", "always"]);
    let sgr = Regex::new(r"^\x1b\[[0-9;]*m").unwrap();
    for (at, _) in text.match_indices('\u{1b}') {
        assert!(sgr.is_match(&text[at..]), "not a colour sequence at {at}: {:?}", &text[at..(at + 12).min(text.len())]);
    }
    assert_no_hazard(&text.replace('\u{1b}', ""), &['\n'], "concise output");
    let plain = Regex::new(r"\x1b\[[0-9;]*m").unwrap().replace_all(&text, "").into_owned();
    assert_no_forged_command(&plain, "concise output");
    // One line per finding, each in the documented grammar, whatever the file names hold.
    let finding = Regex::new(r"^.+:[1-9]\d*:[1-9]\d*: (error|warning|note)\[[a-z0-9-]+\]: .+$").unwrap();
    let problem = Regex::new(r"^.+: (error|note): .+$").unwrap();
    assert!(plain.lines().count() >= 3, "{plain}");
    for line in plain.lines() {
        assert!(finding.is_match(line) || problem.is_match(line), "not one concise line: {line:?}");
    }
    assert!(plain.contains("a\\n::error file=x::pwned\\r.env:1:"), "{plain}");
    // A hostile connection name in the headline is shown escaped (the headline lists the
    // connections that fit, a long one cut in its middle; the others are related locations,
    // which concise lines leave out).
    assert!(plain.contains("\\u{1b}[2K\\u{1b}]5"), "{plain}");
}

#[test]
fn codequality_is_json_whose_strings_hold_no_control_characters() {
    let (text, _) = scan("gitlab-codequality", &[]);
    assert_no_hazard(&text, &['\n'], "the JSON");
    let issues: Json = serde_json::from_str(&text).unwrap();
    let issues = issues.as_array().unwrap();
    assert!(issues.len() >= 3);
    let mut paths = Vec::new();
    for issue in issues {
        let description = issue["description"].as_str().unwrap();
        assert_no_hazard(description, &[], "a description");
        assert_no_forged_command(description, "a description");
        // The path is data GitLab matches against the repository: exactly the file's name.
        paths.push(issue["location"]["path"].as_str().unwrap().to_owned());
    }
    assert!(paths.iter().any(|path| path == "a\n::error file=x::pwned\r.env"), "{paths:?}");
}

#[test]
fn github_output_is_credlints_commands_and_nothing_else() {
    let (text, _) = scan("github", &[]);
    let grammar =
        Regex::new(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:\r\n]*)(?:,[A-Za-z]+=[^,:\r\n]*)*)::(.*)$").unwrap();
    let mut files = Vec::new();
    assert!(!text.contains('\r'), "{text:?}");
    for line in text.lines() {
        let captures = grammar.captures(line).unwrap_or_else(|| panic!("not one workflow command: {line:?}"));
        // The log viewer interprets escape sequences: none may reach it, encoded or not.
        assert_no_hazard(line, &[], "a workflow command");
        assert!(!line.contains("%1B") && !line.contains("%1b"), "{line}");
        let properties = &captures[2];
        let file = properties.split(',').find_map(|p| p.strip_prefix("file=")).unwrap();
        files.push(
            file.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%"),
        );
        // The message decodes to lines none of which is a command the runner would run again.
        let message = captures[3].replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%");
        assert_no_forged_command(&message, "an annotation");
    }
    // The file property still names the real file, line break and all.
    assert!(files.iter().any(|file| file == "a\n::error file=x::pwned\r.env"), "{files:?}");
}

/// A description's code spans (CommonMark: a run of n backticks up to the next run of exactly n)
/// and the text between them, where every ASCII punctuation character must be backslash-escaped.
fn code_spans(description: &str) -> (Vec<String>, String) {
    let chars: Vec<char> = description.chars().collect();
    let run_at = |i: usize| chars[i..].iter().take_while(|&&c| c == '`').count();
    let (mut spans, mut outside, mut i) = (Vec::new(), String::new(), 0);
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() && chars[i + 1].is_ascii_punctuation() => {
                i += 2;
            }
            '`' => {
                let n = run_at(i);
                let mut j = i + n;
                loop {
                    assert!(j < chars.len(), "an unclosed code span: {description:?}");
                    if chars[j] == '`' {
                        let m = run_at(j);
                        if m == n {
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                let content: String = chars[i + n..j].iter().collect();
                let stripped = match content.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
                    Some(inner) if !inner.is_empty() => inner.to_owned(),
                    _ => content,
                };
                spans.push(stripped);
                i = j + n;
            }
            c => {
                outside.push(c);
                i += 1;
            }
        }
    }
    (spans, outside)
}

#[test]
fn gitlab_descriptions_keep_file_text_out_of_markdown() {
    let (text, _) = scan("gitlab", &[]);
    let report: Json = serde_json::from_str(&text).unwrap();
    let rules: Vec<Json> =
        serde_json::from_slice(&credlint().args(["rules", "--format", "json"]).output().unwrap().stdout)
            .unwrap_or(Json::Null)["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
    let vulnerabilities = report["vulnerabilities"].as_array().unwrap();
    assert!(vulnerabilities.len() >= 3);
    for vulnerability in vulnerabilities {
        let description = vulnerability["description"].as_str().unwrap();
        assert_no_hazard(description, &['\n'], "a description");
        // The rule's own documentation ends the description and is Markdown on purpose.
        let mut ours = description;
        for rule in &rules {
            if let Some(doc) = rule["description"].as_str()
                && let Some(at) = ours.find(doc.trim())
            {
                ours = &ours[..at];
            }
        }
        let (spans, outside) = code_spans(ours);
        let location = &vulnerability["location"];
        let at = format!(":{}:", location["start_line"]);
        assert!(spans.first().is_some_and(|span| span.contains(&at)), "the location is one code span: {ours:?}");
        for c in ['<', '>', '&', '[', ']', '*', '_', '!', '@', '#', '\\'] {
            assert!(!outside.contains(c), "unescaped {c:?} outside code spans: {ours:?}");
        }
        assert_no_forged_command(ours, "a description");
    }
}

#[test]
fn junit_is_valid_xml_without_control_characters() {
    use quick_xml::events::Event;
    let (text, _) = scan("junit", &[]);
    // XML 1.0 forbids most control characters raw; credlint writes none, not even the allowed CR.
    assert_no_hazard(&text, &['\n'], "the XML");
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut failures, mut bodies) = (0, 0);
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("invalid XML at {}: {e}", reader.error_position())) {
            Event::Eof => break,
            Event::Start(element) | Event::Empty(element) => {
                if element.name().as_ref() == b"failure" {
                    failures += 1;
                }
                for attribute in element.attributes() {
                    let attribute = attribute.unwrap();
                    let value = attribute
                        .decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, reader.decoder())
                        .unwrap();
                    assert_no_hazard(&value, &[], "an attribute");
                }
            }
            Event::Text(body) => {
                let body = body.decode().unwrap();
                let body = quick_xml::escape::unescape(&body).unwrap();
                bodies += 1;
                assert_no_hazard(&body, &['\n'], "character data");
                assert_no_forged_command(&body, "a failure");
            }
            // A character reference must not smuggle in what a raw character can't.
            Event::GeneralRef(reference) if reference.is_char_ref() => {
                let c = reference.resolve_char_ref().unwrap().unwrap();
                assert!(!hazard(c) || c == '\n', "a character reference to {c:?}");
            }
            _ => {}
        }
    }
    assert!(failures >= 3 && bodies >= failures, "{text}");
}

/// Every unescaped `[` in a SARIF message opens a link to a related location: `[text](id)`.
fn assert_links_only(message: &str, related: usize) {
    let link = Regex::new(r"^\[(?:[^\\\[\]]|\\.)*\]\((\d+)\)").unwrap();
    let bytes = message.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'[' => {
                let captures = link.captures(&message[i..]).unwrap_or_else(|| panic!("a stray `[`: {message:?}"));
                let id: usize = captures[1].parse().unwrap();
                assert!((1..=related).contains(&id), "a link to no related location: {message:?}");
                i += captures[0].len();
            }
            b']' => panic!("a stray `]`: {message:?}"),
            _ => i += 1,
        }
    }
}

#[test]
fn sarif_messages_link_only_to_related_locations() {
    let (text, _) = scan("sarif", &[]);
    assert!(!text.chars().any(|c| hazard(c) && c != '\n'), "raw control characters in the JSON");
    let log: Json = serde_json::from_str(&text).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 3);
    for result in results {
        let message = result["message"]["text"].as_str().unwrap();
        let related = result["relatedLocations"].as_array().unwrap();
        assert_no_hazard(message, &[], "a message");
        assert_links_only(message, related.len());
        for location in related {
            let text = location["message"]["text"].as_str().unwrap();
            assert_no_hazard(text, &[], "a related location's message");
            assert_links_only(text, 0);
        }
    }
}

#[test]
fn mermaid_statements_stay_on_their_line() {
    let text = graph("mermaid");
    // Quoted text with no character that could close it, only Mermaid's entity codes for them.
    let label = r#"(?:[^"\[\]()|`<>{}#\n]|#(?:quot|\d+);)*"#;
    let statements = [
        format!(r#"^  c\d+\["{label}"\]$"#),
        format!(r#"^  n\d+\("{label}"\)$"#),
        format!(r#"^  c\d+ -->\|"{label}"\| n\d+$"#),
        r"^  style c\d+ stroke:#d00,stroke-width:2px$".to_owned(),
        "^flowchart LR$".to_owned(),
    ];
    let statements: Vec<Regex> = statements.iter().map(|s| Regex::new(s).unwrap()).collect();
    assert!(text.lines().count() >= 6, "{text}");
    for line in text.lines() {
        assert!(statements.iter().any(|s| s.is_match(line)), "not one Mermaid statement: {line:?}");
        assert_no_hazard(line, &[], "a Mermaid line");
    }
    assert_no_forged_command(&text, "the Mermaid graph");
}

#[test]
fn dot_labels_are_single_quoted_strings() {
    let text = graph("dot");
    // Inside a label only `\\` and `\"` escapes: no `\n`, `\N` or `\G` for Graphviz to expand.
    let label = r#""(?:[^"\\\n]|\\[\\"])*""#;
    let statements = [
        format!(r"^  c\d+ \[shape=box, label={label}(, color=red)?\];$"),
        format!(r"^  n\d+ \[shape=ellipse, label={label}\];$"),
        format!(r"^  c\d+ -> n\d+ \[label={label}\];$"),
        r#"^(digraph credentials \{|  rankdir=LR;|  node \[fontname="Helvetica"\];|\})$"#.to_owned(),
    ];
    let statements: Vec<Regex> = statements.iter().map(|s| Regex::new(s).unwrap()).collect();
    assert!(text.lines().count() >= 8, "{text}");
    for line in text.lines() {
        assert!(statements.iter().any(|s| s.is_match(line)), "not one DOT statement: {line:?}");
        assert_no_hazard(line, &[], "a DOT line");
    }
    assert_no_forged_command(&text, "the DOT graph");
}

/// An error or warning on stderr can quote what the repository holds (a key of its
/// `.credlint.toml`, a path): no control character of it reaches the terminal.
#[test]
fn errors_quoting_the_repository_hold_no_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let hostile = "app\u{1b}]0;pwned\u{7}\u{1b}[2K";
    std::fs::create_dir(d.join(hostile)).unwrap();
    write(&d.join(hostile), ".credlint.toml", "unknown-key = 1\n");
    let output = run(d, &["scan", hostile]);
    assert_eq!(output.status.code(), Some(2), "an unknown key is an error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error:") && stderr.contains("unknown"), "{stderr}");
    assert_no_hazard(&stderr, &['\n'], "stderr");
    assert!(stderr.contains("\\u{1b}"), "the escape is shown, not sent: {stderr}");
}
