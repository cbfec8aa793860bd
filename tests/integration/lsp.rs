//! `credlint lsp` driven as an editor drives it: a small client speaking JSON-RPC with
//! `Content-Length` framing over the server's stdin and stdout.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_credlint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (send, messages) = channel();
        // A reader thread, so that a server that stops answering fails the test instead of hanging it.
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if stdout.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(value) = header.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if stdout.read_exact(&mut body).is_err() {
                    return;
                }
                if send.send(serde_json::from_slice(&body).expect("a JSON body")).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, messages, next_id: 0 }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its result, skipping the notifications in between.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{message}");
                return message["result"].clone();
            }
        }
    }

    fn receive(&self) -> Value {
        match self.messages.recv_timeout(Duration::from_secs(30)) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("the server sent nothing for 30 s"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            let message = self.receive();
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }
}

fn change(client: &mut Client, uri: &str, version: i64, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
    );
}

#[test]
fn an_editor_sees_a_password_appear_and_go_and_can_ignore_it() {
    let root = tempfile::tempdir().unwrap();
    let root_uri = format!("file://{}", root.path().display());
    let uri = format!("{root_uri}/deploy.sh");
    let mut client = Client::start();
    let init = client.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {} }));
    assert_eq!(init["capabilities"]["textDocumentSync"], 1, "full document synchronisation");
    client.notify("initialized", json!({}));

    // Characters outside the BMP before the secret: the protocol counts UTF-16 code units.
    let password = ["Winter", "2023#"].concat();
    let prefix = "echo \"déploiement 🚀\"; curl -u svc:";
    let leaking = format!("{prefix}{password} https://bitbucket.example.com/rest/api/1.0/projects\n");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "shellscript", "version": 1, "text": leaking } }),
    );
    let diagnostics = client.diagnostics(&uri);
    let diagnostic = diagnostics
        .iter()
        .find(|d| d["code"] == "basic-auth-password")
        .unwrap_or_else(|| panic!("{diagnostics:?}"))
        .clone();
    let start = prefix.encode_utf16().count() as u64;
    assert_eq!(diagnostic["range"]["start"], json!({ "line": 0, "character": start }));
    assert_eq!(diagnostic["range"]["end"], json!({ "line": 0, "character": start + password.len() as u64 }));
    assert_eq!(diagnostic["severity"], 1);
    assert_eq!(diagnostic["source"], "credlint");
    assert!(diagnostic["codeDescription"]["href"].as_str().unwrap().ends_with("/basic-auth-password.md"));
    assert!(!diagnostics.iter().any(|d| d.to_string().contains(&password)), "no secret in a message");

    // Hover over the password explains the rule.
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": start + 2 } }),
    );
    assert!(hover["contents"]["value"].as_str().unwrap().contains("basic-auth-password"), "{hover}");
    assert!(!hover.to_string().contains(&password));

    // Reading it from the environment clears the diagnostics.
    change(&mut client, &uri, 2, "curl -u \"svc:$JIRA_TOKEN\" https://bitbucket.example.com/rest/api/1.0/projects\n");
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // Back to the password, then the quick fix: an ignore comment above it, with a reason to give.
    change(&mut client, &uri, 3, &leaking);
    let diagnostics = client.diagnostics(&uri);
    assert!(!diagnostics.is_empty());
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostics[0]["range"],
            "context": { "diagnostics": diagnostics },
        }),
    );
    let action = actions.as_array().unwrap().iter().find(|a| a["kind"] == "quickfix").expect("a quick fix").clone();
    let edit = &action["edit"]["changes"][&uri][0];
    assert_eq!(edit["range"]["start"], json!({ "line": 0, "character": 0 }));
    let inserted = edit["newText"].as_str().unwrap();
    assert!(inserted.starts_with("# credlint:ignore ") && inserted.contains(" -- "), "{inserted}");
    change(&mut client, &uri, 4, &format!("{inserted}{leaking}"));
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new(), "the comment suppresses the finding");

    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown, Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[test]
fn a_burst_of_changes_is_diagnosed_once_with_the_last_text() {
    let mut client = Client::start();
    client.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    client.notify("initialized", json!({}));
    let uri = "file:///tmp/credlint-lsp-burst/client.py";
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n" } }),
    );
    assert_eq!(client.diagnostics(uri), Vec::<Value>::new());
    let password = ["Hunter", "2024!"].concat();
    // Typed one character at a time: the server diagnoses what is there when it gets to it.
    let text =
        format!("requests.get(\"https://jira.example.com/rest/api/2/myself\", auth=(\"svc\", \"{password}\"))\n");
    for (version, end) in (1..=text.len()).filter(|&end| text.is_char_boundary(end)).enumerate() {
        change(&mut client, uri, version as i64 + 2, &text[..end]);
    }
    // However the burst was split, the last diagnostics published are those of the whole text.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let diagnostics = client.diagnostics(uri);
        if diagnostics.iter().any(|d| d["code"] == "basic-auth-password") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the finished line was never diagnosed");
    }
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}

