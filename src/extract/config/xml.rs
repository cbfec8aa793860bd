//! XML (Maven `settings.xml`, `NuGet.config`, .NET `app.config`) into the shared model, through
//! `quick-xml`'s pull parser and its byte positions.
//!
//! An element with child elements (or attributes) is a node; an element with only text is an entry
//! under its parent, keyed by its local name; attributes are entries of their element's node.
//! Text is decoded here, from the raw slice between the tags: the predefined entities, character
//! references and CDATA sections. Any other entity reference is kept as written and **never
//! expanded**, so an entity bomb costs what its text costs. Nesting deeper than [`MAX_DEPTH`] is
//! skipped. On a syntax error the entries read so far are kept.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::ParseError;
use super::model::{Document, Entry, NodeId, ScalarKind, Segment};
use crate::span::Span;

const MAX_DEPTH: usize = 128;

struct Open {
    name: String,
    key_span: Span,
    node: Option<NodeId>,
    content_start: usize,
    has_children: bool,
}

pub(crate) fn parse(text: &str, doc: &mut Document) -> Result<(), ParseError> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.expand_empty_elements = false;
    config.allow_dangling_amp = true;
    let root = doc.root();
    let mut stack: Vec<Open> = Vec::new();
    let mut skipping = 0usize;
    loop {
        let before = to_offset(reader.buffer_position(), text);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                return Err(ParseError {
                    message: error.to_string(),
                    offset: to_offset(reader.error_position(), text),
                });
            }
        };
        let after = to_offset(reader.buffer_position(), text);
        let tag_start = text[before..after].find('<').map_or(before, |at| before + at);
        match event {
            Event::Start(_) | Event::Empty(_) if skipping > 0 || stack.len() >= MAX_DEPTH => {
                if matches!(event, Event::Start(_)) {
                    skipping += 1;
                }
            }
            Event::End(_) if skipping > 0 => skipping -= 1,
            Event::Start(ref element) | Event::Empty(ref element) => {
                let empty = matches!(event, Event::Empty(_));
                if let Some(parent) = stack.last_mut() {
                    parent.has_children = true;
                }
                let name = local(&String::from_utf8_lossy(element.name().as_ref())).to_owned();
                let name_at = tag_start + 1 + (element.name().as_ref().len() - name.len());
                let mut open = Open {
                    name,
                    key_span: Span::new(name_at, name_at + open_name_len(text, name_at)),
                    node: None,
                    content_start: after,
                    has_children: false,
                };
                let attributes = attributes(text, Span::new(tag_start, after));
                if !attributes.is_empty() {
                    let parent = node_of(doc, root, &mut stack);
                    let node = doc.node(parent, Segment::Key(open.name.clone()), open.key_span);
                    for (key, key_span, value, value_span) in attributes {
                        doc.entry(Entry {
                            parent: node,
                            segment: Segment::Key(key),
                            key_span,
                            value,
                            value_span,
                            kind: ScalarKind::Str,
                        });
                    }
                    open.node = Some(node);
                }
                if !empty {
                    stack.push(open);
                }
            }
            Event::End(_) => {
                let Some(open) = stack.pop() else { continue };
                if open.has_children {
                    continue;
                }
                let raw = Span::new(open.content_start.min(tag_start), tag_start);
                let (value, value_span) = decode_text(text, raw);
                if value.trim().is_empty() {
                    continue;
                }
                // An element with attributes holds its text as its `value` too, so that a pair
                // named by an attribute reads as one entry: Android's `<string
                // name="api_key">…</string>`, Java's `<entry key="db.password">…</entry>`.
                if let Some(node) = open.node
                    && doc.find(node, &["value"]).is_none()
                {
                    doc.entry(Entry {
                        parent: node,
                        segment: Segment::Key("value".to_owned()),
                        key_span: open.key_span,
                        value: value.clone(),
                        value_span,
                        kind: ScalarKind::Str,
                    });
                }
                let parent = node_of(doc, root, &mut stack);
                doc.entry(Entry {
                    parent,
                    segment: Segment::Key(open.name),
                    key_span: open.key_span,
                    value,
                    value_span,
                    kind: ScalarKind::Str,
                });
            }
            Event::Eof => {
                return match stack.last() {
                    Some(open) => {
                        Err(ParseError { message: format!("unclosed element `{}`", open.name), offset: text.len() })
                    }
                    None => Ok(()),
                };
            }
            _ => {}
        }
    }
}

