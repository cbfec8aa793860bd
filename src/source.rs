//! A file as the pipeline sees it: its path, text, detected kind and line index.
//!
//! [`FileKind`] is detected from the name alone (extension, well-known file names), never from the
//! content, so detection is free. The text is always valid UTF-8: invalid sequences were replaced
//! by `walk` when the file was read.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::span::LineIndex;

/// Languages and configuration formats credlint tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    Python,
    JavaScript,
    Java,
    Go,
    Ruby,
    Php,
    CSharp,
    PowerShell,
    Shell,
    Rust,
    Groovy,
    /// Other programming languages without a syntax tree here (C, C++, Objective-C, Swift, Apex,
    /// Scala, Dart, Lua, Perl…): read by the text patterns only.
    Code,
    Terraform,
    Yaml,
    Json,
    Toml,
    Ini,
    Properties,
    Env,
    Xml,
    Netrc,
    Npmrc,
    GitCredentials,
    GitConfig,
    Dockerfile,
    Markdown,
    Text,
}

impl FileKind {
    pub const ALL: [FileKind; 27] = [
        FileKind::Python,
        FileKind::JavaScript,
        FileKind::Java,
        FileKind::Go,
        FileKind::Ruby,
        FileKind::Php,
        FileKind::CSharp,
        FileKind::PowerShell,
        FileKind::Shell,
        FileKind::Rust,
        FileKind::Groovy,
        FileKind::Code,
        FileKind::Terraform,
        FileKind::Yaml,
        FileKind::Json,
        FileKind::Toml,
        FileKind::Ini,
        FileKind::Properties,
        FileKind::Env,
        FileKind::Xml,
        FileKind::Netrc,
        FileKind::Npmrc,
        FileKind::GitCredentials,
        FileKind::GitConfig,
        FileKind::Dockerfile,
        FileKind::Markdown,
        FileKind::Text,
    ];

