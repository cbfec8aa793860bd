//! The context a file or a region of one is in — production, test, development, example or
//! template — and why: the one place that decides whether a credential found there is meant to
//! work against a real service. Every rule consults it through `check`: outside production a
//! finding is a note, unless its value is a token whose format proves it real.
//!
//! Files are placed by path alone (build conventions, directory and file names), so the decision
//! is free and the same in every mode of the scan. Regions inside a production file (a test
//! function, a docstring, a CI job's service containers) come from the readers, as
//! [`crate::fact::ContextRegion`]s.

use std::path::Path;

use serde::Serialize;

use crate::source::FileKind;

/// What a file or region is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    /// Code and configuration that run against real services.
    Production,
    /// Tests, their fixtures and mocks.
    Test,
    /// Infrastructure a developer or a CI job starts and throws away: a dev container, a dev
    /// compose file, a CI job's service containers.
    Development,
    /// Examples, samples and documentation.
    Example,
    /// Templates a generator fills in (`*.j2`, `*.erb`, cookiecutter folders).
    Template,
}

impl Context {
    pub fn as_str(self) -> &'static str {
        match self {
            Context::Production => "production",
            Context::Test => "test",
            Context::Development => "development",
            Context::Example => "example",
            Context::Template => "template",
        }
    }
}

/// Why a place is production: nothing placed it elsewhere.
pub const PRODUCTION_REASON: &str = "no test, example, development or template convention applies";

/// Why a test or documentation region of a production file is not production.
pub const TEST_REGION_REASON: &str = "a test or documentation region (a test function or class, a doc comment)";

/// Directories that hold tests and their data.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "test-data",
    "test_data",
    "testing",
    "__tests__",
    "__mocks__",
    "mocks",
    "spec",
    "specs",
    "fixtures",
    "fixture",
    "test_vectors",
    "test-vectors",
    "testvectors",
];

/// Directories that hold examples and documentation.
const EXAMPLE_DIRS: &[&str] = &["example", "examples", "sample", "samples", "demo", "demos", "doc", "docs"];

/// Extensions of templates that a generator renders (Rails and Thor `.tt`/`.erb`, Jinja, Go
/// templates, Mustache and Handlebars, Nunjucks, Liquid).
const TEMPLATE_EXTENSIONS: &[&str] =
    &["tt", "erb", "j2", "jinja", "jinja2", "tmpl", "tpl", "template", "mustache", "hbs", "njk", "liquid"];

/// Words of a file stem that make it test material (`configuration_testing.py`,
/// `smoketest_configuration.py`, `UserServiceTest.java`, `fake_backend.py`).
const TEST_STEM_WORDS: &[&str] =
    &["test", "tests", "testing", "smoketest", "conftest", "mock", "mocks", "fake", "fakes", "stub", "stubs"];

/// The context of a file outside production, and why; `None` for production.
pub fn of_path(scope: &Path, kind: FileKind) -> Option<(Context, String)> {
    if kind == FileKind::Markdown {
        return Some((Context::Example, "a documentation file".to_owned()));
    }
    let components: Vec<&str> = scope.components().filter_map(|c| c.as_os_str().to_str()).collect();
    let (file_name, dirs) = components.split_last()?;
    let lower = file_name.to_ascii_lowercase();
    let stem = lower.split('.').next().unwrap_or_default();
    let extension = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();

    if TEMPLATE_EXTENSIONS.contains(&extension) {
        return Some((Context::Template, format!("a generator template (`.{extension}`)")));
    }
    if let Some(dir) = dirs.iter().find(|d| crate::extract::expr::is_unresolved_template(d)) {
        return Some((Context::Template, format!("a generator's template folder (`{dir}/`)")));
    }
    if dirs.iter().any(|d| d.eq_ignore_ascii_case(".devcontainer")) {
        return Some((Context::Development, "a dev container (`.devcontainer/`)".to_owned()));
    }
    if let Some(reason) = development_file(&lower, stem) {
        return Some((Context::Development, reason));
    }
    for (i, dir) in dirs.iter().enumerate() {
        let dir_lower = dir.to_ascii_lowercase();
        if TEST_DIRS.contains(&dir_lower.as_str())
            || dir_lower.ends_with("-test-suite")
            || dir_lower.ends_with("_test_suite")
        {
            return Some((Context::Test, format!("a test directory (`{dir}/`)")));
        }
        // Gradle and Maven source sets other than `src/test`: `src/intTest/`, `src/dockerTest/`,
        // `src/testFixtures/`, `src/it/`, `src/e2e/`.
        let source_set = i > 0 && dirs[i - 1] == "src";
        if source_set
            && (dir_lower.ends_with("test")
                || dir_lower.ends_with("tests")
                || matches!(dir_lower.as_str(), "testfixtures" | "it" | "e2e"))
        {
            return Some((Context::Test, format!("a test source set (`src/{dir}/`)")));
        }
    }
    if let Some(reason) = test_file(&lower, file_name, stem) {
        return Some((Context::Test, reason));
    }
    if let Some(dir) = dirs.iter().find(|d| EXAMPLE_DIRS.contains(&d.to_ascii_lowercase().as_str())) {
        return Some((Context::Example, format!("an example or documentation directory (`{dir}/`)")));
    }
    let example_stem = stem.starts_with("example")
        || stem.starts_with("sample")
        || ["_example", "-example", "_sample", "-sample"].iter().any(|suffix| stem.ends_with(suffix));
    let example_suffix = [".example", ".sample", ".dist"].iter().any(|suffix| lower.ends_with(suffix))
        || lower.contains(".example.")
        || lower.contains(".sample.");
    if example_stem || example_suffix {
        return Some((Context::Example, format!("an example file (`{file_name}`)")));
    }
    None
}

