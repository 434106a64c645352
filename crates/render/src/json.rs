//! JSON: the documented output contract, schema version [`SCHEMA_VERSION`]. Record types here
//! are the boundary: internal model types are never serialized directly, so the model can
//! change without breaking users. Later versions add fields and never rename.
//! Output is deterministic: same input, byte-identical JSON.

use crate::View;
use serde::Serialize;

/// Bumped on any breaking change to the JSON contract.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole document.
#[derive(Serialize)]
pub struct DigestRecord<'a> {
    /// Contract version.
    pub schema_version: u32,
    /// Articles.
    pub articles: Vec<ArticleRecord<'a>>,
    /// Rejected inputs.
    pub rejected: Vec<RejectedRecord<'a>>,
    /// Stories.
    pub stories: Vec<StoryRecord<'a>>,
}

/// One cleaned article.
#[derive(Serialize)]
pub struct ArticleRecord<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub outlet: Option<&'a str>,
    pub url: Option<&'a str>,
    pub authors: &'a [String],
    pub language: Option<&'a str>,
    /// A feed item that carried only its summary.
    pub summary_only: bool,
    /// Sentences past the per-article cap, not analysed (absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub sentences_not_analysed: usize,
    pub text: &'a str,
    pub removed: Vec<RemovedRecord<'a>>,
    pub sentences: Vec<&'a str>,
}

/// A removed piece of text.
#[derive(Serialize)]
pub struct RemovedRecord<'a> {
    pub kind: &'static str,
    pub text: &'a str,
}

/// A rejected input.
#[derive(Serialize)]
pub struct RejectedRecord<'a> {
    pub path: &'a str,
    pub reason: &'a str,
}

/// One story.
#[derive(Serialize)]
pub struct StoryRecord<'a> {
    pub id: &'a str,
    pub headline: &'a str,
    pub articles: &'a [String],
    pub entities: Vec<EntityRecord<'a>>,
    pub quotes: Vec<QuoteRecord<'a>>,
    pub numbers: Vec<NumberRecord<'a>>,
    pub independent_sources: usize,
    pub facts: Vec<FactRecord<'a>>,
    pub derivations: Vec<DerivationRecord<'a>>,
    pub conflicts: Vec<ConflictRecord<'a>>,
    pub summary: Vec<SummaryRecord<'a>>,
}

/// Sentences of several articles that state one thing.
#[derive(Serialize)]
pub struct FactRecord<'a> {
    pub text: &'a str,
    pub source: &'a str,
    pub articles: &'a [String],
    pub independent_sources: usize,
    pub variants: Vec<FactVariantRecord<'a>>,
    pub numbers: Vec<NumberRecord<'a>>,
}

/// One article's words of a fact.
#[derive(Serialize)]
pub struct FactVariantRecord<'a> {
    pub article: &'a str,
    pub sentence: usize,
    /// The words that state the fact: the sentence, or the clause at `span`.
    pub text: &'a str,
    /// Byte offsets of the clause within the sentence, when only a clause states the fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
    /// The article this one copies or rewrites, when it is a copy or rewrite (then it adds no
    /// independent source).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<&'a str>,
}

/// A copy or rewrite.
#[derive(Serialize)]
pub struct DerivationRecord<'a> {
    pub article: &'a str,
    pub source: &'a str,
    pub shared_fraction: f64,
    pub direction: &'static str,
    pub copy: bool,
}

/// A disagreement between articles on one fact.
#[derive(Serialize)]
pub struct ConflictRecord<'a> {
    pub about: &'a str,
    pub kind: &'a str,
    pub fact: usize,
    pub claims: Vec<ClaimRecord<'a>>,
}

/// One side of a conflict.
#[derive(Serialize)]
pub struct ClaimRecord<'a> {
    pub value: &'a str,
    pub articles: &'a [String],
    pub text: &'a str,
}

/// One summary sentence.
#[derive(Serialize)]
pub struct SummaryRecord<'a> {
    pub text: &'a str,
    pub source: &'a str,
    pub sentence: usize,
    pub articles: &'a [String],
}

fn number_record(n: &corroborate_model::StoryNumber) -> NumberRecord<'_> {
    NumberRecord {
        text: &n.text,
        value: n.number.value,
        unit: &n.number.unit,
        normalized: n.number.normalized.as_deref(),
        article: &n.article,
        sentence: n.number.sentence,
    }
}

/// A merged entity.
#[derive(Serialize)]
pub struct EntityRecord<'a> {
    pub name: &'a str,
    pub kind: &'static str,
    pub aliases: &'a [String],
    pub articles: &'a [String],
    pub mentions: usize,
}

