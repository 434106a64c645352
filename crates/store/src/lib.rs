//! Store: the transactional home of ingested articles, their stories, the clustering state and
//! each story's kept analysis, in one SQLite file (WAL journal, `synchronous=FULL`,
//! `sqlite.rs`) or in a PostgreSQL database shared by several machines (`postgres.rs`).
//! [`Store`] is the one type callers see: [`Store::open`] picks the backend from the location
//! (`postgres://` or `postgresql://` URLs go to PostgreSQL, anything else is a file path) and
//! every method means the same on both. Implements [`StoryStore`], the interface the
//! pipeline's orchestrator drives; it knows nothing of the pipeline (clustering records are
//! opaque bytes to it).
//!
//! ```no_run
//! use corroborate_store::Store;
//! let store = Store::open("corroborate.db".as_ref()).unwrap();
//! let shared = Store::open("postgres://news@db.example/corroborate".as_ref()).unwrap();
//! assert_eq!(store.story_count().unwrap(), shared.story_count().unwrap());
//! ```
//!
//! Many processes may share one store: readers never block; a writer takes the write lock
//! (`BEGIN IMMEDIATE` on SQLite, a transaction-scoped advisory lock on PostgreSQL) before it
//! reads the state it assigns on, so two ingests serialise batch by batch and each sees what
//! the other committed (the `generation` counter tells it to reload).
//! Each batch is one transaction: its articles, the stories it touched, the document
//! frequencies and the counters commit together or not at all, so a kill at any moment leaves
//! the last committed batch intact.
//! Never writes to a file or database that is not a corroborate store (it is refused
//! untouched); never changes an article once stored; never keeps article texts in memory
//! beyond one batch; never prints a location's password (see [`location_display`]).

mod postgres;
mod sqlite;
pub mod testing;

use corroborate_model::{
    Article, BatchWrite, Removed, RemovedKind, Snapshot, Span, StoredAnalysis, StoryRow, StoryStore,
};
use std::path::{Path, PathBuf};

/// Version of the store's tables; a store written by another version is refused.
pub const SCHEMA_VERSION: i64 = 1;

/// Why the store could not do what was asked; each names the store's location (a file, or a
/// PostgreSQL URL with its password replaced by `***`).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("{path}: {source}")]
    Sqlite {
        /// The store file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// PostgreSQL failed (could not connect, or a statement failed). The message carries what
    /// the client said and why (the server's own message, or the connection's error), since
    /// the client's error alone says only "db error" or "error connecting to server".
    #[error("{location}: {}", with_causes(error))]
    Postgres {
        /// The database URL, without its password.
        location: String,
        /// What the PostgreSQL client said.
        error: ::postgres::Error,
    },
    /// The location cannot hold a store: an empty path, or SQLite's `:memory:` (a store that
    /// would vanish when the process ends).
    #[error("{0:?}: not a store location ({1})")]
    Location(PathBuf, &'static str),
    /// The file or database exists but is not a corroborate store; it was not changed.
    #[error("{0}: not a corroborate store (left untouched)")]
    Foreign(PathBuf),
    /// A reading command found no store at the location (no such file, or an empty
    /// PostgreSQL database).
    #[error("{0}: no store here (run `corroborate ingest` first)")]
    Empty(PathBuf),
    /// The store was written by another version of corroborate.
    #[error("{path}: store schema version {found}, this corroborate reads {SCHEMA_VERSION}")]
    Version {
        /// The store's location (without a password).
        path: PathBuf,
        /// The version found.
        found: i64,
    },
    /// The store's own invariants do not hold.
    #[error("{path}: {what}")]
    Inconsistent {
        /// The store's location (without a password).
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
}

type Result<T> = std::result::Result<T, StoreError>;

/// An error's message followed by those of its causes, each after ": ".
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// The store's invariants that both backends check in SQL, each a query counting the rows
/// that break it and what those rows are.
const INVARIANTS: &[(&str, &str)] = &[
    (
        "SELECT count(*) FROM articles WHERE story NOT IN (SELECT idx FROM stories)",
        "articles in no story",
    ),
    (
        "SELECT count(*) FROM stories s WHERE s.articles != \
         (SELECT count(*) FROM articles a WHERE a.story = s.idx) \
         OR s.copies != (SELECT count(*) FROM articles a WHERE a.story = s.idx \
         AND a.copy_of IS NOT NULL)",
        "stories whose counts differ from their members",
    ),
    (
        "SELECT count(*) FROM stories WHERE articles = 0",
        "stories without articles",
    ),
    (
        "SELECT count(*) FROM df WHERE n < 1 OR n > \
         coalesce((SELECT value FROM meta WHERE key = 'docs'), 0)",
        "document frequencies out of range",
    ),
    (
        "SELECT count(*) FROM story_entities WHERE story NOT IN (SELECT idx FROM stories)",
        "entity rows of no story",
    ),
];

/// Check the invariants every store keeps, with `one` running a query that returns one
/// integer: stories numbered 0, 1, 2, ... without gaps, the document count equal to the
/// articles stored, and none of [`INVARIANTS`] broken. The first broken one is the error.
pub(crate) fn check_invariants(
    mut one: impl FnMut(&'static str) -> Result<i64>,
    bad: impl Fn(String) -> StoreError,
) -> Result<()> {
    let stories = one("SELECT count(*) FROM stories")?;
    if stories > 0 && one("SELECT max(idx) FROM stories")? != stories - 1 {
        return Err(bad("story indices have gaps".into()));
    }
    let articles = one("SELECT count(*) FROM articles")?;
    let docs = one("SELECT coalesce((SELECT value FROM meta WHERE key = 'docs'), 0)")?;
    if docs != articles {
        return Err(bad(format!(
            "document frequencies count {docs} articles, the store holds {articles}"
        )));
    }
    for (sql, what) in INVARIANTS {
        let n = one(sql)?;
        if n > 0 {
            return Err(bad(format!("{n} {what}")));
        }
    }
    Ok(())
}

/// True when `location` names a PostgreSQL database (a `postgres://` or `postgresql://` URL)
/// rather than a file.
pub fn is_postgres(location: &Path) -> bool {
    location.to_str().is_some_and(|s| {
        let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
        lower.starts_with("postgres://") || lower.starts_with("postgresql://")
    })
}

/// A store location fit to print: a file path as it is, a PostgreSQL URL with its password
/// (in the user part or as a `password=` parameter) replaced by `***`, as in
/// `postgres://news:***@db.example/corroborate`.
pub fn location_display(location: &Path) -> String {
    let shown = location.display().to_string();
    if !is_postgres(location) {
        return shown;
    }
    redact_url(&shown)
}

/// A libpq URL without its password. The user part ends at the last `@` before the query (a
/// password may hold `/` or `@` even where it should have been percent-encoded).
fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let (scheme, rest) = url.split_at(scheme_end);
    let query_at = rest.find('?').unwrap_or(rest.len());
    let (before_query, query) = rest.split_at(query_at);
    let before_query = match before_query.rfind('@') {
        Some(at) => {
            let (user, host) = before_query.split_at(at);
            match user.find(':') {
                Some(colon) => format!("{}:***{host}", &user[..colon]),
                None => before_query.to_string(),
            }
        }
        None => before_query.to_string(),
    };
    let query = match query.strip_prefix('?') {
        Some(q) => {
            let params: Vec<String> = q
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => p.to_string(),
                })
                .collect();
            format!("?{}", params.join("&"))
        }
        None => String::new(),
    };
    format!("{scheme}{before_query}{query}")
}

