//! End-to-end tests of the config extractor: file text in, credential uses out.

use super::extract;
use crate::fact::{CredentialUse, Facts, ProblemKind, RefKind, Scheme, Value};
use crate::source::SourceFile;

fn facts(name: &str, text: &str) -> Facts {
    extract(&SourceFile::from_name(name, text)).0
}

fn uses(name: &str, text: &str) -> Vec<CredentialUse> {
    let facts = facts(name, text);
    assert!(facts.problems.is_empty(), "{name}: {:?}", facts.problems);
    facts.uses
}

/// The use whose secret name is `name`.
fn by_name<'u>(uses: &'u [CredentialUse], name: &str) -> &'u CredentialUse {
    uses.iter()
        .find(|u| u.secret_name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no use named {name}: {uses:#?}"))
}

fn literal(value: &Value) -> &str {
    value.as_literal().unwrap_or_else(|| panic!("not a literal: {value:?}"))
}

/// A literal written verbatim has a span that covers exactly its text.
fn assert_exact(text: &str, value: &Value) {
    assert_eq!(&text[value.span().range()], literal(value));
}

#[test]
fn github_actions_env_literals_and_secret_references() {
    let text = "on: push\nenv:\n  JIRA_BASE_URL: https://acme.atlassian.net\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n      JIRA_USER_EMAIL: bot@acme.example\n      JIRA_API_TOKEN: ${{ secrets.JIRA_API_TOKEN }}\n    steps:\n      - run: ./sync\n        env:\n          CONFLUENCE_PASSWORD: Winter2024!\n          DEPLOY_TOKEN: ${{ steps.mint.outputs.token }}\n";
    let uses = uses(".github/workflows/sync.yml", text);
    let token = by_name(&uses, "JIRA_API_TOKEN");
    assert!(
        matches!(&token.secret, Value::Reference { kind: RefKind::CiSecret, name, .. } if name == "JIRA_API_TOKEN")
    );
    assert_eq!(&text[token.secret.span().range()], "${{ secrets.JIRA_API_TOKEN }}");
    assert_eq!(token.connection.as_deref(), Some("workflow sync.yml job publish"));
    assert_eq!(token.scheme, Scheme::Basic, "an email sibling in the same family makes it basic");
    let minted = by_name(&uses, "DEPLOY_TOKEN");
    assert!(matches!(&minted.secret, Value::Reference { kind: RefKind::Command, .. }), "{minted:?}");
    let password = by_name(&uses, "CONFLUENCE_PASSWORD");
    assert_exact(text, &password.secret);
    assert_eq!(password.scheme, Scheme::ConfigField);
}

#[test]
fn compose_environment_in_list_and_map_form() {
    let text = "services:\n  api:\n    image: acme/api\n    environment:\n      - JIRA_URL=https://jira.example.com\n      - JIRA_USERNAME=svc-api\n      - JIRA_PASSWORD=${JIRA_PASSWORD:-Summer2024!}\n  db:\n    image: postgres\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: \"hunter22\"\n";
    let uses = uses("docker-compose.yml", text);
    let jira = by_name(&uses, "JIRA_PASSWORD");
    assert_eq!(literal(&jira.secret), "Summer2024!");
    assert_exact(text, &jira.secret);
    assert!(matches!(&jira.secret, Value::Literal { via: Some(via), .. } if via.contains("JIRA_PASSWORD")));
    assert_eq!(jira.scheme, Scheme::Basic);
    assert_eq!(jira.target.as_ref().and_then(|t| t.host.as_deref()), Some("jira.example.com"));
    assert_eq!(jira.connection.as_deref(), Some("service api"));
    let db = by_name(&uses, "POSTGRES_PASSWORD");
    assert_eq!(db.scheme, Scheme::ConfigField, "a database password is not basic auth");
    assert_exact(text, &db.secret);
}

#[test]
fn kubernetes_secret_data_is_decoded() {
    // base64("Summer2024!") and base64(docker config with auth base64("bot:Hunter2024!")).
    let docker = r#"{"auths":{"registry.example.com":{"auth":"Ym90Okh1bnRlcjIwMjQh"}}}"#;
    let docker_b64 = crate::codec::base64_encode(docker.as_bytes(), false, true);
    let text = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: jira-creds\ntype: Opaque\ndata:\n  jira-password: U3VtbWVyMjAyNCE=\n  username: c3Zj\n  .dockerconfigjson: {docker_b64}\nstringData:\n  api-token: plain-token-value\n"
    );
    let uses = uses("secret.yaml", &text);
    let password = by_name(&uses, "jira-password");
    assert_eq!(literal(&password.secret), "Summer2024!");
    assert_eq!(&text[password.secret.span().range()], "U3VtbWVyMjAyNCE=");
    assert_eq!(password.connection.as_deref(), Some("secret jira-creds"));
    assert_eq!(password.scheme, Scheme::Basic);
    assert_eq!(password.user.as_ref().map(literal), Some("svc"));
    let docker = by_name(&uses, ".dockerconfigjson auth");
    assert_eq!(literal(&docker.secret), "Hunter2024!");
    assert_eq!(&text[docker.secret.span().range()], docker_b64);
    assert_eq!(docker.target.as_ref().and_then(|t| t.host.as_deref()), Some("registry.example.com"));
    assert_eq!(literal(&by_name(&uses, "api-token").secret), "plain-token-value");
}