    /// The name used in rule files (`kinds = ["python", "shell"]`) and in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Python => "python",
            FileKind::JavaScript => "javascript",
            FileKind::Java => "java",
            FileKind::Go => "go",
            FileKind::Ruby => "ruby",
            FileKind::Php => "php",
            FileKind::CSharp => "csharp",
            FileKind::PowerShell => "powershell",
            FileKind::Shell => "shell",
            FileKind::Rust => "rust",
            FileKind::Groovy => "groovy",
            FileKind::Code => "code",
            FileKind::Terraform => "terraform",
            FileKind::Yaml => "yaml",
            FileKind::Json => "json",
            FileKind::Toml => "toml",
            FileKind::Ini => "ini",
            FileKind::Properties => "properties",
            FileKind::Env => "env",
            FileKind::Xml => "xml",
            FileKind::Netrc => "netrc",
            FileKind::Npmrc => "npmrc",
            FileKind::GitCredentials => "git-credentials",
            FileKind::GitConfig => "git-config",
            FileKind::Dockerfile => "dockerfile",
            FileKind::Markdown => "markdown",
            FileKind::Text => "text",
        }
    }

    /// Programming languages: a name in their code is a program variable (bound in the file or
    /// not), unlike a shell or CI file, where an unbound name is the environment's.
    pub fn is_program(self) -> bool {
        matches!(
            self,
            FileKind::Python
                | FileKind::JavaScript
                | FileKind::Java
                | FileKind::Go
                | FileKind::Ruby
                | FileKind::Php
                | FileKind::CSharp
                | FileKind::PowerShell
                | FileKind::Rust
                | FileKind::Groovy
                | FileKind::Code
        )
    }

    /// The kinds `extract::config` parses as data.
    pub fn is_structured_config(self) -> bool {
        matches!(
            self,
            FileKind::Yaml
                | FileKind::Json
                | FileKind::Toml
                | FileKind::Xml
                | FileKind::Ini
                | FileKind::GitConfig
                | FileKind::Properties
                | FileKind::Npmrc
        )
    }

    pub fn from_name(name: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// A file name that has this kind, for examples that need a path.
    pub fn example_file_name(self) -> &'static str {
        match self {
            FileKind::Python => "example.py",
            FileKind::JavaScript => "example.js",
            FileKind::Java => "Example.java",
            FileKind::Go => "example.go",
            FileKind::Ruby => "example.rb",
            FileKind::Php => "example.php",
            FileKind::CSharp => "Example.cs",
            FileKind::PowerShell => "example.ps1",
            FileKind::Shell => "example.sh",
            FileKind::Rust => "example.rs",
            FileKind::Groovy => "Jenkinsfile",
            FileKind::Code => "example.swift",
            FileKind::Terraform => "main.tf",
            FileKind::Yaml => "example.yml",
            FileKind::Json => "example.json",
            FileKind::Toml => "example.toml",
            FileKind::Ini => "example.ini",
            FileKind::Properties => "application.properties",
            FileKind::Env => ".env",
            FileKind::Xml => "settings.xml",
            FileKind::Netrc => ".netrc",
            FileKind::Npmrc => ".npmrc",
            FileKind::GitCredentials => ".git-credentials",
            FileKind::GitConfig => ".gitconfig",
            FileKind::Dockerfile => "Dockerfile",
            FileKind::Markdown => "README.md",
            FileKind::Text => "notes.txt",
        }
    }

    /// Comment leaders for this kind, used by fixture annotations and inline suppressions.
    pub fn line_comment_leaders(self) -> &'static [&'static str] {
        match self {
            FileKind::Python
            | FileKind::Ruby
            | FileKind::PowerShell
            | FileKind::Shell
            | FileKind::Yaml
            | FileKind::Toml
            | FileKind::Env
            | FileKind::Netrc
            | FileKind::Npmrc
            | FileKind::GitCredentials
            | FileKind::Dockerfile
            | FileKind::Properties
            | FileKind::Text => &["#"],
            FileKind::Ini | FileKind::GitConfig => &["#", ";"],
            FileKind::Terraform => &["#", "//"],
            FileKind::Php => &["//", "#"],
            FileKind::JavaScript
            | FileKind::Java
            | FileKind::Go
            | FileKind::CSharp
            | FileKind::Rust
            | FileKind::Groovy
            | FileKind::Code => &["//"],
            FileKind::Xml | FileKind::Markdown => &["<!--"],
            FileKind::Json => &[],
        }
    }

    /// Detects the kind from the file name, or `None` for files credlint has nothing to say about.
    pub fn detect(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        let lower = name.to_ascii_lowercase();
        let by_name = match lower.as_str() {
            ".netrc" | "_netrc" | "netrc" => Some(FileKind::Netrc),
            ".npmrc" | "npmrc" => Some(FileKind::Npmrc),
            ".git-credentials" | "git-credentials" => Some(FileKind::GitCredentials),
            ".gitconfig" | ".gitmodules" => Some(FileKind::GitConfig),
            "dockerfile" | "containerfile" => Some(FileKind::Dockerfile),
            "jenkinsfile" => Some(FileKind::Groovy),
            ".env" | ".envrc" => Some(FileKind::Env),
            "pip.conf" | "pip.ini" | ".pypirc" => Some(FileKind::Ini),
            ".yarnrc" | ".bashrc" | ".zshrc" | ".profile" | ".bash_profile" | "makefile" => Some(FileKind::Shell),
            ".yarnrc.yml" => Some(FileKind::Yaml),
            _ => None,
        };
        if by_name.is_some() {
            return by_name;
        }
        // `config` inside a `.git` directory is git config; `.env.local`, `.env.production`…
        if lower == "config" && path.parent().and_then(Path::file_name).is_some_and(|p| p == ".git") {
            return Some(FileKind::GitConfig);
        }
        if lower.starts_with(".env.") || lower.ends_with(".env") {
            return Some(FileKind::Env);
        }
        if lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") {
            return Some(FileKind::Dockerfile);
        }
        if lower.starts_with("jenkinsfile") {
            return Some(FileKind::Groovy);
        }
        let extension = effective_extension(&lower)?;
        Some(match extension {
            "py" | "pyw" | "pyi" => FileKind::Python,
            "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "vue" | "svelte" => FileKind::JavaScript,
            "java" | "kt" | "kts" | "scala" => FileKind::Java,
            "groovy" | "gradle" | "jenkinsfile" => FileKind::Groovy,
            "go" => FileKind::Go,
            "c" | "h" | "cc" | "cpp" | "cxx" | "hpp" | "m" | "mm" | "swift" | "cls" | "trigger" | "dart" | "lua"
            | "pl" | "pm" | "r" | "ex" | "exs" | "erl" | "clj" | "fs" | "sc" => FileKind::Code,
            "rb" | "rake" | "gemspec" => FileKind::Ruby,
            "php" => FileKind::Php,
            "cs" | "csx" | "vb" => FileKind::CSharp,
            "ps1" | "psm1" | "psd1" => FileKind::PowerShell,
            "sh" | "bash" | "zsh" | "ksh" | "fish" | "bats" | "cmd" | "bat" | "mk" => FileKind::Shell,
            "rs" => FileKind::Rust,
            "tf" | "tfvars" | "hcl" => FileKind::Terraform,
            "yml" | "yaml" => FileKind::Yaml,
            // A Jupyter notebook is JSON; its code cells are read as Python too (`extract::notebook`).
            "json" | "jsonc" | "json5" | "ipynb" => FileKind::Json,
            "toml" => FileKind::Toml,
            "ini" | "cfg" | "conf" | "cnf" => FileKind::Ini,
            "properties" => FileKind::Properties,
            "env" => FileKind::Env,
            "xml" | "config" | "csproj" | "pom" => FileKind::Xml,
            "netrc" => FileKind::Netrc,
            "md" | "markdown" | "rst" | "adoc" | "txt" => {
                if extension == "txt" {
                    FileKind::Text
                } else {
                    FileKind::Markdown
                }
            }
            _ => return None,
        })
    }
}

