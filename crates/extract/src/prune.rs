//! Prune: a byte-level pass before HTML parsing that cuts out what can never be article text:
//! `<script>`, `<style>`, `<noscript>`, `<template>`, `<svg>`, `<math>`, `<iframe>` elements
//! and comments. On news pages these are most of the bytes (60% on the Zyte benchmark), so
//! the parser has far less to do. JSON-LD scripts are kept aside for the metadata.
//! In: page text. Out: [`Pruned`].
//!
//! It follows the HTML tokenizer's rules for where these elements end (raw text runs to the
//! first matching end tag; a comment to the first `-->`; an unclosed one to the end of the
//! page), so the parse of what remains matches the parse of the whole page. It never panics
//! and runs in linear time.

use memchr::memmem;

/// A page with its raw-text elements removed.
pub struct Pruned {
    /// The page without scripts, styles, comments and the like.
    pub html: String,
    /// The contents of `<script type="application/ld+json">` elements, in page order.
    pub json_ld: Vec<String>,
}

/// Elements whose whole content is dropped, by lower-case name.
const DROPPED: &[&[u8]] = &[
    b"script",
    b"style",
    b"noscript",
    b"template",
    b"svg",
    b"math",
    b"iframe",
];

/// Open elements beyond this depth lose their tags (not their text): html5ever's tree
/// builder scans the stack of open elements for every tag, so 100,000 nested tags would cost
/// quadratic time. Real pages stay far below (the deepest in the benchmarks is under 100).
pub const MAX_NESTING: usize = 512;

/// Tags that never stay open (void elements) or that close themselves implicitly: they do
/// not deepen the stack of open elements.
fn counts_for_nesting(tag: &[u8]) -> bool {
    const FLAT: &[&[u8]] = &[
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"param", b"source", b"track", b"wbr", b"p", b"li", b"dt", b"dd", b"tr", b"td", b"th",
        b"option", b"optgroup", b"tbody", b"thead", b"tfoot", b"colgroup", b"rt", b"rp",
        b"html", b"head", b"body",
    ];
    !FLAT.iter().any(|f| f.eq_ignore_ascii_case(tag))
}

/// The most JSON-LD kept from one page (bytes); more is ignored.
const MAX_JSON_LD: usize = 1 << 20;

/// Remove scripts, styles, comments and similar raw-text elements from a page.
pub fn prune(src: &str) -> Pruned {
    let bytes = src.as_bytes();
    let mut html = String::with_capacity(src.len() / 2);
    let mut json_ld = Vec::new();
    let mut kept_ld = 0;
    let mut copied = 0; // bytes before this index are handled
    let mut pos = 0;
    let mut depth = 0usize;
    while let Some(off) = memchr::memchr(b'<', &bytes[pos..]) {
        let lt = pos + off;
        let rest = &bytes[lt + 1..];
        if rest.starts_with(b"!--") {
            html.push_str(&src[copied..lt]);
            let end = memmem::find(&rest[3..], b"-->")
                .map(|e| lt + 1 + 3 + e + 3)
                .unwrap_or(bytes.len());
            copied = end;
            pos = end;
            continue;
        }
        let Some(name) = DROPPED.iter().find(|n| tag_is(rest, n)) else {
            // Count nesting; tags past the cap are cut (their text stays).
            let closing = rest.first() == Some(&b'/');
            let name_at = lt + 1 + closing as usize;
            let name_len = bytes[name_at..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if name_len == 0 || !bytes[name_at].is_ascii_alphabetic() {
                pos = lt + 1;
                continue;
            }
            let tag = &bytes[name_at..name_at + name_len];
            if !counts_for_nesting(tag) {
                pos = lt + 1;
                continue;
            }
            let over = if closing { depth > MAX_NESTING } else { depth >= MAX_NESTING };
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
            }
            if over {
                html.push_str(&src[copied..lt]);
                let end = start_tag_end(bytes, name_at + name_len);
                copied = end;
                pos = end;
            } else {
                pos = lt + 1;
            }
            continue;
        };
        html.push_str(&src[copied..lt]);
        let open_end = start_tag_end(bytes, lt + 1 + name.len());
        let close = find_end_tag(bytes, open_end, name);
        if *name == b"script" && kept_ld < MAX_JSON_LD {
            let tag = &src[lt..open_end.min(bytes.len())];
            if tag.to_ascii_lowercase().contains("ld+json") {
                let body = &src[open_end.min(close.0)..close.0];
                kept_ld += body.len();
                json_ld.push(body.to_string());
            }
        }
        copied = close.1;
        pos = close.1;
    }
    html.push_str(&src[copied..]);
    Pruned { html, json_ld }
}

