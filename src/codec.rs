//! Small codecs that token validation needs: strict base64 decoding (the `base64` crate's engines)
//! and the base62 encoding of a `u32`. CRC-32 is `crc32fast::hash`, called directly.
//!
//! This module owns byte-level encodings only; it knows nothing about tokens or secrets. Its callers
//! are `classify` (checksums of Atlassian, GitHub and npm tokens; decoding `Basic` blobs and Data
//! Center PATs) and any extractor that has to decode a base64 wrapper. Every function is total: it
//! never panics, whatever bytes or text it is given, because its input comes from hostile files.

// Base62 stays hand-written: no well-kept crate implements this alphabet order (digits, upper,
// lower) with fixed-width zero padding of a `u32`, and the whole encoder is a dozen lines.

/// The base62 alphabet GitHub and npm use for checksums: digits, then upper case, then lower case.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Encodes `n` in base62 (most significant digit first), left-padded with `'0'` to `width`.
///
/// A number that needs more than `width` digits is returned whole rather than truncated, so that a
/// comparison against a fixed-width field can never succeed by accident.
#[must_use]
pub fn base62_encode_u32_padded(n: u32, width: usize) -> String {
    // A u32 needs at most 6 base62 digits (62^6 > 2^32).
    let mut digits = [0u8; 6];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = BASE62[(rest % 62) as usize];
        len += 1;
        rest /= 62;
        if rest == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(width.max(len));
    for _ in len..width {
        out.push('0');
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(d));
    }
    out
}

/// Decodes base64 in the standard or the URL-safe alphabet (RFC 4648 §4 and §5), with or without
/// `=` padding.
///
/// Returns `None` for anything that is not canonical base64: characters outside the alphabet
/// (whitespace included), the two alphabets mixed in one string, padding in the middle or of the
/// wrong length, a length that no encoder produces, or non-zero bits in the last character. Being
/// strict is the point: the classifier uses a successful decode as evidence that a value *is* an
/// encoding, so random text must not decode by accident.
///
/// The `base64` crate's strict engines do the work: a string that ends in `=` must be padded
/// canonically (`STANDARD`, `URL_SAFE`: so `Zg=` is refused), one that doesn't must need no
/// padding bits (`*_NO_PAD`); neither allows trailing bits. Each engine knows one alphabet, so a
/// mixed string fails both.
#[must_use]
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let (standard, url_safe) =
        if s.ends_with('=') { (&STANDARD, &URL_SAFE) } else { (&STANDARD_NO_PAD, &URL_SAFE_NO_PAD) };
    standard.decode(s).or_else(|_| url_safe.decode(s)).ok()
}

/// The GitHub-style checksum of `random`: its CRC-32 (IEEE) in base62, left-padded to 6 digits
/// (GitHub's and npm's token tails, and the token catalogue's `base62-crc32-tail`).
pub fn base62_crc32(random: &str) -> String {
    base62_encode_u32_padded(crc32fast::hash(random.as_bytes()), 6)
}

/// Whether the last 8 characters of `text` are the hex CRC-32 (IEEE) of everything before them,
/// in either case (Atlassian's token tails, and the catalogue's `crc32-hex-tail`).
pub fn crc32_hex_tail_holds(text: &str) -> bool {
    let Some(split) = text.len().checked_sub(8).filter(|&at| text.is_char_boundary(at)) else { return false };
    let (signed, tail) = text.split_at(split);
    tail.bytes().all(|b| b.is_ascii_hexdigit())
        && u32::from_str_radix(tail, 16).is_ok_and(|sum| sum == crc32fast::hash(signed.as_bytes()))
}

/// A test-only base64 encoder, so that tests can build encoded fixtures (Data Center PATs, `Basic`
/// blobs, JWTs) from their parts instead of hardcoding opaque strings.
#[cfg(test)]
pub(crate) fn base64_encode(bytes: &[u8], url_safe: bool, pad: bool) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    match (url_safe, pad) {
        (false, true) => STANDARD.encode(bytes),
        (false, false) => STANDARD_NO_PAD.encode(bytes),
        (true, true) => URL_SAFE.encode(bytes),
        (true, false) => URL_SAFE_NO_PAD.encode(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32fast_is_the_iso_hdlc_crc_the_tokens_carry() {
        assert_eq!(crc32fast::hash(b""), 0);
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32fast::hash(b"a"), 0xE8B7_BE43);
        assert_eq!(crc32fast::hash(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
    }

    #[test]
    fn base62_encodes_most_significant_digit_first_with_zero_padding() {
        assert_eq!(base62_encode_u32_padded(0, 6), "000000");
        assert_eq!(base62_encode_u32_padded(61, 6), "00000z");
        assert_eq!(base62_encode_u32_padded(62, 6), "000010");
        assert_eq!(base62_encode_u32_padded(u32::MAX, 6), "4gfFC3");
        // The CRC-32 of "123456789" is 0xCBF43926 = 3421780262
        // = 3·62^5 + 45·62^4 + 35·62^3 + 27·62^2 + 22·62 + 14, digits "3", "j", "Z", "R", "M", "E".
        assert_eq!(base62_encode_u32_padded(crc32fast::hash(b"123456789"), 6), "3jZRME");
        // A width smaller than the number never truncates it.
        assert_eq!(base62_encode_u32_padded(62, 1), "10");
    }

    #[test]
    fn base64_decodes_rfc4648_vectors_with_and_without_padding() {
        let vectors: [(&str, &[u8]); 7] = [
            ("", b""),
            ("Zg==", b"f"),
            ("Zm8=", b"fo"),
            ("Zm9v", b"foo"),
            ("Zm9vYg==", b"foob"),
            ("Zm9vYmE=", b"fooba"),
            ("Zm9vYmFy", b"foobar"),
        ];
        for (encoded, decoded) in vectors {
            assert_eq!(base64_decode(encoded).as_deref(), Some(decoded), "{encoded}");
            let unpadded = encoded.trim_end_matches('=');
            assert_eq!(base64_decode(unpadded).as_deref(), Some(decoded), "{unpadded}");
        }
    }

    #[test]
    fn base64_accepts_both_alphabets_but_not_mixed() {
        assert_eq!(base64_decode("+/+/").as_deref(), Some(&[0xFB, 0xFF, 0xBF][..]));
        assert_eq!(base64_decode("-_-_").as_deref(), Some(&[0xFB, 0xFF, 0xBF][..]));
        assert_eq!(base64_decode("+_+_"), None);
    }

    #[test]
    fn base64_rejects_garbage() {
        for garbage in [
            "=",
            "==",
            "Z",
            "Zg=",
            "Zg===",
            "Z===",
            "Zm9v YmFy",
            "Zm9v\n",
            "Zm=9v",
            "Zm9v!",
            "Zh==",
            "Zm9=",
            "é",
            "Zm9vYmFyé",
        ] {
            assert_eq!(base64_decode(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn base64_round_trips_the_test_encoder() {
        let data: Vec<u8> = (0u8..=255).collect();
        for len in [0, 1, 2, 3, 4, 5, 33, 256] {
            for (url_safe, pad) in [(false, true), (false, false), (true, true), (true, false)] {
                let encoded = base64_encode(&data[..len], url_safe, pad);
                assert_eq!(base64_decode(&encoded).as_deref(), Some(&data[..len]), "{encoded}");
            }
        }
    }
}