#[test]
fn docker_config_auths() {
    let text = r#"{"auths": {"https://index.docker.io/v1/": {"auth": "Ym90Okh1bnRlcjIwMjQh"}, "ghcr.io": {"identitytoken": "tok-123"}}, "credsStore": "desktop"}"#;
    let uses = uses("config.json", text);
    assert_eq!(uses.len(), 2);
    let auth = by_name(&uses, "auth");
    assert_eq!(auth.scheme, Scheme::Basic);
    assert_eq!(literal(&auth.secret), "Hunter2024!");
    assert_eq!(auth.user.as_ref().map(literal), Some("bot"));
    assert_eq!(auth.target.as_ref().and_then(|t| t.host.as_deref()), Some("index.docker.io"));
    let identity = by_name(&uses, "identitytoken");
    assert_eq!(identity.scheme, Scheme::Bearer);
    assert_exact(text, &identity.secret);
}

#[test]
fn npmrc_tokens_passwords_and_legacy_auth() {
    let text = "//npm.example.com/:_authToken=npm_abc\n//npm.example.com/:username=svc\n//pkgs.example.com/npm/:_password=SHVudGVyMjAyNCE=\n//pkgs.example.com/npm/:username=ci\n_auth=Ym90Okh1bnRlcjIwMjQh\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n";
    let uses = uses(".npmrc", text);
    let tokens: Vec<_> = uses.iter().filter(|u| u.secret_name.as_deref() == Some("_authToken")).collect();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].scheme, Scheme::Bearer);
    assert_eq!(tokens[0].target.as_ref().and_then(|t| t.host.as_deref()), Some("npm.example.com"));
    assert!(matches!(&tokens[1].secret, Value::Reference { kind: RefKind::Env, name, .. } if name == "NPM_TOKEN"));
    let password = by_name(&uses, "_password");
    assert_eq!(literal(&password.secret), "Hunter2024!");
    assert_eq!(password.user.as_ref().map(literal), Some("ci"));
    assert_eq!(password.scheme, Scheme::Basic);
    let auth = by_name(&uses, "_auth");
    assert_eq!(auth.user.as_ref().map(literal), Some("bot"));
    assert_eq!(uses.len(), 4);
}

