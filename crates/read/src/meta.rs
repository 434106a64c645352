//! Metadata: title, authors, publication date, outlet, language and canonical URL of a page,
//! from JSON-LD (authors given by `@id` resolved through the graph), Open Graph / Dublin
//! Core / `<meta>` tags, microdata, `<time>`, page data in scripts, the URL, byline text and
//! a date the page shows near its text, in that order of trust. In: [`Walked`], the
//! [`Pruned`] page (JSON-LD and script dates), an optional URL hint, the main text (for
//! language detection). Out: [`Meta`].
//!
//! The publication date is never taken from a modification date while a publication date
//! exists, nor from comments, navigation, footers or lists of other posts when the page's
//! own parts give one. Pure; never panics on malformed JSON-LD.

use crate::prune::Pruned;
use crate::walk::{flag, Walked};
use corroborate_lang::calendar::day_number;
use corroborate_lang::date::{parse_date, url_date};
use serde_json::Value;

/// What a page says about itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    /// The headline.
    pub title: Option<String>,
    /// Authors, in page order.
    pub authors: Vec<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The outlet or site name.
    pub outlet: Option<String>,
    /// ISO 639-1 language code (or 639-3 when there is no two-letter code).
    pub language: Option<String>,
    /// The canonical URL.
    pub url: Option<String>,
}

/// The article-like object of a page's JSON-LD.
#[derive(Default)]
struct LdArticle {
    headline: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    authors: Vec<String>,
    /// Authors given only as a reference (`{"@id": ...}`) to a node elsewhere in the graph.
    author_refs: Vec<String>,
    publisher: Option<String>,
    language: Option<String>,
    url: Option<String>,
    rank: u8,
}

fn ld_type_rank(v: &Value) -> u8 {
    let types: Vec<&str> = match v.get("@type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => return 0,
    };
    let mut rank = 0;
    for t in types {
        let r = match t {
            "NewsArticle"
            | "ReportageNewsArticle"
            | "AnalysisNewsArticle"
            | "OpinionNewsArticle"
            | "LiveBlogPosting" => 4,
            "Article" | "BlogPosting" | "Report" | "ScholarlyArticle" | "TechArticle"
            | "SocialMediaPosting" | "Review" | "Recipe" | "HowTo" => 3,
            "WebPage" | "ItemPage" | "AboutPage" => 1,
            _ => 0,
        };
        rank = rank.max(r);
    }
    rank
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let s = crate::walk::collapse(s);
            (!s.is_empty()).then_some(s)
        }
        Value::Array(a) => a.iter().find_map(text_of),
        Value::Object(o) => o.get("name").and_then(text_of),
        _ => None,
    }
}

fn names_of(v: &Value, out: &mut Vec<String>, refs: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let s = crate::walk::collapse(s);
            if !s.is_empty() && !s.starts_with("http") {
                out.push(s);
            }
        }
        Value::Array(a) => a.iter().take(10).for_each(|x| names_of(x, out, refs)),
        Value::Object(o) => {
            if let Some(n) = o.get("name") {
                names_of(n, out, refs);
            } else if let Some(id) = o.get("@id").and_then(Value::as_str) {
                refs.push(id.to_string());
            }
        }
        _ => {}
    }
}

/// The names of graph nodes by their `@id`.
fn ids_of(v: &Value, ids: &mut Vec<(String, String)>, depth: usize) {
    if depth > 6 || ids.len() > 200 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| ids_of(x, ids, depth + 1)),
        Value::Object(o) => {
            if let (Some(id), Some(name)) = (
                o.get("@id").and_then(Value::as_str),
                o.get("name").and_then(Value::as_str),
            ) {
                ids.push((id.to_string(), crate::walk::collapse(name)));
            }
            if let Some(g) = o.get("@graph") {
                ids_of(g, ids, depth + 1);
            }
        }
        _ => {}
    }
}

