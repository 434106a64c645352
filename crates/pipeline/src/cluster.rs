//! Cluster: splits a pile of cleaned articles into stories, online. Each article is first checked
//! against the articles already seen for an exact copy (hash of its normalized words) or a near
//! copy (MinHash over 5-word shingles, LSH bands, then the estimated Jaccard); a copy joins the
//! story of its original. Otherwise it is scored against the stories that share its rarest
//! terms (TF-IDF cosine with the story centroid, names and numbers weighted up, publication dates
//! and the years the text names as gates) and joins the best story or opens a new one.
//! In: [`Features`] (from [`features`]), one at a time. Out: an [`Assignment`] per article.
//! Never holds article texts: a story keeps a bounded centroid, its names and its date range.
//! Memory is bounded whatever the input: only the latest [`HORIZON`] articles are remembered
//! for copy detection, and only the stories holding one of them can grow; older ones are
//! closed ([`Clusterer::forget`], called between batches, and a store's snapshot holds the
//! same window).
//! Deterministic: the same features in the same order give the same stories; callers sort a
//! batch canonically ([`canonical_order`]) so input order does not matter. No IO.

use corroborate_lang::calendar::english_month;
use corroborate_lang::stopwords::is_topic_stop_word;
use corroborate_lang::words::{stem, words_joined_by, APOSTROPHES};
use corroborate_model::Snapshot;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::Hasher;

/// Number of MinHash values per article.
pub const MINHASH_LEN: usize = 64;
/// LSH bands (MINHASH_LEN / BANDS rows each): candidates from about Jaccard 0.6 up.
const BANDS: usize = 16;
/// Estimated Jaccard of 5-word shingles from which an article is a near copy.
pub const NEAR_COPY: f64 = 0.8;
/// Terms kept in a story centroid.
const CENTROID_TERMS: usize = 300;
/// Terms of an article used to look up candidate stories.
const QUERY_TERMS: usize = 24;
/// Stories per term looked at: the most recent ones holding it.
const POSTINGS: usize = 400;
/// Candidate stories scored in full.
const SCORED: usize = 16;
/// Cosine with a story centroid from which an article joins it.
pub const JOIN: f64 = 0.26;
/// Weight of names and numbers against other words in an article vector.
const NAME_BOOST: f32 = 3.0;
/// Factor on the score when both texts name years and share none.
const YEAR_PENALTY: f32 = 0.7;
/// Days between publication dates beyond which the text must tie an article to the story.
const DATE_WINDOW: i64 = 21;
/// Articles an ingest remembers: copies are found among the latest this many, and a story
/// grows only while one of its members is among them (about 1 KB each in memory; at
/// CC-News's rate of some 300,000 articles a day, a few days of news). Older stories are
/// closed: a later article on the same event opens a new story.
pub const HORIZON: u64 = 1_000_000;

/// What clustering needs to know about one article; small, and no text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Features {
    /// Article id.
    pub id: String,
    /// Publication date as days since 1970-01-01, when known.
    pub day: Option<i64>,
    /// Hash of the article's normalized words (exact copies share it).
    pub exact: u64,
    /// MinHash of the 5-word shingles (empty for very short texts).
    pub minhash: Vec<u32>,
    /// Term hash and weight (sublinear term frequency, title and lead counted up), sorted by
    /// term. Names and numbers are terms too, marked in `names`.
    pub terms: Vec<(u64, f32)>,
    /// Terms that are names (capitalised inside a sentence) or numbers, sorted.
    pub names: Vec<u64>,
    /// Terms that are numbers, sorted.
    pub numbers: Vec<u64>,
    /// Years from 1900 to 2099 the text names, sorted.
    pub years: Vec<u16>,
}

fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    // FxHash leaves low bits weak; finish with a mix.
    mix(h.finish())
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ceb9fe1a85ec53);
    x ^ (x >> 33)
}

thread_local! {
    static STEMS: std::cell::RefCell<FxHashMap<String, u64>> =
        std::cell::RefCell::new(FxHashMap::default());
}

/// Hash of a lower-cased word's stem, cached per thread (news vocabulary repeats).
fn stem_hash(word: &str) -> u64 {
    STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(&h) = cache.get(word) {
            return h;
        }
        if cache.len() > 500_000 {
            cache.clear();
        }
        let h = hash_str(&stem(word));
        cache.insert(word.to_string(), h);
        h
    })
}

// Calendar arithmetic lives in the language layer; re-exported for the callers of clustering.
pub use corroborate_lang::calendar::{date_of_day, day_number};

