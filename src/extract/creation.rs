//! Token creation in any language, from text: an endpoint of the catalogue's token APIs
//! (`rules/token-apis.toml`), the request around it, and the expiry that request asks for.
//!
//! The request is the curl command holding the endpoint, or the statement (call chain) in code;
//! its body may be written there or bound to a name in the same file (`payload = {…}`,
//! `token := AccessToken{…}`). The method decides creation (`PUT` for Bitbucket, `POST`
//! elsewhere); when no method is visible, a body with a name or permissions does. Rust files are
//! read by the `syn` extractor instead.

use std::sync::LazyLock;

use regex::Regex;

use super::target::enclosing_open_paren;
use crate::fact::TokenCreation;
use crate::rules::{ExpiryUnit, TokenApiSpec};
use crate::source::{FileKind, SourceFile};
use crate::span::{Span, clamp_to_char_boundary};

/// The longest request (statement, command, resource block) read around an endpoint.
const MAX_REQUEST: usize = 4096;

pub fn extract_creations(file: &SourceFile, apis: &[&TokenApiSpec], creations: &mut Vec<TokenCreation>) {
    if apis.is_empty() || file.kind == FileKind::Rust {
        return;
    }
    let text: &str = &file.text;
    for api in apis {
        for found in api.endpoint.find_iter(text) {
            let span = Span::new(found.start(), found.end());
            if let Some(creation) = creation_at(text, api, span) {
                creations.push(creation);
            }
        }
    }
}

fn creation_at(text: &str, api: &TokenApiSpec, endpoint: Span) -> Option<TokenCreation> {
    let terraform = api.create_methods.is_empty();
    let (request, method) = if terraform {
        (block_after(text, endpoint.end)?, None)
    } else if let Some(command) = shell_command(text, endpoint) {
        let method = shell_method(&text[command.range()]);
        (command, Some(method))
    } else {
        let statement = statement(text, endpoint);
        match code_method(&text[statement.range()]) {
            Some(method) => (statement, Some(method)),
            // `url = f"{base}/rest/pat/latest/tokens"`, then `requests.post(url, …)`: the request
            // is the statement that sends the name.
            None => match assigned_name(&text[statement.range()])
                .and_then(|name| statement_using(text, statement.end, name))
            {
                Some(request) => (request, code_method(&text[request.range()])),
                None => (statement, None),
            },
        }
    };
    let mut bodies = vec![request];
    bodies.extend(bound_bodies(text, request));
    let body_text = |span: &Span| &text[span.range()];
    match method {
        Some(method) if !api.create_methods.contains(&method) => return None,
        None if !terraform && !bodies.iter().any(|b| looks_like_creation_body(body_text(b))) => return None,
        _ => {}
    }
    let mut creation = TokenCreation {
        api: api.api,
        expiry_days: None,
        never_expires: false,
        expiry_text: None,
        span: endpoint,
        extractor: format!("token-api:{}", api.api.name()),
    };
    for (_, unit, field) in &api.expiry {
        if let Some(value) = bodies.iter().find_map(|b| field_value(body_text(b), field)) {
            read_expiry(&mut creation, &value, *unit);
            return Some(creation);
        }
    }
    creation.expiry_days = api.default_expiry_days;
    Some(creation)
}

/// The request a creation at `span` belongs to: its shell command, or its statement (call chain).
pub fn request_region(text: &str, span: Span) -> Span {
    shell_command(text, span).unwrap_or_else(|| statement(text, span))
}

