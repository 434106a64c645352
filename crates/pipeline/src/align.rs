//! Align: lines up what a story's articles say into facts, finds articles that copy or rewrite
//! another (many aligned sentences in the same order), groups articles into lineages, counts
//! independent sources and reports facts whose numbers disagree.
//! The units are claims ([`crate::claims`]): each sentence, and each clause of a sentence that
//! joins several claims. Two claims join one fact when [`similarity`] finds them the same on
//! their own, or when each is the other's best match between their two articles with fair
//! evidence, or when they quote the same words; never when their actors differ or one negates
//! the other; a group grows only while its members agree on average (no chains of near-misses).
//! In: articles (sorted by id), their analyses, the story's merged entities and optionally a
//! sentence model. Out: [`Alignment`]. Pure; never invents text: every fact text and variant is
//! a verbatim span of a source sentence.

use crate::claims::{sentence_claims, Claim};
use crate::entities::{entity_for, UnionFind};
use crate::similarity::{self, Calibration, Evidence, Terms, Vocabulary};
use corroborate_model::{
    Article, ArticleAnalysis, Conflict, ConflictClaim, Derivation, Direction, Embedder, Entity,
    Fact, FactVariant, Span, StoryNumber,
};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Aligned sentences over the shorter article's sentences at or above which one article is
/// taken to copy or rewrite the other.
pub const DERIVED: f64 = 0.5;
/// Sentence pairs at or above this similarity count toward a derivation: looser than one fact,
/// because a rewrite's sentences also keep their order, which chance alignments do not.
const DERIVE_PAIR: f64 = 0.3;
/// A derivation this close, with near-identical sentences, is a copy rather than a rewrite.
const COPY: f64 = 0.9;

/// One alignable claim: a whole sentence or a clause of one.
#[derive(Debug)]
pub struct Unit {
    /// Index of the article.
    pub article: usize,
    /// Index of the sentence in the article.
    pub sentence: usize,
    /// Its bytes in the article text.
    pub span: Span,
    /// True for a whole sentence, false for a clause.
    pub whole: bool,
    /// Its comparable content.
    pub terms: Terms,
    /// Its total term weight.
    pub mass: f64,
    /// Actor, negation and quoted words.
    pub claim: Claim,
    /// Term ids of its first content words: what the claim is about.
    pub lead: Vec<u32>,
}

/// Everything alignment finds, with the working state later stages reuse.
#[derive(Debug)]
pub struct Alignment {
    /// Facts, best supported first.
    pub facts: Vec<Fact>,
    /// For each fact, its units (same order as `facts`).
    pub fact_units: Vec<Vec<usize>>,
    /// The representative unit of each fact.
    pub representative: Vec<usize>,
    /// Where each fact first appears: the smallest relative sentence position (0 = lead).
    pub position: Vec<f64>,
    /// Copies and rewrites.
    pub derivations: Vec<Derivation>,
    /// For each article, its lineage (the smallest article index in it).
    pub lineage: Vec<usize>,
    /// Number of lineages.
    pub independent_sources: usize,
    /// Facts whose numbers disagree.
    pub conflicts: Vec<Conflict>,
    /// All alignable claims.
    pub units: Vec<Unit>,
    /// Word weights over the story.
    pub vocab: Vocabulary,
    /// One unit vector per unit when a model embedded them; empty otherwise.
    pub vectors: Vec<Vec<f32>>,
    /// How words and vectors combine for this story's model.
    pub calibration: Calibration,
}

/// Sentence pairs of different articles scoring at least [`DERIVE_PAIR`]: `(score, unit, unit)`,
/// strongest first.
fn edges(units: &[Unit], whole: &[usize], vocab: &Vocabulary) -> Vec<(f64, usize, usize)> {
    let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
    for &i in whole {
        for &t in &units[i].terms.ids {
            postings.entry(t).or_default().push(i);
        }
    }
    // Very common words cannot make two sentences similar on their own; skipping them keeps
    // large stories near-linear. Small stories keep every word (exact scores).
    let cap = (units.len() / 10).max(200);
    let mut out = Vec::new();
    let mut acc: Vec<f64> = vec![0.0; units.len()];
    let mut touched: Vec<usize> = Vec::new();
    for &i in whole {
        let u = &units[i];
        for &t in &u.terms.ids {
            let list = &postings[&t];
            if list.len() > cap {
                continue;
            }
            let w = vocab.weight(t);
            for &j in list.iter().filter(|&&j| j > i) {
                if units[j].article == u.article {
                    continue;
                }
                if acc[j] == 0.0 {
                    touched.push(j);
                }
                acc[j] += w;
            }
        }
        for &j in &touched {
            let s = similarity::score_from(acc[j], u.mass, units[j].mass);
            if s >= DERIVE_PAIR {
                out.push((s, i, j));
            }
            acc[j] = 0.0;
        }
        touched.clear();
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    out
}

/// An aligned sentence pair between two articles: (position in a, position in b, score).
type Pair = (usize, usize, f64);

/// Longest chain of aligned pairs increasing in both articles: `pairs` are (pos in a, pos in b).
fn in_order(mut pairs: Vec<Pair>) -> Vec<Pair> {
    pairs.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
    // Patience LIS over b-positions, keeping back-pointers.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for k in 0..pairs.len() {
        let b = pairs[k].1;
        let pos = tails.partition_point(|&t| pairs[t].1 < b);
        if pos > 0 {
            prev[k] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut chain = Vec::new();
    let mut cur = tails.last().copied();
    while let Some(k) = cur {
        chain.push(pairs[k]);
        cur = prev[k];
    }
    chain.reverse();
    chain
}

/// How much denser in details the original of a rewrite must be to tell the direction.
const DENSER: f64 = 1.3;

/// Distinct specific details per sentence over a whole article.
fn density(a: &Article) -> f64 {
    let n = a.sentences.len().max(1) as f64;
    let total: usize = a
        .sentences
        .iter()
        .map(|s| details(a.slice(s.span)).len())
        .sum();
    total as f64 / n
}

/// Specific details of a sentence: capitalised words not at its start, and numbers.
fn details(text: &str) -> HashSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '%'))
        .skip(1)
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase())
                || w.chars().any(|c| c.is_ascii_digit())
        })
        .map(str::to_lowercase)
        .collect()
}

