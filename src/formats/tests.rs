use super::*;
use crate::finding::Severity;
use crate::rules::Catalogue;
use crate::source::SourceFile;

fn rules() -> &'static Catalogue {
    static RULES: OnceLock<Catalogue> = OnceLock::new();
    RULES.get_or_init(|| Catalogue::embedded().expect("embedded rules load"))
}

/// The findings of `text` as file `name`, through extraction and the per-file checks.
fn findings(name: &str, text: &str) -> Vec<crate::finding::Finding> {
    crate::scan_source(&SourceFile::from_name(name, text), rules()).1
}

/// How the tests write an entry's example into a file: bare for a prefixed format, after its
/// first keyword for a keyword format.
fn line_for(entry: &TokenEntry, token: &str) -> String {
    match entry.keywords.first() {
        Some(keyword) => format!("{keyword}: {token}\n"),
        None => format!("see {token} for the value\n"),
    }
}

fn names(finding: &crate::finding::Finding, entry: &TokenEntry) -> bool {
    finding.message.contains(&format!("{} {}", entry.provider, entry.kind))
}

#[test]
fn every_embedded_catalogue_file_loads() {
    let loaded = Formats::load(embedded_files());
    let formats = loaded.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(formats.entries.len(), super::formats().entries.len(), "the static catalogue lost no file");
}

