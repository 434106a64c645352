//! Clean: turns [`RawArticle`]s into [`Article`]s: reads leading metadata, splits the body
//! into paragraphs, picks the headline, and removes what is not the story (appeals, calls to
//! action, newsletter/cookie/share prompts, bylines, repeated headlines, paragraphs that recur
//! across articles of one outlet), keeping each removal with its kind.
//! In: `&[RawArticle]`. Out: `Vec<Article>` (same order), sentences not yet filled. The
//! per-article part ([`clean_one`]) and the batch part ([`strip_repeated`]) are separate so
//! articles can be cleaned one by one on a cluster and finished as a batch later.
//! Uses general rules (appeal vocabulary, address to the reader, position, repetition), never
//! strings of particular articles. Never rewrites the words it keeps.

use corroborate_lang::date::parse_field_date;
use corroborate_lang::words::{words_joined_by, APOSTROPHES};
use corroborate_model::{Article, RawArticle, Removed, RemovedKind, Span};
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// Lower-case words of a text (letters and digits).
fn words(s: &str) -> Vec<String> {
    words_joined_by(s, &APOSTROPHES)
        .map(|w| w.to_lowercase())
        .collect()
}

/// The text outside quotation marks: cleaning must not judge a speaker's words.
fn outside_quotes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            '“' => inside = true,
            '”' => inside = false,
            '"' => inside = !inside,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

struct Cue {
    re: Regex,
    weight: u32,
    kind: RemovedKind,
}

/// Vocabulary of appeals and prompts. Weighted: one weak cue alone never removes a paragraph.
static CUES: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    let c = |p: &str, weight, kind| Cue {
        re: Regex::new(&format!(r"(?i)\b(?:{p})")).unwrap(),
        weight,
        kind,
    };
    use RemovedKind::*;
    vec![
        c(r"your (?:support|donation|contribution|gift)", 3, Appeal),
        c(r"donat(?:e|es|ion|ions|ing)\b", 2, Appeal),
        c(r"support (?:now|us|our|independent|the)\b", 2, Appeal),
        c(r"(?:make|making) a (?:contribution|donation)", 3, Appeal),
        c(
            r"become a (?:member|subscriber|supporter|patron)",
            3,
            Appeal,
        ),
        c(r"subscri(?:be|ption|bers?)\b", 2, Appeal),
        c(r"paywalls?\b", 2, Appeal),
        c(r"(?:quality|independent|our) journalism", 2, Appeal),
        c(r"(?:those|you) who can afford", 2, Appeal),
        c(r"helps? us\b", 1, Appeal),
        c(r"read more\b", 2, CallToAction),
        c(r"click here\b", 2, CallToAction),
        c(
            r"(?:already a subscriber|log in|sign in)\b",
            2,
            CallToAction,
        ),
        c(r"unlimited access\b", 2, Appeal),
        c(r"newsletters?\b", 2, Newsletter),
        c(r"sign up\b", 2, Newsletter),
        c(r"(?:inbox|email address)\b", 1, Newsletter),
        c(r"cookies?\b", 2, Cookie),
        c(r"(?:consent|privacy policy|accept all)\b", 1, Cookie),
        c(r"share (?:this|on|via)\b", 2, Share),
        c(r"follow us\b", 2, Share),
        c(
            r"(?:facebook|twitter|whatsapp|linkedin|pinterest|email this)\b",
            1,
            Share,
        ),
        c(r"all rights reserved|©", 2, Appeal),
    ]
});

static ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:you|your|we|our|us)\b").unwrap());

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:By|BY|Written by|Words by|Reporting by|Report by)\s+\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|and|&|,))*(?:\s*[,|;-]\s*.{0,40})?|(?:Reporting|Editing|Additional reporting) by .{3,80})$").unwrap()
});

static METADATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:date|published|dated|updated)\s*:?\s+(\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+Z?)?)\s*").unwrap()
});

static OUTLET_SELF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(The (?:\p{Lu}[\p{L}]+)(?: \p{Lu}[\p{L}]+){0,2}) (?:is|relies|depends|needs|has|believes|chooses|remains|was)\b").unwrap()
});

/// An HTML tag with an attribute, written out as text.
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s+[A-Za-z-]{1,30}=(?:"[^"<>]{0,2000}"|'[^'<>]{0,2000}'|[^\s<>]{1,200}))+\s*/?>"#).unwrap()
});

/// Markup printed as text ("Embed <iframe src=...>"): tags with attributes take most of it.
fn is_markup(para: &str) -> bool {
    let tags: usize = TAG.find_iter(para).map(|m| m.len()).sum();
    tags > 0 && tags * 2 >= para.trim().len()
}

