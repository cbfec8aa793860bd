//! Unit tests of the Rust extractor: the facts and exact spans each construct gives.

use super::*;
use crate::fact::{RefKind, Scheme, Target, TokenApi, TokenCreation, Value};

/// A real-shaped Atlassian API token (its CRC32 tail holds).
// credlint:ignore hardcoded-credential -- a synthetic token built to pass its checksum, for the extractor's tests
const ATLASSIAN_TOKEN: &str = "ATATT3xFfGF0s66wYS3opk6HgAQDNAwsySV0AZ7JWupxaYsuyvdE5XqgFLRRU9ZhmM3GE3-GshPvgJpgCNBTQ6bo8ypAfXnZt9e4ug8gzFumerBlpGiZe285R6yG1sA0jIZHmyDgXIaIMedLDZbkCMclTP4exkcTsuabOYwWW5zBuIj6r3oMqoC=099ED72E";

fn facts(text: &str) -> Facts {
    extract(&SourceFile::from_name("lib.rs", text))
}

/// The only use found, with its spans checked against the text.
fn one_use(text: &str) -> CredentialUse {
    let f = facts(text);
    assert!(f.problems.is_empty(), "{text}\n{:?}", f.problems);
    assert_eq!(f.uses.len(), 1, "{text}\n{:#?}", f.uses);
    f.uses.into_iter().next().unwrap()
}

/// The literal's text, asserting that its span covers exactly `expected` in `text`.
fn literal_at<'v>(text: &str, value: &'v Value, expected: &str) -> &'v str {
    let Value::Literal { text: decoded, span, .. } = value else { panic!("not a literal: {value:?}") };
    assert_eq!(&text[span.range()], expected, "span of {value:?}");
    decoded
}

fn reference(value: &Value) -> (RefKind, &str) {
    match value {
        Value::Reference { kind, name, .. } => (*kind, name),
        other => panic!("not a reference: {other:?}"),
    }
}

fn host(target: &Option<Target>) -> Option<&str> {
    target.as_ref().and_then(|t| t.host.as_deref())
}

#[test]
fn reqwest_basic_auth_reads_user_secret_and_target() {
    let text = r#"fn f(client: &reqwest::Client) {
    let r = client.get("https://jira.example.com/rest/api/2/myself").basic_auth("svc-jira", Some("Summer2024!")).send();
}"#;
    let u = one_use(text);
    assert_eq!(u.scheme, Scheme::Basic);
    assert_eq!(literal_at(text, &u.secret, "Summer2024!"), "Summer2024!");
    assert_eq!(literal_at(text, u.user.as_ref().unwrap(), "svc-jira"), "svc-jira");
    assert_eq!(host(&u.target), Some("jira.example.com"));
    assert_eq!(&text[u.span.range()], r#"basic_auth("svc-jira", Some("Summer2024!"))"#);
    assert_eq!(&*u.extractor, "rust-syn");
}

