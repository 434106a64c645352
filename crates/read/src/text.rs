//! Text inputs: turns the bytes of a plain-text article or a JSON Lines file (one article a
//! line, corroborate's fields or news-please's) into [`RawArticle`]s, or [`Rejection`]s that
//! name the path (`PATH:LINE` for a line) and the reason.
//! In: path label + bytes (or one line). Out: `Result<RawArticle, Rejection>`s.
//! Never panics on input and opens nothing: `input.rs` does the file IO and streaming.

use corroborate_model::{RawArticle, Rejection};
use serde_json::Value;

/// Largest plain-text article or JSONL line accepted, in bytes.
pub const MAX_ARTICLE_BYTES: usize = 5 * 1024 * 1024;

fn reject(path: &str, reason: impl Into<String>) -> Rejection {
    Rejection {
        path: path.to_string(),
        reason: reason.into(),
    }
}

/// The id a file gets: its stem (`000_6b63.txt` -> `000_6b63`; `a.txt.gz` -> `a`).
pub fn stem_of(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let name = match name.strip_suffix(".gz") {
        Some(inner) if !inner.is_empty() => inner,
        _ => name,
    };
    let stem = match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    };
    if stem.is_empty() {
        "stdin".to_string()
    } else {
        stem.to_string()
    }
}

/// Decode bytes as text (UTF-8, or UTF-16 by its byte-order mark), or say why not: empty,
/// a known non-article type (PDF, image, archive), binary data, or invalid UTF-8/UTF-16.
fn decode<'a>(path: &str, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, str>, Rejection> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(reject(path, "empty file"));
    }
    for (bom, encoding) in [
        (&b"\xff\xfe"[..], encoding_rs::UTF_16LE),
        (&b"\xfe\xff"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|t| std::borrow::Cow::Owned(t.into_owned()))
                .ok_or_else(|| reject(path, format!("invalid {}", encoding.name())));
        }
    }
    if crate::sniff::is_not_text(bytes) {
        return Err(reject(path, crate::sniff::binary_reason(bytes, "text")));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes)
        .map(std::borrow::Cow::Borrowed)
        .map_err(|e| reject(path, format!("invalid UTF-8 at byte {}", e.valid_up_to())))
}

/// True when the text is JSON Lines: its first non-blank line is a JSON object.
fn is_jsonl(path: &str, text: &str) -> bool {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let t = first.trim_start();
    if path.ends_with(".jsonl") || path.ends_with(".ndjson") {
        return true;
    }
    t.starts_with('{') && serde_json::from_str::<Value>(first).is_ok_and(|v| v.is_object())
}

fn field(obj: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Read one line of a JSON Lines file (`lineno` counts from 1). `None` for a blank line.
pub fn read_jsonl_line(
    path: &str,
    lineno: usize,
    line: &str,
) -> Option<Result<RawArticle, Rejection>> {
    let line = if lineno == 1 {
        line.strip_prefix('\u{feff}').unwrap_or(line)
    } else {
        line
    };
    if line.trim().is_empty() {
        return None;
    }
    let here = format!("{path}:{lineno}");
    if line.len() > MAX_ARTICLE_BYTES {
        return Some(Err(reject(
            &here,
            format!(
                "line too large ({} bytes, limit {MAX_ARTICLE_BYTES})",
                line.len()
            ),
        )));
    }
    let obj = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return Some(Err(reject(&here, "not a JSON object"))),
        Err(e) => return Some(Err(reject(&here, format!("not valid JSON ({e})")))),
    };
    // news-please writes `maintext`, `date_publish` and `source_domain`.
    let Some(body) = field(&obj, "text").or_else(|| field(&obj, "maintext")) else {
        return Some(Err(reject(&here, "no \"text\" field (or it is empty)")));
    };
    let id = field(&obj, "id").unwrap_or_else(|| format!("{}-{lineno}", stem_of(path)));
    Some(Ok(RawArticle {
        id,
        path: here,
        title: field(&obj, "title"),
        date: field(&obj, "date")
            .or_else(|| field(&obj, "date_publish"))
            .and_then(|d| corroborate_lang::date::parse_field_date(&d)),
        outlet: field(&obj, "outlet").or_else(|| field(&obj, "source_domain")),
        url: field(&obj, "url"),
        body,
        body_has_headline: false,
        authors: names(obj.get("authors").or_else(|| obj.get("author"))),
        language: field(&obj, "language"),
        summary_only: obj.get("summary_only").and_then(Value::as_bool) == Some(true),
    }))
}

