//! Prune: a byte-level pass before HTML parsing that cuts out what can never be article text:
//! `<script>`, `<style>`, `<noscript>` in the head, `<template>`, `<svg>`, `<math>`, `<iframe>`
//! elements and comments (a `<noscript>` in the body becomes a `<div>`: it is what a reader
//! without scripts sees, and some blogs put the whole post there). On news pages these are
//! most of the bytes (60% on the Zyte benchmark), so the parser has far less to do. JSON-LD scripts are kept aside for the metadata, and the
//! publication date found under well-known keys in other scripts' page data.
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
    /// Byte ranges (into the source page) of the other scripts' bodies, read for dates only
    /// when the page's metadata gives none ([`Pruned::script_dates`]).
    pub scripts: Vec<std::ops::Range<usize>>,
}

impl Pruned {
    /// Dates that scripts (a framework's page data) give under a publication key, as
    /// (key index in [`SCRIPT_DATE_KEYS`], value), the first of each key. `src` is the page
    /// this was pruned from. Page data HTML-escaped in an attribute is read when no script
    /// has any.
    pub fn script_dates(&self, src: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for r in &self.scripts {
            if out.len() == SCRIPT_DATE_KEYS.len() {
                break;
            }
            if let Some(body) = src.get(r.clone()) {
                scan_script_dates(body, &mut out);
            }
        }
        let bytes = src.as_bytes();
        if out.is_empty()
            && (memmem::find(bytes, b"Published&quot;").is_some()
                || memmem::find(bytes, b"&quot;publish").is_some())
        {
            scan_script_dates(&src.replace("&quot;", "\""), &mut out);
        }
        out.sort_by_key(|(k, _)| *k);
        out
    }
}

/// Keys under which a page's script data gives its publication date, most telling first.
pub const SCRIPT_DATE_KEYS: [&str; 9] = [
    "datePublished",
    "publishedAt",
    "publishDate",
    "published_at",
    "publish_date",
    "first_publication_date",
    "publishedDate",
    "postDate",
    "createdAt",
];

static SCRIPT_KEYS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(SCRIPT_DATE_KEYS).expect("static patterns")
    });