/// The features of one article from its title, text and date.
pub fn features(id: &str, title: &str, text: &str, date: Option<&str>) -> Features {
    let mut tf: FxHashMap<u64, f32> = FxHashMap::default();
    let mut names: FxHashSet<u64> = FxHashSet::default();
    let mut years: Vec<u16> = Vec::new();
    let mut numbers: FxHashSet<u64> = FxHashSet::default();
    let mut words: Vec<u64> = Vec::with_capacity(text.len() / 5);
    let mut lower = String::new();
    // The title counts three times, the lead (first ~80 words) twice.
    let sources = [(title, 3.0f32), (text, 1.0)];
    for (part, base) in sources {
        let mut sentence_start = true;
        let mut n = 0usize;
        for raw in words_joined_by(part, &APOSTROPHES) {
            let w = raw.trim_matches(|c: char| c == '\'' || c == '’');
            let ends = part
                .get(part_offset(part, raw) + raw.len()..)
                .and_then(|r| r.chars().next())
                .is_some_and(|c| matches!(c, '.' | '!' | '?' | '\n'));
            if w.is_empty() {
                continue;
            }
            lower.clear();
            for c in w.chars() {
                lower.extend(c.to_lowercase());
            }
            let lw = lower.strip_suffix("'s").unwrap_or(&lower);
            words.push(hash_str(lw));
            let initial = std::mem::replace(&mut sentence_start, ends);
            n += 1;
            let weight = if base > 1.0 {
                base
            } else if n <= 80 {
                2.0
            } else {
                1.0
            };
            let is_digit = lw.chars().all(|c| c.is_ascii_digit());
            if is_digit {
                if lw.len() == 4 {
                    if let Ok(y) = lw.parse::<u16>() {
                        if (1900..2100).contains(&y) {
                            years.push(y);
                        }
                    }
                }
                if lw.len() < 2 {
                    continue;
                }
                let h = hash_str(lw);
                *tf.entry(h).or_default() += weight;
                names.insert(h);
                numbers.insert(h);
                continue;
            }
            if lw.len() < 2 || is_topic_stop_word(lw) || english_month(lw).is_some() {
                continue;
            }
            let h = stem_hash(lw);
            *tf.entry(h).or_default() += weight;
            if !initial && w.chars().next().is_some_and(char::is_uppercase) {
                names.insert(h);
            }
        }
    }
    // An article with no words copies nothing.
    let mut exact = FxHasher::default();
    exact.write_usize(words.len());
    for w in &words {
        exact.write_u64(*w);
    }
    let minhash = minhash(&words);
    let mut terms: Vec<(u64, f32)> = tf
        .into_iter()
        .map(|(t, f)| (t, 1.0 + f.ln().max(0.0)))
        .collect();
    terms.sort_unstable_by_key(|t| t.0);
    let mut names: Vec<u64> = names.into_iter().collect();
    names.sort_unstable();
    years.sort_unstable();
    years.dedup();
    let mut numbers: Vec<u64> = numbers.into_iter().collect();
    numbers.sort_unstable();
    Features {
        id: id.to_string(),
        day: date.and_then(day_number),
        exact: mix(exact.finish()),
        minhash,
        terms,
        names,
        numbers,
        years,
    }
}