fn visit_ld(v: &Value, best: &mut LdArticle, depth: usize) {
    if depth > 6 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| visit_ld(x, best, depth + 1)),
        Value::Object(o) => {
            let rank = ld_type_rank(v);
            if rank > best.rank {
                let mut a = LdArticle {
                    rank,
                    headline: o
                        .get("headline")
                        .or_else(|| o.get("name"))
                        .and_then(text_of),
                    published: o
                        .get("datePublished")
                        .or_else(|| o.get("dateCreated"))
                        .and_then(text_of),
                    modified: o.get("dateModified").and_then(text_of),
                    publisher: o.get("publisher").and_then(text_of),
                    language: o.get("inLanguage").and_then(text_of),
                    url: o
                        .get("url")
                        .and_then(Value::as_str)
                        .or_else(|| match o.get("mainEntityOfPage") {
                            Some(Value::String(s)) => Some(s.as_str()),
                            Some(m) => m.get("@id").and_then(Value::as_str),
                            None => None,
                        })
                        .map(str::to_string),
                    authors: Vec::new(),
                    author_refs: Vec::new(),
                };
                if let Some(au) = o.get("author").or_else(|| o.get("creator")) {
                    names_of(au, &mut a.authors, &mut a.author_refs);
                }
                *best = a;
            }
            for key in ["@graph", "mainEntity", "itemListElement"] {
                if let Some(x) = o.get(key) {
                    visit_ld(x, best, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn json_ld(texts: &[String]) -> LdArticle {
    let mut best = LdArticle::default();
    let mut ids = Vec::new();
    for t in texts {
        let t = t
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim();
        if let Ok(v) = serde_json::from_str::<Value>(t) {
            visit_ld(&v, &mut best, 0);
            ids_of(&v, &mut ids, 0);
        }
    }
    for r in std::mem::take(&mut best.author_refs) {
        if let Some((_, name)) = ids.iter().find(|(id, _)| *id == r) {
            if !name.is_empty() && !best.authors.contains(name) {
                best.authors.push(name.clone());
            }
        }
    }
    best
}

fn meta_get<'a>(w: &'a Walked, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| w.meta.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()))
}

/// Split a byline ("By Jane Doe and John Roe, Reuters") into names.
pub fn byline_names(s: &str) -> Vec<String> {
    names_in(s, 2)
}

/// A credential after a name ("MS", "RD", "PhD", "CFP"): it stays with the name.
fn is_credential(p: &str) -> bool {
    let letters = p.chars().filter(|c| c.is_alphabetic()).count();
    (2..=5).contains(&letters)
        && !p.contains(' ')
        && p.chars().filter(|c| c.is_uppercase()).count() >= 2
        && p.chars().all(|c| c.is_alphabetic() || c == '.')
}

/// Strip a leading "By", "Written by", "Von", ... (also glued to the name, as "ByJane Doe"
/// comes out of `<span>By</span><span>Jane Doe</span>`).
fn strip_by(s: &str) -> &str {
    let lower = s.to_lowercase();
    // Other people named in an article's credits are not its authors.
    for p in [
        "reviewed by",
        "medically reviewed by",
        "researched by",
        "edited by",
        "fact checked by",
        "fact-checked by",
        "photos by",
        "photo by",
        "photography by",
        "illustration by",
        "illustrations by",
    ] {
        if lower.starts_with(p) {
            return "";
        }
    }
    for p in [
        "written by",
        "words by",
        "text by",
        "posted by",
        "story by",
        "author:",
        "by",
        "von",
        "par",
        "por",
        "door",
    ] {
        if lower.starts_with(p) && s.is_char_boundary(p.len()) {
            let rest = &s[p.len()..];
            let glued_ok = rest.starts_with(|c: char| c.is_whitespace() || c == ':')
                || p.ends_with(':')
                || p.len() > 3 && rest.starts_with(char::is_uppercase)
                || p == "by" && s.get(..2) == Some("By") && rest.starts_with(char::is_uppercase);
            if rest.trim().is_empty() {
                return ""; // a label with its name elsewhere ("Written by")
            }
            if glued_ok {
                return rest.trim_start_matches([' ', ':']).trim_start();
            }
        }
    }
    s
}

/// Person names in a byline or an author field: split on commas, "and", "&", "|", ";";
/// each of `min_words` to 4 words, capitalised, no digits; credentials stay with the name
/// before them ("Jillian Kubala, MS, RD").
fn names_in(s: &str, min_words: usize) -> Vec<String> {
    let s = crate::walk::collapse_lines(&unescape(s));
    let s = strip_by(&s);
    let mut out: Vec<String> = Vec::new();
    for part in s
        .split([',', '|', '&', ';', '\n'])
        .flat_map(|p| p.split(" and "))
    {
        let p = part.trim().trim_end_matches('.');
        if is_credential(p) {
            if let Some(last) = out.last_mut() {
                last.push_str(", ");
                last.push_str(p);
            }
            continue;
        }
        let wc = p.split_whitespace().count();
        if !(min_words..=4).contains(&wc)
            || !p
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\'' | '’' | '_'))
            || !p.chars().next().is_some_and(char::is_uppercase)
        {
            continue;
        }
        // A job title beside the name is not a second author.
        let role = p.split_whitespace().any(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "writer"
                    | "editor"
                    | "reporter"
                    | "correspondent"
                    | "contributor"
                    | "columnist"
                    | "photographer"
                    | "author"
                    | "updated"
                    | "published"
                    | "posted"
            )
        });
        if role {
            continue;
        }
        if !out.iter().any(|o: &String| o == p) {
            out.push(p.to_string());
        }
    }
    out
}

