//! Consolidate: builds a [`Story`] from its articles and their analyses: merged entities and
//! quotes, the numbers each article claims, aligned facts, copies and rewrites, conflicts, the
//! summary, a content-derived id and the headline of the most
//! representative article.
//! In: `&[Article]`, `&[ArticleAnalysis]` (same order, sorted by id). Out: `Story`.
//! Invariant: the result does not depend on input order. No IO.

use crate::align::align;
use crate::entities::merge_entities;
use crate::quotes::merge_quotes;
use corroborate_lang::words::words;
use corroborate_model::{Article, ArticleAnalysis, Embedder, Story, StoryNumber};
use std::collections::HashSet;

fn content_words(s: &str) -> HashSet<String> {
    words(s)
        .filter(|w| w.len() > 3)
        .map(str::to_lowercase)
        .collect()
}

/// The title that best covers what the other articles say.
fn headline(articles: &[Article]) -> String {
    let bodies: Vec<HashSet<String>> = articles.iter().map(|a| content_words(&a.text)).collect();
    let mut best: Option<(f64, &str)> = None;
    for (i, a) in articles.iter().enumerate() {
        let t = content_words(&a.title);
        if t.is_empty() {
            continue;
        }
        let mut score = 0.0;
        for (j, b) in bodies.iter().enumerate() {
            if i != j {
                score += t.iter().filter(|w| b.contains(*w)).count() as f64 / t.len() as f64;
            }
        }
        if best.is_none_or(|(s, _)| score > s + 1e-9) {
            best = Some((score, &a.title));
        }
    }
    best.map(|(_, t)| t.to_string()).unwrap_or_default()
}

/// A short stable id from the member article ids.
pub fn story_id(ids: &[&str]) -> String {
    let mut sorted: Vec<&str> = ids.to_vec();
    sorted.sort();
    let h = blake3::hash(sorted.join("\n").as_bytes());
    format!("s-{}", &h.to_hex()[..12])
}

/// Build one story from its articles (sorted by id) and their analyses, with a summary of at
/// most `summary_words` words; `embedder`, when given, lets facts align by meaning.
pub fn consolidate(
    articles: &[Article],
    analyses: &[ArticleAnalysis],
    summary_words: usize,
    embedder: Option<&dyn Embedder>,
) -> Story {
    let mentions: Vec<_> = analyses.iter().map(|a| a.mentions.clone()).collect();
    let entities = merge_entities(articles, &mentions);
    let quotes: Vec<_> = analyses.iter().map(|a| a.quotes.clone()).collect();
    let quotes = merge_quotes(articles, &quotes, &entities);
    let numbers = articles
        .iter()
        .zip(analyses)
        .flat_map(|(a, an)| {
            an.numbers.iter().map(|n| StoryNumber {
                article: a.id.clone(),
                text: a.slice(n.span).to_string(),
                number: n.clone(),
            })
        })
        .collect();
    let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    let alignment = align(articles, analyses, &entities, embedder);
    let summary = crate::summary::summarize(articles, &alignment, summary_words);
    Story {
        id: story_id(&ids),
        headline: headline(articles),
        articles: ids.iter().map(|s| s.to_string()).collect(),
        entities,
        quotes,
        numbers,
        independent_sources: alignment.independent_sources,
        facts: alignment.facts,
        derivations: alignment.derivations,
        conflicts: alignment.conflicts,
        summary,
    }
}
