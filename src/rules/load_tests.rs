//! Rule-file errors: each names the file and the TOML line of the offending value.

use super::{Catalogue, EMBEDDED_RULE_FILES, RuleError};

/// Loads the embedded catalogue plus `mine.toml`, expecting an error; returns (line, message).
fn error_of(text: &str) -> (usize, String) {
    let mut files: Vec<(String, String)> =
        EMBEDDED_RULE_FILES.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect();
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

#[test]
fn a_good_user_pattern_loads() {
    let mut files: Vec<(String, String)> =
        EMBEDDED_RULE_FILES.iter().map(|(path, text)| (path.to_string(), text.to_string())).collect();
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
