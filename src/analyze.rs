//! Whole-repository analysis: the credential graph, and the rules that need it.
//!
//! Every credential use of every file becomes a *site*. Sites are grouped into credentials by
//! identity — a literal's decoded value (compared as a keyed hash that never leaves memory), or a
//! reference's name normalised across ecosystems (`secrets.JIRA_TOKEN`, `$JIRA_TOKEN`,
//! `os.environ["JIRA_TOKEN"]` are one name) — and a definition that binds a name to a literal
//! (`JIRA_TOKEN=…` in a `.env`) joins the two identities (union-find). Each site serves a
//! *connection*: its target host, else its named consumer (CI job, service, server id), else its
//! script. `shared-credential` fires for a credential that serves two or more connections.
//!
//! Pure: facts in, graph and findings out. Linear in the number of sites.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::path::PathBuf;
use std::sync::Arc;

use crate::classify::{SecretClass, classify_literal, name_prior};
use crate::fact::{RefKind, Scheme};
use crate::finding::{CredentialKey, Finding, Location};
use crate::redact::redact;
use crate::rules::Catalogue;
use crate::source::display_path;

pub const SHARED_CREDENTIAL: &str = "shared-credential";

/// Per-run tokens minted by the CI for one job: sharing them is by design (DOMAIN.md §4).
const EPHEMERAL: &[&str] = &[
    "GITHUB_TOKEN",
    "CI_JOB_TOKEN",
    "CI_REGISTRY_PASSWORD",
    "CI_DEPENDENCY_PROXY_PASSWORD",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "BITBUCKET_STEP_OIDC_TOKEN",
    "SYSTEM_ACCESSTOKEN",
];

pub use crate::site::{FileSites, Site, SiteSecret, SiteTarget, SiteUse, Sites};

/// What the whole-repository stages (analysis, revocation, suppression) need beyond the facts.
#[derive(Debug, Clone)]
pub struct AnalyzeSettings {
    /// Token lifetimes above this are `token-lifetime-too-long`.
    pub max_token_lifetime_days: u64,
    /// Reference names whose sharing is deliberate (`[shared-credential] allow` in the config).
    pub allow_shared: Vec<String>,
    /// The date expiries are compared with (`--today`); the system date when unset.
    pub today: Option<crate::date::Date>,
    /// Report suppressions that suppress nothing (`--report-unused-ignores`).
    pub report_unused_ignores: bool,
    /// The credential inventory from the config, if it has one.
    pub inventory: Option<crate::inventory::Inventory>,
    /// Keep every credential in the graph, a literal used once included (`credlint graph` shows
    /// them all). Off, such a literal gets no node: it serves one connection and has no name, so
    /// no rule can read it, and a file of 300,000 of them would otherwise hold 300,000 nodes.
    pub whole_graph: bool,
}

impl Default for AnalyzeSettings {
    fn default() -> Self {
        AnalyzeSettings {
            max_token_lifetime_days: crate::revocation::DEFAULT_MAX_TOKEN_LIFETIME_DAYS,
            allow_shared: Vec::new(),
            today: None,
            report_unused_ignores: false,
            inventory: None,
            whole_graph: false,
        }
    }
}

