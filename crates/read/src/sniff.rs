//! Sniff: which input format a file holds, from its first bytes (and its name only as a
//! tie-breaker): gzip, WARC, RSS/Atom feed, HTML, news-please JSON, JSON Lines or plain text.
//! In: the first bytes and the file name. Out: [`Format`]. Pure.

/// An input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// gzip-compressed: decompress, then sniff again.
    Gzip,
    /// A WARC archive (uncompressed).
    Warc,
    /// An RSS, RDF or Atom feed.
    Feed,
    /// An HTML page.
    Html,
    /// One JSON object: a news-please article (`maintext`) or an article object.
    Json,
    /// JSON Lines, one article a line.
    JsonLines,
    /// Plain text.
    Text,
}

pub use corroborate_model::looks_binary;

/// File types that are not articles, by their magic bytes: `(magic, offset, name)`.
const NOT_ARTICLES: &[(&[u8], usize, &str)] = &[
    (b"%PDF-", 0, "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"WEBP", 8, "a WebP image"),
    (b"II*\x00", 0, "a TIFF image"),
    (b"MM\x00*", 0, "a TIFF image"),
    (b"PK\x03\x04", 0, "a ZIP archive (or .docx, .epub, .odt)"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7z archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"BZh", 0, "a bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"\x28\xb5\x2f\xfd", 0, "a Zstandard archive"),
    (b"ustar", 257, "a tar archive"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        0,
        "an old Microsoft Office document",
    ),
    (b"\x7fELF", 0, "an executable"),
    (b"ftyp", 4, "an MP4/QuickTime video"),
    (b"ID3", 0, "an MP3 audio file"),
];

/// What kind of non-article file `head` (its first bytes) starts like, if a known one: "a PDF
/// document", "a PNG image", "a ZIP archive ...". gzip is not listed: readers open it.
pub fn not_an_article(head: &[u8]) -> Option<&'static str> {
    NOT_ARTICLES
        .iter()
        .find(|(magic, at, _)| head.get(*at..at + magic.len()) == Some(*magic))
        .map(|(_, _, name)| *name)
}

/// True when `head` is binary data, or a PDF (whose header reads like text).
pub fn is_not_text(head: &[u8]) -> bool {
    looks_binary(head) || head.starts_with(b"%PDF-")
}

/// The reason a reader gives for a file that is binary data: its type when known.
pub fn binary_reason(head: &[u8], reading_as: &str) -> String {
    match not_an_article(head) {
        Some(kind) => format!("{kind}, not {reading_as} (extract its text first)"),
        None => format!("binary data, not {reading_as}"),
    }
}

/// The format of a file whose first bytes are `head`.
pub fn sniff(head: &[u8], name: &str) -> Format {
    if head.starts_with(&[0x1f, 0x8b]) {
        return Format::Gzip;
    }
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let t = &head[start..];
    if t.starts_with(b"WARC/") {
        return Format::Warc;
    }
    let lower: Vec<u8> = t
        .iter()
        .take(2048)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let has = |needle: &[u8]| memchr::memmem::find(&lower, needle).is_some();
    if t.starts_with(b"<") {
        if has(b"<rss") || has(b"<rdf:rdf") || (has(b"<feed") && !has(b"<html")) {
            return Format::Feed;
        }
        return Format::Html;
    }
    if t.starts_with(b"{") {
        let first_line = t.split(|&b| b == b'\n').next().unwrap_or(t);
        let one_object =
            serde_json::from_slice::<serde_json::Value>(first_line).is_ok_and(|v| v.is_object());
        let lname = name.to_ascii_lowercase();
        if lname.ends_with(".jsonl") || lname.ends_with(".ndjson") {
            return Format::JsonLines;
        }
        // A first line longer than what was sniffed (no newline in 4 KB or more) is one
        // compact line, not a pretty-printed object: streamed as JSON Lines, where an overlong
        // line is skipped without being held.
        if !one_object && first_line.len() == t.len() && t.len() >= 4096 {
            return Format::JsonLines;
        }
        return if one_object {
            Format::JsonLines
        } else {
            Format::Json
        };
    }
    if has(b"<html") || has(b"<!doctype html") || has(b"<body") || has(b"<p>") || has(b"<div") {
        return Format::Html;
    }
    Format::Text
}

/// Inflate gzip data (all members), refusing output larger than `cap` bytes (a gzip bomb).
pub fn gunzip_capped(bytes: &[u8], cap: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(cap as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("corrupt gzip data ({e})"))?;
    if out.len() > cap {
        return Err(format!(
            "decompresses to more than {} MB (gzip bomb?)",
            cap >> 20
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_content_not_names() {
        assert_eq!(sniff(b"\x1f\x8b\x08", "a.txt"), Format::Gzip);
        assert_eq!(sniff(b"WARC/1.0\r\nWARC-Type: response", "x"), Format::Warc);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><rss version=\"2.0\">", "feed.html"),
            Format::Feed
        );
        assert_eq!(
            sniff(
                b"<?xml version='1.0'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">",
                "f"
            ),
            Format::Feed
        );
        assert_eq!(sniff(b"\n<!DOCTYPE html><html>", "a.txt"), Format::Html);
        assert_eq!(
            sniff(b"{\"title\": \"x\",\n \"maintext\": \"y\"}", "a.json"),
            Format::Json
        );
        assert_eq!(
            sniff(b"{\"id\":\"a\",\"text\":\"b\"}\n{\"id\":\"c\"}", "a"),
            Format::JsonLines
        );
        assert_eq!(sniff(b"Headline\n\nBody text.", "a.html"), Format::Text);
    }
}
