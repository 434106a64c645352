//! Run: the only orchestrator. Runs the stages in order over a batch of raw articles:
//! clean -> segment -> (mentions, quotes, numbers) per article -> consolidate, and collects
//! timings. In: `Vec<RawArticle>` plus rejections from reading. Out: [`Digest`].
//! Invariant: the output does not depend on the order of the input (articles are sorted by
//! id first; duplicate ids get a content-hash suffix). Stages never call each other.

use crate::{clean, consolidate, entities, numbers, quotes, segment};
use corroborate_model::{Article, ArticleAnalysis, RawArticle, Rejection, Story};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Everything a digest produces.
#[derive(Debug, Default)]
pub struct Digest {
    /// Cleaned articles, sorted by id.
    pub articles: Vec<Article>,
    /// Per-article analyses, same order as `articles`.
    pub analyses: Vec<ArticleAnalysis>,
    /// Inputs that could not be read.
    pub rejected: Vec<Rejection>,
    /// Stories (for now: all articles form one).
    pub stories: Vec<Story>,
    /// Time per stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Analyse one cleaned, segmented article.
pub fn analyse(article: &Article) -> ArticleAnalysis {
    let mentions = entities::find_mentions(article);
    let quotes = quotes::find_quotes(article, &mentions);
    let numbers = numbers::find_numbers(article);
    ArticleAnalysis {
        mentions,
        quotes,
        numbers,
    }
}

/// Choices a caller can make about a digest.
#[derive(Clone, Debug)]
pub struct Options {
    /// Summary length in words.
    pub summary_words: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            summary_words: crate::summary::DEFAULT_WORDS,
        }
    }
}

/// Run the whole pipeline on one batch with default options.
pub fn digest(raws: Vec<RawArticle>, rejected: Vec<Rejection>) -> Digest {
    digest_with(raws, rejected, &Options::default())
}

/// Run the whole pipeline on one batch.
pub fn digest_with(
    mut raws: Vec<RawArticle>,
    mut rejected: Vec<Rejection>,
    options: &Options,
) -> Digest {
    let mut timings = Vec::new();
    let t = Instant::now();
    raws.sort_by(|a, b| {
        a.id.cmp(&b.id)
            .then(a.body.cmp(&b.body))
            .then(a.path.cmp(&b.path))
    });
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in &raws {
        *seen.entry(r.id.clone()).or_default() += 1;
    }
    for r in &mut raws {
        if seen[&r.id] > 1 {
            let h = blake3::hash(r.body.as_bytes()).to_hex();
            r.id = format!("{}~{}", r.id, &h[..8]);
        }
    }
    raws.sort_by(|a, b| a.id.cmp(&b.id).then(a.path.cmp(&b.path)));
    raws.dedup_by(|a, b| a.id == b.id);
    rejected.sort_by(|a, b| a.path.cmp(&b.path).then(a.reason.cmp(&b.reason)));
    let mut articles = clean::clean(&raws);
    timings.push(("clean", t.elapsed()));
    let t = Instant::now();
    for a in &mut articles {
        a.sentences = segment::segment(a);
        if a.title.is_empty() {
            a.title = a
                .sentences
                .first()
                .map(|s| a.slice(s.span).to_string())
                .unwrap_or_default();
        }
    }
    timings.push(("segment", t.elapsed()));
    let t = Instant::now();
    let analyses: Vec<ArticleAnalysis> = articles.iter().map(analyse).collect();
    timings.push(("extract", t.elapsed()));
    let t = Instant::now();
    let stories = if articles.is_empty() {
        vec![]
    } else {
        vec![consolidate::consolidate(
            &articles,
            &analyses,
            options.summary_words,
        )]
    };
    timings.push(("consolidate", t.elapsed()));
    Digest {
        articles,
        analyses,
        rejected,
        stories,
        timings,
    }
}
