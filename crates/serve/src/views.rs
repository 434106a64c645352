//! Views: what each page and its JSON twin show, read from the store (blocking: handlers run
//! these inside `spawn_blocking`). In: an open [`Store`] and the request's parameters. Out:
//! plain structs ([`Listing`], [`StoryView`], [`ArticleView`], [`EntityView`], [`OutletView`],
//! [`Added`]) that `pages.rs` renders as HTML and `lib.rs` as JSON.
//!
//! A story is read from its kept analysis when that covers every member and was made by this
//! pipeline with this summary length (as `show` does); a story not analysed yet is analysed
//! once through the orchestrator (`run::analyse_story`) and the result kept through the store
//! (`record_analysis`, as `analyse` does), so no page view recomputes an analysed story.
//! Entity and outlet pages read only kept analyses (of a bounded number of stories) and never
//! analyse. Never renders anything and never writes to the store except that kept analysis.

use corroborate_model::{Article, StoredAnalysis, Story, StoryStore};
use corroborate_pipeline::run::{self, Options};
use corroborate_read::{Item, Note};
use corroborate_store::{outlet_name, ArticleRow, Store, StoreError, StoryFilter, StoryListing};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::{Condvar, Mutex};

/// Stories per page of the index.
pub const PAGE_SIZE: usize = 20;
/// Stories whose kept analyses an entity or outlet page reads, at most (the newest).
pub const STORIES_READ: usize = 30;

/// The index's query: words, dates, outlet, entity, page (1-based).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct IndexQuery {
    /// Full-text search words.
    pub q: Option<String>,
    /// `YYYY-MM-DD`: stories reaching this day or later.
    pub from: Option<String>,
    /// `YYYY-MM-DD`: stories beginning this day or earlier.
    pub to: Option<String>,
    /// An outlet name.
    pub outlet: Option<String>,
    /// An entity's canonical name.
    pub entity: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
}

/// `YYYY-MM-DD` with a real month and day.
pub fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

fn given(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(200).collect())
}

impl IndexQuery {
    /// The query cleaned: empty parts dropped, dates that are not `YYYY-MM-DD` named in the
    /// second value (and left out), page at least 1.
    pub fn normalized(&self) -> (IndexQuery, Vec<String>) {
        let mut bad = Vec::new();
        let mut day = |name: &str, v: &Option<String>| {
            let v = given(v)?;
            if is_day(&v) {
                Some(v)
            } else {
                bad.push(format!(
                    "{name}: “{v}” is not a date (YYYY-MM-DD); left out"
                ));
                None
            }
        };
        let from = day("from", &self.from);
        let to = day("to", &self.to);
        let page = given(&self.page)
            .and_then(|p| p.parse::<usize>().ok())
            .filter(|&p| p >= 1)
            .unwrap_or(1)
            .min(1_000_000);
        (
            IndexQuery {
                q: given(&self.q),
                from,
                to,
                outlet: given(&self.outlet),
                entity: given(&self.entity),
                page: Some(page.to_string()),
            },
            bad,
        )
    }

    /// The page number (after [`IndexQuery::normalized`]).
    pub fn page_number(&self) -> usize {
        self.page
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    }

    /// The query string of this query at another page (parts in a fixed order).
    pub fn at_page(&self, page: usize) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("from", &self.from),
            ("to", &self.to),
            ("outlet", &self.outlet),
            ("entity", &self.entity),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k}={}", crate::pages::encode(v)));
            }
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }
}

/// A page of the story index.
#[derive(Debug)]
pub struct Listing {
    /// The query as understood.
    pub query: IndexQuery,
    /// Parts of the query that were left out, and why.
    pub notices: Vec<String>,
    /// The stories of this page.
    pub stories: Vec<StoryListing>,
    /// Whether a next page exists.
    pub more: bool,
    /// The store's generation when read.
    pub generation: u64,
}

/// Read one page of the index.
pub fn listing(store: &Store, query: &IndexQuery) -> Result<Listing, StoreError> {
    let (query, notices) = query.normalized();
    let page = query.page_number();
    let generation = store.generation()?;
    let mut stories = store.find_stories(&StoryFilter {
        q: query.q.clone(),
        from: query.from.clone(),
        to: query.to.clone(),
        outlet: query.outlet.clone(),
        entity: query.entity.clone(),
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE + 1,
    })?;
    let more = stories.len() > PAGE_SIZE;
    stories.truncate(PAGE_SIZE);
    Ok(Listing {
        query,
        notices,
        stories,
        more,
        generation,
    })
}

/// A story with its members (sentences found) and where its analysis came from.
#[derive(Debug)]
pub struct StoryView {
    /// Members, sorted by id, with sentences.
    pub articles: Vec<Article>,
    /// The analysis.
    pub story: Story,
    /// True when the analysis was made for this view (the story had none that served).
    pub analysed_now: bool,
}

