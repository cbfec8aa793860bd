//! Fenced code blocks in Markdown, so that a ```` ```python ```` example is read as Python.
//!
//! Only the block's language decides its kind; an untagged block (or an indented one, which has no
//! info string) is left to the patterns that apply to every file. pulldown-cmark finds the blocks
//! by CommonMark's rules (fence lengths, closing fences, blocks in lists and block quotes, an
//! unclosed fence running to the end of its container) and gives the byte range of each content
//! line.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::source::FileKind;
use crate::span::Span;

/// A fenced block's content and the kind its info string names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeBlock {
    pub kind: FileKind,
    pub span: Span,
}

/// Every fenced block whose info string names a language we read, as spans of its content.
///
/// pulldown-cmark reports a block's content as text events whose ranges are exact bytes of the
/// file, but not always contiguous: inside a list it leaves out the item's indentation, inside a
/// block quote the `>` markers. A span must be one contiguous range of the file (extraction shifts
/// offsets by its start), so ranges separated only by spaces and tabs are joined, indentation
/// included (as a code block shows it), and a gap holding anything else (a `>`) starts a new span,
/// so that no marker is read as code.
pub fn code_blocks(text: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    // The open block's kind and the content range gathered so far.
    let mut open: Option<(FileKind, Option<Range<usize>>)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let language = info.trim().split([' ', ',', '{']).next().unwrap_or_default();
                open = kind_of_info(language).map(|kind| (kind, None));
            }
            Event::Text(_) => {
                let Some((kind, content)) = &mut open else { continue };
                match content {
                    Some(so_far) if text.get(so_far.end..range.start).is_some_and(is_indentation) => {
                        so_far.end = range.end;
                    }
                    Some(so_far) => {
                        blocks.push(CodeBlock { kind: *kind, span: Span::new(so_far.start, so_far.end) });
                        *content = Some(range);
                    }
                    None => *content = Some(range),
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((kind, Some(content))) = open.take() {
                    blocks.push(CodeBlock { kind, span: Span::new(content.start, content.end) });
                }
            }
            _ => {}
        }
    }
    blocks
}

fn is_indentation(gap: &str) -> bool {
    gap.bytes().all(|b| b == b' ' || b == b'\t')
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

    #[test]
    fn spans_are_exact_content_bytes_in_lists_and_quotes() {
        let text = "- item\n\n  ```py\n  x = 1\n    y = 2\n  ```\n\n> ```sh\n> echo a\n> echo b\n> ```\n";
        let blocks = code_blocks(text);
        let shown: Vec<&str> = blocks.iter().map(|block| &text[block.span.range()]).collect();
        assert_eq!(shown, ["x = 1\n    y = 2\n", "echo a\n", "echo b\n"]);
        assert_eq!(blocks[0].kind, FileKind::Python);
        assert_eq!(blocks[2].kind, FileKind::Shell);
    }

    #[test]
    fn fences_follow_commonmark() {
        // A longer fence is closed only by one as long; an unclosed fence runs to the end; an
        // empty block and an indented one yield nothing.
        let text = "````js\n```\na()\n````\n```py\n```\n\n    ```py\n    x\n\n```ruby {.x}\nputs 1\n";
        let shown: Vec<(FileKind, &str)> =
            code_blocks(text).iter().map(|block| (block.kind, &text[block.span.range()])).collect();
        assert_eq!(shown, [(FileKind::JavaScript, "```\na()\n"), (FileKind::Ruby, "puts 1\n")]);
    }
}
