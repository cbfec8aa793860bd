//! Fenced code blocks in Markdown, so that a ```` ```python ```` example is read as Python.
//!
//! Only the block's language decides its kind; an untagged block is left to the patterns that
//! apply to every file.

use crate::source::FileKind;
use crate::span::Span;

/// A fenced block's content and the kind its info string names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeBlock {
    pub kind: FileKind,
    pub span: Span,
}

pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, usize, Option<FileKind>)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let fence_len = trimmed.chars().take_while(|&c| c == '`' || c == '~').count();
        match &open {
            None if fence_len >= 3 => {
                let fence = trimmed[..fence_len].to_owned();
                let info = trimmed[fence_len..].trim().split([' ', ',', '{']).next().unwrap_or_default();
                open = Some((fence, offset + line.len(), kind_of_info(info)));
            }
            Some((fence, start, kind))
                if trimmed.trim_end() == fence.as_str()
                    || (fence_len >= fence.len()
                        && trimmed[fence_len..].trim().is_empty()
                        && trimmed.starts_with(&fence[..1])) =>
            {
                if let Some(kind) = kind {
                    blocks.push(CodeBlock { kind: *kind, span: Span::new(*start, offset) });
                }
                open = None;
            }
            _ => {}
        }
        offset += line.len();
    }
    blocks
}

fn kind_of_info(info: &str) -> Option<FileKind> {
    Some(match info.to_ascii_lowercase().as_str() {
        "python" | "py" | "python3" | "pycon" => FileKind::Python,
        "js" | "javascript" | "ts" | "typescript" | "jsx" | "tsx" | "node" => FileKind::JavaScript,
        "java" | "kotlin" | "kt" | "scala" => FileKind::Java,
        "go" | "golang" => FileKind::Go,
        "ruby" | "rb" => FileKind::Ruby,
        "php" => FileKind::Php,
        "csharp" | "cs" | "c#" | "vb" => FileKind::CSharp,
        "powershell" | "ps1" | "pwsh" | "ps" => FileKind::PowerShell,
        "sh" | "bash" | "shell" | "console" | "zsh" | "shell-session" | "terminal" => FileKind::Shell,
        "rust" | "rs" => FileKind::Rust,
        "groovy" | "jenkinsfile" | "gradle" => FileKind::Groovy,
        "hcl" | "terraform" | "tf" => FileKind::Terraform,
        "yaml" | "yml" => FileKind::Yaml,
        "json" | "jsonc" => FileKind::Json,
        "toml" => FileKind::Toml,
        "ini" | "cfg" => FileKind::Ini,
        "properties" => FileKind::Properties,
        "dotenv" | "env" => FileKind::Env,
        "xml" => FileKind::Xml,
        "dockerfile" | "docker" => FileKind::Dockerfile,
        "netrc" => FileKind::Netrc,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_blocks_keep_their_language_and_offsets() {
        let text = "# Title\n```python\nx = 1\n```\n\n~~~bash\necho hi\n~~~\n```\nplain\n```\n";
        let blocks = code_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].kind, FileKind::Python);
        assert_eq!(&text[blocks[0].span.range()], "x = 1\n");
        assert_eq!(blocks[1].kind, FileKind::Shell);
        assert_eq!(&text[blocks[1].span.range()], "echo hi\n");
    }
}
