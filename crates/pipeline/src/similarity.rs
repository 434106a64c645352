//! Similarity: decides whether two claims state the same fact. Words (stems, spelling
//! variants, rarity of shared words, numbers, names) give a lexical score; a sentence model's
//! cosine, when there is one, adds meaning; both combine into a calibrated probability
//! ([`Calibration`], fitted on MSRP train); then who does what vetoes: different actors, or one
//! side negating the other, are never the same fact. One decision serves the fact aligner,
//! rewrite detection, the summary's redundancy check and `corroborate similar`.
//! In: claim texts (and vectors), a collection to weigh words against. Out: [`Evidence`], a
//! probability and a verdict. Pure: never looks outside what it is given, never loads a model.
//!
//! ```
//! use corroborate_pipeline::similarity::judge_pairs;
//! let out = judge_pairs(&[(
//!     "The Prime Minister will urge Mr Trump to provide a backstop, including air cover from US fighter jets.".into(),
//!     "The Prime Minister will push a reluctant Mr Trump to provide a US backstop, possibly including fighter jets providing air cover.".into(),
//! )], None);
//! assert!(out[0].1);
//! ```

use crate::lexicon::{GIVEN_NAMES, SPEECH_VERBS};
use crate::numbers::numbers_in;
use corroborate_lang::calendar::{english_month, is_weekday};
use corroborate_lang::stopwords::is_claim_stop_word;
use corroborate_lang::words::{fold_spelling, stem, words_joined_by};
use std::collections::HashMap;
use std::sync::LazyLock;

/// A small thesaurus of words news reports use interchangeably for one thing, folded onto the
/// first word of each group before stemming.
static SYNONYMS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let groups: &[&[&str]] = &[
        &[
            "increase",
            "increased",
            "increases",
            "increasing",
            "raise",
            "raised",
            "raises",
            "raising",
            "boost",
            "boosted",
            "boosting",
            "hike",
            "hiked",
        ],
        &[
            "pledge",
            "pledged",
            "pledges",
            "promise",
            "promised",
            "promises",
            "vow",
            "vowed",
            "vows",
            "commitment",
            "commitments",
        ],
        &["talks", "discussions", "negotiations"],
        &["reluctant", "hesitant", "unwilling"],
        &["guarantee", "guarantees", "assurance", "assurances"],
        &[
            "cut", "cuts", "reduce", "reduced", "reduces", "slash", "slashed", "lower", "lowered",
        ],
        &["economy", "gdp"],
        &[
            "buy",
            "bought",
            "buys",
            "purchase",
            "purchased",
            "acquire",
            "acquired",
        ],
        &["sell", "sold", "sells", "selling"],
        &["attack", "attacks", "attacked", "assault", "assaults"],
        &["troops", "soldiers"],
        &["arrest", "arrested", "detain", "detained"],
        &["war", "conflict"],
        &["earthquake", "quake"],
        &["country", "nation"],
        &["start", "started", "begin", "began", "begun"],
        &["die", "died", "dies", "killed"],
        &["usa", "us", "u.s", "america", "american", "americans"],
        &["uk", "u.k", "britain", "british"],
    ];
    let mut m = HashMap::new();
    for g in groups {
        for w in g.iter() {
            m.insert(*w, g[0]);
        }
    }
    m
});

/// One number a sentence claims, comparable across wordings: unit plus normalized value.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// "percent", "USD", "date", "year", "count", ...
    pub unit: String,
    /// Normalized value: the date string for dates, else the number printed plainly.
    pub key: String,
    /// The words as written.
    pub text: String,
}

/// The comparable content of one sentence.
#[derive(Clone, Debug, Default)]
pub struct Terms {
    /// Sorted, unique term ids (stems of content words and numbers).
    pub ids: Vec<u32>,
    /// The numbers the sentence claims.
    pub claims: Vec<Claim>,
    /// Content words before de-duplication (a length measure).
    pub words: usize,
}

/// Term ids and their document frequencies over one collection of sentences.
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: HashMap<String, u32>,
    df: Vec<u32>,
    claim: Vec<bool>,
    name: Vec<bool>,
    docs: u32,
    /// Weights computed once by [`Vocabulary::freeze`]; empty while terms are still added.
    frozen: Vec<f64>,
}

/// Names weigh more than common words: sharing one is evidence, one side alone a new detail.
const NAME_BOOST: f64 = 1.5;

