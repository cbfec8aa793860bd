//! The per-file binding table: names bound to expressions (`password = "S3cret!"`).
//!
//! When a pattern captures a bare name (`auth=(user, password)`), `expr` looks the name up here and
//! interprets what it was bound to. The table is built only for files where a pattern hit, from one
//! regex pass; it does not model scopes: the last binding before the use wins, else the first after
//! it (module constants defined below a function that uses them).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::expr::Captured;
use crate::rules::Syntax;
use crate::source::FileKind;

/// One `name = value` in the file.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'t> {
    pub value: Captured<'t>,
    pub syntax: Syntax,
    /// Where the binding statement starts.
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct Bindings<'t> {
    by_name: HashMap<&'t str, Vec<Binding<'t>>>,
}

const QUOTED: &str = r#"(?:[rRbBfFuU@$]{0,2}"(?:[^"\\\n]|\\.)*"|[rRbBfFuU@]{0,2}'(?:[^'\\\n]|\\.)*'|`[^`]*`)"#;

static CODE_BINDING: LazyLock<Regex> = LazyLock::new(|| {
    let value = format!(
        r#"(?:{QUOTED}|[$@]?[A-Za-z_][\w$]*(?:(?:\.|::|->)[A-Za-z_][\w$]*|\[\s*(?:{QUOTED}|\w+)\s*\]|\((?:[^()\n]|\([^()\n]*\))*\))*)"#
    );
    Regex::new(&format!(
        r#"(?m)^[ \t]*(?:(?:export|const|let|var|final|static|private|public|protected|internal|readonly|val|my|our|local|String|string|str|auto|def|\$script:|\$global:)\s+)*(?P<name>[$@]?[A-Za-z_][\w$]*(?:\.[A-Za-z_]\w*)*)\s*(?::\s*[\w\[\]<>?.&' ]+?\s*)?(?::=|=)\s*(?P<value>{value})\s*;?[ \t]*(?:(?:#|//).*)?\r?$"#
    ))
    .expect("valid regex")
});

static SHELL_BINDING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^[ \t]*(?:(?:export|local|readonly|declare(?:\s+-\w+)?|set|ENV|ARG)\s+)?(?P<name>[A-Za-z_]\w*)(?:=|[ \t]+)(?P<value>(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|\\.|[^\s'"\\;|&<>()`#])+)[ \t]*\r?$"#,
    )
    .expect("valid regex")
});

impl<'t> Bindings<'t> {
    pub fn collect(text: &'t str, kind: FileKind) -> Bindings<'t> {
        let (regex, syntax) = match kind {
            FileKind::Shell | FileKind::Env | FileKind::Dockerfile => (&*SHELL_BINDING, Syntax::Shell),
            kind if kind.is_program() || kind == FileKind::Terraform => (&*CODE_BINDING, Syntax::Code),
            _ => return Bindings::default(),
        };
        let mut by_name: HashMap<&'t str, Vec<Binding<'t>>> = HashMap::new();
        for caps in regex.captures_iter(text) {
            let (Some(whole), Some(name), Some(value)) = (caps.get(0), caps.name("name"), caps.name("value")) else {
                continue;
            };
            by_name.entry(name.as_str()).or_default().push(Binding {
                value: Captured::new(value.as_str(), value.start()),
                syntax,
                at: whole.start(),
            });
        }
        Bindings { by_name }
    }

    /// The binding of `name` in force at `offset`.
    pub fn lookup(&self, name: &str, offset: usize) -> Option<Binding<'t>> {
        let bindings = self.by_name.get(name).or_else(|| {
            // `self.password` / `this.password` bound as a plain field name, or the reverse.
            let short = name.rsplit(['.', ':', '>']).next()?;
            self.by_name.get(short)
        })?;
        bindings
            .iter()
            .rev()
            .find(|binding| {
                binding.at < offset
                    && !(binding.value.offset <= offset && offset < binding.value.offset + binding.value.text.len())
            })
            .or_else(|| bindings.iter().find(|binding| binding.at > offset))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_binding_before_the_use_wins() {
        let text = "pw = \"one\"\npw = \"two\"\nuse(pw)\npw = \"three\"\n";
        let bindings = Bindings::collect(text, FileKind::Python);
        let use_at = text.find("use").unwrap();
        assert_eq!(bindings.lookup("pw", use_at).unwrap().value.text, "\"two\"");
    }

    #[test]
    fn shell_assignments_and_exports_bind() {
        let text = "export JIRA_PW='S3cret!'\nTOKEN=abc\n";
        let bindings = Bindings::collect(text, FileKind::Shell);
        assert_eq!(bindings.lookup("JIRA_PW", text.len()).unwrap().value.text, "'S3cret!'");
        assert_eq!(bindings.lookup("TOKEN", text.len()).unwrap().value.text, "abc");
    }

    #[test]
    fn typed_declarations_bind() {
        let text = "private static final String PASSWORD = \"S3cret!\";\nconst token: string = 'x';\n";
        let java = Bindings::collect(text, FileKind::Java);
        assert!(java.lookup("PASSWORD", text.len()).is_some());
        assert!(java.lookup("token", text.len()).is_some());
    }
}
