//! Tagger: a trained named-entity tagger (person, organisation, place, other) over the words of
//! one sentence: a greedy left-to-right averaged perceptron with IOB2 labels, word, shape,
//! affix, neighbour and document features (is the word seen in lower case elsewhere in the
//! article? capitalised inside a sentence elsewhere?). Trained by `cargo xtask train-tagger`
//! from CoNLL-2003 train; the weights ship inside the binary (`data/tagger.bin`).
//! In: words (and the document they come from). Out: one label per word. Pure and
//! deterministic: the same words give the same labels; never reads a file at run time, never
//! changes text.

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// The labels, IOB2: index 0 is outside any name.
pub const LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];
const L: usize = LABELS.len();
/// Label id of a "begin" label's kind: 1 PER, 3 ORG, 5 LOC, 7 MISC.
pub fn label_id(s: &str) -> u8 {
    LABELS.iter().position(|l| *l == s).unwrap_or(0) as u8
}

/// What the tagger said earlier in the same document about a capitalised word (lower-cased):
/// the kind of name it was last part of (0 none, 1 PER, 2 ORG, 3 LOC, 4 MISC).
pub type Memory = FxHashMap<String, u8>;

fn kind_of(label: u8) -> u8 {
    label.div_ceil(2)
}

/// What the document around a sentence tells about its words.
#[derive(Debug, Default)]
pub struct DocWords {
    /// Words (lower-cased) written in lower case somewhere in the document.
    pub lower: FxHashSet<String>,
    /// Words (lower-cased) written capitalised away from the start of a sentence.
    pub cap_inner: FxHashSet<String>,
}

impl DocWords {
    /// Collect from the sentences (as words) of one document.
    pub fn of<'a>(sentences: impl IntoIterator<Item = &'a [&'a str]>) -> DocWords {
        let mut d = DocWords::default();
        for s in sentences {
            for (i, w) in s.iter().enumerate() {
                let Some(c) = w.chars().next() else { continue };
                if c.is_lowercase() {
                    d.lower.insert(w.to_lowercase());
                } else if c.is_uppercase() && i > 0 && !is_open_quote(s[i - 1]) {
                    d.cap_inner.insert(w.to_lowercase());
                }
            }
        }
        d
    }
}

fn is_open_quote(w: &str) -> bool {
    matches!(w, "\"" | "“" | "‘" | "'" | "(" | ":" | "—" | "-" | "--")
}

/// A word's shape: upper X, lower x, digit d, other kept; runs collapsed ("Xx", "X.X.", "dd-dd").
fn shape(w: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    let mut run = 0;
    for c in w.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if s == last {
            run += 1;
            if run >= 2 {
                continue;
            }
        } else {
            run = 0;
        }
        out.push(s);
        last = s;
    }
    out
}

fn h(template: u8, parts: &[&str]) -> u64 {
    let mut s = FxHasher::default();
    template.hash(&mut s);
    for p in parts {
        p.hash(&mut s);
    }
    s.finish()
}

/// Which of the pipeline's word lists a (lower-cased) word is on, as a short code.
fn lists(lw: &str) -> String {
    use crate::lexicon::*;
    let mut c = String::new();
    for (on, k) in [
        (HONORIFICS.contains(lw), 'h'),
        (ROLES.contains(lw), 'r'),
        (ORG_WORDS.contains(lw), 'o'),
        (PLACE_WORDS.contains(lw), 'p'),
        (ORG_ACRONYMS.contains(lw), 'a'),
        (PLACES.contains(lw), 'l'),
        (DEMONYMS.contains_key(lw), 'd'),
        (GIVEN_NAMES.contains(lw), 'g'),
        (SPEECH_VERBS.contains(lw), 's'),
    ] {
        if on {
            c.push(k);
        }
    }
    c
}

/// The features of word `i` given the two labels before it.
/// A sentence's words with what each word's features need, computed once per word.
struct Prepared<'a> {
    words: &'a [&'a str],
    lower: Vec<String>,
    shapes: Vec<String>,
    lists: Vec<String>,
}

impl<'a> Prepared<'a> {
    fn new(words: &'a [&'a str]) -> Self {
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        Prepared {
            words,
            shapes: words.iter().map(|w| shape(w)).collect(),
            lists: lower.iter().map(|w| lists(w)).collect(),
            lower,
        }
    }
}

