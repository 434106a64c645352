//! Run: the only orchestrator, the one caller of the stages. Its named stages:
//! - [`digest`]: a batch of raw articles to stories in memory (clean -> segment -> mentions,
//!   quotes, numbers per article -> cluster -> consolidate), with timings;
//! - [`prepare`] (clean, title, clustering features) and [`assign`] (story assignment) for
//!   ingest, driven against any [`StoryStore`] by [`Ingest`], which also keeps each touched
//!   story's analysis in the store;
//! - [`analyse_story`]: one story's facts, quotes and summary from its articles.
//!
//! Invariant: the output does not depend on the order of the input (articles are sorted by
//! id first; duplicate ids with different content get a content-hash suffix). Stages never
//! call each other; this module does no IO of its own (a store is reached only through the
//! [`StoryStore`] it is given).

use crate::cluster::{self, Clusterer, Features};
use crate::{clean, consolidate, entities, numbers, quotes, segment};
use corroborate_model::{
    Article, ArticleAnalysis, BatchWrite, Embedder, RawArticle, Rejection, StoredAnalysis,
    StoredArticle, Story, StoryRecord, StoryStore,
};
use std::collections::{BTreeSet, HashMap};
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

/// Sentences of one article that are analysed at most: output and time grow with sentences,
/// so a pathological article (a million one-word lines) costs what this many do. Far above
/// any real article (a 5 MB article of prose has about 35,000; news articles under 200).
pub const MAX_SENTENCES: usize = 10_000;

/// Split an article into sentences, keeping the first [`MAX_SENTENCES`] and counting the rest
/// in `sentences_cut` (reported, never silent).
pub fn segment_capped(a: &mut Article) {
    let mut sentences = segment::segment(a);
    a.sentences_cut = sentences.len().saturating_sub(MAX_SENTENCES);
    sentences.truncate(MAX_SENTENCES);
    a.sentences = sentences;
}

/// The hash a store keeps of an article's body as read (hex).
pub fn body_hash(body: &str) -> String {
    blake3::hash(body.as_bytes()).to_hex().to_string()
}

/// Whether `store` holds each `(id, body_hash)` already with that body, asked in one
/// [`StoryStore::same_contents`]. On a store error none counts as held: the write that follows
/// checks again and reports it.
pub fn held_already<S: StoryStore>(store: &S, items: &[(&str, &str)]) -> Vec<bool> {
    let asked: Vec<(&str, &str, Option<&str>)> =
        items.iter().map(|&(id, hash)| (id, hash, None)).collect();
    match store.same_contents(&asked) {
        Ok(same) if same.len() == items.len() => {
            same.into_iter().map(|s| s == Some(true)).collect()
        }
        _ => vec![false; items.len()],
    }
}

/// The articles of `batch` that `store` does not hold already with the same id and body, in
/// order, and how many it held ([`held_already`]).
pub fn unstored<S: StoryStore>(store: &S, batch: Vec<RawArticle>) -> (Vec<RawArticle>, usize) {
    let hashes: Vec<String> = batch.iter().map(|a| body_hash(&a.body)).collect();
    let asked: Vec<(&str, &str)> = batch
        .iter()
        .zip(&hashes)
        .map(|(a, h)| (a.id.as_str(), h.as_str()))
        .collect();
    let held = held_already(store, &asked);
    drop(asked);
    let before = batch.len();
    let kept: Vec<RawArticle> = batch
        .into_iter()
        .zip(held)
        .filter(|(_, held)| !held)
        .map(|(a, _)| a)
        .collect();
    let held = before - kept.len();
    (kept, held)
}

/// An id with the content-hash suffix that tells two articles of one id apart.
pub fn suffixed(id: &str, body: &str) -> String {
    suffixed_by_hash(id, &body_hash(body))
}

/// [`suffixed`] from the body's [`body_hash`].
fn suffixed_by_hash(id: &str, hash: &str) -> String {
    format!("{id}~{}", hash.get(..8).unwrap_or(hash))
}