/// The curl/wget/HTTPie command holding `span`, with its `\` continuations.
fn shell_command(text: &str, span: Span) -> Option<Span> {
    let mut start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    // Walk up through lines that end in a continuation.
    while start > 0 {
        let previous_end = start - 1;
        let previous_start = text[..previous_end].rfind('\n').map_or(0, |i| i + 1);
        if !text[previous_start..previous_end].trim_end_matches('\r').ends_with('\\') {
            break;
        }
        start = previous_start;
    }
    let mut end = span.end;
    loop {
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        end = line_end;
        if !text[..line_end].trim_end_matches('\r').ends_with('\\')
            || line_end >= text.len()
            || end - start > MAX_REQUEST
        {
            break;
        }
        end = line_end + 1;
    }
    let command = &text[start..end];
    static CLIENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:^|[\s;|&(`'\x22])(?:curl|wget|https?)\s").expect("valid regex"));
    CLIENT.is_match(command).then_some(Span::new(start, end))
}

fn shell_method(command: &str) -> String {
    static METHOD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?:\s-X\s*|\s--request(?:\s+|=))['"]?([A-Za-z]+)"#).expect("valid regex"));
    static HTTPIE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:^|[\s;|&(])https?\s+(?:-{1,2}[\w-]+(?:=\S+|\s+[^-\s]\S*)?\s+)*(GET|POST|PUT|PATCH|DELETE|HEAD)\s",
        )
        .expect("valid regex")
    });
    if let Some(caps) = METHOD.captures(command).or_else(|| HTTPIE.captures(command)) {
        return caps[1].to_ascii_uppercase();
    }
    let sends_data = [" -d", " --data", " --json", " -F", " --form"].iter().any(|flag| command.contains(flag));
    if sends_data { "POST" } else { "GET" }.to_owned()
}

/// The statement holding `span`: from the start of the line of its outermost enclosing call to
/// the end of the call chain (a line break at bracket depth 0 not followed by `.`, `)` or `?`).
fn statement(text: &str, span: Span) -> Span {
    let mut open = span.start;
    let floor = span.start.saturating_sub(MAX_REQUEST / 2);
    while let Some(outer) = enclosing_open_paren(text, open) {
        if outer < floor {
            break;
        }
        open = outer;
    }
    let start = text[..open].rfind('\n').map_or(0, |i| i + 1);
    // On a character boundary: the span it ends is sliced.
    let limit = clamp_to_char_boundary(text, start + MAX_REQUEST);
    let mut depth = 0i32;
    for (i, b) in unquoted(text, start, limit) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b';' if depth <= 0 && i >= span.end => return Span::new(start, i),
            b'\n' if depth <= 0 && i >= span.end => {
                let next = text[i + 1..].trim_start();
                if !(next.starts_with('.') || next.starts_with(')') || next.starts_with('?')) {
                    return Span::new(start, i);
                }
            }
            _ => {}
        }
    }
    Span::new(start, limit)
}

/// The bytes of `text[from..limit]` outside quoted strings (`'…'`, `"…"`, `` `…` ``, with
/// backslash escapes), with their offsets: what bracket matching looks at.
fn unquoted(text: &str, from: usize, limit: usize) -> impl Iterator<Item = (usize, u8)> + '_ {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    (from..limit.min(bytes.len())).filter_map(move |i| {
        let b = bytes[i];
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if b == b'\\' => escaped = true,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None => return Some((i, b)),
        }
        None
    })
}

fn code_method(statement: &str) -> Option<String> {
    static METHOD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)(?:\bmethod\s*(?::|=|=>)\s*['"]?|\bhttp\.Method|\.|\brequests\.|\bhttpx\.|\baxios\.|\bsession\.|['"`]|\bHttpMethod\.|\bRequestMethod\.)(get|post|put|patch|delete)\b"#)
            .expect("valid regex")
    });
    METHOD.captures(statement).map(|caps| caps[1].to_ascii_uppercase())
}

/// The `{…}` block that follows `from` (a Terraform resource body).
fn block_after(text: &str, from: usize) -> Option<Span> {
    let open = from + text.get(from..)?.find('{')?;
    Some(Span::new(open, matching_close(text, open)?))
}

/// The offset after the bracket that closes the one at `open`.
fn matching_close(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in unquoted(text, open, open + MAX_REQUEST) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The values bound, earlier in the same file, to names the request mentions: the nearest
/// binding at the start of a statement wins (`payload = {…}`, `token := AccessToken{…}`,
/// `const body = {…}`, `PAYLOAD='{…}'`, a Java text block), and `json.Marshal(x)`-style wrappers
/// are followed one step to `x`.
fn bound_bodies(text: &str, request: Span) -> Vec<Span> {
    static IDENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[A-Za-z_$][\w$]*").expect("valid regex"));
    // The name the request itself assigns (`req, _ = http.NewRequest(…)`) is not its body.
    let assigned = assigned_name(&text[request.range()]);
    let mut names: Vec<&str> = IDENT
        .find_iter(&text[request.range()])
        .map(|m| m.as_str().trim_start_matches('$'))
        .filter(|name| name.len() > 1 && Some(*name) != assigned)
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut bodies = Vec::new();
    for name in names {
        let Some(mut body) = binding_before(text, name, request.start) else { continue };
        // `body, _ := json.Marshal(token)` / `JSON.stringify(payload)`: the literal is `token`.
        if let Some(inner) = wrapped_name(&text[body.range()])
            && let Some(wrapped) = binding_before(text, inner, body.start)
        {
            body = wrapped;
        }
        bodies.push(body);
    }
    bodies
}

/// The value of the last statement-start binding of `name` before `before`: a statement whose
/// left-hand side (`const body`, `Map<String, Object> body`, `body, _`) names it.
fn binding_before(text: &str, name: &str, before: usize) -> Option<Span> {
    static BINDING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^[ \t]*(?P<lhs>[^=\n(;{}]*?[\w$\]>])\s*(?::=|=|:\s*[\w<>\[\], ]+=)[ \t]*(?P<rest>[^=\s])")
            .expect("valid regex")
    });
    let names_it = |lhs: &str| {
        lhs.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .any(|word| word.trim_start_matches('$') == name)
    };
    let found = BINDING
        .captures_iter(&text[..clamp_to_char_boundary(text, before)])
        .filter(|caps| caps.name("lhs").is_some_and(|lhs| names_it(lhs.as_str())))
        .last()?;
    value_at(text, found.name("rest")?.start())
}

