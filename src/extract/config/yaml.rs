//! YAML (CI workflows, docker-compose, Kubernetes, Ansible, Spring, `.yarnrc.yml`) into the shared
//! model, through `saphyr-parser`'s event stream.
//!
//! Events are consumed as they come: anchors and aliases are never resolved, so an alias bomb
//! costs what its text costs, and nesting deeper than [`MAX_DEPTH`] is skipped (its events are
//! counted, not stored). The parser's markers count *characters*; they are turned into byte
//! offsets with a [`CharIndex`]. On a syntax error the entries read so far are kept and the error
//! is returned beside them.

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::ParseError;
use super::model::{Document, Entry, NodeId, ScalarKind, Segment};
use crate::span::Span;

/// Containers nested deeper than this are skipped: no real configuration nests so deep.
const MAX_DEPTH: usize = 64;

/// Character index → byte offset. Identity for ASCII text (the common case); otherwise a table
/// of `u32` offsets (files are far below 4 GiB: `walk` caps their size).
struct CharIndex {
    ascii: bool,
    len: usize,
    starts: Vec<u32>,
}

impl CharIndex {
    fn new(text: &str) -> Self {
        let ascii = text.is_ascii();
        let starts = if ascii {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX)).collect()
        };
        CharIndex { ascii, len: text.len(), starts }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            char_index.min(self.len)
        } else {
            self.starts.get(char_index).map_or(self.len, |&at| (at as usize).min(self.len))
        }
    }
}

enum Frame {
    Map { node: NodeId, key: Option<Option<(String, Span)>> },
    Seq { node: NodeId, index: usize },
}

/// How many times an under-indented line inside a flow collection is re-indented and the file
/// parsed again (see [`parse`]).
const MAX_REINDENTS: usize = 16;

/// Files larger than this are not re-parsed after an indentation error.
const MAX_REINDENT_BYTES: usize = 1 << 20;

/// Parses `text` into `doc`, which must be empty.
///
/// YAML 1.2 wants the lines of a multi-line flow collection indented deeper than its key, and
/// saphyr enforces it; PyYAML and the CI services accept a closing `]` at the key's indentation,
/// and such files are common (`matrix: {include: [ … ]}`). After an indentation error, the
/// offending line is indented like the line before it in a copy of the text, the copy is parsed
/// again (a bounded number of times), and the spans are mapped back to the original text.
pub(crate) fn parse(text: &str, doc: &mut Document) -> Result<(), ParseError> {
    debug_assert!(doc.is_empty(), "yaml::parse fills an empty document");
    let first = parse_events(text, doc);
    let Err(error) = first else { return Ok(()) };
    if text.len() > MAX_REINDENT_BYTES || !error.message.starts_with("invalid indentation") {
        return Err(error);
    }
    // Insertions of spaces into the copy: (offset in the copy at that time, count), in order.
    let mut insertions: Vec<(usize, usize)> = Vec::new();
    let mut copy = text.to_owned();
    let mut error = error;
    for _ in 0..MAX_REINDENTS {
        let Some((at, count)) = reindent(&copy, error.offset) else { break };
        copy.insert_str(at, &" ".repeat(count));
        insertions.push((at, count));
        let mut retry = Document::default();
        let result = parse_events(&copy, &mut retry);
        let to_original = |span: Span| Span::new(original(&insertions, span.start), original(&insertions, span.end));
        retry.map_spans(to_original);
        *doc = retry;
        match result {
            Ok(()) => return Ok(()),
            Err(next) if next.message.starts_with("invalid indentation") && next.offset != error.offset => error = next,
            Err(next) => return Err(ParseError { offset: original(&insertions, next.offset), ..next }),
        }
    }
    Err(ParseError { offset: original(&insertions, error.offset), ..error })
}

/// Where to insert how many spaces so that the line holding `offset` is indented like the
/// previous non-blank line, if that is deeper.
fn reindent(text: &str, offset: usize) -> Option<(usize, usize)> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let own = indent(&text[line_start..]);
    let previous = text[..line_start.saturating_sub(1)].lines().rev().find(|line| !line.trim().is_empty())?;
    let wanted = indent(previous);
    // Lazily: `then_some` would compute the difference (and overflow) when it isn't wanted.
    (wanted > own).then(|| (line_start, wanted - own))
}