/// The server's workspace: its `.credlint.toml` and baseline apply to open documents, the
/// background scan publishes `shared-credential` with the other file as related information,
/// a literal becomes an environment read, and the explanation opens the rule's page.
#[test]
fn the_workspace_config_baseline_and_whole_repository_rules_apply() {
    let root = tempfile::tempdir().unwrap();
    let root_path = root.path().canonicalize().unwrap();
    let token = ["Q7vX2mK9pL4r", "T8wZ3nB6cF1hJ5dS0aE"].concat();
    let script = |host: &str| {
        format!(
            "import requests\nrequests.get(\"https://{host}/\", headers={{\"Authorization\": \"Bearer {token}\"}})\n"
        )
    };
    std::fs::write(root_path.join("a.py"), script("api.one.example.com")).unwrap();
    std::fs::write(root_path.join("b.py"), script("api.two.example.com")).unwrap();
    // The config turns a rule off; the baseline knows the password of c.py.
    std::fs::write(root_path.join(".credlint.toml"), "[rules]\ncleartext-credential = \"off\"\n").unwrap();
    let password = ["Summer", "2024!"].concat();
    let known = format!(
        "import requests\njira_password = \"{password}\"\nrequests.get(\"http://jira.example.com/\", auth=(\"svc\", jira_password))\n"
    );
    std::fs::write(root_path.join("c.py"), &known).unwrap();
    let baseline = std::process::Command::new(env!("CARGO_BIN_EXE_credlint"))
        .args(["baseline", "--root", ".", "c.py"])
        .current_dir(&root_path)
        .output()
        .unwrap();
    assert!(baseline.status.success(), "{}", String::from_utf8_lossy(&baseline.stderr));
    // The baseline was written with c.py alone, so the workspace's shared token stays new.
    let root_uri = format!("file://{}", root_path.display());
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({ "processId": null, "rootUri": root_uri, "capabilities": { "window": { "showDocument": { "support": true } } } }),
    );
    client.notify("initialized", json!({}));

    // The background scan: the token of a.py serves two connections; b.py is its related location.
    let a_uri = format!("{root_uri}/a.py");
    let shared = client.diagnostics(&a_uri);
    let shared = shared.iter().find(|d| d["code"] == "shared-credential").unwrap_or_else(|| panic!("{shared:?}"));
    let related = shared["relatedInformation"].as_array().unwrap();
    assert!(related.iter().any(|r| r["location"]["uri"] == format!("{root_uri}/b.py")), "{shared}");
    assert!(!shared.to_string().contains(&token[4..]), "no secret in a diagnostic");

    // The baseline hides c.py's known password; the config's `off` hides the cleartext finding.
    let c_uri = format!("{root_uri}/c.py");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": c_uri, "languageId": "python", "version": 1, "text": known } }),
    );
    assert_eq!(client.diagnostics(&c_uri), Vec::<Value>::new(), "the baseline and the config apply");

    // A new password is reported, and its quick fix reads it from the environment.
    let new_password = ["Winter", "2025#"].concat();
    let leaking = known.replace(&password, &new_password);
    change(&mut client, &c_uri, 2, &leaking);
    let diagnostics = client.diagnostics(&c_uri);
    let finding =
        diagnostics.iter().find(|d| d["code"] == "basic-auth-password").unwrap_or_else(|| panic!("{diagnostics:?}"));
    assert!(!diagnostics.iter().any(|d| d["code"] == "cleartext-credential"), "{diagnostics:?}");
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": c_uri }, "range": finding["range"], "context": { "diagnostics": [finding] } }),
    );
    let actions = actions.as_array().unwrap();
    let env_read = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("environment"))
        .unwrap_or_else(|| panic!("{actions:?}"));
    let mut edits: Vec<Value> = env_read["edit"]["changes"][&c_uri].as_array().unwrap().clone();
    // Applied from the end, so that earlier positions hold.
    edits.sort_by_key(|e| {
        std::cmp::Reverse((e["range"]["start"]["line"].as_u64(), e["range"]["start"]["character"].as_u64()))
    });
    let mut lines: Vec<String> = leaking.lines().map(str::to_owned).collect();
    for edit in &edits {
        let (line, start, end) = (
            edit["range"]["start"]["line"].as_u64().unwrap() as usize,
            edit["range"]["start"]["character"].as_u64().unwrap() as usize,
            edit["range"]["end"]["character"].as_u64().unwrap() as usize,
        );
        assert_eq!(line, edit["range"]["end"]["line"].as_u64().unwrap() as usize, "one-line edits");
        if line == lines.len() {
            lines.push(String::new());
        }
        lines[line].replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    let fixed = lines.join("\n") + "\n";
    assert!(fixed.contains("jira_password = os.environ[\"JIRA_PASSWORD\"]"), "{fixed}");
    assert!(fixed.starts_with("import os\n") || fixed.contains("\nimport os\n"), "{fixed}");
    change(&mut client, &c_uri, 3, &fixed);
    let after = client.diagnostics(&c_uri);
    assert!(!after.iter().any(|d| d["severity"] == 1), "{after:?}");

    // The explanation: the server asks the client to open the rule's page.
    let explain = actions.iter().find(|a| a["command"]["command"] == "credlint.explain").expect("an explain action");
    client.send(json!({
        "jsonrpc": "2.0", "id": 900, "method": "workspace/executeCommand",
        "params": { "command": "credlint.explain", "arguments": explain["command"]["arguments"] },
    }));
    let mut opened = None;
    let mut answered = false;
    while opened.is_none() || !answered {
        let message = client.receive();
        if message["method"] == "window/showDocument" {
            opened = Some(message["params"].clone());
        } else if message["id"] == 900 {
            assert!(message.get("error").is_none(), "{message}");
            answered = true;
        }
    }
    let opened = opened.unwrap();
    assert!(opened["uri"].as_str().unwrap().ends_with("/basic-auth-password.md"), "{opened}");
    assert_eq!(opened["external"], true);

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}

/// An editor that quits asks for shutdown and may close the stream before sending `exit`: the
/// server ends with success, as the protocol says for a session that was shut down.
#[test]
fn a_client_that_closes_after_shutdown_ends_the_session_cleanly() {
    let mut client = Client::start();
    client.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    client.notify("initialized", json!({}));
    client.request("shutdown", Value::Null);
    let Client { mut child, stdin, .. } = client;
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}
