//! Summary: picks whole source sentences that together cover what most independent sources
//! say, without repeating themselves, within a word budget; orders them as the stories tell
//! them and cites every article that states each one.
//! In: articles and their [`Alignment`]. Out: `Vec<SummarySentence>`.
//! Never writes a word of its own: each entry is a verbatim sentence of its `source`.

use crate::align::Alignment;
use crate::similarity::{self, stems};
use corroborate_lang::token::quoted_regions;
use corroborate_lang::words::{words as lang_words, words_joined_by};
use corroborate_model::{Article, SummarySentence};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The default summary length in words.
pub const DEFAULT_WORDS: usize = 120;

/// Two summary sentences at least this similar say the same thing; the second is dropped.
const REDUNDANT: f64 = 0.35;
/// A line about a main actor the summary does not yet have is worth this much more.
const SIDE_BONUS: f64 = 1.5;
/// ... or when the same-fact probability (with a model) reaches this.
const REDUNDANT_PROBABILITY: f64 = 0.75;

/// Words a sentence may start with when it leans on the one before ("He", "But", "This").
const LEANING: &[&str] = &[
    "he", "she", "it", "they", "this", "these", "those", "his", "her", "its", "their", "but",
    "and", "so", "also", "yet", "that", "there", "then", "him", "them", "we", "i", "you",
];

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Pairs of neighbouring words, stemmed, where at least one is a content word (as ROUGE-2
/// counts them): the concepts a summary should cover. Each distinct word is stemmed once (a
/// long sentence repeats its words many times).
fn concepts(text: &str) -> Vec<(String, String)> {
    let words: Vec<String> = lang_words(text).map(str::to_lowercase).collect();
    let mut stem_of: HashMap<&str, Option<String>> = HashMap::new();
    let stemmed: Vec<Option<String>> = words
        .iter()
        .map(|w| {
            stem_of
                .entry(w.as_str())
                .or_insert_with(|| stems(w).into_iter().next())
                .clone()
        })
        .collect();
    let mut out = Vec::new();
    for i in 1..words.len() {
        let (a, b) = (&stemmed[i - 1], &stemmed[i]);
        if a.is_none() && b.is_none() {
            continue;
        }
        out.push((
            a.clone().unwrap_or_else(|| words[i - 1].clone()),
            b.clone().unwrap_or_else(|| words[i].clone()),
        ));
    }
    out.sort();
    out.dedup();
    out
}

/// Can this sentence stand alone in a summary?
fn standalone(text: &str, inside_quote: bool) -> bool {
    let words = word_count(text);
    let first = words_joined_by(text, &['\''])
        .next()
        .unwrap_or("")
        .to_lowercase();
    (6..=60).contains(&words)
        && !inside_quote
        && !text.trim_end().ends_with('?')
        && text
            .trim_end()
            .trim_end_matches(['”', '"', '’', '\'', ')'])
            .ends_with(['.', '!'])
        && !text.starts_with(['“', '"', '‘', '\'', '`', '('])
        && text.chars().next().is_some_and(|c| !c.is_lowercase())
        && !LEANING.contains(&first.as_str())
}

/// Choose and order the summary of one aligned story, at most `budget` words.
pub fn summarize(articles: &[Article], al: &Alignment, budget: usize) -> Vec<SummarySentence> {
    // Sentences that start inside a quotation are speech, not the story's own voice. The
    // regions come in order, each ending before the next opens, so only the last one opening
    // before a sentence can hold its start: found by binary search.
    let quoted: Vec<Vec<corroborate_model::Span>> =
        articles.iter().map(|a| quoted_regions(&a.text)).collect();
    let inside = |ai: usize, start: usize| {
        let i = quoted[ai].partition_point(|q| q.start < start);
        i > 0 && start < quoted[ai][i - 1].end
    };
    // Concepts of each sentence that has a unit, computed once per sentence (a sentence's
    // clauses are units of their own, each with the whole sentence's concepts).
    let mut sentence_concepts: Vec<Vec<(String, String)>> = Vec::new();
    let mut concepts_of: HashMap<(usize, usize), usize> = HashMap::new();
    let unit_index: Vec<usize> = al
        .units
        .iter()
        .map(|u| {
            *concepts_of
                .entry((u.article, u.sentence))
                .or_insert_with(|| {
                    let a = &articles[u.article];
                    sentence_concepts.push(concepts(a.slice(a.sentences[u.sentence].span)));
                    sentence_concepts.len() - 1
                })
        })
        .collect();
    let unit_concepts: Vec<&Vec<(String, String)>> =
        unit_index.iter().map(|&i| &sentence_concepts[i]).collect();
    // Weight of a concept: how many lineages say it (each sentence counted once: its units
    // all belong to its article's lineage).
    let mut support: HashMap<&(String, String), BTreeSet<usize>> = HashMap::new();
    for (&(article, _), &i) in &concepts_of {
        for c in &sentence_concepts[i] {
            support.entry(c).or_default().insert(al.lineage[article]);
        }
    }
    let min_support = if al.independent_sources >= 3 { 2 } else { 1 };
    let weight = |c: &(String, String)| {
        let n = support.get(c).map_or(0, BTreeSet::len);
        if n >= min_support {
            n as f64
        } else {
            0.0
        }
    };

    struct Candidate {
        fact: usize,
        unit: usize,
        words: usize,
        position: f64,
        support: f64,
        /// The fact is a clause of the sentence: the sentence says more than the fact, so it
        /// cites its source alone.
        partial: bool,
    }
    let sentence_ok = |v: usize| {
        let unit = &al.units[v];
        let span = articles[unit.article].sentences[unit.sentence].span;
        standalone(
            articles[unit.article].slice(span),
            inside(unit.article, span.start),
        )
    };
    let mut candidates = Vec::new();
    for (fi, units) in al.fact_units.iter().enumerate() {
        // Every variant that can stand alone is a candidate (one line per fact at most): the
        // greedy choice takes the wording that covers most; a clause's sentence only when the
        // fact has no whole sentence that can stand alone.
        let whole: Vec<usize> = units
            .iter()
            .copied()
            .filter(|&v| al.units[v].whole && sentence_ok(v))
            .collect();
        let pool = if whole.is_empty() {
            units.iter().copied().filter(|&v| sentence_ok(v)).collect()
        } else {
            whole
        };
        for u in pool {
            let unit = &al.units[u];
            let text =
                articles[unit.article].slice(articles[unit.article].sentences[unit.sentence].span);
            candidates.push(Candidate {
                fact: fi,
                unit: u,
                words: word_count(text),
                position: al.position[fi],
                support: al.facts[fi].independent_sources as f64,
                partial: !unit.whole,
            });
        }
    }

    // With three or more independent sources, what only one reports (and editorial filler is
    // mostly that) is left out while enough corroborated facts remain.
    if al.independent_sources >= 3 {
        let corroborated = candidates.iter().filter(|c| c.support >= 2.0).count();
        if corroborated >= 3 {
            candidates.retain(|c| c.support >= 2.0);
        }
    }
    // Two lines say the same thing when their words overlap enough or the aligner would join
    // them by meaning.
    let same = |a: usize, b: usize| {
        let (x, y) = (&al.units[a], &al.units[b]);
        if similarity::score(&al.vocab, &x.terms, &y.terms) >= REDUNDANT {
            return true;
        }
        if al.vectors.is_empty() {
            return false;
        }
        let e = similarity::evidence(
            &al.vocab,
            &x.terms,
            &y.terms,
            Some((&al.vectors[a], &al.vectors[b])),
            &x.claim,
            &y.claim,
        );
        e.support(&al.calibration) >= REDUNDANT_PROBABILITY
    };
    // Both sides: when the story has two main actors (those most corroborated facts are
    // about), a line about one not yet in the summary is worth more, and if one is still
    // missing at the end it gets a line in the room left.
    let mut actor_support: BTreeMap<&str, f64> = BTreeMap::new();
    for c in &candidates {
        if let Some(a) = al.units[c.unit].claim.actor.as_deref() {
            *actor_support.entry(a).or_default() += c.support;
        }
    }
    let mut actors: Vec<(&str, f64)> = actor_support.into_iter().collect();
    actors.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    // Both sides only when the story has two: each of the two actors is the subject of at
    // least two corroborated facts, the second of at least a third as many as the first.
    let corroborated_by = |a: &str| {
        candidates
            .iter()
            .filter(|c| c.support >= 2.0 && al.units[c.unit].claim.actor.as_deref() == Some(a))
            .count()
    };
    let two_sides = actors.len() >= 2 && {
        let (x, y) = (corroborated_by(actors[0].0), corroborated_by(actors[1].0));
        y >= 2 && x >= 2
    };
    let main: Vec<&str> = if two_sides {
        actors.iter().take(2).map(|a| a.0).collect()
    } else {
        Vec::new()
    };
    let mut covered: HashSet<&(String, String)> = HashSet::new();
    let mut chosen: Vec<&Candidate> = Vec::new();
    let mut used = 0;
    loop {
        let mut best: Option<(f64, &Candidate)> = None;
        for c in &candidates {
            let sentence = |x: &Candidate| (al.units[x.unit].article, al.units[x.unit].sentence);
            if used + c.words > budget
                || chosen
                    .iter()
                    .any(|x| x.fact == c.fact || sentence(x) == sentence(c))
            {
                continue;
            }
            let gain: f64 = unit_concepts[c.unit]
                .iter()
                .filter(|k| !covered.contains(k))
                .map(weight)
                .sum();
            if gain <= 0.0 {
                continue;
            }
            let redundant = chosen.iter().any(|x| same(x.unit, c.unit));
            if redundant {
                continue;
            }
            let actor = al.units[c.unit].claim.actor.as_deref();
            let new_side = actor.is_some_and(|a| {
                main.contains(&a)
                    && !chosen
                        .iter()
                        .any(|x| al.units[x.unit].claim.actor.as_deref() == Some(a))
            });
            let value = gain / (c.words as f64).powf(0.7)
                * (1.0 + 0.3 * (1.0 - c.position))
                * c.support.powf(0.5)
                * if new_side { SIDE_BONUS } else { 1.0 };
            if best.is_none_or(|(v, _)| value > v + 1e-12) {
                best = Some((value, c));
            }
        }
        let Some((_, c)) = best else { break };
        used += c.words;
        covered.extend(unit_concepts[c.unit].iter());
        chosen.push(c);
    }
    for &actor in &main {
        let has = |ch: &[&Candidate]| {
            ch.iter()
                .any(|x| al.units[x.unit].claim.actor.as_deref() == Some(actor))
        };
        if has(&chosen) {
            continue;
        }
        let Some(add) = candidates
            .iter()
            .filter(|c| al.units[c.unit].claim.actor.as_deref() == Some(actor))
            .filter(|c| {
                !chosen
                    .iter()
                    .any(|x| x.fact == c.fact || same(x.unit, c.unit))
            })
            .max_by(|a, b| {
                a.support
                    .total_cmp(&b.support)
                    .then(b.position.total_cmp(&a.position))
                    .then(b.fact.cmp(&a.fact))
            })
        else {
            continue;
        };
        // Only in the room left: dropping covered content for it costs more than it gives.
        if used + add.words <= budget {
            used += add.words;
            chosen.push(add);
        }
    }
    chosen.sort_by(|x, y| x.position.total_cmp(&y.position).then(x.fact.cmp(&y.fact)));
    chosen
        .into_iter()
        .map(|c| {
            let fact = &al.facts[c.fact];
            let unit = &al.units[c.unit];
            let a = &articles[unit.article];
            let mut cited = vec![a.id.clone()];
            if !c.partial {
                cited.extend(fact.articles.iter().filter(|x| **x != a.id).cloned());
            }
            SummarySentence {
                text: a.slice(a.sentences[unit.sentence].span).to_string(),
                source: a.id.clone(),
                sentence: unit.sentence,
                articles: cited,
            }
        })
        .collect()
}
