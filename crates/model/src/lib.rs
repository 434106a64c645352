//! The shared vocabulary of corroborate: [`Article`] (cleaned text plus byte spans into it),
//! the per-article analyses ([`Mention`], [`QuoteMention`], [`NumberMention`]) and the
//! consolidated [`Story`] with its merged [`Entity`], [`Quote`] and number lists.
//!
//! Invariant: every span points into the `text` of the article it belongs to, so every
//! sentence, mention, quote and number can be traced to the exact words it came from.
//! This crate does no IO and has no dependencies; it never changes an article's text
//! once built.
//!
//! ```
//! use corroborate_model::{Article, Span};
//! let a = Article::new("a1".into(), "Headline".into(), "Body text.".into());
//! assert_eq!(a.slice(Span::new(0, 4)), "Body");
//! ```

use std::fmt;

/// A half-open byte range `[start, end)` into an article's cleaned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (exclusive).
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    /// True when the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// True when `other` lies inside this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Why a piece of text was removed by cleaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RemovedKind {
    /// A donation, membership or subscription appeal.
    Appeal,
    /// A short call to action: "Read more", "Support Now", "Click here".
    CallToAction,
    /// A newsletter sign-up prompt.
    Newsletter,
    /// A cookie or consent prompt.
    Cookie,
    /// A share / follow line.
    Share,
    /// The headline printed again in the body.
    RepeatedHeadline,
    /// A byline or credit line ("By Jane Doe").
    Byline,
    /// A paragraph that recurs across articles of the same outlet.
    RepeatedBoilerplate,
    /// A leading metadata line ("date 2025-02-27").
    Metadata,
}

impl RemovedKind {
    /// The stable name used in JSON and reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            RemovedKind::Appeal => "appeal",
            RemovedKind::CallToAction => "call_to_action",
            RemovedKind::Newsletter => "newsletter",
            RemovedKind::Cookie => "cookie",
            RemovedKind::Share => "share",
            RemovedKind::RepeatedHeadline => "repeated_headline",
            RemovedKind::Byline => "byline",
            RemovedKind::RepeatedBoilerplate => "repeated_boilerplate",
            RemovedKind::Metadata => "metadata",
        }
    }

    /// The kind named by [`RemovedKind::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        [
            RemovedKind::Appeal,
            RemovedKind::CallToAction,
            RemovedKind::Newsletter,
            RemovedKind::Cookie,
            RemovedKind::Share,
            RemovedKind::RepeatedHeadline,
            RemovedKind::Byline,
            RemovedKind::RepeatedBoilerplate,
            RemovedKind::Metadata,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// A piece of source text that cleaning took out, kept so a user can see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    /// Why it was removed.
    pub kind: RemovedKind,
    /// The removed text, verbatim.
    pub text: String,
}

/// One sentence of an article: a span into its cleaned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Where the sentence lies in the article text.
    pub span: Span,
    /// Index of the paragraph that holds it.
    pub paragraph: usize,
    /// True for a section heading (a short line without a full stop).
    pub heading: bool,
}

/// A cleaned article. Immutable once built: later stages only point into `text`.
#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    /// Stable id (file stem, JSONL `id`).
    pub id: String,
    /// The headline.
    pub title: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The outlet that published it.
    pub outlet: Option<String>,
    /// Source URL, when known.
    pub url: Option<String>,
    /// The cleaned text: paragraphs joined by a blank line.
    pub text: String,
    /// Paragraph spans into `text`, in order.
    pub paragraphs: Vec<Span>,
    /// Sentence spans into `text`, in order.
    pub sentences: Vec<Sentence>,
    /// What cleaning removed.
    pub removed: Vec<Removed>,
    /// Authors named by the input (web page metadata, feed, JSONL), in order.
    pub authors: Vec<String>,
    /// Language code given or detected by the input reader (`en`, `de`, ...).
    pub language: Option<String>,
    /// True for a feed item that carried only a summary, not the article.
    pub summary_only: bool,
}

impl Article {
    /// An article whose text is one paragraph and has no sentences yet.
    pub fn new(id: String, title: String, text: String) -> Self {
        let paragraphs = if text.is_empty() {
            vec![]
        } else {
            vec![Span::new(0, text.len())]
        };
        Article {
            id,
            title,
            date: None,
            outlet: None,
            url: None,
            text,
            paragraphs,
            sentences: vec![],
            removed: vec![],
            authors: vec![],
            language: None,
            summary_only: false,
        }
    }
    /// The text under `span` (empty when the span is out of bounds).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
    /// Index of the sentence containing byte `pos`, if any.
    pub fn sentence_at(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.end <= pos);
        (i < self.sentences.len() && self.sentences[i].span.start <= pos).then_some(i)
    }
}