#[test]
fn a_none_password_is_a_username_alone() {
    assert!(facts(r#"fn f() { c.get(u).basic_auth("svc", None::<&str>); }"#).uses.is_empty());
    assert!(facts(r#"fn f() { let pw: Option<&str> = None; c.get(u).basic_auth("svc", pw); }"#).uses.is_empty());
}

#[test]
fn a_parameter_passed_through_is_unknown() {
    let u = one_use("fn f(c: Client, user: &str, password: &str) { c.get(URL).basic_auth(user, Some(password)); }");
    assert!(matches!(u.secret, Value::Unknown { ref expr, .. } if expr == "password"), "{:?}", u.secret);
}

#[test]
fn bindings_resolve_to_the_literal_where_it_is_bound() {
    let text = r#"fn f() {
    let pw = "Winter2023#";
    let url = format!("{}/rest/api/2/myself", "https://jira.corp");
    client.get(&url).basic_auth("svc", Some(pw)).send();
}"#;
    let u = one_use(text);
    literal_at(text, &u.secret, "Winter2023#");
    assert_eq!(u.secret_name.as_deref(), Some("pw"));
    assert_eq!(u.target.as_ref().unwrap().text, "{}/rest/api/2/myself");
    assert_eq!(host(&u.target), Some("jira.corp"));
}

#[test]
fn module_constants_are_visible_before_their_declaration() {
    let text = r#"fn f() { c.post(API).bearer_auth(JIRA_TOKEN); }
const API: &str = "https://jira.example.org/rest/api/2/issue";
const JIRA_TOKEN: &str = "MDM0MjM5NDc2MDxxSomethingLongerThanItShouldBe44";"#;
    let u = one_use(text);
    assert_eq!(u.scheme, Scheme::Bearer);
    literal_at(text, &u.secret, "MDM0MjM5NDc2MDxxSomethingLongerThanItShouldBe44");
    assert_eq!(u.secret_name.as_deref(), Some("JIRA_TOKEN"));
    assert_eq!(host(&u.target), Some("jira.example.org"));
}

#[test]
fn match_guards_are_read_and_guarded_arms_bind_their_names() {
    // syn 3 keeps a guard inside the arm's pattern (`Pat::Guard`): calls in it are still read, and
    // the names its pattern binds still shadow outer ones in the guard and the body.
    let in_guard = r#"fn f(c: &reqwest::Client, x: Option<u8>) { match x { Some(n) if c.get("https://jira.example.com/rest").basic_auth("svc-jira", Some("Summer2024!")).send().is_ok() => {} _ => {} } }"#;
    let u = one_use(in_guard);
    assert_eq!(literal_at(in_guard, &u.secret, "Summer2024!"), "Summer2024!");
    let shadowed = r#"fn f(c: &reqwest::Client, x: Option<String>) { let token = "first-value-x1"; match x { Some(token) if !token.is_empty() => { c.get(U).bearer_auth(token); } _ => {} } }"#;
    assert!(!matches!(one_use(shadowed).secret, Value::Literal { .. }), "the arm's `token` shadows the literal");
}

#[test]
fn scopes_follow_rust() {
    // A later `let` is not visible, a block's `let` ends with the block, and shadowing reads the
    // outer binding in its own initialiser.
    let later = one_use(r#"fn f(pw: &str) { c.get(U).basic_auth("u", Some(pw)); let pw = "Late2024!"; }"#);
    assert!(matches!(later.secret, Value::Unknown { .. }), "{:?}", later.secret);
    let block = one_use(r#"fn f(pw: &str) { { let pw = "Inner2024!"; } c.get(U).basic_auth("u", Some(pw)); }"#);
    assert!(matches!(block.secret, Value::Unknown { .. }), "{:?}", block.secret);
    let text = r#"fn f() { let pw = "Outer2024!"; let pw = pw.trim(); c.get(U).basic_auth("u", Some(pw)); }"#;
    literal_at(text, &one_use(text).secret, "Outer2024!");
    let param = one_use(r#"const pw: &str = "Const2024!"; fn f(pw: &str) { c.get(U).basic_auth("u", Some(pw)); }"#);
    assert!(matches!(param.secret, Value::Unknown { .. }), "{:?}", param.secret);
    let shadowed = r#"fn f() { let token = "first-value-x1"; let token = std::env::var("JIRA_PAT").unwrap(); c.get(U).bearer_auth(token); }"#;
    assert_eq!(reference(&one_use(shadowed).secret), (RefKind::Env, "JIRA_PAT"));
}

#[test]
fn raw_and_escaped_literals_span_their_content() {
    let text = r###"fn f() { c.get(U).basic_auth("svc", Some(r#"pa"ss w0rd!"#)); }"###;
    assert_eq!(literal_at(text, &one_use(text).secret, r#"pa"ss w0rd!"#), r#"pa"ss w0rd!"#);
    let text = r#"fn f() { c.get(U).basic_auth("svc", Some("S\u{e9}cr\tet\"9")); }"#;
    assert_eq!(literal_at(text, &one_use(text).secret, r#"S\u{e9}cr\tet\"9"#), "S\u{e9}cr\tet\"9");
}

#[test]
fn environment_reads_are_references_and_their_defaults_literals() {
    for read in [
        r#"std::env::var("JIRA_PASSWORD").unwrap()"#,
        r#"env::var("JIRA_PASSWORD")?"#,
        r#"std::env::var_os("JIRA_PASSWORD").expect("set it")"#,
        r#"dotenv::var("JIRA_PASSWORD").unwrap()"#,
        r#"env!("JIRA_PASSWORD")"#,
        r#"option_env!("JIRA_PASSWORD").unwrap_or_default()"#,
        r#"std::env::var("JIRA_PASSWORD").unwrap_or_default()"#,
    ] {
        let u = one_use(&format!("fn f() {{ let pw = {read}; c.get(U).basic_auth(\"svc\", Some(pw)); }}"));
        assert_eq!(reference(&u.secret), (RefKind::Env, "JIRA_PASSWORD"), "{read}");
    }
    for read in [
        r#"std::env::var("JIRA_PASSWORD").unwrap_or("Autumn2022!".to_string())"#,
        r#"env::var("JIRA_PASSWORD").unwrap_or_else(|_| "Autumn2022!".into())"#,
        r#"option_env!("JIRA_PASSWORD").unwrap_or("Autumn2022!")"#,
    ] {
        let text = format!("fn f() {{ let pw = {read}; c.get(U).basic_auth(\"svc\", Some(pw)); }}");
        let u = one_use(&text);
        literal_at(&text, &u.secret, "Autumn2022!");
        let Value::Literal { via, .. } = &u.secret else { unreachable!() };
        assert_eq!(via.as_deref(), Some("the default of env `JIRA_PASSWORD`"), "{read}");
    }
}

#[test]
fn authorization_headers_in_every_shape() {
    // A literal basic blob is decoded; both halves span the blob.
    let text =
        r#"fn f() { ureq::get("https://jira.corp/x").set("Authorization", "Basic c3ZjOlN1bW1lcjIwMjQh").call(); }"#;
    let u = one_use(text);
    assert_eq!(u.scheme, Scheme::Basic);
    assert_eq!(literal_at(text, &u.secret, "c3ZjOlN1bW1lcjIwMjQh"), "Summer2024!");
    assert_eq!(literal_at(text, u.user.as_ref().unwrap(), "c3ZjOlN1bW1lcjIwMjQh"), "svc");
    assert_eq!(host(&u.target), Some("jira.corp"));
    // base64 of a `format!` of user and password, inside a `format!("Basic {}")`.
    let text = r#"use reqwest::header::AUTHORIZATION;
fn f() {
    let user = "svc";
    let password = "Spring2023!";
    let creds = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password));
    client.post("https://bitbucket.corp/rest/api/1.0/x").header(AUTHORIZATION, format!("Basic {creds}")).send();
}"#;
    let u = one_use(text);
    literal_at(text, &u.secret, "Spring2023!");
    literal_at(text, u.user.as_ref().unwrap(), "svc");
    assert_eq!(host(&u.target), Some("bitbucket.corp"), "the header's target fills the encode's use");
    // Bearer through ureq 2's `.set` with an inline capture, and a token header.
    let text = r#"fn f() { let t = "glpat-abcdefghijklmnopqrst"; ureq::post(URL).set("Authorization", &format!("Bearer {t}")); }"#;
    let u = one_use(text);
    assert_eq!(u.scheme, Scheme::Bearer);
    literal_at(text, &u.secret, "glpat-abcdefghijklmnopqrst");
    let text = r#"fn f() { c.get(U).header("PRIVATE-TOKEN", "glpat-abcdefghijklmnopqrst"); }"#;
    let u = one_use(text);
    assert_eq!((u.scheme, u.secret_name.as_deref()), (Scheme::Header, Some("PRIVATE-TOKEN")));
    // A standalone `HeaderValue` that says `Bearer`, and `"Basic " + …`.
    let text = r#"fn f() { let v = HeaderValue::from_str(&format!("Bearer {}", std::env::var("JIRA_PAT").unwrap())).unwrap(); }"#;
    let u = one_use(text);
    assert_eq!((u.scheme, reference(&u.secret)), (Scheme::Bearer, (RefKind::Env, "JIRA_PAT")));
    let text = r#"fn f() { let h = "Basic ".to_owned() + &STANDARD.encode("admin:Passw0rd!"); c.get(U).header(AUTHORIZATION, h); }"#;
    let u = one_use(text);
    literal_at(text, &u.secret, "Passw0rd!");
    literal_at(text, u.user.as_ref().unwrap(), "admin");
    // An Authorization from an env var is a header use; an unrelated header is nothing.
    let text = r#"fn f() { c.get(U).header(AUTHORIZATION, env::var("JIRA_AUTH").unwrap()); }"#;
    assert_eq!(one_use(text).scheme, Scheme::Header);
    assert!(facts(r#"fn f() { c.get(U).header("Accept", "application/json; token=x"); }"#).uses.is_empty());
}

#[test]
fn base64_of_user_colon_secret_is_basic() {
    let text = r#"fn f() { let b = STANDARD.encode(b"jdoe:h0pk1ns~21s"); }"#;
    let u = one_use(text);
    assert_eq!(u.scheme, Scheme::Basic);
    literal_at(text, &u.secret, "h0pk1ns~21s");
    literal_at(text, u.user.as_ref().unwrap(), "jdoe");
    // No colon: encoding some data, not a credential.
    assert!(facts(r#"fn f() { let b = STANDARD.encode("just some secret data"); }"#).uses.is_empty());
}

#[test]
fn url_userinfo_and_set_password() {
    let text = r#"fn f() { let u = Url::parse("https://svc:Hunter2%21x@jira.example.net/rest").unwrap(); }"#;
    let u = one_use(text);
    assert_eq!(u.scheme, Scheme::UrlUserinfo);
    assert_eq!(literal_at(text, &u.secret, "Hunter2%21x"), "Hunter2!x");
    assert_eq!(host(&u.target), Some("jira.example.net"));
    let text = r#"fn f() { let mut url = reqwest::Url::parse("https://jira.corp/x")?; url.set_password(Some("Sup3rS3cret"))?; }"#;
    let u = one_use(text);
    assert_eq!(u.scheme, Scheme::UrlUserinfo);
    literal_at(text, &u.secret, "Sup3rS3cret");
    assert_eq!(host(&u.target), Some("jira.corp"));
    assert!(facts(r#"fn f() { url.set_password(None).unwrap(); }"#).uses.is_empty());
}

#[test]
fn credential_fields_of_struct_literals() {
    let text =
        r#"fn f() -> Credentials { Credentials { username: "svc".into(), password: String::from("Winter2023#") } }"#;
    let u = one_use(text);
    assert_eq!((u.scheme, u.secret_name.as_deref()), (Scheme::Basic, Some("password")));
    literal_at(text, &u.secret, "Winter2023#");
    literal_at(text, u.user.as_ref().unwrap(), "svc");
    let text = r#"fn f() { let c = Config { base_url: "https://x.atlassian.net".into(), api_token: API_TOKEN.to_owned() }; }
const API_TOKEN: &str = "tok_abcdefghijklmnop";"#;
    let u = one_use(text);
    assert_eq!((u.scheme, host(&u.target)), (Scheme::ConfigField, Some("x.atlassian.net")));
    let db = one_use(r#"fn f() { DbConfig { user: "app", password: "Autumn2022!" }; }"#);
    assert_eq!(db.scheme, Scheme::ConfigField);
    // Empty values and parameters passed through are not facts; `secret` is a credential name.
    assert!(
        facts(r#"fn f(p: String) { Login { username: "u", password: "" }; Login { username: "u", password: p }; }"#)
            .uses
            .is_empty()
    );
    assert_eq!(one_use(r#"fn f() { Oauth { client_secret: "abcdef0123456789abcdef" }; }"#).scheme, Scheme::ConfigField);
    assert!(facts(r#"fn f() { Token { kind: Kind::Ident, text: "if" }; }"#).uses.is_empty());
    assert!(facts(r#"fn f() { Req { token_name: "ci-token", password_hash: "abc123x" }; }"#).uses.is_empty());
    for name in
        ["password", "api_token", "apiToken", "client_secret", "secret_access_key", "JIRA_PASSWORD", "app_password"]
    {
        assert!(super::fields::is_credential_field(name), "{name}");
    }
    for name in [
        "tokenDescription",
        "tokenName",
        "password_hash",
        "csrf_token",
        "passed",
        "secret_name",
        "keyboard",
        "tokenForUserKey",
        "primary_key",
    ] {
        assert!(!super::fields::is_credential_field(name), "{name}");
    }
}

#[test]
fn concat_joins_literals_and_spans_them_all() {
    let text = r#"fn f() { c.get(U).basic_auth("svc", Some(concat!("Summer", "2024!"))); }"#;
    let u = one_use(text);
    let Value::Literal { text: joined, span, via } = &u.secret else { panic!("{:?}", u.secret) };
    assert_eq!(joined, "Summer2024!");
    assert_eq!(&text[span.range()], r#"Summer", "2024!"#);
    assert_eq!(via.as_deref(), Some("joined by `concat!`"));
    let u = one_use(r#"fn f() { c.get(U).basic_auth("svc", Some(concat!(env!("PW"), "x"))); }"#);
    assert!(matches!(u.secret, Value::Unknown { .. }));
}

#[test]
fn calls_inside_macros_are_read() {
    let text = r#"fn f() { assert!(c.get(U).basic_auth("svc", Some("Summer2024!")).send().is_ok(), "{}", 1); }"#;
    literal_at(text, &one_use(text).secret, "Summer2024!");
    let text = r#"fn f() { let v = vec![Credentials { username: "a", password: "Summer2024!" }]; }"#;
    literal_at(text, &one_use(text).secret, "Summer2024!");
}

#[test]
fn json_credential_keys_are_config_fields() {
    let text = r#"fn f() { c.post(U).json(&json!({"username": "svc", "password": "Summer2024!"})); }"#;
    let u = one_use(text);
    assert_eq!((u.scheme, u.secret_name.as_deref()), (Scheme::ConfigField, Some("password")));
    literal_at(text, &u.secret, "Summer2024!");
}

fn one_creation(text: &str) -> TokenCreation {
    let f = facts(text);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.creations.len(), 1, "{:#?}", f.creations);
    f.creations.into_iter().next().unwrap()
}

#[test]
fn the_dc_pat_example_is_a_creation_without_expiry() {
    let text = r#"async fn create(site: &str, profile: &str, username: &str, bootstrap_secret: &str) -> Result<()> {
    let response = reqwest::Client::new()
        .post(format!("{site}/rest/pat/latest/tokens"))
        .json(&json!({"name": format!("jira-cli / {profile}")}))
        .basic_auth(username, Some(bootstrap_secret))
        .send()
        .await?;
    Ok(())
}"#;
    let c = one_creation(text);
    assert_eq!(
        (c.api, c.expiry_days, c.never_expires, c.expiry_text.as_deref()),
        (TokenApi::AtlassianDcPat, None, false, None)
    );
    assert!(text[c.span.range()].starts_with("json!({") && text[c.span.range()].ends_with("})"));
}

#[test]
fn creation_expiries_per_api() {
    /// (path, body, api, expiry days, never expires, expiry as written)
    type Case<'a> = (&'a str, &'a str, TokenApi, Option<u64>, bool, Option<&'a str>);
    let cases: &[Case<'_>] = &[
        (
            "/rest/pat/1.0/tokens",
            r#"{"name": "ci", "expirationDuration": 90}"#,
            TokenApi::AtlassianDcPat,
            Some(90),
            false,
            None,
        ),
        (
            "/rest/pat/latest/tokens",
            r#"{"name": "ci", "expirationDuration": 0}"#,
            TokenApi::AtlassianDcPat,
            None,
            true,
            None,
        ),
        (
            "/rest/pat/latest/tokens",
            r#"{"name": "ci", "expirationDuration": null}"#,
            TokenApi::AtlassianDcPat,
            None,
            true,
            None,
        ),
        (
            "/rest/access-tokens/latest/users/svc",
            r#"{"name": "ci", "permissions": ["REPO_READ"], "expiryDays": 2154}"#,
            TokenApi::BitbucketDcAccessToken,
            Some(2154),
            false,
            None,
        ),
        (
            "/rest/access-tokens/1.0/projects/P",
            r#"{"name": "ci", "permissions": ["PROJECT_READ"]}"#,
            TokenApi::BitbucketDcAccessToken,
            None,
            false,
            None,
        ),
        (
            "/rest/api/latest/access-token",
            r#"{"name": "ci", "daysUntilExpiry": 30}"#,
            TokenApi::BambooPat,
            Some(30),
            false,
            None,
        ),
        (
            "/rest/de.resolution.apitokenauth/latest/user/token",
            r#"{"tokenDescription": "ci", "tokenValidityTimeInMonths": 6}"#,
            TokenApi::ResolutionApiToken,
            Some(180),
            false,
            None,
        ),
        (
            "/rest/de.resolution.apitokenauth/latest/user/token",
            r#"{"tokenDescription": "ci", "tokenExpirationDateTime": "2030-10-19T10:29:00.000+02:00"}"#,
            TokenApi::ResolutionApiToken,
            None,
            false,
            Some("2030-10-19T10:29:00.000+02:00"),
        ),
        (
            "/rest/ksso/api/apitokens/12.0/user/tokens",
            r#"{"tokenName": "ci", "isValidForever": true}"#,
            TokenApi::KantegaApiToken,
            None,
            true,
            None,
        ),
        (
            "/rest/ksso/api/apitokens/12.0/user/tokens",
            r#"{"tokenName": "ci", "validForDays": "180"}"#,
            TokenApi::KantegaApiToken,
            Some(180),
            false,
            None,
        ),
        (
            "/api/v4/users/7/personal_access_tokens",
            r#"{"name": "ci", "scopes": ["api"], "expires_at": "2030-01-01"}"#,
            TokenApi::GitlabAccessToken,
            None,
            false,
            Some("2030-01-01"),
        ),
        (
            "/api/v4/projects/7/access_tokens",
            r#"{"name": "ci", "scopes": ["api"], "expires_at": null}"#,
            TokenApi::GitlabAccessToken,
            None,
            true,
            None,
        ),
    ];
    for (path, body, api, days, never, text_expiry) in cases {
        let method = if path.contains("/rest/access-tokens/") { "put" } else { "post" };
        let text = format!("fn f(c: Client) {{ c.{method}(\"https://h.corp{path}\").json(&json!({body})).send(); }}");
        let c = one_creation(&text);
        assert_eq!(
            (c.api, c.expiry_days, c.never_expires, c.expiry_text.as_deref()),
            (*api, *days, *never, *text_expiry),
            "{path} {body}"
        );
    }
}

#[test]
fn creation_bodies_are_found_through_bindings_and_nearby_urls() {
    // The body bound first, the URL bound to a `format!`, a day count bound to a name.
    let text = r#"fn f(base: &str) {
    let days = 90;
    let body = serde_json::json!({"name": "ci", "expiryDays": days});
    let url = format!("{}/rest/access-tokens/latest/users/svc", base);
    client.put(&url).json(&body).send();
}"#;
    let c = one_creation(text);
    assert_eq!((c.api, c.expiry_days), (TokenApi::BitbucketDcAccessToken, Some(90)));
    // Not passed visibly to a request: the function's token endpoint string decides.
    let text = r#"fn f() -> Request {
    let endpoint = "/rest/pat/latest/tokens";
    build(endpoint, json!({"name": "nightly"}))
}"#;
    assert_eq!(one_creation(text).api, TokenApi::AtlassianDcPat);
    // A body sent elsewhere, or read with GET, is not a creation.
    let text = r#"fn f() {
    let _ = "/rest/pat/latest/tokens";
    c.post("https://jira.corp/rest/api/2/issue").json(&json!({"name": "x"}));
    c.get("https://jira.corp/rest/pat/latest/tokens").json(&json!({"name": "y"}));
}"#;
    assert!(facts(text).creations.is_empty());
    // Bitbucket creates with PUT; a POST with a token id updates.
    let text = r#"fn f(c: Client, id: &str) { c.post(format!("https://b/rest/access-tokens/latest/users/u/{id}")).json(&json!({"permissions": ["REPO_READ"]})); }"#;
    assert!(facts(text).creations.is_empty());
    // An expiry given by an expression is kept as written.
    let text = r#"fn f(n: u64) { c.post("https://j/rest/pat/latest/tokens").json(&json!({"name": "x", "expirationDuration": n * 30})); }"#;
    assert_eq!(one_creation(text).expiry_text.as_deref(), Some("n * 30"));
}

#[test]
fn an_atlassian_token_as_basic_password_is_a_token_fact() {
    let text = format!(
        r#"fn f() {{ c.get("https://acme.atlassian.net/rest/api/3/myself").basic_auth("me@acme.com", Some("{ATLASSIAN_TOKEN}")); }}"#
    );
    let u = one_use(&text);
    assert_eq!(literal_at(&text, &u.secret, ATLASSIAN_TOKEN), ATLASSIAN_TOKEN);
    assert_eq!(host(&u.target), Some("acme.atlassian.net"));
}

#[test]
fn rejected_files_are_problems_not_panics() {
    let f = facts("fn f() { let password = \"x\" + ; }");
    assert!(f.uses.is_empty());
    assert_eq!(f.problems.len(), 1);
    assert!(
        f.problems[0].message.starts_with("rust: ") && f.problems[0].message.contains("at line 1"),
        "{:?}",
        f.problems
    );
    assert!(f.problems[0].message.ends_with("; scanned with text patterns only"));
    let f = facts("fn f() { let password = \"unterminated; }");
    assert_eq!(f.problems.len(), 1, "{f:?}");
    // A json! body that does not parse is noted; the rest of the file still counts.
    let f =
        facts("fn f() { let b = json!({\"password\" \"x\"}); c.get(U).bearer_auth(\"glpat-abcdefghijklmnopqrst\"); }");
    assert_eq!(f.uses.len(), 1);
    assert!(f.problems.iter().any(|p| p.message.contains("`json!`")), "{:?}", f.problems);
}

#[test]
fn hostile_nesting_is_refused_or_survived() {
    for body in [
        format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("{}x", "!".repeat(200_000)),
        format!("{}x", "|a| ".repeat(50_000)),
        format!("x{}", ".f()".repeat(100_000)),
        format!("x{}", " + x".repeat(100_000)),
        format!("{{ let v: {}u8{} = 1; }}", "Vec<".repeat(20_000), ">".repeat(20_000)),
        format!("if a {{}}{}", " else if a {{}}".repeat(20_000)),
        format!("json!({}1{})", "[".repeat(50_000), "]".repeat(50_000)),
        format!("format!(\"{{}}\", {}1{})", "(".repeat(50_000), ")".repeat(50_000)),
    ] {
        let text = format!("fn f() {{ let password = \"x\"; let _ = {body}; }}");
        let f = facts(&text);
        assert!(f.uses.len() <= 1, "{:?}", f.uses.len());
    }
    // Nesting that real code has goes through.
    let text = format!(
        "fn f() {{ let _ = {}c.get(U).bearer_auth(\"glpat-abcdefghijklmnopqrst\"){}; }}",
        "(".repeat(60),
        ")".repeat(60)
    );
    assert_eq!(facts(&text).uses.len(), 1);
}

#[test]
fn files_without_keywords_are_not_parsed() {
    assert!(facts("fn f( { this is not rust").is_empty());
    assert!(!facts("fn f( { let password = \"x\"; ").is_empty());
}

#[test]
fn a_large_file_is_read_whole() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("fn f{i}(x: u32) -> u32 {{ x + {i} }}\n"));
    }
    text.push_str("fn last() { c.get(U).bearer_auth(\"glpat-abcdefghijklmnopqrst\"); }\n");
    let f = facts(&text);
    assert_eq!(f.uses.len(), 1);
    assert_eq!(&text[f.uses[0].secret.span().range()], "glpat-abcdefghijklmnopqrst");
}
