//! The embedded word list: words that people build passwords from, and a matcher that finds them
//! inside a value.
//!
//! This module owns the list and the matching; it does not decide anything. `classifier` uses it
//! for two questions: does a value contain dictionary words (a password hallmark, and a reason a
//! long value is not a random token), and how much of the value do the words cover.
//!
//! Only words of four letters or more are listed: shorter ones occur by chance in random tokens too
//! often to mean anything (any three letters appear in a 192-character token with good odds).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Words common in human passwords: the most used password stems, common English words, first
/// names, places, months, seasons, sports, and the names of the products credlint users log in to.
/// Lower case; matched case-insensitively.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    // Password stems and keyboard walks.
    "password", "passwd", "passw0rd", "letmein", "welcome", "qwerty", "qwertz", "azerty", "asdf",
    "zxcv", "1234", "4321", "abcd", "admin", "administrator", "login", "logon", "master", "secret",
    "default", "changeme", "changeit", "access", "trustno", "iloveyou", "whatever", "nothing",
    "hunter", "shadow", "sunshine", "princess", "dragon", "monkey", "football", "baseball",
    "basketball", "soccer", "hockey", "tennis", "golf", "superman", "batman", "spiderman",
    "starwars", "pokemon", "minecraft", "matrix", "freedom", "guest", "root", "user", "test",
    "demo", "temp", "hello", "world", "love", "lover", "loveme", "cookie", "cheese", "pepper",
    "ginger", "butter", "flower", "angel", "baby", "babygirl", "sweet", "heart", "lucky", "magic",
    "money", "power", "super", "happy", "smile", "friend", "friends", "family", "mother", "father",
    "sister", "brother", "daddy", "mommy", "jesus", "christ", "faith", "trust", "peace", "dream",
    "dreams", "star", "stars", "moon", "night", "nacht", "light", "dark", "fire", "water", "earth",
    "wind", "storm", "thunder", "ocean", "river", "mountain", "forest", "tree", "rock", "stone",
    "snow", "rain",
    // Seasons, months and days.
    "spring", "summer", "autumn", "winter", "january", "february", "march", "april", "june", "july",
    "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "today", "tomorrow",
    // Colours, animals, food.
    "black", "white", "blue", "green", "yellow", "orange", "purple", "pink", "silver", "golden",
    "gold", "diamond", "crystal", "tiger", "lion", "eagle", "falcon", "wolf", "bear", "horse",
    "kitty", "kitten", "puppy", "bunny", "rabbit", "dolphin", "shark", "snake", "spider",
    "dragonfly", "panda", "chicken", "apple", "banana", "cherry", "lemon", "mango", "pizza",
    "coffee", "chocolate", "candy", "sugar", "honey", "beer", "whisky", "vodka",
    // First names (frequent in leaked password lists).
    "michael", "jennifer", "thomas", "charlie", "jessica", "ashley", "daniel", "andrew", "joshua",
    "matthew", "anthony", "robert", "william", "jordan", "taylor", "hannah", "michelle", "nicole",
    "amanda", "melissa", "george", "harley", "maggie", "oliver", "jack", "john", "james", "david",
    "peter", "paul", "mark", "anna", "maria", "sophie", "emma", "alex", "chris", "steve", "kevin",
    "brian", "jason", "justin", "ranger", "hopkins", "bluth",
    // Places.
    "london", "paris", "berlin", "munich", "madrid", "rome", "tokyo", "sydney", "dallas", "boston",
    "chicago", "texas", "florida", "california", "america", "canada", "england", "france",
    "germany", "india", "china", "brazil", "mexico",
    // Work, products and technology people name passwords after.
    "company", "office", "work", "home", "house", "school", "college", "team", "project", "server",
    "system", "network", "internet", "computer", "database", "oracle", "mysql", "postgres", "mongo",
    "redis", "docker", "kube", "jenkins", "jira", "confluence", "atlassian", "bitbucket", "bamboo",
    "github", "gitlab", "google", "microsoft", "windows", "linux", "android", "samsung", "cisco",
    "amazon", "azure", "cloud", "deploy", "build", "release", "prod", "production", "stage",
    "staging", "develop", "developer", "service", "account", "portal", "intranet", "support",
    "helpdesk", "manager",
    // Words that documentation examples are made of.
    "your", "here", "token", "example", "sample", "placeholder", "dummy", "fake", "replace",
    "insert", "generate", "change", "value", "personal",
];

