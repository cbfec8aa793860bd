//! Escaping for the consumers of reports: one function per consumer, so that nothing a scanned
//! file holds (its name, its text, a key or a host in it) can act on whoever reads a report.
//!
//! Owns what counts as a hazard and how each consumer neutralises it:
//! - **terminal** ([`terminal`]): every C0 and C1 control character, DEL, the line and paragraph
//!   separators and the bidirectional controls (Trojan Source) are shown as escapes instead of
//!   acting: `\n`, `\r`, else `\u{1b}`-style. Only the tab passes. For the source text of a
//!   snippet, [`neutralise_controls`] does the same without changing a byte offset.
//! - **GitHub workflow commands** ([`github_data`], [`github_property`]): the runner's own escaping
//!   (`%`, CR, LF; `:` and `,` in properties), and the other hazards shown as on a terminal (the
//!   log viewer interprets escape sequences).
//! - **Markdown** (GitLab descriptions): [`markdown_code`] makes a code span that no backtick in
//!   the text can close; [`markdown_text`] backslash-escapes every ASCII punctuation character.
//! - **SARIF message text** ([`sarif_text`]): `\`, `[` and `]`, which GitHub reads as link syntax.
//! - **Mermaid** ([`mermaid_label`]): entity codes (`#quot;`, `#35;`, …) for every character that
//!   could end a quoted label or start an entity code.
//! - **Graphviz DOT** ([`dot_label`]): `\` and `"` inside a quoted string.
//! - **XML** ([`xml_text`], [`xml_attr`]): the markup characters as entities.
//!
//! Every function shows hazards first, then applies its consumer's syntax, so a hazard never
//! reaches any consumer raw. JSON needs nothing here: serde escapes control characters, and a JSON
//! report is data for programs, which get the file's text as it is.
//!
//! Callers: each reporter, in the one place it writes a string that came from a scanned file.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a character acts on a terminal or on the reader instead of being shown: the C0 and C1
/// control characters and DEL (except the tab), the Unicode line and paragraph separators, and the
/// bidirectional formatting characters that reorder what is displayed.
pub fn is_hazard(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{061C}' | '\u{200E}' | '\u{200F}')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Text for a terminal, on one line: every hazard shown as an escape (`\n`, `\r`, `\u{1b}`).
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hazard) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Text for a terminal over several lines (an error message quoting a config file): each line
/// through [`terminal`], the line breaks kept.
pub fn terminal_lines(text: &str) -> String {
    text.split('\n').map(|line| terminal(line.strip_suffix('\r').unwrap_or(line))).collect::<Vec<_>>().join("\n")
}

/// `c`, or its escape when it is a hazard.
fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if is_hazard(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// The source text a snippet shows, with every hazard replaced by `?` (one per byte) so that no
/// byte offset moves: spans are byte ranges into this text. Line breaks stay (a lone CR becomes
/// LF, the line break credlint counted, so the snippet shows the lines the report names); tabs
/// stay.
pub fn neutralise_controls(text: &str) -> Cow<'_, str> {
    let keeps = |(at, c): (usize, char)| {
        !is_hazard(c) || c == '\n' || (c == '\r' && text.as_bytes().get(at + 1) == Some(&b'\n'))
    };
    if text.char_indices().all(keeps) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if keeps((at, c)) {
            out.push(c);
        } else if c == '\r' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    debug_assert_eq!(out.len(), text.len());
    Cow::Owned(out)
}

/// A workflow command's message, as the runner reads it: `%`, CR and LF percent-encoded (the
/// runner decodes them), every other hazard shown as on a terminal.
pub fn github_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => push_visible(&mut out, c),
        }
    }
    out
}