#[test]
fn maven_settings_servers_references_and_headers() {
    let text = "<settings>\n  <servers>\n    <server>\n      <id>nexus</id>\n      <username>deployer</username>\n      <password>${env.MAVEN_PASSWORD}</password>\n    </server>\n    <server>\n      <id>gitlab-maven</id>\n      <configuration>\n        <httpHeaders>\n          <property>\n            <name>Private-Token</name>\n            <value>glpat-abcdefghijklmnopqrst</value>\n          </property>\n        </httpHeaders>\n      </configuration>\n    </server>\n    <server><id>legacy</id><username>u</username><password>{COQLCE6DU6GtcS5P=}</password></server>\n  </servers>\n</settings>\n";
    let uses = uses("settings.xml", text);
    let password = uses.iter().find(|u| u.connection.as_deref() == Some("server nexus")).unwrap();
    assert_eq!(password.scheme, Scheme::Basic);
    assert!(matches!(&password.secret, Value::Reference { kind: RefKind::Env, name, .. } if name == "MAVEN_PASSWORD"));
    let header = by_name(&uses, "Private-Token");
    assert_eq!(header.scheme, Scheme::Header);
    assert_eq!(header.connection.as_deref(), Some("server gitlab-maven"));
    assert_exact(text, &header.secret);
    let legacy = uses.iter().find(|u| u.connection.as_deref() == Some("server legacy")).unwrap();
    assert_eq!(literal(&legacy.secret), "{COQLCE6DU6GtcS5P=}");
}

#[test]
fn nuget_credentials_name_their_source_and_url() {
    let text = "<configuration>\n  <packageSources>\n    <add key=\"Contoso Feed\" value=\"https://pkgs.contoso.example/nuget/v3/index.json\" />\n  </packageSources>\n  <packageSourceCredentials>\n    <Contoso_x0020_Feed>\n      <add key=\"Username\" value=\"svc\" />\n      <add key=\"ClearTextPassword\" value=\"Hunter2024!\" />\n      <add key=\"Password\" value=\"AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA\" />\n    </Contoso_x0020_Feed>\n  </packageSourceCredentials>\n</configuration>\n";
    let uses = uses("NuGet.config", text);
    assert_eq!(uses.len(), 1, "{uses:#?}");
    let password = by_name(&uses, "ClearTextPassword");
    assert_eq!(password.scheme, Scheme::Basic);
    assert_exact(text, &password.secret);
    assert_eq!(password.user.as_ref().map(literal), Some("svc"));
    assert_eq!(password.connection.as_deref(), Some("package source Contoso Feed"));
    assert_eq!(password.target.as_ref().and_then(|t| t.host.as_deref()), Some("pkgs.contoso.example"));
}

#[test]
fn spring_properties_defaults_are_literals() {
    let text = "jira.url=https://jira.example.com\njira.username=svc\njira.password=${JIRA_PASSWORD:S3cret!}\njira.token=${JIRA_TOKEN}\nspring.datasource.password=dbpass1\n";
    let uses = uses("application.properties", text);
    let password = by_name(&uses, "password");
    assert_eq!(literal(&password.secret), "S3cret!");
    assert_exact(text, &password.secret);
    assert_eq!(password.scheme, Scheme::Basic);
    assert_eq!(password.connection.as_deref(), Some("section jira"));
    let token = by_name(&uses, "token");
    assert!(matches!(&token.secret, Value::Reference { name, .. } if name == "JIRA_TOKEN"));
    let datasource = uses.iter().find(|u| u.connection.as_deref() == Some("section spring.datasource")).unwrap();
    assert_eq!(datasource.scheme, Scheme::ConfigField);
}

#[test]
fn ansible_uri_and_yarnrc() {
    let text = "- hosts: all\n  tasks:\n    - name: Create issue\n      ansible.builtin.uri:\n        url: https://jira.example.com/rest/api/2/issue\n        url_username: svc\n        url_password: Autumn2023!\n        force_basic_auth: yes\n";
    let uses = uses("playbook.yml", text);
    let password = by_name(&uses, "url_password");
    assert_eq!(password.scheme, Scheme::Basic);
    assert_eq!(password.connection.as_deref(), Some("task Create issue"));
    assert_eq!(password.target.as_ref().and_then(|t| t.host.as_deref()), Some("jira.example.com"));
    let text = "npmRegistryServer: \"https://npm.example.com\"\nnpmAuthIdent: \"svc:Hunter2024!\"\nnpmAuthToken: \"${NPM_TOKEN}\"\n";
    let uses = super::tests::uses(".yarnrc.yml", text);
    let ident = by_name(&uses, "npmAuthIdent");
    assert_eq!(literal(&ident.secret), "Hunter2024!");
    assert_exact(text, &ident.secret);
    assert_eq!(ident.user.as_ref().map(literal), Some("svc"));
    assert_eq!(ident.target.as_ref().and_then(|t| t.host.as_deref()), Some("npm.example.com"));
}

