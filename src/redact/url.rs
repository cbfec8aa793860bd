//! URLs as reports may show them, and where a URL's user information ends.
//!
//! A URL can carry a secret in three places: the user information (`user:secret@`), the query
//! (`?access_token=…`, JDBC's `?password=…`) and the fragment (`#token=…`). A URL that reaches a
//! label, a connection name, an inventory message or SARIF's `repositoryUri` goes through
//! [`display_url`], which keeps the scheme, host, port and path and drops the rest.
//!
//! Passwords are not always well formed: `https://bot:Pa@ss/w0rd@host/` has an `@` and a `/` in
//! the password. [`userinfo_end`] errs on the side of hiding: the user information ends at the
//! *last* `@` of the authority, and when what precedes the first `/` is not a valid `host:port`,
//! at the last `@` of the whole URL.

/// The byte offset of the `@` that ends the user information of the URL `rest` (the text after
/// `scheme://`, up to the end of the URL), if it has any.
pub fn userinfo_end(rest: &str) -> Option<usize> {
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if let Some(at) = rest[..authority_end].rfind('@') {
        return Some(at);
    }
    // `user:pa/ss@host`: the part before the first `/` is `user:pa`, not a host with a numeric
    // port, so the URL is malformed in a way only a password explains.
    let authority = &rest[..authority_end];
    let malformed = authority.split_once(':').is_some_and(|(host, port)| {
        !(host.starts_with('[') || port.is_empty() || port.bytes().all(|b| b.is_ascii_digit()))
    });
    if malformed { rest.rfind('@') } else { None }
}

/// `url` without user information, query or fragment: what a report may print of a URL. Text
/// that is not a `scheme://` URL is returned with anything after a `?` or `#` dropped and
/// anything up to an `@` removed, so that a malformed URL can't carry a secret through either.
pub fn display_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) if url[..at].bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) => {
            (&url[..at + 3], &url[at + 3..])
        }
        _ => ("", url),
    };
    let rest = match userinfo_end(rest) {
        Some(at) => &rest[at + 1..],
        None if scheme.is_empty() => rest.rsplit_once('@').map_or(rest, |(_, host)| host),
        None => rest,
    };
    let kept = rest.split(['?', '#']).next().unwrap_or_default();
    format!("{scheme}{kept}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_drops_userinfo_query_and_fragment() {
        assert_eq!(display_url("https://bot:Pa@ssW0rd!2024x@jira.acme.io/rest"), "https://jira.acme.io/rest");
        assert_eq!(display_url("https://u:p@h.example/x?access_token=abc#token=def"), "https://h.example/x");
        assert_eq!(
            display_url("jdbc:postgresql://db.acme.io:5432/app?user=app&password=Jd8cQw3Zp0"),
            "jdbc:postgresql://db.acme.io:5432/app"
        );
        assert_eq!(display_url("https://id.example.com/tokens"), "https://id.example.com/tokens");
    }

    #[test]
    fn a_password_with_a_slash_is_still_userinfo() {
        assert_eq!(display_url("https://user:pa/ss@github.com/org/repo"), "https://github.com/org/repo");
        assert_eq!(display_url("https://host:8080/p/@scope/pkg"), "https://host:8080/p/@scope/pkg");
        assert_eq!(display_url("https://[::1]:8080/x"), "https://[::1]:8080/x");
    }

    #[test]
    fn userinfo_ends_at_the_last_at_of_the_authority() {
        let rest = "bot:Pa@ss@host/x@y";
        assert_eq!(userinfo_end(rest), Some(9));
        assert_eq!(userinfo_end("host/x@y"), None);
    }
}
