//! The shared vocabulary of corroborate: [`Article`] (cleaned text plus byte spans into it),
//! the per-article analyses ([`Mention`], [`QuoteMention`], [`NumberMention`]) and the
//! consolidated [`Story`] with its merged [`Entity`], [`Quote`] and number lists.
//!
//! Invariant: every span points into the `text` of the article it belongs to, so every
//! sentence, mention, quote and number can be traced to the exact words it came from.
//! It also defines the interface every story store implements ([`StoryStore`]), so the
//! pipeline's orchestrator drives any backend without the backend knowing the pipeline.
//! This crate does no IO and depends on serde only (the store keeps analyses as JSON); it never
//! changes an article's text once built.
//!
//! ```
//! use corroborate_model::{Article, Span};
//! let a = Article::new("a1".into(), "Headline".into(), "Body text.".into());
//! assert_eq!(a.slice(Span::new(0, 4)), "Body");
//! ```

use std::fmt;

/// A half-open byte range `[start, end)` into an article's cleaned text.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
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
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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
    /// HTML or code printed as text: an embed snippet (`<iframe src="...">`).
    Markup,
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
            RemovedKind::Markup => "markup",
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
            RemovedKind::Markup,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// A piece of source text that cleaning took out, kept so a user can see it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Removed {
    /// Why it was removed.
    pub kind: RemovedKind,
    /// The removed text, verbatim.
    pub text: String,
}

/// One sentence of an article: a span into its cleaned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sentence {
    /// Where the sentence lies in the article text.
    pub span: Span,
    /// Index of the paragraph that holds it.
    pub paragraph: usize,
    /// True for a section heading (a short line without a full stop).
    pub heading: bool,
}

/// A cleaned article. Immutable once built: later stages only point into `text`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// Sentences past the per-article cap, left out of the analysis (0 for any normal article).
    #[serde(default)]
    pub sentences_cut: usize,
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
            sentences_cut: 0,
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
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum EntityKind {
    /// A person.
    Person,
    /// A company, party, government body, team, outlet.
    Organisation,
    /// A country, city, region, landmark.
    Place,
    /// Anything else that is named: events, laws, works, products.
    Other,
    /// A nationality or group of people, not one referent: "British", "Europeans",
    /// "Republicans". Kept for reading roles ("the British Prime Minister"); reports list
    /// these apart from the named entities.
    Group,
}

impl EntityKind {
    /// The stable name used in JSON and reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organisation => "organisation",
            EntityKind::Place => "place",
            EntityKind::Other => "other",
            EntityKind::Group => "group",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One mention of a named thing in one article.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QuoteMention {
    /// The quoted words (without the marks), possibly spanning paragraphs.
    pub span: Span,
    /// The speaker as resolved: an entity surface or a descriptive phrase.
    pub speaker: Option<String>,
    /// True when the speaker was resolved to a named person or organisation.
    pub speaker_is_entity: bool,
}

/// A number claimed in an article.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ArticleAnalysis {
    /// Named mentions, in text order.
    pub mentions: Vec<Mention>,
    /// Direct quotes, in text order.
    pub quotes: Vec<QuoteMention>,
    /// Numbers, in text order.
    pub numbers: Vec<NumberMention>,
}

/// An entity merged across a story's articles.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QuoteVariant {
    /// The article.
    pub article: String,
    /// Its wording, verbatim.
    pub text: String,
    /// Where in the article's text.
    pub span: Span,
}

/// A quote merged across articles.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoryNumber {
    /// The article.
    pub article: String,
    /// The mention.
    pub number: NumberMention,
    /// Its words.
    pub text: String,
}

/// A consolidated story: the articles about one event and what they say together.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConflictClaim {
    /// The normalized value ("2027-04", "25", ...).
    pub value: String,
    /// Articles claiming it.
    pub articles: Vec<String>,
    /// The words as written in the first of them.
    pub text: String,
}