/// A two-letter language code from a `lang` value (`en-GB` -> `en`).
fn lang_code(s: &str) -> Option<String> {
    let p = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (p.len() == 2 || p.len() == 3)
        .then_some(p)
        .filter(|p| p.chars().all(|c| c.is_ascii_alphabetic()))
}

pub(crate) fn detect_language(text: &str) -> Option<String> {
    let sample: String = text.chars().take(2000).collect();
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() {
        return None;
    }
    let code = info.lang().code();
    const TWO: &[(&str, &str)] = &[
        ("eng", "en"),
        ("deu", "de"),
        ("fra", "fr"),
        ("spa", "es"),
        ("ita", "it"),
        ("por", "pt"),
        ("nld", "nl"),
        ("rus", "ru"),
        ("pol", "pl"),
        ("ces", "cs"),
        ("swe", "sv"),
        ("dan", "da"),
        ("nob", "no"),
        ("fin", "fi"),
        ("tur", "tr"),
        ("ara", "ar"),
        ("cmn", "zh"),
        ("jpn", "ja"),
        ("kor", "ko"),
        ("ukr", "uk"),
        ("ell", "el"),
        ("hun", "hu"),
        ("ron", "ro"),
        ("heb", "he"),
        ("hin", "hi"),
    ];
    Some(
        TWO.iter()
            .find(|(a, _)| *a == code)
            .map(|(_, b)| b.to_string())
            .unwrap_or_else(|| code.to_string()),
    )
}

/// Strip the site name from a `<title>` ("Headline | Site" -> "Headline").
fn clean_title(t: &str, site: Option<&str>) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · ", " » "] {
        if let Some(i) = t.rfind(sep) {
            let (head, tail) = (&t[..i], &t[i + sep.len()..]);
            let tail_is_site = site.is_some_and(|s| tail.eq_ignore_ascii_case(s))
                || tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 2;
            if tail_is_site {
                return head.trim().to_string();
            }
        }
    }
    t.to_string()
}

fn resolve(base: Option<&str>, href: &str) -> String {
    match base.and_then(|b| url::Url::parse(b).ok()) {
        Some(b) => b
            .join(href)
            .map(|u| u.to_string())
            .unwrap_or_else(|_| href.to_string()),
        None => href.to_string(),
    }
}

/// The first date the page shows its readers on its own: a short text block ("Dec 12,
/// 2025", "Last updated: November 13, 2025") outside navigation, footers, comments and
/// hidden parts.
fn shown_date(w: &Walked, aside: &[bool], title: Option<&str>) -> Option<String> {
    // Dates right under the headline come first: a card of another post may come earlier.
    // The headline is the heading that starts with the title's words or they with its.
    let starts = |a: &str, b: &str| a == b || a.starts_with(b) && a[b.len()..].starts_with(' ');
    let headline = title
        .map(crate::content::norm)
        .filter(|t| t.split(' ').count() >= 3)
        .and_then(|t| {
            w.blocks.iter().position(|b| {
                w.els[b.el as usize].flags & flag::HEADING != 0 && {
                    let h = crate::content::norm(&b.text);
                    h.split(' ').count() >= 3 && (starts(&h, &t) || starts(&t, &h))
                }
            })
        });
    let after =
        headline.and_then(|at| date_in_blocks(aside, &w.blocks[at..(at + 30).min(w.blocks.len())]));
    after.or_else(|| date_in_blocks(aside, &w.blocks))
}