/// True when a title is a web address (or its tokenised remains), which never heads a story.
pub fn looks_like_url(title: &str) -> bool {
    let t = title.trim().to_ascii_lowercase();
    let squeezed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.starts_with("http:/")
        || squeezed.starts_with("https:/")
        || squeezed.starts_with("www.")
        || (!t.contains(' ') && t.contains('/') && t.contains('.'))
}

/// Head an article whose input gave no title (or a web address) with its first sentence that
/// is not a web address. Needs the article's sentences.
pub fn entitle(a: &mut Article) {
    if !a.title.is_empty() && !looks_like_url(&a.title) {
        return;
    }
    a.title = a
        .sentences
        .iter()
        .map(|s| a.slice(s.span))
        .find(|s| !looks_like_url(s))
        .unwrap_or("")
        .to_string();
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

/// Split a batch (sorted by id) into stories by the articles' clustering features (same
/// order): indices into `articles`, each group in id order; the largest story first, then by
/// earliest date, then by first id.
pub fn group(articles: &[Article], features: &[Features]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, a) in cluster::cluster_batch(features).into_iter().enumerate() {
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
    raws: Vec<RawArticle>,
    mut rejected: Vec<Rejection>,
    options: &Options,
) -> Digest {
    let mut timings = Vec::new();
    let t = Instant::now();
    rejected.sort_by(|a, b| a.path.cmp(&b.path).then(a.reason.cmp(&b.reason)));
    // The same ids, cleaning, titles and features as ingest's `prepare`.
    let Prepared {
        mut articles,
        features,
        ..
    } = prepare(raws);
    timings.push(("prepare", t.elapsed()));
    let t = Instant::now();
    for a in &mut articles {
        segment_capped(a);
    }
    timings.push(("segment", t.elapsed()));
    let t = Instant::now();
    let analyses: Vec<ArticleAnalysis> = articles.iter().map(analyse).collect();
    timings.push(("extract", t.elapsed()));
    let t = Instant::now();
    let groups = if options.single_story {
        vec![(0..articles.len()).collect()]
    } else {
        group(&articles, &features)
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

/// Which pipeline made a stored analysis: a store recomputes when this changes.
pub const ANALYSIS_VERSION: &str = concat!("corroborate-", env!("CARGO_PKG_VERSION"), "/1");

/// The version a stored analysis made with `options` carries: the pipeline, the model and the
/// summary length, since each changes the result.
pub fn analysis_version(options: &Options) -> String {
    format!(
        "{ANALYSIS_VERSION} model={} words={}",
        options.embedder.as_ref().map_or("none", |e| e.name()),
        options.summary_words
    )
}

/// Whether an analysis of `version` can stand for one made with `options`: same pipeline and
/// summary length, and the same model when `model_matters`.
pub fn analysis_serves(version: &str, options: &Options, model_matters: bool) -> bool {
    if model_matters {
        return version == analysis_version(options);
    }
    version.starts_with(ANALYSIS_VERSION)
        && version.ends_with(&format!(" words={}", options.summary_words))
}

/// A model loader: called only when a model is needed.
pub type LoadModel<'a> = dyn Fn() -> Result<Option<Arc<dyn Embedder>>, String> + 'a;

/// A stored story as `show` presents it: its kept analysis when that covers exactly its
/// current members and serves `options` ([`analysis_serves`]; the model counts only when
/// `model_given`), else the story analysed afresh (nothing is written). `load` is called for
/// the model only when `model_given` or a fresh analysis needs it (`options.embedder` is set
/// from it). `None` for an unknown story; errors name the story.
pub fn kept_or_fresh<S: StoryStore>(
    store: &S,
    id: &str,
    options: &mut Options,
    model_given: bool,
    load: &LoadModel,
) -> Result<Option<(Vec<Article>, Story)>, String> {
    let Some(mut articles) = store
        .story_articles(id)
        .map_err(|e| format!("story {id}: {e}"))?
    else {
        return Ok(None);
    };
    if model_given {
        options.embedder = load()?;
    }
    let kept = store
        .analysis(id)
        .map_err(|e| format!("story {id}: {e}"))?
        .filter(|a| {
            analysis_serves(&a.version, options, model_given)
                && a.members as usize == articles.len()
                && a.sentences.len() == articles.len()
                && a.story.articles.iter().eq(articles.iter().map(|x| &x.id))
        });
    Ok(Some(match kept {
        Some(k) => {
            for (a, s) in articles.iter_mut().zip(k.sentences) {
                a.sentences = s;
            }
            (articles, k.story)
        }
        None => {
            if !model_given {
                options.embedder = load()?;
            }
            analyse_story(articles, Some(id), options)
        }
    }))
}

/// One story's full analysis from its member articles (cleaned; sentences are found here):
/// per-article mentions, quotes and numbers, then facts, quotes and summary. The story keeps
/// the id given (a store's story id), else its content-derived one. Returns the articles with
/// their sentences, sorted by id, and the story.
pub fn analyse_story(
    mut articles: Vec<Article>,
    id: Option<&str>,
    options: &Options,
) -> (Vec<Article>, Story) {
    articles.sort_by(|a, b| a.id.cmp(&b.id));
    for a in &mut articles {
        segment_capped(a);
    }
    let analyses: Vec<ArticleAnalysis> = articles.iter().map(analyse).collect();
    let mut story = consolidate::consolidate(
        &articles,
        &analyses,
        options.summary_words,
        options.embedder.as_deref(),
    );
    if let Some(id) = id {
        story.id = id.to_string();
    }
    (articles, story)
}

/// A batch cleaned, titled and featurized: what ingest needs before it touches a store.
#[derive(Debug, Default)]
pub struct Prepared {
    articles: Vec<Article>,
    hashes: Vec<String>,
    paths: Vec<String>,
    features: Vec<Features>,
    repeats: usize,
}

impl Prepared {
    /// Articles in the batch (after exact repeats were dropped).
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// True when the batch holds no article.
    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// The batch's article ids (unique, sorted).
    pub fn ids(&self) -> Vec<&str> {
        self.articles.iter().map(|a| a.id.as_str()).collect()
    }

    /// The prepared article of an id.
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }
}

/// One article prepared on its own, needing nothing of its batch: cleaned (all but the
/// batch's repeated boilerplate), titled, featurized. What a map over partitions on a
/// cluster produces ([`prepare_article`]); [`finish`] makes a batch of them a [`Prepared`].
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedArticle {
    /// The cleaned article (no sentences).
    pub article: Article,
    /// Where it was read from.
    pub path: String,
    /// [`body_hash`] of its body as read.
    pub body_hash: String,
    /// The title its input gave, when the article was titled from its text instead
    /// ([`entitle`]); a batch that strips a paragraph titles it again.
    pub given_title: Option<String>,
    /// Its clustering features.
    pub features: Features,
}

/// Ingest's per-article stage, needing no store and no other article: clean, title (from
/// the first sentence when the input gave none, or a web address), featurize.
pub fn prepare_article(raw: &RawArticle) -> PreparedArticle {
    let mut article = clean::clean_one(raw);
    let given_title = title_from_text(&mut article);
    let features = featurize(&article);
    PreparedArticle {
        article,
        path: raw.path.clone(),
        body_hash: body_hash(&raw.body),
        given_title,
        features,
    }
}

/// Title an article from its text when its title is missing or a web address; returns the
/// title it had then.
fn title_from_text(a: &mut Article) -> Option<String> {
    if !a.title.is_empty() && !looks_like_url(&a.title) {
        return None;
    }
    let given = a.title.clone();
    segment_capped(a);
    entitle(a);
    a.sentences.clear();
    Some(given)
}

fn featurize(a: &Article) -> Features {
    cluster::features(&a.id, &a.title, &a.text, a.date.as_deref())
}

/// [`prepare_article`] over a batch on every core (the output keeps the input's order).
pub fn prepare_articles(raws: &[RawArticle]) -> Vec<PreparedArticle> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || raws.len() < 64 {
        return raws.iter().map(prepare_article).collect();
    }
    let chunk = raws.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = raws
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(prepare_article).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Ingest's (and [`digest`]'s) batch stage over articles prepared one by one (here or on a
/// cluster): ids made unique (the same id with the same body kept once, with other bodies
/// each under its content-hash suffix, `id~1a2b3c4d`), the boilerplate that recurs across the batch's
/// articles of one outlet removed ([`clean::strip_repeated`]), and the articles it changed
/// titled and featurized again. The result does not depend on the order of `items`, and
/// `finish(prepare_articles(raws))` is exactly [`prepare`]`(raws)`.
pub fn finish(mut items: Vec<PreparedArticle>) -> Prepared {
    items.sort_by(|a, b| {
        (&a.article.id, &a.body_hash, &a.path).cmp(&(&b.article.id, &b.body_hash, &b.path))
    });
    let before = items.len();
    items.dedup_by(|a, b| a.article.id == b.article.id && a.body_hash == b.body_hash);
    let repeats = before - items.len();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for it in &items {
        *seen.entry(it.article.id.clone()).or_default() += 1;
    }
    for it in &mut items {
        if seen[&it.article.id] > 1 {
            let id = suffixed_by_hash(&it.article.id, &it.body_hash);
            it.features.id.clone_from(&id);
            it.article.id = id;
        }
    }
    items.sort_by(|a, b| (&a.article.id, &a.path).cmp(&(&b.article.id, &b.path)));
    items.dedup_by(|a, b| a.article.id == b.article.id);
    let mut articles: Vec<Article> = Vec::with_capacity(items.len());
    let mut given = Vec::with_capacity(items.len());
    let mut p = Prepared {
        repeats,
        ..Prepared::default()
    };
    for it in items {
        articles.push(it.article);
        given.push(it.given_title);
        p.hashes.push(it.body_hash);
        p.paths.push(it.path);
        p.features.push(it.features);
    }
    for i in clean::strip_repeated(&mut articles) {
        let a = &mut articles[i];
        if let Some(title) = given[i].take() {
            a.title = title;
            title_from_text(a);
        }
        p.features[i] = featurize(a);
    }
    p.articles = articles;
    p
}

/// Ingest's first stage, needing no store: [`prepare_articles`], then [`finish`]. Pure, so a
/// caller may prepare the next batch while one is assigned.
pub fn prepare(raws: Vec<RawArticle>) -> Prepared {
    finish(prepare_articles(&raws))
}

/// What one ingested batch did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchReport {
    /// Articles stored.
    pub stored: usize,
    /// Articles skipped because the same id with the same text is stored (or came twice).
    pub already: usize,
    /// Articles stored under a content-hash suffix because their id was stored with other text.
    pub renamed: usize,
    /// Stored articles that were exact or near copies of an earlier one.
    pub copies: usize,
    /// Stories opened.
    pub new_stories: usize,
}

/// Ingest's second stage: assign the batch's articles at `keep` (indices into `p`) to stories
/// in canonical order (date, then id, so a batch's stories do not depend on input order),
/// updating `clusterer`, and say what to write.
pub fn assign(clusterer: &mut Clusterer, p: &Prepared, keep: &[usize]) -> (BatchWrite, usize) {
    for &i in keep {
        clusterer.df.add(&p.features[i]);
    }
    let mut order = keep.to_vec();
    order.sort_by(|&a, &b| {
        let (a, b) = (&p.features[a], &p.features[b]);
        (a.day.is_none(), a.day, &a.id).cmp(&(b.day.is_none(), b.day, &b.id))
    });
    let before = clusterer.story_count();
    let mut write = BatchWrite::default();
    let mut founders: HashMap<usize, usize> = HashMap::new();
    let mut touched = BTreeSet::new();
    for &i in &order {
        let f = &p.features[i];
        let a = clusterer.add(f);
        if a.story >= before {
            founders.entry(a.story).or_insert(i);
        }
        touched.insert(a.story);
        write.articles.push(StoredArticle {
            article: p.articles[i].clone(),
            path: p.paths[i].clone(),
            story: a.story as u32,
            copy_of: a.copy_of,
            exact: f.exact,
            signature: cluster::encode_signature(&f.minhash),
            body_hash: p.hashes[i].clone(),
        });
    }
    for story in touched {
        // Every story the batch touched is open: stories close only between batches.
        let Some(s) = clusterer.story(story) else {
            continue;
        };
        let (first_date, last_date) = match s.days {
            Some((lo, hi)) => (
                Some(cluster::date_of_day(lo)),
                Some(cluster::date_of_day(hi)),
            ),
            None => (None, None),
        };
        let (id, founder_title) = match founders.get(&story) {
            Some(&i) => (
                consolidate::story_id(&[p.articles[i].id.as_str()]),
                p.articles[i].title.clone(),
            ),
            // A story stored already keeps its id and founder: the store ignores these.
            None => (String::new(), String::new()),
        };
        write.stories.push(StoryRecord {
            idx: story as u32,
            id,
            founder_title,
            first_date,
            last_date,
            articles: s.members + s.copies,
            copies: s.copies,
            state: s.encode(),
        });
    }
    let mut df: HashMap<u64, u32> = HashMap::new();
    for &i in keep {
        for (t, _) in &p.features[i].terms {
            *df.entry(*t).or_default() += 1;
        }
    }
    write.df = df.into_iter().collect();
    write.df.sort_unstable();
    write.docs = clusterer.df.docs;
    (write, clusterer.story_count() - before)
}

/// Why an ingest step failed.
#[derive(Debug, thiserror::Error)]
pub enum IngestError<E: std::error::Error + 'static> {
    /// The store failed; nothing of the batch is kept.
    #[error(transparent)]
    Store(#[from] E),
    /// The store's clustering state was not written by this pipeline.
    #[error("the store's clustering state is not one this corroborate reads")]
    State,
    /// The store's stories were assigned with another horizon: assigning with this one would
    /// make its stories depend on which process wrote them.
    #[error(
        "the store's stories are assigned remembering the latest {stored} articles (its \
         horizon); a horizon of {asked} would give other stories: ingest with a horizon of \
         {stored} (`--horizon {stored}`) or without one"
    )]
    Horizon {
        /// The horizon the store recorded.
        stored: u64,
        /// The horizon asked for.
        asked: u64,
    },
}