/// The first value of each date key in a script's text: `"key": "value"`, also with the
/// quotes escaped as in JSON held in a JavaScript string (`\"key\":\"value\"`).
fn scan_script_dates(body: &str, out: &mut Vec<(usize, String)>) {
    let bytes = body.as_bytes();
    for m in SCRIPT_KEYS.find_iter(body) {
        let k = m.pattern().as_usize();
        if out.iter().any(|(o, _)| *o == k) {
            continue;
        }
        // A whole key: a quote right before it and right after it (maybe escaped).
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = &body[m.end()..];
        if before != Some(b'"') || !(after.starts_with('"') || after.starts_with("\\\"")) {
            continue;
        }
        let rest = after.trim_start_matches(['\\', ' ', ':', '"']);
        let value: String = rest
            .chars()
            .take_while(|c| *c != '"' && *c != '\\' && *c != ',' && *c != '}')
            .take(40)
            .collect();
        if value.len() >= 8 && value.bytes().any(|b| b.is_ascii_digit()) {
            out.push((k, value));
        }
    }
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
        b"area",
        b"base",
        b"br",
        b"col",
        b"embed",
        b"hr",
        b"img",
        b"input",
        b"link",
        b"meta",
        b"param",
        b"source",
        b"track",
        b"wbr",
        b"p",
        b"li",
        b"dt",
        b"dd",
        b"tr",
        b"td",
        b"th",
        b"option",
        b"optgroup",
        b"tbody",
        b"thead",
        b"tfoot",
        b"colgroup",
        b"rt",
        b"rp",
        b"html",
        b"head",
        b"body",
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
    let mut scripts = Vec::new();
    let mut kept_ld = 0;
    let mut copied = 0; // bytes before this index are handled
    let mut pos = 0;
    let mut depth = 0usize;
    let (mut in_body, mut in_noscript) = (false, false);
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
        // In the body, a <noscript> is what a reader without scripts sees (Blogger puts the
        // whole post there): its content is read as a block. In the head it is pixels.
        let noscript_end =
            in_noscript && rest.first() == Some(&b'/') && tag_is(&rest[1..], b"noscript");
        if noscript_end || in_body && tag_is(rest, b"noscript") {
            html.push_str(&src[copied..lt]);
            html.push_str(if noscript_end { "</div>" } else { "<div>" });
            let end = start_tag_end(bytes, lt + 1 + noscript_end as usize + b"noscript".len());
            copied = end;
            pos = end;
            in_noscript = !noscript_end;
            continue;
        }
        if !in_body && tag_is(rest, b"body") {
            in_body = true;
        }
        let Some(name) = DROPPED.iter().find(|n| tag_is(rest, n)) else {
            let closing = rest.first() == Some(&b'/');
            let name_at = lt + 1 + closing as usize;
            let name_len = bytes[name_at..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b':' || **b == b'-')
                .count();
            if name_len == 0 || !bytes[name_at].is_ascii_alphabetic() {
                pos = lt + 1;
                continue;
            }
            let tag = &bytes[name_at..name_at + name_len];
            // Count nesting; tags past the cap are cut (their text stays).
            let over = if !counts_for_nesting(tag) {
                false
            } else if closing {
                let over = depth > MAX_NESTING;
                depth = depth.saturating_sub(1);
                over
            } else {
                depth += 1;
                depth > MAX_NESTING
            };
            if closing {
                if over {
                    html.push_str(&src[copied..lt]);
                    let end = start_tag_end(bytes, name_at + name_len);
                    copied = end;
                    pos = end;
                } else {
                    pos = name_at + name_len;
                }
                continue;
            }
            html.push_str(&src[copied..lt]);
            let end = if over {
                start_tag_end(bytes, name_at + name_len)
            } else {
                rewrite_start_tag(src, name_at, name_len, &mut html)
            };
            copied = end;
            pos = end;
            continue;
        };
        html.push_str(&src[copied..lt]);
        let open_end = start_tag_end(bytes, lt + 1 + name.len());
        let close = find_end_tag(bytes, open_end, name);
        if *name == b"script" {
            let tag = &src[lt..open_end.min(bytes.len())];
            let body = &src[open_end.min(close.0)..close.0];
            if tag.to_ascii_lowercase().contains("ld+json") {
                if kept_ld < MAX_JSON_LD {
                    kept_ld += body.len();
                    json_ld.push(body.to_string());
                }
            } else if !body.is_empty() {
                scripts.push(open_end.min(close.0)..close.0);
            }
        }
        copied = close.1;
        pos = close.1;
    }
    html.push_str(&src[copied..]);
    Pruned {
        html,
        json_ld,
        scripts,
    }
}

/// True when `rest` (the bytes after `<`) opens element `name`, case-insensitively.
fn tag_is(rest: &[u8], name: &[u8]) -> bool {
    rest.len() > name.len()
        && rest[..name.len()].eq_ignore_ascii_case(name)
        && matches!(
            rest[name.len()],
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/'
        )
}

/// Whether extraction reads attribute `attr` of element `tag` (both lower case).
fn keeps(tag: &[u8], attr: &[u8]) -> bool {
    match attr {
        b"class" | b"id" | b"role" | b"itemprop" | b"hidden" | b"aria-hidden" | b"rel"
        | b"datetime" | b"pubdate" | b"content" => true,
        b"name" | b"property" | b"http-equiv" | b"charset" => tag.eq_ignore_ascii_case(b"meta"),
        b"href" => tag.eq_ignore_ascii_case(b"link"),
        b"lang" | b"xml:lang" => tag.eq_ignore_ascii_case(b"html"),
        _ => false,
    }
}

/// True when an inline style hides the element.
fn hides(style: &[u8]) -> bool {
    let squeezed: Vec<u8> = style
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| b.to_ascii_lowercase())
        .collect();
    memmem::find(&squeezed, b"display:none").is_some()
        || memmem::find(&squeezed, b"visibility:hidden").is_some()
}