/// Byte offset of `sub` (a slice of `whole`) in `whole`.
fn part_offset(whole: &str, sub: &str) -> usize {
    (sub.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// MinHash of the 5-word shingles of a word-hash sequence. The 64 hash functions are
/// `h1 + i * h2` of two independent shingle hashes (Kirsch and Mitzenmacher), which keeps
/// MinHash's estimate and costs one add per function.
fn minhash(words: &[u64]) -> Vec<u32> {
    if words.len() < 8 {
        return Vec::new();
    }
    let mut mins = [u32::MAX; MINHASH_LEN];
    for sh in words.windows(5) {
        let mut h = 0u64;
        for w in sh {
            h = mix(h ^ w);
        }
        let h1 = h;
        let h2 = mix(h ^ 0x9e3779b97f4a7c15) | 1;
        let mut v = h1;
        for m in mins.iter_mut() {
            let x = (v >> 32) as u32;
            if x < *m {
                *m = x;
            }
            v = v.wrapping_add(h2);
        }
    }
    mins.to_vec()
}

/// Share of equal MinHash values: an estimate of the shingles' Jaccard similarity.
pub fn jaccard_estimate(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
}

/// The canonical order of a batch: by publication date (undated last), then id. Online
/// clustering in this order makes a batch's stories independent of the order it arrived in.
pub fn canonical_order(features: &mut [Features]) {
    features.sort_by(|a, b| {
        (a.day.is_none(), a.day, &a.id, a.exact).cmp(&(b.day.is_none(), b.day, &b.id, b.exact))
    });
}

/// Where one article went.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// Index of the story (in order of creation).
    pub story: usize,
    /// The article it is an exact or near copy of, with the estimated Jaccard (1.0 exact).
    pub copy_of: Option<(String, f64)>,
}

/// One story's clustering state.
#[derive(Clone, Debug, Default)]
pub struct StoryState {
    /// Summed member term weights (TF-IDF, each member normalized), at most `CENTROID_TERMS`.
    pub centroid: Vec<(u64, f32)>,
    /// How many members that are not copies.
    pub members: u32,
    /// How many members that are exact or near copies of another member.
    pub copies: u32,
    /// Earliest and latest publication day of its members.
    pub days: Option<(i64, i64)>,
    /// Years its members' texts name, with counts.
    pub years: Vec<(u16, u32)>,
}

impl StoryState {
    /// The state as bytes for a store (little-endian; read back by [`StoryState::decode`]).
    pub fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(32 + self.centroid.len() * 12 + self.years.len() * 6);
        let (lo, hi) = self.days.unwrap_or((i64::MIN, i64::MIN));
        b.extend_from_slice(&lo.to_le_bytes());
        b.extend_from_slice(&hi.to_le_bytes());
        b.extend_from_slice(&self.members.to_le_bytes());
        b.extend_from_slice(&self.copies.to_le_bytes());
        b.extend_from_slice(&(self.centroid.len() as u32).to_le_bytes());
        for (t, w) in &self.centroid {
            b.extend_from_slice(&t.to_le_bytes());
            b.extend_from_slice(&w.to_le_bytes());
        }
        b.extend_from_slice(&(self.years.len() as u32).to_le_bytes());
        for (y, n) in &self.years {
            b.extend_from_slice(&y.to_le_bytes());
            b.extend_from_slice(&n.to_le_bytes());
        }
        b
    }

    /// A state from [`StoryState::encode`]'s bytes; `None` when they are not such bytes.
    pub fn decode(b: &[u8]) -> Option<StoryState> {
        let mut r = Bytes(b);
        let (lo, hi) = (r.i64()?, r.i64()?);
        let members = r.u32()?;
        let copies = r.u32()?;
        let n = r.u32()? as usize;
        let mut centroid = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            centroid.push((r.u64()?, r.f32()?));
        }
        let n = r.u32()? as usize;
        let mut years = Vec::with_capacity(n.min(256));
        for _ in 0..n {
            years.push((r.u16()?, r.u32()?));
        }
        Some(StoryState {
            centroid,
            members,
            copies,
            days: (lo != i64::MIN).then_some((lo, hi)),
            years,
        })
    }
}

/// First byte of [`Features::encode`]'s bytes: which layout (and clustering) made them.
const FEATURES_FORMAT: u8 = 1;

impl Features {
    /// The features as bytes (little-endian, without the id, which travels with the
    /// article), so articles featurized elsewhere (a cluster's map over partitions) can be
    /// assigned here; read back by [`Features::decode`].
    pub fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(
            32 + self.minhash.len() * 4
                + self.terms.len() * 12
                + (self.names.len() + self.numbers.len()) * 8
                + self.years.len() * 2,
        );
        b.push(FEATURES_FORMAT);
        b.extend_from_slice(&self.day.unwrap_or(i64::MIN).to_le_bytes());
        b.extend_from_slice(&self.exact.to_le_bytes());
        b.extend_from_slice(&(self.minhash.len() as u32).to_le_bytes());
        for v in &self.minhash {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&(self.terms.len() as u32).to_le_bytes());
        for (t, w) in &self.terms {
            b.extend_from_slice(&t.to_le_bytes());
            b.extend_from_slice(&w.to_le_bytes());
        }
        for list in [&self.names, &self.numbers] {
            b.extend_from_slice(&(list.len() as u32).to_le_bytes());
            for v in list {
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
        b.extend_from_slice(&(self.years.len() as u32).to_le_bytes());
        for y in &self.years {
            b.extend_from_slice(&y.to_le_bytes());
        }
        b
    }

    /// Features from [`Features::encode`]'s bytes, under `id`; `None` when they are not
    /// such bytes (another layout, bytes left over, a signature of another length, lists out
    /// of order), so corrupt input never reaches the clusterer.
    pub fn decode(id: &str, b: &[u8]) -> Option<Features> {
        let (&format, rest) = b.split_first()?;
        if format != FEATURES_FORMAT {
            return None;
        }
        let mut r = Bytes(rest);
        let day = r.i64()?;
        let exact = r.u64()?;
        // Counts are bounded by the bytes left, so a corrupt count cannot allocate much.
        let count = |r: &mut Bytes, each: usize| -> Option<usize> {
            let n = r.u32()? as usize;
            (n.checked_mul(each)? <= r.0.len()).then_some(n)
        };
        let n = count(&mut r, 4)?;
        let minhash = (0..n).map(|_| r.u32()).collect::<Option<Vec<_>>>()?;
        let n = count(&mut r, 12)?;
        let terms = (0..n)
            .map(|_| Some((r.u64()?, r.f32()?)))
            .collect::<Option<Vec<_>>>()?;
        let n = count(&mut r, 8)?;
        let names = (0..n).map(|_| r.u64()).collect::<Option<Vec<_>>>()?;
        let n = count(&mut r, 8)?;
        let numbers = (0..n).map(|_| r.u64()).collect::<Option<Vec<_>>>()?;
        let n = count(&mut r, 2)?;
        let years = (0..n).map(|_| r.u16()).collect::<Option<Vec<_>>>()?;
        // Features as `features` makes them: a full signature or none, every list sorted.
        let sorted = |v: &[u64]| v.windows(2).all(|w| w[0] < w[1]);
        if !r.0.is_empty()
            || !(minhash.is_empty() || minhash.len() == MINHASH_LEN)
            || !terms.windows(2).all(|w| w[0].0 < w[1].0)
            || !sorted(&names)
            || !sorted(&numbers)
            || !years.windows(2).all(|w| w[0] <= w[1])
        {
            return None;
        }
        Some(Features {
            id: id.to_string(),
            day: (day != i64::MIN).then_some(day),
            exact,
            minhash,
            terms,
            names,
            numbers,
            years,
        })
    }
}

/// A little-endian reader over a byte slice.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_at_checked(N)?;
        self.0 = rest;
        head.try_into().ok()
    }
    fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
    fn i64(&mut self) -> Option<i64> {
        self.take().map(i64::from_le_bytes)
    }
    fn f32(&mut self) -> Option<f32> {
        self.take().map(f32::from_le_bytes)
    }
}