fn derivations(
    articles: &[Article],
    units: &[Unit],
    edges: &[(f64, usize, usize)],
) -> Vec<Derivation> {
    let mut counts = vec![0usize; articles.len()];
    for u in units.iter().filter(|u| u.whole) {
        counts[u.article] += 1;
    }
    let mut by_pair: BTreeMap<(usize, usize), Vec<Pair>> = BTreeMap::new();
    for &(s, i, j) in edges {
        let (ui, uj) = (&units[i], &units[j]);
        let (a, b, pa, pb) = if ui.article < uj.article {
            (ui.article, uj.article, ui.sentence, uj.sentence)
        } else {
            (uj.article, ui.article, uj.sentence, ui.sentence)
        };
        by_pair.entry((a, b)).or_default().push((pa, pb, s));
    }
    let mut out = Vec::new();
    for ((a, b), pairs) in by_pair {
        let shorter = counts[a].min(counts[b]);
        if shorter == 0 || (pairs.len() as f64) < DERIVED * shorter as f64 {
            continue;
        }
        let chain = in_order(pairs);
        let shared = chain.len() as f64 / shorter as f64;
        let mean = chain.iter().map(|p| p.2).sum::<f64>() / chain.len() as f64;
        let copy = shared >= COPY && mean >= COPY;
        // Two short articles agreeing on two facts are not a rewrite; a copy is a copy.
        if shared < DERIVED || (chain.len() < 3 && !copy) {
            continue;
        }
        // Direction: an earlier publication date wins; otherwise a clearly denser article
        // (more names and numbers per sentence) is the original: rewrites dilute specifics
        // with filler and headings, and drop names.
        let (da, db) = (&articles[a].date, &articles[b].date);
        let (dens_a, dens_b) = (density(&articles[a]), density(&articles[b]));
        let (article, source, direction) = match (da, db) {
            (Some(x), Some(y)) if x < y => (b, a, Direction::ArticleFromSource),
            (Some(x), Some(y)) if y < x => (a, b, Direction::ArticleFromSource),
            _ if !copy && dens_a >= DENSER * dens_b => (b, a, Direction::ArticleFromSource),
            _ if !copy && dens_b >= DENSER * dens_a => (a, b, Direction::ArticleFromSource),
            _ => (b, a, Direction::Unknown),
        };
        out.push(Derivation {
            article: articles[article].id.clone(),
            source: articles[source].id.clone(),
            shared_fraction: (shared * 1000.0).round() / 1000.0,
            direction,
            copy,
        });
    }
    out
}

/// Claims of one story that a sentence model embeds at most (20,000 vectors are 20–30 MB);
/// a larger story is aligned by words alone, so memory stays bounded whatever the input.
pub const MAX_EMBEDDED: usize = 20_000;
/// Up to this many units every pair is compared; above it, only pairs sharing a rare word.
const ALL_PAIRS: usize = 1500;
/// The calibrated probability is fitted on MSRP, where two in three pairs are paraphrases; in
/// a story few pairs of claims are the same fact, so the aligner asks for more: claims join on
/// their own at this probability.
const SAME: f64 = 0.75;
/// Pairs below this probability are not kept for grouping.
const KEEP: f64 = 0.15;
/// Each other's best match between two articles joins at this probability, given some shared
/// words.
const MUTUAL: f64 = 0.45;
/// ... or at this one when both state the same figure.
const MUTUAL_NUMBER: f64 = 0.3;
/// ... and, with a model, when the meaning does not contradict it (words and cosine together
/// at least this probable): shared words about different things ("handshake" / "bruising on
/// his hand") are each other's best match only by accident.
const MUTUAL_MEANING: f64 = 0.25;
/// ... and at least this much word overlap.
const MUTUAL_LEXICAL: f64 = 0.15;
/// Claims quoting the same words join at this probability.
const QUOTED: f64 = 0.2;
/// Two groups merge only when their members' mean pairwise probability reaches this.
const LINK: f64 = 0.4;
/// Clauses give way to whole sentences that match as well.
const CLAUSE_PENALTY: f64 = 0.03;