#[test]
fn toml_ini_and_git_config() {
    let text = "[tool.jira]\nserver = \"https://jira.example.com\"\nuser = \"svc\"\npassword = \"Hunter2024!\"\ntoken_url = \"https://x\"\n";
    let uses = uses("pyproject.toml", text);
    assert_eq!(uses.len(), 1);
    assert_eq!(uses[0].scheme, Scheme::Basic);
    assert_exact(text, &uses[0].secret);
    let text = "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcCJGFiYw\n";
    let uses = super::tests::uses(".pypirc", text);
    assert_eq!(uses[0].connection.as_deref(), Some("section pypi"));
    let text = "[remote \"origin\"]\n\turl = https://git.example.com/a.git\n[github]\n\ttoken = ghp_abc\n";
    let uses = super::tests::uses("repo/.git/config", text);
    assert_eq!(uses.len(), 1);
    assert_eq!(uses[0].connection.as_deref(), Some("section github"));
}

#[test]
fn look_alikes_and_non_strings_are_not_credentials() {
    let text = "password_policy: strict\ntoken_url: https://auth.example.com/token\ntoken_type: bearer\npasswordless: true\ncsrf_token: abc\npassword_file: /run/secrets/pw\ntoken: 12345\npassword: true\napi_token: ''\ntoken_env: JIRA_TOKEN\n";
    assert!(uses("app.yml", text).is_empty());
}

#[test]
fn parse_errors_are_notes_and_keep_earlier_facts() {
    let text = "password: S3cret!\nbroken: [\n";
    let found = facts("app.yml", text);
    assert_eq!(found.uses.len(), 1);
    assert_eq!(found.problems.len(), 1);
    assert_eq!(found.problems[0].kind, ProblemKind::Unparsable);
    let message = &found.problems[0].message;
    assert!(message.starts_with("yaml: ") && message.ends_with("; scanned with text patterns only"), "{message}");
    assert!(message.contains(" at line "), "{message}");
    for (name, text) in
        [("a.json", "{\"token\": \"abc\", }}"), ("a.xml", "<a><token>x</token>"), ("a.toml", "token = \"x\"\n[")]
    {
        let found = facts(name, text);
        assert_eq!(found.problems.len(), 1, "{name}");
        assert_eq!(found.uses.len(), 1, "{name}");
    }
}

#[test]
fn never_panics_on_hostile_input() {
    let mut inputs: Vec<String> = vec![
        "\u{feff}password: x".into(),
        "password: \"\\u\"".into(),
        "{\"password\": \"\\ud800\"}".into(),
        "<a password=\"x".into(),
        "[a\npassword = \"x".into(),
        "//h/:_password=%%%\n_auth=:\n".into(),
        "a.b.=c\n\\\n".into(),
        "\u{fffd}\u{fffd}: \u{fffd}\r\n".into(),
    ];
    let mut seed = 0x5EEDu64;
    for _ in 0..300 {
        let len = (seed % 80) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let table = b"{}[]:,\"'=\n\r\t &<>/\\!#-|*?aP~%";
                table[(seed % table.len() as u64) as usize]
            })
            .collect();
        inputs.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    for input in &inputs {
        for name in ["a.yml", "a.json", "a.toml", "a.ini", "a.properties", "a.xml", ".npmrc", ".gitconfig"] {
            for u in &facts(name, input).uses {
                assert!(u.secret.span().end <= input.len() && input.is_char_boundary(u.secret.span().start));
            }
        }
    }
}

#[test]
fn many_credential_keys_in_one_node_stay_linear() {
    let mut json = String::from("{");
    let mut properties = String::new();
    for i in 0..20_000 {
        json.push_str(&format!("\"password_{i}\": \"Hunter{i}!\", "));
        properties.push_str(&format!("app.password_{i}=Hunter{i}!\n"));
    }
    json.push_str("\"url\": \"https://x.example.com\"}");
    let started = std::time::Instant::now();
    assert_eq!(uses("big.json", &json).len(), 20_000);
    assert_eq!(uses("big.properties", &properties).len(), 20_000);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
}