/// The extent of the value starting at `at`: a bracketed literal (after an optional constructor
/// name), a text block, or a quoted string (which may span lines, as shell single quotes do).
fn value_at(text: &str, at: usize) -> Option<Span> {
    let rest = text.get(at..)?;
    if let Some(body) = rest.strip_prefix("\"\"\"") {
        let end = at + 3 + body.find("\"\"\"")? + 3;
        return Some(Span::new(at, end));
    }
    match rest.chars().next()? {
        quote @ ('\'' | '"' | '`') => {
            let close = rest[1..].find(quote)?;
            Some(Span::new(at, (at + 1 + close + 1).min(at + MAX_REQUEST)))
        }
        _ => {
            static CONSTRUCTOR: LazyLock<Regex> =
                LazyLock::new(|| Regex::new(r"^(?:new\s+)?[A-Za-z_][\w.:<>, ]*?[({\[]").expect("valid regex"));
            let open = match rest.chars().next()? {
                '{' | '(' | '[' => at,
                _ => at + CONSTRUCTOR.find(rest)?.end() - 1,
            };
            Some(Span::new(at, matching_close(text, open)?))
        }
    }
}

/// `json.Marshal(token)`, `JSON.stringify(payload)`, `json.dumps(body)`: the name inside.
fn wrapped_name(value: &str) -> Option<&str> {
    static WRAPPER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:json\.Marshal|json\.MarshalIndent|JSON\.stringify|json\.dumps|serde_json::to_string|objectMapper\.writeValueAsString)\(\s*&?([A-Za-z_]\w*)")
            .expect("valid regex")
    });
    Some(WRAPPER.captures(value)?.get(1)?.as_str())
}

/// `name = <endpoint>` / `const name = …`: the name a statement assigns.
fn assigned_name(statement: &str) -> Option<&str> {
    static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:(?:const|let|var|val|final|String|my|local)\s+)*\$?([A-Za-z_]\w*)(?:\s*,\s*[\w$]+)*\s*(?::=|=)[^=]").expect("valid regex")
    });
    Some(ASSIGNMENT.captures(statement)?.get(1)?.as_str())
}

/// The first statement after `from` that mentions `name` (as a whole word).
fn statement_using(text: &str, from: usize, name: &str) -> Option<Span> {
    let window = &text[from..clamp_to_char_boundary(text, from + MAX_REQUEST)];
    let is_word = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let bytes = window.as_bytes();
    let at = window
        .match_indices(name)
        .map(|(i, _)| i)
        .find(|&i| !is_word(i.checked_sub(1).and_then(|j| bytes.get(j))) && !is_word(bytes.get(i + name.len())))?;
    Some(statement(text, Span::new(from + at, from + at + name.len())))
}

fn looks_like_creation_body(body: &str) -> bool {
    static KEYS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)["']?\b(?:name|tokenDescription|tokenName|permissions|scopes)\b["']?\s*(?::|=|=>)"#)
            .expect("valid regex")
    });
    KEYS.is_match(body)
}

/// The value written for an expiry field, read with the field's compiled regex (`"key": v`,
/// `\"key\": v`, `key: v`, `key=v`, `Key: v`, `Map.of("key", v)`, `{"v"}`).
fn field_value(body: &str, field: &Regex) -> Option<String> {
    let caps = field.captures(body)?;
    Some(caps.name("value")?.as_str().trim().trim_matches(|c| c == '"' || c == '\'').trim().to_owned())
}

/// The regex that reads `key`'s value; compiled once per field when the catalogue loads.
pub fn field_regex(key: &str) -> Regex {
    let pattern = format!(
        r#"(?i)\\?["']?\b{}\b\\?["']?\s*(?::=|=>|:|=|,)\s*\{{?\s*\\?(?P<value>"[^"\n]*"|'[^'\n]*'|[^\s,}}\n)&;\]"'\\]+)"#,
        regex::escape(key)
    );
    Regex::new(&pattern).unwrap_or_else(|_| Regex::new("$^").expect("valid regex"))
}