/// Per sentence: not yet in a multi-article fact, in one whole, or by its clauses.
#[derive(Clone, Copy, PartialEq)]
enum Use {
    Free,
    Whole,
    Parts,
}

/// How each sentence (article, sentence) is used by multi-article facts: a sentence joins
/// facts whole or by its clauses, never both.
#[derive(Default)]
struct Usage(HashMap<(usize, usize), Use>);

impl Usage {
    fn of(&self, u: &Unit) -> Use {
        self.0
            .get(&(u.article, u.sentence))
            .copied()
            .unwrap_or(Use::Free)
    }

    /// True when `u` may join a multi-article fact given how its sentence is used already.
    fn admits(&self, u: &Unit) -> bool {
        match self.of(u) {
            Use::Free => true,
            Use::Whole => false,
            Use::Parts => !u.whole,
        }
    }

    /// `u` has joined a multi-article fact: its sentence is now used whole or by clauses.
    fn place(&mut self, u: &Unit) {
        let slot = self.0.entry((u.article, u.sentence)).or_insert(Use::Free);
        if *slot == Use::Free {
            *slot = if u.whole { Use::Whole } else { Use::Parts };
        }
    }
}

struct Pairs<'a> {
    units: &'a [Unit],
    vocab: &'a Vocabulary,
    vectors: &'a [Vec<f32>],
    calibration: Calibration,
    cache: rustc_hash::FxHashMap<(usize, usize), (Evidence, f64)>,
}

impl Pairs<'_> {
    fn judge(&mut self, i: usize, j: usize) -> (Evidence, f64) {
        let key = (i.min(j), i.max(j));
        if let Some(x) = self.cache.get(&key) {
            return *x;
        }
        let (a, b) = (&self.units[key.0], &self.units[key.1]);
        let e = similarity::evidence(
            self.vocab,
            &a.terms,
            &b.terms,
            (!self.vectors.is_empty())
                .then(|| (&self.vectors[key.0][..], &self.vectors[key.1][..])),
            &a.claim,
            &b.claim,
        );
        let p = e.support(&self.calibration);
        self.cache.insert(key, (e, p));
        (e, p)
    }
}