/// The extension of a lower-case file name, past a template or sample suffix: templates and
/// samples keep the kind of what they template (`settings.xml.example` is XML).
pub fn effective_extension(lower_name: &str) -> Option<&str> {
    let effective = [
        "example", "sample", "template", "tmpl", "dist", "orig", "bak", "j2", "tpl", "tt", "erb", "jinja", "jinja2",
        "mustache", "hbs", "njk", "liquid",
    ]
    .iter()
    .find_map(|suffix| lower_name.strip_suffix(&format!(".{suffix}")))
    .unwrap_or(lower_name);
    Path::new(effective).extension()?.to_str()
}

/// A file's [`LineIndex`], computed the first time it is needed.
#[derive(Debug)]
pub struct Lines {
    text: Arc<str>,
    index: OnceLock<LineIndex>,
}

impl Deref for Lines {
    type Target = LineIndex;

    fn deref(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }
}

/// One file's text and what the pipeline needs to know about it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (relative to the scan root where possible), for reports.
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: Arc<str>,
    /// Built on first use: most files are never asked for a line number.
    pub lines: Arc<Lines>,
    /// The path below the scanned root (`tests/x.py` when `repo/` was scanned), which context
    /// rules read: a file is test or documentation code by where it sits in what was scanned.
    pub scope: PathBuf,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, kind: FileKind, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let lines = Arc::new(Lines { text: Arc::clone(&text), index: OnceLock::new() });
        let path = path.into();
        SourceFile { scope: path.clone(), path, kind, text, lines }
    }

    /// The same file with its path below the scanned root.
    pub fn with_scope(mut self, scope: impl Into<PathBuf>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Whether the file is test, example or documentation material (DOMAIN.md §7): findings there
    /// are notes unless the value is a verified real-shaped token.
    pub fn is_test_or_doc(&self) -> bool {
        is_test_or_doc_path(&self.scope, self.kind)
    }

    /// Whether the file is a localisation bundle (`login_de.properties`, `config/locales/fr.yml`):
    /// its values are translated labels, so a key named `Password` holds the word in another
    /// language, not a credential.
    pub fn is_message_bundle(&self) -> bool {
        is_message_bundle_path(&self.scope, self.kind)
    }

    /// A file from a name and text, its kind detected from the name (tests and rule examples).
    pub fn from_name(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        let path = path.into();
        let kind = FileKind::detect(&path).unwrap_or(FileKind::Text);
        SourceFile::new(path, kind, text)
    }

    /// The path with forward slashes, as every report shows it.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }
}