fn features(
    p: &Prepared,
    i: usize,
    p1: u8,
    p2: u8,
    doc: &DocWords,
    memory: &Memory,
    f: &mut Vec<u64>,
) {
    let (words, lower) = (p.words, &p.lower);
    let w = words[i];
    let lw = lower[i].as_str();
    let at = |k: isize| -> &str {
        let j = i as isize + k;
        if j < 0 {
            "<s>"
        } else if j as usize >= words.len() {
            "</s>"
        } else {
            lower[j as usize].as_str()
        }
    };
    let shape_at = |k: isize| -> &str {
        let j = i as isize + k;
        if j < 0 || j as usize >= words.len() {
            ""
        } else {
            p.shapes[j as usize].as_str()
        }
    };
    let list_at = |k: isize| -> &str {
        let j = i as isize + k;
        if j < 0 || j as usize >= words.len() {
            ""
        } else {
            p.lists[j as usize].as_str()
        }
    };
    let sh = shape_at(0);
    let (sp, sn) = (shape_at(-1), shape_at(1));
    let l1 = LABELS[p1 as usize];
    let l2 = LABELS[p2 as usize];
    // Byte offsets of the word's character boundaries, for its prefixes and suffixes.
    let mut bounds: [usize; 5] = [0; 5];
    let mut nchars = 0usize;
    for (k, (b, _)) in lw.char_indices().enumerate() {
        if k < 5 {
            bounds[k] = b;
        }
        nchars = k + 1;
    }
    let mut tail: [usize; 5] = [lw.len(); 5];
    for (k, (b, _)) in lw.char_indices().rev().enumerate() {
        if k >= 4 {
            break;
        }
        tail[k + 1] = b;
    }
    f.clear();
    f.push(h(0, &[]));
    f.push(h(1, &[lw]));
    f.push(h(2, &[w]));
    f.push(h(3, &[sh]));
    f.push(h(4, &[at(-1)]));
    f.push(h(5, &[at(1)]));
    f.push(h(6, &[at(-2)]));
    f.push(h(7, &[at(2)]));
    f.push(h(8, &[at(-1), lw]));
    f.push(h(9, &[lw, at(1)]));
    f.push(h(10, &[sp, sh]));
    f.push(h(11, &[sh, sn]));
    f.push(h(12, &[l1]));
    f.push(h(13, &[l2, l1]));
    f.push(h(14, &[l1, lw]));
    f.push(h(15, &[l1, sh]));
    for n in 1..=4usize {
        if nchars > n {
            let end = if n < 5 { bounds[n] } else { lw.len() };
            f.push(h(16 + n as u8, &[&lw[..end]]));
            f.push(h(20 + n as u8, &[&lw[tail[n]..]]));
        }
    }
    let first = i == 0 || is_open_quote(words[i - 1]);
    let cap = w.chars().next().is_some_and(char::is_uppercase);
    if first {
        f.push(h(30, &[sh]));
    }
    if cap {
        let seen_lower = doc.lower.contains(lw);
        let seen_inner = doc.cap_inner.contains(lw);
        f.push(h(
            31,
            &[
                if seen_lower { "l" } else { "-" },
                if seen_inner { "c" } else { "-" },
                if first { "f" } else { "-" },
            ],
        ));
    }
    if w.contains('-') {
        f.push(h(32, &[]));
    }
    if w.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
        && w.chars().any(char::is_alphabetic)
    {
        f.push(h(33, &[at(-1)]));
    }
    let (g0, gp, gn) = (list_at(0), list_at(-1), list_at(1));
    if !g0.is_empty() {
        f.push(h(40, &[g0]));
        f.push(h(41, &[g0, sh]));
    }
    if !gp.is_empty() {
        f.push(h(42, &[gp]));
    }
    if !gn.is_empty() {
        f.push(h(43, &[gn]));
    }
    if cap {
        let said = memory.get(lw).copied().unwrap_or(9);
        let said = ["O", "PER", "ORG", "LOC", "MISC", "", "", "", "", "-"][said as usize];
        f.push(h(50, &[said]));
        f.push(h(51, &[said, if first { "f" } else { "-" }]));
    }
    // The sentence's shape of capitals: all-capital headlines read differently.
    f.push(h(34, &[sp, sh, sn, l1]));
}

/// A trained tagger: weights per feature and label.
#[derive(Debug, Default)]
pub struct Tagger {
    weights: FxHashMap<u64, [f32; L]>,
}