/// Candidate pairs of units in different articles: all of them for small stories, else those
/// sharing a word that is not very common.
fn candidates(units: &[Unit]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if units.len() <= ALL_PAIRS {
        for i in 0..units.len() {
            for j in i + 1..units.len() {
                if units[i].article != units[j].article {
                    out.push((i, j));
                }
            }
        }
        return out;
    }
    let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        for &t in &u.terms.ids {
            postings.entry(t).or_default().push(i);
        }
    }
    // A word in more than this many claims is too common to suggest a pair on its own; the
    // bound keeps large stories near-linear.
    let cap = 48;
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut keys: Vec<&u32> = postings.keys().collect();
    keys.sort_unstable();
    for t in keys {
        let list = &postings[t];
        if list.len() > cap {
            continue;
        }
        for (x, &i) in list.iter().enumerate() {
            for &j in &list[x + 1..] {
                if units[i].article != units[j].article && seen.insert((i, j)) {
                    out.push((i, j));
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// Align the claims of one story's articles (sorted by id), with the story's merged entities
/// (for actors) and optionally a sentence model.
pub fn align(
    articles: &[Article],
    analyses: &[ArticleAnalysis],
    entities: &[Entity],
    embedder: Option<&dyn Embedder>,
) -> Alignment {
    let mut vocab = Vocabulary::default();
    let mut units = Vec::new();
    let entity_of = |s: &str| entity_for(entities, s);
    for (ai, a) in articles.iter().enumerate() {
        let claims = sentence_claims(a, &analyses[ai].mentions, &entity_of);
        for (si, s) in a.sentences.iter().enumerate() {
            if s.heading {
                continue;
            }
            let terms = vocab.terms(a.slice(s.span));
            if terms.ids.is_empty() {
                continue;
            }
            let sc = &claims[si];
            let lead = vocab.lead(a.slice(s.span));
            units.push(Unit {
                article: ai,
                sentence: si,
                span: s.span,
                whole: true,
                terms,
                mass: 0.0,
                claim: sc.whole.clone(),
                lead,
            });
            for c in &sc.clauses {
                let terms = vocab.terms_uncounted(a.slice(c.span));
                if terms.ids.len() < 4 {
                    continue;
                }
                let lead = vocab.lead(a.slice(c.span));
                units.push(Unit {
                    article: ai,
                    sentence: si,
                    span: c.span,
                    whole: false,
                    terms,
                    mass: 0.0,
                    claim: c.clone(),
                    lead,
                });
            }
        }
    }
    vocab.freeze();
    for u in &mut units {
        u.mass = vocab.mass(&u.terms);
    }
    // Vectors cost memory per claim: a story beyond MAX_EMBEDDED claims aligns by words.
    let embedder = embedder.filter(|_| units.len() <= MAX_EMBEDDED);
    let vectors: Vec<Vec<f32>> = match embedder {
        Some(e) => {
            // Each distinct text once: copies and rewrites repeat sentences word for word, and
            // a text's vector depends on that text only.
            let mut distinct: Vec<&str> = Vec::new();
            let mut slot: HashMap<&str, usize> = HashMap::new();
            let of_unit: Vec<usize> = units
                .iter()
                .map(|u| {
                    let t = articles[u.article].slice(u.span);
                    *slot.entry(t).or_insert_with(|| {
                        distinct.push(t);
                        distinct.len() - 1
                    })
                })
                .collect();
            let vectors = e.embed(&distinct);
            of_unit.iter().map(|&i| vectors[i].clone()).collect()
        }
        None => Vec::new(),
    };
    let calibration = similarity::calibration(embedder.map(|e| e.name()));

    // Derivations and lineages from whole sentences, by words: rewrites keep words and order.
    let whole: Vec<usize> = (0..units.len()).filter(|&u| units[u].whole).collect();
    let loose = edges(&units, &whole, &vocab);
    let derivations = derivations(articles, &units, &loose);
    let index: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut uf = UnionFind::new(articles.len());
    let mut derived = vec![false; articles.len()];
    for d in &derivations {
        let (x, y) = (index[d.article.as_str()], index[d.source.as_str()]);
        uf.union(x, y);
        if d.direction == Direction::ArticleFromSource {
            derived[x] = true;
        }
    }
    let mut lineage: Vec<usize> = (0..articles.len()).map(|i| uf.find(i)).collect();
    let mut smallest: HashMap<usize, usize> = HashMap::new();
    for (i, &root) in lineage.iter().enumerate() {
        smallest.entry(root).or_insert(i);
    }
    for l in &mut lineage {
        *l = smallest[l];
    }
    let independent_sources = smallest.len();

    // Score candidate pairs; find each unit's best match in every other article.
    let mut pairs = Pairs {
        units: &units,
        vocab: &vocab,
        vectors: &vectors,
        calibration,
        cache: rustc_hash::FxHashMap::default(),
    };
    let mut scored: Vec<(usize, usize, Evidence, f64)> = Vec::new();
    let mut best: HashMap<(usize, usize), (f64, usize)> = HashMap::new();
    for (i, j) in candidates(&units) {
        let (e, p) = pairs.judge(i, j);
        if p < KEEP && !e.shared_quote {
            continue;
        }
        scored.push((i, j, e, p));
        if !e.compatible() {
            continue;
        }
        let close = e.closeness(&calibration);
        for (x, y) in [(i, j), (j, i)] {
            let slot = best
                .entry((x, units[y].article))
                .or_insert((-1.0, usize::MAX));
            if close > slot.0 + 1e-12 || ((close - slot.0).abs() <= 1e-12 && y < slot.1) {
                *slot = (close, y);
            }
        }
    }
    let mutual = |i: usize, j: usize| {
        best.get(&(i, units[j].article)).map(|b| b.1) == Some(j)
            && best.get(&(j, units[i].article)).map(|b| b.1) == Some(i)
    };
    let mut accepted: Vec<(f64, usize, usize)> = scored
        .iter()
        .filter(|(i, j, e, p)| {
            e.compatible()
                && (*p >= similarity::CLEAR_PROBABILITY || !e.lone_name)
                && (*p >= SAME
                    || e.shared_quote && *p >= QUOTED
                    || mutual(*i, *j)
                        && (*p >= MUTUAL || e.shared_number && *p >= MUTUAL_NUMBER)
                        && e.lexical >= MUTUAL_LEXICAL
                        && (e.cosine.is_none() || e.closeness(&calibration) >= MUTUAL_MEANING))
        })
        .map(|&(i, j, e, p)| {
            let clauses = [i, j].iter().filter(|&&u| !units[u].whole).count();
            let strength =
                p + if e.shared_quote { 0.3 } else { 0.0 } - CLAUSE_PENALTY * clauses as f64;
            (strength, i, j)
        })
        .collect();
    accepted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));

    // Group strongest first: one claim per article, a sentence whole or by its clauses, and
    // only groups that agree on average with no incompatible pair.
    let mut usage = Usage::default();
    let mut group: Vec<usize> = (0..units.len()).collect();
    let mut members: Vec<Vec<usize>> = (0..units.len()).map(|u| vec![u]).collect();
    for &(_, i, j) in &accepted {
        let (gi, gj) = (group[i], group[j]);
        if gi == gj {
            continue;
        }
        let arts: HashSet<usize> = members[gi].iter().map(|&u| units[u].article).collect();
        if members[gj]
            .iter()
            .any(|&u| arts.contains(&units[u].article))
        {
            continue;
        }
        // A unit not yet placed must fit how its sentence is already used.
        let fits = |u: usize, single: bool| !single || usage.admits(&units[u]);
        if !fits(i, members[gi].len() == 1) || !fits(j, members[gj].len() == 1) {
            continue;
        }
        let (mut total, mut n, mut ok) = (0.0, 0.0, true);
        'outer: for &x in &members[gi] {
            for &y in &members[gj] {
                let (e, p) = pairs.judge(x, y);
                if !e.compatible() {
                    ok = false;
                    break 'outer;
                }
                total += p;
                n += 1.0;
            }
        }
        if !ok || total / n < LINK {
            continue;
        }
        for u in [i, j] {
            usage.place(&units[u]);
        }
        let (keep, gone) = if gi < gj { (gi, gj) } else { (gj, gi) };
        let moved = std::mem::take(&mut members[gone]);
        for &u in &moved {
            group[u] = keep;
        }
        members[keep].extend(moved);
    }
    act_round(
        articles,
        &units,
        &vocab,
        &mut pairs,
        &mut group,
        &mut members,
        &mut usage,
    );
    // Every sentence is stated by some fact: a multi-article one, else its own (whole, or by
    // its clauses when some of them joined others).
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for m in members.iter().filter(|m| !m.is_empty()) {
        if m.len() > 1 {
            groups.push(m.clone());
            continue;
        }
        let u = m[0];
        // Alone: whole when its sentence joined nothing, else as the clause it is.
        let single = match usage.of(&units[u]) {
            Use::Free => units[u].whole,
            _ => usage.admits(&units[u]),
        };
        if single {
            groups.push(vec![u]);
        }
    }
    for g in &mut groups {
        g.sort_by_key(|&u| (units[u].article, units[u].span.start, units[u].span.end));
    }
    drop(pairs);
    let rel_pos = |u: usize| {
        let n = articles[units[u].article].sentences.len().max(1);
        units[u].sentence as f64 / n as f64
    };
    let lineages_of = |g: &[usize]| {
        g.iter()
            .map(|&u| lineage[units[u].article])
            .collect::<BTreeSet<_>>()
            .len()
    };
    let mut keyed: Vec<(usize, usize, f64, usize, Vec<usize>)> = groups
        .into_iter()
        .map(|g| {
            let pos = g.iter().map(|&u| rel_pos(u)).fold(f64::MAX, f64::min);
            (lineages_of(&g), g.len(), pos, g[0], g)
        })
        .collect();
    keyed.sort_by(|x, y| {
        y.0.cmp(&x.0)
            .then(y.1.cmp(&x.1))
            .then(x.2.total_cmp(&y.2))
            .then(x.3.cmp(&y.3))
    });

    let mut facts = Vec::new();
    let mut fact_units = Vec::new();
    let mut representative = Vec::new();
    let mut position = Vec::new();
    for (independent, _, pos, _, g) in keyed {
        let rep = pick_representative(articles, &g, &units, &vocab, &derived);
        let variants: Vec<FactVariant> = g.iter().map(|&u| variant(articles, &units[u])).collect();
        let mut numbers: Vec<StoryNumber> = Vec::new();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let mut order = vec![rep];
        order.extend(g.iter().copied().filter(|&u| u != rep));
        for u in order {
            let ai = units[u].article;
            for n in analyses[ai]
                .numbers
                .iter()
                .filter(|n| units[u].span.contains(n.span))
            {
                let key = (
                    n.unit.clone(),
                    n.normalized
                        .clone()
                        .unwrap_or_else(|| format!("{}", n.value)),
                );
                if seen.insert(key) {
                    numbers.push(StoryNumber {
                        article: articles[ai].id.clone(),
                        text: articles[ai].slice(n.span).to_string(),
                        number: n.clone(),
                    });
                }
            }
        }
        let ru = &units[rep];
        facts.push(Fact {
            text: articles[ru.article].slice(ru.span).to_string(),
            source: articles[ru.article].id.clone(),
            articles: variants.iter().map(|v| v.article.clone()).collect(),
            independent_sources: independent,
            variants,
            numbers,
        });
        fact_units.push(g);
        representative.push(rep);
        position.push(pos);
    }
    let conflicts = conflicts(articles, &units, &facts, &fact_units, &lineage);
    Alignment {
        facts,
        fact_units,
        representative,
        position,
        derivations,
        lineage,
        independent_sources,
        conflicts,
        units,
        vocab,
        vectors,
        calibration,
    }
}

/// A second-round offer: (mean closeness, claim, fact).
type Offer = (f64, usize, usize);

/// The second round of grouping, by position taken: a claim that joined nothing in the first
/// round, or that joined a fact of three or more in which no other statement takes its
/// position, joins (moves to) a multi-article fact whose every statement has the same actor taking the same
/// act ([`crate::claims::Act`]: asking for, promising or refusing something) on the same thing: a key word
/// after the act's verb in each, used in no other sentence of its article ("backstop" in
/// "will urge Mr Trump to provide a backstop" and "aims to secure a commitment for a US
/// backstop"). Who asks for what is a claim however it is worded; sentence-wide words and
/// vectors miss it when one outlet wraps it in other detail. The claim must be compatible with
/// every statement (no negation or direction between them), and the claim and the fact each
/// other's best such match.
fn act_round(
    articles: &[Article],
    units: &[Unit],
    vocab: &Vocabulary,
    pairs: &mut Pairs,
    group: &mut [usize],
    members: &mut [Vec<usize>],
    usage: &mut Usage,
) {
    // Most stories have no claim with both an actor and an act: nothing to do.
    if !units
        .iter()
        .any(|u| u.claim.actor.is_some() && u.claim.act.is_some())
    {
        return;
    }
    // Per article and term: the one sentence that uses it, or None when several do.
    let mut once: HashMap<(usize, u32), Option<usize>> = HashMap::new();
    for u in units.iter().filter(|u| u.whole) {
        for &t in &u.terms.ids {
            once.entry((u.article, t))
                .and_modify(|s| *s = None)
                .or_insert(Some(u.sentence));
        }
    }
    // Each claim with an actor and an act: its key words after the act's verb.
    let keys: Vec<Vec<u32>> = units
        .iter()
        .map(|u| match (&u.claim.actor, u.claim.act) {
            (Some(_), Some((_, end))) if end < u.span.end => {
                let mut k = vocab.known(articles[u.article].slice(Span::new(end, u.span.end)));
                k.retain(|&t| once.get(&(u.article, t)) == Some(&Some(u.sentence)));
                k
            }
            _ => Vec::new(),
        })
        .collect();
    let same_position = |x: usize, y: usize| {
        units[x].claim.actor == units[y].claim.actor
            && units[x].claim.act.map(|a| a.0) == units[y].claim.act.map(|a| a.0)
    };
    // Facts whose statements all take one position on a shared key, by key.
    let mut by_key: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (g, m) in members.iter().enumerate().filter(|(_, m)| m.len() > 1) {
        if keys[m[0]].is_empty() || m[1..].iter().any(|&x| !same_position(m[0], x)) {
            continue;
        }
        for &t in &keys[m[0]] {
            if m[1..].iter().all(|&x| keys[x].binary_search(&t).is_ok()) {
                by_key.entry(t).or_default().push(g);
            }
        }
    }
    let mut offers: Vec<Offer> = Vec::new();
    for u in 0..units.len() {
        // A claim alone, or held in a fact of three or more none of whose other statements
        // takes its position (the first round joined it by surrounding detail).
        let own = &members[group[u]];
        let single = own.len() == 1 && usage.admits(&units[u]);
        let held = own.len() >= 3 && own.iter().all(|&m| m == u || !same_position(u, m));
        if keys[u].is_empty() || !single && !held {
            continue;
        }
        let mut facts: Vec<usize> = keys[u]
            .iter()
            .filter_map(|t| by_key.get(t))
            .flatten()
            .copied()
            .collect();
        facts.sort_unstable();
        facts.dedup();
        for g in facts {
            let m = &members[g];
            if !same_position(u, m[0]) || m.iter().any(|&x| units[x].article == units[u].article) {
                continue;
            }
            let (mut close, mut ok) = (0.0, true);
            for &x in m {
                let (e, _) = pairs.judge(u, x);
                if !e.compatible() {
                    ok = false;
                    break;
                }
                close += e.closeness(&pairs.calibration);
            }
            if ok {
                offers.push((close / m.len() as f64, u, g));
            }
        }
    }
    // Each other's best: the claim's best fact, and the fact's best claim of that article.
    let better = |a: &Offer, b: &Offer| {
        a.0 > b.0 + 1e-12 || ((a.0 - b.0).abs() <= 1e-12 && (a.1, a.2) < (b.1, b.2))
    };
    let mut of_unit: BTreeMap<usize, Offer> = BTreeMap::new();
    let mut of_fact: BTreeMap<(usize, usize), Offer> = BTreeMap::new();
    for o in &offers {
        let e = of_unit.entry(o.1).or_insert(*o);
        if better(o, e) {
            *e = *o;
        }
        let e = of_fact.entry((o.2, units[o.1].article)).or_insert(*o);
        if better(o, e) {
            *e = *o;
        }
    }
    let mut chosen: Vec<Offer> = of_unit
        .values()
        .filter(|o| of_fact.get(&(o.2, units[o.1].article)) == Some(o))
        .copied()
        .collect();
    chosen.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    for (_, u, g) in chosen {
        let old = group[u];
        if members[g]
            .iter()
            .any(|&m| units[m].article == units[u].article)
        {
            continue;
        }
        if members[old].len() > 1 {
            // A move leaves at least two behind.
            if members[old].len() < 3 {
                continue;
            }
            members[old].retain(|&m| m != u);
        } else {
            if !usage.admits(&units[u]) {
                continue;
            }
            usage.place(&units[u]);
            members[old].clear();
        }
        group[u] = g;
        members[g].push(u);
    }
}

/// A unit as a fact variant: its words, and its place in the sentence when it is a clause.
fn variant(articles: &[Article], u: &Unit) -> FactVariant {
    let a = &articles[u.article];
    let sentence = a.sentences[u.sentence].span;
    FactVariant {
        article: a.id.clone(),
        sentence: u.sentence,
        text: a.slice(u.span).to_string(),
        span: (!u.whole).then(|| (u.span.start - sentence.start, u.span.end - sentence.start)),
    }
}

/// The variant that best stands for the fact: from an original rather than a known rewrite,
/// carrying the numbers other variants share, opening like a sentence, then the one with the
/// least detail no other variant states (its opening words, where a sentence says what it is
/// about, count double), then the shorter, then the first.
fn pick_representative(
    articles: &[Article],
    g: &[usize],
    units: &[Unit],
    vocab: &Vocabulary,
    derived: &[bool],
) -> usize {
    if g.len() == 1 {
        return g[0];
    }
    let originals: Vec<usize> = g
        .iter()
        .copied()
        .filter(|&u| !derived[units[u].article])
        .collect();
    let mut pool = if originals.is_empty() {
        g.to_vec()
    } else {
        originals
    };
    // Numbers at least two variants state.
    let mut count: HashMap<&str, usize> = HashMap::new();
    for &u in g {
        let keys: BTreeSet<&str> = units[u]
            .terms
            .claims
            .iter()
            .map(|c| c.key.as_str())
            .collect();
        for k in keys {
            *count.entry(k).or_default() += 1;
        }
    }
    let shared: Vec<&str> = count
        .iter()
        .filter(|(_, &n)| n >= 2)
        .map(|(k, _)| *k)
        .collect();
    let carries = |u: usize| {
        shared
            .iter()
            .all(|k| units[u].terms.claims.iter().any(|c| c.key == *k))
    };
    if pool.iter().any(|&u| carries(u)) {
        pool.retain(|&u| carries(u));
    }
    // A headline reads as a sentence: prefer wordings that open like one (a capital or a
    // quotation mark), not a clause cut from the middle ("emphasising that ...").
    let opens = |u: usize| {
        let t = articles[units[u].article].slice(units[u].span);
        t.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || matches!(c, '“' | '"' | '‘'))
    };
    if pool.iter().any(|&u| opens(u)) {
        pool.retain(|&u| opens(u));
    }
    let mut best = (f64::MAX, usize::MAX, pool[0]);
    for &u in &pool {
        let (mut alone, mut total) = (0.0, 0.0);
        for &t in &units[u].terms.ids {
            let w = vocab.weight(t) * if units[u].lead.contains(&t) { 2.0 } else { 1.0 };
            total += w;
            if !g
                .iter()
                .any(|&v| v != u && units[v].terms.ids.binary_search(&t).is_ok())
            {
                alone += w;
            }
        }
        let unique = if total > 0.0 { alone / total } else { 1.0 };
        let words = units[u].terms.words;
        if unique < best.0 - 1e-9 || ((unique - best.0).abs() <= 1e-9 && words < best.1) {
            best = (unique, words, u);
        }
    }
    best.2
}