/// A shared number or date is strong evidence of one fact: its weight is multiplied by this.
const CLAIM_BOOST: f64 = 2.0;

fn claim_key(unit: &str, value: f64, normalized: Option<String>) -> String {
    normalized.unwrap_or_else(|| {
        if unit == "year" || unit == "decade" {
            format!("{value}")
        } else {
            let v = (value * 1e6).round() / 1e6;
            format!("{v}")
        }
    })
}

/// The numbers of a sentence as comparable claims.
pub fn claims_of(text: &str) -> Vec<Claim> {
    numbers_in(text)
        .into_iter()
        .map(|(span, value, unit, normalized)| Claim {
            key: claim_key(&unit, value, normalized),
            // Years, months and days are one kind: "from April 2027" and "by 2027" disagree.
            unit: if unit == "month" || unit == "year" {
                "date".into()
            } else {
                unit
            },
            text: text[span.start..span.end].to_string(),
        })
        .collect()
}

/// The normalized content words of a text (lower-cased, spelling-folded, stemmed), without
/// stopwords, speech verbs or numbers.
pub fn stems(text: &str) -> Vec<String> {
    marked_stems(text).into_iter().map(|(w, _)| w).collect()
}

/// [`stems`], each marked true when written capitalised inside the text (a name).
fn marked_stems(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let text = text.replace("U.S.", "USA").replace("U.K.", "UK");
    let mut first = true;
    for raw in words_joined_by(&text, &['\'', '’', '-']) {
        let initial = std::mem::take(&mut first);
        for part in raw.split('-') {
            let part = part.trim_matches(|c: char| c == '\'' || c == '’');
            // Upper-case "US" is the country, not the pronoun.
            let w = if part == "US" {
                "usa".to_string()
            } else {
                part.replace('’', "'").to_lowercase()
            };
            let w = w.strip_suffix("'s").unwrap_or(&w);
            let w = SYNONYMS.get(w).copied().unwrap_or(w);
            if w.is_empty()
                || w.chars().any(|c| c.is_ascii_digit())
                || is_claim_stop_word(w)
                || SPEECH_VERBS.contains(w)
            {
                continue;
            }
            // Months, weekdays and first names do not name a thing of their own.
            let name = !initial
                && part.chars().next().is_some_and(char::is_uppercase)
                && english_month(w).is_none()
                && !is_weekday(w)
                && !GIVEN_NAMES.contains(w);
            let folded = crate::entities::fold_name(w);
            out.push((stem(&fold_spelling(&folded)).into_owned(), name));
        }
    }
    out
}

impl Vocabulary {
    /// Terms of one sentence, adding unseen words to the vocabulary and counting it as a
    /// document.
    pub fn terms(&mut self, text: &str) -> Terms {
        let t = self.terms_uncounted(text);
        for &i in &t.ids {
            self.df[i as usize] += 1;
        }
        self.docs += 1;
        t
    }

