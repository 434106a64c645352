//! Quotes: finds direct quotations in an article and who said them ([`find_quotes`]), and
//! merges the same quote told by several articles into one with each wording as a variant
//! ([`merge_quotes`]).
//! Handles curly and straight marks, partial quotes inside a sentence, quotes that run over
//! several sentences or paragraphs (an unclosed paragraph continued by one that opens with a
//! mark), "he said"/"said X"/"X said:" frames, pronouns resolved from context, and unnamed
//! sources ("the official said" -> the official introduced earlier). Scare quotes of one or two
//! words are not speech and are left out. No IO; every quote is a verbatim span.

use crate::entities::{fold_name, name_key, UnionFind};
use crate::lexicon::{FEMALE_HONORIFICS, SPEECH_VERBS};
use corroborate_lang::token::{quoted_regions, tokenize, Token};
use corroborate_model::{
    Article, Entity, EntityKind, Mention, Quote, QuoteMention, QuoteVariant, Span,
};
use regex::Regex;
use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

const PRONOUNS: &[&str] = &["he", "she", "they", "i", "we", "it"];
const NP_STOP: &[&str] = &[
    "and", "but", "that", "when", "while", "as", "because", "which", "who", "where", "if",
    "although", "though", "so", "then", "however", "yet", "or", "after", "before", "since",
];
const AUX: &[&str] = &[
    "has",
    "had",
    "have",
    "was",
    "is",
    "were",
    "are",
    "would",
    "will",
    "also",
    "then",
    "later",
    "again",
    "once",
    "previously",
    "earlier",
    "repeatedly",
    "recently",
    "reportedly",
    "simply",
    "just",
    "further",
    "had",
    "did",
    "does",
    "do",
    "may",
    "might",
    "could",
    "should",
    "not",
    "never",
    "still",
    "once",
    "then",
];

/// One quotation found by its marks, before attribution.
struct Raw {
    span: Span,
    colon_intro: bool,
}

fn is_open_mark(c: char) -> bool {
    matches!(c, '“' | '"' | '‘')
}

/// Quotation spans of an article, joined across paragraphs when a quote is continued.
fn raw_quotes(article: &Article) -> Vec<Raw> {
    let mut out: Vec<Raw> = Vec::new();
    let mut carry: Option<usize> = None; // start of an unclosed quote from the last paragraph
    for p in &article.paragraphs {
        let text = article.slice(*p);
        let regions = quoted_regions(text);
        let starts_with_mark = text.starts_with(is_open_mark);
        if let Some(start) = carry.take() {
            if starts_with_mark {
                if let Some(first) = regions.first() {
                    // The continuation joins the unclosed quote.
                    let end = p.start + first.end;
                    let closed = first.end < text.len();
                    out.push(Raw {
                        span: Span::new(start, end),
                        colon_intro: false,
                    });
                    for (i, r) in regions.iter().enumerate().skip(1) {
                        push_region(p, text, r, i + 1 == regions.len(), &mut out, &mut carry);
                    }
                    if !closed {
                        carry = Some(out.pop().map(|r| r.span.start).unwrap_or(start));
                    }
                    continue;
                }
            } else {
                // Not continued: the quote ends with its paragraph.
                let prev_end = article
                    .paragraphs
                    .iter()
                    .rev()
                    .find(|q| q.end <= p.start)
                    .map(|q| q.end)
                    .unwrap_or(start);
                out.push(Raw {
                    span: Span::new(start, prev_end),
                    colon_intro: false,
                });
            }
        }
        for (i, r) in regions.iter().enumerate() {
            push_region(p, text, r, i + 1 == regions.len(), &mut out, &mut carry);
        }
    }
    if let Some(start) = carry {
        let end = article.paragraphs.last().map(|p| p.end).unwrap_or(start);
        out.push(Raw {
            span: Span::new(start, end),
            colon_intro: false,
        });
    }
    out
}

fn push_region(
    p: &Span,
    text: &str,
    r: &Span,
    last: bool,
    out: &mut Vec<Raw>,
    carry: &mut Option<usize>,
) {
    let before = text[..r.start].trim_end_matches(is_open_mark).trim_end();
    let colon_intro = before.ends_with(':') || before.ends_with(',');
    let unclosed = r.end >= text.len() && !text.ends_with(['”', '"', '’']);
    if last && unclosed {
        *carry = Some(p.start + r.start);
        return;
    }
    out.push(Raw {
        span: Span::new(p.start + r.start, p.start + r.end),
        colon_intro,
    });
}