fn conflicts(
    articles: &[Article],
    units: &[Unit],
    facts: &[Fact],
    fact_units: &[Vec<usize>],
    lineage: &[usize],
) -> Vec<Conflict> {
    let mut out = Vec::new();
    for (fi, g) in fact_units.iter().enumerate() {
        if facts[fi].independent_sources < 2 {
            continue;
        }
        let mut sides: BTreeMap<String, BTreeMap<String, (BTreeSet<String>, String)>> =
            BTreeMap::new();
        for (x, &ux) in g.iter().enumerate() {
            for &uy in &g[x + 1..] {
                let (ax, ay) = (units[ux].article, units[uy].article);
                if lineage[ax] == lineage[ay] {
                    continue;
                }
                for (cx, cy) in
                    similarity::disagreements(&units[ux].terms.claims, &units[uy].terms.claims)
                {
                    let kind = sides.entry(cx.unit.clone()).or_default();
                    for (c, art) in [(cx, ax), (cy, ay)] {
                        kind.entry(c.key.clone())
                            .or_insert_with(|| (BTreeSet::new(), c.text.clone()))
                            .0
                            .insert(articles[art].id.clone());
                    }
                }
            }
        }
        for (kind, values) in sides {
            if values.len() < 2 {
                continue;
            }
            out.push(Conflict {
                about: format!("{kind}: {}", facts[fi].text),
                kind,
                fact: fi,
                claims: values
                    .into_iter()
                    .map(|(value, (arts, text))| ConflictClaim {
                        value,
                        articles: arts.into_iter().collect(),
                        text,
                    })
                    .collect(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{digest_with, Options};
    use corroborate_model::RawArticle;

    /// All files as one story, as `digest --single-story` makes it (plain-text articles: the
    /// id is the file stem, the first line may be the headline).
    fn story(files: &[(&str, &str)]) -> corroborate_model::Story {
        let raws = files
            .iter()
            .map(|(name, text)| RawArticle {
                id: name.trim_end_matches(".txt").to_string(),
                path: name.to_string(),
                body: text.to_string(),
                body_has_headline: true,
                ..RawArticle::default()
            })
            .collect();
        let options = Options {
            single_story: true,
            ..Options::default()
        };
        digest_with(raws, vec![], &options).stories.remove(0)
    }

    /// Three outlets on one visit; c asks for the backstop in other words than a and b, and
    /// its sentence also names the peacekeeping operation its next sentence is about.
    fn visit(c_request: &str) -> corroborate_model::Story {
        story(&[
            ("a.txt", "Minister flies to capital\n\nMinister Jane Okafor arrived in the capital on Tuesday for two days of talks with President Tom Bello. \
                Okafor will urge Bello to provide a backstop, with air cover from fighter jets, should the rebels breach any truce. \
                Officials expect a statement on trade after the meeting."),
            ("b.txt", "Talks in the capital\n\nMinister Jane Okafor began two days of talks with President Tom Bello in the capital on Tuesday. \
                Okafor will push a reluctant Bello to provide a backstop, possibly fighter jets giving air cover, to stop the rebels attacking after a truce. \
                A statement on trade is expected after the meeting."),
            ("c.txt", &format!("Minister in the capital\n\nMinister Jane Okafor is in the capital for talks with President Tom Bello this week. \
                {c_request} \
                Okafor has already offered troops for a peacekeeping operation in the north.")),
        ])
    }

    fn articles_of(s: &corroborate_model::Story, words: &str) -> Vec<String> {
        let found: Vec<_> = s
            .facts
            .iter()
            .filter(|f| f.variants.iter().any(|v| v.text.contains(words)))
            .collect();
        assert_eq!(found.len(), 1, "{words}: {found:#?}");
        found[0].articles.clone()
    }

    #[test]
    fn the_same_request_in_other_words_joins_its_fact() {
        let s = visit("As Okafor prepares for the talks, she aims to secure a commitment for a backstop to the peacekeeping operation in the north.");
        assert_eq!(articles_of(&s, "fighter jets"), ["a", "b", "c"]);
        assert_eq!(articles_of(&s, "offered troops"), ["c"]);
    }

    #[test]
    fn another_act_or_actor_on_the_same_thing_stays_apart() {
        // The president refusing the backstop, or promising it, is not the minister asking.
        for other in [
            "Bello refused to provide a backstop to the peacekeeping operation in the north.",
            "Bello pledged a backstop to the peacekeeping operation in the north.",
            "Okafor pledged a backstop to the peacekeeping operation in the north.",
            "Okafor did not urge Bello to provide a backstop to the peacekeeping operation in the north.",
        ] {
            let s = visit(other);
            assert_eq!(articles_of(&s, "fighter jets"), ["a", "b"], "{other}");
        }
    }

    #[test]
    fn chain_keeps_order_in_both_articles() {
        let chain = in_order(vec![
            (0, 0, 1.0),
            (1, 5, 1.0),
            (2, 1, 1.0),
            (3, 2, 1.0),
            (3, 3, 1.0),
        ]);
        let pos: Vec<(usize, usize)> = chain.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(pos, [(0, 0), (2, 1), (3, 2)]);
    }

    const WIRE: &str = "Quake hits coast\n\nA magnitude 6.1 earthquake struck off the coast of Chile on Monday, officials said. \
        Three people were killed in the port city of Valparaiso when buildings collapsed. \
        Rescue teams from Santiago searched the rubble through the night. \
        The national emergency office said 1,200 homes were damaged.";

    #[test]
    fn an_exact_copy_is_one_lineage() {
        let s = story(&[
            ("a.txt", WIRE),
            ("b.txt", WIRE),
            ("c.txt", "Storm in Norway\n\nA storm closed roads across northern Norway on Tuesday. Ferries between the islands were cancelled."),
        ]);
        assert_eq!(s.derivations.len(), 1);
        assert!(s.derivations[0].copy);
        assert_eq!(s.derivations[0].shared_fraction, 1.0);
        assert_eq!(s.independent_sources, 2);
        let killed = s.facts.iter().find(|f| f.text.contains("killed")).unwrap();
        assert_eq!(killed.articles, ["a", "b"]);
        assert_eq!(killed.independent_sources, 1);
    }

    #[test]
    fn differing_figures_in_one_fact_are_a_conflict() {
        let s = story(&[
            ("a.txt", WIRE),
            ("d.txt", "Chile earthquake\n\nA strong earthquake of magnitude 6.1 hit the Chilean coast on Monday. \
                Five people were killed in the port city of Valparaiso when buildings collapsed, police said."),
        ]);
        assert_eq!(s.independent_sources, 2);
        let c = s
            .conflicts
            .iter()
            .find(|c| c.kind == "count")
            .expect("a count conflict");
        let values: Vec<&str> = c.claims.iter().map(|k| k.value.as_str()).collect();
        assert_eq!(values, ["3", "5"]);
    }
}