/// The horizon a store's stories are assigned with: the one its first batch recorded; for a
/// store written before horizons were recorded, the default every ingest used then
/// ([`cluster::HORIZON`]); `None` for a store nothing was written to.
fn stored_horizon<S: StoryStore>(store: &S) -> Result<Option<u64>, S::Error> {
    Ok(match store.horizon()? {
        Some(h) => Some(h),
        None if store.generation()? > 0 => Some(cluster::HORIZON),
        None => None,
    })
}

/// [`IngestError::Horizon`] when the store's stories are assigned with another horizon than
/// `asked`.
fn same_horizon<S: StoryStore>(store: &S, asked: u64) -> Result<(), IngestError<S::Error>> {
    match stored_horizon(store)? {
        Some(stored) if stored != asked => Err(IngestError::Horizon { stored, asked }),
        _ => Ok(()),
    }
}

/// Ingest into a store: batches are prepared ([`prepare`]), then each is assigned and written
/// in one transaction on the store's current state: when another process committed since this
/// one last looked, the state is reloaded first, so two ingests into one store serialise and
/// never mix their stories. The stories a batch touched are analysed by
/// [`Ingest::analyse_touched`] and their analyses kept in the store.
pub struct Ingest<S: StoryStore> {
    store: S,
    clusterer: Clusterer,
    generation: u64,
    touched: BTreeSet<u32>,
    horizon: u64,
}