/// Trim spaces and a trailing comma: "Beyond very much," -> "Beyond very much".
fn trim_span(article: &Article, span: Span) -> Span {
    let t = article.slice(span);
    let lead = t.len() - t.trim_start().len();
    let trimmed = t.trim().trim_end_matches([',', ';', ' ']);
    Span::new(span.start + lead, span.start + lead + trimmed.len())
}

fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Indefinite descriptions of a source: "a senior official in the Trump administration".
static INDEFINITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal)\s+(?:[\w’'-]+\s+){0,5}?(official|officials|spokesman|spokeswoman|spokesperson|source|sources|aide|aides|adviser|advisers|advisor|diplomat|diplomats|person|people|insider|insiders|minister|member|members|staffer|representative|executive|analyst|expert|officer|lawmaker|strategist|ally|allies|lawyer|attorney|friend|witness|resident|voter|supporter|critic|campaign)\b(?:\s+(?:in|at|of|from|for|with|close to|familiar with)\s+(?:the\s+)?(?:\p{Lu}[\w’'-]*\s+){0,3}(?:administration|government|department|ministry|campaign|office|team|party|embassy|\p{Lu}[\w’'-]*))?").unwrap()
});

/// Where the frame around a quote names its speaker.
#[derive(Debug)]
enum Frame {
    /// A noun phrase (span) as subject of a speech verb.
    Phrase(Span),
    /// A gerund after a preposition ("explained his failure ... by saying"): the speaker is
    /// the subject of the clause in this span, its first person named.
    Subject(Span),
    /// No frame found in the sentence.
    None,
}

/// An article's quote regions, for asking in logarithmic time whether one holds a span.
struct Regions {
    /// Sorted by start.
    spans: Vec<Span>,
    /// The largest end among `spans[..=i]`.
    reach: Vec<usize>,
}

impl Regions {
    fn new(mut spans: Vec<Span>) -> Self {
        spans.sort();
        let mut reach = Vec::with_capacity(spans.len());
        let mut far = 0;
        for s in &spans {
            far = far.max(s.end);
            reach.push(far);
        }
        Regions { spans, reach }
    }

    /// True when some region contains `t` (as `spans.iter().any(..)` would say).
    fn holds(&self, t: Span) -> bool {
        let i = self.spans.partition_point(|r| r.start <= t.start);
        i > 0 && t.end <= self.reach[i - 1]
    }
}

/// How far (bytes) from a quote its frame ("..., he said", "Mr Smith said: ...") is looked for.
const FRAME_REACH: usize = 1500;

/// Each sentence's tokens (spans in the article text), tokenized once when first asked for:
/// a sentence holding thousands of quotes is framed thousands of times.
struct SentenceTokens<'a> {
    article: &'a Article,
    /// Per sentence: its tokens, and for each whether a quote region holds it.
    cache: Vec<Option<(Vec<Token<'a>>, Vec<bool>)>>,
}

impl<'a> SentenceTokens<'a> {
    fn new(article: &'a Article) -> Self {
        SentenceTokens {
            article,
            cache: vec![None; article.sentences.len()],
        }
    }

