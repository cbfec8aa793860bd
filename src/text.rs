//! `Text`: an immutable, shared string for what findings say (messages, labels, reasons), and
//! `Interner`, which makes a file's findings share one copy of each.
//!
//! A file with many findings repeats the same few texts (`the connection`, one message per host):
//! a `String` each would copy them into every finding, which was most of the memory of a scan of
//! a file with 300,000 credential uses. A `Text` is a reference-counted `str`: cloning it is a
//! count, and it reads, compares and prints like the `str` it holds.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// A thin pointer (one word): a finding holds six of them and a folded rule three, so a fat
/// `Arc<str>` cost 72 bytes more per finding of a place that two rules match.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<Box<str>>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn new(text: Box<str>) -> Text {
        Text(Arc::new(text))
    }
}

impl Default for Text {
    /// The empty text, shared: taking a text out of a finding (`mem::take`) allocates nothing.
    fn default() -> Text {
        static EMPTY: std::sync::LazyLock<Text> = std::sync::LazyLock::new(|| Text::new(Box::default()));
        EMPTY.clone()
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::new(text.into_boxed_str())
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::new(Box::from(text))
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Text {
        Text::new(Box::from(text.as_str()))
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.0.to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// One copy of each distinct text: `text` returns the copy already held when there is one.
/// Made per file (or per scan stage) and dropped with it, so nothing outlives the findings.
#[derive(Debug, Default)]
pub struct Interner {
    held: HashSet<Text>,
}

impl Interner {
    /// The held copy of `text`, made only when there is none: a file's findings repeat their
    /// texts, and a copy made for each only to be dropped again left the heap full of holes.
    pub fn text(&mut self, text: &str) -> Text {
        if let Some(held) = self.held.get(text) {
            return held.clone();
        }
        let made = Text::from(text);
        self.held.insert(made.clone());
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_compares_and_prints_as_its_str() {
        let text = Text::from(format!("sent to `{}`", "jira.example.com"));
        assert_eq!(text, "sent to `jira.example.com`");
        assert_eq!("sent to `jira.example.com`", text);
        assert!(text.contains("jira"));
        assert_eq!(format!("{text}"), "sent to `jira.example.com`");
        assert_eq!(format!("{text:?}"), "\"sent to `jira.example.com`\"");
        assert_eq!(serde_json::to_string(&text).unwrap(), "\"sent to `jira.example.com`\"");
    }

    #[test]
    fn interned_texts_share_one_copy() {
        let mut interner = Interner::default();
        let first = interner.text("the connection");
        let second = interner.text(&String::from("the connection"));
        assert!(Arc::ptr_eq(&first.0, &second.0), "equal texts are one allocation");
        let other = interner.text("used here");
        assert!(!Arc::ptr_eq(&first.0, &other.0));
        assert_eq!(other, "used here");
        assert!(Arc::ptr_eq(&Text::default().0, &Text::default().0), "the empty text is shared");
    }
}