/// A label may follow the one before it (IOB2: "I-X" only after "B-X" or "I-X").
fn allowed(prev: u8, label: u8) -> bool {
    if label == 0 || label % 2 == 1 {
        return true;
    }
    prev == label || prev == label - 1
}

impl Tagger {
    fn scores(&self, feats: &[u64]) -> [f32; L] {
        let mut s = [0f32; L];
        for f in feats {
            if let Some(w) = self.weights.get(f) {
                for k in 0..L {
                    s[k] += w[k];
                }
            }
        }
        s
    }

    fn best(s: &[f32; L], prev: u8) -> u8 {
        let mut best = 0u8;
        for k in 1..L as u8 {
            if allowed(prev, k) && s[k as usize] > s[best as usize] {
                best = k;
            }
        }
        best
    }

    /// One label per word of a sentence; `memory` carries what earlier sentences of the same
    /// document were tagged (start each document with an empty one, tag in text order).
    pub fn tag(&self, words: &[&str], doc: &DocWords, memory: &mut Memory) -> Vec<u8> {
        let p = Prepared::new(words);
        let mut out: Vec<u8> = Vec::with_capacity(words.len());
        let mut f = Vec::with_capacity(48);
        for i in 0..words.len() {
            let p1 = if i >= 1 { out[i - 1] } else { 0 };
            let p2 = if i >= 2 { out[i - 2] } else { 0 };
            features(&p, i, p1, p2, doc, memory, &mut f);
            out.push(Self::best(&self.scores(&f), p1));
        }
        remember(words, &p.lower, &out, memory);
        out
    }