impl<S: StoryStore> Ingest<S> {
    /// Start ingesting into `store` (loads its clustering state: the latest articles and
    /// their stories) with the horizon the store recorded, else [`cluster::HORIZON`].
    pub fn new(store: S) -> Result<Self, IngestError<S::Error>> {
        let horizon = stored_horizon(&store)?.unwrap_or(cluster::HORIZON);
        Self::with_horizon(store, horizon)
    }

    /// [`Ingest::new`] remembering the latest `horizon` articles (at least one): a smaller
    /// horizon closes stories sooner and holds less in memory. The first batch written records
    /// it in the store, and every later ingest must use the same one
    /// ([`IngestError::Horizon`] otherwise), so a store's stories never depend on which
    /// process wrote them.
    pub fn with_horizon(store: S, horizon: u64) -> Result<Self, IngestError<S::Error>> {
        let horizon = horizon.max(1);
        same_horizon(&store, horizon)?;
        let snap = store.snapshot(horizon)?;
        let clusterer = Clusterer::from_snapshot(&snap).ok_or(IngestError::State)?;
        Ok(Ingest {
            store,
            clusterer,
            generation: snap.generation,
            touched: BTreeSet::new(),
            horizon,
        })
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Stories known when this process last wrote or loaded.
    pub fn story_count(&self) -> usize {
        self.clusterer.story_count()
    }

    /// Stories touched by batches not yet analysed.
    pub fn pending(&self) -> usize {
        self.touched.len()
    }

    /// Assign and store one prepared batch in one transaction. `waiting` is called when
    /// another writer holds the store. On error nothing of the batch is stored.
    pub fn add(
        &mut self,
        mut p: Prepared,
        waiting: &mut dyn FnMut(),
    ) -> Result<BatchReport, IngestError<S::Error>> {
        let generation = self.store.begin_write(waiting)?;
        match self.add_locked(&mut p, generation) {
            Ok(r) => Ok(r),
            Err(e) => {
                self.store.abort_write();
                // Whatever the clusterer took in is undone by reloading at the next batch.
                self.generation = u64::MAX;
                Err(e)
            }
        }
    }

    fn add_locked(
        &mut self,
        p: &mut Prepared,
        generation: u64,
    ) -> Result<BatchReport, IngestError<S::Error>> {
        // Checked under the write lock, batch by batch: another process may have written the
        // store's first batch since this one opened it (one row read).
        same_horizon(&self.store, self.horizon)?;
        if generation != self.generation {
            let snap = self.store.snapshot(self.horizon)?;
            self.clusterer = Clusterer::from_snapshot(&snap).ok_or(IngestError::State)?;
        }
        let mut report = BatchReport {
            already: p.repeats,
            ..BatchReport::default()
        };
        let mut keep = Vec::with_capacity(p.len());
        let mut ids: BTreeSet<String> = BTreeSet::new();
        // Every id as given, asked at once; an id renamed below is asked on its own.
        let asked: Vec<(&str, &str, Option<&str>)> = (0..p.len())
            .map(|i| {
                let a = &p.articles[i];
                (a.id.as_str(), p.hashes[i].as_str(), Some(a.text.as_str()))
            })
            .collect();
        let mut first = self.store.same_contents(&asked)?.into_iter();
        drop(asked);
        for i in 0..p.len() {
            let mut renamed = false;
            let given = first.next().flatten();
            loop {
                let id = p.articles[i].id.clone();
                let hash = p.hashes[i].clone();
                let text = Some(p.articles[i].text.as_str());
                let same = if renamed {
                    self.store.same_content(&id, &hash, text)?
                } else {
                    given
                };
                match same {
                    None if ids.insert(id.clone()) => {
                        keep.push(i);
                        report.renamed += usize::from(renamed);
                    }
                    Some(true) => report.already += 1,
                    // Same id, other text (stored, or given the same suffix in this batch):
                    // keep both, this one under its content hash.
                    _ if !renamed => {
                        let new = suffixed_by_hash(&id, &p.hashes[i]);
                        p.articles[i].id = new.clone();
                        p.features[i].id = new;
                        renamed = true;
                        continue;
                    }
                    _ => report.already += 1,
                }
                break;
            }
        }
        if keep.is_empty() {
            self.store.abort_write();
            self.generation = generation;
            return Ok(report);
        }
        let (mut write, new_stories) = assign(&mut self.clusterer, p, &keep);
        write.horizon = self.horizon;
        report.stored = write.articles.len();
        report.copies = write
            .articles
            .iter()
            .filter(|a| a.copy_of.is_some())
            .count();
        report.new_stories = new_stories;
        self.store.write_batch(&write)?;
        self.generation = generation + 1;
        // What a snapshot of the store would hold now: the latest `horizon` articles.
        self.clusterer.forget(self.horizon);
        for r in &write.stories {
            self.touched.insert(r.idx);
        }
        Ok(report)
    }

    /// Analyse every story the batches since the last call touched and keep each analysis
    /// ([`analyse_stories`]). Returns how many were analysed.
    pub fn analyse_touched(&mut self, options: &Options) -> Result<usize, IngestError<S::Error>> {
        let touched: Vec<u32> = std::mem::take(&mut self.touched).into_iter().collect();
        analyse_stories(&mut self.store, &touched, options)
    }
}

/// Analyse every stored story whose kept analysis is missing, of another version, or does not
/// cover all its members (whoever stored them); needs no clustering state. Returns how many
/// were analysed.
pub fn analyse_unanalysed<S: StoryStore>(
    store: &mut S,
    options: &Options,
) -> Result<usize, IngestError<S::Error>> {
    let pending = store.unanalysed(&analysis_version(options))?;
    analyse_stories(store, &pending, options)
}

/// Analyse the stories at `indices` and keep each analysis in the store (a story another
/// process grew meanwhile is left for its writer, which analyses it after its own batch).
/// Stories are analysed on every core, a group at a time so memory holds one group's
/// articles. Returns how many were analysed.
pub fn analyse_stories<S: StoryStore>(
    store: &mut S,
    indices: &[u32],
    options: &Options,
) -> Result<usize, IngestError<S::Error>> {
    /// Stories read, analysed and written per round.
    const GROUP: usize = 32;
    let version = analysis_version(options);
    let mut n = 0;
    for group in indices.chunks(GROUP) {
        let mut work = Vec::with_capacity(group.len());
        for &idx in group {
            let Some(id) = store.story_id(idx)? else {
                continue;
            };
            if let Some(articles) = store.story_articles(&id)? {
                work.push((id, articles));
            }
        }
        for (id, members, articles, story) in parallel_stories(work, options) {
            let analysis = StoredAnalysis {
                version: version.clone(),
                members,
                sentences: articles.iter().map(|a| a.sentences.clone()).collect(),
                story,
            };
            store.record_analysis(&id, &analysis)?;
            n += 1;
        }
    }
    Ok(n)
}

/// A story to analyse: its id and members.
type StoryWork = (String, Vec<Article>);
/// An analysed story: id, member count, members with sentences, the story.
type StoryDone = (String, u32, Vec<Article>, Story);

/// Analyse stories on every core; the output keeps the input order.
fn parallel_stories(work: Vec<StoryWork>, options: &Options) -> Vec<StoryDone> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(work.len().max(1));
    let slots: Vec<std::sync::Mutex<Option<StoryWork>>> = work
        .into_iter()
        .map(|w| std::sync::Mutex::new(Some(w)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<StoryDone>>> = (0..slots.len())
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(slot) = slots.get(i) else { break };
                let Some((id, articles)) = slot.lock().ok().and_then(|mut s| s.take()) else {
                    continue;
                };
                let members = articles.len() as u32;
                let (articles, story) = analyse_story(articles, Some(&id), options);
                if let Ok(mut r) = results[i].lock() {
                    *r = Some((id, members, articles, story));
                }
            });
        }
    });
    results
        .into_iter()
        .filter_map(|r| r.into_inner().ok().flatten())
        .collect()
}

/// The longest sentence `similar` judges: far beyond any real sentence, small enough that one
/// pair costs milliseconds and a few MB (a 50 MB "sentence" took 25 s and 2.5 GB).
pub const MAX_SENTENCE_BYTES: usize = 64 << 10;

/// The same-fact decision on pairs of sentences, as the aligner makes it (for `similar`):
/// one `(probability, same)` per pair, in order.
pub fn judge_pairs(
    pairs: &[(String, String)],
    embedder: Option<&dyn Embedder>,
) -> Vec<(f64, bool)> {
    crate::similarity::judge_pairs(pairs, embedder)
}
