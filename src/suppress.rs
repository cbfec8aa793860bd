//! Suppressions: inline `credlint:ignore` comments, applied to the findings of every rule.
//!
//! ```text
//! # credlint:ignore basic-auth-password -- the vendor's sandbox takes no tokens (OPS-1234)
//! curl -u sandbox:Sandbox2024! https://sandbox.example.com/
//! token = load()  # credlint:ignore hardcoded-credential until=2026-12-31 -- rotated in Q4
//! ```
//!
//! A suppression covers its own line and, when the line holds nothing else, the next one. The
//! reason after `--` is required; `until=YYYY-MM-DD` makes it lapse. A suppression without a
//! reason, with an unknown rule id, or past its date suppresses nothing and is reported
//! (`invalid-suppression`); with `--report-unused-ignores`, so is one that suppresses nothing
//! (`unused-suppression`), so that a stale ignore can't hide the next secret put on its line.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::date::Date;
use crate::finding::{Finding, Location};
use crate::rules::Catalogue;
use crate::source::SourceFile;
use crate::span::Span;

pub const INVALID_SUPPRESSION: &str = "invalid-suppression";
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";

/// One `credlint:ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub path: PathBuf,
    /// The comment, for reports about the suppression itself.
    pub span: Span,
    /// 0-based lines it covers.
    pub lines: Vec<usize>,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub until: Option<Result<Date, String>>,
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"credlint:ignore(?P<rules>(?:[ \t]+[a-z0-9][a-z0-9-]*(?:[ \t]*,[ \t]*[a-z0-9][a-z0-9-]*)*)?)(?:[ \t]+until=(?P<until>\S+))?(?:[ \t]+--[ \t]*(?P<reason>.*))?")
        .expect("valid regex")
});

/// Every suppression comment in a file. Pure: the text in, the comments out.
pub fn parse(file: &SourceFile) -> Vec<Suppression> {
    let text: &str = &file.text;
    if !text.contains("credlint:ignore") {
        return Vec::new();
    }
    let leaders = file.kind.line_comment_leaders();
    MARKER
        .captures_iter(text)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let line = file.lines.line_of(whole.start());
            let line_span = file.lines.line_span(text, line);
            let before_raw = &text[line_span.start..whole.start()];
            let before = before_raw.trim();
            // A suppression is a comment: `credlint:ignore` quoted in prose or code (in backticks
            // or quotes) or written outside any comment is a mention, not a suppression.
            let quoted = before_raw.ends_with(['`', '"', '\''].as_slice());
            let in_comment = opens_comment(before_raw, leaders) || before.starts_with('*');
            if quoted || !in_comment {
                return None;
            }
            // Alone on its line (only a comment leader before it): it also covers the next line.
            let alone = before.is_empty() || leaders.contains(&before) || before == "<!--";
            let mut lines = vec![line];
            if alone && line + 1 < file.lines.line_count() {
                lines.push(line + 1);
            }
            let reason = caps
                .name("reason")
                .map(|m| m.as_str().trim().trim_end_matches("-->").trim().to_owned())
                .filter(|r| !r.is_empty());
            Some(Suppression {
                path: file.path.clone(),
                span: Span::new(whole.start(), whole.end()),
                lines,
                rules: caps
                    .name("rules")
                    .map(|m| m.as_str().split(',').map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect())
                    .unwrap_or_default(),
                reason,
                until: caps.name("until").map(|m| m.as_str().parse::<Date>()),
            })
        })
        .collect()
}

/// Whether `before` (a line up to a marker) opens a comment: a comment leader, `/*` or `<!--`
/// outside any quoted string, at the line's start or after a space or the end of a statement. A
/// `#` in a URL's fragment, the `//` of `https://` and a leader inside a string open none.
fn opens_comment(before: &str, leaders: &[&str]) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut previous: Option<char> = None;
    for (i, c) in before.char_indices() {
        if let Some(open) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == open {
                quote = None;
            }
            previous = Some(c);
            continue;
        }
        if matches!(c, '"' | '\'' | '`') {
            quote = Some(c);
            previous = Some(c);
            continue;
        }
        let boundary = previous.is_none_or(|p| p.is_whitespace() || matches!(p, ';' | ')' | '}' | ']' | ','));
        let rest = &before[i..];
        if boundary
            && (leaders.iter().any(|leader| rest.starts_with(leader))
                || rest.starts_with("/*")
                || rest.starts_with("<!--"))
        {
            return true;
        }
        previous = Some(c);
    }
    false
}

/// What applying suppressions did.
#[derive(Debug, Default)]
pub struct Applied {
    pub suppressed: usize,
    /// Findings about the suppressions themselves.
    pub findings: Vec<Finding>,
}

