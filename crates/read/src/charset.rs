//! Charset: turns the bytes of a web page into text. In: bytes, an optional charset from
//! transport headers (HTTP `Content-Type` in a WARC record). Out: `String` and the encoding used.
//!
//! Order: byte-order mark, then the transport header, then `<meta charset>` /
//! `<meta http-equiv="Content-Type">` in the first 4 KB, then UTF-8 if the bytes are valid UTF-8,
//! else a statistical guess (chardetng). A declaration is not trusted blindly: a page that
//! declares a single-byte charset but is valid UTF-8 with non-ASCII bytes is read as UTF-8, and
//! a page that declares UTF-8 but is not valid UTF-8 is guessed. Never fails: undecodable bytes
//! become U+FFFD.

use encoding_rs::{Encoding, UTF_8};

/// Find a `charset=` declaration in the `<meta>` tags of the first 4 KB.
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + i;
        let end = memchr::memchr(b'>', &lower[start..])
            .map(|e| start + e)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(c) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let len = rest
                    .iter()
                    .position(|b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..len]) {
                    return Some(enc);
                }
            }
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// The charset named in a `Content-Type` header value (`text/html; charset=ISO-8859-1`).
pub fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let i = lower.find("charset=")?;
    let v = lower[i + 8..].trim_matches(|c| c == '"' || c == '\'' || c == ' ');
    let v = v.split([';', ' ', '"', '\'']).next().unwrap_or("");
    Encoding::for_label(v.as_bytes())
}

/// Decode a page. `declared` is a transport-level charset, if any.
pub fn decode(bytes: &[u8], declared: Option<&'static Encoding>) -> (String, &'static Encoding) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc);
    }
    let declared = declared.or_else(|| meta_charset(bytes));
    // Validated once; the valid text is then copied, not decoded again.
    let utf8 = std::str::from_utf8(bytes).ok();
    // Labels such as UTF-16 or "replacement" cannot describe an ASCII-compatible page.
    match declared.map(|e| e.output_encoding()) {
        Some(enc) if enc != UTF_8 => {
            if let Some(text) = utf8.filter(|_| !bytes.is_ascii()) {
                // Mislabelled: valid UTF-8 with non-ASCII bytes is almost never legacy text.
                return (text.to_owned(), UTF_8);
            }
            let (text, _, had_errors) = enc.decode(bytes);
            if had_errors && !enc.is_single_byte() {
                return guess(bytes);
            }
            (text.into_owned(), enc)
        }
        _ => match utf8 {
            Some(text) => (text.to_owned(), UTF_8),
            None => guess(bytes),
        },
    }
}

/// A statistical guess over the bytes (chardetng), for pages with no usable declaration.
fn guess(bytes: &[u8]) -> (String, &'static Encoding) {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    det.feed(sample, sample.len() == bytes.len());
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    (text.into_owned(), enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8], header: Option<&str>, expect_text: &str, expect_enc: &str) {
        let (text, enc) = decode(bytes, header.and_then(header_charset));
        assert!(
            text.contains(expect_text),
            "{text:?} should contain {expect_text:?}"
        );
        assert_eq!(enc.name(), expect_enc);
    }

    #[test]
    fn declarations_are_read_in_order() {
        check(
            b"<meta charset=\"windows-1252\"><p>caf\xe9</p>",
            None,
            "café",
            "windows-1252",
        );
        check(
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>na\xefve</p>",
            None,
            "naïve",
            "windows-1252",
        );
        check(
            b"<p>caf\xe9</p>",
            Some("text/html; charset=latin1"),
            "café",
            "windows-1252",
        );
        check(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", None, "café", "UTF-8");
        check(
            b"<meta charset=shift_jis><p>\x93\xfa\x96\x7b\x8c\xea</p>",
            None,
            "日本語",
            "Shift_JIS",
        );
        check(
            b"<meta charset=gb18030><p>\xd6\xd0\xce\xc4</p>",
            None,
            "中文",
            "gb18030",
        );
    }

    #[test]
    fn wrong_declarations_are_overruled() {
        // Declares latin-1 but is UTF-8.
        check(
            "<meta charset=\"iso-8859-1\"><p>café – naïve</p>".as_bytes(),
            None,
            "café – naïve",
            "UTF-8",
        );
        // Declares UTF-8 but is windows-1252.
        check(
            b"<meta charset=\"utf-8\"><p>Le caf\xe9 est tr\xe8s bon, dit-il \x96 et voil\xe0.</p>",
            None,
            "café est très bon",
            "windows-1252",
        );
    }
}
