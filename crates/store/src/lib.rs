//! Store: the embedded, transactional home of ingested articles, their stories and the
//! clustering state, in one SQLite file (WAL journal, `synchronous=FULL`). Each ingested batch is
//! one transaction: its articles, the stories they touched, the document frequencies and the
//! counters commit together or not at all, so a kill at any moment leaves the last committed
//! batch intact and the clustering state consistent with the articles stored.
//! In: raw articles in batches ([`Ingest::add_batch`]). Out: story listings and the articles of a
//! story, rebuilt for the pipeline. Never keeps article texts in memory beyond one batch; never
//! changes an article once stored (re-ingesting an id is a no-op).

use corroborate_model::{Article, RawArticle, Removed, RemovedKind, Span};
use corroborate_pipeline::cluster::{self, date_of_day, Clusterer, Features, Seen, StoryState};
use corroborate_pipeline::{clean, consolidate};
use rusqlite::{params, Connection, OptionalExtension};
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;

/// Version of the store's tables; a store written by another version is refused.
pub const SCHEMA_VERSION: i64 = 1;

/// Why the store could not do what was asked.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

type Result<T> = std::result::Result<T, StoreError>;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stories(
    idx INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    headline TEXT NOT NULL,
    first_date TEXT,
    last_date TEXT,
    articles INTEGER NOT NULL,
    copies INTEGER NOT NULL,
    independent_sources INTEGER NOT NULL,
    state BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS stories_newest ON stories(last_date DESC, idx DESC);
CREATE TABLE IF NOT EXISTS articles(
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    story INTEGER NOT NULL REFERENCES stories(idx),
    copy_of TEXT,
    copy_jaccard REAL,
    title TEXT NOT NULL,
    date TEXT,
    outlet TEXT,
    url TEXT,
    path TEXT NOT NULL,
    text TEXT NOT NULL,
    removed TEXT NOT NULL,
    exact INTEGER NOT NULL,
    minhash BLOB NOT NULL,
    about TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS articles_story ON articles(story, id);
CREATE TABLE IF NOT EXISTS df(term INTEGER PRIMARY KEY, n INTEGER NOT NULL);
";

/// What an article's `about` column holds: reader-given metadata beyond the fixed columns.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct About {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    summary_only: bool,
}

impl About {
    fn of(a: &Article) -> Self {
        About {
            authors: a.authors.clone(),
            language: a.language.clone(),
            summary_only: a.summary_only,
        }
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// One row of the story listing.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryRow {
    /// Public story id (`s-` and 12 hex digits), stable as the story grows.
    pub id: String,
    /// Headline (the founding article's title until the story is analysed by `show`).
    pub headline: String,
    /// Member article ids, sorted.
    pub articles: Vec<String>,
    /// Independent sources: members that are not copies, until `show` analyses the story and
    /// stores the count of lineages (rewrites folded in).
    pub independent_sources: u32,
    /// Earliest and latest publication date of the members.
    pub first_date: Option<String>,
    /// See `first_date`.
    pub last_date: Option<String>,
}

/// An open store.
pub struct Store {
    conn: Connection,
}

fn encode_state(s: &StoryState) -> Vec<u8> {
    let mut b = Vec::with_capacity(32 + s.centroid.len() * 12 + s.years.len() * 6);
    let (lo, hi) = s.days.unwrap_or((i64::MIN, i64::MIN));
    b.extend_from_slice(&lo.to_le_bytes());
    b.extend_from_slice(&hi.to_le_bytes());
    b.extend_from_slice(&s.members.to_le_bytes());
    b.extend_from_slice(&s.copies.to_le_bytes());
    b.extend_from_slice(&(s.centroid.len() as u32).to_le_bytes());
    for (t, w) in &s.centroid {
        b.extend_from_slice(&t.to_le_bytes());
        b.extend_from_slice(&w.to_le_bytes());
    }
    b.extend_from_slice(&(s.years.len() as u32).to_le_bytes());
    for (y, n) in &s.years {
        b.extend_from_slice(&y.to_le_bytes());
        b.extend_from_slice(&n.to_le_bytes());
    }
    b
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
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

fn decode_state(b: &[u8]) -> Option<StoryState> {
    let mut r = Reader(b);
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

fn encode_minhash(m: &[u32]) -> Vec<u8> {
    m.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn decode_minhash(b: &[u8]) -> Box<[u32]> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Paragraph spans of a cleaned text (paragraphs joined by a blank line).
fn paragraph_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices("\n\n") {
        if i > start {
            out.push(Span::new(start, i));
        }
        start = i + 2;
    }
    if start < text.len() {
        out.push(Span::new(start, text.len()));
    }
    out
}

impl Store {
    /// Open (or create) the store at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)
            .map_err(|e| StoreError(format!("{}: cannot open store: {e}", path.display())))?;
        let named = |e: rusqlite::Error| StoreError(format!("{}: {e}", path.display()));
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(named)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(named)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(named)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(named)?;
        conn.execute_batch(SCHEMA).map_err(named)?;
        // Stores made before articles kept authors, language and the summary-only mark lack
        // the `about` column: add it (an additive change, same schema version).
        let has_about: bool = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('articles') WHERE name = 'about'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(named)?
            > 0;
        if !has_about {
            conn.execute_batch("ALTER TABLE articles ADD COLUMN about TEXT NOT NULL DEFAULT '{}'")
                .map_err(named)?;
        }
        let version: Option<i64> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(named)?;
        match version {
            None => {
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema_version', ?1)",
                    [SCHEMA_VERSION],
                )
                .map_err(named)?;
            }
            Some(v) if v != SCHEMA_VERSION => {
                return Err(StoreError(format!(
                    "{}: store schema version {v}, this corroborate reads {SCHEMA_VERSION}",
                    path.display()
                )))
            }
            Some(_) => {}
        }
        Ok(Store { conn })
    }

    /// Number of articles stored.
    pub fn article_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// Whether an article id is stored.
    pub fn has_article(&self, id: &str) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM articles WHERE id = ?1")?;
        Ok(st.exists([id])?)
    }

    /// Check the file's integrity (SQLite's own check); `Ok(())` when sound.
    pub fn check(&self) -> Result<()> {
        let r: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if r == "ok" {
            Ok(())
        } else {
            Err(StoreError(format!("integrity check failed: {r}")))
        }
    }

    /// Load the clustering state saved with the articles.
    fn load_clusterer(&self) -> Result<Clusterer> {
        let mut c = Clusterer::new();
        c.df.docs = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'docs'", [], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .unwrap_or(0) as u64;
        let mut st = self.conn.prepare("SELECT term, n FROM df")?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (t, n) = row?;
            c.df.df.insert(t, n as u32);
        }
        let mut st = self
            .conn
            .prepare("SELECT idx, state FROM stories ORDER BY idx")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        for row in rows {
            let (idx, state) = row?;
            if idx as usize != c.stories.len() {
                return Err(StoreError(format!("story index {idx} out of sequence")));
            }
            let state = decode_state(&state)
                .ok_or_else(|| StoreError(format!("story {idx}: bad state")))?;
            c.restore_story(state);
        }
        let mut st = self
            .conn
            .prepare("SELECT id, story, exact, minhash FROM articles ORDER BY seq")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })?;
        for row in rows {
            let (id, story, exact, minhash) = row?;
            c.restore_seen(
                Seen {
                    id: id.into(),
                    story: story as u32,
                    minhash: decode_minhash(&minhash),
                },
                exact as u64,
            );
        }
        Ok(c)
    }

    /// Stories, newest (latest member date) first, undated last (SQLite sorts NULL last in
    /// descending order, so the `stories_newest` index serves the query); at most `limit`
    /// (0: all).
    pub fn stories(&self, limit: usize) -> Result<Vec<StoryRow>> {
        let limit = if limit == 0 { -1 } else { limit as i64 };
        let mut st = self.conn.prepare(
            "SELECT idx, id, headline, independent_sources, first_date, last_date FROM stories \
             ORDER BY last_date DESC, idx DESC LIMIT ?1",
        )?;
        let rows = st.query_map([limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                StoryRow {
                    id: r.get(1)?,
                    headline: r.get(2)?,
                    articles: vec![],
                    independent_sources: r.get::<_, i64>(3)? as u32,
                    first_date: r.get(4)?,
                    last_date: r.get(5)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        let mut members = self
            .conn
            .prepare_cached("SELECT id FROM articles WHERE story = ?1 ORDER BY id")?;
        for row in rows {
            let (idx, mut s) = row?;
            s.articles = members
                .query_map([idx], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            out.push(s);
        }
        Ok(out)
    }

    /// The articles of one story (sorted by id), rebuilt as cleaned articles without
    /// sentences; `None` when no story has that id.
    pub fn story_articles(&self, story_id: &str) -> Result<Option<Vec<Article>>> {
        let idx: Option<i64> = self
            .conn
            .query_row("SELECT idx FROM stories WHERE id = ?1", [story_id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(idx) = idx else { return Ok(None) };
        let mut st = self.conn.prepare_cached(
            "SELECT id, title, date, outlet, url, text, removed, about FROM articles \
             WHERE story = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([idx], |r| {
            let text: String = r.get(5)?;
            let removed: String = r.get(6)?;
            let removed: Vec<(String, String)> = serde_json::from_str(&removed).unwrap_or_default();
            let about: String = r.get(7)?;
            let about: About = serde_json::from_str(&about).unwrap_or_default();
            Ok(Article {
                authors: about.authors,
                language: about.language,
                summary_only: about.summary_only,
                id: r.get(0)?,
                title: r.get(1)?,
                date: r.get(2)?,
                outlet: r.get(3)?,
                url: r.get(4)?,
                paragraphs: paragraph_spans(&text),
                text,
                sentences: vec![],
                removed: removed
                    .into_iter()
                    .filter_map(|(k, text)| {
                        RemovedKind::from_name(&k).map(|kind| Removed { kind, text })
                    })
                    .collect(),
            })
        })?;
        Ok(Some(rows.collect::<std::result::Result<_, _>>()?))
    }

    /// Record what a full analysis of a story found: its headline and independent sources.
    pub fn record_analysis(
        &self,
        story_id: &str,
        headline: &str,
        independent_sources: u32,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE stories SET headline = ?2, independent_sources = ?3 WHERE id = ?1",
            params![story_id, headline, independent_sources],
        )?;
        Ok(())
    }
}

/// What one batch did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchReport {
    /// Articles stored.
    pub stored: usize,
    /// Articles skipped because their id was stored already (or came twice in the batch).
    pub already: usize,
    /// Stored articles that were exact or near copies of an earlier one.
    pub copies: usize,
    /// Stories opened.
    pub new_stories: usize,
}

/// A batch cleaned and featurized, ready to commit.
pub struct Prepared {
    paths: Vec<String>,
    articles: Vec<Article>,
    feats: Vec<Features>,
    repeated: usize,
}

/// An ingest session: the store and the clustering state loaded from it.
pub struct Ingest {
    store: Store,
    clusterer: Clusterer,
}

impl Ingest {
    /// Start ingesting into `store` (loads its clustering state).
    pub fn new(store: Store) -> Result<Ingest> {
        let clusterer = store.load_clusterer()?;
        Ok(Ingest { store, clusterer })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stories known so far.
    pub fn story_count(&self) -> usize {
        self.clusterer.stories.len()
    }

    /// Clean, cluster and store one batch in one transaction: [`Ingest::prepare`] then
    /// [`Ingest::commit`].
    pub fn add_batch(&mut self, raws: Vec<RawArticle>) -> Result<BatchReport> {
        self.commit(Ingest::prepare(raws))
    }

    /// The part of a batch that needs no store: cleaning and features (on every core). Pure,
    /// so a caller may prepare the next batch on another thread while one commits.
    pub fn prepare(mut raws: Vec<RawArticle>) -> Prepared {
        raws.sort_by(|a, b| a.id.cmp(&b.id).then(a.body.cmp(&b.body)));
        let before = raws.len();
        raws.dedup_by(|a, b| a.id == b.id);
        let repeated = before - raws.len();
        let mut articles = clean::clean(&raws);
        for a in &mut articles {
            if a.title.is_empty() {
                // As digest does: an untitled article is headed by its first sentence.
                a.title = corroborate_pipeline::segment::segment(a)
                    .first()
                    .map(|s| a.slice(s.span).to_string())
                    .unwrap_or_default();
            }
        }
        let feats = features_parallel(&articles);
        Prepared {
            paths: raws.into_iter().map(|r| r.path).collect(),
            articles,
            feats,
            repeated,
        }
    }

    /// Cluster and store a prepared batch in one transaction. Articles already stored are
    /// skipped; the rest are assigned in the batch's canonical order (date, then id), so a
    /// batch's stories do not depend on the order of its input. On error nothing of the batch
    /// is stored and the in-memory state is reloaded from the store.
    pub fn commit(&mut self, p: Prepared) -> Result<BatchReport> {
        let mut report = BatchReport {
            already: p.repeated,
            ..BatchReport::default()
        };
        let mut keep = Vec::with_capacity(p.articles.len());
        for (i, a) in p.articles.iter().enumerate() {
            if self.store.has_article(&a.id)? {
                report.already += 1;
            } else {
                keep.push(i);
            }
        }
        if keep.is_empty() {
            return Ok(report);
        }
        for &i in &keep {
            self.clusterer.df.add(&p.feats[i]);
        }
        keep.sort_by(|&a, &b| {
            let (a, b) = (&p.feats[a], &p.feats[b]);
            (a.day.is_none(), a.day, &a.id).cmp(&(b.day.is_none(), b.day, &b.id))
        });
        let stories_before = self.clusterer.stories.len();
        let mut assigned = Vec::with_capacity(keep.len());
        for &i in &keep {
            assigned.push((i, self.clusterer.add(&p.feats[i])));
        }
        report.new_stories = self.clusterer.stories.len() - stories_before;
        match self.write(&p, &assigned, &mut report) {
            Ok(()) => Ok(report),
            Err(e) => {
                self.clusterer = self.store.load_clusterer()?;
                Err(e)
            }
        }
    }

    fn write(
        &mut self,
        p: &Prepared,
        assigned: &[(usize, cluster::Assignment)],
        report: &mut BatchReport,
    ) -> Result<()> {
        let (articles, feats) = (&p.articles, &p.feats);
        let tx = self.store.conn.transaction()?;
        let mut touched: FxHashSet<usize> = FxHashSet::default();
        let mut founders: FxHashMap<usize, usize> = FxHashMap::default();
        {
            let exists = |idx: usize| -> Result<bool> {
                Ok(tx
                    .prepare_cached("SELECT 1 FROM stories WHERE idx = ?1")?
                    .exists([idx as i64])?)
            };
            for (i, a) in assigned {
                if touched.insert(a.story) && !exists(a.story)? {
                    founders.insert(a.story, *i);
                }
            }
            // Stories first (articles reference them).
            let mut ins_story = tx.prepare_cached(
                "INSERT INTO stories(idx, id, headline, first_date, last_date, articles, copies, \
                 independent_sources, state) VALUES (?1, ?2, ?3, NULL, NULL, 0, 0, 0, x'')",
            )?;
            let mut new: Vec<_> = founders.iter().collect();
            new.sort();
            for (&story, &i) in new {
                let id = consolidate::story_id(&[articles[i].id.as_str()]);
                ins_story.execute(params![story as i64, id, articles[i].title])?;
            }
            let mut ins = tx.prepare_cached(
                "INSERT INTO articles(id, story, copy_of, copy_jaccard, title, date, outlet, url, \
                 path, text, removed, exact, minhash, about) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            for (i, a) in assigned {
                let art = &articles[*i];
                let f = &feats[*i];
                if a.copy_of.is_some() {
                    report.copies += 1;
                }
                let removed: Vec<(&str, &str)> = art
                    .removed
                    .iter()
                    .map(|r| (r.kind.as_str(), r.text.as_str()))
                    .collect();
                ins.execute(params![
                    art.id,
                    a.story as i64,
                    a.copy_of.as_ref().map(|c| c.0.as_str()),
                    a.copy_of.as_ref().map(|c| c.1),
                    art.title,
                    art.date,
                    art.outlet,
                    art.url,
                    p.paths.get(*i).map(String::as_str).unwrap_or(""),
                    art.text,
                    serde_json::to_string(&removed).unwrap_or_else(|_| "[]".into()),
                    f.exact as i64,
                    encode_minhash(&f.minhash),
                    About::of(art).to_json(),
                ])?;
                report.stored += 1;
            }
            let mut upd = tx.prepare_cached(
                "UPDATE stories SET first_date = ?2, last_date = ?3, articles = ?4, copies = ?5, \
                 independent_sources = max(independent_sources, ?6), state = ?7 WHERE idx = ?1",
            )?;
            let mut touched: Vec<usize> = touched.into_iter().collect();
            touched.sort_unstable();
            for story in touched {
                let s = &self.clusterer.stories[story];
                let (first, last) = match s.days {
                    Some((lo, hi)) => (Some(date_of_day(lo)), Some(date_of_day(hi))),
                    None => (None, None),
                };
                upd.execute(params![
                    story as i64,
                    first,
                    last,
                    (s.members + s.copies) as i64,
                    s.copies as i64,
                    s.members as i64,
                    encode_state(s),
                ])?;
            }
            let mut batch_df: FxHashMap<u64, u32> = FxHashMap::default();
            for (i, _) in assigned {
                for (t, _) in &feats[*i].terms {
                    *batch_df.entry(*t).or_default() += 1;
                }
            }
            let mut terms: Vec<(u64, u32)> = batch_df.into_iter().collect();
            terms.sort_unstable();
            let mut df = tx.prepare_cached(
                "INSERT INTO df(term, n) VALUES (?1, ?2) \
                 ON CONFLICT(term) DO UPDATE SET n = n + excluded.n",
            )?;
            for (t, n) in terms {
                df.execute(params![t as i64, n as i64])?;
            }
            tx.execute(
                "INSERT INTO meta(key, value) VALUES ('docs', ?1) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [self.clusterer.df.docs as i64],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Features of a batch on every core (the order of the output matches the input).
fn features_parallel(articles: &[Article]) -> Vec<Features> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let one = |a: &Article| cluster::features(&a.id, &a.title, &a.text, a.date.as_deref());
    if threads < 2 || articles.len() < 64 {
        return articles.iter().map(one).collect();
    }
    let chunk = articles.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = articles
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(id: &str, date: &str, text: &str) -> RawArticle {
        RawArticle {
            id: id.into(),
            path: format!("{id}.txt"),
            title: Some(text.split('.').next().unwrap_or("").into()),
            date: Some(date.into()),
            body: text.into(),
            ..RawArticle::default()
        }
    }

    const QUAKE: &str = "A magnitude 6.1 earthquake struck off the coast of Chile near Valparaiso on Monday. \
        Three people were killed when buildings collapsed in the port. Rescue teams from Santiago searched the rubble.";
    const QUAKE2: &str = "Chile earthquake of magnitude 6.1 kills three in Valparaiso. Buildings collapsed in \
        the port city of Valparaiso on Monday and rescue teams from Santiago searched for survivors.";
    const VOTE: &str = "Voters in Norway went to the polls on Sunday in a parliamentary election dominated by \
        oil policy. The Labour party led the final opinion polls in Oslo ahead of the Conservatives.";

    #[test]
    fn days_round_trip() {
        for d in ["1970-01-01", "2000-02-29", "2025-02-27", "1999-12-31"] {
            assert_eq!(date_of_day(cluster::day_number(d).unwrap()), d);
        }
    }

    #[test]
    fn state_round_trips() {
        let s = StoryState {
            centroid: vec![(1, 0.5), (u64::MAX, 2.0)],
            members: 3,
            copies: 1,
            days: Some((10, 12)),
            years: vec![(2020, 2)],
        };
        let back = decode_state(&encode_state(&s)).unwrap();
        assert_eq!(back.centroid, s.centroid);
        assert_eq!(
            (back.members, back.copies, back.days),
            (3, 1, Some((10, 12)))
        );
        assert_eq!(back.years, s.years);
        assert!(decode_state(&encode_state(&s)[..20]).is_none());
    }

    #[test]
    fn stories_grow_across_sessions_and_reingest_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        let r = ing
            .add_batch(vec![
                raw("q1", "2020-03-02", QUAKE),
                raw("v1", "2020-03-01", VOTE),
            ])
            .unwrap();
        assert_eq!((r.stored, r.new_stories), (2, 2));
        drop(ing);
        // A new session restores the state and grows the quake story.
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        let r = ing
            .add_batch(vec![
                raw("q2", "2020-03-03", QUAKE2),
                raw("q1", "2020-03-02", QUAKE),
            ])
            .unwrap();
        assert_eq!((r.stored, r.already, r.new_stories), (1, 1, 0));
        let rows = ing.store().stories(0).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].articles, ["q1", "q2"]);
        assert_eq!(rows[0].first_date.as_deref(), Some("2020-03-02"));
        assert_eq!(rows[0].last_date.as_deref(), Some("2020-03-03"));
        assert_eq!(rows[1].articles, ["v1"]);
        let arts = ing.store().story_articles(&rows[0].id).unwrap().unwrap();
        assert_eq!(arts[1].text, QUAKE2);
        assert!(ing.store().story_articles("s-nope").unwrap().is_none());
    }

    #[test]
    fn authors_language_and_the_summary_mark_are_kept_and_old_stores_gain_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        // A store made before the `about` column existed, holding one article.
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        ing.add_batch(vec![raw("v1", "2020-03-01", VOTE)]).unwrap();
        drop(ing);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("ALTER TABLE articles DROP COLUMN about")
                .unwrap();
        }
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        let mut q = raw("q1", "2020-03-02", QUAKE);
        q.authors = vec!["Ana Silva".into(), "Tom Roe".into()];
        q.language = Some("en".into());
        q.summary_only = true;
        ing.add_batch(vec![q]).unwrap();
        let rows = ing.store().stories(0).unwrap();
        let quake = rows.iter().find(|r| r.articles == ["q1"]).unwrap();
        let a = &ing.store().story_articles(&quake.id).unwrap().unwrap()[0];
        assert_eq!(a.authors, ["Ana Silva", "Tom Roe"]);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert!(a.summary_only);
        // The article stored before the migration is still there, with empty metadata.
        let vote = rows.iter().find(|r| r.articles == ["v1"]).unwrap();
        let v = &ing.store().story_articles(&vote.id).unwrap().unwrap()[0];
        assert_eq!(v.text, VOTE);
        assert!(v.authors.is_empty() && !v.summary_only);
    }
}