fn to_offset(position: u64, text: &str) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX).min(text.len())
}

/// The local part of a qualified name: `ns:password` → `password`.
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn open_name_len(text: &str, at: usize) -> usize {
    text[at..].find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(text.len() - at)
}

/// The node of the innermost open element, creating the nodes of open elements as needed.
fn node_of(doc: &mut Document, root: NodeId, stack: &mut [Open]) -> NodeId {
    let first_missing = stack.iter().rposition(|open| open.node.is_some()).map_or(0, |i| i + 1);
    let mut parent = if first_missing == 0 { root } else { stack[first_missing - 1].node.unwrap_or(root) };
    for open in &mut stack[first_missing..] {
        let node = doc.node(parent, Segment::Key(open.name.clone()), open.key_span);
        open.node = Some(node);
        parent = node;
    }
    parent
}

type Attribute = (String, Span, String, Span);

/// The attributes of the tag at `tag` (from `<` to after `>`), with exact spans.
fn attributes(text: &str, tag: Span) -> Vec<Attribute> {
    let raw = &text[tag.range()];
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    // Skip `<` and the element name.
    let mut i = 1 + raw[1..].find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(raw.len() - 1);
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' || bytes[i] == b'?' {
            return out;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name_end = i;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let Some(&quote) = bytes.get(i).filter(|b| matches!(b, b'"' | b'\'')) else { return out };
        let value_start = i + 1;
        let Some(len) = raw[value_start..].find(char::from(quote)) else { return out };
        let value_span = Span::new(tag.start + value_start, tag.start + value_start + len);
        let (value, _) = decode_text(text, value_span);
        let name = local(&raw[name_start..name_end]).to_owned();
        let key_span = Span::new(tag.start + name_end - name.len(), tag.start + name_end);
        out.push((name, key_span, value, value_span));
        i = value_start + len + 1;
    }
}

/// The text of `raw` with CDATA unwrapped, comments dropped and references decoded (unknown
/// entities kept as written), and the span of its trimmed content.
fn decode_text(text: &str, raw: Span) -> (String, Span) {
    let slice = &text[raw.range()];
    let mut out = String::with_capacity(slice.len());
    let mut rest = slice;
    while !rest.is_empty() {
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").unwrap_or(body.len());
            out.push_str(&body[..end]);
            rest = body.get(end + 3..).unwrap_or("");
        } else if let Some(body) = rest.strip_prefix("<!--") {
            rest = body.find("-->").map_or("", |end| &body[end + 3..]);
        } else if rest.starts_with('&')
            && let Some(semi) = rest.bytes().take(12).position(|b| b == b';')
        {
            match reference(&rest[1..semi]) {
                Some(c) => out.push(c),
                None => out.push_str(&rest[..=semi]),
            }
            rest = &rest[semi + 1..];
        } else {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let next = rest[first..].find(['<', '&']).map_or(rest.len(), |n| n + first);
            out.push_str(&rest[..next]);
            rest = &rest[next..];
        }
    }
    let value = out.trim().to_owned();
    let trimmed = slice.trim();
    let lead = slice.len() - slice.trim_start().len();
    let mut span = Span::new(raw.start + lead, raw.start + lead + trimmed.len());
    if let Some(inner) = trimmed.strip_prefix("<![CDATA[").and_then(|b| b.strip_suffix("]]>"))
        && inner == value
    {
        span = Span::new(span.start + 9, span.start + 9 + inner.len());
    }
    (value, span)
}