/// Judge one paragraph: `Some(kind)` when it is not part of the story.
fn classify(para: &str, index: usize, count: usize) -> Option<RemovedKind> {
    if is_markup(para) {
        return Some(RemovedKind::Markup);
    }
    let plain = outside_quotes(para);
    let ws = words(&plain);
    if ws.is_empty() {
        return None;
    }
    if ws.len() <= 14 && BYLINE.is_match(para.trim()) {
        return Some(RemovedKind::Byline);
    }
    let mut score = 0;
    let mut by_kind: HashMap<RemovedKind, u32> = HashMap::new();
    let mut cue_words = 0;
    for cue in CUES.iter() {
        let hits: Vec<_> = cue.re.find_iter(&plain).collect();
        if !hits.is_empty() {
            score += cue.weight;
            *by_kind.entry(cue.kind).or_default() += cue.weight * hits.len() as u32;
            cue_words += hits.iter().map(|m| words(m.as_str()).len()).sum::<usize>();
        }
    }
    if score == 0 {
        return None;
    }
    let kind = by_kind
        .iter()
        .max_by_key(|(k, w)| (**w, std::cmp::Reverse(**k)))
        .map(|(k, _)| *k)
        .unwrap_or(RemovedKind::Appeal);
    let address = ADDRESS.find_iter(&plain).count() as f64 / ws.len() as f64;
    let at_edge = index < 2 || index + 2 >= count;
    // A short line made mostly of prompt words: "Read more", "Share this article".
    if ws.len() <= 8 && score >= 2 && cue_words * 2 >= ws.len() {
        return Some(kind);
    }
    if score >= 5 && address >= 0.03 {
        return Some(kind);
    }
    if at_edge && score >= 3 && address >= 0.05 {
        return Some(kind);
    }
    None
}

fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '!', '?', '"', '”', '’', ':', ';', ')', '…'])
}