/// The first date in a short block (or a longer "Published ..." line) of `blocks`.
fn date_in_blocks(aside: &[bool], blocks: &[crate::walk::Block]) -> Option<String> {
    blocks
        .iter()
        .filter(|b| !aside[b.el as usize])
        .filter(|b| {
            let n = b.text.split_whitespace().count();
            n <= 8
                || n <= 30 && {
                    let l = b.text.to_lowercase();
                    l.contains("publish") || l.contains("posted")
                }
        })
        .find_map(|b| block_date(&b.text))
}

/// The date in a text block, read with glued spans apart.
fn block_date(text: &str) -> Option<String> {
    parse_date(&unglue(text))
}

/// Put a space where styled spans glued a lower-case word to a capital one ("Mental
/// HealthDECEMBER 22, 2022" reads "Health DECEMBER 22, 2022"), for date parsing.
fn unglue(s: &str) -> std::borrow::Cow<'_, str> {
    let glued = s
        .as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    if !glued {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev_lower = false;
    for c in s.chars() {
        if prev_lower && c.is_ascii_uppercase() {
            out.push(' ');
        }
        prev_lower = c.is_ascii_lowercase();
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// Character references left in a metadata string: JSON-LD is script text, which the HTML
/// parser never decodes, and some pages escape `og:title` twice ("doesn&amp;#8217;t").
/// Decoded by html5ever's own tokenizer, so every named reference is known.
fn unescape(s: &str) -> String {
    let has_ref = s.find('&').is_some_and(|i| s[i..].contains(';'));
    if !has_ref || s.contains('<') {
        return s.to_string();
    }
    let frag = scraper::Html::parse_fragment(s);
    crate::walk::collapse(&frag.root_element().text().collect::<String>())
}

/// The first date in a short block of a dateline or byline element (class or id naming a
/// date, byline, meta line, "published" or "posted"), outside lists.
fn dateline_date(w: &Walked, aside: &[bool], listed: &[bool]) -> Option<String> {
    w.blocks
        .iter()
        .filter(|b| {
            let e = b.el as usize;
            !aside[e]
                && !listed[e]
                && w.els[e].flags & flag::BYLINE != 0
                && b.text.split_whitespace().count() <= 12
        })
        .find_map(|b| block_date(&b.text))
}

/// Whether the page shows `date` in a short text block or a time tag of its own.
fn shows_date(w: &Walked, aside: &[bool], date: &str) -> bool {
    w.blocks
        .iter()
        .filter(|b| !aside[b.el as usize] && b.text.split_whitespace().count() <= 30)
        .any(|b| block_date(&b.text).as_deref() == Some(date))
        || w.times
            .iter()
            .filter(|t| !aside[t.el as usize])
            .any(|t| parse_date(&t.value).as_deref() == Some(date))
}

/// Per element: whether it lies in a part that is not the page's own (navigation, footer,
/// sidebar, comments; an article's `<header>` is its own), and whether it lies in a list item.
fn asides(w: &Walked) -> (Vec<bool>, Vec<bool>) {
    let n = w.els.len();
    let (mut aside, mut listed) = (vec![false; n], vec![false; n]);
    for (i, e) in w.els.iter().enumerate().skip(1) {
        let f = e.flags;
        let p = e.parent as usize;
        aside[i] =
            f & flag::BAD_TAG != 0 && f & flag::HEADER == 0 || f & flag::COMMENTS != 0 || aside[p];
        listed[i] = f & flag::ITEM != 0 || listed[p];
    }
    (aside, listed)
}

/// Read a page's metadata.
pub fn metadata(
    w: &Walked,
    pruned: &Pruned,
    src: &str,
    url_hint: Option<&str>,
    text: &str,
) -> Meta {
    let ld = json_ld(&pruned.json_ld);
    let mut m = Meta::default();

    // URL first: it resolves relative links and may carry the date.
    let canonical = w
        .canonical
        .as_deref()
        .filter(|c| !c.is_empty())
        .or_else(|| meta_get(w, &["og:url", "twitter:url"]))
        .or(ld.url.as_deref())
        .map(|c| resolve(url_hint, c));
    m.url = canonical
        .filter(|c| c.starts_with("http"))
        .or_else(|| url_hint.map(str::to_string));

    m.outlet = meta_get(
        w,
        &[
            "og:site_name",
            "application-name",
            "twitter:site",
            "publisher",
        ],
    )
    .map(|s| s.trim().trim_start_matches('@').to_string())
    .or(ld.publisher.clone())
    .or_else(|| {
        let u = url::Url::parse(m.url.as_deref()?).ok()?;
        let h = u.host_str()?;
        Some(h.strip_prefix("www.").unwrap_or(h).to_string())
    })
    .map(|s| unescape(&s))
    .filter(|s| !s.is_empty());

    m.title = ld
        .headline
        .clone()
        .filter(|_| ld.rank >= 3)
        .or_else(|| {
            meta_get(w, &["og:title", "twitter:title", "dc.title", "headline"])
                .map(crate::walk::collapse)
        })
        .or_else(|| {
            w.title
                .as_deref()
                .map(|t| clean_title(t, m.outlet.as_deref()))
        })
        .map(|t| unescape(&t))
        .filter(|t| !t.is_empty());
    if let (Some(t), Some(o)) = (m.title.as_mut(), m.outlet.as_deref()) {
        *t = clean_title(t, Some(o));
    }

    let (aside, listed) = asides(w);
    m.date = ld
        .published
        .as_deref()
        .and_then(parse_date)
        .or_else(|| {
            meta_get(
                w,
                &[
                    "article:published_time",
                    "datepublished",
                    "og:published_time",
                    "published_time",
                    "article.published",
                    "publishdate",
                    "publish-date",
                    "publish_date",
                    "pubdate",
                    "sailthru.date",
                    "parsely-pub-date",
                    "dc.date.issued",
                    "dcterms.issued",
                    "dc.date.created",
                    "dcterms.created",
                    "dc.date",
                    "dcterms.date",
                    "date",
                    "created",
                    "citation_publication_date",
                    "cxenseparse:recs:publishtime",
                ],
            )
            .and_then(parse_date)
        })
        .or_else(|| {
            w.times
                .iter()
                .filter(|t| t.published && !t.modified && !aside[t.el as usize])
                .find_map(|t| parse_date(&t.value))
        })
        .or_else(|| {
            // A time tag in the page's own parts, outside lists (a list of other posts)...
            w.times
                .iter()
                .filter(|t| !t.modified && !aside[t.el as usize] && !listed[t.el as usize])
                .find_map(|t| parse_date(&t.value))
        })
        .or_else(|| {
            // ... or in a list (a post's meta line is often one).
            w.times
                .iter()
                .filter(|t| !t.modified && !aside[t.el as usize])
                .find_map(|t| parse_date(&t.value))
        })
        .or_else(|| {
            // Any other meta tag that names a publication ("published", "w-published-date").
            w.meta
                .iter()
                .filter(|(k, _)| k.contains("publish") && !k.contains("publisher"))
                .find_map(|(_, v)| parse_date(v))
        })
        .or_else(|| {
            // A framework's page data in a script (read only now, when nothing above dated
            // the page).
            pruned
                .script_dates(src)
                .into_iter()
                .find_map(|(_, v)| parse_date(&v))
        })
        .or_else(|| m.url.as_deref().and_then(url_date))
        .or_else(|| url_hint.and_then(url_date))
        .or_else(|| shown_date(w, &aside, m.title.as_deref()))
        .or_else(|| w.bylines.iter().find_map(|b| parse_date(b)))
        .or_else(|| ld.modified.as_deref().and_then(parse_date))
        .or_else(|| {
            meta_get(
                w,
                &[
                    "article:modified_time",
                    "og:updated_time",
                    "datemodified",
                    "last-modified",
                ],
            )
            .and_then(parse_date)
        })
        .or_else(|| w.times.iter().find_map(|t| parse_date(&t.value)));
    // Metadata dated after everything the page shows (a site migration or a template stamps
    // pages with a later date) gives way to the earlier date in the page's own dateline.
    // (The dateline is looked up first: checking every shown date is the costlier part.)
    if let Some(d) = m.date.clone() {
        // More than a day earlier: a day's difference is one moment in two time zones.
        let earlier = |s: &String| {
            day_number(s)
                .zip(day_number(&d))
                .is_some_and(|(a, b)| a + 1 < b)
        };
        if let Some(shown) = dateline_date(w, &aside, &listed).filter(earlier) {
            if !shows_date(w, &aside, &d) {
                m.date = Some(shown);
            }
        }
    }

    let mut authors = ld.authors.clone();
    if authors.is_empty() {
        // The first author tag that names someone (`author` is often a profile URL).
        authors = [
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
            "byl",
            "twitter:creator",
            "cxenseparse:author",
            "author_name",
            "citation_author",
        ]
        .iter()
        .filter_map(|k| meta_get(w, &[k]))
        .filter(|a| !a.starts_with("http") && !a.starts_with('@'))
        .map(|a| names_in(a, 1))
        .find(|n| !n.is_empty())
        .unwrap_or_default();
    }
    if authors.is_empty() {
        // Marks in the page's own parts (not comments, navigation, footers); those of the
        // first block that names someone, so a list of other posts adds no one.
        let marks: Vec<&(u32, String)> = w
            .author_marks
            .iter()
            .filter(|(el, _)| !aside[*el as usize])
            .collect();
        let first = marks.iter().find(|(_, a)| !names_in(a, 1).is_empty());
        if let Some((owner, _)) = first {
            for (_, a) in marks.iter().filter(|(el, _)| el == owner) {
                for n in names_in(a, 1) {
                    if !authors.contains(&n) {
                        authors.push(n);
                    }
                }
            }
        }
    }
    if authors.is_empty() {
        if let Some(names) = w
            .bylines
            .iter()
            .filter(|b| b.len() < 200)
            .map(|b| byline_names(b))
            .find(|n| !n.is_empty())
        {
            authors = names;
        }
    }
    authors.dedup();
    m.authors = authors.iter().map(|a| unescape(a)).collect();

    m.language = w
        .lang
        .as_deref()
        .and_then(lang_code)
        .or_else(|| {
            meta_get(
                w,
                &["content-language", "og:locale", "language", "dc.language"],
            )
            .and_then(lang_code)
        })
        .or_else(|| ld.language.as_deref().and_then(lang_code))
        .or_else(|| detect_language(text));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta_of(html: &str, url: Option<&str>) -> Meta {
        let pruned = crate::prune::prune(html);
        let doc = scraper::Html::parse_document(&pruned.html);
        let w = crate::walk::walk(&doc);
        metadata(&w, &pruned, html, url, "")
    }

    #[test]
    fn json_ld_comes_first() {
        let m = meta_of(
            r#"<html lang="en-US"><head><title>Page | Site</title>
            <meta property="article:published_time" content="2020-02-02T10:00:00Z">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"Site"},
              {"@type":"NewsArticle","headline":"The Headline","datePublished":"2020-01-31T23:30:00-05:00",
               "dateModified":"2020-02-03","author":[{"@type":"Person","name":"Jane Doe"},{"name":"John Roe"}],
               "publisher":{"@type":"Organization","name":"The Paper"}}]}</script></head><body></body></html>"#,
            None,
        );
        assert_eq!(m.title.as_deref(), Some("The Headline"));
        assert_eq!(m.date.as_deref(), Some("2020-01-31"));
        assert_eq!(m.authors, ["Jane Doe", "John Roe"]);
        assert_eq!(m.outlet.as_deref(), Some("The Paper"));
        assert_eq!(m.language.as_deref(), Some("en"));
    }

    #[test]
    fn meta_tags_and_fallbacks() {
        let m = meta_of(
            r#"<html><head><title>A long headline about things - Example News</title>
            <meta name="author" content="By Jane Doe and John Roe">
            <meta property="og:site_name" content="Example News">
            <link rel="canonical" href="/2019/11/19/story.html"></head>
            <body><time datetime="2019-11-20T08:00" class="updated">x</time></body></html>"#,
            Some("https://example.com/x"),
        );
        assert_eq!(m.title.as_deref(), Some("A long headline about things"));
        assert_eq!(m.authors, ["Jane Doe", "John Roe"]);
        assert_eq!(
            m.url.as_deref(),
            Some("https://example.com/2019/11/19/story.html")
        );
        // The URL's date beats a modification time.
        assert_eq!(m.date.as_deref(), Some("2019-11-19"));
        assert_eq!(m.outlet.as_deref(), Some("Example News"));
    }

    #[test]
    fn bylines_split_into_names() {
        assert_eq!(
            byline_names("By Jane Doe, John Roe and Ann Poe"),
            ["Jane Doe", "John Roe", "Ann Poe"]
        );
        assert!(byline_names("Updated 5:34 PM ET, Tue November 19, 2019").is_empty());
        // A byline glued to its label, credentials kept with the name, a name starting "By".
        assert_eq!(byline_names("ByTrevor Jones"), ["Trevor Jones"]);
        assert_eq!(byline_names("Written byDan Pantelo"), ["Dan Pantelo"]);
        assert_eq!(
            byline_names("Jillian Kubala, MS, RD"),
            ["Jillian Kubala, MS, RD"]
        );
        assert_eq!(byline_names("Byron Allen"), ["Byron Allen"]);
    }

    #[test]
    fn authors_from_graph_references_and_name_elements() {
        let m = meta_of(
            r#"<script type="application/ld+json">{"@graph":[
              {"@type":"Article","headline":"H","author":{"@id":"https://x.org/#/person/1"}},
              {"@type":"Person","@id":"https://x.org/#/person/1","name":"Albert Swann"}]}</script>
            <p>Body</p>"#,
            None,
        );
        assert_eq!(m.authors, ["Albert Swann"]);
        // The name element of an author box, even inside a captured byline block.
        let m = meta_of(
            r#"<div class="entry-author"><b class="author-name"><a href="/a/angela" rel="author">Angela Kaye Carpenter</a></b>
               <div>Angela first became a professional writer in kindergarten and has written ever since then, mostly about sewing.</div></div>"#,
            None,
        );
        assert_eq!(m.authors, ["Angela Kaye Carpenter"]);
        let m = meta_of(
            r#"<div><span class="blog__authorname">Michelle Lee</span></div>"#,
            None,
        );
        assert_eq!(m.authors, ["Michelle Lee"]);
        // A block naming the author inside a byline being captured; a lone "Written by".
        let m = meta_of(
            r#"<div class="post-author"><div>Written by</div><a href="/a"><div class="blog__authorname">Emma Ryan</div></a><div>Emma writes about food and has done so for twenty years at several papers.</div></div>"#,
            None,
        );
        assert_eq!(m.authors, ["Emma Ryan"]);
        // Author links of commenters and of other posts' cards add no one; a reviewer is
        // not an author; a job title beside the name is not a second author.
        let m = meta_of(
            r#"<p>By <a rel="author" href="/a">Linda Rosencrance</a><br>Staff Writer</p>
               <p>Medically reviewed by <a rel="author" href="/b">Dr. Ann Poe</a></p>
               <ol class="commentlist"><li><a rel="author" href="/c">Thai Vong</a> says: great</li></ol>
               <div class="card"><a rel="author" href="/d">Grant Gross</a></div>"#,
            None,
        );
        assert_eq!(m.authors, ["Linda Rosencrance"]);
        assert!(byline_names("Reviewed by Dr. Ann Poe").is_empty());
        assert_eq!(byline_names("Jane Doe\nStaff Writer"), ["Jane Doe"]);
    }

    #[test]
    fn dates_from_page_data_other_meta_tags_and_the_page_itself() {
        // A framework's page data in a script.
        let m = meta_of(
            r#"<script>self.__next_f.push([1,"{\"slug\":\"x\",\"publishedAt\":\"2025-10-20T13:08:55-07:00\"}"])</script><p>x</p>"#,
            None,
        );
        assert_eq!(m.date.as_deref(), Some("2025-10-20"));
        // HTML-escaped in an attribute.
        let m = meta_of(
            r#"<div data-props="{&quot;datePublished&quot;:&quot;2025-11-17T09:00:00-05:00&quot;}"></div>"#,
            None,
        );
        assert_eq!(m.date.as_deref(), Some("2025-11-17"));
        let m = meta_of(
            r#"<meta name="published" content="July 17, 2025"><p>x</p>"#,
            None,
        );
        assert_eq!(m.date.as_deref(), Some("2025-07-17"));
        // Shown under the headline, not in the footer.
        let m = meta_of(
            "<h1>Title</h1><div>December 15, 2025</div><p>Text of the story goes here.</p><footer><p>1 January 2020</p></footer>",
            None,
        );
        assert_eq!(m.date.as_deref(), Some("2025-12-15"));
        let m = meta_of(
            "<h1>Title</h1><p>Text of the story goes here.</p><footer><p>1 January 2020</p></footer>",
            None,
        );
        assert_eq!(m.date, None);
    }

    #[test]
    fn the_date_under_the_headline_wins_over_an_earlier_card_and_glued_spans_are_read() {
        let m = meta_of(
            r#"<title>Seven ways to plan a garden</title>
               <div class="card"><h5>Another post</h5><p class="blog_meta">05/03/2026</p></div>
               <h1>Seven ways to plan a garden</h1><div><span>By Ann Lee</span> <span>December 23, 2025</span></div>
               <p>Text of the story goes here, long enough to be the story of the page.</p>"#,
            None,
        );
        assert_eq!(m.date.as_deref(), Some("2025-12-23"));
        let m = meta_of(
            r#"<div class="article-dateline-wrapper"><a href="/c">Mental Health</a><span class="dateline">DECEMBER 22, 2022</span><span class="dateline updated">Updated: JANUARY 02, 2026</span></div>"#,
            None,
        );
        assert_eq!(m.date.as_deref(), Some("2022-12-22"));
    }

    #[test]
    fn character_references_left_in_metadata_are_decoded() {
        let m = meta_of(
            r#"<meta property="og:title" content="Stadia doesn&amp;#8217;t run at 60fps">
               <script type="application/ld+json">{"@type":"NewsArticle","author":{"name":"Ren&eacute;e O&#8217;Neil"}}</script>"#,
            None,
        );
        assert_eq!(
            m.title.as_deref(),
            Some("Stadia doesn\u{2019}t run at 60fps")
        );
        assert_eq!(m.authors, ["Ren\u{e9}e O\u{2019}Neil"]);
    }

    #[test]
    fn a_dateline_earlier_than_metadata_the_page_never_shows_wins() {
        // The whole site's JSON-LD says 2025-06-24; the page says August 25, 2024.
        let m = meta_of(
            r#"<script type="application/ld+json">{"@type":"BlogPosting","datePublished":"Jun 24, 2025"}</script>
               <div class="staff__wrap"><div class="text__author">Shauna Mitchell</div><div class="text__date">August 25, 2024</div></div>"#,
            None,
        );
        assert_eq!(m.date.as_deref(), Some("2024-08-25"));
        // A day apart is one moment in two zones: the metadata stands.
        let m = meta_of(
            r#"<meta property="article:published_time" content="2025-07-05T00:04:00+00:00">
               <div class="post-date">July 4, 2025</div>"#,
            None,
        );
        assert_eq!(m.date.as_deref(), Some("2025-07-05"));
    }

    #[test]
    fn time_tags_of_comments_and_post_lists_do_not_date_the_page() {
        let m = meta_of(
            r#"<ul class="wp-block-post-template"><li><time datetime="2025-12-19T16:35:00-08:00">Dec 19</time></li></ul>
               <div class="wp-block-post-date"><time datetime="2025-12-18T19:05:00-08:00">Dec 18</time></div>
               <ol class="commentlist"><li><time pubdate datetime="2025-12-20T00:00:43-05:00">Dec 20</time></li></ol>"#,
            None,
        );
        assert_eq!(m.date.as_deref(), Some("2025-12-18"));
    }
}
