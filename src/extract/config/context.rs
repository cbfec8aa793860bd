//! What surrounds a config entry: the connection it serves (a URL-named sibling, a docker
//! registry, an npm scope, a NuGet source) and the named thing it belongs to (a CI job, a compose
//! service, a Maven server id, a config section), its user, and whether it belongs to
//! infrastructure (databases, mail, keystores) rather than an HTTP API.
//!
//! Reads the shared model only; `rules` calls it for every credential entry it reports.

use std::collections::HashMap;

use super::model::{Document, Entry, NodeId, Segment, normalize};
use crate::extract::expr::template_reference;
use crate::extract::target::host_of;
use crate::fact::Target;

/// Keys (normalized) that name the connection's URL or host.
const URL_NAMES: &[&str] = &[
    "url",
    "uri",
    "baseurl",
    "baseuri",
    "serverurl",
    "apiurl",
    "endpoint",
    "host",
    "hostname",
    "server",
    "site",
    "registry",
    "registryurl",
    "npmregistryserver",
];

/// Variables and inputs (normalized) that well-known clients read their credential from, and the
/// service it authenticates to.
const WELL_KNOWN_SERVICES: &[(&[&str], &str)] = &[
    (&["nodeauthtoken", "npmtoken", "npmauthtoken"], "registry.npmjs.org"),
    (&["twinepassword", "pypitoken", "pypiapitoken"], "upload.pypi.org"),
    (&["dockerhubtoken", "dockerhubpassword", "dockerpassword"], "docker.io"),
    (&["cargoregistrytoken"], "crates.io"),
    (&["gemhostapikey", "rubygemsapikey"], "rubygems.org"),
    (&["nugetapikey"], "api.nuget.org"),
    (&["anthropicapikey"], "api.anthropic.com"),
    (&["openaiapikey"], "api.openai.com"),
    (&["codecovtoken"], "codecov.io"),
    (&["hftoken", "huggingfacetoken"], "huggingface.co"),
];

/// Siblings scanned for a prefixed family (`JIRA_USER` beside `JIRA_PASSWORD`).
const MAX_FAMILY_SCAN: usize = 256;

/// Keys (normalized) that hold the user of a basic credential.
const USER_NAMES: &[&str] = &["username", "user", "urlusername", "login", "email", "useremail"];

/// The last words of a user key in a prefixed family (`JIRA_USER`, `mavenUsername`).
const USER_WORDS: &[&str] = &["user", "username", "login", "email"];

/// The last words of a URL key in a prefixed family (`JIRA_BASE_URL`, `confluenceHost`).
const URL_WORDS: &[&str] = &["url", "uri", "host", "server", "endpoint", "site"];

/// Words that place a credential in infrastructure (databases, message brokers, mail, LDAP,
/// keystores, private keys) rather than an HTTP API: its user and password are not sent with
/// basic auth.
#[rustfmt::skip]
const INFRA_WORDS: &[&str] = &[
    "datasource", "db", "database", "jdbc", "sql", "mysql", "mariadb", "postgres", "postgresql", "pg",
    "mssql", "sqlserver", "oracle", "mongo", "mongodb", "redis", "cassandra", "couchdb", "neo4j",
    "rabbitmq", "rabbit", "amqp", "kafka", "activemq", "nats", "mq", "ldap", "smtp", "mail", "imap",
    "ssh", "sftp", "ftp", "keystore", "truststore", "ssl", "tls", "jks", "pfx", "p12",
    "cert", "certificate", "memcached", "zookeeper", "influxdb", "clickhouse", "elasticsearch",
    // The passphrase of a private key (Maven `<passphrase>`, `ssh_key_passphrase`).
    "passphrase", "privatekey",
    // Privilege escalation and Kerberos: Ansible's `become` password is sudo's, a Kerberos
    // principal's password gets a ticket; neither is sent with basic auth.
    "become", "sudo", "kerberos", "krb", "krb5", "keytab",
];

/// The kind of document, from its shape and the file name: it decides how connections are named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Flavor {
    GithubWorkflow,
    GitlabCi,
    Compose,
    Kubernetes { kind: String, name: Option<String> },
    Generic,
}

