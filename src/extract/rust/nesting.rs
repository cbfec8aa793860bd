//! A guard run on the tokens before `syn` parses them: how deep would the parse recurse?
//!
//! `syn`'s parser and the AST's `Drop` recurse once per nested group, generic, prefix operator,
//! closure or assignment, and a hostile file (`((((…))))` a hundred thousand deep) would overflow
//! the stack: an abort, not a catchable panic. Lexing with `proc-macro2` is iterative, so the token
//! tree is measured here with an explicit stack and a file that would nest too deep is left to the
//! text patterns. The score is in rough units of stack use per level, measured on `syn` 2 in a
//! debug build: a generic argument costs about four times a prefix operator, a group two.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// What one token tree costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nesting {
    /// The highest score seen.
    pub score: usize,
    /// Where it was first exceeded: the line of the deepest token, 1-based.
    pub line: usize,
}

/// Binary operators and `.` chain iteratively in `syn`'s parser but nest in the AST, whose `Drop`
/// recurses: they count this much less than a real nesting level.
const CHAIN_DIVISOR: usize = 32;

/// Keywords followed by an expression they own.
const PREFIX_KEYWORDS: &[&str] = &["return", "break", "yield", "become", "box", "move", "async", "static"];

#[derive(Default)]
struct Frame {
    base: usize,
    angle: usize,
    prefix_run: usize,
    binds: usize,
    chain: usize,
    previous_punct: Option<(char, Spacing)>,
}

impl Frame {
    fn score(&self) -> usize {
        self.base + 4 * self.angle + self.prefix_run + self.binds + self.chain / CHAIN_DIVISOR
    }

    fn reset_statement(&mut self) {
        self.angle = 0;
        self.reset_item();
    }

    fn reset_item(&mut self) {
        self.prefix_run = 0;
        self.binds = 0;
        self.chain = 0;
    }
}

/// Measures a token stream; stops early once `limit` is exceeded.
pub fn measure(tokens: TokenStream, limit: usize) -> Nesting {
    let mut worst = Nesting { score: 0, line: 1 };
    let mut stack: Vec<(proc_macro2::token_stream::IntoIter, Frame)> = vec![(tokens.into_iter(), Frame::default())];
    while let Some((iter, frame)) = stack.last_mut() {
        let Some(token) = iter.next() else {
            stack.pop();
            continue;
        };
        match &token {
            TokenTree::Group(group) => {
                let weight = if group.delimiter() == Delimiter::None { 1 } else { 2 };
                let child = Frame { base: frame.score() + weight, ..Frame::default() };
                frame.previous_punct = None;
                frame.prefix_run = 0;
                if group.delimiter() == Delimiter::Brace {
                    // A block or an item body ends what came before it: `fn a() {} fn b() {}`
                    // are siblings, not a chain.
                    frame.reset_statement();
                }
                if child.base > worst.score {
                    worst = Nesting { score: child.base, line: group.span_open().start().line };
                }
                if worst.score > limit {
                    return worst;
                }
                stack.push((group.stream().into_iter(), child));
                continue;
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                let joined_to = frame.previous_punct.filter(|(_, spacing)| *spacing == Spacing::Joint).map(|(p, _)| p);
                match c {
                    ';' => frame.reset_statement(),
                    ',' => frame.reset_item(),
                    '<' if joined_to.is_none() => frame.angle += 1,
                    // `->` and `=>` are arrows, `>=` and `>>=` comparisons or assignments.
                    '>' if !matches!(joined_to, Some('-' | '=')) => frame.angle = frame.angle.saturating_sub(1),
                    '=' | '|' if joined_to.is_none() && punct.spacing() == Spacing::Alone => frame.binds += 1,
                    _ => frame.chain += 1,
                }
                frame.prefix_run = if frame.previous_punct.is_some() { frame.prefix_run + 1 } else { 1 };
                frame.previous_punct = Some((c, punct.spacing()));
            }
            // `return return return …`: a keyword that takes an expression nests like a prefix
            // operator, in the parser and in the AST's `Drop`.
            TokenTree::Ident(ident) if PREFIX_KEYWORDS.iter().any(|k| ident == k) => {
                frame.prefix_run += 1;
                frame.previous_punct = None;
            }
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                frame.prefix_run = 0;
                frame.previous_punct = None;
            }
        }
        let score = frame.score();
        if score > worst.score {
            worst = Nesting { score, line: token.span().start().line };
        }
        if worst.score > limit {
            return worst;
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn score(text: &str) -> usize {
        measure(TokenStream::from_str(text).unwrap(), usize::MAX).score
    }

    #[test]
    fn ordinary_code_scores_low() {
        let text =
            "fn f(x: Option<Vec<u8>>) -> bool { if let Some(v) = x { v.len() > 2 && !v.is_empty() } else { false } }";
        assert!(score(text) < 40, "{}", score(text));
    }

    #[test]
    fn deep_groups_generics_and_prefix_runs_score_high() {
        assert!(score(&format!("{}1{}", "(".repeat(300), ")".repeat(300))) > 512);
        assert!(score(&format!("type T = {}u8{};", "Vec<".repeat(200), ">".repeat(200))) > 512);
        assert!(score(&format!("fn f() {{ {}x }}", "!".repeat(1000))) > 512);
        for keyword in ["return", "break", "yield"] {
            assert!(score(&format!("fn f() {{ {}1 }}", format!("{keyword} ").repeat(1000))) > 512, "{keyword}");
        }
        assert!(score("fn f() -> u8 { return 1; }") < 40);
        assert!(score(&format!("fn f() {{ {}x }}", "|a| ".repeat(600))) > 512);
        assert!(score(&format!("fn f() {{ x{} }}", ".f()".repeat(20_000))) > 512);
    }

    #[test]
    fn measuring_stops_at_the_limit() {
        let text = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        let nesting = measure(TokenStream::from_str(&text).unwrap(), 512);
        assert!(nesting.score > 512 && nesting.score < 600);
    }
}