/// The name an article's outlet goes by: the outlet the input gave, else the host of its
/// http(s) URL (without `www.`), else the article id. The web app shows and filters by it;
/// the same function is the SQL function `outlet_name(outlet, url, id)` on every connection.
pub fn outlet_name(outlet: Option<&str>, url: Option<&str>, id: &str) -> String {
    if let Some(o) = outlet.map(str::trim).filter(|o| !o.is_empty()) {
        return o.to_string();
    }
    url.and_then(url_host).unwrap_or_else(|| id.to_string())
}

/// The host of an http(s) URL, lower-cased, without `www.`, user or port.
pub fn url_host(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host.rfind(':') {
        Some(i) if !host.ends_with(']') => &host[..i],
        _ => host,
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

/// A full-text query as FTS5 syntax: every word of the user's text as a quoted term, all
/// required (FTS5's own operators are not exposed, so no input is a syntax error). `None`
/// when the text has no word.
pub fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\""))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// What the story listing of the web app asks for: every part optional, all must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoryFilter {
    /// Words that some member article must contain (full-text search, stemmed).
    pub q: Option<String>,
    /// Stories whose dates reach this day or later (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Stories whose dates begin this day or earlier (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Stories with a member of this outlet ([`outlet_name`]).
    pub outlet: Option<String>,
    /// Stories whose kept analysis names this entity (its canonical name, any case).
    pub entity: Option<String>,
    /// Stories skipped (paging).
    pub offset: usize,
    /// At most this many stories.
    pub limit: usize,
}

/// A story in the web app's listing: its row and the outlets of its members.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryListing {
    /// The listing row (as `stories` gives it).
    pub row: StoryRow,
    /// Outlet names of the members ([`outlet_name`]), sorted, each once.
    pub outlets: Vec<String>,
    /// With a full-text search: the first member (by id) that matches, and a snippet of it.
    pub hit: Option<SearchHit>,
}

/// Where a story matched a full-text search.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    /// The matching article's id.
    pub article: String,
    /// About 16 words of its text around the match, each matched word between
    /// [`HIT_START`] and [`HIT_END`] (private-use characters, for the caller to mark up).
    pub snippet: String,
}

/// Opens a matched word in [`SearchHit::snippet`] (U+E000).
pub const HIT_START: char = '\u{E000}';
/// Closes a matched word in [`SearchHit::snippet`] (U+E001).
pub const HIT_END: char = '\u{E001}';

/// What a story's kept analysis covers: members, analysed members, analysis version.
pub type StoryStamp = (u32, Option<u32>, Option<String>);

/// One stored article with where it sits.
#[derive(Clone, Debug)]
pub struct ArticleRow {
    /// The article (cleaned text, metadata, removed parts; no sentences).
    pub article: Article,
    /// The public id of its story.
    pub story: String,
    /// The article it is an exact or near copy of (clustering), with the estimated Jaccard.
    pub copy_of: Option<(String, f64)>,
    /// The input path it was read from.
    pub path: String,
}

/// A stored story that names an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityStory {
    /// Public story id.
    pub story: String,
    /// The entity's kind there (`person`, `organisation`, `place`, `other`).
    pub kind: String,
    /// Mentions in that story.
    pub mentions: u32,
}

/// An article of an outlet: ids of the article and its story, and the article it copies.
#[derive(Clone, Debug, PartialEq)]
pub struct OutletArticle {
    /// Article id.
    pub article: String,
    /// Public story id.
    pub story: String,
    /// The article it is an exact or near copy of, when it is one.
    pub copy_of: Option<String>,
    /// Publication date.
    pub date: Option<String>,
}