/// A MinHash signature as bytes for a store.
pub fn encode_signature(m: &[u32]) -> Vec<u8> {
    m.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// A signature back from [`encode_signature`]'s bytes.
pub fn decode_signature(b: &[u8]) -> Box<[u32]> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Document frequencies the term weights come from.
#[derive(Clone, Debug, Default)]
pub struct DocFreq {
    /// Documents counted.
    pub docs: u64,
    /// Documents per term.
    pub df: FxHashMap<u64, u32>,
}

impl DocFreq {
    /// Count one article's terms.
    pub fn add(&mut self, f: &Features) {
        self.docs += 1;
        for (t, _) in &f.terms {
            *self.df.entry(*t).or_default() += 1;
        }
    }

    /// Inverse document frequency; a term seen in one document only weighs like a rare one.
    pub fn idf(&self, term: u64) -> f32 {
        let df = self.df.get(&term).copied().unwrap_or(0) as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }
}

/// An article the clusterer remembers for copy detection: no text, about 300 bytes.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Article id.
    pub id: Box<str>,
    /// Its story.
    pub story: u32,
    /// Its MinHash (empty for very short texts).
    pub minhash: Box<[u32]>,
}

/// An open story: its state and the number of its latest remembered member (it closes when
/// that one is forgotten).
#[derive(Debug, Default)]
struct Open {
    state: StoryState,
    last: u64,
    /// The Euclidean norm of `state.centroid`, kept in step with it (every candidate
    /// scoring needs it).
    norm: f32,
}

/// The Euclidean norm of a centroid.
fn norm_of(centroid: &[(u64, f32)]) -> f32 {
    centroid.iter().map(|(_, w)| w * w).sum::<f32>().sqrt()
}

/// A remembered article with its place among the exact copies of its text.
#[derive(Debug)]
struct Remembered {
    seen: Seen,
    exact: u64,
    /// The next remembered article with the same exact hash, by number.
    next_same: Option<u64>,
}

/// The online clusterer. Articles are numbered from 0 in the order they were assigned; it
/// remembers the latest [`HORIZON`] of them (or the horizon given to [`Clusterer::forget`])
/// and the stories they belong to.
#[derive(Debug, Default)]
pub struct Clusterer {
    /// Weights come from here; callers add a batch before assigning it.
    pub df: DocFreq,
    /// Open stories (those with a remembered member), by index.
    stories: FxHashMap<u32, Open>,
    /// The same set as bits by index, kept in step with `stories`: the candidate search
    /// tests thousands of postings per article, and a bit test stays in cache where a hash
    /// lookup does not.
    open: Bits,
    /// Stories ever opened: the next story's index.
    story_count: u32,
    /// Remembered articles, oldest first; the first is article number `base`.
    seen: std::collections::VecDeque<Remembered>,
    base: u64,
    /// Exact hash -> (first, last) remembered article with it, by number.
    exact: FxHashMap<u64, (u64, u64)>,
    /// LSH bucket -> its latest article, by number (stale once below `base`).
    bands: FxHashMap<u64, u64>,
    /// Term -> stories whose centroid held it when indexed (closed ones dropped lazily).
    index: FxHashMap<u64, Vec<u32>>,
    /// Index entries, live or stale, to know when to sweep.
    index_entries: usize,
    /// Index entries after the last sweep.
    swept_entries: usize,
    /// Candidate stories of the article being added and their weight: cleared, not freed,
    /// between articles (it grows to hundreds of entries for each one).
    hits: FxHashMap<u32, f32>,
}

impl Clusterer {
    /// A clusterer with no stories.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stories ever opened (open or closed).
    pub fn story_count(&self) -> usize {
        self.story_count as usize
    }