/// What kind of thing an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    /// A person.
    Person,
    /// A company, party, government body, team, outlet.
    Organisation,
    /// A country, city, region, landmark.
    Place,
    /// Anything else: nationalities, events, works.
    Other,
}

impl EntityKind {
    /// The stable name used in JSON and reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organisation => "organisation",
            EntityKind::Place => "place",
            EntityKind::Other => "other",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One mention of a named thing in one article.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// The name as written, without role titles ("Sir Keir", "Mr Trump", "Starmer").
    pub span: Span,
    /// Kind guessed for this mention.
    pub kind: EntityKind,
    /// A role title written before the name, or the role used for a role-only
    /// mention ("Prime Minister"), lower-cased.
    pub role: Option<String>,
    /// True when the mention is a role only ("the Prime Minister") linked to a person.
    pub role_only: bool,
    /// For role-only mentions: the surface text of the person it refers to.
    pub refers_to: Option<String>,
    /// True when the mention lies inside quotation marks.
    pub in_quote: bool,
}

/// A direct quotation found in one article.
#[derive(Clone, Debug, PartialEq)]
pub struct QuoteMention {
    /// The quoted words (without the marks), possibly spanning paragraphs.
    pub span: Span,
    /// The speaker as resolved: an entity surface or a descriptive phrase.
    pub speaker: Option<String>,
    /// True when the speaker was resolved to a named person or organisation.
    pub speaker_is_entity: bool,
}

/// A number claimed in an article.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberMention {
    /// The words that state it ("2.5%", "£1.2bn", "April 2027").
    pub span: Span,
    /// Normalized value (percent points, currency units, count, year, yyyymmdd).
    pub value: f64,
    /// Unit: percent, GBP, USD, EUR, count, year, month, date, ...
    pub unit: String,
    /// ISO form for dates ("2027-04", "2025-02-27"), when it is a date.
    pub normalized: Option<String>,
    /// Index of the sentence in the article.
    pub sentence: usize,
}

/// Everything the per-article stages found in one article.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ArticleAnalysis {
    /// Named mentions, in text order.
    pub mentions: Vec<Mention>,
    /// Direct quotes, in text order.
    pub quotes: Vec<QuoteMention>,
    /// Numbers, in text order.
    pub numbers: Vec<NumberMention>,
}

/// An entity merged across a story's articles.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Canonical name: the fullest form, without honorifics.
    pub name: String,
    /// Its kind.
    pub kind: EntityKind,
    /// Every other form it is written in, sorted.
    pub aliases: Vec<String>,
    /// Ids of the articles that mention it, sorted.
    pub articles: Vec<String>,
    /// Number of mentions across the story.
    pub mentions: usize,
}

/// One article's wording of a quote.
#[derive(Clone, Debug, PartialEq)]
pub struct QuoteVariant {
    /// The article.
    pub article: String,
    /// Its wording, verbatim.
    pub text: String,
    /// Where in the article's text.
    pub span: Span,
}

/// A quote merged across articles.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// The speaker, when resolved.
    pub speaker: Option<String>,
    /// The fullest wording.
    pub text: String,
    /// Articles that carry it, sorted.
    pub articles: Vec<String>,
    /// Each article's wording.
    pub variants: Vec<QuoteVariant>,
}

/// A number in a story, with the article and sentence it stands in.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryNumber {
    /// The article.
    pub article: String,
    /// The mention.
    pub number: NumberMention,
    /// Its words.
    pub text: String,
}

/// A consolidated story: the articles about one event and what they say together.
#[derive(Clone, Debug, PartialEq)]
pub struct Story {
    /// Content-derived id.
    pub id: String,
    /// The headline of its most representative article.
    pub headline: String,
    /// Member article ids, sorted.
    pub articles: Vec<String>,
    /// Merged entities, most mentioned first.
    pub entities: Vec<Entity>,
    /// Merged quotes.
    pub quotes: Vec<Quote>,
    /// Numbers, by article then position.
    pub numbers: Vec<StoryNumber>,
    /// Lineages among the articles: an original and its copies and rewrites count once.
    pub independent_sources: usize,
    /// Facts: sentences of different articles that state the same thing, best supported first.
    pub facts: Vec<Fact>,
    /// Articles that copy or rewrite another article of the story.
    pub derivations: Vec<Derivation>,
    /// Aligned facts whose numbers or dates differ between articles.
    pub conflicts: Vec<Conflict>,
    /// The extractive summary, in reading order.
    pub summary: Vec<SummarySentence>,
}

/// One article's sentence stating a fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactVariant {
    /// The article.
    pub article: String,
    /// Index into that article's `sentences`.
    pub sentence: usize,
    /// The words that state the fact, verbatim: the whole sentence, or the clause `span`.
    pub text: String,
    /// When only a clause of the sentence states the fact: its byte offsets `[start, end)`
    /// within the sentence. `None` for the whole sentence.
    pub span: Option<(usize, usize)>,
}

