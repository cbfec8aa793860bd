//! Rule-file errors: each names the file and the TOML line of the offending value.

use super::{Catalogue, EMBEDDED_RULE_FILES, RuleError};

/// Loads the embedded catalogue plus `mine.toml`, expecting an error; returns (line, message).
fn error_of(text: &str) -> (usize, String) {
    let mut files: Vec<(String, String)> = EMBEDDED_RULE_FILES
        .iter()
        .filter(|(path, _)| !crate::formats::is_catalogue_file(path))
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    files.push(("mine.toml".to_owned(), text.to_owned()));
    match Catalogue::load(files) {
        Err(RuleError::Invalid { file, line, message }) => {
            assert_eq!(file, "mine.toml");
            (line, message)
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("loaded a bad rule file:\n{text}"),
    }
}

const GOOD: &str = "[[pattern]]
id = \"mine\"
description = \"my client's basic auth\"
kinds = [\"*\"]
keywords = [\"myclient\"]
regex = 'myclient\\(user=\"(?P<user>[^\"]*)\", pass=\"(?P<secret>[^\"]*)\"\\)'
scheme = \"basic\"
examples = [
  'myclient(user=\"svc\", pass=\"Summer2024!\")',
]
";

/// The embedded files loaded the way user files are: every regex compiled and every example
/// checked at load (a scan compiles them on first use).
#[test]
fn the_embedded_catalogue_compiles() {
    let files = EMBEDDED_RULE_FILES
        .iter()
        .filter(|(path, _)| !crate::formats::is_catalogue_file(path))
        .map(|(path, text)| (path.to_string(), text.to_string()));
    let catalogue = Catalogue::load(files).unwrap();
    assert!(catalogue.patterns.iter().all(|p| p.regex.compiled.get().is_some()));
}

#[test]
fn a_good_user_pattern_loads() {
    let mut files: Vec<(String, String)> = EMBEDDED_RULE_FILES
        .iter()
        .filter(|(path, _)| !crate::formats::is_catalogue_file(path))
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    files.push(("mine.toml".to_owned(), GOOD.to_owned()));
    let catalogue = Catalogue::load(files).unwrap();
    assert!(catalogue.patterns.iter().any(|p| &*p.id == "mine"));
}

#[test]
fn a_regex_that_does_not_compile_points_at_the_regex() {
    let (line, message) = error_of(&GOOD.replace("(?P<user>", "(?P<user"));
    assert_eq!(line, 6);
    assert!(message.contains("invalid regex"), "{message}");
}

#[test]
fn an_unknown_field_points_at_the_field() {
    let (line, message) = error_of(&GOOD.replace("scheme = \"basic\"", "scheme = \"basic\"\nseverity = \"error\""));
    assert_eq!(line, 8);
    assert!(message.contains("unknown field `severity`"), "{message}");
}

#[test]
fn a_duplicate_id_points_at_the_second_definition() {
    let (line, message) = error_of(&format!("{GOOD}\n{}", GOOD.replace("myclient", "otherclient")));
    assert_eq!(line, 12);
    assert!(message.contains("duplicate pattern id `mine`"), "{message}");
    // A user pattern may not take an embedded pattern's id either.
    let (_, message) = error_of(&GOOD.replace("id = \"mine\"", "id = \"curl-user\""));
    assert!(message.contains("duplicate pattern id `curl-user`"), "{message}");
}

#[test]
fn an_example_that_does_not_match_points_at_the_example() {
    let text = GOOD.replace("!\")',\n", "!\")',\n  'myclient(user=\"svc\")',\n");
    let (line, message) = error_of(&text);
    assert_eq!(line, 10);
    assert_eq!(message, "pattern `mine`: example 2 does not match the regex");
}

#[test]
fn an_example_without_a_keyword_points_at_the_example() {
    let (line, message) = error_of(&GOOD.replace("keywords = [\"myclient\"]", "keywords = [\"client_x\"]"));
    assert_eq!(line, 9);
    assert!(message.contains("example 1 holds none of the keywords"), "{message}");
}

#[test]
fn a_pattern_too_big_to_compile_is_refused_not_built() {
    // Counted repetitions of a Unicode class compile to far more than the size limit.
    let (line, message) = error_of(&GOOD.replace("(?P<secret>[^\"]*)", "(?P<secret>\\w{1000}{1000})"));
    assert_eq!(line, 6);
    assert!(message.contains("invalid regex") && message.contains("size limit"), "{message}");
}

/// The one-pass prefilter opens exactly
/// the patterns, APIs and parsers that a naive substring test of every keyword would, on texts
/// made of overlapping keyword fragments, in every file kind.
#[test]
fn the_prefilter_finds_every_keyword_occurrence() {
    use crate::source::FileKind;
    let catalogue = Catalogue::embedded().unwrap();
    let keywords = catalogue.prefilter_keywords.clone();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    for round in 0..3000 {
        let mut text = String::new();
        for _ in 0..1 + next(6) {
            let keyword = &keywords[next(keywords.len())];
            // A random slice of a keyword, sometimes the whole, in random case, glued on.
            let (from, to) = if next(3) == 0 { (0, keyword.len()) } else { (next(keyword.len()), keyword.len()) };
            for (i, c) in keyword[from..to].chars().enumerate() {
                text.push(if (round + i) % 3 == 0 { c.to_ascii_uppercase() } else { c });
            }
            if next(4) == 0 {
                text.push(' ');
            }
        }
        let kind = FileKind::ALL[next(FileKind::ALL.len())];
        let lowered = text.to_ascii_lowercase();
        let present: Vec<usize> = (0..keywords.len()).filter(|&k| lowered.contains(&keywords[k])).collect();
        let mut expected_patterns: Vec<&str> = Vec::new();
        let mut expected_apis = 0;
        let mut expected_parsers = 0u8;
        for &keyword in &present {
            let gate = keyword.checked_sub(catalogue.parse_gate);
            // A sink's callee opens the tree reader only in the sink's languages.
            let whole_word_somewhere = || {
                lowered.match_indices(keywords[keyword].as_str()).any(|(at, word)| {
                    let before = lowered[..at].chars().next_back();
                    let after = lowered[at + word.len()..].chars().next();
                    let identifier = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                    !identifier(before) && !identifier(after)
                })
            };
            if let Some(gate) = gate.map(|g| &catalogue.gates[g])
                && gate.opens_in(kind)
                && (gate.bits != super::GATE_SINK || whole_word_somewhere())
            {
                expected_parsers |= gate.bits;
            }
        }
        for (index, pattern) in catalogue.patterns.iter().enumerate() {
            let opened =
                present.iter().any(|&k| k < catalogue.parse_gate && catalogue.keyword_patterns[k].contains(&index));
            if opened && pattern.applies_to(kind) {
                expected_patterns.push(&pattern.id);
            }
        }
        for index in 0..catalogue.token_apis.len() {
            let gate = catalogue.patterns.len() + index;
            if present.iter().any(|&k| k < catalogue.parse_gate && catalogue.keyword_patterns[k].contains(&gate)) {
                expected_apis += 1;
            }
        }
        let candidates = catalogue.candidates(&text, kind);
        let found: Vec<&str> = candidates.patterns.iter().map(|p| &*p.id).collect();
        assert_eq!(found, expected_patterns, "{text:?} as {kind:?}");
        assert_eq!(candidates.token_apis.len(), expected_apis, "{text:?}");
        assert_eq!(candidates.parsers, expected_parsers, "{text:?}");
    }
}

const GOOD_SINK: &str = "[[sink]]
id = \"my-db\"
description = \"MyDb.open(host, user, password)\"
kind = \"database\"
languages = [\"java\"]
patterns = [\"MyDb.open($URL, $USER, $SECRET)\"]
examples = ['String pw = \"Tr0ub4dor&3\"; MyDb.open(\"db\", \"app\", pw);']
";

#[test]
fn a_user_sink_loads_and_its_errors_point_at_their_lines() {
    let mut files: Vec<(String, String)> = EMBEDDED_RULE_FILES
        .iter()
        .filter(|(path, _)| !crate::formats::is_catalogue_file(path))
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    files.push(("mine.toml".to_owned(), GOOD_SINK.to_owned()));
    let catalogue = Catalogue::load(files).unwrap();
    assert!(catalogue.sinks().iter().any(|s| &*s.id == "my-db"));
    let (line, message) = error_of(&GOOD_SINK.replace("\"database\"", "\"databse\""));
    assert_eq!(line, 4);
    assert!(message.contains("unknown sink kind `databse`"), "{message}");
    let (line, message) = error_of(&GOOD_SINK.replace("$SECRET)", "$PASSWORD)"));
    assert_eq!(line, 6);
    assert!(message.contains("unknown metavariable"), "{message}");
    let (line, message) = error_of(&GOOD_SINK.replace("[\"java\"]", "[\"cobol\"]"));
    assert_eq!(line, 5);
    assert!(message.contains("unknown language `cobol`"), "{message}");
    let (_, message) = error_of(&format!("{GOOD_SINK}\n{GOOD_SINK}"));
    assert!(message.contains("duplicate sink id `my-db`"), "{message}");
}

/// A sink's callee opens the tree reader in the sink's own languages only: the Ruby-only
/// `http_basic_authenticate_with` opens a Ruby file, not a Python one.
#[test]
fn a_sink_callee_opens_the_tree_reader_in_its_languages_only() {
    let catalogue = Catalogue::embedded().unwrap();
    let text = "http_basic_authenticate_with name: user";
    use crate::source::FileKind;
    assert_ne!(catalogue.candidates(text, FileKind::Ruby).parsers & super::GATE_SINK, 0);
    assert_eq!(catalogue.candidates(text, FileKind::Python).parsers & super::GATE_SINK, 0);
    // A whole word only: a license's "Redistribution" does not name `Redis`.
    assert_eq!(catalogue.candidates("# Redistribution and use", FileKind::Python).parsers & super::GATE_SINK, 0);
    assert_ne!(catalogue.candidates("r = redis.Redis(host)", FileKind::Python).parsers & super::GATE_SINK, 0);
}