/// Removes suppressed findings; reports invalid (and, if asked, unused) suppressions.
/// `line_of(path, offset)` gives the 0-based line of a finding's primary location.
pub fn apply(
    findings: &mut Vec<Finding>,
    suppressions: &[Suppression],
    catalogue: &Catalogue,
    today: Date,
    report_unused: bool,
    line_of: impl Fn(&std::path::Path, usize) -> Option<usize>,
) -> Applied {
    let mut applied = Applied::default();
    let mut problems: Vec<(usize, String)> = Vec::new();
    let mut usable: HashMap<(&std::path::Path, usize), Vec<usize>> = HashMap::new();
    for (index, suppression) in suppressions.iter().enumerate() {
        let unknown: Vec<&str> =
            suppression.rules.iter().map(String::as_str).filter(|rule| catalogue.rule(rule).is_none()).collect();
        let problem = if suppression.rules.is_empty() {
            Some("names no rule: write `credlint:ignore RULE -- reason`".to_owned())
        } else if suppression.reason.is_none() {
            Some("has no reason: add `-- why this is safe`".to_owned())
        } else if !unknown.is_empty() {
            Some(format!("names unknown rule `{}`", unknown.join("`, `")))
        } else {
            match &suppression.until {
                Some(Err(error)) => Some(error.clone()),
                Some(Ok(until)) if *until < today => Some(format!("expired on {until}")),
                _ => None,
            }
        };
        match problem {
            Some(problem) => problems.push((index, problem)),
            None => {
                for &line in &suppression.lines {
                    usable.entry((suppression.path.as_path(), line)).or_default().push(index);
                }
            }
        }
    }
    let mut used = vec![false; suppressions.len()];
    findings.retain(|finding| {
        let Some(line) = line_of(&finding.primary.path, finding.primary.span.start) else { return true };
        let Some(candidates) = usable.get(&(&*finding.primary.path, line)) else { return true };
        match candidates.iter().find(|&&i| suppressions[i].rules.iter().any(|r| *r == *finding.rule)) {
            Some(&i) => {
                used[i] = true;
                applied.suppressed += 1;
                false
            }
            None => true,
        }
    });
    let mut emit = |rule: &str, index: usize, message: String| {
        let Some(meta) = catalogue.rule(rule) else { return };
        let suppression = &suppressions[index];
        let primary = Location {
            path: suppression.path.as_path().into(),
            span: suppression.span,
            label: "this suppression".into(),
        };
        applied.findings.push(Finding::new(Arc::clone(&meta.id), meta.severity, message, primary));
    };
    let invalid: Vec<usize> = problems.iter().map(|(index, _)| *index).collect();
    for (index, problem) in problems {
        emit(INVALID_SUPPRESSION, index, format!("suppression {problem}; it suppresses nothing"));
    }
    if report_unused {
        for index in (0..suppressions.len()).filter(|i| !used[*i] && !invalid.contains(i)) {
            emit(UNUSED_SUPPRESSION, index, "suppression matches no finding: remove it".to_owned());
        }
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suppressions(text: &str) -> Vec<Suppression> {
        parse(&SourceFile::from_name("run.sh", text))
    }

    #[test]
    fn parses_rules_reason_and_date() {
        let found = suppressions(
            "# credlint:ignore basic-auth-password, hardcoded-credential until=2026-12-31 -- sandbox only
curl
",
        );
        assert_eq!(found.len(), 1);
        let s = &found[0];
        assert_eq!(s.rules, vec!["basic-auth-password", "hardcoded-credential"]);
        assert_eq!(s.reason.as_deref(), Some("sandbox only"));
        assert_eq!(s.until, Some(Ok("2026-12-31".parse().unwrap())));
        assert_eq!(s.lines, vec![0, 1], "a comment alone on its line covers the next line");
    }

    #[test]
    fn only_a_comment_suppresses_not_a_url_or_a_string() {
        let of = |name: &str, text: &str| parse(&SourceFile::from_name(name, text)).len();
        assert_eq!(of("run.sh", "curl -u a:b https://x/#credlint:ignore basic-auth-password -- no\n"), 0, "a fragment");
        assert_eq!(of("run.sh", "echo \"# credlint:ignore basic-auth-password -- no\"; curl -u a:b https://x\n"), 0);
        assert_eq!(of("a.js", "get('https://x/?q=//credlint:ignore basic-auth-password -- no')\n"), 0);
        assert_eq!(of("a.js", "fetch(\"https://x\"); // credlint:ignore basic-auth-password -- vendor sandbox\n"), 1);
        assert_eq!(of("a.js", "x = 1;// credlint:ignore basic-auth-password -- vendor sandbox\n"), 1);
        assert_eq!(of("a.py", "auth = ('a', 'b')  # credlint:ignore basic-auth-password -- sandbox\n"), 1);
    }

    #[test]
    fn a_trailing_comment_covers_only_its_line() {
        let found = suppressions(
            "x=1
curl -u a:b https://x  # credlint:ignore basic-auth-password -- test server
next
",
        );
        assert_eq!(found[0].lines, vec![1]);
    }

    #[test]
    fn missing_reason_is_recorded() {
        let found = suppressions(
            "# credlint:ignore basic-auth-password
",
        );
        assert_eq!(found[0].reason, None);
    }
}