/// An offset in the edited copy mapped back to the original text.
fn original(insertions: &[(usize, usize)], offset: usize) -> usize {
    insertions.iter().rev().fold(
        offset,
        |at, &(inserted, count)| {
            if at >= inserted + count { at - count } else { at.min(inserted) }
        },
    )
}

fn parse_events(text: &str, doc: &mut Document) -> Result<(), ParseError> {
    let chars = CharIndex::new(text);
    let mut stack: Vec<Frame> = Vec::new();
    // Nesting levels being skipped (too deep, or a complex mapping key).
    let mut skipping = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| ParseError {
            message: error.info().to_owned(),
            offset: chars.byte(error.marker().index()),
        })?;
        let (start, end) = (chars.byte(span.start.index()), chars.byte(span.end.index()));
        if skipping > 0 {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => skipping += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    skipping -= 1;
                    if skipping == 0 {
                        consumed(&mut stack);
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::DocumentStart(_) => stack.clear(),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let Some(node) = open(doc, &mut stack, start) else {
                    skipping = 1;
                    continue;
                };
                stack.push(if is_map { Frame::Map { node, key: None } } else { Frame::Seq { node, index: 0 } });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                consumed(&mut stack);
            }
            Event::Scalar(value, style, _, tag) => {
                scalar(text, doc, &mut stack, &value, style, tag.as_deref(), start, end)
            }
            Event::Alias(_) => consumed(&mut stack),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(())
}

/// Creates the node for a container that starts here, or `None` when it must be skipped.
fn open(doc: &mut Document, stack: &mut [Frame], start: usize) -> Option<NodeId> {
    if stack.len() >= MAX_DEPTH {
        return None;
    }
    match stack.last_mut() {
        None => Some(doc.root()),
        Some(Frame::Map { node, key: Some(Some((key, key_span))) }) => {
            Some(doc.node(*node, Segment::Key(key.clone()), *key_span))
        }
        // A mapping or sequence used as a key, or a value under one: nothing a rule reads.
        Some(Frame::Map { key: None | Some(None), .. }) => None,
        Some(Frame::Seq { node, index }) => Some(doc.node(*node, Segment::Index(*index), Span::new(start, start))),
    }
}

/// A complete node (scalar, alias, container) was read in the current frame.
fn consumed(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key, .. }) => {
            *key = match key {
                None => Some(None),
                Some(_) => None,
            }
        }
        Some(Frame::Seq { index, .. }) => *index += 1,
        None => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn scalar(
    text: &str,
    doc: &mut Document,
    stack: &mut [Frame],
    value: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    start: usize,
    end: usize,
) {
    let (parent, segment, key_span) = match stack.last_mut() {
        Some(Frame::Map { key: key @ None, .. }) => {
            let span = content_span(text, value, style, start, end);
            *key = Some(Some((value.to_owned(), span)));
            return;
        }
        Some(Frame::Map { node, key: Some(Some((key, key_span))) }) => (*node, Segment::Key(key.clone()), *key_span),
        Some(Frame::Seq { node, index }) => (*node, Segment::Index(*index), Span::new(start, start)),
        Some(Frame::Map { key: Some(None), .. }) | None => {
            consumed(stack);
            return;
        }
    };
    doc.entry(Entry {
        parent,
        segment,
        key_span,
        value: value.to_owned(),
        value_span: content_span(text, value, style, start, end),
        kind: kind_of(value, style, tag),
    });
    consumed(stack);
}