/// What an article's `about` column holds: reader-given metadata beyond the fixed columns.
#[derive(serde::Serialize, serde::Deserialize, Default)]
pub(crate) struct About {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    summary_only: bool,
}

impl About {
    pub(crate) fn of(a: &Article) -> Self {
        About {
            authors: a.authors.clone(),
            language: a.language.clone(),
            summary_only: a.summary_only,
        }
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
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

/// An article as the store returns it, from its columns: removed parts as JSON pairs and the
/// `about` metadata as JSON (both as `sqlite.rs` and `postgres.rs` store them).
#[allow(clippy::too_many_arguments)]
pub(crate) fn stored_article(
    id: String,
    title: String,
    date: Option<String>,
    outlet: Option<String>,
    url: Option<String>,
    text: String,
    removed: &str,
    about: &str,
) -> Article {
    let removed: Vec<(String, String)> = serde_json::from_str(removed).unwrap_or_default();
    let about: About = serde_json::from_str(about).unwrap_or_default();
    Article {
        authors: about.authors,
        language: about.language,
        summary_only: about.summary_only,
        sentences_cut: 0,
        id,
        title,
        date,
        outlet,
        url,
        paragraphs: paragraph_spans(&text),
        text,
        sentences: vec![],
        removed: removed
            .into_iter()
            .filter_map(|(k, text)| RemovedKind::from_name(&k).map(|kind| Removed { kind, text }))
            .collect(),
    }
}

/// The removed parts of an article as the store keeps them (JSON pairs of kind and text).
pub(crate) fn removed_json(a: &Article) -> String {
    let removed: Vec<(&str, &str)> = a
        .removed
        .iter()
        .map(|r| (r.kind.as_str(), r.text.as_str()))
        .collect();
    serde_json::to_string(&removed).unwrap_or_else(|_| "[]".into())
}

/// The backend behind a [`Store`].
enum Backend {
    Sqlite(sqlite::SqliteStore),
    /// Boxed: a PostgreSQL client is several times the size of a SQLite connection.
    Postgres(Box<postgres::PgStore>),
}

/// An open store, on SQLite or PostgreSQL.
pub struct Store {
    backend: Backend,
}

/// Calls the same method on whichever backend the store has.
macro_rules! dispatch {
    ($self:expr, $s:ident => $call:expr) => {
        match &$self.backend {
            Backend::Sqlite($s) => $call,
            Backend::Postgres($s) => $call,
        }
    };
    (mut $self:expr, $s:ident => $call:expr) => {
        match &mut $self.backend {
            Backend::Sqlite($s) => $call,
            Backend::Postgres($s) => $call,
        }
    };
}

impl Store {
    /// Open the store at `location`, creating it when nothing is there: a file path (a new
    /// or empty file), or a PostgreSQL URL (`postgres://user@host/db`,
    /// `postgresql:///db?host=/run/postgresql` for a unix socket) naming an existing database
    /// that is empty or a corroborate store. A file or database that is not a corroborate
    /// store is refused and left untouched.
    pub fn open(location: &Path) -> Result<Store> {
        let backend = if is_postgres(location) {
            Backend::Postgres(Box::new(postgres::PgStore::open(location, true)?))
        } else {
            Backend::Sqlite(sqlite::SqliteStore::open(location)?)
        };
        Ok(Store { backend })
    }

    /// Open an existing store for reading only: never creates or changes a file or database.
    pub fn open_existing(location: &Path) -> Result<Store> {
        let backend = if is_postgres(location) {
            Backend::Postgres(Box::new(postgres::PgStore::open(location, false)?))
        } else {
            Backend::Sqlite(sqlite::SqliteStore::open_existing(location)?)
        };
        Ok(Store { backend })
    }

    /// True when the store is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Number of articles stored.
    pub fn article_count(&self) -> Result<u64> {
        dispatch!(self, s => s.article_count())
    }

    /// Number of stories stored.
    pub fn story_count(&self) -> Result<u64> {
        dispatch!(self, s => s.story_count())
    }

    /// Whether an article id is stored.
    pub fn has_article(&self, id: &str) -> Result<bool> {
        dispatch!(self, s => s.has_article(id))
    }

    /// Check the store (on SQLite, SQLite's own check and the full-text index too) and its
    /// invariants: stories numbered 0, 1, 2, ... without gaps, every article in a story that
    /// exists, each story's counts equal to its members, no empty story, the document count
    /// equal to the articles stored and no term counted in more documents than that. `Ok(())`
    /// when all hold.
    pub fn check(&self) -> Result<()> {
        dispatch!(self, s => s.check())
    }

    /// Stories, newest (latest member date) first, undated last; at most `limit` (0: all).
    /// Headline and independent sources come from the kept analysis when it covers every
    /// member; until then, the founding article's title and the members that are not copies,
    /// with `analysed` empty.
    pub fn stories(&self, limit: usize) -> Result<Vec<StoryRow>> {
        dispatch!(self, s => s.stories(limit))
    }

    /// Stories matching `filter`, newest first as [`Store::stories`] lists them, with the
    /// outlets of their members: at most `filter.limit` after skipping `filter.offset`. The
    /// words are looked up in the full-text index (a story matches when one member contains
    /// them all); the date range keeps stories whose dates overlap it; the outlet and entity
    /// must be those of a member and of the kept analysis.
    pub fn find_stories(&self, filter: &StoryFilter) -> Result<Vec<StoryListing>> {
        dispatch!(self, s => s.find_stories(filter))
    }

    /// What a story listing depends on beyond its query, cheaply (two counters): the
    /// generation (grows with every batch) and the analyses kept (grows with every
    /// `record_analysis` of this version). A listing made from the store stays right while
    /// this stays the same.
    pub fn listing_stamp(&self) -> Result<(u64, u64)> {
        dispatch!(self, s => s.listing_stamp())
    }

    /// What a story's kept analysis covers, cheaply: `(members, analysed members, analysis
    /// version)`, or `None` for an unknown id. A page built from the analysis stays right while
    /// this stays the same.
    pub fn story_stamp(&self, id: &str) -> Result<Option<StoryStamp>> {
        dispatch!(self, s => s.story_stamp(id))
    }

    /// One stored article with its story, or `None` for an unknown id.
    pub fn article(&self, id: &str) -> Result<Option<ArticleRow>> {
        dispatch!(self, s => s.article(id))
    }

    /// Stories whose kept analysis names the entity `name` (any case), newest first: at
    /// most `limit` (0: all).
    pub fn entity_stories(&self, name: &str, limit: usize) -> Result<Vec<EntityStory>> {
        dispatch!(self, s => s.entity_stories(name, limit))
    }

    /// Articles whose [`outlet_name`] is `name`, newest story first: at most `limit` (0: all).
    pub fn outlet_articles(&self, name: &str, limit: usize) -> Result<Vec<OutletArticle>> {
        dispatch!(self, s => s.outlet_articles(name, limit))
    }
}

impl StoryStore for Store {
    type Error = StoreError;

    fn generation(&self) -> Result<u64> {
        dispatch!(self, s => s.generation())
    }

    fn horizon(&self) -> Result<Option<u64>> {
        dispatch!(self, s => s.horizon())
    }

    fn begin_write(&mut self, waiting: &mut dyn FnMut()) -> Result<u64> {
        dispatch!(mut self, s => s.begin_write(waiting))
    }

    fn write_batch(&mut self, batch: &BatchWrite) -> Result<()> {
        dispatch!(mut self, s => s.write_batch(batch))
    }

    fn abort_write(&mut self) {
        dispatch!(mut self, s => s.abort_write())
    }

    fn snapshot(&self, recent: u64) -> Result<Snapshot> {
        dispatch!(self, s => s.snapshot(recent))
    }

    fn same_content(&self, id: &str, body_hash: &str, text: Option<&str>) -> Result<Option<bool>> {
        dispatch!(self, s => s.same_content(id, body_hash, text))
    }

    fn same_contents(&self, items: &[(&str, &str, Option<&str>)]) -> Result<Vec<Option<bool>>> {
        dispatch!(self, s => s.same_contents(items))
    }

    fn story_id(&self, idx: u32) -> Result<Option<String>> {
        dispatch!(self, s => s.story_id(idx))
    }

    fn story_articles(&self, story_id: &str) -> Result<Option<Vec<Article>>> {
        dispatch!(self, s => s.story_articles(story_id))
    }

    fn record_analysis(&mut self, story_id: &str, a: &StoredAnalysis) -> Result<bool> {
        dispatch!(mut self, s => s.record_analysis(story_id, a))
    }

    fn unanalysed(&self, version: &str) -> Result<Vec<u32>> {
        dispatch!(self, s => s.unanalysed(version))
    }

    fn analysis(&self, story_id: &str) -> Result<Option<StoredAnalysis>> {
        dispatch!(self, s => s.analysis(story_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use corroborate_model::RawArticle;
    use corroborate_pipeline::cluster::StoryState;
    use corroborate_pipeline::run::{prepare, Ingest};

    fn add(
        ing: &mut Ingest<Store>,
        raws: Vec<RawArticle>,
    ) -> corroborate_pipeline::run::BatchReport {
        ing.add(prepare(raws), &mut || {}).unwrap()
    }

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
    fn state_round_trips() {
        let s = StoryState {
            centroid: vec![(1, 0.5), (u64::MAX, 2.0)],
            members: 3,
            copies: 1,
            days: Some((10, 12)),
            years: vec![(2020, 2)],
        };
        let back = StoryState::decode(&s.encode()).unwrap();
        assert_eq!(back.centroid, s.centroid);
        assert_eq!(
            (back.members, back.copies, back.days),
            (3, 1, Some((10, 12)))
        );
        assert_eq!(back.years, s.years);
        assert!(StoryState::decode(&s.encode()[..20]).is_none());
    }

    #[test]
    fn stories_grow_across_sessions_and_reingest_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        let r = add(
            &mut ing,
            vec![
                raw("q1", "2020-03-02", QUAKE),
                raw("v1", "2020-03-01", VOTE),
            ],
        );
        assert_eq!((r.stored, r.new_stories), (2, 2));
        drop(ing);
        // A new session restores the state and grows the quake story.
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        let r = add(
            &mut ing,
            vec![
                raw("q2", "2020-03-03", QUAKE2),
                raw("q1", "2020-03-02", QUAKE),
            ],
        );
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
    fn asking_many_ids_at_once_answers_as_asking_each() {
        on_both(|path| {
            let mut ing = Ingest::new(Store::open(path).unwrap()).unwrap();
            add(
                &mut ing,
                vec![
                    raw("q1", "2020-03-02", QUAKE),
                    raw("v1", "2020-03-01", VOTE),
                ],
            );
            // An article stored before body hashes were kept is compared by its text.
            behind(path, "UPDATE articles SET body_hash = NULL WHERE id = 'v1'");
            let store = ing.store();
            let vote = store.article("v1").unwrap().unwrap().article.text;
            let quake = corroborate_pipeline::run::body_hash(QUAKE);
            let asked: Vec<(&str, &str, Option<&str>)> = vec![
                ("q1", &quake, None),
                ("q1", "other", Some(QUAKE)),
                ("nope", &quake, None),
                ("v1", "any", Some(&vote)),
                ("v1", "any", None),
                ("v1", "any", Some("other text")),
                ("a\0b", &quake, None),
                ("q1", &quake, None),
            ];
            let each: Vec<Option<bool>> = asked
                .iter()
                .map(|&(id, h, t)| store.same_content(id, h, t).unwrap())
                .collect();
            assert_eq!(
                each,
                [
                    Some(true),
                    Some(false),
                    None,
                    Some(true),
                    Some(false),
                    Some(false),
                    None,
                    Some(true)
                ],
                "{}",
                location_display(path)
            );
            assert_eq!(store.same_contents(&asked).unwrap(), each);
            assert!(store.same_contents(&[]).unwrap().is_empty());
        });
    }

    fn find(store: &Store, f: StoryFilter) -> Vec<Vec<String>> {
        store
            .find_stories(&f)
            .unwrap()
            .into_iter()
            .map(|l| l.row.articles)
            .collect()
    }

    /// A search for words.
    fn words(q: &str) -> StoryFilter {
        StoryFilter {
            q: Some(q.into()),
            ..StoryFilter::default()
        }
    }

    /// A search for "rescue" finds q1's story with q1 as its hit, the word highlighted.
    fn rescue_hits_q1(store: &Store) {
        let hit = store.find_stories(&words("rescue")).unwrap()[0]
            .hit
            .clone()
            .unwrap();
        assert_eq!(hit.article, "q1");
        assert!(
            hit.snippet.contains("\u{E000}Rescue\u{E001}"),
            "{}",
            hit.snippet
        );
    }

    #[test]
    fn postgres_indexes_the_words_it_searches_and_reads_stores_that_stored_them() {
        let Some(url) = testing::fresh_database() else {
            return;
        };
        let mut ing = Ingest::new(Store::open(&url).unwrap()).unwrap();
        add(
            &mut ing,
            vec![
                raw("q1", "2020-03-02", QUAKE),
                raw("v1", "2020-03-01", VOTE),
            ],
        );
        drop(ing);
        let q = words;
        let searched = |store: &Store| {
            let found = find(store, q("valparaiso RESCUE"));
            assert!(
                found.len() == 1 && found[0].contains(&"q1".to_string()),
                "{found:?}"
            );
            rescue_hits_q1(store);
            assert!(find(store, q("valparaiso oslo")).is_empty());
        };
        searched(&Store::open_existing(&url).unwrap());
        // No tsvector is stored...
        let column = "SELECT count(*) FROM pg_catalog.pg_attribute \
            WHERE attrelid = 'articles'::regclass AND attname = 'words' AND NOT attisdropped";
        assert_eq!(
            testing::execute(&url, column).unwrap()[0][0].as_deref(),
            Some("0")
        );
        // ... and the search's expression is the index's: with sequential scans off the
        // planner takes the index, which it could not for any other expression.
        let plan = testing::execute(
            &url,
            &format!(
                "SET enable_seqscan = off; EXPLAIN SELECT a.story FROM articles a \
                 WHERE {} @@ plainto_tsquery('english', 'rescue')",
                postgres::WORDS_OF_A
            ),
        )
        .unwrap();
        let plan: Vec<String> = plan.into_iter().filter_map(|r| r[0].clone()).collect();
        assert!(
            plan.iter().any(|l| l.contains("articles_words")),
            "{plan:#?}"
        );
        // A store made when the tsvector was a stored column is searched by that column and
        // still written to.
        behind(
            &url,
            "DROP INDEX articles_words; \
             ALTER TABLE articles ADD COLUMN words tsvector GENERATED ALWAYS AS \
             (to_tsvector('english'::regconfig, title || ' ' || text)) STORED; \
             CREATE INDEX articles_words ON articles USING GIN(words);",
        );
        assert_eq!(
            testing::execute(&url, column).unwrap()[0][0].as_deref(),
            Some("1")
        );
        let mut ing = Ingest::new(Store::open(&url).unwrap()).unwrap();
        add(&mut ing, vec![raw("q2", "2020-03-03", QUAKE2)]);
        drop(ing);
        let store = Store::open_existing(&url).unwrap();
        store.check().unwrap();
        searched(&store);
        assert_eq!(find(&store, q("survivors")), [vec!["q1", "q2"]]);
    }

    #[test]
    fn search_dates_outlets_and_entities_filter_the_listing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        let mut q1 = raw("q1", "2020-03-02", QUAKE);
        q1.outlet = Some("Wire".into());
        let mut v1 = raw("v1", "2020-03-01", VOTE);
        v1.url = Some("https://www.Example.org/news/vote".into());
        add(&mut ing, vec![q1, v1]);
        let opts = corroborate_pipeline::run::Options::default();
        ing.analyse_touched(&opts).unwrap();
        let store = ing.store();
        store.check().unwrap();
        let all = StoryFilter::default();
        assert_eq!(find(store, all.clone()), [vec!["q1"], vec!["v1"]]);
        // Stemmed, any case; every word must be in one article.
        let q = words;
        assert_eq!(find(store, q("valparaiso RESCUE")), [vec!["q1"]]);
        rescue_hits_q1(store);
        assert!(store.find_stories(&all).unwrap()[0].hit.is_none());
        assert_eq!(find(store, q("polls")), [vec!["v1"]]);
        assert!(find(store, q("valparaiso oslo")).is_empty());
        // FTS5 syntax in the input is only words.
        assert_eq!(find(store, q("\"Oslo\"* ( -")), [vec!["v1"]]);
        assert!(find(store, q("*** ")).is_empty());
        let dated = StoryFilter {
            from: Some("2020-03-02".into()),
            ..StoryFilter::default()
        };
        assert_eq!(find(store, dated), [vec!["q1"]]);
        let until = StoryFilter {
            to: Some("2020-03-01".into()),
            ..StoryFilter::default()
        };
        assert_eq!(find(store, until), [vec!["v1"]]);
        let outlet = |o: &str| StoryFilter {
            outlet: Some(o.into()),
            ..StoryFilter::default()
        };
        assert_eq!(find(store, outlet("Wire")), [vec!["q1"]]);
        assert_eq!(find(store, outlet("example.org")), [vec!["v1"]]);
        let listed = store.find_stories(&all).unwrap();
        assert_eq!(listed[1].outlets, ["example.org"]);
        let paged = StoryFilter {
            offset: 1,
            limit: 1,
            ..StoryFilter::default()
        };
        assert_eq!(find(store, paged), [vec!["v1"]]);
        // Entities come from the kept analyses.
        let named = StoryFilter {
            entity: Some("valparaiso".into()),
            ..StoryFilter::default()
        };
        assert_eq!(find(store, named), [vec!["q1"]]);
        let es = store.entity_stories("Santiago", 0).unwrap();
        assert_eq!(es.len(), 1);
        assert_eq!(es[0].kind, "place");
        let a = store.article("v1").unwrap().unwrap();
        assert_eq!(a.article.text, VOTE);
        assert_eq!(a.story, listed[1].row.id);
        assert!(store.article("nope").unwrap().is_none());
        let oa = store.outlet_articles("wire", 0).unwrap();
        assert!(oa.is_empty(), "outlet names are matched exactly");
        assert_eq!(store.outlet_articles("Wire", 0).unwrap()[0].article, "q1");
    }

    #[test]
    fn outlet_names_come_from_the_outlet_then_the_host_then_the_id() {
        assert_eq!(
            outlet_name(Some(" fox "), Some("https://x.com/"), "a"),
            "fox"
        );
        assert_eq!(
            outlet_name(None, Some("https://www.NYTimes.com/a?b"), "a"),
            "nytimes.com"
        );
        assert_eq!(
            outlet_name(Some(""), Some("http://u@h.org:8080#x"), "a"),
            "h.org"
        );
        assert_eq!(outlet_name(None, Some("javascript:alert(1)"), "a1"), "a1");
        assert_eq!(outlet_name(None, None, "a1"), "a1");
    }

    #[test]
    fn processes_creating_one_new_store_at_once_all_open_it() {
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            opened_at_once(&dir.path().join(format!("new-{round}.db")), round);
        }
        for round in 0..5 {
            if let Some(url) = testing::fresh_database() {
                opened_at_once(&url, round);
            }
        }
    }

    fn opened_at_once(path: &Path, round: usize) {
        let opened: Vec<bool> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| Store::open(path).map(|st| st.check().is_ok())))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap().unwrap_or(false))
                .collect()
        });
        assert_eq!(
            opened,
            [true; 4],
            "{} round {round}",
            location_display(path)
        );
    }

    /// Runs a test body on a new SQLite store file and on a fresh PostgreSQL database.
    fn on_both(body: impl Fn(&Path)) {
        let dir = tempfile::tempdir().unwrap();
        body(&dir.path().join("s.db"));
        if let Some(url) = testing::fresh_database() {
            body(&url);
        }
    }

    /// Runs SQL on a store's file or database behind its back (to make old or broken ones).
    fn behind(path: &Path, sql: &str) {
        if is_postgres(path) {
            testing::execute(path, sql).unwrap();
        } else {
            rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(sql)
                .unwrap();
        }
    }

    #[test]
    fn a_database_that_is_not_a_store_is_refused_untouched() {
        on_both(|path| {
            let pg = is_postgres(path);
            behind(
                path,
                "CREATE TABLE notes(t TEXT); INSERT INTO notes VALUES ('keep me');",
            );
            for open in [Store::open, Store::open_existing] {
                let e = open(path).err().expect("refused");
                assert!(matches!(e, StoreError::Foreign(_)), "{e}");
                assert!(e.to_string().contains("not a corroborate store"), "{e}");
            }
            if pg {
                let tables = testing::execute(
                    path,
                    "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'",
                )
                .unwrap();
                assert_eq!(tables[0][0].as_deref(), Some("notes"));
                let rows = testing::execute(path, "SELECT t FROM notes").unwrap();
                assert_eq!(rows, [[Some("keep me".to_string())]]);
            }
        });
    }

    #[test]
    fn a_location_that_keeps_nothing_is_refused() {
        for bad in ["", ":memory:"] {
            for open in [Store::open, Store::open_existing] {
                let e = open(Path::new(bad)).err().expect("refused");
                assert!(matches!(e, StoreError::Location(..)), "{e}");
            }
        }
        // A URI-looking name is a file of that name, not an in-memory database.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file:x.db?mode=memory");
        Store::open(&path).unwrap();
        assert!(path.is_file());
        Store::open_existing(&path).unwrap();
    }

    #[test]
    fn reading_an_empty_database_creates_nothing() {
        let Some(url) = testing::fresh_database() else {
            return;
        };
        let e = Store::open_existing(&url).err().expect("refused");
        assert!(matches!(e, StoreError::Empty(_)), "{e}");
        let tables = testing::execute(
            &url,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        )
        .unwrap();
        assert_eq!(tables[0][0].as_deref(), Some("0"));
        // Once made by a writer, it opens for reading.
        drop(Store::open(&url).unwrap());
        assert_eq!(
            Store::open_existing(&url).unwrap().story_count().unwrap(),
            0
        );
    }

    #[test]
    fn a_store_of_another_schema_version_is_refused() {
        on_both(|path| {
            drop(Store::open(path).unwrap());
            behind(
                path,
                "UPDATE meta SET value = 99 WHERE key = 'schema_version'",
            );
            let e = Store::open(path).err().expect("refused");
            assert!(matches!(e, StoreError::Version { found: 99, .. }), "{e}");
        });
    }

    #[test]
    fn two_writers_on_one_store_serialise_and_store_every_article_once() {
        on_both(|path| {
            drop(Store::open(path).unwrap());
            let texts = [QUAKE, QUAKE2, VOTE];
            let waited = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|s| {
                for w in 0..2 {
                    let waited = &waited;
                    s.spawn(move || {
                        let mut ing = Ingest::new(Store::open(path).unwrap()).unwrap();
                        for batch in 0..6 {
                            let raws = (0..3)
                                .map(|k| {
                                    let id = format!("w{w}-b{batch}-{k}");
                                    let text = format!("{} Report {id}.", texts[k]);
                                    raw(&id, "2020-03-02", &text)
                                })
                                .collect();
                            ing.add(prepare(raws), &mut || {
                                waited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            })
                            .unwrap();
                        }
                    });
                }
            });
            let store = Store::open_existing(path).unwrap();
            store.check().unwrap();
            assert_eq!(store.article_count().unwrap(), 36);
            assert_eq!(store.generation().unwrap(), 12);
            let mut ids: Vec<String> = store
                .stories(0)
                .unwrap()
                .into_iter()
                .flat_map(|s| s.articles)
                .collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 36);
        });
    }

    /// Stories of a store, as lists of member ids, in story order.
    fn members(path: &Path) -> Vec<Vec<String>> {
        let store = Store::open_existing(path).unwrap();
        store.check().unwrap();
        let mut rows = store.stories(0).unwrap();
        rows.sort_by(|a, b| a.articles.cmp(&b.articles));
        rows.into_iter().map(|r| r.articles).collect()
    }

    #[test]
    fn a_horizon_closes_old_stories_and_a_new_session_sees_the_same_window() {
        const FERRY: &str =
            "Ferries between the islands of western Scotland were cancelled on Tuesday \
            as a storm closed roads. Fishing boats stayed in port at Oban.";
        const BRIDGE: &str =
            "The mayor of Springfield opened a new bridge over the river, ending three \
            years of works that cost the city 40 million dollars.";
        let batches = || {
            vec![
                vec![raw("q1", "2020-03-02", QUAKE)],
                vec![raw("v1", "2020-03-03", VOTE)],
                vec![raw("f1", "2020-03-03", FERRY)],
                vec![raw("b1", "2020-03-04", BRIDGE)],
                // The quake again, and an exact copy of q1: past a horizon of 2 both find
                // only closed stories and forgotten articles.
                vec![
                    raw("q2", "2020-03-04", QUAKE2),
                    raw("q1-copy", "2020-03-04", QUAKE),
                ],
                // ... and a copy of an article still remembered is one.
                vec![raw("q2-copy", "2020-03-05", QUAKE2)],
            ]
        };
        on_both(|path| {
            // One process with a horizon of 2, and one process per batch: the same stories.
            let mut ing = Ingest::with_horizon(Store::open(path).unwrap(), 2).unwrap();
            for b in batches() {
                add(&mut ing, b);
            }
            drop(ing);
            let one = members(path);
            assert_eq!(
                one,
                [
                    vec!["b1"],
                    vec!["f1"],
                    vec!["q1"],
                    vec!["q1-copy", "q2", "q2-copy"],
                    vec!["v1"],
                ]
            );
            let store = Store::open_existing(path).unwrap();
            let copy_of = |id: &str| store.article(id).unwrap().unwrap().copy_of;
            assert_eq!(copy_of("q1-copy"), None);
            assert_eq!(copy_of("q2-copy").map(|c| c.0), Some("q2".to_string()));
            drop(store);
            let other = format!("{}-sessions", path.display());
            let other = Path::new(&other);
            let other = if is_postgres(path) {
                match testing::fresh_database() {
                    Some(u) => u,
                    None => return,
                }
            } else {
                other.to_path_buf()
            };
            for b in batches() {
                let mut ing = Ingest::with_horizon(Store::open(&other).unwrap(), 2).unwrap();
                add(&mut ing, b);
            }
            assert_eq!(members(&other), one);
        });
        // With the default horizon the quake is one story.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        for b in batches() {
            add(&mut ing, b);
        }
        drop(ing);
        assert!(members(&path).contains(&vec![
            "q1".to_string(),
            "q1-copy".into(),
            "q2".into(),
            "q2-copy".into()
        ]));
    }

    #[test]
    fn the_first_batch_records_the_horizon_and_another_is_refused() {
        use corroborate_pipeline::run::IngestError;
        on_both(|path| {
            // Two processes open the new store with different horizons; the first to write
            // records its own, and the other's next batch is refused with nothing stored.
            let mut first = Ingest::with_horizon(Store::open(path).unwrap(), 2).unwrap();
            let mut second = Ingest::with_horizon(Store::open(path).unwrap(), 3).unwrap();
            assert_eq!(Store::open(path).unwrap().horizon().unwrap(), None);
            add(&mut first, vec![raw("q1", "2020-03-02", QUAKE)]);
            let store = Store::open_existing(path).unwrap();
            assert_eq!(store.horizon().unwrap(), Some(2));
            let generation = store.generation().unwrap();
            match second.add(prepare(vec![raw("v1", "2020-03-03", VOTE)]), &mut || {}) {
                Err(IngestError::Horizon {
                    stored: 2,
                    asked: 3,
                }) => {}
                other => panic!("expected the horizon to be refused, got {other:?}"),
            }
            assert_eq!(store.generation().unwrap(), generation);
            assert!(store.article("v1").unwrap().is_none());
            // A later process asking for another horizon is refused at once, naming both...
            let err = Ingest::with_horizon(Store::open(path).unwrap(), 1_000_000)
                .err()
                .expect("another horizon is refused");
            let msg = err.to_string();
            assert!(
                msg.contains("latest 2 articles") && msg.contains("1000000"),
                "{msg}"
            );
            // ... and one asking for none takes the store's, as does a second batch of the
            // first process.
            let mut later = Ingest::new(Store::open(path).unwrap()).unwrap();
            add(&mut later, vec![raw("v1", "2020-03-03", VOTE)]);
            add(&mut first, vec![raw("q2", "2020-03-04", QUAKE2)]);
            assert_eq!(store.horizon().unwrap(), Some(2));
            assert_eq!(store.article_count().unwrap(), 3);
        });
    }

    #[test]
    fn a_store_written_before_horizons_were_recorded_keeps_the_default() {
        use corroborate_pipeline::cluster::HORIZON;
        use corroborate_pipeline::run::IngestError;
        on_both(|path| {
            let mut ing = Ingest::new(Store::open(path).unwrap()).unwrap();
            add(&mut ing, vec![raw("q1", "2020-03-02", QUAKE)]);
            drop(ing);
            // As a store written before the horizon was recorded: every ingest then used
            // the default, so another one is refused...
            behind(path, "DELETE FROM meta WHERE key = 'horizon'");
            assert_eq!(Store::open(path).unwrap().horizon().unwrap(), None);
            let err = Ingest::with_horizon(Store::open(path).unwrap(), 5).err();
            assert!(
                matches!(err, Some(IngestError::Horizon { stored, asked: 5 }) if stored == HORIZON),
                "{err:?}"
            );
            // ... and an ingest without one uses the default and records it.
            let mut ing = Ingest::new(Store::open(path).unwrap()).unwrap();
            add(&mut ing, vec![raw("v1", "2020-03-03", VOTE)]);
            assert_eq!(Store::open(path).unwrap().horizon().unwrap(), Some(HORIZON));
        });
    }

    #[test]
    fn a_batch_that_fails_leaves_nothing_and_the_lock_free() {
        on_both(|path| {
            let mut store = Store::open(path).unwrap();
            let g = store.begin_write(&mut || {}).unwrap();
            store.abort_write();
            // Another connection can take the write lock at once.
            let mut other = Store::open(path).unwrap();
            let mut waited = false;
            assert_eq!(other.begin_write(&mut || waited = true).unwrap(), g);
            assert!(!waited);
            other.abort_write();
            assert_eq!(store.generation().unwrap(), g);
            assert_eq!(store.article_count().unwrap(), 0);
        });
    }

    #[test]
    fn a_writer_waits_for_the_one_holding_the_lock_and_says_so_once() {
        on_both(|path| {
            let mut first = Store::open(path).unwrap();
            let mut second = Store::open(path).unwrap();
            first.begin_write(&mut || {}).unwrap();
            let (said, got) = std::thread::scope(|s| {
                let waiter = s.spawn(move || {
                    let mut said = 0;
                    let got = second.begin_write(&mut || said += 1);
                    second.abort_write();
                    (said, got)
                });
                std::thread::sleep(std::time::Duration::from_millis(600));
                // Still waiting while the first holds the lock.
                assert!(!waiter.is_finished(), "{}", location_display(path));
                first.abort_write();
                waiter.join().unwrap()
            });
            assert_eq!(said, 1, "{}", location_display(path));
            assert_eq!(got.unwrap(), 0);
        });
    }

    #[test]
    fn a_postgres_store_dropped_on_an_async_runtime_closes_quietly() {
        let Some(url) = testing::fresh_database() else {
            return;
        };
        let store = Store::open(&url).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        // The client's own runtime may not run here: closing must not panic.
        rt.block_on(async move { drop(store) });
    }

    #[test]
    fn a_location_is_shown_without_its_password() {
        let shown = |s: &str| location_display(Path::new(s));
        assert_eq!(
            shown("postgres://news:s3cr%40t@db.example:5432/corr"),
            "postgres://news:***@db.example:5432/corr"
        );
        assert_eq!(
            shown("postgresql://db.example/corr?user=news&password=hunter2&sslmode=disable"),
            "postgresql://db.example/corr?user=news&password=***&sslmode=disable"
        );
        assert_eq!(
            shown("postgresql:///corr?host=/run/postgresql"),
            "postgresql:///corr?host=/run/postgresql"
        );
        assert_eq!(shown("POSTGRES://u:p@h/d"), "POSTGRES://u:***@h/d");
        assert_eq!(shown("postgres://u:a/b@c@h/d"), "postgres://u:***@h/d");
        assert_eq!(
            shown("postgres://u@h/d?password"),
            "postgres://u@h/d?password"
        );
        assert_eq!(shown("./my:store@x.db"), "./my:store@x.db");
        assert!(!is_postgres(Path::new("postgres.db")));
    }
}
