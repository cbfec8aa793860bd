//! Which tree-sitter grammar reads a file, and the few facts about each grammar that the
//! language-neutral lowering (`lower`) can't guess from node names.
//!
//! The grammar is chosen from the file name, not from `FileKind`: `FileKind::JavaScript` covers
//! TypeScript and TSX, and `FileKind::Java` covers Kotlin, and each needs its own grammar.

use std::path::Path;

use crate::source::FileKind;

/// A language credlint reads through a syntax tree (Rust has its own reader, `syn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Java,
    Kotlin,
    Go,
    Ruby,
    Php,
    CSharp,
    Bash,
    PowerShell,
    Hcl,
}

/// The file kind a sink's language name reads (`kotlin` is read with Java's kind, `typescript`
/// with JavaScript's), or `None` for a name no grammar here reads.
pub fn file_kind_of(language: &str) -> Option<FileKind> {
    Some(match language {
        "python" => FileKind::Python,
        "javascript" | "typescript" | "tsx" => FileKind::JavaScript,
        "java" | "kotlin" => FileKind::Java,
        "go" => FileKind::Go,
        "ruby" => FileKind::Ruby,
        "php" => FileKind::Php,
        "csharp" => FileKind::CSharp,
        "shell" | "bash" => FileKind::Shell,
        "powershell" => FileKind::PowerShell,
        "hcl" | "terraform" => FileKind::Terraform,
        _ => return None,
    })
}

impl Lang {
    /// The grammar for a file, or `None` when no tree is built for it (Rust, configuration,
    /// languages without a grammar here such as Groovy and Scala: the text readers take those).
    pub fn of(path: &Path, kind: FileKind) -> Option<Lang> {
        let lower = path.file_name().and_then(|n| n.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
        let extension = crate::source::effective_extension(&lower).unwrap_or_default();
        Some(match kind {
            FileKind::Python => Lang::Python,
            FileKind::JavaScript => match extension {
                "ts" | "mts" | "cts" => Lang::TypeScript,
                "tsx" => Lang::Tsx,
                // Vue and Svelte files are HTML around a script: the text readers take them.
                "vue" | "svelte" => return None,
                _ => Lang::JavaScript,
            },
            FileKind::Java => match extension {
                "kt" | "kts" => Lang::Kotlin,
                "java" => Lang::Java,
                _ => return None,
            },
            FileKind::Go => Lang::Go,
            FileKind::Ruby => Lang::Ruby,
            FileKind::Php => Lang::Php,
            FileKind::CSharp if extension != "vb" => Lang::CSharp,
            FileKind::Shell => match extension {
                "fish" | "cmd" | "bat" | "mk" => return None,
                _ if lower == "makefile" => return None,
                _ => Lang::Bash,
            },
            FileKind::PowerShell => Lang::PowerShell,
            FileKind::Terraform => Lang::Hcl,
            _ => return None,
        })
    }

    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
            Lang::Kotlin => tree_sitter_kotlin_ng::LANGUAGE.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Lang::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Lang::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Lang::Bash => tree_sitter_bash::LANGUAGE.into(),
            Lang::PowerShell => tree_sitter_powershell::LANGUAGE.into(),
            Lang::Hcl => tree_sitter_hcl::LANGUAGE.into(),
        }
    }

    /// The name used in sink definitions (`languages = ["java", "kotlin"]`) and extractor ids.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Java => "java",
            Lang::Kotlin => "kotlin",
            Lang::Go => "go",
            Lang::Ruby => "ruby",
            Lang::Php => "php",
            Lang::CSharp => "csharp",
            Lang::Bash => "bash",
            Lang::PowerShell => "powershell",
            Lang::Hcl => "hcl",
        }
    }

    pub const ALL: [Lang; 13] = [
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Java,
        Lang::Kotlin,
        Lang::Go,
        Lang::Ruby,
        Lang::Php,
        Lang::CSharp,
        Lang::Bash,
        Lang::PowerShell,
        Lang::Hcl,
    ];

    /// Whether a sink written for `language` applies here: `javascript` covers TypeScript and TSX.
    pub fn matches(self, language: &str) -> bool {
        language == self.name()
            || (language == "javascript" && matches!(self, Lang::TypeScript | Lang::Tsx))
            || (language == "shell" && self == Lang::Bash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink names its languages by `Lang::name`: each must open the tree reader for the kind of
    /// file that language is read from, or the sink's callee gates nothing.
    #[test]
    fn every_language_a_sink_can_name_has_its_file_kind() {
        for lang in Lang::ALL {
            let kind = file_kind_of(lang.name()).unwrap_or_else(|| panic!("{} has no file kind", lang.name()));
            let extension = match lang {
                Lang::TypeScript => "ts",
                Lang::Tsx => "tsx",
                Lang::Kotlin => "kt",
                Lang::Java => "java",
                Lang::JavaScript => "js",
                _ => "x",
            };
            let path = std::path::PathBuf::from(format!("file.{extension}"));
            if extension != "x" {
                assert_eq!(Lang::of(&path, kind), Some(lang), "{}", lang.name());
            }
        }
        assert_eq!(file_kind_of("shell"), Some(FileKind::Shell));
        assert_eq!(file_kind_of("cobol"), None);
    }
}