/// Author names from a JSON string or array of strings (news-please writes an array).
fn names(v: Option<&Value>) -> Vec<String> {
    let one = |x: &Value| {
        x.as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    match v {
        Some(Value::Array(a)) => a.iter().take(20).filter_map(one).collect(),
        Some(x) => one(x).into_iter().collect(),
        None => Vec::new(),
    }
}

fn read_jsonl(path: &str, text: &str) -> Vec<Result<RawArticle, Rejection>> {
    let out: Vec<_> = text
        .lines()
        .enumerate()
        .filter_map(|(n, line)| read_jsonl_line(path, n + 1, line))
        .collect();
    if out.is_empty() {
        return vec![Err(reject(path, "no articles in JSONL file"))];
    }
    out
}

/// True when a file should be read as JSON Lines, from its name or its first line.
pub fn looks_like_jsonl(path: &str, first_line: &str) -> bool {
    is_jsonl(path, first_line)
}

/// Read one input. `path` is used for ids and messages only.
pub fn read_source(path: &str, bytes: &[u8]) -> Vec<Result<RawArticle, Rejection>> {
    let text = match decode(path, bytes) {
        Ok(t) => t,
        Err(r) => return vec![Err(r)],
    };
    if is_jsonl(path, &text) {
        return read_jsonl(path, &text);
    }
    if bytes.len() > MAX_ARTICLE_BYTES {
        return vec![Err(reject(
            path,
            format!(
                "too large for an article ({:.1} MB, limit {} MB)",
                bytes.len() as f64 / 1_048_576.0,
                MAX_ARTICLE_BYTES / 1_048_576
            ),
        ))];
    }
    vec![Ok(RawArticle {
        id: stem_of(path),
        path: path.to_string(),
        body: text.to_string(),
        body_has_headline: true,
        ..RawArticle::default()
    })]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(path: &str, bytes: &[u8]) -> Vec<String> {
        read_source(path, bytes)
            .into_iter()
            .filter_map(|r| r.err().map(|e| format!("{}: {}", e.path, e.reason)))
            .collect()
    }

    #[test]
    fn stems_are_ids() {
        assert_eq!(stem_of("../shared/seeds/000_6b.txt"), "000_6b");
        assert_eq!(stem_of("dir/noext"), "noext");
        assert_eq!(stem_of("dir/a.txt.gz"), "a");
        assert_eq!(stem_of("-"), "-");
    }

    #[test]
    fn bad_bytes_are_named() {
        assert_eq!(reasons("e.txt", b"  \n"), ["e.txt: empty file"]);
        assert_eq!(
            reasons("b.txt", b"ab\0cd"),
            ["b.txt: binary data, not text"]
        );
        assert_eq!(
            reasons("u.txt", b"caf\xe9 ok"),
            ["u.txt: invalid UTF-8 at byte 3"]
        );
    }

    #[test]
    fn utf16_is_read_and_known_binary_types_are_named() {
        let text =
            "Flood in Valencia\n\nHeavy rain flooded the old town on Tuesday — «über» 100 mm.";
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for bytes in [le, be] {
            let out = read_source("w.txt", &bytes);
            assert_eq!(out[0].as_ref().unwrap().body, text);
        }
        // An odd byte count cannot be UTF-16.
        assert_eq!(
            reasons("o.txt", b"\xff\xfeA\x00B"),
            ["o.txt: invalid UTF-16LE"]
        );
        assert_eq!(
            reasons("r.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            ["r.txt: a PDF document, not text (extract its text first)"]
        );
        assert_eq!(
            reasons("i.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
            ["i.txt: a PNG image, not text (extract its text first)"]
        );
        assert_eq!(
            reasons("z.txt", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"),
            ["z.txt: a ZIP archive (or .docx, .epub, .odt), not text (extract its text first)"]
        );
    }

    #[test]
    fn jsonl_lines_fail_alone() {
        let input = b"{\"id\":\"a\",\"text\":\"One.\"}\nnot json\n{\"id\":\"c\"}\n{\"id\":\"d\",\"text\":\"Two.\",\"date\":\"2020-01-02\",\"story\":\"x\"}\n";
        let out = read_source("p.jsonl", input);
        assert_eq!(out.len(), 4);
        assert_eq!(out[0].as_ref().unwrap().id, "a");
        assert!(out[1].as_ref().unwrap_err().path == "p.jsonl:2");
        assert!(out[2].as_ref().unwrap_err().reason.contains("no \"text\""));
        assert_eq!(out[3].as_ref().unwrap().date.as_deref(), Some("2020-01-02"));
    }

    #[test]
    fn jsonl_lines_carry_authors_language_and_the_summary_mark() {
        // news-please's field names, and corroborate's own.
        let input = "{\"maintext\":\"One.\",\"authors\":[\"Ana Silva\",\"\",\"Tom Roe\"],\"language\":\"de\"}\n\
                     {\"text\":\"Two.\",\"author\":\"Jo Poe\",\"summary_only\":true}\n";
        let out: Vec<RawArticle> = read_source("n.jsonl", input.as_bytes())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(out[0].authors, ["Ana Silva", "Tom Roe"]);
        assert_eq!(out[0].language.as_deref(), Some("de"));
        assert!(!out[0].summary_only);
        assert_eq!(out[1].authors, ["Jo Poe"]);
        assert!(out[1].summary_only);
    }
}