    /// Stories still open: those with a remembered member.
    pub fn open_stories(&self) -> usize {
        self.stories.len()
    }

    /// Articles remembered for copy detection.
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }

    /// An open story's state; `None` for a closed or unknown one.
    pub fn story(&self, index: usize) -> Option<&StoryState> {
        u32::try_from(index)
            .ok()
            .and_then(|i| self.stories.get(&i))
            .map(|o| &o.state)
    }

    /// Rebuild the clusterer from a store's snapshot; `None` when a story's state is not one
    /// this pipeline wrote, or the snapshot does not hold every story its articles belong to.
    pub fn from_snapshot(s: &Snapshot) -> Option<Clusterer> {
        let mut c = Clusterer::new();
        c.df.docs = s.docs;
        c.df.df = s.df.iter().copied().collect();
        c.story_count = s.story_count;
        let mut idx: Vec<(u32, StoryState)> = Vec::with_capacity(s.stories.len());
        for (i, state) in &s.stories {
            if *i >= s.story_count {
                return None;
            }
            idx.push((*i, StoryState::decode(state)?));
        }
        idx.sort_by_key(|x| x.0);
        for (i, st) in idx {
            for (t, _) in &st.centroid {
                c.index.entry(*t).or_default().push(i);
                c.index_entries += 1;
            }
            let norm = norm_of(&st.centroid);
            c.stories.insert(
                i,
                Open {
                    state: st,
                    last: 0,
                    norm,
                },
            );
            c.open.set(i, true);
        }
        c.swept_entries = c.index_entries;
        c.base = s.docs.checked_sub(s.seen.len() as u64)?;
        for r in &s.seen {
            if !c.stories.contains_key(&r.story) {
                return None;
            }
            c.remember(
                Seen {
                    id: r.id.as_str().into(),
                    story: r.story,
                    minhash: decode_signature(&r.signature),
                },
                r.exact,
            );
        }
        Some(c)
    }

    /// Forget all but the latest `horizon` articles and close the stories none of the rest
    /// belongs to, so memory stays bounded; called between batches (a batch's stories stay
    /// open until it is written).
    pub fn forget(&mut self, horizon: u64) {
        while self.seen.len() as u64 > horizon {
            let Some(r) = self.seen.pop_front() else {
                break;
            };
            let number = self.base;
            self.base += 1;
            // The exact copies of its text: the next remembered one becomes the first.
            if let Some(e) = self.exact.get_mut(&r.exact) {
                if e.0 == number {
                    match r.next_same {
                        Some(n) => e.0 = n,
                        None => {
                            self.exact.remove(&r.exact);
                        }
                    }
                }
            }
            if self
                .stories
                .get(&r.seen.story)
                .is_some_and(|s| s.last < self.base)
            {
                self.stories.remove(&r.seen.story);
                self.open.set(r.seen.story, false);
            }
        }
        // Stale bucket and index entries cost memory only; sweep them when they are many.
        if self.bands.len() > 2 * BANDS * (self.seen.len() + 1024) {
            let base = self.base;
            self.bands.retain(|_, &mut n| n >= base);
        }
        // The index is swept when it has doubled since the last sweep: amortised, and at most
        // about twice what the open stories need.
        if self.index_entries > 2 * self.swept_entries + 4096 {
            let stories = &self.stories;
            self.index.retain(|_, list| {
                list.retain(|i| stories.contains_key(i));
                !list.is_empty()
            });
            self.index_entries = self.index.values().map(Vec::len).sum();
            self.swept_entries = self.index_entries;
        }
    }

    /// The remembered article numbered `n`, if it still is.
    fn recalled(&self, n: u64) -> Option<&Seen> {
        n.checked_sub(self.base)
            .and_then(|i| self.seen.get(i as usize))
            .map(|r| &r.seen)
    }

    /// The article's TF-IDF vector, unit length, names and numbers weighted up.
    fn vector(&self, f: &Features) -> Vec<(u64, f32)> {
        let mut v: Vec<(u64, f32)> = f
            .terms
            .iter()
            .map(|&(t, w)| {
                let boost = if f.names.binary_search(&t).is_ok() {
                    NAME_BOOST
                } else {
                    1.0
                };
                (t, w * self.df.idf(t) * boost)
            })
            .collect();
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut v {
                *w /= norm;
            }
        }
        v
    }

    fn copy_of(&self, f: &Features) -> Option<(String, u32, f64)> {
        if let Some(s) = self
            .exact
            .get(&f.exact)
            .filter(|_| !f.terms.is_empty())
            .and_then(|&(first, _)| self.recalled(first))
        {
            return Some((s.id.to_string(), s.story, 1.0));
        }
        if f.minhash.is_empty() {
            return None;
        }
        let rows = MINHASH_LEN / BANDS;
        let mut best: Option<(f64, u64, &Seen)> = None;
        for b in 0..BANDS {
            let key = band_key(b, &f.minhash[b * rows..(b + 1) * rows]);
            if let Some((&n, s)) = self
                .bands
                .get(&key)
                .and_then(|n| Some((n, self.recalled(*n)?)))
            {
                let j = jaccard_estimate(&f.minhash, &s.minhash);
                if j >= NEAR_COPY && best.is_none_or(|(bj, bn, _)| j > bj || (j == bj && n < bn)) {
                    best = Some((j, n, s));
                }
            }
        }
        best.map(|(j, _, s)| (s.id.to_string(), s.story, j))
    }

    /// Remember an article for copy detection. Each LSH bucket keeps its latest article only:
    /// copies come in bursts, and the latest member of a bucket is as good a witness as the
    /// first, at a fraction of the memory. An exact hash names its first remembered article.
    fn remember(&mut self, seen: Seen, exact: u64) {
        let n = self.base + self.seen.len() as u64;
        match self.exact.get_mut(&exact) {
            Some(e) => {
                let last = e.1;
                e.1 = n;
                if let Some(r) = last
                    .checked_sub(self.base)
                    .and_then(|i| self.seen.get_mut(i as usize))
                {
                    r.next_same = Some(n);
                }
            }
            None => {
                self.exact.insert(exact, (n, n));
            }
        }
        if !seen.minhash.is_empty() {
            let rows = MINHASH_LEN / BANDS;
            for b in 0..BANDS {
                let key = band_key(b, &seen.minhash[b * rows..(b + 1) * rows]);
                self.bands.insert(key, n);
            }
        }
        if let Some(o) = self.stories.get_mut(&seen.story) {
            o.last = o.last.max(n);
        }
        self.seen.push_back(Remembered {
            seen,
            exact,
            next_same: None,
        });
    }

    /// Score of an article vector against one story.
    fn score(&self, v: &[(u64, f32)], f: &Features, s: &StoryState, norm: f32) -> f32 {
        if norm == 0.0 {
            return 0.0;
        }
        let mut dot = 0.0;
        let (mut i, mut j) = (0, 0);
        while i < v.len() && j < s.centroid.len() {
            match v[i].0.cmp(&s.centroid[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += v[i].1 * s.centroid[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let mut cos = dot / norm;

        // Publication dates far apart: a different event unless the text ties them strongly.
        if let (Some(d), Some((lo, hi))) = (f.day, s.days) {
            let gap = (lo - d).max(d - hi).max(0);
            if gap > DATE_WINDOW {
                cos *= 0.5;
            }
        }
        // Texts that name years, none of them shared: likely a like event in another year.
        if !f.years.is_empty() && !s.years.is_empty() {
            let shared = f
                .years
                .iter()
                .any(|y| s.years.iter().any(|(sy, _)| sy == y));
            if !shared {
                cos *= YEAR_PENALTY;
            }
        }
        cos
    }

    /// Assign one article (whose terms the document frequencies already count).
    pub fn add(&mut self, f: &Features) -> Assignment {
        let seen = |story: usize| Seen {
            id: f.id.as_str().into(),
            story: story as u32,
            minhash: f.minhash.clone().into_boxed_slice(),
        };
        if let Some((id, story, j)) = self.copy_of(f) {
            // The original is remembered, so its story is open.
            if let Some(o) = self.stories.get_mut(&story) {
                o.state.copies += 1;
            }
            self.remember(seen(story as usize), f.exact);
            return Assignment {
                story: story as usize,
                copy_of: Some((id, j)),
            };
        }
        let v = self.vector(f);
        // Candidates: recent stories whose centroid holds one of the article's heaviest terms,
        // ranked by the weight of those terms; only the best few are scored in full.
        let mut top: Vec<&(u64, f32)> = v.iter().collect();
        best_first(&mut top, QUERY_TERMS, |a, b| {
            b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
        });
        let mut hits = std::mem::take(&mut self.hits);
        hits.clear();
        for (t, w) in top.iter().take(QUERY_TERMS) {
            let Some(list) = self.index.get(t) else {
                continue;
            };
            // The latest open stories holding it (closed ones are skipped, swept or not).
            for &c in list
                .iter()
                .rev()
                .filter(|&&c| self.open.get(c))
                .take(POSTINGS)
            {
                *hits.entry(c).or_default() += w;
            }
        }
        let mut candidates: Vec<(f32, u32)> = hits.drain().map(|(c, w)| (w, c)).collect();
        self.hits = hits;
        best_first(&mut candidates, SCORED, |a, b| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
        });
        let mut best: Option<(f32, usize)> = None;
        for &(_, c) in &candidates {
            let Some(story) = self.stories.get(&c) else {
                continue;
            };
            let s = self.score(&v, f, &story.state, story.norm);
            if s >= JOIN as f32
                && best.is_none_or(|(bs, bi)| s > bs || (s == bs && (c as usize) < bi))
            {
                best = Some((s, c as usize));
            }
        }
        let story = match best {
            Some((_, i)) => i,
            None => {
                let i = self.story_count;
                self.story_count += 1;
                self.stories.insert(i, Open::default());
                self.open.set(i, true);
                i as usize
            }
        };
        self.absorb(story, &v, f);
        self.remember(seen(story), f.exact);
        Assignment {
            story,
            copy_of: None,
        }
    }

    fn absorb(&mut self, story: usize, v: &[(u64, f32)], f: &Features) {
        let Some(Open { state: s, norm, .. }) = self.stories.get_mut(&(story as u32)) else {
            return;
        };
        // Both are sorted by term: merge them.
        let mut c: Vec<(u64, f32)> = Vec::with_capacity(s.centroid.len() + v.len());
        let mut added: Vec<u64> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < s.centroid.len() || j < v.len() {
            let take_old = j >= v.len() || (i < s.centroid.len() && s.centroid[i].0 < v[j].0);
            let take_new = i >= s.centroid.len() || (j < v.len() && v[j].0 < s.centroid[i].0);
            if take_old {
                c.push(s.centroid[i]);
                i += 1;
            } else if take_new {
                c.push(v[j]);
                added.push(v[j].0);
                j += 1;
            } else {
                c.push((v[j].0, s.centroid[i].1 + v[j].1));
                i += 1;
                j += 1;
            }
        }
        if c.len() > CENTROID_TERMS {
            let mut ws: Vec<f32> = c.iter().map(|t| t.1).collect();
            let k = ws.len() - CENTROID_TERMS;
            ws.select_nth_unstable_by(k, |a, b| a.total_cmp(b));
            let cut = ws[k];
            // Keep the heaviest terms; ties at the cut are broken by term for determinism.
            let mut above = c.iter().filter(|t| t.1 > cut).count();
            c.retain(|t| {
                if t.1 > cut {
                    true
                } else if t.1 == cut && above < CENTROID_TERMS {
                    above += 1;
                    true
                } else {
                    false
                }
            });
        }
        *norm = norm_of(&c);
        s.centroid = c;
        s.members += 1;
        if let Some(d) = f.day {
            s.days = Some(match s.days {
                Some((lo, hi)) => (lo.min(d), hi.max(d)),
                None => (d, d),
            });
        }
        for &y in &f.years {
            match s.years.iter_mut().find(|(sy, _)| *sy == y) {
                Some(e) => e.1 += 1,
                None => s.years.push((y, 1)),
            }
        }
        s.years.sort_unstable();
        // Index the new terms that survived the cut.
        for t in added {
            if s.centroid.binary_search_by_key(&t, |c| c.0).is_ok() {
                self.index.entry(t).or_default().push(story as u32);
                self.index_entries += 1;
            }
        }
    }
}

fn band_key(band: usize, rows: &[u32]) -> u64 {
    let mut h = mix(band as u64 + 1);
    for &r in rows {
        h = mix(h ^ r as u64);
    }
    h
}

/// Cluster a whole batch at once: document frequencies from the batch, then online assignment
/// in canonical order. Returns, for each input (in input order), its story number (numbered by
/// first appearance in canonical order) and what it copies.
pub fn cluster_batch(batch: &[Features]) -> Vec<Assignment> {
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&batch[a], &batch[b]);
        (a.day.is_none(), a.day, &a.id, a.exact).cmp(&(b.day.is_none(), b.day, &b.id, b.exact))
    });
    let mut c = Clusterer::new();
    for f in batch {
        c.df.add(f);
    }
    let mut out = vec![
        Assignment {
            story: 0,
            copy_of: None
        };
        batch.len()
    ];
    for i in order {
        out[i] = c.add(&batch[i]);
    }
    out
}