/// A fact whose articles disagree on a value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rejection {
    /// The path (and line, for JSONL) that failed.
    pub path: String,
    /// A human-readable reason.
    pub reason: String,
}

/// An article as read from input, before cleaning.
#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
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

/// What a store keeps per article for story assignment: the article, where it came from, the
/// story it joined and the pipeline's clustering record of it (opaque to the store).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredArticle {
    /// The cleaned article (without sentences).
    pub article: Article,
    /// The input path it was read from.
    pub path: String,
    /// Index of its story in the store.
    pub story: u32,
    /// The earlier article it copies, with the estimated word overlap.
    pub copy_of: Option<(String, f64)>,
    /// The pipeline's exact-copy key (opaque).
    pub exact: u64,
    /// The pipeline's near-copy signature (opaque bytes).
    pub signature: Vec<u8>,
    /// A hash of the body as read (hex), to tell a re-read of the same input from other
    /// content under the same id without cleaning it again.
    pub body_hash: String,
}

/// A story's row as assignment leaves it: counts, dates and the pipeline's state (opaque).
#[derive(Clone, Debug, PartialEq)]
pub struct StoryRecord {
    /// Index of the story in the store (0, 1, 2, ... in order of opening).
    pub idx: u32,
    /// Public id (`s-` and 12 hex digits), fixed when the story opens.
    pub id: String,
    /// The founding article's title (the listing's headline until the story is analysed).
    pub founder_title: String,
    /// Earliest and latest member date (`YYYY-MM-DD`).
    pub first_date: Option<String>,
    /// See `first_date`.
    pub last_date: Option<String>,
    /// Member articles, copies included.
    pub articles: u32,
    /// Members that are exact or near copies of another.
    pub copies: u32,
    /// The pipeline's clustering state of the story (opaque bytes).
    pub state: Vec<u8>,
}

/// One stored article as the clustering state needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct SeenRecord {
    /// Article id.
    pub id: String,
    /// Index of its story.
    pub story: u32,
    /// The pipeline's exact-copy key.
    pub exact: u64,
    /// The pipeline's near-copy signature.
    pub signature: Vec<u8>,
}

/// Everything a store holds for story assignment, read in one consistent view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// The store's generation: it grows by one with every committed batch.
    pub generation: u64,
    /// Articles counted in the document frequencies: every stored article (an invariant the
    /// store checks), so also the number the next article gets.
    pub docs: u64,
    /// Document frequency per term key.
    pub df: Vec<(u64, u32)>,
    /// Stories stored in all (the next story's index).
    pub story_count: u32,
    /// The state of each story `seen` names, with its index, by index.
    pub stories: Vec<(u32, Vec<u8>)>,
    /// The latest stored articles (as many as asked for), in storing order.
    pub seen: Vec<SeenRecord>,
}

/// One batch as assignment produced it: written in one transaction or not at all.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchWrite {
    /// New articles.
    pub articles: Vec<StoredArticle>,
    /// Stories opened or grown by the batch (new ones are the indices past the stored ones).
    pub stories: Vec<StoryRecord>,
    /// Document frequency increments per term key.
    pub df: Vec<(u64, u32)>,
    /// Articles counted in the document frequencies after the batch.
    pub docs: u64,
    /// The horizon assignment ran with: recorded by the store when it has none yet (0: none
    /// to record).
    pub horizon: u64,
}

/// A story's full analysis as kept by the store, so listings and `show` need not recompute it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredAnalysis {
    /// Which pipeline and model made it (a changed version means recompute).
    pub version: String,
    /// How many member articles it covers (a grown story means recompute).
    pub members: u32,
    /// The story.
    pub story: Story,
    /// Sentence spans per member article, in the story's article order.
    pub sentences: Vec<Vec<Sentence>>,
}