#[test]
fn every_example_is_found_anywhere_as_its_own_format_and_no_negative_is() {
    let mut failures = Vec::new();
    for entry in &formats().entries {
        for example in &entry.examples {
            let found = findings("notes.txt", &line_for(entry, example));
            let hit = found.iter().find(|f| &*f.rule == "hardcoded-credential" && names(f, entry));
            match hit {
                None => failures.push(format!(
                    "{}: example {} not reported as {} {} (got: {:?})",
                    entry.id,
                    crate::redact::redact(example),
                    entry.provider,
                    entry.kind,
                    found.iter().map(|f| &f.message).collect::<Vec<_>>()
                )),
                Some(finding) => {
                    if finding.revoke != Some(entry.revoke.as_str()) {
                        failures.push(format!("{}: the finding does not say where to revoke", entry.id));
                    }
                    if finding.redacted.as_deref().is_some_and(|shown| shown.contains(example.as_str())) {
                        failures.push(format!("{}: the finding shows the token", entry.id));
                    }
                }
            }
        }
        for negative in &entry.negative_examples {
            let found = findings("notes.txt", &line_for(entry, negative));
            if found.iter().any(|f| names(f, entry)) {
                failures.push(format!("{}: negative {} reported", entry.id, crate::redact::redact(negative)));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_catalogue_covers_the_providers_organisations_use() {
    let formats = formats();
    assert!(formats.providers() >= 150, "{} providers", formats.providers());
    for entry in &formats.entries {
        assert!(entry.examples.len() >= 2 && entry.negative_examples.len() >= 2, "{}", entry.id);
    }
}

/// A catalogue of one entry, for the engine's own tests (independent of the embedded data).
fn one(entry: &str) -> Formats {
    Formats::load([("rules/tokens/test.toml".to_owned(), entry.to_owned())]).expect("test entry loads")
}

const ACME: &str = r#"
[[token]]
id = "acme-api-key"
provider = "Acme"
kind = "api key"
prefixes = ["acme_"]
pattern = "acme_[0-9A-Za-z]{30}[0-9A-Za-z]{6}"
check = "base62-crc32-tail"
revoke = "https://acme.example/keys"
docs = "https://acme.example/docs"
examples = ["a", "b"]
negative_examples = ["c", "d"]
"#;

fn acme_token(random: &str) -> String {
    format!("acme_{random}{}", crate::codec::base62_encode_u32_padded(crc32fast::hash(random.as_bytes()), 6))
}

#[test]
fn a_token_is_only_taken_between_word_boundaries_and_with_its_check() {
    let formats = one(ACME);
    let token = acme_token("q8Vw3Lr5Tz1Nk7Hx2Bc9Fm4Jd6Sp0G");
    let entry = &formats.entries[0];
    assert!(entry.covers(&token) && entry.accepts(&token));
    let mut broken = token.clone();
    broken.pop();
    broken.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert!(!entry.accepts(&broken), "a failed checksum is no token");
    assert!(!entry.accepts("acme_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx000000"));
}

#[test]
fn find_all_keeps_the_longest_of_overlapping_formats_and_respects_boundaries() {
    let token = acme_token("q8Vw3Lr5Tz1Nk7Hx2Bc9Fm4Jd6Sp0G");
    let found = one(ACME).find_all(&format!("key={token}; x{token}; {token}9"));
    assert_eq!(found.len(), 1, "only the first stands alone: {found:?}");
    assert_eq!(found[0].span, Span::new(4, 4 + token.len()));
}

#[test]
fn checks_prove_what_they_say() {
    use Check::*;
    let signed = "ATATT3xFfGF0abc=";
    let crc = format!("{signed}{:08X}", crc32fast::hash(signed.as_bytes()));
    assert!(Crc32HexTail.holds(&crc, ""));
    assert!(!Crc32HexTail.holds(&format!("{signed}00000000"), ""));
    let header = crate::codec::base64_encode(br#"{"alg":"HS256"}"#, true, false);
    let claims = crate::codec::base64_encode(br#"{"sub":"svc"}"#, true, false);
    assert!(Jwt.holds(&format!("{header}.{claims}.c2ln"), ""));
    assert!(!Jwt.holds(&format!("{header}.bm90IGpzb24.c2ln"), ""), "claims that are not JSON");
    assert!(Base64Json.holds("", &claims));
    let mut macaroon = vec![2u8, 1, 8];
    macaroon.extend_from_slice(b"pypi.org");
    macaroon.extend_from_slice(&[7; 40]);
    let pypi = format!("pypi-{}", crate::codec::base64_encode(&macaroon, true, false));
    assert!(PypiMacaroon.holds(&pypi, ""));
    macaroon[3] = b'P';
    assert!(!PypiMacaroon.holds(&format!("pypi-{}", crate::codec::base64_encode(&macaroon, true, false)), ""));
    assert!(AwsKeyId.holds("AKIAQ2RSTUVWXYZ23456", ""));
    assert!(!AwsKeyId.holds("AKIAQ2RSTUVWXYZ23451", ""), "1 is not base32");
}

#[test]
fn a_checked_token_in_a_test_file_is_an_error_and_an_unchecked_one_a_note() {
    let checked = formats().entries.iter().find(|e| e.is_checked() && e.keywords.is_empty()).expect("a checked entry");
    let found = findings("tests/test_client.py", &format!("TOKEN = '{}'\n", checked.examples[0]));
    let finding = found.iter().find(|f| names(f, checked)).expect("found");
    assert_eq!(finding.severity, Severity::Error, "a checksum-valid token may be live");
    let unchecked =
        formats().entries.iter().find(|e| e.check == Check::None && e.keywords.is_empty()).expect("an unchecked entry");
    let found = findings("tests/test_client.py", &format!("TOKEN = '{}'\n", unchecked.examples[0]));
    let finding = found.iter().find(|f| names(f, unchecked)).unwrap_or_else(|| panic!("{}: {found:?}", unchecked.id));
    assert_eq!(finding.severity, Severity::Note);
}

#[test]
fn bad_entries_are_refused_with_their_file_and_id() {
    let broken = ACME.replace(r#"check = "base62-crc32-tail""#, r#"check = "luhn""#);
    let error = Formats::load([("rules/tokens/x.toml".to_owned(), broken)]).unwrap_err();
    assert!(
        error.contains("rules/tokens/x.toml") && error.contains("acme-api-key") && error.contains("luhn"),
        "{error}"
    );
    let twice = format!("{ACME}\n{ACME}");
    assert!(Formats::load([("t.toml".to_owned(), twice)]).unwrap_err().contains("twice"));
    let both = ACME.replace("prefixes = [\"acme_\"]", "prefixes = [\"acme_\"]\nkeywords = [\"acme\"]");
    assert!(Formats::load([("t.toml".to_owned(), both)]).unwrap_err().contains("not both"));
}

#[test]
fn a_body_of_separated_words_is_no_token() {
    assert!(reads_as_words("checking_Length-Is-_exactly_64--Xchecking_Length-Is-_longer_longer"));
    assert!(reads_as_words("my-tokens_are-correctAB38_280"));
    assert!(!reads_as_words("8mjF0ggsYnfWGikBaY23yvJfHjsKIgBxBTlWBwVR3uq7ody9b_dE9tO30vWs2bbO"));
    assert!(!reads_as_words("977953042962-752395724808-9059499618935-959ff0f9d54b65121b05f5612cd32781"));
}

#[test]
fn identifiers_and_words_around_a_keyword_are_no_token() {
    assert!(is_camel_case_words("SharePagerDutyAction"));
    assert!(is_camel_case_words("INAddTasksTemplateTemplateResult"));
    assert!(!is_camel_case_words("Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"));
    assert!(!is_camel_case_words("qWmKpLzXcVbNrTyUoIsDfGhJ"), "capital-lower pairs are chance, not words");
    assert!(!is_camel_case_words("ILOCBxIfRyIxHhzAUuZLXg"));
}

#[test]
fn a_structurally_checked_token_in_an_example_is_a_note() {
    let structural = formats()
        .entries
        .iter()
        .find(|e| e.check != Check::None && !e.is_checked() && e.keywords.is_empty())
        .expect("a structurally checked entry");
    let found = findings("examples/setup.md", &format!("Set `{}` in the config.\n", structural.examples[0]));
    let finding = found.iter().find(|f| names(f, structural)).unwrap_or_else(|| panic!("{}: {found:?}", structural.id));
    assert_eq!(finding.severity, Severity::Note, "a format is not a checksum: an example may have it");
}