/// One case-insensitive automaton over the word list, built once. Overlapping matches are needed
/// to measure coverage, so the standard match semantics are used.
static MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(WORDS)
        .expect("the embedded word list is a valid automaton")
});

/// How much of a value dictionary words account for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WordCover {
    /// Bytes of the value inside at least one dictionary word.
    pub covered: usize,
    /// The longest single word found, in bytes.
    pub longest: usize,
}

impl WordCover {
    pub(crate) fn any(self) -> bool {
        self.longest > 0
    }
}

/// Finds dictionary words in `text` (case-insensitively, also after undoing leetspeak) and
/// reports how much of it they cover.
pub(crate) fn cover(text: &str) -> WordCover {
    let direct = cover_bytes(text.as_bytes());
    // Undo the common substitutions (`P@ssw0rd`, `S3cret`) so the words under them are found too.
    // Each substitution maps one byte to one byte, so covered counts stay comparable.
    let plain: Vec<u8> = text.bytes().map(unleet).collect();
    if plain.as_slice() == text.as_bytes() {
        return direct;
    }
    let unleeted = cover_bytes(&plain);
    WordCover { covered: direct.covered.max(unleeted.covered), longest: direct.longest.max(unleeted.longest) }
}

/// True when `text` only contains dictionary words once leetspeak is undone: `P@ssw0rd` has a
/// word that `Password` does not need substitutions to show.
pub(crate) fn has_leetspeak_word(text: &str) -> bool {
    let has_substitute = text.bytes().any(|b| unleet(b) != b);
    has_substitute && !cover_bytes(text.as_bytes()).any() && {
        let plain: Vec<u8> = text.bytes().map(unleet).collect();
        cover_bytes(&plain).any()
    }
}

fn unleet(b: u8) -> u8 {
    match b {
        b'0' => b'o',
        b'1' | b'!' => b'i',
        b'3' => b'e',
        b'4' | b'@' => b'a',
        b'5' | b'$' => b's',
        b'7' => b't',
        other => other,
    }
}

fn cover_bytes(bytes: &[u8]) -> WordCover {
    let mut covered = vec![false; bytes.len()];
    let mut longest = 0;
    for m in MATCHER.find_overlapping_iter(bytes) {
        longest = longest.max(m.len());
        for flag in &mut covered[m.start()..m.end()] {
            *flag = true;
        }
    }
    WordCover { covered: covered.iter().filter(|&&c| c).count(), longest }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_case_insensitively_and_measures_cover() {
        let c = cover("SummerWinter");
        assert_eq!(c.covered, 12);
        assert_eq!(c.longest, 6);
        assert!(cover("69WalpurgisNacht69").any());
        assert!(!cover("kQ9vZr2XwB7m").any());
    }

    #[test]
    fn undoes_leetspeak() {
        assert!(cover("P@ssw0rd").longest >= 8);
        assert!(has_leetspeak_word("S3cr3t"));
        assert!(!has_leetspeak_word("Secret"));
        assert!(!has_leetspeak_word("kQ9vZr2XwB7m"));
    }

    #[test]
    fn the_list_holds_only_lowercase_words_of_four_or_more_characters() {
        for word in WORDS {
            assert!(word.len() >= 4, "{word} is too short to mean anything");
            assert_eq!(word.to_ascii_lowercase(), *word);
        }
        assert!(!cover("xskyx").any());
    }
}