/// Compose files and environment files named for development, local or CI use.
fn development_file(lower: &str, stem: &str) -> Option<String> {
    let compose = stem == "docker-compose" || stem == "compose";
    if compose {
        let qualifiers: Vec<&str> = lower.split('.').skip(1).collect();
        if let Some(q) =
            qualifiers.iter().find(|q| matches!(**q, "dev" | "development" | "local" | "override" | "ci" | "test"))
        {
            return Some(format!("a {q} compose file"));
        }
    }
    let env_file = lower.strip_prefix(".env.")?;
    matches!(env_file, "development" | "dev" | "local" | "test" | "testing" | "ci")
        .then(|| format!("a {env_file} environment file (`.env.{env_file}`)"))
}

/// Test files by their name: language conventions and test words in the stem.
fn test_file(lower: &str, file_name: &str, stem: &str) -> Option<String> {
    let conventional = lower.ends_with("_test.go")
        || lower.ends_with("_test.py")
        || lower.ends_with("_spec.rb")
        || lower.ends_with("_test.rb")
        || lower.contains(".test.")
        || lower.contains(".spec.")
        || stem.starts_with("test_");
    let original_stem = file_name.split('.').next().unwrap_or_default();
    let words = crate::classify::split_words(original_stem);
    let worded = words.iter().any(|w| TEST_STEM_WORDS.contains(&w.as_str()));
    (conventional || worded).then(|| format!("a test file (`{file_name}`)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(path: &str) -> Option<Context> {
        let kind = FileKind::detect(Path::new(path)).unwrap_or(FileKind::Text);
        of_path(Path::new(path), kind).map(|(c, _)| c)
    }

    #[test]
    fn build_conventions_place_test_files() {
        for path in [
            "core/src/test/java/FooTest.java",
            "app/src/intTest/java/DbIT.java",
            "app/src/dockerTest/kotlin/Setup.kt",
            "lib/src/testFixtures/java/Users.java",
            "pkg/client_test.go",
            "web/src/__tests__/api.js",
            "web/src/api.spec.ts",
            "spec/models/user_spec.rb",
            "tests/conftest.py",
            "netbox/netbox/configuration_testing.py",
            "scripts/smoketest_configuration.py",
            "test_data/each_secret.py",
            "src/main/java/com/acme/UserServiceTest.java",
        ] {
            assert_eq!(context(path), Some(Context::Test), "{path}");
        }
    }

    #[test]
    fn development_template_and_example_files_are_told_apart() {
        assert_eq!(context(".devcontainer/docker-compose.yml"), Some(Context::Development));
        assert_eq!(context("docker-compose.dev.yml"), Some(Context::Development));
        assert_eq!(context("deploy/.env.local"), Some(Context::Development));
        assert_eq!(context("lib/generators/app/templates/database.yml.tt"), Some(Context::Template));
        assert_eq!(context("roles/db/templates/my.cnf.j2"), Some(Context::Template));
        assert_eq!(context("{{cookiecutter.slug}}/settings.py"), Some(Context::Template));
        assert_eq!(context("config/app.example.yml"), Some(Context::Example));
        assert_eq!(context("docs/setup.md"), Some(Context::Example));
    }

    #[test]
    fn production_stays_production() {
        for path in [
            "docker-compose.yml",
            "src/main/resources/application.yml",
            "app/latest.py",
            "lib/contest.rb",
            "deploy/.env.production",
            "src/main/java/com/acme/Attestation.java",
        ] {
            assert_eq!(context(path), None, "{path}");
        }
    }
}