pub(crate) struct Context<'a> {
    pub doc: &'a Document,
    file_name: String,
    flavors: HashMap<NodeId, Flavor>,
}

/// Lower-case words of a name, split as name priors split them (`APIKeyAccess` is `api`, `key`,
/// `access`).
pub(crate) use crate::classify::split_words as words;

impl<'a> Context<'a> {
    pub(crate) fn new(doc: &'a Document, file_name: &str) -> Self {
        let flavors = doc.roots().iter().map(|&root| (root, flavor(doc, root, file_name))).collect();
        Context { doc, file_name: file_name.to_owned(), flavors }
    }

    pub(crate) fn flavor(&self, node: NodeId) -> &Flavor {
        self.flavors.get(&self.doc.root_of(node)).unwrap_or(&Flavor::Generic)
    }

    /// The named connection an entry under `parent` belongs to: `workflow ci.yml job publish`,
    /// `service api`, `server nexus`, `section jira`.
    pub(crate) fn connection(&self, parent: NodeId) -> Option<String> {
        let doc = self.doc;
        let keys = doc.key_path(parent);
        let file = &self.file_name;
        match self.flavor(parent) {
            Flavor::GithubWorkflow => {
                return Some(match keys.as_slice() {
                    ["jobs", job, ..] => format!("workflow {file} job {job}"),
                    _ => format!("workflow {file}"),
                });
            }
            Flavor::GitlabCi => {
                const GLOBAL: &[&str] = &["variables", "default", "workflow", "include", "stages", "cache"];
                return Some(match keys.as_slice() {
                    [job, _, ..] if !GLOBAL.contains(job) => format!("job {job}"),
                    _ => format!("pipeline {file}"),
                });
            }
            Flavor::Compose => {
                if let ["services", service, ..] = keys.as_slice() {
                    return Some(format!("service {service}"));
                }
            }
            Flavor::Kubernetes { kind, name } => {
                let kind = kind.to_ascii_lowercase();
                return Some(match name {
                    Some(name) => format!("{kind} {name}"),
                    None => kind,
                });
            }
            Flavor::Generic => {}
        }
        if let Some(at) = keys.iter().position(|k| normalize(k) == "packagesourcecredentials")
            && let Some(source) = keys.get(at + 1)
        {
            return Some(format!("package source {}", nuget_name(source)));
        }
        for node in doc.ancestors(parent) {
            let Some(id) = doc.find(node, &["id", "name"]).filter(|e| e.is_text() && !e.value.contains('\n')) else {
                continue;
            };
            let label = match &doc.nodes[node].segment {
                Some(Segment::Key(key)) => key.clone(),
                Some(Segment::Index(_)) => {
                    doc.nodes[node].parent.and_then(|p| doc.key(p)).map(singular).unwrap_or_default()
                }
                None => continue,
            };
            return Some(format!("{label} {}", id.value.trim()).trim().to_owned());
        }
        (!keys.is_empty()).then(|| format!("section {}", keys.join(".")))
    }

    /// The connection's URL or host: a NuGet source, an npm scope, a docker registry, or a
    /// URL-named sibling of the entry (or of its parent or grandparent).
    pub(crate) fn target(&self, entry: &Entry) -> Option<Target> {
        let doc = self.doc;
        let parent = entry.parent;
        let keys = doc.key_path(parent);
        if let Some(at) = keys.iter().position(|k| normalize(k) == "packagesourcecredentials")
            && let Some(source) = keys.get(at + 1)
        {
            let root = doc.root_of(parent);
            let sources =
                doc.ancestors(parent).find(|&n| doc.key(n).is_some_and(|k| normalize(k) == "packagesourcecredentials"));
            let config = sources.and_then(|n| doc.nodes[n].parent).unwrap_or(root);
            if let Some(list) = doc.child(config, "packageSources")
                && let Some(url) =
                    doc.find(list, &[&normalize(&nuget_name(source))]).or_else(|| doc.find(list, &[&normalize(source)]))
            {
                return Some(target_of(url));
            }
        }
        for node in doc.ancestors(parent).take(2) {
            let Some(key) = doc.key(node) else { continue };
            let in_auths = doc.nodes[node].parent.and_then(|p| doc.key(p)).is_some_and(|k| normalize(k) == "auths");
            if key.starts_with("//") || in_auths {
                return Some(Target { text: key.to_owned(), host: host_of(key), span: doc.nodes[node].key_span });
            }
        }
        if let Some(name) = entry.key()
            && let Some(url) = self.family_member(entry, name, URL_WORDS)
        {
            return Some(target_of(url));
        }
        let sibling_url = doc
            .ancestors(parent)
            .take(3)
            .find_map(|node| doc.find(node, URL_NAMES).filter(|e| e.is_text() && !e.value.contains('\n')))
            .map(target_of);
        sibling_url.or_else(|| self.well_known_service(entry))
    }