    /// Tokens of sentence `i` lying wholly within `[from, to)`, each with whether a quote
    /// region of `quotes` holds it.
    fn within(
        &mut self,
        i: usize,
        from: usize,
        to: usize,
        quotes: &Regions,
    ) -> (&[Token<'a>], &[bool]) {
        let article = self.article;
        let (ts, inside) = self.cache[i].get_or_insert_with(|| {
            let span = article.sentences[i].span;
            let ts: Vec<Token> = tokenize(article.slice(span))
                .into_iter()
                .map(|mut t| {
                    t.span = Span::new(t.span.start + span.start, t.span.end + span.start);
                    t
                })
                .collect();
            let inside = ts.iter().map(|t| quotes.holds(t.span)).collect();
            (ts, inside)
        });
        let lo = ts.partition_point(|t| t.span.start < from);
        let hi = ts.partition_point(|t| t.span.end <= to).max(lo);
        (&ts[lo..hi], &inside[lo..hi])
    }
}

/// Find the speaker phrase for the quote `q` inside its sentence(s) `[s0, s1]`.
fn frame(article: &Article, q: Span, quotes: &Regions, tokens: &mut SentenceTokens) -> Frame {
    let (Some(si), Some(sj)) = (
        article.sentence_at(q.start),
        article.sentence_at(q.end.saturating_sub(1)),
    ) else {
        return Frame::None;
    };
    // The frame lies near the quote: tokens further than `FRAME_REACH` bytes from it are never
    // part of it, and leaving them out keeps a pathological sentence (thousands of quote marks
    // in one line) linear.
    let from = q.start.saturating_sub(FRAME_REACH);
    let to = q.end.saturating_add(FRAME_REACH);
    let mut toks: Vec<Token> = Vec::new();
    let mut held: Vec<bool> = Vec::new();
    // A quote ending in "?” or "!” may end its sentence too ("...votes?” Trump said."): the
    // next sentence, when it starts right after the quote, can hold the frame.
    // (Not after a full stop: “... Trump.” The tycoon said ... is a new sentence's frame.)
    let asks = article
        .text
        .get(..q.end)
        .unwrap_or("")
        .trim_end_matches(['”', '"', '’', '\''])
        .ends_with(['?', '!']);
    let sj = match article.sentences.get(sj + 1) {
        Some(n)
            if asks
                && n.paragraph == article.sentences[sj].paragraph
                && n.span.start >= q.end
                && n.span.start <= q.end + 6 =>
        {
            sj + 1
        }
        _ => sj,
    };
    for k in si..=sj {
        let (t, h) = tokens.within(k, from, to, quotes);
        toks.extend_from_slice(t);
        held.extend_from_slice(h);
    }
    let is_verb = |t: &Token| t.word && SPEECH_VERBS.contains(fold_name(t.text).as_str());
    let is_mark = |t: &Token| matches!(t.text, "“" | "”" | "\"" | "‘" | "’");
    // After the quote: ", he said" / ", said Mr Smith" / ", Trump remarked".
    let after: Vec<&Token> = toks
        .iter()
        .zip(&held)
        .filter(|(t, h)| t.span.start >= q.end && !**h)
        .map(|(t, _)| t)
        .collect();
    let is_dash = |t: &Token| matches!(t.text, "—" | "―" | "–" | "-" | "--");
    let mut k = 0;
    let mut dashed = false;
    while k < after.len() && (is_mark(after[k]) || after[k].text == "," || is_dash(after[k])) {
        dashed |= is_dash(after[k]);
        k += 1;
    }
    // A dash and a name ending the sentence: “...” ― Pamela Padilla. (a byline of a quote).
    if dashed && k < after.len() && after[k].span.start < q.end + 12 && after[k].is_capitalised() {
        let mut end = k;
        while end < after.len()
            && end - k < 6
            && after[end].word
            && (after[end].is_capitalised()
                || matches!(
                    fold_name(after[end].text).as_str(),
                    "de" | "van" | "von" | "del" | "da"
                ))
        {
            end += 1;
        }
        let closed = after
            .get(end)
            .is_none_or(|t| matches!(t.text, "." | "," | ")" | ";") || is_dash(t) || is_mark(t));
        if closed && after[end - 1].is_capitalised() {
            return Frame::Phrase(Span::new(after[k].span.start, after[end - 1].span.end));
        }
    }
    let clause_word = after
        .get(k)
        .is_some_and(|t| NP_STOP.contains(&fold_name(t.text).as_str()));
    if k < after.len() && after[k].span.start < q.end + 6 && !clause_word {
        if is_verb(after[k]) {
            // Inverted: said X.
            let start = k + 1;
            let mut end = start;
            while end < after.len()
                && after[end].word
                && end - start < 8
                && !NP_STOP.contains(&fold_name(after[end].text).as_str())
            {
                end += 1;
            }
            if end > start {
                return Frame::Phrase(Span::new(after[start].span.start, after[end - 1].span.end));
            }
        } else {
            let mut end = k;
            while end < after.len() && after[end].word && end - k < 12 && !is_verb(after[end]) {
                end += 1;
            }
            let mut v = end;
            // Between a name and its verb, a parenthesis or an appositive: "Rep. Gwen Moore
            // (D-Wis.) said", "Mitch McConnell, R-Ky., said".
            if end > k && after.get(v).is_some_and(|t| t.text == "(") {
                if let Some(c) = after[v..].iter().take(10).position(|t| t.text == ")") {
                    v += c + 1;
                }
            } else if end > k
                && after[end - 1].is_capitalised()
                && after.get(v).is_some_and(|t| t.text == ",")
            {
                if let Some(c) = after[v + 1..].iter().take(14).position(|t| t.text == ",") {
                    if after.get(v + c + 2).is_some_and(|t| is_verb(t)) {
                        v += c + 2;
                    }
                }
            }
            while v < after.len() && AUX.contains(&fold_name(after[v].text).as_str()) {
                v += 1;
            }
            if end > k && v < after.len() && is_verb(after[v]) {
                return Frame::Phrase(Span::new(after[k].span.start, after[end - 1].span.end));
            }
        }
    }
    // Before the quote: "X said: “...", "X said he would not ... “...”".
    let before: Vec<&Token> = toks
        .iter()
        .zip(&held)
        .filter(|(t, h)| t.span.end <= q.start && !**h)
        .map(|(t, _)| t)
        .collect();
    if let Some(v) = before.iter().rposition(|t| is_verb(t)) {
        let mut e = v;
        while e > 0 && AUX.contains(&fold_name(before[e - 1].text).as_str()) {
            e -= 1;
        }
        // "according to X" names the source after the cue.
        if fold_name(before[v].text) == "according" {
            let start = v + 2;
            let mut end = start;
            while end < before.len() && before[end].word && end - start < 8 {
                end += 1;
            }
            if end > start {
                return Frame::Phrase(Span::new(
                    before[start].span.start,
                    before[end - 1].span.end,
                ));
            }
        }
        let prep = e > 0
            && matches!(
                fold_name(before[e - 1].text).as_str(),
                "by" | "after" | "before" | "while" | "without" | "in" | "for" | "when"
            );
        if prep && fold_name(before[v].text).ends_with("ing") {
            return Frame::Subject(Span::new(before[0].span.start, before[e - 1].span.end));
        }
        let mut b = e;
        while b > 0
            && before[b - 1].word
            && e - b < 10
            && !NP_STOP.contains(&fold_name(before[b - 1].text).as_str())
        {
            b -= 1;
        }
        if b < e {
            return Frame::Phrase(Span::new(before[b].span.start, before[e - 1].span.end));
        }
        // "X ..., and said “...”": the subject is the first name of the sentence.
        if let Some(first) = before.iter().take(e).find(|t| t.is_capitalised()) {
            let mut end = before
                .iter()
                .position(|t| std::ptr::eq(*t, *first))
                .unwrap_or(0);
            let start = end;
            while end < e && before[end].word && (before[end].is_capitalised() || end == start) {
                end += 1;
            }
            return Frame::Phrase(Span::new(
                before[start].span.start,
                before[end - 1].span.end,
            ));
        }
    }
    // "according to X" after the quote.
    if let Some(a) = after.iter().position(|t| fold_name(t.text) == "according") {
        let start = a + 2;
        let mut end = start;
        while end < after.len() && after[end].word && end - start < 8 {
            end += 1;
        }
        if end > start {
            return Frame::Phrase(Span::new(after[start].span.start, after[end - 1].span.end));
        }
    }
    Frame::None
}

/// A resolved speaker.
#[derive(Clone, Debug)]
struct Speaker {
    text: String,
    entity: bool,
    female: bool,
    male: bool,
}

fn mention_speaker(article: &Article, m: &Mention) -> Option<Speaker> {
    // A role the article did not tie to a name ("the US President") is kept as written; the
    // story-level merge maps it to the person other articles give that role.
    let surface = if m.role_only {
        m.refers_to
            .clone()
            .unwrap_or_else(|| article.slice(m.span).to_string())
    } else {
        article.slice(m.span).to_string()
    };
    let first = fold_name(surface.split_whitespace().next().unwrap_or(""));
    Some(Speaker {
        female: FEMALE_HONORIFICS.contains(first.as_str()),
        male: matches!(
            first.as_str(),
            "mr" | "mr." | "sir" | "lord" | "king" | "prince"
        ),
        text: surface,
        entity: true,
    })
}

/// Person (or organisation) mentions inside `span`, outside quotes.
fn mentions_in(
    mentions: &[Mention],
    span: Span,
    people_only: bool,
) -> impl Iterator<Item = &Mention> {
    mentions.iter().filter(move |m| {
        span.contains(m.span)
            && !m.in_quote
            && (m.kind == EntityKind::Person
                || (!people_only && m.kind == EntityKind::Organisation))
    })
}

/// Find the quotes of one article with their speakers. `mentions` come from
/// [`crate::entities::find_mentions`] on the same article.
pub fn find_quotes(article: &Article, mentions: &[Mention]) -> Vec<QuoteMention> {
    let spoken = transcript_quotes(article, mentions);
    let mut out = marked_quotes(article, mentions);
    if spoken.is_empty() {
        return out;
    }
    // Marks inside a speaker's turn quote within the speech: the turn is the quote.
    out.retain(|q| !spoken.iter().any(|t| t.span.contains(q.span)));
    out.extend(spoken);
    out.sort_by_key(|q| q.span);
    out
}

/// Roles of a transcript label that narrate rather than speak.
const NARRATORS: &[&str] = &[
    "HOST",
    "BYLINE",
    "ANCHOR",
    "CO-HOST",
    "CORRESPONDENT",
    "REPORTER",
    "NARRATOR",
    "INTERVIEWER",
    "MODERATOR",
];

/// The turns of a transcript ([`crate::segment::transcript_labels`]) as quotes of the
/// labelled speaker: each paragraph after a label that is not the host's or the reporter's
/// (named with a narrating role, or by the surname of one). The speaker is the article's
/// own spelling of the name when it has one ("ROSIE CURTS" -> "Rosie Curts"), else the label
/// in title case.
fn transcript_quotes(article: &Article, mentions: &[Mention]) -> Vec<QuoteMention> {
    let labels = crate::segment::transcript_labels(article);
    let name_of = |l: &crate::segment::Label| {
        let p = article.paragraphs[l.paragraph];
        &article.text[p.start + l.name.start..p.start + l.name.end]
    };
    let surname = |n: &str| fold_name(n.rsplit(' ').next().unwrap_or(n));
    let narrators: HashSet<String> = labels
        .iter()
        .flatten()
        .filter(|l| {
            l.role.is_some_and(|r| {
                let p = article.paragraphs[l.paragraph];
                let role = &article.text[p.start + r.start..p.start + r.end];
                NARRATORS.iter().any(|n| role.contains(n))
            })
        })
        .map(|l| surname(name_of(l)))
        .collect();
    let mut out = Vec::new();
    for (pi, l) in labels.iter().enumerate() {
        let Some(l) = l else { continue };
        let name = name_of(l);
        if narrators.contains(&surname(name)) || fold_name(name).starts_with("unidentified") {
            continue;
        }
        let p = article.paragraphs[pi];
        let span = trim_span(article, Span::new(p.start + l.len, p.end));
        if word_count(article.slice(span)) < 3 {
            continue;
        }
        // The article's spelling: a person mention with the same words (accents and case
        // folded), or whose surname is the label's one word.
        let key = name_key(name);
        let written = mentions
            .iter()
            .filter(|m| m.kind == EntityKind::Person && !m.role_only)
            .map(|m| article.slice(m.span))
            .filter(|w| {
                let k = name_key(w);
                k == key || (key.len() == 1 && k.len() > 1 && k.last() == key.last())
            })
            .max_by_key(|w| (w.split_whitespace().count(), std::cmp::Reverse(*w)));
        let speaker = match written {
            Some(w) => w.to_string(),
            None => title_case(name),
        };
        out.push(QuoteMention {
            span,
            speaker: Some(speaker),
            speaker_is_entity: true,
        });
    }
    out
}

/// "MARTINEZ-BELTRAN" -> "Martinez-Beltran", "O'NEIL" -> "O'Neil".
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// Quotes in quotation marks, with their speakers.
fn marked_quotes(article: &Article, mentions: &[Mention]) -> Vec<QuoteMention> {
    let raws = raw_quotes(article);
    let regions = Regions::new(raws.iter().map(|r| r.span).collect());
    let mut tokens = SentenceTokens::new(article);
    let mut out: Vec<QuoteMention> = Vec::new();
    // Speaker of the last quote and the sentence it ended in.
    let mut last: Option<(usize, Speaker)> = None;
    for raw in &raws {
        let span = trim_span(article, raw.span);
        let text = article.slice(span);
        let n = word_count(text);
        if n == 0 || (n < 3 && !raw.colon_intro) {
            continue; // scare quotes are not speech
        }
        let Some(si) = article.sentence_at(span.start) else {
            continue;
        };
        // A heading in capitals or a stage direction holds titles, not speech; so do a few
        // words in capitals (a song's title: "SHOOTER").
        let shouted = n <= 3 && !text.chars().any(char::is_lowercase);
        let caps_heading = article.sentences[si].heading
            && !article
                .slice(article.sentences[si].span)
                .chars()
                .any(char::is_lowercase);
        if caps_heading || shouted {
            continue;
        }
        let sentence_end = article
            .sentence_at(span.end.saturating_sub(1))
            .unwrap_or(si);
        let speaker = match frame(article, raw.span, &regions, &mut tokens) {
            Frame::Phrase(np) => resolve_phrase(article, mentions, np, si, &last),
            Frame::Subject(clause) => mentions
                .iter()
                .filter(|m| clause.contains(m.span) && !m.in_quote)
                .find(|m| m.kind == EntityKind::Person)
                .and_then(|m| mention_speaker(article, m))
                .or_else(|| antecedent(article, mentions, si, &last, None)),
            Frame::None => {
                // A standalone quote continues the previous speaker when it follows closely.
                match &last {
                    Some((ls, sp)) if si <= ls + 2 => Some(sp.clone()),
                    _ => antecedent(article, mentions, si, &last, None),
                }
            }
        };
        if n < 3 && speaker.is_none() {
            continue;
        }
        if let Some(sp) = &speaker {
            last = Some((sentence_end, sp.clone()));
        }
        out.push(QuoteMention {
            span,
            speaker_is_entity: speaker.as_ref().is_some_and(|s| s.entity),
            speaker: speaker.map(|s| s.text),
        });
    }
    join_interrupted(article, out)
}

/// Join a quote interrupted by its own attribution ("“A,” he said. “B.”") into one span
/// that runs from the first mark to the last: still a verbatim span of the article.
fn join_interrupted(article: &Article, quotes: Vec<QuoteMention>) -> Vec<QuoteMention> {
    let mut out: Vec<QuoteMention> = Vec::new();
    for q in quotes {
        if let Some(prev) = out.last_mut() {
            let gap = article
                .text
                .get(prev.span.end..q.span.start)
                .unwrap_or("\n\n");
            let words: Vec<&str> = gap
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .collect();
            let framed = words.iter().any(|w| {
                let f = fold_name(w.trim_matches(|c: char| !c.is_alphanumeric()));
                SPEECH_VERBS.contains(f.as_str())
            });
            let only_marks = words.is_empty()
                || words
                    .iter()
                    .all(|w| matches!(fold_name(w).as_str(), "and" | "or" | "adding"));
            if !gap.contains("\n\n")
                && words.len() <= 12
                && (framed || only_marks)
                && prev.speaker == q.speaker
            {
                prev.span.end = q.span.end;
                continue;
            }
        }
        out.push(q);
    }
    out
}

/// Resolve a speaker phrase: a name, a role, a pronoun, or an unnamed source.
fn resolve_phrase(
    article: &Article,
    mentions: &[Mention],
    np: Span,
    si: usize,
    last: &Option<(usize, Speaker)>,
) -> Option<Speaker> {
    let phrase = article.slice(np).trim();
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| fold_name(w)).collect();
    // "he", or a clause that ends on the pronoun subject ("including provisions he").
    if let Some(p) = lower.last().filter(|w| PRONOUNS.contains(&w.as_str())) {
        return antecedent(article, mentions, si, last, Some(p.as_str()));
    }
    let head_is_name = words
        .last()
        .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
    if head_is_name {
        // Two people joined by "and" speak together ("Nancy Pelosi and Chuck Schumer said").
        let people: Vec<&Mention> = mentions_in(mentions, np, true)
            .filter(|m| !m.role_only)
            .collect();
        if let [a, b] = people[..] {
            let between = article.text.get(a.span.end..b.span.start).unwrap_or("");
            let joined = between.split_whitespace().any(|w| w == "and");
            if joined && between.len() < 60 {
                return Some(Speaker {
                    text: format!("{} and {}", article.slice(a.span), article.slice(b.span)),
                    entity: false,
                    female: false,
                    male: false,
                });
            }
        }
        // The named person (or organisation) nearest the verb.
        if let Some(m) = mentions_in(mentions, np, true)
            .last()
            .or_else(|| mentions_in(mentions, np, false).last())
        {
            return mention_speaker(article, m);
        }
        // A lone surname the mention finder kept as "other" ("Sotomayor said").
        if let Some(m) = mentions
            .iter()
            .rfind(|m| np.contains(m.span) && !m.in_quote && m.kind == EntityKind::Other)
        {
            return mention_speaker(article, m);
        }
        if words.len() == 1 {
            return antecedent(article, mentions, si, last, None);
        }
        return Some(Speaker {
            text: phrase.to_string(),
            entity: false,
            female: false,
            male: false,
        });
    }
    // A role written in lower case that the text tied to a person ("the prime minister").
    if let Some(m) = mentions
        .iter()
        .find(|m| np.contains(m.span) && m.role_only && m.refers_to.is_some())
    {
        return mention_speaker(article, m);
    }
    // An unnamed source: a definite one points back to the indefinite description.
    let phrase = phrase.trim_start_matches(|c: char| !c.is_alphanumeric());
    let definite = matches!(
        lower.first().map(String::as_str),
        Some("the" | "this" | "that")
    );
    let head = lower.last().cloned().unwrap_or_default();
    if definite {
        let from = si.saturating_sub(6);
        for s in (from..si).rev() {
            let sent = article.slice(article.sentences[s].span);
            if let Some(m) = INDEFINITE
                .captures_iter(sent)
                .filter(|c| c.get(1).is_some_and(|h| h.as_str() == head))
                .last()
            {
                return Some(Speaker {
                    text: m.get(0).map(|x| x.as_str().to_string()).unwrap_or_default(),
                    entity: false,
                    female: false,
                    male: false,
                });
            }
        }
    }
    if let Some(m) = INDEFINITE.find(phrase) {
        return Some(Speaker {
            text: m.as_str().to_string(),
            entity: false,
            female: false,
            male: false,
        });
    }
    Some(Speaker {
        text: phrase.to_string(),
        entity: false,
        female: false,
        male: false,
    })
}