/// Split the body into paragraphs: blank-line blocks, each line its own paragraph unless the
/// block is hard-wrapped prose or the next line plainly continues the sentence.
fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in body.split("\n\n") {
        let lines: Vec<&str> = block
            .lines()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let wrapped = lines.len() >= 3 && {
            let inner = &lines[..lines.len() - 1];
            let open = inner
                .iter()
                .filter(|l| !ends_sentence(l) && l.len() >= 40)
                .count();
            open * 10 >= inner.len() * 6
        };
        let mut cur = String::new();
        for l in lines {
            let continues = !cur.is_empty()
                && (wrapped || (!ends_sentence(&cur) && l.starts_with(|c: char| c.is_lowercase())));
            if continues {
                cur.push(' ');
                cur.push_str(l);
            } else {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                cur.push_str(l);
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

/// A paragraph that reads as a headline: short and without a closing full stop.
pub fn headline_like(p: &str) -> bool {
    let n = p.split_whitespace().count();
    let t = p.trim_end();
    (1..=25).contains(&n) && !t.ends_with(['.', ',', ';', ':', '"', '”', '…'])
}

fn norm_key(s: &str) -> String {
    words(s).join(" ")
}

struct Draft {
    title: Option<String>,
    date: Option<String>,
    outlet: Option<String>,
    paras: Vec<String>,
    removed: Vec<Removed>,
}

fn draft(raw: &RawArticle) -> Draft {
    let mut body = raw.body.replace("\r\n", "\n").replace('\r', "\n");
    let mut removed = Vec::new();
    let mut date = raw.date.clone();
    if let Some(c) = METADATA.captures(&body) {
        let whole = c.get(0).unwrap();
        if date.is_none() {
            date = parse_field_date(&c[1]);
        }
        removed.push(Removed {
            kind: RemovedKind::Metadata,
            text: whole.as_str().trim().to_string(),
        });
        body = body[whole.end()..].to_string();
    }
    let mut kept = Vec::new();
    let paras = paragraphs(&body);
    let count = paras.len();
    for (i, p) in paras.into_iter().enumerate() {
        match classify(&p, i, count) {
            Some(kind) => removed.push(Removed { kind, text: p }),
            None => kept.push(p),
        }
    }
    let mut title = raw.title.clone();
    if title.is_none() && raw.body_has_headline && kept.first().is_some_and(|p| headline_like(p)) {
        title = Some(kept.remove(0));
    }
    if let Some(t) = &title {
        let key = norm_key(t);
        let mut i = 0;
        while i < kept.len() && i < 3 {
            if norm_key(&kept[i]) == key {
                let p = kept.remove(i);
                removed.push(Removed {
                    kind: RemovedKind::RepeatedHeadline,
                    text: p,
                });
            } else {
                i += 1;
            }
        }
    }
    let mut outlet = raw.outlet.clone();
    if outlet.is_none() {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for r in removed.iter().filter(|r| r.kind == RemovedKind::Appeal) {
            for c in OUTLET_SELF.captures_iter(&r.text) {
                *counts.entry(c.get(1).unwrap().as_str()).or_default() += 1;
            }
        }
        outlet = counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(name, _)| name.to_string());
    }
    Draft {
        title,
        date,
        outlet,
        paras: kept,
        removed,
    }
}

/// Clean one article on its own: everything [`clean`] does except removing what recurs
/// across articles of one outlet (that needs the batch: [`strip_repeated`]).
pub fn clean_one(raw: &RawArticle) -> Article {
    let d = draft(raw);
    let (text, paragraphs) = join_paragraphs(&d.paras);
    Article {
        id: raw.id.clone(),
        title: d.title.unwrap_or_default(),
        date: d.date,
        outlet: d.outlet,
        url: raw.url.clone(),
        text,
        paragraphs,
        sentences: Vec::new(),
        removed: d.removed,
        authors: raw.authors.clone(),
        language: raw.language.clone(),
        summary_only: raw.summary_only,
        sentences_cut: 0,
    }
}

/// Paragraphs joined by a blank line, with each one's span in the joined text.
fn join_paragraphs(paras: &[String]) -> (String, Vec<Span>) {
    let mut text = String::with_capacity(paras.iter().map(|p| p.len() + 2).sum());
    let mut spans = Vec::with_capacity(paras.len());
    for p in paras {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        spans.push(Span::new(text.len(), text.len() + p.len()));
        text.push_str(p);
    }
    (text, spans)
}

/// The batch step of cleaning: paragraphs near the top or bottom that recur in two or more
/// articles of the same outlet are boilerplate of that outlet and are removed (kept as
/// [`RemovedKind::RepeatedBoilerplate`]); an article of two paragraphs or fewer is never
/// stripped. Returns the indices of the articles it changed, ascending. The result does not
/// depend on the order of `articles`.
pub fn strip_repeated(articles: &mut [Article]) -> Vec<usize> {
    // Sorted keys: with two recurring paragraphs in one article, which goes first must not
    // depend on a hash seed.
    let mut seen: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (ai, a) in articles.iter().enumerate() {
        let Some(outlet) = &a.outlet else { continue };
        let n = a.paragraphs.len();
        for (pi, &span) in a.paragraphs.iter().enumerate() {
            let p = a.slice(span);
            if (pi < 3 || pi + 3 >= n) && words(p).len() >= 3 {
                let e = seen.entry((outlet.clone(), norm_key(p))).or_default();
                if e.last() != Some(&ai) {
                    e.push(ai);
                }
            }
        }
    }
    let mut paras: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for ((_, key), arts) in seen {
        if arts.len() < 2 {
            continue;
        }
        for ai in arts {
            let a = &mut articles[ai];
            let ps = paras.entry(ai).or_insert_with(|| {
                a.paragraphs
                    .iter()
                    .map(|&s| a.slice(s).to_string())
                    .collect()
            });
            // Never strip an article bare: identical copies keep their text.
            if ps.len() <= 2 {
                continue;
            }
            let n = ps.len();
            if let Some(pi) = ps
                .iter()
                .enumerate()
                .position(|(pi, p)| (pi < 3 || pi + 3 >= n) && norm_key(p) == key)
            {
                let text = ps.remove(pi);
                a.removed.push(Removed {
                    kind: RemovedKind::RepeatedBoilerplate,
                    text,
                });
            }
        }
    }
    let mut changed = Vec::new();
    for (ai, ps) in paras {
        let a = &mut articles[ai];
        if ps.len() != a.paragraphs.len() {
            (a.text, a.paragraphs) = join_paragraphs(&ps);
            changed.push(ai);
        }
    }
    changed
}

/// Clean a batch: each article on its own ([`clean_one`]), then what recurs across articles
/// of one outlet ([`strip_repeated`]).
pub fn clean(raws: &[RawArticle]) -> Vec<Article> {
    let mut articles: Vec<Article> = raws.iter().map(clean_one).collect();
    strip_repeated(&mut articles);
    articles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str) -> Article {
        let raw = RawArticle {
            id: "t".into(),
            body: body.into(),
            body_has_headline: true,
            ..Default::default()
        };
        clean(&[raw]).remove(0)
    }

    #[test]
    fn appeal_at_end_is_removed_but_news_about_donations_is_kept() {
        let a = check("Big news today\n\nThe charity said donations rose 5% last year, its chief told reporters.\n\nOfficials expect more.\n\nWe need your support. Your donation helps us keep our journalism free of paywalls. Donate now.");
        assert_eq!(a.title, "Big news today");
        assert_eq!(a.removed.len(), 1);
        assert_eq!(a.removed[0].kind, RemovedKind::Appeal);
        assert!(a.text.contains("donations rose 5%"));
    }

    #[test]
    fn markup_printed_as_text_is_removed() {
        assert!(is_markup(
            r#"Embed <iframe src="https://example.org/player/1" width="100%" title="audio player">"#
        ));
        assert!(!is_markup("Use a <b>bold</b> tag, she said."));
        assert!(!is_markup("The score was 3<4 and 5>2 at half time."));
    }

    #[test]
    fn prompts_and_bylines_are_removed() {
        let a = check("Title here\n\nBy Jane Doe and John Roe\n\nThe story starts here.\n\nSign up to our newsletter\n\nShare this article\n\nIt ends here.");
        let kinds: Vec<_> = a.removed.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [
                RemovedKind::Byline,
                RemovedKind::Newsletter,
                RemovedKind::Share
            ]
        );
        assert_eq!(a.text, "The story starts here.\n\nIt ends here.");
    }

    #[test]
    fn hard_wrapped_prose_is_joined() {
        let a = check("Headline\n\nThis is a long line of prose that was wrapped by the\nsender at a fixed width so that it continues here and\ngoes on to finish on this line.");
        assert_eq!(a.paragraphs.len(), 1);
    }
}
