//! Tokens of the catalogue's formats (`crate::formats`) written anywhere in a file: in a comment,
//! a string no credential name is near, a URL, a line of prose. Each becomes a credential use of
//! its own unless another reader's secret already covers it (that reader knows more: a name, a
//! call).

use crate::fact::{CredentialUse, Scheme, Value};
use crate::source::SourceFile;
use crate::span::Span;

/// The extractor name of these uses: `token:<catalogue id>`.
pub const EXTRACTOR_PREFIX: &str = "token:";

pub fn extract(file: &SourceFile, uses: &mut Vec<CredentialUse>) {
    let found = crate::formats::find_all(&file.text);
    if found.is_empty() {
        return;
    }
    let mut taken: Vec<Span> = uses.iter().map(|u| u.secret.span()).collect();
    taken.sort();
    // The furthest end among the spans up to each one: an overlap test in one binary search.
    let reach: Vec<usize> = taken
        .iter()
        .scan(0, |furthest, span| {
            *furthest = span.end.max(*furthest);
            Some(*furthest)
        })
        .collect();
    let formats = crate::formats::formats();
    for token in found {
        if covered(&taken, &reach, token.span) {
            continue;
        }
        let entry = &formats.entries[token.entry];
        uses.push(CredentialUse {
            scheme: Scheme::ConfigField,
            user: None,
            secret: Value::Literal { text: file.text[token.span.range()].to_owned(), span: token.span, via: None },
            secret_name: None,
            target: None,
            connection: None,
            span: token.span,
            extractor: format!("{EXTRACTOR_PREFIX}{}", entry.id).into(),
        });
    }
}

/// Whether one of `sorted` (sorted by start; `reach[i]` the furthest end of `sorted[..=i]`)
/// covers all of `span`. A token that only overlaps another reader's secret is kept: a webhook URL
/// or `cloudinary://key:secret@cloud` is a token whose secret part a URL reader also found.
fn covered(sorted: &[Span], reach: &[usize], span: Span) -> bool {
    let starting_at_or_before = sorted.partition_point(|s| s.start <= span.start);
    starting_at_or_before > 0 && reach[starting_at_or_before - 1] >= span.end
}
