//! The checks a catalogued token format can carry (`check = "…"` in `rules/tokens/*.toml`):
//! what a token's own structure proves beyond its shape.

use crate::codec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Nothing beyond the shape: the body must look random.
    None,
    /// The last 8 characters are the hex CRC-32 of everything before them (Atlassian).
    Crc32HexTail,
    /// The last 6 characters are the base62 CRC-32 of the body before them (GitHub, npm).
    Base62Crc32Tail,
    /// A JSON Web Token: three base64url parts, the first two JSON objects.
    Jwt,
    /// The body (up to its first `.`) is base64 of a JSON object.
    Base64Json,
    /// `pypi-` + base64url of a macaroon located at `pypi.org` or `test.pypi.org`.
    PypiMacaroon,
    /// An AWS access key id: 16 base32 characters after the 4-character prefix.
    AwsKeyId,
}

impl Check {
    pub fn parse(name: &str) -> Option<Check> {
        Some(match name {
            "none" => Check::None,
            "crc32-hex-tail" => Check::Crc32HexTail,
            "base62-crc32-tail" => Check::Base62Crc32Tail,
            "jwt" => Check::Jwt,
            "base64-json" => Check::Base64Json,
            "pypi-macaroon" => Check::PypiMacaroon,
            "aws-key-id" => Check::AwsKeyId,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Check::None => "none",
            Check::Crc32HexTail => "crc32-hex-tail",
            Check::Base62Crc32Tail => "base62-crc32-tail",
            Check::Jwt => "jwt",
            Check::Base64Json => "base64-json",
            Check::PypiMacaroon => "pypi-macaroon",
            Check::AwsKeyId => "aws-key-id",
        }
    }

    /// Whether a passing check proves a real token: a checksum cannot pass by accident, so it
    /// beats every placeholder test and stays an error in a test file. A structural check (a JWT's
    /// JSON, a base32 key id) proves the format only: `AKIAIOSFODNN7EXAMPLE` has it too.
    pub fn is_checksum(self) -> bool {
        matches!(self, Check::Crc32HexTail | Check::Base62Crc32Tail)
    }

    /// What a passing check proves, for a finding's reason.
    pub fn proves(self) -> &'static str {
        match self {
            Check::None => "its prefix and a random body",
            Check::Crc32HexTail | Check::Base62Crc32Tail => "its format and its crc32 checksum",
            Check::Jwt => "its format and its decoded header and claims",
            Check::Base64Json => "its format and its decoded json body",
            Check::PypiMacaroon => "its format and its decoded macaroon",
            Check::AwsKeyId => "its prefix and its base32 key id",
        }
    }

    /// Whether the check holds for `token`, whose part after its prefix is `body`.
    pub fn holds(self, token: &str, body: &str) -> bool {
        match self {
            Check::None => true,
            Check::Crc32HexTail => codec::crc32_hex_tail_holds(token),
            Check::Base62Crc32Tail => {
                let Some(split) = body.len().checked_sub(6).filter(|&at| at > 0 && body.is_char_boundary(at)) else {
                    return false;
                };
                let (random, tail) = body.split_at(split);
                codec::base62_crc32(random) == tail
            }
            Check::Jwt => {
                let mut parts = token.split('.');
                let (Some(header), Some(claims), Some(signature), None) =
                    (parts.next(), parts.next(), parts.next(), parts.next())
                else {
                    return false;
                };
                is_json_object(header)
                    && is_json_object(claims)
                    && signature.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            }
            Check::Base64Json => is_json_object(body.split('.').next().unwrap_or_default()),
            Check::PypiMacaroon => {
                let Some(raw) = token.strip_prefix("pypi-").and_then(codec::base64_decode) else { return false };
                let [2, 1, length, rest @ ..] = raw.as_slice() else { return false };
                let location = rest.get(..usize::from(*length));
                matches!(location, Some(b"pypi.org") | Some(b"test.pypi.org"))
            }
            Check::AwsKeyId => {
                let id = token.get(4..).unwrap_or_default();
                id.len() == 16 && id.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
            }
        }
    }
}

/// Whether `segment` is base64 (or base64url) of a JSON object.
fn is_json_object(segment: &str) -> bool {
    codec::base64_decode(segment)
        .and_then(|raw| serde_json::from_slice::<serde_json::Value>(&raw).ok())
        .is_some_and(|value| value.is_object())
}