/// Copy the start tag whose name is at `name_at` into `out` with only the attributes
/// extraction reads (a hiding inline style becomes `hidden`); returns the index past its `>`.
/// Most of a modern page's markup is attributes nobody reads here (srcset, data-*, style,
/// href), and the HTML tokenizer is slow on them.
fn rewrite_start_tag(src: &str, name_at: usize, name_len: usize, out: &mut String) -> usize {
    let b = src.as_bytes();
    let tag = &b[name_at..name_at + name_len];
    out.push('<');
    out.push_str(&src[name_at..name_at + name_len]);
    let mut i = name_at + name_len;
    let mut self_closing = false;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            self_closing = b[i] == b'/';
            i += 1;
        }
        if i >= b.len() {
            out.push('>');
            return b.len();
        }
        if b[i] == b'>' {
            if self_closing {
                out.push('/');
            }
            out.push('>');
            return i + 1;
        }
        self_closing = false;
        let name_start = i;
        while i < b.len()
            && !matches!(
                b[i],
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>' | b'='
            )
        {
            i += 1;
        }
        // Attribute names never start with '=' in the tokenizer: take one as part of the name.
        if i == name_start {
            i += 1;
        }
        let name_end = i;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value: Option<(usize, usize)> = None;
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let v_start = i;
                let v_end = memchr::memchr(q, &b[i + 1..])
                    .map(|e| i + 1 + e + 1)
                    .unwrap_or(b.len());
                value = Some((v_start, v_end));
                i = v_end;
            } else {
                let v_start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = Some((v_start, i));
            }
        }
        let attr = src[name_start..name_end].to_ascii_lowercase();
        let attr = attr.as_bytes();
        if attr == b"style" {
            if value.is_some_and(|(s, e)| hides(&b[s..e])) {
                out.push_str(" hidden");
            }
        } else if keeps(tag, attr) {
            out.push(' ');
            out.push_str(&src[name_start..name_end]);
            if let Some((s, e)) = value {
                out.push('=');
                out.push_str(&src[s..e]);
            }
        }
    }
}

/// The index just past the `>` that ends a start tag whose name ends at `from`, skipping
/// quoted attribute values.
fn start_tag_end(bytes: &[u8], from: usize) -> usize {
    // As the HTML tokenizer does: a quote opens a value only right after `=`; a stray
    // quote elsewhere (`src="a.js" " type=x`) is part of an attribute name.
    let mut quote = 0u8;
    let mut last = 0u8; // the last non-space byte outside quotes
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        if quote != 0 {
            if b == quote {
                quote = 0;
                last = b'"';
            }
            continue;
        }
        match b {
            b'"' | b'\'' if last == b'=' => quote = b,
            b'>' => return i + 1,
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {}
            _ => last = b,
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
                .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/'))
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
        let src = format!(
            "{}deep{}",
            "<div>".repeat(MAX_NESTING + 10),
            "</div>".repeat(MAX_NESTING + 10)
        );
        let p = prune(&src);
        assert_eq!(p.html.matches("<div>").count(), MAX_NESTING);
        assert_eq!(p.html.matches("</div>").count(), MAX_NESTING);
        assert!(p.html.contains("deep"));
    }

    #[test]
    fn start_tags_keep_only_what_extraction_reads() {
        check(
            "<div class=\"a b\" data-x='1>2' style=\"display: none\"><a href=\"/x?a=1&b=2\" rel=author>A</a><img src=x.jpg srcset=\"a 1x, b 2x\"/>",
            "<div class=\"a b\" hidden><a rel=author>A</a><img/>",
            &[],
        );
        check(
            "<meta name=\"author\" content=\"Jane\"><link rel=canonical href='https://x.org/a'><html lang=en>",
            "<meta name=\"author\" content=\"Jane\"><link rel=canonical href='https://x.org/a'><html lang=en>",
            &[],
        );
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
    fn noscript_in_the_body_is_read_and_in_the_head_is_not() {
        check(
            "<html><head><noscript><img src=px></noscript></head><body><noscript><p>Post text</p></noscript><p>x</p></body></html>",
            "<html><head></head><body><div><p>Post text</p></div><p>x</p></body></html>",
            &[],
        );
    }

    #[test]
    fn a_stray_quote_in_a_script_tag_does_not_swallow_the_page() {
        // politico.com shipped `<script src="a.js" " type="text/javascript">`.
        check(
            "<script src=\"a.js\" \" type=\"text/javascript\"></script><p>h</p><p>i \"j\"</p>",
            "<p>h</p><p>i \"j\"</p>",
            &[],
        );
    }

    #[test]
    fn unclosed_elements_run_to_the_end() {
        check("<p>f</p><script>var a = '<p>g</p>';", "<p>f</p>", &[]);
        check("<p>f</p><!-- open", "<p>f</p>", &[]);
        check("<p>f</p><script type='x>y'", "<p>f</p>", &[]);
    }
}