/// The person a pronoun in sentence `si` refers to: a person named earlier in the same
/// sentence, else the speaker of a quote in the sentence before, else the first person named
/// (the likely subject) in each earlier sentence.
fn antecedent(
    article: &Article,
    mentions: &[Mention],
    si: usize,
    last: &Option<(usize, Speaker)>,
    pronoun: Option<&str>,
) -> Option<Speaker> {
    let fits = |s: &Speaker| match pronoun {
        Some("she") => !s.male,
        Some("he") => !s.female,
        _ => true,
    };
    let from = si.saturating_sub(4);
    for s in (from..si).rev() {
        if let Some((ls, sp)) = last {
            if *ls == s && fits(sp) {
                return Some(sp.clone());
            }
        }
        let span = article.sentences[s].span;
        let named =
            mentions_in(mentions, span, true).filter(|m| !m.role_only || m.refers_to.is_some());
        if let Some(sp) = named
            .filter_map(|m| mention_speaker(article, m))
            .find(|s| fits(s))
        {
            return Some(sp);
        }
    }
    None
}

/// Comparison words of a quote: folded, with simple suffixes removed.
fn quote_words(s: &str) -> Vec<String> {
    tokenize(s)
        .iter()
        .filter(|t| t.word)
        .map(|t| {
            let w = fold_name(t.text);
            let w = w.trim_end_matches("'s").to_string();
            for suf in ["ing", "es", "ed", "s"] {
                if w.len() > suf.len() + 3 && w.ends_with(suf) {
                    return w[..w.len() - suf.len()].to_string();
                }
            }
            w
        })
        .collect()
}