    /// The service a well-known credential authenticates to when nothing around it names one:
    /// the variable or input its client reads (`NODE_AUTH_TOKEN` is npm's, `TWINE_PASSWORD`
    /// PyPI's), or the login action it is given to (`docker/login-action` logs in to Docker Hub
    /// unless its `registry` says otherwise). Two uses of one secret against one service are then
    /// one connection, however many workflows hold them.
    fn well_known_service(&self, entry: &Entry) -> Option<Target> {
        let key = normalize(entry.key()?);
        let by_name =
            WELL_KNOWN_SERVICES.iter().find(|(names, _)| names.contains(&key.as_str())).map(|(_, host)| *host);
        let by_action = || {
            let action = self.step_action(entry)?.to_ascii_lowercase();
            (action.starts_with("docker/login-action") && key == "password").then_some("docker.io")
        };
        let host = by_name.or_else(by_action)?;
        Some(Target { text: host.to_owned(), host: Some(host.to_owned()), span: entry.key_span })
    }

    /// The action a step runs (`uses:`), for an entry of the step's `with:` block.
    fn step_action(&self, entry: &Entry) -> Option<&'a str> {
        let doc = self.doc;
        (doc.key(entry.parent) == Some("with")).then_some(())?;
        let step = doc.nodes[entry.parent].parent?;
        doc.text(step, "uses")
    }

    /// The sibling holding the user of a basic credential.
    pub(crate) fn user(&self, entry: &Entry) -> Option<&'a Entry> {
        let exact = self.doc.find(entry.parent, USER_NAMES).filter(|u| u.is_text() && !u.value.contains('\n'));
        exact.or_else(|| self.family_member(entry, entry.key()?, USER_WORDS))
    }

    /// A sibling in the same prefixed family as `name` whose last word is one of `last_words`:
    /// `JIRA_BASE_URL` for `JIRA_API_TOKEN`, `mavenUser` for `mavenPassword`.
    fn family_member(&self, entry: &Entry, name: &str, last_words: &[&str]) -> Option<&'a Entry> {
        let own = words(name);
        let (first, _) = own.split_first().filter(|_| own.len() >= 2)?;
        let siblings = self.doc.entries_of(entry.parent);
        // A family is a handful of keys; a node with thousands is data, and scanning it for every
        // credential in it would be quadratic.
        if siblings.len() > MAX_FAMILY_SCAN {
            return None;
        }
        siblings.iter().map(|&i| &self.doc.entries[i]).find(|sibling| {
            let Some(key) = sibling.key() else { return false };
            let theirs = words(key);
            theirs.len() >= 2
                && theirs.first() == Some(first)
                && theirs.last().is_some_and(|w| last_words.contains(&w.as_str()))
                && sibling.is_text()
                && !sibling.value.contains('\n')
        })
    }

    /// Whether the entry belongs to infrastructure (a database, a broker, mail, a keystore), by
    /// its key, the keys above it, its document's named thing, or its target's scheme.
    pub(crate) fn is_infrastructure(&self, entry: &Entry, target: Option<&Target>) -> bool {
        let doc = self.doc;
        let mut names: Vec<&str> = doc.key_path(entry.parent);
        names.extend(entry.key());
        // A CI step's action (`dawidd6/action-send-mail`) and the host it reaches
        // (`smtp.gmail.com`) say what the login is for.
        names.extend(self.step_action(entry));
        let host = target.and_then(|t| t.host.as_deref());
        names.extend(host);
        if let Some(Flavor::Kubernetes { name: Some(name), .. }) = Some(self.flavor(entry.parent)) {
            names.push(name);
        }
        // MySQL option files (`my.cnf`, `.my.cnf`) hold database credentials.
        let option_file = self.file_name.to_ascii_lowercase().ends_with(".cnf");
        let infra_word = option_file || names.iter().flat_map(|n| words(n)).any(|w| INFRA_WORDS.contains(&w.as_str()));
        let infra_scheme = target.is_some_and(|t| {
            let lower = t.text.to_ascii_lowercase();
            crate::extract::target::is_infrastructure_url(&lower)
        });
        infra_word || infra_scheme
    }

    /// Whether the entry sits in a map of HTTP headers (Maven `httpHeaders`, `headers:`).
    pub(crate) fn in_headers(&self, entry: &Entry) -> bool {
        self.doc.ancestors(entry.parent).take(3).any(|n| {
            self.doc.key(n).is_some_and(|k| matches!(normalize(k).as_str(), "headers" | "httpheaders" | "extraheaders"))
        })
    }
}

