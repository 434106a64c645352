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
                numbers: s
                    .numbers
                    .iter()
                    .map(|n| NumberRecord {
                        text: &n.text,
                        value: n.number.value,
                        unit: &n.number.unit,
                        normalized: n.number.normalized.as_deref(),
                        article: &n.article,
                        sentence: n.number.sentence,
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