/// Test, example, documentation, development and template locations, by directory and file
/// name: every context but production ([`crate::context::of_path`] says which, and why).
pub fn is_test_or_doc_path(scope: &Path, kind: FileKind) -> bool {
    crate::context::of_path(scope, kind).is_some()
}

/// ISO 639-1 language codes: the first part of a locale suffix (`_de`, `_pt_BR`, `-zh-Hant`).
#[rustfmt::skip]
const LANGUAGES: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Directories that hold translations.
const LOCALE_DIRS: &[&str] = &["locale", "locales", "i18n", "l10n", "lang", "langs", "translations"];

/// Whether `text` is a locale: a language code, then optionally a script (`Hant`, `Latn`) and a
/// region (`BR`, `419`), joined by `_` or `-` (`de`, `pt_BR`, `zh-Hant-TW`).
fn is_locale(text: &str) -> bool {
    let mut parts = text.split(['_', '-']);
    let Some(language) = parts.next() else { return false };
    LANGUAGES.contains(&language)
        && parts.all(|part| {
            let script = part.len() == 4 && part.chars().next().is_some_and(|c| c.is_ascii_uppercase());
            let region = part.len() == 2 && part.chars().all(|c| c.is_ascii_uppercase())
                || part.len() == 3 && part.chars().all(|c| c.is_ascii_digit());
            (script && part[1..].chars().all(|c| c.is_ascii_lowercase())) || region
        })
}

/// Localisation bundles, by name: a Java `.properties` bundle with a locale suffix
/// (`login_de.properties`, `Messages_pt_BR.properties`), or a YAML, JSON or properties file in a
/// translations directory (`config/locales/fr.yml`, `i18n/de.json`) or named for a locale.
pub fn is_message_bundle_path(scope: &Path, kind: FileKind) -> bool {
    if !matches!(kind, FileKind::Properties | FileKind::Yaml | FileKind::Json) {
        return false;
    }
    let Some(stem) = scope.file_stem().and_then(|s| s.to_str()) else { return false };
    let in_locale_dir = scope.parent().is_some_and(|dir| {
        dir.components()
            .filter_map(|c| c.as_os_str().to_str())
            .any(|c| LOCALE_DIRS.contains(&c.to_ascii_lowercase().as_str()))
    });
    let suffixed = kind == FileKind::Properties
        && (1..stem.len()).filter(|&i| stem.as_bytes()[i - 1] == b'_').any(|i| is_locale(&stem[i..]));
    // A bare language code is too short a name to trust alone (`ca.json` configures a
    // certificate authority): named for a locale means one with a region (`pt-BR.json`).
    in_locale_dir || suffixed || is_locale(stem) && stem.contains(['_', '-'])
}