/// A set of story indices as bits.
#[derive(Debug, Default)]
struct Bits(Vec<u64>);

impl Bits {
    fn set(&mut self, i: u32, on: bool) {
        let (w, b) = ((i / 64) as usize, i % 64);
        if self.0.len() <= w {
            if !on {
                return;
            }
            self.0.resize(w + 1, 0);
        }
        if on {
            self.0[w] |= 1 << b;
        } else {
            self.0[w] &= !(1 << b);
        }
    }

    fn get(&self, i: u32) -> bool {
        self.0
            .get((i / 64) as usize)
            .is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }
}

/// The first `k` items of `items` in the order `by` (a total order), the rest dropped: what
/// sorting and truncating gives, in time linear in the items plus `k log k` (an article's
/// candidate stories are hundreds; only a few are kept).
fn best_first<T>(items: &mut Vec<T>, k: usize, by: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if items.len() > k {
        if k == 0 {
            items.clear();
            return;
        }
        items.select_nth_unstable_by(k - 1, &by);
        items.truncate(k);
    }
    items.sort_by(&by);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_hold_a_set_of_indices() {
        let mut b = Bits::default();
        assert!(!b.get(0) && !b.get(1_000_000));
        b.set(3, true);
        b.set(64, true);
        b.set(200_000, true);
        b.set(500_000, false);
        assert!(b.get(3) && b.get(64) && b.get(200_000));
        assert!(!b.get(2) && !b.get(63) && !b.get(65) && !b.get(500_000));
        b.set(64, false);
        assert!(!b.get(64) && b.get(3));
    }

    #[test]
    fn best_first_is_sort_then_truncate() {
        // Scores with many ties (as term weights have), ids unique: the order is total.
        let mut x: u64 = 7;
        let all: Vec<(f32, u32)> = (0..500)
            .map(|i| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (((x >> 33) % 13) as f32 / 4.0, i)
            })
            .collect();
        let by = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        for k in [0, 1, 16, 24, 499, 500, 501] {
            let mut sorted = all.clone();
            sorted.sort_by(by);
            sorted.truncate(k);
            let mut got = all.clone();
            best_first(&mut got, k, by);
            assert_eq!(got, sorted, "k = {k}");
        }
    }

    #[test]
    fn exact_and_near_copies_join_their_original() {
        let text = "The mayor of Springfield opened a new bridge over the river on Monday, \
                    ending three years of works that cost the city 40 million dollars and \
                    closed the old crossing for months.";
        let a = features("a", "Bridge opens", text, Some("2020-05-01"));
        let b = features("b", "Bridge opens", text, Some("2020-05-01"));
        let near = text.replace("months.", "months, officials said.");
        let c = features("c", "New bridge", &near, Some("2020-05-02"));
        let out = cluster_batch(&[a, b, c]);
        assert_eq!(out[1].copy_of, Some(("a".into(), 1.0)));
        let (orig, j) = out[2].copy_of.clone().expect("near copy found");
        // a and b are one text: either is the witness.
        assert!(orig == "a" || orig == "b", "{orig}");
        assert!((NEAR_COPY..1.0).contains(&j), "{j}");
        assert_eq!(out[0].story, out[2].story);
    }

    #[test]
    fn memory_is_bounded_by_the_horizon_and_old_stories_close() {
        let mut c = Clusterer::new();
        let topic = |k: usize| {
            format!(
                "Officials in the town of Place{k} reported that flood number {k} closed the \
                 roads of district Zone{k} on Monday, and residents of Place{k} were moved."
            )
        };
        let mut fs: Vec<Features> = (0..200)
            .map(|k| features(&format!("a{k}"), "", &topic(k), Some("2020-05-01")))
            .collect();
        // Article 200 is about the same flood as article 0, and 201 an exact copy of 0.
        fs.push(features("again", "", &topic(0), Some("2020-05-02")));
        fs.push(features("copy", "", &topic(0), Some("2020-05-02")));
        for f in &fs {
            c.df.add(f);
        }
        let mut stories = Vec::new();
        for f in &fs[..200] {
            stories.push(c.add(f).story);
            c.forget(10);
            assert!(c.remembered() <= 10 && c.open_stories() <= 10);
        }
        assert_eq!(c.story_count(), 200, "every flood is its own story");
        // Article 0 and its story are forgotten: the same words open a new story, not a copy.
        let again = c.add(&fs[200]);
        assert_eq!((again.story, again.copy_of), (200, None));
        // ... while a copy of a remembered article is found.
        let copy = c.add(&fs[201]);
        assert_eq!(copy.story, 200);
        assert_eq!(copy.copy_of, Some(("again".into(), 1.0)));
        // Without forgetting, the first flood's story takes them.
        let mut all = Clusterer::new();
        for f in &fs {
            all.df.add(f);
        }
        for f in &fs[..200] {
            all.add(f);
        }
        assert_eq!(all.add(&fs[200]).story, 0);
        assert_eq!(all.add(&fs[201]).copy_of, Some(("a0".into(), 1.0)));
    }

    #[test]
    fn features_round_trip_through_bytes_and_bad_bytes_are_refused() {
        let f = features(
            "a",
            "Bridge opens",
            "The mayor of Springfield opened a bridge in 2020 that cost 40 million dollars.",
            Some("2020-05-01"),
        );
        let bytes = f.encode();
        assert_eq!(Features::decode("a", &bytes), Some(f.clone()));
        for cut in 0..bytes.len() {
            assert_eq!(Features::decode("a", &bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Features::decode("a", &longer), None);
        // A signature of another length, or terms out of order, would mislead the clusterer.
        let mut short = f.clone();
        short.minhash.truncate(10);
        assert_eq!(Features::decode("a", &short.encode()), None);
        let mut unsorted = f.clone();
        unsorted.terms.reverse();
        assert_eq!(Features::decode("a", &unsorted.encode()), None);
        // A huge count in corrupt bytes is refused before anything is allocated for it.
        let mut huge = bytes;
        huge[17..21].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(Features::decode("a", &huge), None);
    }
}