/// True when `rest` (the bytes after `<`) opens element `name`, case-insensitively.
fn tag_is(rest: &[u8], name: &[u8]) -> bool {
    rest.len() > name.len()
        && rest[..name.len()].eq_ignore_ascii_case(name)
        && matches!(rest[name.len()], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/')
}

/// The index just past the `>` that ends a start tag whose name ends at `from`, skipping
/// quoted attribute values.
fn start_tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = 0u8;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (0, b'"') | (0, b'\'') => quote = b,
            (0, b'>') => return i + 1,
            (q, c) if q != 0 && c == q => quote = 0,
            _ => {}
        }
    }
    bytes.len()
}

/// Where the end tag `</name` after `from` starts, and the index just past its `>`; an
/// element that is never closed runs to the end of the page.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> (usize, usize) {
    let mut pos = from.min(bytes.len());
    while let Some(off) = memmem::find(&bytes[pos..], b"</") {
        let at = pos + off;
        let rest = &bytes[at + 2..];
        if rest.len() >= name.len()
            && rest[..name.len()].eq_ignore_ascii_case(name)
            && rest
                .get(name.len())
                .is_none_or(|c| {
                    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/')
                })
        {
            let end = memchr::memchr(b'>', &bytes[at..])
                .map(|e| at + e + 1)
                .unwrap_or(bytes.len());
            return (at, end);
        }
        pos = at + 2;
    }
    (bytes.len(), bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str, expect: &str, expect_ld: &[&str]) {
        let p = prune(src);
        assert_eq!(p.html, expect);
        assert_eq!(p.json_ld, expect_ld);
    }

    #[test]
    fn raw_text_elements_and_comments_go() {
        check(
            "<p>a</p><script>if (a<b) { x = \"</p>\"; }</script><p>b</p>",
            "<p>a</p><p>b</p>",
            &[],
        );
        check("<p>a<!-- <p>hidden</p> -->b</p>", "<p>ab</p>", &[]);
        check(
            "<STYLE type=text/css>p>a{}</style ><p>c</p><svg><text>x</text></svg>",
            "<p>c</p>",
            &[],
        );
        check(
            "<scripts>keep</scripts><p>d</p><noscript><img src=x></noscript>",
            "<scripts>keep</scripts><p>d</p>",
            &[],
        );
    }

    #[test]
    fn nesting_past_the_cap_is_flattened() {
        let src = format!("{}deep{}", "<div>".repeat(MAX_NESTING + 10), "</div>".repeat(MAX_NESTING + 10));
        let p = prune(&src);
        assert_eq!(p.html.matches("<div>").count(), MAX_NESTING);
        assert_eq!(p.html.matches("</div>").count(), MAX_NESTING);
        assert!(p.html.contains("deep"));
    }

    #[test]
    fn json_ld_is_kept_aside() {
        check(
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script><p>e</p>",
            "<p>e</p>",
            &["{\"@type\":\"NewsArticle\"}"],
        );
    }

    #[test]
    fn unclosed_elements_run_to_the_end() {
        check("<p>f</p><script>var a = '<p>g</p>';", "<p>f</p>", &[]);
        check("<p>f</p><!-- open", "<p>f</p>", &[]);
        check("<p>f</p><script type='x>y'", "<p>f</p>", &[]);
    }
}