    /// The tagger built into the binary, when its weights are present and readable.
    pub fn builtin() -> Option<&'static Tagger> {
        BUILTIN.as_ref()
    }

    /// Number of features with weights.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// True when it has no weights.
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Bytes: magic, feature count, scale, then per feature (sorted by hash) its hash and
    /// one signed 16-bit weight per label (little-endian).
    pub fn encode(&self) -> Vec<u8> {
        let max = self
            .weights
            .values()
            .flat_map(|w| w.iter())
            .fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut keys: Vec<&u64> = self.weights.keys().collect();
        keys.sort_unstable();
        let mut out = Vec::with_capacity(16 + keys.len() * (8 + 2 * L));
        out.extend_from_slice(b"CTG2");
        out.extend_from_slice(&(keys.len() as u32).to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for k in keys {
            out.extend_from_slice(&k.to_le_bytes());
            for x in self.weights[k] {
                let q = (x / scale).round().clamp(-32767.0, 32767.0) as i16;
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
        out
    }

    /// Read what [`Tagger::encode`] wrote; `None` when the bytes are not a tagger.
    pub fn decode(b: &[u8]) -> Option<Tagger> {
        if b.len() < 12 || &b[..4] != b"CTG2" {
            return None;
        }
        let n = u32::from_le_bytes(b[4..8].try_into().ok()?) as usize;
        let scale = f32::from_le_bytes(b[8..12].try_into().ok()?);
        let body = &b[12..];
        if body.len() != n.checked_mul(8 + 2 * L)? {
            return None;
        }
        let mut weights = FxHashMap::default();
        weights.reserve(n);
        for rec in body.chunks_exact(8 + 2 * L) {
            let k = u64::from_le_bytes(rec[..8].try_into().ok()?);
            let mut w = [0f32; L];
            for (x, q) in w.iter_mut().zip(rec[8..].chunks_exact(2)) {
                *x = f32::from(i16::from_le_bytes([q[0], q[1]])) * scale;
            }
            weights.insert(k, w);
        }
        Some(Tagger { weights })
    }
}

/// Note the kind each capitalised word was tagged with.
fn remember(words: &[&str], lower: &[String], labels: &[u8], memory: &mut Memory) {
    for (i, w) in words.iter().enumerate() {
        if w.chars().next().is_some_and(char::is_uppercase) {
            memory.insert(lower[i].clone(), kind_of(labels[i]));
        }
    }
}

static BUILTIN: LazyLock<Option<Tagger>> =
    LazyLock::new(|| Tagger::decode(include_bytes!("../data/tagger.bin")));

/// One training sentence: words and their label ids.
pub type Labelled = (Vec<String>, Vec<u8>);

/// Train an averaged perceptron over documents (each a list of labelled sentences), `epochs`
/// passes in a fixed order shuffled by `seed`; features whose averaged weights all stay below
/// `prune` are dropped.
pub fn train(docs: &[Vec<Labelled>], epochs: usize, seed: u64, prune: f32) -> Tagger {
    let mut w: FxHashMap<u64, [f32; L]> = FxHashMap::default();
    let mut total: FxHashMap<u64, [f32; L]> = FxHashMap::default();
    let mut stamp: FxHashMap<u64, [u64; L]> = FxHashMap::default();
    let mut t: u64 = 0;
    let doc_words: Vec<DocWords> = docs
        .iter()
        .map(|d| {
            let refs: Vec<Vec<&str>> = d
                .iter()
                .map(|(ws, _)| ws.iter().map(String::as_str).collect())
                .collect();
            DocWords::of(refs.iter().map(Vec::as_slice))
        })
        .collect();
    // Documents in a shuffled order, each one's sentences in text order (the memory of what
    // the document said before is a feature).
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut rng = seed.max(1);
    for _ in 0..epochs {
        for k in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(k, (rng % (k as u64 + 1)) as usize);
        }
        for &d in &order {
            let mut memory = Memory::default();
            for (words, gold) in &docs[d] {
                let refs: Vec<&str> = words.iter().map(String::as_str).collect();
                let prep = Prepared::new(&refs);
                let mut f = Vec::with_capacity(48);
                let mut out: Vec<u8> = Vec::with_capacity(refs.len());
                for i in 0..refs.len() {
                    t += 1;
                    let p1 = if i >= 1 { out[i - 1] } else { 0 };
                    let p2 = if i >= 2 { out[i - 2] } else { 0 };
                    features(&prep, i, p1, p2, &doc_words[d], &memory, &mut f);
                    let mut s = [0f32; L];
                    for x in &f {
                        if let Some(v) = w.get(x) {
                            for k in 0..L {
                                s[k] += v[k];
                            }
                        }
                    }
                    let guess = Tagger::best(&s, p1);
                    let truth = gold[i];
                    if guess != truth {
                        for x in &f {
                            let wv = w.entry(*x).or_insert([0.0; L]);
                            let tv = total.entry(*x).or_insert([0.0; L]);
                            let sv = stamp.entry(*x).or_insert([0; L]);
                            for (k, delta) in [(truth as usize, 1.0f32), (guess as usize, -1.0)] {
                                tv[k] += (t - sv[k]) as f32 * wv[k];
                                sv[k] = t;
                                wv[k] += delta;
                            }
                        }
                    }
                    // Train on what the tagger itself would have seen before (greedy decoding).
                    out.push(guess);
                }
                remember(&refs, &prep.lower, &out, &mut memory);
            }
        }
    }
    let mut weights = FxHashMap::default();
    for (k, wv) in &w {
        let tv = &total[k];
        let sv = &stamp[k];
        let mut avg = [0f32; L];
        for j in 0..L {
            avg[j] = (tv[j] + (t - sv[j]) as f32 * wv[j]) / t as f32;
        }
        if avg.iter().any(|x| x.abs() >= prune) {
            weights.insert(*k, avg);
        }
    }
    Tagger { weights }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_collapse_runs() {
        assert_eq!(shape("Starmer"), "Xxx");
        assert_eq!(shape("NATO"), "XX");
        assert_eq!(shape("1996-08-22"), "dd-dd-dd");
    }

    #[test]
    fn iob_order_is_kept() {
        assert!(allowed(1, 2));
        assert!(!allowed(0, 2));
        assert!(!allowed(3, 2));
    }

    #[test]
    fn encoding_round_trips() {
        let docs = vec![vec![(
            vec!["Keir".to_string(), "Starmer".into(), "spoke".into()],
            vec![1u8, 2, 0],
        )]];
        let t = train(&docs, 3, 7, 0.0);
        let back = Tagger::decode(&t.encode()).unwrap();
        assert_eq!(back.len(), t.len());
        let words = ["Keir", "Starmer", "spoke"];
        let mut memory = Memory::default();
        assert_eq!(
            back.tag(&words, &DocWords::default(), &mut memory),
            [1, 2, 0]
        );
        assert_eq!(memory.get("starmer"), Some(&1));
        assert!(Tagger::decode(b"nope").is_none());
    }
}