/// A merged quote.
#[derive(Serialize)]
pub struct QuoteRecord<'a> {
    pub speaker: Option<&'a str>,
    pub text: &'a str,
    /// The quoted words only: verbatim pieces of `text` without the attribution between them.
    pub quoted: Vec<&'a str>,
    pub articles: &'a [String],
    pub variants: Vec<VariantRecord<'a>>,
}

/// One article's wording of a quote.
#[derive(Serialize)]
pub struct VariantRecord<'a> {
    pub article: &'a str,
    pub text: &'a str,
}

/// A number.
#[derive(Serialize)]
pub struct NumberRecord<'a> {
    pub text: &'a str,
    pub value: f64,
    pub unit: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized: Option<&'a str>,
    pub article: &'a str,
    pub sentence: usize,
}

/// Build the record tree of a view.
pub fn record<'a>(v: &View<'a>) -> DigestRecord<'a> {
    DigestRecord {
        schema_version: SCHEMA_VERSION,
        articles: v
            .articles
            .iter()
            .map(|a| ArticleRecord {
                id: &a.id,
                title: &a.title,
                date: a.date.as_deref(),
                outlet: a.outlet.as_deref(),
                url: a.url.as_deref(),
                authors: &a.authors,
                language: a.language.as_deref(),
                summary_only: a.summary_only,
                sentences_not_analysed: a.sentences_cut,
                text: &a.text,
                removed: a
                    .removed
                    .iter()
                    .map(|r| RemovedRecord {
                        kind: r.kind.as_str(),
                        text: &r.text,
                    })
                    .collect(),
                sentences: a.sentences.iter().map(|s| a.slice(s.span)).collect(),
            })
            .collect(),
        rejected: v
            .rejected
            .iter()
            .map(|r| RejectedRecord {
                path: &r.path,
                reason: &r.reason,
            })
            .collect(),
        stories: v
            .stories
            .iter()
            .map(|s| StoryRecord {
                id: &s.id,
                headline: &s.headline,
                articles: &s.articles,
                entities: s
                    .entities
                    .iter()
                    .map(|e| EntityRecord {
                        name: &e.name,
                        kind: e.kind.as_str(),
                        aliases: &e.aliases,
                        articles: &e.articles,
                        mentions: e.mentions,
                    })
                    .collect(),
                quotes: s
                    .quotes
                    .iter()
                    .map(|q| QuoteRecord {
                        speaker: q.speaker.as_deref(),
                        text: &q.text,
                        quoted: crate::quoted_parts(&q.text),
                        articles: &q.articles,
                        variants: q
                            .variants
                            .iter()
                            .map(|v| VariantRecord {
                                article: &v.article,
                                text: &v.text,
                            })
                            .collect(),
                    })
                    .collect(),
                numbers: s.numbers.iter().map(number_record).collect(),
                independent_sources: s.independent_sources,
                facts: s
                    .facts
                    .iter()
                    .map(|f| FactRecord {
                        text: &f.text,
                        source: &f.source,
                        articles: &f.articles,
                        independent_sources: f.independent_sources,
                        variants: f
                            .variants
                            .iter()
                            .map(|v| FactVariantRecord {
                                article: &v.article,
                                sentence: v.sentence,
                                text: &v.text,
                                span: v.span.map(|(a, b)| [a, b]),
                                derived_from: crate::derived_from(s, &v.article),
                            })
                            .collect(),
                        numbers: f.numbers.iter().map(number_record).collect(),
                    })
                    .collect(),
                derivations: s
                    .derivations
                    .iter()
                    .map(|d| DerivationRecord {
                        article: &d.article,
                        source: &d.source,
                        shared_fraction: d.shared_fraction,
                        direction: d.direction.as_str(),
                        copy: d.copy,
                    })
                    .collect(),
                conflicts: s
                    .conflicts
                    .iter()
                    .map(|c| ConflictRecord {
                        about: &c.about,
                        kind: &c.kind,
                        fact: c.fact,
                        claims: c
                            .claims
                            .iter()
                            .map(|k| ClaimRecord {
                                value: &k.value,
                                articles: &k.articles,
                                text: &k.text,
                            })
                            .collect(),
                    })
                    .collect(),
                summary: s
                    .summary
                    .iter()
                    .map(|x| SummaryRecord {
                        text: &x.text,
                        source: &x.source,
                        sentence: x.sentence,
                        articles: &x.articles,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The JSON document, pretty-printed, with a trailing newline.
pub fn render(v: &View) -> String {
    let mut s = serde_json::to_string_pretty(&record(v))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