fn contains_seq(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// True when two quotes are the same words, allowing for partial quoting and light rewording.
/// `sa`/`sb` are the word sets of `a`/`b`.
fn same_quote(a: &[String], sa: &HashSet<String>, b: &[String], sb: &HashSet<String>) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() >= 3 && contains_seq(long, short) {
        return true;
    }
    let (small, big) = if sa.len() <= sb.len() {
        (sa, sb)
    } else {
        (sb, sa)
    };
    if small.len() < 5 {
        return false;
    }
    let shared = small.iter().filter(|w| big.contains(*w)).count();
    shared >= 5 && shared * 4 >= small.len() * 3
}

/// Map a speaker surface to the canonical name of the story entity it belongs to.
fn entity_name<'e>(entities: &'e [Entity], surface: &str) -> Option<&'e str> {
    let key = name_key(surface).join(" ");
    entities
        .iter()
        .find(|e| {
            std::iter::once(&e.name)
                .chain(&e.aliases)
                .any(|a| name_key(a).join(" ") == key)
        })
        .map(|e| e.name.as_str())
}

/// Merge the quotes of a story's articles. `quotes[i]` belongs to `articles[i]`.
pub fn merge_quotes(
    articles: &[Article],
    quotes: &[Vec<QuoteMention>],
    entities: &[Entity],
) -> Vec<Quote> {
    struct Q<'a> {
        article: &'a Article,
        span: Span,
        speaker: Option<String>,
        entity: bool,
        words: Vec<String>,
        set: HashSet<String>,
    }
    let mut items: Vec<Q> = Vec::new();
    for (a, qs) in articles.iter().zip(quotes) {
        for q in qs {
            let (speaker, entity) = match &q.speaker {
                Some(s) if q.speaker_is_entity => match entity_name(entities, s) {
                    Some(n) => (Some(n.to_string()), true),
                    None => (Some(s.clone()), true),
                },
                other => (other.clone(), false),
            };
            let words = quote_words(a.slice(q.span));
            items.push(Q {
                article: a,
                span: q.span,
                speaker,
                entity,
                set: words.iter().cloned().collect(),
                words,
            });
        }
    }
    let n = items.len();
    let mut uf = UnionFind::new(n);
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&items[i], &items[j]);
            let clash = a.entity && b.entity && a.speaker != b.speaker;
            if !clash && same_quote(&a.words, &a.set, &b.words, &b.set) {
                uf.union(i, j);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let r = uf.find(i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<Quote> = groups
        .into_values()
        .map(|g| {
            let mut votes: BTreeMap<(bool, String), usize> = BTreeMap::new();
            for &i in &g {
                if let Some(s) = &items[i].speaker {
                    *votes.entry((items[i].entity, s.clone())).or_default() += 1;
                }
            }
            let speaker = votes
                .into_iter()
                .max_by(|a, b| (a.0 .0, a.1).cmp(&(b.0 .0, b.1)).then(b.0 .1.cmp(&a.0 .1)))
                .map(|((_, s), _)| s);
            let mut variants: Vec<QuoteVariant> = g
                .iter()
                .map(|&i| QuoteVariant {
                    article: items[i].article.id.clone(),
                    text: items[i].article.slice(items[i].span).to_string(),
                    span: items[i].span,
                })
                .collect();
            variants.sort_by(|a, b| a.article.cmp(&b.article).then(a.span.cmp(&b.span)));
            let text = variants
                .iter()
                .max_by(|a, b| {
                    a.text
                        .len()
                        .cmp(&b.text.len())
                        .then(b.article.cmp(&a.article))
                })
                .map(|v| v.text.clone())
                .unwrap_or_default();
            let mut arts: Vec<String> = variants.iter().map(|v| v.article.clone()).collect();
            arts.dedup();
            Quote {
                speaker,
                text,
                articles: arts,
                variants,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then_with(|| a.variants[0].article.cmp(&b.variants[0].article))
            .then_with(|| a.variants[0].span.cmp(&b.variants[0].span))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clean, entities, segment};
    use corroborate_model::RawArticle;

    fn check(body: &str) -> Vec<(String, Option<String>)> {
        let raw = RawArticle {
            id: "a".into(),
            body: body.into(),
            ..Default::default()
        };
        let mut a = clean::clean(&[raw]).remove(0);
        a.sentences = segment::segment(&a);
        let m = entities::find_mentions(&a);
        find_quotes(&a, &m)
            .into_iter()
            .map(|q| (a.slice(q.span).to_string(), q.speaker))
            .collect()
    }

    #[test]
    fn frames_before_and_after() {
        let q = check("Jane Smith visited Paris. “We are ready for this,” she said. Mr Brown said: “This is not over yet.”");
        assert_eq!(
            q[0],
            ("We are ready for this".into(), Some("Jane Smith".into()))
        );
        assert_eq!(
            q[1],
            ("This is not over yet.".into(), Some("Mr Brown".into()))
        );
    }

    #[test]
    fn frames_past_a_dash_a_parenthesis_an_appositive_or_a_sentence_end() {
        let q = check(concat!(
            "Ann Lee and Sen. David Vitter spoke after the debate.\n\n",
            "“He is ignorant of our culture and lives.” ― Pamela Padilla\n\n",
            "“It is a dog whistle to all of us,” Rep. Gwen Moore (D-Wis.) said Friday.\n\n",
            "“Our assumption is that the veto will be overridden,” Mitch McConnell, R-Ky., said.\n\n",
            "“Why is this not clear proof of a bank too big to manage?” Vitter demanded."
        ));
        let speakers: Vec<Option<&str>> = q.iter().map(|(_, s)| s.as_deref()).collect();
        assert_eq!(
            speakers,
            [
                Some("Pamela Padilla"),
                Some("Gwen Moore"),
                Some("Mitch McConnell"),
                Some("Vitter")
            ],
            "{q:?}"
        );
    }

    #[test]
    fn scare_quotes_are_not_speech() {
        assert!(check("The plan is a US “backstop” for the deal.").is_empty());
    }

    #[test]
    fn quotes_continue_across_paragraphs() {
        let q = check("Tom Hill spoke.\n\n“We all want peace,” he said. “It must last.\n\n“That is why we act now.”\n\nLater “this is another quote entirely,” Ann Lee said.");
        // An attribution inside a quote joins its parts; a new paragraph mark continues it.
        assert_eq!(q.len(), 2, "{q:?}");
        assert!(q[0].0.starts_with("We all want peace") && q[0].0.ends_with("act now."));
        assert_eq!(q[0].1.as_deref(), Some("Tom Hill"));
        assert_eq!(q[1].1.as_deref(), Some("Ann Lee"));
    }

    #[test]
    fn unnamed_sources_are_not_the_people_they_name() {
        let q = check("A senior official in the Smith administration spoke. “Mr Smith wants allies to pay more,” the official said.");
        assert_eq!(
            q[0].1.as_deref(),
            Some("A senior official in the Smith administration")
        );
    }
}