fn target_of(entry: &Entry) -> Target {
    let text = entry.value.trim();
    let host = if template_reference(text).is_some() { None } else { host_of(text) };
    Target { text: text.to_owned(), host, span: entry.value_span }
}

/// NuGet writes spaces in element names as `_x0020_`.
fn nuget_name(name: &str) -> String {
    name.replace("_x0020_", " ")
}

fn singular(key: &str) -> String {
    key.strip_suffix('s').filter(|s| !s.is_empty()).unwrap_or(key).to_owned()
}

fn flavor(doc: &Document, root: NodeId, file_name: &str) -> Flavor {
    let lower = file_name.to_ascii_lowercase();
    let has_entry = |name: &str| doc.find(root, &[name]).is_some();
    let has_child = |name: &str| doc.child(root, name).is_some();
    if has_child("jobs") && (has_entry("on") || has_child("on")) {
        return Flavor::GithubWorkflow;
    }
    if lower.ends_with("gitlab-ci.yml") || lower.ends_with("gitlab-ci.yaml") {
        return Flavor::GitlabCi;
    }
    if let Some(services) = doc.child(root, "services") {
        let services_look_like_compose = doc.children_of(services).iter().any(|&s| {
            doc.find(s, &["image", "build"]).is_some()
                || doc.child(s, "build").is_some()
                || doc.child(s, "environment").is_some()
        });
        if lower.contains("compose") || services_look_like_compose {
            return Flavor::Compose;
        }
    }
    if let (Some(_), Some(kind)) = (doc.text(root, "apiVersion"), doc.text(root, "kind")) {
        let name = doc.child(root, "metadata").and_then(|m| doc.text(m, "name")).map(str::to_owned);
        return Flavor::Kubernetes { kind: kind.to_owned(), name };
    }
    if has_child("stages") && doc.children_of(root).iter().any(|&job| doc.child(job, "script").is_some()) {
        return Flavor::GitlabCi;
    }
    Flavor::Generic
}

/// The jobs of a GitHub Actions workflow or a GitLab CI file that start service containers
/// (`services:`): what such a job holds is for the throwaway database or broker it starts and
/// tests against, so its literals are development defaults, not production credentials.
pub(crate) fn service_job_regions(doc: &Document, file_name: &str) -> Vec<crate::fact::ContextRegion> {
    let mut regions = Vec::new();
    for &root in doc.roots() {
        let jobs: Vec<NodeId> = match flavor(doc, root, file_name) {
            Flavor::GithubWorkflow => {
                doc.child(root, "jobs").map(|jobs| doc.children_of(jobs).to_vec()).unwrap_or_default()
            }
            Flavor::GitlabCi => doc.children_of(root).to_vec(),
            _ => continue,
        };
        for job in jobs {
            if doc.child(job, "services").is_none() && doc.find(job, &["services"]).is_none() {
                continue;
            }
            let Some(span) = subtree_span(doc, job) else { continue };
            let name = doc.key(job).unwrap_or_default();
            regions.push(crate::fact::ContextRegion {
                span,
                context: crate::context::Context::Development,
                reason: format!("a CI job that starts service containers (`services:` of job `{name}`)"),
            });
        }
    }
    regions
}