fn kind_of(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> ScalarKind {
    if let Some(tag) = tag {
        // `!!str` is a string; `!vault`, `!Ref`, `!Sub`, `!!binary` are not a literal secret.
        return if tag.suffix == "str" { ScalarKind::Str } else { ScalarKind::Other };
    }
    if style != ScalarStyle::Plain {
        return ScalarKind::Str;
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => ScalarKind::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "yes" | "Yes" | "YES" | "no" | "No" | "NO" | "on"
        | "On" | "ON" | "off" | "Off" | "OFF" => ScalarKind::Bool,
        _ if is_number(value) => ScalarKind::Number,
        _ => ScalarKind::Str,
    }
}

fn is_number(value: &str) -> bool {
    let body = value.trim_start_matches(['+', '-']);
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0o")) {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit() || b == b'_');
    }
    body.bytes().any(|b| b.is_ascii_digit())
        && body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'_' | b'+' | b'-'))
        && body.replace('_', "").parse::<f64>().is_ok()
}

/// The span of a scalar's content: without its properties (`&anchor`, `!tag`), quotes or block
/// indicator, and exactly the value when the value appears verbatim.
fn content_span(text: &str, value: &str, style: ScalarStyle, start: usize, end: usize) -> Span {
    let Some(raw) = text.get(start..end) else {
        return Span::new(start, start);
    };
    let mut from = 0;
    // Node properties come first: `&anchor !tag value`.
    loop {
        let rest = &raw[from..];
        if rest.starts_with('&') || rest.starts_with('!') {
            let token = rest.find(char::is_whitespace).unwrap_or(rest.len());
            from += token;
            from += raw[from..].len() - raw[from..].trim_start().len();
        } else {
            break;
        }
    }
    let mut to = raw.len();
    match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let quote = if style == ScalarStyle::SingleQuoted { '\'' } else { '"' };
            if raw[from..].starts_with(quote) {
                from += 1;
            }
            if to > from && raw[from..to].ends_with(quote) {
                to -= 1;
            }
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            if raw[from..].starts_with(['|', '>']) {
                from += raw[from..].find('\n').map_or(raw.len() - from, |n| n + 1);
            }
        }
        ScalarStyle::Plain => {}
    }
    let region = &raw[from..to];
    let wanted = value.trim();
    match region.find(wanted).filter(|_| !wanted.is_empty()) {
        Some(at) => Span::new(start + from + at, start + from + at + wanted.len()),
        None => {
            let trimmed = region.trim();
            let lead = region.len() - region.trim_start().len();
            Span::new(start + from + lead, start + from + lead + trimmed.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Document {
        let mut doc = Document::default();
        parse(text, &mut doc).unwrap();
        doc
    }

    fn entry<'d>(doc: &'d Document, key: &str) -> &'d Entry {
        doc.entries.iter().find(|e| e.key() == Some(key)).unwrap_or_else(|| panic!("no entry {key}"))
    }

    #[test]
    fn spans_cover_the_content_of_every_style() {
        let text = "a:\n  plain: S3cret!\n  dq: \"quoted pw\"\n  sq: 'single'\n  tagged: !!str &x tagged-value\n  block: |\n    blockvalue\n";
        let doc = parse_ok(text);
        for (key, value) in [("plain", "S3cret!"), ("dq", "quoted pw"), ("sq", "single"), ("tagged", "tagged-value")] {
            let e = entry(&doc, key);
            assert_eq!(e.value, value);
            assert_eq!(&text[e.value_span.range()], value, "{key}");
            assert_eq!(&text[e.key_span.range()], key);
        }
        let block = entry(&doc, "block");
        assert_eq!(&text[block.value_span.range()], "blockvalue");
        assert_eq!(doc.key_path(entry(&doc, "plain").parent), ["a"]);
    }

    #[test]
    fn escaped_values_keep_a_span_inside_the_quotes() {
        let text = "pw: \"a\\tb\"\n";
        let doc = parse_ok(text);
        let e = entry(&doc, "pw");
        assert_eq!(e.value, "a\tb");
        assert_eq!(&text[e.value_span.range()], "a\\tb");
    }

    #[test]
    fn non_ascii_and_crlf_offsets_are_bytes() {
        let text = "# é ü 😀\r\nkey: \"wert\"\r\npässword: Grüße2024!\r\n";
        let doc = parse_ok(text);
        let e = entry(&doc, "pässword");
        assert_eq!(&text[e.value_span.range()], "Grüße2024!");
        assert_eq!(&text[e.key_span.range()], "pässword");
        assert_eq!(&text[entry(&doc, "key").value_span.range()], "wert");
    }

    #[test]
    fn typed_scalars_and_tags() {
        let doc =
            parse_ok("a: 12\nb: true\nc: ~\nd: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\ne: '12'\nf: 0x1F\ng: 1.5e3\n");
        let kinds: Vec<_> = doc.entries.iter().map(|e| e.kind).collect();
        use ScalarKind::*;
        assert_eq!(kinds, [Number, Bool, Null, Other, Str, Number, Number]);
    }

    #[test]
    fn sequences_and_documents() {
        let doc = parse_ok("---\nenv:\n  - A=1\n  - name: X\n    value: y\n---\nkind: Secret\n");
        assert_eq!(doc.roots().len(), 2);
        let a = doc.entries.iter().find(|e| e.value == "A=1").unwrap();
        assert_eq!(a.segment, Segment::Index(0));
        assert_eq!(doc.segments(entry(&doc, "value").parent), [&Segment::Key("env".into()), &Segment::Index(1)]);
    }

    #[test]
    fn alias_bombs_stay_cheap() {
        let mut text =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut previous = "a";
        for name in names {
            text.push_str(&format!("{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
            previous = name;
        }
        text.push_str("password: S3cret!\n");
        let started = std::time::Instant::now();
        let doc = parse_ok(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(doc.entries.len() < 20);
        assert_eq!(entry(&doc, "password").value, "S3cret!");
    }

    #[test]
    fn deep_nesting_is_skipped_not_followed() {
        let depth = 5000;
        let text = format!("{}1{}\npassword: S3cret!\n", "[".repeat(depth), "]".repeat(depth));
        let mut doc = Document::default();
        // Either a parse error or a skipped subtree: never a crash, never a deep tree.
        let _ = parse(&text, &mut doc);
        assert!(doc.nodes.len() <= MAX_DEPTH + 1);
        let text = format!(
            "a:\n{}x: 1\npassword: S3cret!\n",
            (1..200).map(|i| format!("{}k{i}:\n", "  ".repeat(i))).collect::<String>()
        );
        let mut doc = Document::default();
        let _ = parse(&text, &mut doc);
        assert!(doc.nodes.len() <= MAX_DEPTH + 1);
    }

    #[test]
    fn errors_keep_what_was_read() {
        let text = "password: S3cret!\nbad: [unclosed\n";
        let mut doc = Document::default();
        let error = parse(text, &mut doc).unwrap_err();
        assert!(error.offset > 0 && error.offset <= text.len());
        assert_eq!(entry(&doc, "password").value, "S3cret!");
    }

    #[test]
    fn under_indented_flow_collections_are_read_like_pyyaml_does() {
        let text = "jobs:\n  build:\n    strategy:\n      matrix:\n        include: [\n          { os: linux },\n        ]\n        channel: [\n          stable\n      ]\n    env:\n      JIRA_PASSWORD: S3cret!\n";
        let doc = parse_ok(text);
        let e = entry(&doc, "JIRA_PASSWORD");
        assert_eq!(&text[e.value_span.range()], "S3cret!");
        assert_eq!(&text[e.key_span.range()], "JIRA_PASSWORD");
        assert_eq!(&text[entry(&doc, "os").value_span.range()], "linux");
        // An indentation error that re-indenting can't fix is still an error, with facts kept.
        let text = "a:\n  password: S3cret!\n b: x\n";
        let mut doc = Document::default();
        let error = parse(text, &mut doc).unwrap_err();
        assert!(error.offset <= text.len());
        assert_eq!(&text[entry(&doc, "password").value_span.range()], "S3cret!");
    }

    #[test]
    fn complex_keys_are_skipped() {
        let doc = parse_ok("? [a, b]\n: value\nplain: x\n");
        assert_eq!(doc.entries.len(), 1);
        assert_eq!(entry(&doc, "plain").value, "x");
    }
}