/// A credential: the sites that use it, grouped by the connection each serves.
#[derive(Debug, Clone)]
pub struct CredentialNode {
    /// How a report names it: the reference name, or the redacted literal.
    pub label: String,
    /// Every reference name the credential goes by, normalised.
    pub names: BTreeSet<String>,
    pub literal: bool,
    /// The connections it serves, in key order; a vector, not a map: most credentials serve one,
    /// and a map's node per credential was most of a large scan's memory.
    pub connections: Vec<Connection>,
    /// Sites that define the credential without using it (a `.env` entry, a CI variable).
    pub definitions: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Connection {
    /// What makes two uses one connection (`host jira.example.com`, `script deploy.sh`).
    pub key: String,
    /// How a reader names it.
    pub label: String,
    pub sites: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub sites: Sites,
    pub credentials: Vec<CredentialNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Literal(u64),
    Name(String),
}

/// Union-find over identities, with path halving.
#[derive(Debug, Default)]
struct Groups {
    index: HashMap<Identity, usize>,
    parent: Vec<usize>,
}

impl Groups {
    fn id(&mut self, identity: Identity) -> usize {
        let next = self.parent.len();
        let id = *self.index.entry(identity).or_insert(next);
        if id == next {
            self.parent.push(next);
        }
        id
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

/// The name under which a reference is the same secret everywhere: `secrets.jira_token`,
/// `$JIRA_TOKEN` and `env.JIRA_TOKEN` are all `JIRA_TOKEN`; store ids keep their own namespace.
pub fn normalise_name(kind: RefKind, name: &str) -> Option<String> {
    let bare = name.trim().trim_start_matches('$').trim_matches(|c| c == '{' || c == '}');
    let bare = ["secrets.", "env.", "vars.", "ENV.", "process.env."]
        .iter()
        .find_map(|prefix| bare.strip_prefix(prefix))
        .unwrap_or(bare);
    if bare.is_empty() {
        return None;
    }
    match kind {
        RefKind::Command => None,
        RefKind::Env | RefKind::CiSecret => Some(bare.to_ascii_uppercase()),
        RefKind::Template => Some(format!("template:{bare}")),
        RefKind::Store => Some(format!("store:{bare}")),
    }
}

fn is_ephemeral(name: &str) -> bool {
    EPHEMERAL.contains(&name)
}

/// The label of a credential's site that serves no connection of its own: a definition
/// (`JIRA_TOKEN=…` in an env file), or a named consumer absorbed into the connection its file
/// shows (a Jenkins binding next to the curl that uses it), which is a use, not a definition.
pub fn definition_label(site: Site<'_>) -> &'static str {
    if is_definition(site.credential) { "defined here" } else { "also used here, for the same connection" }
}

/// Whether a site defines a credential rather than using it for a connection.
fn is_definition(credential: &SiteUse) -> bool {
    credential.scheme == Scheme::ConfigField && credential.target.is_none() && credential.connection.is_none()
}

/// The connection a site serves: (key, label). Keys of hosts are global; a named consumer or a
/// script is only unique within its file.
fn connection_of(site: Site<'_>) -> (String, String) {
    let path = display_path(site.file_path());
    let credential = site.credential;
    // A target written as an unresolved template (`${{ vars.URL || '…' }}`) names no connection
    // a reader could find: the consumer or the script does.
    if let Some(target) = credential
        .target
        .as_ref()
        .filter(|t| t.host.is_some() || !crate::extract::expr::is_unresolved_template(&t.text))
    {
        return match &target.host {
            Some(host) => {
                let product = atlassian_cloud_product(host, &target.text);
                let shown = product.map_or_else(|| host.to_string(), |p| format!("{host} {p}"));
                (format!("host {shown}"), shown)
            }
            None => (format!("target {}", target.text), target.text.to_string()),
        };
    }
    if let Some(named) = &credential.connection {
        // The label names the consumer; reports add the file where they need it.
        return (format!("{path} {named}"), named.to_string());
    }
    (format!("script {path}"), path)
}

/// Atlassian Cloud serves several products from one site (`acme.atlassian.net/wiki` is
/// Confluence): each product is its own connection.
fn atlassian_cloud_product(host: &str, url: &str) -> Option<&'static str> {
    if !(host.ends_with(".atlassian.net") || host == "api.atlassian.com") {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    Some(if lower.contains("/wiki") || lower.contains("/ex/confluence") {
        "Confluence"
    } else if lower.contains("/rest/servicedeskapi") {
        "Jira Service Management"
    } else {
        "Jira"
    })
}

/// The roots of the projects a scan holds, recognised by their CI configuration (a tree of many
/// repositories, such as a registry cache, has one per repository): `secrets.X` in two
/// repositories are two secrets.
fn project_roots(sites: &Sites) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = sites
        .iter()
        .filter_map(|site| {
            let mut root = PathBuf::new();
            for component in site.file_path().components() {
                let name = component.as_os_str();
                if name == ".github" || name == ".gitlab-ci.yml" || name == "bitbucket-pipelines.yml" {
                    return Some(root);
                }
                root.push(component);
            }
            None
        })
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

/// Where a reference's name means one thing: a workflow's or an action's `inputs.X` only in its
/// own file (two composite actions' `inputs.token` are two parameters), the names in one
/// application's Spring configuration only in that application (`svc-a/src/main/resources/…` and
/// `svc-b/src/main/resources/…` are two deployments), else the whole project.
fn name_scope(site: Site<'_>, project: &std::path::Path) -> PathBuf {
    let path = site.file_path();
    if let SiteSecret::Reference { kind: RefKind::Template, name, .. } = &site.credential.secret
        && ["inputs.", "matrix.", "steps.", "needs."].iter().any(|p| name.starts_with(p))
    {
        return path.to_path_buf();
    }
    let components: Vec<_> = path.components().collect();
    if let Some(at) = components
        .windows(3)
        .position(|w| w[0].as_os_str() == "src" && w[1].as_os_str() == "main" && w[2].as_os_str() == "resources")
    {
        return components[..at].iter().collect();
    }
    project.to_path_buf()
}

/// Whether a use is of something that authenticates: not a user name given where a credential
/// goes (`secrets.DOCKERHUB_USERNAME`, `JIRA_EMAIL`), and not a key's passphrase (a signing or
/// GPG passphrase unlocks a key file, it logs in nowhere). Neither can be a shared credential.
fn authenticates(credential: &SiteUse) -> bool {
    let words = |name: &str| crate::classify::split_words(name);
    if let SiteSecret::Reference { name, .. } = &credential.secret
        && words(name).last().is_some_and(|w| matches!(w.as_str(), "user" | "username" | "login" | "email" | "actor"))
    {
        return false;
    }
    let passphrase = |name: &str| {
        let words = words(name);
        words.iter().any(|w| w == "passphrase")
            || words.iter().any(|w| matches!(w.as_str(), "signing" | "gpg" | "pgp" | "keystore"))
    };
    let named = credential.secret_name.as_deref().is_some_and(passphrase);
    let referenced = matches!(&credential.secret, SiteSecret::Reference { name, .. } if passphrase(name));
    !(named || referenced)
}

/// The project a site belongs to: the deepest root above it.
fn scope_of<'r>(path: &std::path::Path, roots: &'r [PathBuf]) -> &'r std::path::Path {
    roots
        .iter()
        .filter(|root| path.starts_with(root))
        .max_by_key(|root| root.components().count())
        .map_or(std::path::Path::new(""), PathBuf::as_path)
}

pub fn build_graph(sites: Sites, whole: bool) -> Graph {
    let roots = project_roots(&sites);
    let key = RandomState::new();
    let key_hash = key.clone();
    let mut groups = Groups::default();
    let mut site_group: Vec<Option<usize>> = Vec::with_capacity(sites.len());
    let mut names_of: HashMap<usize, String> = HashMap::new();
    // A literal identity's first site: its description is written once, for its node.
    let mut literal_of: HashMap<usize, usize> = HashMap::new();
    let placed = |site: &Site<'_>| !site.test_or_doc && authenticates(site.credential);
    // Off the whole graph, a literal no other site holds gets no node (`forget_lone_literals`).
    // Known before its group is made, it never enters the union-find: for a file of 300,000
    // such literals, its map was most of the graph's memory. Held sorted, for a binary search.
    let repeated: Option<Vec<u64>> = (!whole).then(|| {
        let mut hashes: Vec<u64> = sites
            .iter()
            .filter(placed)
            .filter_map(|site| site.credential.secret.as_literal().map(|text| key.hash_one(text)))
            .collect();
        hashes.sort_unstable();
        let mut repeated: Vec<u64> = hashes.windows(2).filter(|pair| pair[0] == pair[1]).map(|pair| pair[0]).collect();
        repeated.dedup();
        repeated
    });
    for site in sites.iter() {
        if !placed(&site) {
            site_group.push(None);
            continue;
        }
        let credential = site.credential;
        let scope = name_scope(site, scope_of(site.file_path(), &roots));
        let scoped = |name: &str| format!("{}\u{0}{name}", scope.display());
        let group = match &credential.secret {
            SiteSecret::Literal { text, .. } => {
                let hash = key.hash_one(&**text);
                // `JIRA_TOKEN=ATATT…` defines the name: uses of `$JIRA_TOKEN` are this literal.
                let defined = if is_definition(credential) {
                    credential
                        .secret_name
                        .as_deref()
                        .and_then(|n| normalise_name(RefKind::Env, n))
                        .filter(|name| !is_ephemeral(name))
                } else {
                    None
                };
                let lone = defined.is_none() && repeated.as_ref().is_some_and(|r| r.binary_search(&hash).is_err());
                let prior = credential.secret_name.as_deref().map_or(crate::classify::NamePrior::Neutral, name_prior);
                if lone || classify_literal(text, prior).class == SecretClass::Placeholder {
                    None
                } else {
                    let literal = groups.id(Identity::Literal(hash));
                    literal_of.entry(literal).or_insert(site_group.len());
                    if let Some(name) = defined {
                        let named = groups.id(Identity::Name(scoped(&name)));
                        names_of.entry(named).or_insert(name);
                        groups.union(literal, named);
                    }
                    Some(literal)
                }
            }
            SiteSecret::Reference { kind, name, .. } => {
                let group = normalise_name(*kind, name).filter(|name| !is_ephemeral(name)).map(|name| {
                    let id = groups.id(Identity::Name(scoped(&name)));
                    names_of.entry(id).or_insert(name);
                    id
                });
                // A store binding fills a variable (`variable: 'JIRA_TOKEN'`): the two names
                // are one credential.
                if let (Some(group), RefKind::Store, Some(variable)) = (group, kind, &credential.secret_name)
                    && let Some(variable) = normalise_name(RefKind::Env, variable)
                    && !is_ephemeral(&variable)
                {
                    let named = groups.id(Identity::Name(scoped(&variable)));
                    names_of.entry(named).or_insert(variable);
                    groups.union(group, named);
                }
                group
            }
        };
        site_group.push(group);
    }
    // Root → its node in `credentials`; (node, hash of a connection key) → the connection.
    let mut node_of: HashMap<usize, usize> = HashMap::new();
    let mut credentials: Vec<(usize, CredentialNode)> = Vec::new();
    let mut connection_of_key: HashMap<(usize, u64), usize> = HashMap::new();
    // Each site's group becomes its root in place: a second list would be one more word per site.
    let mut roots = site_group;
    for group in roots.iter_mut().flatten() {
        *group = groups.find(*group);
    }
    // Names and literals of every identity, gathered onto their group's root.
    let mut root_names: HashMap<usize, BTreeSet<String>> = HashMap::new();
    let mut root_literal: HashMap<usize, usize> = HashMap::new();
    for (id, name) in &names_of {
        root_names.entry(groups.find(*id)).or_default().insert(name.clone());
    }
    for (id, &site) in &literal_of {
        let at = root_literal.entry(groups.find(*id)).or_insert(site);
        *at = (*at).min(site);
    }
    drop(literal_of);
    if !whole {
        forget_lone_literals(&mut roots, &root_names);
    }
    for (index, root) in roots.iter_mut().enumerate() {
        let Some(root) = *root else { continue };
        let node_index = *node_of.entry(root).or_insert_with(|| {
            let names = root_names.remove(&root).unwrap_or_default();
            let literal = root_literal.get(&root).map(|&site| describe_literal(sites.get(site).credential));
            let label = match (names.iter().next(), &literal) {
                (Some(name), _) => format!("`{}`", name.trim_start_matches("store:").trim_start_matches("template:")),
                (None, Some(described)) => {
                    format!("the same hardcoded {}", described.trim_start_matches("an ").trim_start_matches("a "))
                }
                (None, None) => "a credential".to_owned(),
            };
            let node = CredentialNode {
                label,
                names,
                literal: literal.is_some(),
                connections: Vec::new(),
                definitions: Vec::new(),
            };
            credentials.push((root, node));
            credentials.len() - 1
        });
        let (_, node) = &mut credentials[node_index];
        let site = sites.get(index);
        if is_definition(site.credential) {
            node.definitions.push(index);
            continue;
        }
        let (key, label) = connection_of(site);
        let slot = connection_of_key.entry((node_index, key_hash.hash_one(&key))).or_insert(usize::MAX);
        // A hash shared by two keys (vanishingly rare) falls back to a search of the node's own.
        let at = match node.connections.get(*slot) {
            Some(connection) if connection.key == key => *slot,
            _ => match node.connections.iter().position(|c| c.key == key) {
                Some(at) => at,
                // Sized for the one use most connections have (a push would reserve four).
                None => {
                    node.connections.reserve_exact(1);
                    node.connections.push(Connection { key, label, sites: vec![index] });
                    if *slot == usize::MAX {
                        *slot = node.connections.len() - 1;
                    }
                    continue;
                }
            },
        };
        if *slot == usize::MAX {
            *slot = at;
        }
        node.connections[at].sites.push(index);
    }
    drop(connection_of_key);
    // In the order of their roots, each one's connections in key order, whatever order the
    // sites came in.
    credentials.sort_unstable_by_key(|(root, _)| *root);
    let mut credentials: Vec<CredentialNode> = credentials.into_iter().map(|(_, node)| node).collect();
    for credential in &mut credentials {
        credential.connections.sort_by(|a, b| a.key.cmp(&b.key));
        credential.connections.shrink_to_fit();
        absorb_named_consumers(credential, &sites);
    }
    Graph { sites, credentials }
}

/// How a report names a hardcoded credential: its format, or a password, with its redacted form.
fn describe_literal(credential: &SiteUse) -> String {
    let SiteSecret::Literal { text, .. } = &credential.secret else { return "a credential".to_owned() };
    let prior = credential.secret_name.as_deref().map_or(crate::classify::NamePrior::Neutral, name_prior);
    match classify_literal(text, prior).class {
        SecretClass::Token { format } => format!("{} ({})", format.describe(), redact(text)),
        _ => format!("a password ({})", redact(text)),
    }
}

/// Drops the groups of one site that no name joins: a literal used once serves one connection,
/// so it is never shared, and with no name no inventory entry can be about it.
fn forget_lone_literals(roots: &mut [Option<usize>], root_names: &HashMap<usize, BTreeSet<String>>) {
    let mut sites_of_root: HashMap<usize, u32> = HashMap::new();
    for root in roots.iter().flatten() {
        *sites_of_root.entry(*root).or_default() += 1;
    }
    for root in roots.iter_mut() {
        if root.is_some_and(|r| sites_of_root[&r] == 1 && !root_names.contains_key(&r)) {
            *root = None;
        }
    }
}

/// A named consumer (a Jenkins pipeline binding the credential) whose file also shows where the
/// credential goes (a curl to a host in the same pipeline) is that connection, not another one:
/// its sites become definitions.
fn absorb_named_consumers(credential: &mut CredentialNode, sites: &Sites) {
    let targeted: BTreeSet<&std::path::Path> = credential
        .connections
        .iter()
        .flat_map(|c| c.sites.iter())
        .filter(|&&s| sites.get(s).credential.target.is_some())
        .map(|&s| sites.get(s).file_path())
        .collect();
    let absorbed = |c: &Connection| {
        c.sites.iter().all(|&s| {
            let site = sites.get(s);
            site.credential.target.is_none() && site.credential.connection.is_some()
        }) && c.sites.iter().all(|&s| targeted.contains(sites.get(s).file_path()))
    };
    if !credential.connections.iter().any(absorbed) {
        return;
    }
    let (absorbed, kept): (Vec<Connection>, Vec<Connection>) =
        std::mem::take(&mut credential.connections).into_iter().partition(absorbed);
    credential.connections = kept;
    for connection in absorbed {
        credential.definitions.extend(connection.sites);
    }
}

/// The most related locations a `shared-credential` finding lists of each kind (uses, definitions).
const MAX_RELATED: usize = 100;

/// `shared-credential` findings: one per credential serving two or more connections.
pub fn shared_credentials(graph: &Graph, catalogue: &Catalogue, settings: &AnalyzeSettings) -> Vec<Finding> {
    let Some(rule) = catalogue.rule(SHARED_CREDENTIAL) else { return Vec::new() };
    let allowed: BTreeSet<String> =
        settings.allow_shared.iter().filter_map(|n| normalise_name(RefKind::Env, n)).collect();
    let mut findings = Vec::new();
    for credential in &graph.credentials {
        if credential.connections.len() < 2 || credential.names.iter().any(|n| allowed.contains(n)) {
            continue;
        }
        let mut uses: Vec<(usize, &str)> =
            credential.connections.iter().flat_map(|c| c.sites.iter().map(move |&s| (s, c.label.as_str()))).collect();
        uses.sort_by(|a, b| {
            let (sa, sb) = (graph.sites.get(a.0), graph.sites.get(b.0));
            (sa.path, sa.credential.span).cmp(&(sb.path, sb.credential.span))
        });
        let Some(&(first, first_label)) = uses.first() else { continue };
        let location = |index: usize, label: String| {
            let site = graph.sites.get(index);
            Location { path: site.path.into(), span: site.credential.secret.span(), label: label.into() }
        };
        // Each connection once, with the file of its first use for the reader to find it.
        let labels: Vec<String> = credential
            .connections
            .iter()
            .map(|c| {
                let path = c.sites.first().map(|&s| display_path(graph.sites.get(s).file_path())).unwrap_or_default();
                if c.label.contains(&path) { c.label.clone() } else { format!("{} ({path})", c.label) }
            })
            .collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let head = format!("{} is shared by {} connections: ", credential.label, labels.len());
        let message = format!(
            "{head}{}",
            join_connections_within(&labels, crate::finding::HEADLINE_CHARS.saturating_sub(head.len()))
        );
        // Bounded: a credential used in 300,000 places is one finding, not 300,000 related
        // locations. Each connection's first use is always shown, then the others in order.
        let firsts: BTreeSet<usize> =
            credential.connections.iter().filter_map(|c| c.sites.first().copied()).filter(|&s| s != first).collect();
        let room = MAX_RELATED.saturating_sub(firsts.len());
        let mut others = 0;
        let mut secondary: Vec<Location> = uses[1..]
            .iter()
            .filter(|&&(index, _)| {
                firsts.contains(&index) || {
                    others += 1;
                    others <= room
                }
            })
            .map(|&(index, label)| location(index, format!("also used for {label}")))
            .collect();
        let unshown = uses.len() - 1 - secondary.len();
        secondary.extend(
            credential
                .definitions
                .iter()
                .take(MAX_RELATED)
                .map(|&index| location(index, definition_label(graph.sites.get(index)).to_owned())),
        );
        let first_site = graph.sites.get(first);
        findings.push(Finding {
            rule: Arc::clone(&rule.id),
            severity: rule.severity,
            message: message.into(),
            primary: location(first, format!("used for {first_label}")),
            secondary,
            redacted: first_site.credential.secret.as_literal().map(|text| redact(text).into()),
            connection: Some(first_label.into()),
            reason: Some(
                format!(
                    "revoking it would break {} other connection{}{}",
                    labels.len() - 1,
                    if labels.len() == 2 { "" } else { "s" },
                    if unshown > 0 { format!("; {unshown} more uses are not shown") } else { String::new() }
                )
                .into(),
            ),
            credential: match credential.names.iter().next() {
                Some(name) => CredentialKey::Name(name.clone()),
                None => first_site.credential.secret.key(),
            },
            provenance: None,
            context: None,
            also: Vec::new(),
            revoke: None,
        });
    }
    findings
}

fn join_connections(labels: &[&str]) -> String {
    match labels {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A label as (name, file): `pipeline (ci/Jenkinsfile)` → (`pipeline`, `ci/Jenkinsfile`).
fn split_file(label: &str) -> (&str, Option<&str>) {
    match label.strip_suffix(')').and_then(|l| l.rsplit_once(" (")) {
        Some((name, file)) if !name.is_empty() => (name, Some(file)),
        _ => (label, None),
    }
}

/// `labels` with the directories they all start with (after a `(` or a space) shown as `…/`:
/// `pipeline (ci/a/Jenkinsfile)` and `pipeline (ci/a/release/Jenkinsfile)` differ in `release/`.
fn without_shared_directories(labels: &[&str]) -> Vec<String> {
    let Some(first) = labels.first() else { return Vec::new() };
    let mut common = first.len();
    for label in &labels[1..] {
        common = common.min(first.bytes().zip(label.bytes()).take_while(|(a, b)| a == b).count());
    }
    let shared = &first[..crate::span::clamp_to_char_boundary(first, common)];
    let Some(end) = shared.rfind('/').map(|i| i + 1) else {
        return labels.iter().map(|l| (*l).to_owned()).collect();
    };
    let start = shared[..end].rfind(['(', ' ']).map_or(0, |i| i + 1);
    if end - start <= "…/".len() {
        return labels.iter().map(|l| (*l).to_owned()).collect();
    }
    labels.iter().map(|l| format!("{}…/{}", &l[..start], &l[end..])).collect()
}

/// The connections joined, as many as fit in `room` characters (at least one), then `and N more`.
fn join_connections_within(labels: &[&str], room: usize) -> String {
    let all = join_connections(labels);
    if all.chars().count() <= room {
        return all;
    }
    // The connections give way in steps, most of them keeping what tells them apart: the
    // directories they share go, then a file they share is named once, then their files (the
    // related locations show them); two connections then each give up their middle, more are
    // counted.
    let budget = room + crate::finding::HEADLINE_SLACK;
    let fits = |text: &str| text.chars().count() <= budget;
    let labels = without_shared_directories(labels);
    let joined = join_connections(&labels.iter().map(String::as_str).collect::<Vec<_>>());
    if labels.len() <= 2 && fits(&joined) {
        return joined;
    }
    let split: Vec<(&str, Option<&str>)> = labels.iter().map(|l| split_file(l)).collect();
    let names: Vec<&str> = split.iter().map(|(name, _)| *name).collect();
    if let [(_, Some(file)), rest @ ..] = split.as_slice()
        && labels.len() <= 2
        && rest.iter().all(|(_, other)| *other == Some(*file))
    {
        let once = format!("{} ({file})", join_connections(&names));
        if fits(&once) {
            return once;
        }
    }
    if labels.len() <= 2 {
        let joined = join_connections(&names);
        if fits(&joined) {
            return joined;
        }
        let each = budget.saturating_sub(" and ".len()) / names.len().max(1);
        let shortened: Vec<String> = names.iter().map(|n| crate::finding::shortened_middle(n, each)).collect();
        return join_connections(&shortened.iter().map(String::as_str).collect::<Vec<_>>());
    }
    // More than two: as many as fit, without the directories they share (or without their
    // files, when even the first does not fit with them), and a count.
    let with_files: Vec<&str> = labels.iter().map(String::as_str).collect();
    let first_fits = fits(&format!("{} and {} more", with_files[0], with_files.len() - 1));
    let labels: Vec<&str> = if first_fits { with_files } else { names };
    let mut shown = 1;
    while shown < labels.len() {
        let rest = labels.len() - shown - 1;
        let candidate = format!("{} and {rest} more", labels[..=shown].join(", "));
        if rest == 0 || candidate.chars().count() > room {
            break;
        }
        shown += 1;
    }
    let first = crate::finding::shortened_middle(labels[0], budget.saturating_sub(" and 99 more".len()));
    let listed: Vec<&str> = std::iter::once(first.as_str()).chain(labels[1..shown].iter().copied()).collect();
    format!("{} and {} more", listed.join(", "), labels.len() - shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::Target;

    #[test]
    fn a_headline_lists_the_connections_that_fit_and_counts_the_rest() {
        let labels: Vec<String> = (0..43).map(|i| format!("jira{i}.example.com (deploy/sync{i}.sh)")).collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let joined = join_connections_within(&labels, 70);
        assert!(joined.chars().count() <= 70, "{joined}");
        assert!(joined.ends_with(" more"), "{joined}");
        assert_eq!(join_connections_within(&labels[..2], 200), format!("{} and {}", labels[0], labels[1]));
        assert_eq!(
            join_connections_within(&labels[..2], 40),
            "jira0.example.com and jira1.example.com",
            "files go first"
        );
        let hosts = [format!("jira.{}.example.com", "a".repeat(60)), format!("jira.{}.example.com", "b".repeat(60))];
        let two = join_connections_within(&[hosts[0].as_str(), hosts[1].as_str()], 40);
        assert!(two.matches('…').count() == 2 && two.chars().count() <= 60, "{two}");
        let sections = [
            "section server_encryption_options (databases/cassandra/image/files/cassandra.yaml)",
            "section client_encryption_options (databases/cassandra/image/files/cassandra.yaml)",
        ];
        assert_eq!(
            join_connections_within(&sections, 60),
            "section server_encryption_options and section client_encryption_options",
            "their files go before their names are cut"
        );
        let cut = join_connections_within(&sections, 34);
        assert!(
            cut.chars().count() <= 54 && cut.starts_with("section serv") && cut.contains(" and section cli"),
            "{cut}"
        );
        let pipelines = ["pipeline (ci/jobs/jira/Jenkinsfile)", "pipeline (ci/jobs/jira/release/Jenkinsfile)"];
        assert_eq!(
            join_connections_within(&pipelines, 60),
            "pipeline (…/Jenkinsfile) and pipeline (…/release/Jenkinsfile)"
        );
    }
    use crate::fact::{CredentialUse, Value};
    use crate::span::Span;

    /// A file with one use.
    fn site(path: &str, secret: Value, host: Option<&str>) -> FileSites {
        let mut texts = crate::text::Interner::default();
        let credential = CredentialUse {
            scheme: Scheme::Bearer,
            user: None,
            secret,
            secret_name: None,
            target: host.map(|h| Target {
                text: format!("https://{h}/"),
                host: Some(h.to_owned()),
                span: Span::new(0, 1),
            }),
            connection: None,
            span: Span::new(0, 10),
            extractor: "test".into(),
        };
        FileSites {
            path: PathBuf::from(path),
            test_or_doc: vec![false],
            tree_path: None,
            uses: vec![SiteUse::of(credential, &mut texts).expect("a literal or a reference")],
        }
    }

    fn reference(kind: RefKind, name: &str) -> Value {
        Value::Reference { kind, name: name.to_owned(), span: Span::new(2, 5) }
    }

    #[test]
    fn names_normalise_across_ecosystems() {
        let sites = vec![
            site("sync.py", reference(RefKind::Env, "JIRA_TOKEN"), Some("jira.example.com")),
            site("ci.yml", reference(RefKind::CiSecret, "jira_token"), Some("confluence.example.com")),
        ];
        let graph = build_graph(Sites::new(sites), true);
        assert_eq!(graph.credentials.len(), 1);
        assert_eq!(graph.credentials[0].connections.len(), 2);
    }

    #[test]
    fn one_host_is_one_connection_and_ephemeral_tokens_are_exempt() {
        let sites = vec![
            site("a.sh", reference(RefKind::Env, "JIRA_TOKEN"), Some("jira.example.com")),
            site("b.sh", reference(RefKind::Env, "JIRA_TOKEN"), Some("jira.example.com")),
            site("c.yml", reference(RefKind::CiSecret, "GITHUB_TOKEN"), Some("api.github.com")),
            site("d.yml", reference(RefKind::CiSecret, "GITHUB_TOKEN"), Some("uploads.github.com")),
        ];
        let graph = build_graph(Sites::new(sites), true);
        assert_eq!(graph.credentials.len(), 1);
        assert_eq!(graph.credentials[0].connections.len(), 1);
    }

    #[test]
    fn a_definition_joins_a_literal_to_its_name() {
        let mut definition = site(".env", Value::literal("k3Jd9sLq0Zx7Vb2Nw8Rt5Yp1Mh4Gf6Ce", Span::new(0, 4)), None);
        definition.uses[0].scheme = Scheme::ConfigField;
        definition.uses[0].secret_name = Some("BB_TOKEN".into());
        let sites = vec![
            definition,
            site("deploy.sh", reference(RefKind::Env, "BB_TOKEN"), Some("bitbucket.org")),
            site(
                "mirror.py",
                Value::literal("k3Jd9sLq0Zx7Vb2Nw8Rt5Yp1Mh4Gf6Ce", Span::new(0, 4)),
                Some("git.example.com"),
            ),
        ];
        let graph = build_graph(Sites::new(sites.clone()), true);
        assert_eq!(graph.credentials.len(), 1, "{:?}", graph.credentials);
        let node = &graph.credentials[0];
        assert_eq!(node.connections.len(), 2);
        assert_eq!(node.definitions, vec![0]);
        assert!(!node.label.contains("9sLq0Zx7"), "labels never show a secret: {}", node.label);
        // Off the whole graph too: the definition's literal, held once more, and a definition
        // that names its literal are no lone literals.
        let lean = build_graph(Sites::new(sites.clone()), false);
        assert_eq!(lean.credentials[0].connections.len(), 2, "{:?}", lean.credentials);
        let only_named = build_graph(Sites::new(sites[..2].to_vec()), false);
        assert_eq!(only_named.credentials.len(), 1);
        assert!(only_named.credentials[0].literal, "the name's node holds the literal it is defined as");
        assert_eq!(only_named.credentials[0].definitions, vec![0]);
    }

    #[test]
    fn sites_are_numbered_by_path_then_span_whatever_order_files_come_in() {
        let mut later = site("b.sh", reference(RefKind::Env, "B_TOKEN"), None);
        let mut second = later.uses[0].clone();
        second.span = Span::new(0, 3);
        second.secret =
            SiteSecret::Reference { kind: RefKind::Env, name: "EARLIER_IN_B".into(), span: Span::new(2, 5) };
        later.uses.push(second);
        later.test_or_doc.push(true);
        let sites =
            Sites::new(vec![later, FileSites::default(), site("a.sh", reference(RefKind::Env, "A_TOKEN"), None)]);
        let names: Vec<(String, bool)> = sites
            .iter()
            .map(|s| (format!("{} {:?}", s.path.display(), s.credential.secret.span()), s.test_or_doc))
            .collect();
        assert_eq!(sites.len(), 3, "a file without uses has no site");
        assert_eq!(names[0].0, "a.sh Span { start: 2, end: 5 }");
        assert_eq!(
            names[1],
            ("b.sh Span { start: 2, end: 5 }".to_owned(), true),
            "the use at 0..3 comes first in b.sh"
        );
        assert_eq!(names[2], ("b.sh Span { start: 2, end: 5 }".to_owned(), false));
    }

    #[test]
    fn a_literal_used_once_has_a_node_only_in_the_whole_graph() {
        let lone = || {
            vec![
                site(
                    "a.py",
                    Value::literal("k3Jd9sLq0Zx7Vb2Nw8Rt5Yp1Mh4Gf6Ce", Span::new(0, 4)),
                    Some("jira.example.com"),
                ),
                site("b.py", reference(RefKind::Env, "JIRA_TOKEN"), Some("jira.example.com")),
            ]
        };
        let whole = build_graph(Sites::new(lone()), true);
        assert_eq!(whole.credentials.len(), 2);
        let lean = build_graph(Sites::new(lone()), false);
        assert_eq!(lean.credentials.len(), 1, "the reference keeps its node: {:?}", lean.credentials);
        assert!(lean.credentials[0].names.contains("JIRA_TOKEN"));
        assert_eq!(lean.sites.len(), 2, "every site stays, for history and the graph report");
        // Used twice, the literal is a credential that may be shared, and keeps its node.
        let mut twice = lone();
        twice.push(site(
            "c.py",
            Value::literal("k3Jd9sLq0Zx7Vb2Nw8Rt5Yp1Mh4Gf6Ce", Span::new(0, 4)),
            Some("confluence.example.com"),
        ));
        let graph = build_graph(Sites::new(twice), false);
        let shared = graph.credentials.iter().find(|c| c.literal).expect("the literal's node");
        assert_eq!(shared.connections.len(), 2);
        assert!(shared.label.starts_with("the same hardcoded"), "{}", shared.label);
    }
}
