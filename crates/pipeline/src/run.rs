//! Run: the only orchestrator. Runs the stages in order over a batch of raw articles:
//! clean -> segment -> (mentions, quotes, numbers) per article -> consolidate, and collects
//! timings. In: `Vec<RawArticle>` plus rejections from reading. Out: [`Digest`].
//! Invariant: the output does not depend on the order of the input (articles are sorted by
//! id first; duplicate ids get a content-hash suffix). Stages never call each other.

use crate::{clean, cluster, consolidate, entities, numbers, quotes, segment};
use corroborate_model::{Article, ArticleAnalysis, Embedder, RawArticle, Rejection, Story};
use std::collections::HashMap;
use std::sync::Arc;
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
    /// Stories, the largest first.
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
#[derive(Clone)]
pub struct Options {
    /// Summary length in words.
    pub summary_words: usize,
    /// Treat the whole batch as one story instead of clustering it.
    pub single_story: bool,
    /// The sentence model facts are aligned with; `None` aligns by words alone.
    pub embedder: Option<Arc<dyn Embedder>>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("summary_words", &self.summary_words)
            .field("single_story", &self.single_story)
            .field("embedder", &self.embedder.as_ref().map(|e| e.name()))
            .finish()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            summary_words: crate::summary::DEFAULT_WORDS,
            single_story: false,
            embedder: None,
        }
    }
}

/// Split a batch (sorted by id) into stories: indices into `articles`, each group in id order;
/// the largest story first, then by earliest date, then by first id.
pub fn group(articles: &[Article]) -> Vec<Vec<usize>> {
    let feats: Vec<cluster::Features> = articles
        .iter()
        .map(|a| cluster::features(&a.id, &a.title, &a.text, a.date.as_deref()))
        .collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, a) in cluster::cluster_batch(&feats).into_iter().enumerate() {
        if groups.len() <= a.story {
            groups.resize(a.story + 1, Vec::new());
        }
        groups[a.story].push(i);
    }
    let first_date = |g: &Vec<usize>| {
        g.iter()
            .filter_map(|&i| articles[i].date.clone())
            .min()
            .unwrap_or_else(|| "9999".into())
    };
    groups.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then_with(|| first_date(a).cmp(&first_date(b)))
            .then(a.first().cmp(&b.first()))
    });
    groups
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
    let groups = if options.single_story {
        vec![(0..articles.len()).collect()]
    } else {
        group(&articles)
    };
    timings.push(("cluster", t.elapsed()));
    let t = Instant::now();
    let stories = groups
        .iter()
        .filter(|g| !g.is_empty())
        .map(|g| {
            let arts: Vec<Article> = g.iter().map(|&i| articles[i].clone()).collect();
            let ans: Vec<ArticleAnalysis> = g.iter().map(|&i| analyses[i].clone()).collect();
            consolidate::consolidate(
                &arts,
                &ans,
                options.summary_words,
                options.embedder.as_deref(),
            )
        })
        .collect();
    timings.push(("consolidate", t.elapsed()));
    Digest {
        articles,
        analyses,
        rejected,
        stories,
        timings,
    }
}