fn read_expiry(creation: &mut TokenCreation, value: &str, unit: ExpiryUnit) {
    let lower = value.to_ascii_lowercase();
    let empty = matches!(lower.as_str(), "null" | "none" | "nil" | "undefined" | "" | "0");
    match unit {
        ExpiryUnit::Forever => {
            if lower == "true" {
                creation.never_expires = true;
            } else {
                creation.expiry_text = Some(value.to_owned());
            }
        }
        ExpiryUnit::Days | ExpiryUnit::Months if empty => creation.never_expires = true,
        ExpiryUnit::Days | ExpiryUnit::Months => {
            let factor = if unit == ExpiryUnit::Months { 30 } else { 1 };
            match value.parse::<u64>() {
                Ok(number) => creation.expiry_days = Some(number.saturating_mul(factor)),
                Err(_) => creation.expiry_text = Some(value.to_owned()),
            }
        }
        ExpiryUnit::Date | ExpiryUnit::EpochMs if empty => creation.never_expires = true,
        ExpiryUnit::Date | ExpiryUnit::EpochMs | ExpiryUnit::Rotation => creation.expiry_text = Some(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::TokenApi;
    use crate::rules::Catalogue;

    fn creations(name: &str, text: &str) -> Vec<TokenCreation> {
        let catalogue = Catalogue::embedded().unwrap();
        let file = SourceFile::from_name(name, text);
        let apis: Vec<&TokenApiSpec> = catalogue.token_apis().iter().collect();
        let mut found = Vec::new();
        extract_creations(&file, &apis, &mut found);
        found
    }

    #[test]
    fn curl_creations_with_and_without_expiry() {
        let with = creations(
            "mint.sh",
            "curl -X POST -H 'Content-Type: application/json' \\\n  -d '{\"name\":\"ci\",\"expirationDuration\":90}' \\\n  https://jira.example.com/rest/pat/latest/tokens\n",
        );
        assert_eq!(with.len(), 1);
        assert_eq!((with[0].api, with[0].expiry_days), (TokenApi::AtlassianDcPat, Some(90)));
        let without = creations(
            "mint.sh",
            "curl -u admin:x -X PUT --data '{\"name\": \"ci\", \"permissions\": [\"REPO_READ\"]}' \"$BASE/rest/access-tokens/1.0/users/svc\"\n",
        );
        assert_eq!(without.len(), 1);
        assert_eq!((without[0].expiry_days, without[0].never_expires), (None, false));
        let listing = creations("list.sh", "curl -u admin:x https://jira.example.com/rest/pat/latest/tokens\n");
        assert!(listing.is_empty(), "a GET lists tokens");
        let revoke = creations("revoke.sh", "curl -X DELETE https://jira.example.com/rest/pat/latest/tokens/42\n");
        assert!(revoke.is_empty());
    }

    #[test]
    fn code_bodies_bound_to_names() {
        let text = "payload = {\n    \"name\": \"e2e\",\n    \"expiryDays\": 2154,\n}\nrequests.put(f\"{base}/rest/access-tokens/latest/projects/{key}\", json=payload, auth=(u, p))\n";
        let found = creations("mint.py", text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].expiry_days, Some(2154));
        let go = "token := AccessToken{Name: \"pipeline-\" + id, Permissions: []string{\"REPO_READ\"}}\nbody, _ := json.Marshal(token)\nreq, _ := http.NewRequest(http.MethodPut, fmt.Sprintf(\"%s/rest/access-tokens/1.0/users/%s\", c.BaseURL, user), bytes.NewReader(body))\n";
        let found = creations("client.go", go);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].expiry_days, found[0].never_expires), (None, false));
    }

    #[test]
    fn forever_flags_months_and_defaults() {
        let kantega = creations(
            "k.js",
            "axios.post(`${base}/rest/ksso/api/apitokens/12.0/user/tokens`, { tokenName: 'ci', isValidForever: true })\n",
        );
        assert!(kantega[0].never_expires);
        let resolution = creations(
            "r.sh",
            "curl -d '{\"tokenDescription\":\"x\",\"tokenValidityTimeInMonths\":6}' -X POST https://jira.x/rest/de.resolution.apitokenauth/latest/user/token\n",
        );
        assert_eq!(resolution[0].expiry_days, Some(180));
        let gitlab = creations(
            "g.sh",
            "curl -X POST -H \"PRIVATE-TOKEN: $T\" --data \"name=mytoken\" --data \"expires_at=2017-04-04\" https://gitlab.x/api/v4/users/42/personal_access_tokens\n",
        );
        assert_eq!(gitlab[0].expiry_text.as_deref(), Some("2017-04-04"));
        let terraform = creations(
            "main.tf",
            "resource \"gitlab_personal_access_token\" \"ci\" {\n  user_id = 25\n  name    = \"ci\"\n  scopes  = [\"api\"]\n}\n",
        );
        assert_eq!(terraform[0].expiry_days, Some(365), "GitLab's default lifetime applies");
    }
}