/// A path with forward slashes and no leading `./`.
pub fn display_path(path: &Path) -> String {
    use std::path::Component;
    // Joined from the path's components with `/`: Windows separators become `/`, while a `\` in
    // a Unix file name is part of the name and stays.
    let mut shown = String::new();
    for component in path.components() {
        let part = match component {
            Component::CurDir => continue,
            Component::RootDir => {
                shown.push('/');
                continue;
            }
            Component::Prefix(prefix) => prefix.as_os_str().to_string_lossy(),
            Component::ParentDir => "..".into(),
            Component::Normal(name) => name.to_string_lossy(),
        };
        if !shown.is_empty() && !shown.ends_with('/') {
            shown.push('/');
        }
        shown.push_str(&part);
    }
    if shown.is_empty() { path.to_string_lossy().into_owned() } else { shown }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shown_paths_keep_a_backslash_in_a_unix_name() {
        use super::display_path;
        use std::path::Path;
        assert_eq!(display_path(Path::new("./deploy/sync.sh")), "deploy/sync.sh");
        assert_eq!(display_path(Path::new("/abs/x.sh")), "/abs/x.sh");
        assert_eq!(display_path(Path::new("../up/x.sh")), "../up/x.sh");
        assert_eq!(display_path(Path::new(".")), ".");
        #[cfg(unix)]
        assert_eq!(display_path(Path::new("dir/a\\b.sh")), "dir/a\\b.sh");
    }

    #[test]
    fn message_bundles_are_told_by_locale_suffix_or_directory() {
        use super::{FileKind, is_message_bundle_path};
        use std::path::Path;
        let bundle = |path: &str, kind| is_message_bundle_path(Path::new(path), kind);
        assert!(bundle("core/hudson/login_pt_BR.properties", FileKind::Properties));
        assert!(bundle("core/hudson/config_zh_TW.properties", FileKind::Properties));
        assert!(bundle("core/Messages_de.properties", FileKind::Properties));
        assert!(bundle("app/config/locales/fr.yml", FileKind::Yaml));
        assert!(bundle("web/src/i18n/de.json", FileKind::Json));
        assert!(bundle("public/pt-BR.json", FileKind::Json));
        assert!(!bundle("src/main/resources/application.properties", FileKind::Properties));
        assert!(!bundle("src/main/resources/application_dev.properties", FileKind::Properties));
        assert!(!bundle("deploy/ca.json", FileKind::Json));
        assert!(!bundle("app/locales/de.rb", FileKind::Ruby));
    }

    use super::*;

    #[test]
    fn detects_kinds_from_names() {
        let cases = [
            ("src/app.py", Some(FileKind::Python)),
            ("home/.netrc", Some(FileKind::Netrc)),
            (".env.production", Some(FileKind::Env)),
            ("deploy/Dockerfile", Some(FileKind::Dockerfile)),
            ("ci/Jenkinsfile", Some(FileKind::Groovy)),
            ("settings.xml.example", Some(FileKind::Xml)),
            ("repo/.git/config", Some(FileKind::GitConfig)),
            (".github/workflows/ci.yml", Some(FileKind::Yaml)),
            ("image.png", None),
            ("LICENSE", None),
        ];
        for (path, expected) in cases {
            assert_eq!(FileKind::detect(Path::new(path)), expected, "{path}");
        }
    }

    #[test]
    fn test_and_doc_paths() {
        let yes = [
            "tests/a.py",
            "src/__mocks__/x.js",
            "pkg/x_test.go",
            "docs/setup.sh",
            "README.md",
            "settings.xml.example",
            "app.test.ts",
            "test_sync.py",
            "JiraClientTest.java",
            "pasetors/test_vectors/v4.json",
            "aws-signing-test-suite/get/x.txt",
            "botocore/data/s3/examples-1.json",
            "netbox/configuration_example.py",
            "config/settings-sample.php",
        ];
        let no = [
            "src/sync.py",
            "deploy/run.sh",
            "contest/x.py",
            "latest/x.sh",
            "attestation.py",
            "counterexample/x.sh",
            "resample.py",
        ];
        for path in yes {
            let kind = FileKind::detect(Path::new(path)).unwrap_or(FileKind::Text);
            assert!(is_test_or_doc_path(Path::new(path), kind), "{path}");
        }
        for path in no {
            let kind = FileKind::detect(Path::new(path)).unwrap_or(FileKind::Text);
            assert!(!is_test_or_doc_path(Path::new(path), kind), "{path}");
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in FileKind::ALL {
            assert_eq!(FileKind::from_name(kind.name()), Some(kind));
            assert_eq!(FileKind::detect(Path::new(kind.example_file_name())), Some(kind), "{kind:?}");
        }
    }
}