/// Sentences of different articles that state the same thing.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// Words of one source that every variant supports (a sentence or a clause of it),
    /// preferring an original over a rewrite.
    pub text: String,
    /// The article `text` comes from.
    pub source: String,
    /// Articles that state it, sorted.
    pub articles: Vec<String>,
    /// Lineages among `articles`.
    pub independent_sources: usize,
    /// Each article's sentence, in article order.
    pub variants: Vec<FactVariant>,
    /// The numbers the fact carries (one per distinct value, from the first variant saying it).
    pub numbers: Vec<StoryNumber>,
}

/// Whether the direction of a derivation is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `article` was made from `source` (dates or content show it).
    ArticleFromSource,
    /// One was made from the other; which is not known.
    Unknown,
}

impl Direction {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::ArticleFromSource => "article_from_source",
            Direction::Unknown => "unknown",
        }
    }
}

/// An article that copies or rewrites another.
#[derive(Clone, Debug, PartialEq)]
pub struct Derivation {
    /// The copy or rewrite (with `Direction::Unknown`: the later id of the two).
    pub article: String,
    /// The article it was made from.
    pub source: String,
    /// Aligned sentences, in order, over the sentences of the shorter article.
    pub shared_fraction: f64,
    /// Whether `article` is known to come from `source`.
    pub direction: Direction,
    /// True when the texts are the same or nearly so (a copy rather than a rewrite).
    pub copy: bool,
}

/// One side of a conflict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictClaim {
    /// The normalized value ("2027-04", "25", ...).
    pub value: String,
    /// Articles claiming it.
    pub articles: Vec<String>,
    /// The words as written in the first of them.
    pub text: String,
}

/// A fact whose articles disagree on a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// What they disagree about: the kind of value and the fact ("date: ...").
    pub about: String,
    /// The kind of value: "percent", "date", "count", a currency code...
    pub kind: String,
    /// Index of the fact in `Story::facts`.
    pub fact: usize,
    /// Each value with the articles that claim it.
    pub claims: Vec<ConflictClaim>,
}

/// One summary sentence: a verbatim span of `source`, supported by `articles`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummarySentence {
    /// The words, verbatim from `source`.
    pub text: String,
    /// The article the words are taken from.
    pub source: String,
    /// Index of the sentence in the source's `sentences`.
    pub sentence: usize,
    /// Every article that states it (the source first, then the rest sorted).
    pub articles: Vec<String>,
}

/// True when bytes look like binary data rather than text: a NUL byte, or more than one byte in
/// twenty a control character (other than whitespace and the ESC of ISO-2022 text), in the first
/// 8 KiB. UTF-16 text (by its byte-order mark) is text. Shared by every reader.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.starts_with(b"\xff\xfe") || sample.starts_with(b"\xfe\xff") {
        return false;
    }
    if sample.contains(&0) {
        return true;
    }
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    control * 20 > sample.len().max(1)
}

/// An input that could not be read as an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The path (and line, for JSONL) that failed.
    pub path: String,
    /// A human-readable reason.
    pub reason: String,
}

/// An article as read from input, before cleaning.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RawArticle {
    /// Id (file stem or JSONL id).
    pub id: String,
    /// Where it came from.
    pub path: String,
    /// Title given by the input format, if any.
    pub title: Option<String>,
    /// Date given by the input format, if any.
    pub date: Option<String>,
    /// Outlet given by the input format, if any.
    pub outlet: Option<String>,
    /// URL given by the input format, if any.
    pub url: Option<String>,
    /// The body, as read.
    pub body: String,
    /// True when the body starts with its own headline (plain text files).
    pub body_has_headline: bool,
    /// Authors given by the input format, in order.
    pub authors: Vec<String>,
    /// Language code given by the input format.
    pub language: Option<String>,
    /// True for a feed item that carried only a summary, not the article.
    pub summary_only: bool,
}

/// A sentence embedder: maps texts to unit-length vectors whose dot product is their cosine
/// similarity. Implemented by `corroborate-embed` (the built-in static model and the
/// transformer); the pipeline only sees this trait, so it never links a model runtime.
///
/// Invariant: `embed` is deterministic (the same text gives the same vector, whatever else is in
/// the batch) and returns one vector of `dim()` floats per input text, L2-normalised (the zero
/// vector for a text with no known token).
pub trait Embedder: Send + Sync {
    /// A short stable name, e.g. `static-minilm` or `all-MiniLM-L6-v2`.
    fn name(&self) -> &str;
    /// Length of every vector `embed` returns.
    fn dim(&self) -> usize;
    /// One unit vector per text, in input order.
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>>;
}
