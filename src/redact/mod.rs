//! Redaction: the only way a secret's text reaches a report.
//!
//! A long secret shows its first and last four characters (`ATAT…9A3F`), enough to recognise a
//! token you own, never enough to use it. A short one shows a fixed `********`, which hides even its
//! length. Text a report shows around a secret is masked twice: at the spans of every credential
//! use, and wherever [`shapes::secret_shapes`] sees a secret by its shape. URLs pass through
//! [`url::display_url`].

pub mod shapes;
pub mod url;

pub use self::shapes::secret_shapes;
pub use self::url::display_url;

/// Secrets shorter than this are fully masked.
const SHOW_ENDS_FROM: usize = 24;

pub fn redact(secret: &str) -> String {
    let count = secret.chars().count();
    if count < SHOW_ENDS_FROM {
        return "********".to_owned();
    }
    let head: String = secret.chars().take(4).collect();
    let tail: String = secret.chars().skip(count - 4).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn short_secrets_are_fully_masked() {
        assert_eq!(redact("S3cret!"), "********");
        assert_eq!(redact(""), "********");
    }

    #[test]
    fn long_secrets_show_only_their_ends() {
        let token = "ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz=0A1B2C3D";
        let shown = redact(token);
        assert_eq!(shown, "ATAT…2C3D");
        assert!(!shown.contains("xFfGF0"));
    }

    #[test]
    fn multibyte_secrets_do_not_split_chars() {
        assert_eq!(redact("ééééééééééééééééééééééééé"), "éééé…éééé");
    }
}

/// A span of text to mask, and whether it may keep its ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mask {
    pub span: crate::span::Span,
    /// Whether a long secret keeps its first and last four characters, as [`redact`] shows it.
    /// Only a secret written as itself may: the ends of a base64 `user:password` blob decode to
    /// the password's end, and a shape found by [`secret_shapes`] may be part of a longer secret.
    pub keep_ends: bool,
}

impl Mask {
    /// A secret written as itself: a long one keeps its ends.
    pub fn literal(span: crate::span::Span) -> Mask {
        Mask { span, keep_ends: true }
    }

    /// Masked whole, whatever its length.
    pub fn hidden(span: crate::span::Span) -> Mask {
        Mask { span, keep_ends: false }
    }
}

/// `text` with every byte of the given spans replaced so that no secret survives in a snippet.
///
/// Byte lengths and line breaks are kept, so every span and line number into the text stays valid:
/// a long secret masked with `keep_ends` keeps its first and last four ASCII characters (matching
/// [`redact`]), the rest become `*`. Where masks overlap, hiding wins.
pub fn mask_spans(text: &str, masks: &[Mask]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut masks = masks.to_vec();
    // Whole masks last, so that no kept end of one overlapping mask survives inside another.
    masks.sort_by_key(|m| m.keep_ends);
    masks.reverse();
    for mask in &masks {
        let span = mask.span;
        let (start, end) = (span.start.min(bytes.len()), span.end.min(bytes.len()));
        if start >= end {
            continue;
        }
        let secret =
            &text[crate::span::clamp_to_char_boundary(text, start)..crate::span::clamp_to_char_boundary(text, end)];
        let keep_ends = mask.keep_ends && secret.chars().count() >= SHOW_ENDS_FROM && secret.is_ascii();
        for (i, byte) in bytes[start..end].iter_mut().enumerate() {
            let at_end = i < 4 || i >= end - start - 4;
            // A multi-line secret (a YAML block scalar, a PEM key) keeps its line breaks, or every
            // line number after it in a report would be wrong.
            let shown = (keep_ends && at_end) || matches!(*byte, b'\n' | b'\r');
            if !shown {
                *byte = b'*';
            }
        }
    }
    // Masking replaced whole spans whose ends lie on char boundaries with ASCII, so this only
    // fails if a span split a character; then fall back to lossy decoding (still masked).
    String::from_utf8(bytes).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

#[cfg(test)]
mod mask_tests {
    use super::{Mask, mask_spans};
    use crate::span::Span;

    #[test]
    fn masks_keep_line_breaks() {
        let text = "key: |\n  line one\r\n  line two\nnext: 1\n";
        let masked = mask_spans(text, &[Mask::literal(Span::new(7, 29))]);
        assert_eq!(masked, "key: |\n**********\r\n**********\nnext: 1\n");
    }

    #[test]
    fn masks_keep_lengths_and_hide_secrets() {
        let text = "curl -u admin:S3cret! https://x";
        let masked = mask_spans(text, &[Mask::literal(Span::new(14, 21))]);
        assert_eq!(masked, "curl -u admin:******* https://x");
        let token = "t=ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0A1B2C3D;";
        let masked = mask_spans(token, &[Mask::literal(Span::new(2, token.len() - 1))]);
        assert_eq!(masked.len(), token.len());
        assert!(masked.starts_with("t=ATAT****") && masked.ends_with("2C3D;"), "{masked}");
        let hidden = mask_spans(token, &[Mask::hidden(Span::new(2, token.len() - 1))]);
        assert!(hidden.starts_with("t=****") && hidden.ends_with("****;"), "{hidden}");
    }

    #[test]
    fn an_overlapping_hidden_mask_wins() {
        let token = "ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0A1B2C3D";
        let masked = mask_spans(token, &[Mask::literal(Span::new(0, 46)), Mask::hidden(Span::new(40, 46))]);
        assert!(masked.starts_with("ATAT") && masked.ends_with("******"), "{masked}");
    }
}