impl StoryView {
    /// The article's outlet name ([`outlet_name`]).
    pub fn outlet_of(&self, id: &str) -> String {
        self.articles
            .iter()
            .find(|a| a.id == id)
            .map(|a| outlet_name(a.outlet.as_deref(), a.url.as_deref(), &a.id))
            .unwrap_or_else(|| id.to_string())
    }
}

/// Whether a kept analysis stands for the story's current members under `options`.
fn serves(a: &StoredAnalysis, articles: &[Article], options: &Options) -> bool {
    run::analysis_serves(&a.version, options, false)
        && a.members as usize == articles.len()
        && a.sentences.len() == articles.len()
        && a.story.articles.iter().eq(articles.iter().map(|x| &x.id))
}

/// Stories being analysed on demand in this process: a view of a story another request is
/// analysing waits for it (and then finds the analysis kept) instead of computing it again;
/// different stories are analysed side by side.
#[derive(Default)]
pub struct InFlight {
    ids: Mutex<HashSet<String>>,
    done: Condvar,
}

/// Removes its story from [`InFlight`] when dropped (also on a panic), waking the waiters.
struct Claim<'a> {
    flight: &'a InFlight,
    id: String,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if let Ok(mut ids) = self.flight.ids.lock() {
            ids.remove(&self.id);
        }
        self.flight.done.notify_all();
    }
}

impl InFlight {
    /// Wait while another request analyses `id`, then claim it.
    fn claim(&self, id: &str) -> Option<Claim<'_>> {
        let mut ids = self.ids.lock().ok()?;
        while ids.contains(id) {
            ids = self.done.wait(ids).ok()?;
        }
        ids.insert(id.to_string());
        Some(Claim {
            flight: self,
            id: id.to_string(),
        })
    }
}

/// How stories without a kept analysis are analysed: the options, and the stories being
/// analysed now.
pub struct Analyse<'a> {
    /// Model and summary length.
    pub options: &'a Options,
    /// Stories being analysed.
    pub gate: &'a InFlight,
}

/// The kept analysis of a story when it serves for its current members, applied to them.
fn kept(
    store: &Store,
    id: &str,
    articles: &mut [Article],
    options: &Options,
) -> Result<Option<Story>, StoreError> {
    let Some(k) = store.analysis(id)?.filter(|a| serves(a, articles, options)) else {
        return Ok(None);
    };
    for (a, s) in articles.iter_mut().zip(k.sentences) {
        a.sentences = s;
    }
    Ok(Some(k.story))
}

/// A story from its kept analysis, else analysed now and kept; `None` for an unknown id.
pub fn story(store: &mut Store, id: &str, how: &Analyse) -> Result<Option<StoryView>, StoreError> {
    let Some(mut articles) = store.story_articles(id)? else {
        return Ok(None);
    };
    if let Some(story) = kept(store, id, &mut articles, how.options)? {
        return Ok(Some(StoryView {
            articles,
            story,
            analysed_now: false,
        }));
    }
    let _claim = how.gate.claim(id);
    // Another request may have analysed it while this one waited.
    let Some(mut articles) = store.story_articles(id)? else {
        return Ok(None);
    };
    if let Some(story) = kept(store, id, &mut articles, how.options)? {
        return Ok(Some(StoryView {
            articles,
            story,
            analysed_now: false,
        }));
    }
    let members = articles.len() as u32;
    let (articles, story) = run::analyse_story(articles, Some(id), how.options);
    let analysis = StoredAnalysis {
        version: run::analysis_version(how.options),
        members,
        sentences: articles.iter().map(|a| a.sentences.clone()).collect(),
        story,
    };
    // A story grown meanwhile is not kept (the store refuses it); the view still shows it.
    let _ = store.record_analysis(id, &analysis);
    Ok(Some(StoryView {
        articles,
        story: analysis.story,
        analysed_now: true,
    }))
}

/// One article with its story.
#[derive(Debug)]
pub struct ArticleView {
    /// The stored row (article without sentences, story id, copy of).
    pub row: ArticleRow,
    /// Its story, with the article's sentences (when the story could be read).
    pub story: Option<StoryView>,
}

impl ArticleView {
    /// The article with its sentences when the story gave them.
    pub fn article(&self) -> &Article {
        self.story
            .as_ref()
            .and_then(|s| s.articles.iter().find(|a| a.id == self.row.article.id))
            .unwrap_or(&self.row.article)
    }