/// Passwords that database and broker images document as their defaults or examples.
const IMAGE_DEFAULT_PASSWORDS: &[&str] = &[
    "postgres", "mysql", "mariadb", "root", "example", "password", "secret", "admin", "changeme", "test", "guest",
    "sa", "mongo", "redis", "rabbitmq", "pass", "dev", "local",
];

/// The password entries of a compose file whose value is a default: an image's documented
/// default (`POSTGRES_PASSWORD: postgres`), or a name of the stack itself — the user, the
/// database, a service, a word of an image (`POSTGRES_PASSWORD=atlassian` beside
/// `atlassian/jira-software`). A stack so configured is started and thrown away on a developer's
/// machine; a production deployment's password is none of its own names.
pub(crate) fn compose_default_regions(doc: &Document, file_name: &str) -> Vec<crate::fact::ContextRegion> {
    let mut regions = Vec::new();
    for &root in doc.roots() {
        if flavor(doc, root, file_name) != Flavor::Compose {
            continue;
        }
        let under_root = |entry: &Entry| doc.root_of(entry.parent) == root;
        let mut names: Vec<String> = IMAGE_DEFAULT_PASSWORDS.iter().map(|s| (*s).to_owned()).collect();
        if let Some(services) = doc.child(root, "services") {
            for &service in doc.children_of(services) {
                names.extend(doc.key(service).map(str::to_ascii_lowercase));
            }
        }
        for entry in doc.entries.iter().filter(|e| under_root(e) && e.is_text()) {
            let key = entry.key().map(normalize).unwrap_or_default();
            let value = entry.value.trim().to_ascii_lowercase();
            if key == "image" {
                names.extend(value.split(['/', ':', '-', '_', '.', '@']).filter(|w| w.len() >= 3).map(str::to_owned));
            } else if key.ends_with("user")
                || key.ends_with("username")
                || key.ends_with("db")
                || key.ends_with("database")
            {
                names.push(value);
            }
        }
        for entry in doc.entries.iter().filter(|e| under_root(e) && e.is_text()) {
            let Some(key) = entry.key() else { continue };
            let words = words(key);
            let password_key = words.iter().any(|w| matches!(w.as_str(), "password" | "pass" | "passwd" | "pwd"));
            if password_key && names.iter().any(|n| n.eq_ignore_ascii_case(entry.value.trim())) {
                let start = entry.key_span.start.min(entry.value_span.start);
                let end = entry.key_span.end.max(entry.value_span.end);
                regions.push(crate::fact::ContextRegion {
                    span: crate::span::Span::new(start, end),
                    context: crate::context::Context::Development,
                    reason: "a compose stack's default password (an image default or one of the stack's own names)"
                        .to_owned(),
                });
            }
        }
    }
    regions
}

/// From the node's key to the end of the last entry under it.
fn subtree_span(doc: &Document, node: NodeId) -> Option<crate::span::Span> {
    let start = doc.nodes[node].key_span.start;
    let end = doc
        .entries
        .iter()
        .filter(|entry| entry.parent == node || doc.ancestors(entry.parent).any(|a| a == node))
        .map(|entry| entry.value_span.end.max(entry.key_span.end))
        .max()?;
    (end > start).then(|| crate::span::Span::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_names() {
        assert_eq!(words("JIRA_BASE_URL"), ["jira", "base", "url"]);
        assert_eq!(words("mavenPassword"), ["maven", "password"]);
        assert_eq!(words("url-password"), ["url", "password"]);
        assert_eq!(words("CloudWatchAPIKeyAccess"), ["cloud", "watch", "api", "key", "access"]);
        assert_eq!(words("amzn1"), ["amzn", "1"]);
    }
}