    /// Terms of a text without counting it as a document: for the clauses of a sentence
    /// already counted whole, so word rarity is not skewed by splitting.
    pub fn terms_uncounted(&mut self, text: &str) -> Terms {
        self.frozen.clear();
        let words = marked_stems(text);
        let claims = claims_of(text);
        let mut ids: Vec<u32> = Vec::with_capacity(words.len() + claims.len());
        for (w, is_claim, is_name) in words
            .iter()
            .map(|(w, n)| (w.as_str(), false, *n))
            .chain(claims.iter().map(|c| (c.key.as_str(), true, false)))
        {
            let next = self.ids.len() as u32;
            let id = *self.ids.entry(w.to_string()).or_insert(next);
            if id == next {
                self.claim.push(is_claim);
                self.name.push(false);
            }
            self.name[id as usize] |= is_name;
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        self.df.resize(self.ids.len(), 0);
        Terms {
            words: words.len(),
            ids,
            claims,
        }
    }

    /// Term ids of the first four content words of a text (known terms only).
    pub fn lead(&self, text: &str) -> Vec<u32> {
        marked_stems(text)
            .into_iter()
            .filter_map(|(w, _)| self.ids.get(&w).copied())
            .take(4)
            .collect()
    }

    /// Sorted, unique ids of the known terms of a text.
    pub fn known(&self, text: &str) -> Vec<u32> {
        let mut ids: Vec<u32> = marked_stems(text)
            .into_iter()
            .filter_map(|(w, _)| self.ids.get(&w).copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Inverse document frequency of a term: rare words weigh more.
    pub fn weight(&self, id: u32) -> f64 {
        if let Some(&w) = self.frozen.get(id as usize) {
            return w;
        }
        let df = self.df.get(id as usize).copied().unwrap_or(0) as f64;
        let w = ((self.docs as f64 + 1.0) / (df + 0.5)).ln().max(0.1);
        if self.claim.get(id as usize).copied().unwrap_or(false) {
            w * CLAIM_BOOST
        } else if self.name.get(id as usize).copied().unwrap_or(false) {
            w * NAME_BOOST
        } else {
            w
        }
    }

    /// Compute every term's weight once, for a vocabulary that is complete (a story's): the
    /// aligner weighs the same terms millions of times. Adding terms afterwards unfreezes it.
    pub fn freeze(&mut self) {
        self.frozen.clear();
        let w: Vec<f64> = (0..self.df.len() as u32).map(|i| self.weight(i)).collect();
        self.frozen = w;
    }

    /// Total weight of a sentence's terms.
    pub fn mass(&self, t: &Terms) -> f64 {
        t.ids.iter().map(|&i| self.weight(i)).sum()
    }

    /// Number of sentences seen.
    pub fn docs(&self) -> u32 {
        self.docs
    }

    /// Document frequency of a term.
    pub fn df(&self, id: u32) -> u32 {
        self.df.get(id as usize).copied().unwrap_or(0)
    }
}

/// Weight of the terms two sentences share.
pub fn shared_mass(v: &Vocabulary, a: &Terms, b: &Terms) -> f64 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.ids.len() && j < b.ids.len() {
        match a.ids[i].cmp(&b.ids[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += v.weight(a.ids[i]);
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// Share of the Dice overlap in the score; the rest is how much of the shorter sentence the
/// longer covers, so a news sentence that adds a clause to a fact still matches it. (MSRP
/// accuracy is flat from 0.2 to 0.6; the lower share suits long news sentences.)
const DICE_SHARE: f64 = 0.3;

/// Similarity in [0, 1] from the shared weight and each side's total weight: a blend of the
/// weighted Dice overlap and the share of the shorter side that the longer one covers.
pub fn score_from(shared: f64, mass_a: f64, mass_b: f64) -> f64 {
    if mass_a <= 0.0 || mass_b <= 0.0 {
        return 0.0;
    }
    let dice = 2.0 * shared / (mass_a + mass_b);
    let cover = shared / mass_a.min(mass_b);
    (DICE_SHARE * dice + (1.0 - DICE_SHARE) * cover).min(1.0)
}

/// Similarity of two sentences in one collection.
pub fn score(v: &Vocabulary, a: &Terms, b: &Terms) -> f64 {
    score_from(shared_mass(v, a, b), v.mass(a), v.mass(b))
}

/// Numbers of the same kind that disagree: pairs of claims (one from each side) with the same
/// unit where the other side has that unit but never that value.
pub fn disagreements<'a>(a: &'a [Claim], b: &'a [Claim]) -> Vec<(&'a Claim, &'a Claim)> {
    let mut out = Vec::new();
    for ca in a {
        let same_unit: Vec<&Claim> = b.iter().filter(|cb| cb.unit == ca.unit).collect();
        if same_unit.is_empty() || same_unit.iter().any(|cb| compatible(ca, cb)) {
            continue;
        }
        // A claim of `a` that `b` matches nowhere, while `b` has a claim of that unit that
        // `a` matches nowhere: a real disagreement, not just one side saying more.
        if let Some(cb) = same_unit
            .iter()
            .find(|cb| !a.iter().any(|x| x.unit == cb.unit && compatible(x, cb)))
        {
            out.push((ca, *cb));
        }
    }
    out
}

/// Two claims of one unit that say the same: equal keys, or a date without a year that
/// matches the day and month of a full date.
fn compatible(a: &Claim, b: &Claim) -> bool {
    if a.key == b.key {
        return true;
    }
    if a.unit == "date" {
        let md = |k: &str| k.strip_prefix("--").map(str::to_string);
        let tail = |k: &str| k.get(4..).map(str::to_string);
        return match (md(&a.key), md(&b.key)) {
            (Some(x), None) => tail(&b.key).as_deref() == Some(&format!("-{x}")),
            (None, Some(y)) => tail(&a.key).as_deref() == Some(&format!("-{y}")),
            _ => false,
        };
    }
    false
}

/// Decide pairs of sentences: `(probability, same_fact)` for each, in order: the decision the
/// aligner makes for two claims seen alone (without the rest of a story: no best-match
/// context). Words are weighed against all sentences of the input, as the aligner weighs them
/// against a story; actors come from the names in each pair; `embedder` adds meaning.
pub fn judge_pairs(
    pairs: &[(String, String)],
    embedder: Option<&dyn corroborate_model::Embedder>,
) -> Vec<(f64, bool)> {
    let calibration = calibration(embedder.map(|e| e.name()));
    pair_evidence(pairs, embedder)
        .into_iter()
        .map(|e| {
            let p = e.probability(&calibration);
            (p, decide(&e, p))
        })
        .collect()
}

/// Pairs embedded at a time by [`pair_evidence`].
const EMBED_CHUNK: usize = 4096;

/// The [`Evidence`] on each pair of lone sentences, as [`judge_pairs`] weighs it.
pub fn pair_evidence(
    pairs: &[(String, String)],
    embedder: Option<&dyn corroborate_model::Embedder>,
) -> Vec<Evidence> {
    let mut v = Vocabulary::default();
    let terms: Vec<(Terms, Terms)> = pairs
        .iter()
        .map(|(a, b)| (v.terms(a), v.terms(b)))
        .collect();
    // Embedded a chunk at a time, so a long file never holds all its vectors at once.
    let mut out = Vec::with_capacity(pairs.len());
    for (c, chunk) in pairs.chunks(EMBED_CHUNK).enumerate() {
        let vectors: Vec<Vec<f32>> = match embedder {
            Some(e) => {
                let texts: Vec<&str> = chunk
                    .iter()
                    .flat_map(|(a, b)| [a.as_str(), b.as_str()])
                    .collect();
                e.embed(&texts)
            }
            None => Vec::new(),
        };
        for (k, (ta, tb)) in chunk.iter().enumerate() {
            let (a, b) = &terms[c * EMBED_CHUNK + k];
            let (ca, cb) = crate::claims::pair_claims(ta, tb);
            out.push(evidence(
                &v,
                a,
                b,
                (!vectors.is_empty()).then(|| (&vectors[2 * k][..], &vectors[2 * k + 1][..])),
                &ca,
                &cb,
            ));
        }
    }
    out
}

/// A name (capitalised word) on one side only, rare in the collection: a detail the other
/// sentence does not state ("the Chagos Islands").
fn lone_rare_name(v: &Vocabulary, a: &Terms, b: &Terms) -> bool {
    let lone = |x: &Terms, y: &Terms| {
        x.ids.iter().any(|&t| {
            v.name.get(t as usize).copied().unwrap_or(false)
                && v.df(t) <= 2
                && y.ids.binary_search(&t).is_err()
        })
    };
    lone(a, b) || lone(b, a)
}

/// Everything the same-fact decision weighs about one pair of claims.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Evidence {
    /// [`score`]: weighted word overlap in [0, 1].
    pub lexical: f64,
    /// Cosine of the two sentence vectors, when a model embedded them.
    pub cosine: Option<f64>,
    /// Both quote the same three words: one statement reported twice.
    pub shared_quote: bool,
    /// Both name a main actor, and not the same one ("Starmer asks" / "Trump hesitates").
    pub actor_differs: bool,
    /// One says "not" and the other does not.
    pub negation_differs: bool,
    /// One says a quantity goes up, the other that it goes down.
    pub direction_differs: bool,
    /// A rare name stands on one side only (a detail the other does not state).
    pub lone_name: bool,
    /// Both state the same figure (a percentage, an amount, a count; not a bare year).
    pub shared_number: bool,
}

/// How word overlap and sentence cosine combine into a probability of "same fact": a logistic
/// model fitted on MSRP train by `cargo xtask eval-similar --fit` (10-fold figures in the
/// README). The committed constants are the fit on words, cosine and negation that the
/// aligner's thresholds are set on; `--fit` also weighs a lone rare name and a shared figure
/// (near zero on MSRP), which the constants leave at 0: `bias + lexical·x + cosine·c`, plus weights for a negation on one side, a lone rare
/// name and a shared figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calibration {
    /// Intercept.
    pub bias: f64,
    /// Weight of [`Evidence::lexical`].
    pub lexical: f64,
    /// Weight of [`Evidence::cosine`] (0 without a model).
    pub cosine: f64,
    /// Added when [`Evidence::negation_differs`].
    pub negation: f64,
    /// Added when [`Evidence::lone_name`].
    pub lone_name: f64,
    /// Added when [`Evidence::shared_number`].
    pub shared_number: f64,
}

/// Words only: also the words-only line of the aligner's support, whose thresholds are set
/// on it (fitted on MSRP train when the decision still vetoed lone rare names).
pub const LEXICAL: Calibration = Calibration {
    bias: -1.103,
    lexical: 4.691,
    cosine: 0.0,
    negation: -1.203,
    lone_name: 0.0,
    shared_number: 0.0,
};

/// The calibration for a model by its name (`Embedder::name`); words only for `None` or an
/// unknown model.
pub fn calibration(model: Option<&str>) -> Calibration {
    match model {
        Some("static-minilm") => STATIC,
        Some("all-MiniLM-L6-v2") => TRANSFORMER,
        _ => LEXICAL,
    }
}

/// The built-in static model with words.
pub const STATIC: Calibration = Calibration {
    bias: -4.800,
    lexical: 3.390,
    cosine: 4.731,
    negation: -1.048,
    lone_name: 0.0,
    shared_number: 0.0,
};

/// The transformer with words.
pub const TRANSFORMER: Calibration = Calibration {
    bias: -3.944,
    lexical: 2.828,
    cosine: 4.834,
    negation: -1.040,
    lone_name: 0.0,
    shared_number: 0.0,
};

impl Evidence {
    /// Probability in [0, 1] that the two claims state the same fact, before the vetoes: the
    /// calibrated logistic model of words (and the cosine, when `c` has a model's weight).
    pub fn probability(&self, c: &Calibration) -> f64 {
        let negation = if self.negation_differs && !self.shared_quote {
            1.0
        } else {
            0.0
        };
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let z = c.bias
            + c.lexical * self.lexical
            + c.cosine * self.cosine.unwrap_or(0.0)
            + c.negation * negation
            + c.lone_name * flag(self.lone_name)
            + c.shared_number * flag(self.shared_number);
        1.0 / (1.0 + (-z).exp())
    }

    /// What the aligner joins claims by: with a model, the larger of the words-only and the
    /// words+cosine probability, so meaning finds the same fact in other words without losing
    /// what shared words already show (a model's calibration, fitted on MSRP, weighs words less
    /// than news sentences need).
    pub fn support(&self, c: &Calibration) -> f64 {
        let words = self.probability(&LEXICAL);
        if c.cosine != 0.0 && self.cosine.is_some() {
            words.max(self.probability(c))
        } else {
            words
        }
    }

    /// The score best matches are ranked by: the words+cosine probability when there is a
    /// model (so meaning decides which of several wordings is the closest), else words alone.
    pub fn closeness(&self, c: &Calibration) -> f64 {
        if c.cosine != 0.0 && self.cosine.is_some() {
            self.probability(c)
        } else {
            self.probability(&LEXICAL)
        }
    }

    /// True when nothing but wording separates the two: not different actors, not one
    /// negating the other (unless they quote the same words).
    pub fn compatible(&self) -> bool {
        !self.actor_differs
            && !self.direction_differs
            && (!self.negation_differs || self.shared_quote)
    }
}

/// At or above this probability two claims state the same fact on their own.
pub const SAME: f64 = 0.5;
/// Below this, a rare name on one side only means different facts (a detail the other lacks).
pub const CLEAR_PROBABILITY: f64 = 0.85;

/// The verdict on a pair seen alone (what `corroborate similar` prints): probable enough and
/// compatible. (A lone rare name is a feature of the probability here; the aligner, which
/// sees a whole story, also keeps such pairs apart unless they are clearly the same.)
pub fn decide(e: &Evidence, p: f64) -> bool {
    e.compatible() && p >= SAME
}

/// True when two sorted lists share an element.
pub fn intersects(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Dot product of two unit vectors: their cosine.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x * y) as f64).sum()
}

/// Evidence on a pair of claims: their words in `v`, optionally their vectors, and what
/// [`crate::claims`] found in each (actor, negation, quoted words, direction).
pub fn evidence(
    v: &Vocabulary,
    a: &Terms,
    b: &Terms,
    vectors: Option<(&[f32], &[f32])>,
    ca: &crate::claims::Claim,
    cb: &crate::claims::Claim,
) -> Evidence {
    let lexical = score(v, a, b);
    Evidence {
        lexical,
        cosine: vectors.map(|(x, y)| cosine(x, y)),
        shared_quote: intersects(&ca.quoted, &cb.quoted),
        actor_differs: matches!((&ca.actor, &cb.actor), (Some(x), Some(y)) if x != y),
        negation_differs: ca.negated != cb.negated,
        direction_differs: ca.direction * cb.direction < 0,
        // Two claims quoting the same words are one statement, whatever else each names.
        lone_name: !intersects(&ca.quoted, &cb.quoted) && lone_rare_name(v, a, b),
        shared_number: a.claims.iter().any(|x| {
            x.unit != "date" && b.claims.iter().any(|y| y.unit == x.unit && y.key == x.key)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_variants_meet() {
        assert_eq!(stems("defence"), stems("defense"));
        assert_eq!(stems("emphasising"), stems("emphasizing"));
        assert_eq!(stems("signalled"), stems("signaled"));
        assert_eq!(stems("neighbour"), stems("neighbor"));
    }

    #[test]
    fn formatting_is_not_a_disagreement() {
        let a = claims_of("spending of 2.5% on Feb 27");
        let b = claims_of("spending of 2.5 per cent on 27 February 2025");
        assert!(disagreements(&a, &b).is_empty(), "{a:?} {b:?}");
    }

    #[test]
    fn different_values_disagree() {
        let a = claims_of("tariffs of 25% from April 2027");
        let b = claims_of("tariffs of 20% by 2027");
        let d = disagreements(&a, &b);
        let texts: Vec<(&str, &str)> = d.iter().map(|(x, y)| (&*x.text, &*y.text)).collect();
        assert_eq!(texts, [("25%", "20%"), ("April 2027", "2027")]);
        // A side that only says more is no disagreement.
        let c = claims_of("tariffs of 25% and 5% later");
        assert!(disagreements(&a, &c).is_empty());
    }

    #[test]
    fn unrelated_sentences_differ() {
        let out = judge_pairs(
            &[
                (
                    "Sir Keir is prepared to commit British troops to a peacekeeping mission."
                        .into(),
                    "Speculation has arisen regarding Trump's health after bruising on his hand."
                        .into(),
                ),
                (
                    "Yucaipa sold the chain to Safeway in 1998 for $2.5 billion.".into(),
                    "Yucaipa sold the chain to Safeway in 1998 for $1.8 billion.".into(),
                ),
            ],
            None,
        );
        assert!(!out[0].1 && out[0].0 < 0.3, "{out:?}");
        // The same fact with a different figure: aligned (the aligner reports the conflict).
        assert!(out[1].1, "{out:?}");
    }

    #[test]
    fn different_actors_or_a_negation_are_never_one_fact() {
        let out = judge_pairs(
            &[
                (
                    "Keir Starmer said Ukraine needs security guarantees from Washington.".into(),
                    "Donald Trump said Ukraine needs security guarantees from Washington.".into(),
                ),
                (
                    "The ministers will approve the new budget for the army on Friday.".into(),
                    "The ministers will not approve the new budget for the army on Friday.".into(),
                ),
                (
                    "The ministers will approve the new budget for the army on Friday.".into(),
                    "On Friday the ministers are set to approve the army's new budget.".into(),
                ),
            ],
            None,
        );
        assert!(!out[0].1, "{out:?}");
        assert!(!out[1].1, "{out:?}");
        assert!(out[2].1, "{out:?}");
        // A quantity that rises is not one that falls, whatever the shared words.
        let out = judge_pairs(
            &[
                (
                    "Prices rose 3% in May.".into(),
                    "Prices fell 3% in May.".into(),
                ),
                (
                    "Prices rose 3% in May.".into(),
                    "Prices increased by 3% in May.".into(),
                ),
            ],
            None,
        );
        assert!(!out[0].1 && out[1].1, "{out:?}");
    }
}