    /// Indices of the story's facts this article states.
    pub fn facts(&self) -> Vec<usize> {
        let id = &self.row.article.id;
        self.story
            .as_ref()
            .map(|s| {
                s.story
                    .facts
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.articles.iter().any(|a| a == id))
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// An article and its story; `None` for an unknown id.
pub fn article(
    store: &mut Store,
    id: &str,
    how: &Analyse,
) -> Result<Option<ArticleView>, StoreError> {
    let Some(row) = store.article(id)? else {
        return Ok(None);
    };
    let story = story(store, &row.story.clone(), how)?;
    Ok(Some(ArticleView { row, story }))
}

/// A quote of an entity, in one story.
#[derive(Debug, Serialize)]
pub struct EntityQuote {
    /// Public story id.
    pub story: String,
    /// The quote as the story merged it (verbatim from its first article).
    pub text: String,
    /// The quoted words only.
    pub quoted: Vec<String>,
    /// Articles that carry it.
    pub articles: Vec<String>,
}

/// A story naming an entity.
#[derive(Debug, Serialize)]
pub struct EntityStoryLine {
    /// Public story id.
    pub id: String,
    /// The story's headline (kept analysis), else empty.
    pub headline: String,
    /// Mentions of the entity there.
    pub mentions: u32,
}

/// An entity across the store.
#[derive(Debug, Serialize)]
pub struct EntityView {
    /// The canonical name.
    pub name: String,
    /// Kinds it has in the stories (usually one).
    pub kinds: Vec<String>,
    /// Other spellings the stories merged into it.
    pub aliases: Vec<String>,
    /// Stories naming it, newest first.
    pub stories: Vec<EntityStoryLine>,
    /// Its quotes in the newest [`STORIES_READ`] stories.
    pub quotes: Vec<EntityQuote>,
}

/// An entity by its canonical name (any case); `None` when no kept analysis names it.
pub fn entity(store: &Store, key: &str) -> Result<Option<EntityView>, StoreError> {
    let found = store.entity_stories(key, 200)?;
    if found.is_empty() {
        return Ok(None);
    }
    let mut name = key.to_string();
    let mut kinds = BTreeSet::new();
    let mut aliases = BTreeSet::new();
    let mut stories = Vec::new();
    let mut quotes = Vec::new();
    for (i, es) in found.iter().enumerate() {
        kinds.insert(es.kind.clone());
        let mut line = EntityStoryLine {
            id: es.story.clone(),
            headline: String::new(),
            mentions: es.mentions,
        };
        if i < STORIES_READ {
            if let Some(a) = store.analysis(&es.story)? {
                line.headline = a.story.headline.clone();
                if let Some(e) = a
                    .story
                    .entities
                    .iter()
                    .find(|e| e.name.eq_ignore_ascii_case(key))
                {
                    name = e.name.clone();
                    aliases.extend(e.aliases.iter().filter(|x| **x != e.name).cloned());
                }
                for q in &a.story.quotes {
                    if q.speaker
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(key))
                    {
                        quotes.push(EntityQuote {
                            story: es.story.clone(),
                            text: q.text.clone(),
                            quoted: corroborate_render::quoted_parts(&q.text)
                                .into_iter()
                                .map(String::from)
                                .collect(),
                            articles: q.articles.clone(),
                        });
                    }
                }
            }
        }
        stories.push(line);
    }
    Ok(Some(EntityView {
        name,
        kinds: kinds.into_iter().collect(),
        aliases: aliases.into_iter().collect(),
        stories,
        quotes,
    }))
}

/// A fact only one source states, from an outlet.
#[derive(Debug, Serialize)]
pub struct SingleSource {
    /// Public story id.
    pub story: String,
    /// Index of the fact in the story.
    pub fact: usize,
    /// The fact's words.
    pub text: String,
    /// The outlet's article that states it.
    pub article: String,
}

/// A story an outlet covers, with its articles there.
#[derive(Debug, Serialize)]
pub struct OutletStory {
    /// Public story id.
    pub id: String,
    /// Headline (kept analysis of the newest stories), else empty.
    pub headline: String,
    /// The outlet's articles in it.
    pub articles: Vec<String>,
}

/// An outlet across the store.
#[derive(Debug, Serialize)]
pub struct OutletView {
    /// The outlet name.
    pub name: String,
    /// Its articles stored.
    pub articles: usize,
    /// Stories it covers, newest first.
    pub stories: Vec<OutletStory>,
    /// Of its articles in the newest [`STORIES_READ`] stories: originals (another article
    /// copies or rewrites them), rewrites or copies of another, and neither.
    pub originals: usize,
    /// See `originals`.
    pub rewrites: usize,
    /// See `originals`.
    pub neither: usize,
    /// Its articles the clusterer found to be exact or near copies of another.
    pub near_copies: usize,
    /// Facts only one source states, stated by this outlet (newest stories first).
    pub single_source: Vec<SingleSource>,
}

/// An outlet by name ([`outlet_name`]); `None` when no article has it.
pub fn outlet(store: &Store, name: &str) -> Result<Option<OutletView>, StoreError> {
    let arts = store.outlet_articles(name, 5000)?;
    if arts.is_empty() {
        return Ok(None);
    }
    let mut by_story: Vec<OutletStory> = Vec::new();
    for a in &arts {
        match by_story.last_mut() {
            Some(s) if s.id == a.story => s.articles.push(a.article.clone()),
            _ => by_story.push(OutletStory {
                id: a.story.clone(),
                headline: String::new(),
                articles: vec![a.article.clone()],
            }),
        }
    }
    let mut view = OutletView {
        name: name.to_string(),
        articles: arts.len(),
        stories: Vec::new(),
        originals: 0,
        rewrites: 0,
        neither: 0,
        near_copies: arts.iter().filter(|a| a.copy_of.is_some()).count(),
        single_source: Vec::new(),
    };
    for (i, mut s) in by_story.into_iter().enumerate() {
        if i < STORIES_READ {
            if let Some(a) = store.analysis(&s.id)? {
                s.headline = a.story.headline.clone();
                let mine: BTreeSet<&str> = s.articles.iter().map(String::as_str).collect();
                for id in &mine {
                    let derived = a.story.derivations.iter().any(|d| d.article == *id);
                    let source = a.story.derivations.iter().any(|d| d.source == *id);
                    if derived {
                        view.rewrites += 1;
                    } else if source {
                        view.originals += 1;
                    } else {
                        view.neither += 1;
                    }
                }
                for (fi, f) in a.story.facts.iter().enumerate() {
                    if f.independent_sources == 1 && view.single_source.len() < 200 {
                        if let Some(v) = f
                            .variants
                            .iter()
                            .find(|v| mine.contains(v.article.as_str()))
                        {
                            view.single_source.push(SingleSource {
                                story: s.id.clone(),
                                fact: fi,
                                text: f.text.clone(),
                                article: v.article.clone(),
                            });
                        }
                    }
                }
            }
        }
        view.stories.push(s);
    }
    Ok(Some(view))
}

/// What an upload did.
#[derive(Debug, Default, Serialize)]
pub struct Added {
    /// Each article read: its id as stored and the story it is in (`None`: not stored).
    pub articles: Vec<(String, Option<String>)>,
    /// Inputs that could not be read: name and reason.
    pub rejected: Vec<(String, String)>,
    /// Articles that were stored already (same id, same text).
    pub already: usize,
    /// Stories analysed after the upload.
    pub analysed: usize,
    /// Notes of the reader (WARC records skipped, files left out).
    pub notes: Vec<String>,
}

/// Ingest the files in `dir` (written there from an upload) as `ingest` does: the same
/// readers and limits (`corroborate_read::read_paths`), the same orchestrator (`run::prepare`,
/// `run::Ingest`), then the touched stories analysed and kept.
pub fn add(db: &Path, dir: &Path, options: &Options) -> Result<Added, String> {
    let mut out = Added::default();
    let mut raws = Vec::new();
    let paths = vec![dir.to_string_lossy().to_string()];
    let shown = |p: &str| {
        p.strip_prefix(&paths[0])
            .map(|s| s.trim_start_matches('/').to_string())
            .unwrap_or_else(|| p.to_string())
    };
    corroborate_read::read_paths(
        &paths,
        &corroborate_read::Options::default(),
        &mut |item| match item {
            Item::Article(a) => raws.push(a),
            Item::Rejected(r) => out.rejected.push((shown(&r.path), r.reason)),
            Item::Bytes(_) => {}
        },
        &mut |note: Note| out.notes.push(shown(&note.to_string())),
    );
    if raws.is_empty() {
        return Ok(out);
    }
    for r in &mut raws {
        r.path = shown(&r.path);
    }
    let ids: Vec<(String, String)> = raws
        .iter()
        .map(|r| (r.id.clone(), run::suffixed(&r.id, &r.body)))
        .collect();
    let store = Store::open(db).map_err(|e| e.to_string())?;
    let mut ing = run::Ingest::new(store).map_err(|e| e.to_string())?;
    let report = ing
        .add(run::prepare(raws), &mut || {})
        .map_err(|e| e.to_string())?;
    out.already = report.already;
    out.analysed = ing.analyse_touched(options).map_err(|e| e.to_string())?;
    let store = ing.store();
    let mut seen = BTreeMap::new();
    for (id, renamed) in ids {
        // The same id with other text than a stored article was kept under its suffix.
        let found = match store.article(&renamed).map_err(|e| e.to_string())? {
            Some(row) => Some((renamed.clone(), row.story)),
            None => store
                .article(&id)
                .map_err(|e| e.to_string())?
                .map(|row| (id.clone(), row.story)),
        };
        match found {
            Some((id, story)) => seen.insert(id, Some(story)),
            None => seen.insert(id, None),
        };
    }
    out.articles = seen.into_iter().collect();
    Ok(out)
}