fn reference(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                name.strip_prefix('#')?.parse().ok()?
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Document {
        let mut doc = Document::default();
        parse(text, &mut doc).unwrap_or_else(|e| panic!("{}: {}", e.offset, e.message));
        doc
    }

    fn entry<'d>(doc: &'d Document, key: &str) -> &'d Entry {
        doc.entries.iter().find(|e| e.key() == Some(key)).unwrap_or_else(|| panic!("no entry {key}"))
    }

    #[test]
    fn elements_and_attributes_with_exact_spans() {
        let text = "<?xml version=\"1.0\"?>\n<settings xmlns=\"http://maven.apache.org/SETTINGS/1.0.0\">\r\n  <servers>\n    <server>\n      <id>nexus</id>\n      <username>svc</username>\n      <m:password>S3cret!</m:password>\n    </server>\n  </servers>\n  <add key=\"ClearTextPassword\" value='hunter2' />\n</settings>\n";
        let doc = parse_ok(text);
        let password = entry(&doc, "password");
        assert_eq!(&text[password.value_span.range()], "S3cret!");
        assert_eq!(&text[password.key_span.range()], "password");
        assert_eq!(doc.key_path(password.parent), ["settings", "servers", "server"]);
        assert_eq!(doc.text(password.parent, "id"), Some("nexus"));
        let value = entry(&doc, "value");
        assert_eq!(&text[value.value_span.range()], "hunter2");
        assert_eq!(doc.key_path(value.parent), ["settings", "add"]);
        assert_eq!(&text[entry(&doc, "key").key_span.range()], "key");
    }

    #[test]
    fn an_element_with_attributes_holds_its_text_as_its_value() {
        let text =
            "<resources><string name=\"api_token\">k3Jd9sLq</string><add key=\"k\" value=\"v\">t</add></resources>";
        let doc = parse_ok(text);
        let value =
            doc.entries.iter().find(|e| e.segment == Segment::Key("value".to_owned())).expect("the text as value");
        assert_eq!(&text[value.value_span.range()], "k3Jd9sLq");
        assert_eq!(doc.text(value.parent, "name"), Some("api_token"));
        // A `value` attribute stays the element's value.
        let values: Vec<&str> = doc
            .entries
            .iter()
            .filter(|e| e.segment == Segment::Key("value".to_owned()))
            .map(|e| e.value.as_str())
            .collect();
        assert_eq!(values, ["k3Jd9sLq", "v"]);
    }

    #[test]
    fn text_is_decoded_and_cdata_unwrapped() {
        let text = "<a><p>x&amp;y&#65;&unknown;</p><q><![CDATA[S3cret<!]]></q><r>é<!-- c -->ü</r></a>";
        let doc = parse_ok(text);
        assert_eq!(entry(&doc, "p").value, "x&yA&unknown;");
        let q = entry(&doc, "q");
        assert_eq!(q.value, "S3cret<!");
        assert_eq!(&text[q.value_span.range()], "S3cret<!");
        assert_eq!(entry(&doc, "r").value, "éü");
    }

    #[test]
    fn entity_bombs_are_never_expanded() {
        let mut text = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        text.push_str(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
        for i in 2..10 {
            let p = i - 1;
            text.push_str(&format!(" <!ENTITY lol{i} \"&lol{p};&lol{p};&lol{p};&lol{p};&lol{p};&lol{p};&lol{p};&lol{p};&lol{p};&lol{p};\">\n"));
        }
        text.push_str("]>\n<lolz><password>&lol9;</password></lolz>\n");
        let started = std::time::Instant::now();
        let doc = parse_ok(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(entry(&doc, "password").value, "&lol9;");
    }

    #[test]
    fn deep_nesting_and_errors() {
        let depth = 10_000;
        let text = format!("{}<password>x</password>{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let doc = parse_ok(&text);
        assert!(doc.nodes.len() <= MAX_DEPTH + 1);
        let mut doc = Document::default();
        let error = parse("<a><password>S3cret!</password><b></a>", &mut doc).unwrap_err();
        assert!(error.offset > 0);
        assert_eq!(entry(&doc, "password").value, "S3cret!");
        for hostile in ["<", "<a", "<a b=\"", "<a>&", "<![CDATA[", "<!--", "<a b='x'c>", "\u{feff}<a/>"] {
            let mut doc = Document::default();
            let _ = parse(hostile, &mut doc);
        }
    }
}