/// A workflow command's property value: the message's escaping, plus `:` and `,`.
pub fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A Markdown code span holding `text` literally: delimited by one backtick more than the longest
/// run of backticks in it, padded with a space where the text starts or ends with a backtick or a
/// space (CommonMark strips one such space on each side), hazards shown as on a terminal (a line
/// break would let the next line start a block).
pub fn markdown_code(text: &str) -> String {
    let shown = terminal(text);
    let mut longest = 0;
    let mut run = 0;
    for c in shown.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if shown.starts_with(['`', ' ']) || shown.ends_with(['`', ' ']) || shown.is_empty() { " " } else { "" };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

/// Markdown text that renders as itself: every ASCII punctuation character backslash-escaped
/// (CommonMark allows it for all of them), so no emphasis, link, image, HTML tag, entity, code
/// span, autolink or reference (`@user`, `#1`) can start; hazards shown as on a terminal.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in terminal(text).chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// SARIF `message.text` that came from a file: GitHub reads `[text](id)` as a link to a related
/// location, so `\`, `[` and `]` are backslash-escaped (SARIF §3.11.6); hazards shown as on a
/// terminal.
pub fn sarif_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in terminal(text).chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The text of a quoted Mermaid label (`["…"]`, `("…")`, `|"…"|`): hazards shown as on a terminal
/// (a line break would end the statement), then Mermaid's entity codes (`#quot;`, `#124;`) for
/// the quote, `#` (which starts an entity code), the brackets, braces and bars that close a node
/// or edge label, backticks (Markdown strings) and the HTML markup characters.
pub fn mermaid_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in terminal(text).chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' | '|' | '[' | ']' | '(' | ')' | '{' | '}' | '`' | '<' | '>' | '&' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The text of a quoted Graphviz string: hazards shown as on a terminal (a raw line break would
/// end up in the drawing, a backslash escape would be read as one), then `\` and `"` escaped, so
/// the string ends where credlint ends it and no `\n`, `\N` or `\G` is interpreted.
pub fn dot_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in terminal(text).chars() {
        if matches!(c, '\\' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What XML 1.0 character data may hold raw, before markup escaping: line breaks and tabs kept;
/// every other hazard shown as on a terminal (which also removes every character XML 1.0 forbids),
/// and U+FFFE and U+FFFF, which it forbids too, shown the same way. quick-xml escapes markup but
/// writes control characters as they are, so every XML writer hands it text through this.
pub fn xml_visible(text: &str) -> Cow<'_, str> {
    let forbidden = |c: char| matches!(c, '\u{FFFE}' | '\u{FFFF}') || (is_hazard(c) && c != '\n');
    if !text.chars().any(forbidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push(c),
            '\u{FFFE}' | '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => push_visible(&mut out, c),
        }
    }
    Cow::Owned(out)
}

/// XML 1.0 character data: [`xml_visible`], then the markup characters (`& < > " '`) as entities
/// by quick-xml's escaping.
pub fn xml_text(text: &str) -> String {
    quick_xml::escape::escape(xml_visible(text)).into_owned()
}

/// An XML 1.0 attribute value: as [`xml_text`], with line breaks and tabs as character references,
/// which survive attribute-value normalisation (a literal one would be read back as a space).
/// Escaping never makes a line break or a tab, so replacing them afterwards is safe.
pub fn xml_attr(text: &str) -> String {
    xml_text(text).replace('\n', "&#10;").replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}]0;title\u{7}b\u{1b}[2K\rc\nd\u{9b}e\u{202e}f\u{7f}\tg";

    #[test]
    fn terminals_see_every_hazard_as_an_escape() {
        assert_eq!(terminal(HOSTILE), "a\\u{1b}]0;title\\u{7}b\\u{1b}[2K\\rc\\nd\\u{9b}e\\u{202e}f\\u{7f}\tg");
        assert!(matches!(terminal("plain é 😀\ttab"), Cow::Borrowed(_)));
    }

    #[test]
    fn neutralised_source_keeps_every_byte_offset_and_line_break() {
        let text = "x\u{1b}[2Ky\r\nz\u{202e}w\rv\u{85}u\n";
        let neutral = neutralise_controls(text);
        assert_eq!(neutral, "x?[2Ky\r\nz???w\nv??u\n");
        assert_eq!(neutral.len(), text.len());
        assert!(matches!(neutralise_controls("a\r\nb\tc\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn github_escapes_as_the_runner_decodes() {
        assert_eq!(github_data("100% of a:b, c\r\nd"), "100%25 of a:b, c%0D%0Ad");
        // `%` first: an escape sequence already in the text is not decoded by the runner.
        assert_eq!(github_data("%0A"), "%250A");
        assert_eq!(github_data("x\n::error ::forged\u{1b}[2K"), "x%0A::error ::forged\\u{1b}[2K");
        assert_eq!(github_property("C:\\dir\\a,b%.sh\n"), "C%3A\\dir\\a%2Cb%25.sh%0A");
    }

    #[test]
    fn code_spans_outlast_every_backtick_run() {
        assert_eq!(markdown_code("a.sh:1:2"), "`a.sh:1:2`");
        assert_eq!(markdown_code("a`b``c"), "```a`b``c```");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("a\nb"), "`a\\nb`");
    }

    #[test]
    fn markdown_text_renders_as_itself() {
        assert_eq!(markdown_text("[x](javascript:y) <b>"), "\\[x\\]\\(javascript\\:y\\) \\<b\\>");
        assert_eq!(markdown_text("a\n# h"), "a\\\\n\\# h");
    }

    #[test]
    fn sarif_text_escapes_link_syntax() {
        assert_eq!(sarif_text("job [deploy](1) \\"), "job \\[deploy\\](1) \\\\");
    }

    #[test]
    fn mermaid_labels_cannot_end_early() {
        assert_eq!(mermaid_label("a\"];b\nc|#quot;"), "a#quot;#93;;b\\nc#124;#35;quot;");
    }

    #[test]
    fn dot_labels_stay_one_quoted_string() {
        assert_eq!(dot_label("a\"b\\N\nc"), "a\\\"b\\\\N\\\\nc");
    }

    #[test]
    fn xml_keeps_line_breaks_and_shows_what_it_forbids() {
        assert_eq!(xml_text(r#"a & b < c > d "e" 'f'"#), "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
        assert_eq!(xml_text("a\u{0}b\u{1b}[31mc\u{FFFE}d"), "a\\u{0}b\\u{1b}[31mc\\u{fffe}d");
        assert_eq!(xml_text("line\nnext\tcol\r"), "line\nnext\tcol\\r");
        assert_eq!(xml_attr("line\nnext\tcol"), "line&#10;next&#9;col");
        assert_eq!(xml_text("é😀"), "é😀");
    }
}