/// What a store listing shows of a story.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryRow {
    /// Public story id.
    pub id: String,
    /// The analysed headline, else the founding article's title.
    pub headline: String,
    /// Member article ids, sorted.
    pub articles: Vec<String>,
    /// Independent sources from the stored analysis, else members that are not copies.
    pub independent_sources: u32,
    /// Earliest and latest publication date of the members.
    pub first_date: Option<String>,
    /// See `first_date`.
    pub last_date: Option<String>,
    /// The version of the stored analysis when it covers every member; `None` while pending.
    pub analysed: Option<String>,
}

/// A store of articles and stories that several processes may share. Implemented by
/// `corroborate-store` (SQLite); driven by the pipeline's orchestrator (`run::Ingest`), which
/// owns what the opaque clustering records mean.
///
/// Invariant: a batch is written between [`StoryStore::begin_write`] and
/// [`StoryStore::write_batch`] (which commits) as one transaction; while it is open no other
/// writer commits, so assignment made on the snapshot read inside it is never stale.
pub trait StoryStore {
    /// The backend's error.
    type Error: std::error::Error + Send + Sync + 'static;
    /// The generation committed last (grows by one per batch, whoever wrote it).
    fn generation(&self) -> Result<u64, Self::Error>;
    /// The horizon recorded by the first batch written ([`BatchWrite::horizon`]); `None` for
    /// a store no batch has been written to, or one written before horizons were recorded.
    fn horizon(&self) -> Result<Option<u64>, Self::Error>;
    /// Start the write transaction, waiting while another writer holds it (calling `waiting`
    /// once when it has to wait); returns the generation it sees.
    fn begin_write(&mut self, waiting: &mut dyn FnMut()) -> Result<u64, Self::Error>;
    /// Write a batch and commit the transaction `begin_write` opened; the generation grows
    /// by one.
    fn write_batch(&mut self, batch: &BatchWrite) -> Result<(), Self::Error>;
    /// Abandon the write transaction (nothing of it is kept).
    fn abort_write(&mut self);
    /// The clustering state, read consistently (inside the write transaction when one is
    /// open): the latest `recent` articles and the stories they belong to, so what is read
    /// stays bounded however large the store.
    fn snapshot(&self, recent: u64) -> Result<Snapshot, Self::Error>;
    /// Whether an id is stored with this content: `None` when the id is free, `Some(true)`
    /// when the stored article has this body hash (or, stored without one, this cleaned
    /// `text`; with `text` absent such an article counts as other content).
    fn same_content(
        &self,
        id: &str,
        body_hash: &str,
        text: Option<&str>,
    ) -> Result<Option<bool>, Self::Error>;
    /// [`StoryStore::same_content`] of many articles at once, `(id, body_hash, text)` each:
    /// one answer per item, in order. A backend behind a network answers them in one round
    /// trip; the default asks one by one.
    fn same_contents(
        &self,
        items: &[(&str, &str, Option<&str>)],
    ) -> Result<Vec<Option<bool>>, Self::Error> {
        items
            .iter()
            .map(|&(id, hash, text)| self.same_content(id, hash, text))
            .collect()
    }
    /// The public id of the story at an index, if there is one.
    fn story_id(&self, idx: u32) -> Result<Option<String>, Self::Error>;
    /// The members of a story (sorted by id, without sentences); `None` for an unknown id.
    fn story_articles(&self, story_id: &str) -> Result<Option<Vec<Article>>, Self::Error>;
    /// Keep a story's analysis, unless the story has grown past it meanwhile (then `false`).
    fn record_analysis(
        &mut self,
        story_id: &str,
        analysis: &StoredAnalysis,
    ) -> Result<bool, Self::Error>;
    /// Stories whose kept analysis is missing, of another version, or does not cover all their
    /// members: their indices, in order.
    fn unanalysed(&self, version: &str) -> Result<Vec<u32>, Self::Error>;
    /// The stored analysis of a story, whatever its version.
    fn analysis(&self, story_id: &str) -> Result<Option<StoredAnalysis>, Self::Error>;
}
