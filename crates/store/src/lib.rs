//! Store: the embedded, transactional home of ingested articles, their stories, the clustering
//! state and each story's kept analysis, in one SQLite file (WAL journal, `synchronous=FULL`).
//! Implements [`StoryStore`], the interface the pipeline's orchestrator drives; it knows nothing
//! of the pipeline (clustering records are opaque bytes to it).
//!
//! Many processes may share one store: readers never block; a writer takes the write lock with
//! `BEGIN IMMEDIATE` before it reads the state it assigns on, so two ingests serialise batch by
//! batch and each sees what the other committed (the `generation` counter tells it to reload).
//! Each batch is one transaction: its articles, the stories it touched, the document
//! frequencies and the counters commit together or not at all, so a kill at any moment leaves
//! the last committed batch intact.
//! Never writes to a file that is not a corroborate store (it is refused untouched); never
//! changes an article once stored; never keeps article texts in memory beyond one batch.

use corroborate_model::{
    Article, BatchWrite, Removed, RemovedKind, SeenRecord, Snapshot, Span, StoredAnalysis,
    StoryRow, StoryStore,
};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Version of the store's tables; a store written by another version is refused.
pub const SCHEMA_VERSION: i64 = 1;

/// SQLite's `application_id` of a corroborate store ("corr").
const APPLICATION_ID: i64 = 0x636f_7272;

/// Why the store could not do what was asked; each names the store file.
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
    /// The file exists but is not a corroborate store; it was not changed.
    #[error("{0}: not a corroborate store (left untouched)")]
    Foreign(PathBuf),
    /// The store was written by another version of corroborate.
    #[error("{path}: store schema version {found}, this corroborate reads {SCHEMA_VERSION}")]
    Version {
        /// The store file.
        path: PathBuf,
        /// The version found.
        found: i64,
    },
    /// The store's own invariants do not hold.
    #[error("{path}: {what}")]
    Inconsistent {
        /// The store file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
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
    state BLOB NOT NULL,
    analysis TEXT,
    analysis_version TEXT,
    analysed_members INTEGER);
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
    about TEXT NOT NULL DEFAULT '{}',
    body_hash TEXT);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story, id);
CREATE TABLE IF NOT EXISTS df(term INTEGER PRIMARY KEY, n INTEGER NOT NULL);
";

/// Columns added after the first stores were made (additive: same schema version).
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("articles", "about", "TEXT NOT NULL DEFAULT '{}'"),
    ("stories", "analysis", "TEXT"),
    ("stories", "analysis_version", "TEXT"),
    ("stories", "analysed_members", "INTEGER"),
    ("articles", "body_hash", "TEXT"),
];

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

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    writing: bool,
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

/// True when `table` has `column`.
fn has_column(c: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    c.query_row(
        &format!("SELECT count(*) FROM pragma_table_info('{table}') WHERE name = ?1"),
        [column],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// A counter of the `meta` table (0 when not yet written).
fn meta(c: &Connection, key: &str) -> rusqlite::Result<i64> {
    c.query_row(
        "SELECT coalesce((SELECT value FROM meta WHERE key = ?1), 0)",
        [key],
        |r| r.get(0),
    )
}

/// True when an existing, non-empty file is a corroborate store, judged through a read-only
/// connection so nothing of the file changes: our `application_id`, or (stores made before it
/// was set) our `meta` table with a schema version beside `stories` and `articles`.
fn is_ours(path: &Path) -> bool {
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return false;
    };
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap_or(-1);
    if app == APPLICATION_ID {
        return true;
    }
    if app != 0 {
        return false;
    }
    // A database with nothing in it yet (another corroborate process is creating this store
    // right now) holds nothing to protect.
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap_or(-1);
    if objects == 0 {
        return true;
    }
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
             AND name IN ('meta', 'stories', 'articles', 'df')",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    tables == 4
        && conn
            .query_row(
                "SELECT count(*) FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap_or(0)
            == 1
}

impl Store {
    /// Open the store at `path`, creating it when no file (or an empty one) is there. A file
    /// that is not a corroborate store is refused and left byte-identical.
    pub fn open(path: &Path) -> Result<Store> {
        let exists = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        if exists && !is_ours(path) {
            return Err(StoreError::Foreign(path.to_path_buf()));
        }
        let named = |source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(named)?;
        // Readers wait for a checkpoint or schema change briefly; writers wait for each other
        // in `begin_write`.
        conn.busy_timeout(Duration::from_secs(60)).map_err(named)?;
        // Switching a new store to WAL needs the database to itself and SQLite does not wait
        // for that: retry while another process opening the same new store holds it.
        let mut waited = 0;
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if waited < 600
                        && matches!(
                            f.code,
                            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                        ) =>
                {
                    waited += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                r => break r.map_err(named)?,
            }
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(named)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(named)?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            writing: false,
        };
        store.create()?;
        Ok(store)
    }

    /// Open an existing store for reading only: never creates or changes a file.
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !std::fs::metadata(path).is_ok_and(|m| m.len() > 0) || !is_ours(path) {
            return Err(StoreError::Foreign(path.to_path_buf()));
        }
        Store::open(path)
    }

    fn sql(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Tables, added columns and the schema version, in one immediate transaction so two
    /// processes opening a new store at once do not race.
    fn create(&self) -> Result<()> {
        let c = &self.conn;
        if let Some(v) = self.ready().map_err(|e| self.sql(e))? {
            // Set up already: readers never take the write lock.
            return if v == SCHEMA_VERSION {
                Ok(())
            } else {
                Err(StoreError::Version {
                    path: self.path.clone(),
                    found: v,
                })
            };
        }
        c.execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.sql(e))?;
        let r = (|| -> std::result::Result<Option<i64>, rusqlite::Error> {
            c.execute_batch(SCHEMA)?;
            c.pragma_update(None, "application_id", APPLICATION_ID)?;
            for (table, column, decl) in ADDED_COLUMNS {
                if !has_column(c, table, column)? {
                    c.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"))?;
                }
            }
            let version: Option<i64> = c
                .query_row(
                    "SELECT value FROM meta WHERE key = 'schema_version'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            if version.is_none() {
                c.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema_version', ?1)",
                    [SCHEMA_VERSION],
                )?;
            }
            Ok(version)
        })();
        match r {
            Ok(Some(v)) if v != SCHEMA_VERSION => {
                let _ = c.execute_batch("ROLLBACK");
                Err(StoreError::Version {
                    path: self.path.clone(),
                    found: v,
                })
            }
            Ok(_) => c.execute_batch("COMMIT").map_err(|e| self.sql(e)),
            Err(e) => {
                let _ = c.execute_batch("ROLLBACK");
                Err(self.sql(e))
            }
        }
    }

    /// The schema version when the store is fully set up (our application id, every table
    /// and added column, a version row); `None` when something is missing.
    fn ready(&self) -> std::result::Result<Option<i64>, rusqlite::Error> {
        let c = &self.conn;
        let app: i64 = c.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app != APPLICATION_ID {
            return Ok(None);
        }
        for (table, column, _) in ADDED_COLUMNS {
            if !has_column(c, table, column)? {
                return Ok(None);
            }
        }
        c.query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()
    }

    /// Number of articles stored.
    pub fn article_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.sql(e))
    }

    /// Number of stories stored.
    pub fn story_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM stories", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.sql(e))
    }

    /// Whether an article id is stored.
    pub fn has_article(&self, id: &str) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM articles WHERE id = ?1")
            .map_err(|e| self.sql(e))?;
        st.exists([id]).map_err(|e| self.sql(e))
    }

    /// Check the file (SQLite's own check) and the store's invariants: stories numbered
    /// 0, 1, 2, ... without gaps, every article in a story that exists, each story's counts
    /// equal to its members, no empty story, the document count equal to the articles stored
    /// and no term counted in more documents than that. `Ok(())` when all hold.
    pub fn check(&self) -> Result<()> {
        let bad = |what: String| StoreError::Inconsistent {
            path: self.path.clone(),
            what,
        };
        let one = |sql: &str| -> Result<i64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map_err(|e| self.sql(e))
        };
        let r: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        if r != "ok" {
            return Err(bad(format!("integrity check failed: {r}")));
        }
        let stories = one("SELECT count(*) FROM stories")?;
        if stories > 0 && one("SELECT max(idx) FROM stories")? != stories - 1 {
            return Err(bad("story indices have gaps".into()));
        }
        let orphans =
            one("SELECT count(*) FROM articles WHERE story NOT IN (SELECT idx FROM stories)")?;
        if orphans > 0 {
            return Err(bad(format!("{orphans} articles in no story")));
        }
        let wrong = one("SELECT count(*) FROM stories s WHERE s.articles != \
             (SELECT count(*) FROM articles a WHERE a.story = s.idx) \
             OR s.copies != (SELECT count(*) FROM articles a WHERE a.story = s.idx \
             AND a.copy_of IS NOT NULL)")?;
        if wrong > 0 {
            return Err(bad(format!(
                "{wrong} stories whose counts differ from their members"
            )));
        }
        let empty = one("SELECT count(*) FROM stories WHERE articles = 0")?;
        if empty > 0 {
            return Err(bad(format!("{empty} stories without articles")));
        }
        let articles = one("SELECT count(*) FROM articles")?;
        let docs = meta(&self.conn, "docs").map_err(|e| self.sql(e))?;
        if docs != articles {
            return Err(bad(format!(
                "document frequencies count {docs} articles, the store holds {articles}"
            )));
        }
        let over = one(&format!(
            "SELECT count(*) FROM df WHERE n > {docs} OR n < 1"
        ))?;
        if over > 0 {
            return Err(bad(format!("{over} document frequencies out of range")));
        }
        Ok(())
    }

    /// Stories, newest (latest member date) first, undated last (SQLite sorts NULL last in
    /// descending order, so the `stories_newest` index serves the query); at most `limit`
    /// (0: all). Headline and independent sources come from the kept analysis when it covers
    /// every member; until then, the founding article's title and the members that are not
    /// copies, with `analysed` empty.
    pub fn stories(&self, limit: usize) -> Result<Vec<StoryRow>> {
        let limit = if limit == 0 { -1 } else { limit as i64 };
        let mut st = self
            .conn
            .prepare(
                "SELECT idx, id, headline, independent_sources, first_date, last_date, \
                 CASE WHEN analysed_members = articles THEN analysis_version END FROM stories \
                 ORDER BY last_date DESC, idx DESC LIMIT ?1",
            )
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map([limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    StoryRow {
                        id: r.get(1)?,
                        headline: r.get(2)?,
                        articles: vec![],
                        independent_sources: r.get::<_, i64>(3)? as u32,
                        first_date: r.get(4)?,
                        last_date: r.get(5)?,
                        analysed: r.get(6)?,
                    },
                ))
            })
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        let mut members = self
            .conn
            .prepare_cached("SELECT id FROM articles WHERE story = ?1 ORDER BY id")
            .map_err(|e| self.sql(e))?;
        for row in rows {
            let (idx, mut s) = row.map_err(|e| self.sql(e))?;
            s.articles = members
                .query_map([idx], |r| r.get(0))
                .and_then(|m| m.collect::<std::result::Result<_, _>>())
                .map_err(|e| self.sql(e))?;
            out.push(s);
        }
        Ok(out)
    }

    fn write_rows(&self, b: &BatchWrite) -> std::result::Result<(), rusqlite::Error> {
        let tx = &self.conn;
        let mut ins_story = tx.prepare_cached(
            "INSERT OR IGNORE INTO stories(idx, id, headline, first_date, last_date, articles, \
             copies, independent_sources, state) VALUES (?1, ?2, ?3, NULL, NULL, 0, 0, 0, x'')",
        )?;
        for s in b.stories.iter().filter(|s| !s.id.is_empty()) {
            ins_story.execute(params![s.idx as i64, s.id, s.founder_title])?;
        }
        let mut ins = tx.prepare_cached(
            "INSERT INTO articles(id, story, copy_of, copy_jaccard, title, date, outlet, url, \
             path, text, removed, exact, minhash, about, body_hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        for s in &b.articles {
            let art = &s.article;
            let removed: Vec<(&str, &str)> = art
                .removed
                .iter()
                .map(|r| (r.kind.as_str(), r.text.as_str()))
                .collect();
            ins.execute(params![
                art.id,
                s.story as i64,
                s.copy_of.as_ref().map(|c| c.0.as_str()),
                s.copy_of.as_ref().map(|c| c.1),
                art.title,
                art.date,
                art.outlet,
                art.url,
                s.path,
                art.text,
                serde_json::to_string(&removed).unwrap_or_else(|_| "[]".into()),
                s.exact as i64,
                s.signature,
                About::of(art).to_json(),
                s.body_hash,
            ])?;
        }
        // Until a story is analysed, its listing counts the members that are not copies.
        let mut upd = tx.prepare_cached(
            "UPDATE stories SET first_date = ?2, last_date = ?3, articles = ?4, copies = ?5, \
             independent_sources = CASE WHEN analysed_members IS NULL THEN ?6 \
             ELSE independent_sources END, state = ?7 WHERE idx = ?1",
        )?;
        for s in &b.stories {
            upd.execute(params![
                s.idx as i64,
                s.first_date,
                s.last_date,
                s.articles as i64,
                s.copies as i64,
                (s.articles - s.copies.min(s.articles)) as i64,
                s.state,
            ])?;
        }
        let mut df = tx.prepare_cached(
            "INSERT INTO df(term, n) VALUES (?1, ?2) \
             ON CONFLICT(term) DO UPDATE SET n = n + excluded.n",
        )?;
        for &(t, n) in &b.df {
            df.execute(params![t as i64, n as i64])?;
        }
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('docs', ?1) \
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [b.docs as i64],
        )?;
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('generation', 1) \
             ON CONFLICT(key) DO UPDATE SET value = value + 1",
            [],
        )?;
        Ok(())
    }
}

impl StoryStore for Store {
    type Error = StoreError;

    fn generation(&self) -> Result<u64> {
        meta(&self.conn, "generation")
            .map(|g| g as u64)
            .map_err(|e| self.sql(e))
    }

    fn begin_write(&mut self, waiting: &mut dyn FnMut()) -> Result<u64> {
        if self.writing {
            self.abort_write();
        }
        // Short waits in a loop rather than one long busy timeout, so the caller can say once
        // that another writer holds the store.
        self.conn
            .busy_timeout(Duration::from_millis(250))
            .map_err(|e| self.sql(e))?;
        let mut told = false;
        let r = loop {
            match self.conn.execute_batch("BEGIN IMMEDIATE") {
                Ok(()) => break Ok(()),
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if matches!(
                        f.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) =>
                {
                    if !told {
                        waiting();
                        told = true;
                    }
                }
                Err(e) => break Err(self.sql(e)),
            }
        };
        let _ = self.conn.busy_timeout(Duration::from_secs(60));
        r?;
        self.writing = true;
        match self.generation() {
            Ok(g) => Ok(g),
            Err(e) => {
                self.abort_write();
                Err(e)
            }
        }
    }

    fn write_batch(&mut self, batch: &BatchWrite) -> Result<()> {
        let r = self
            .write_rows(batch)
            .and_then(|()| self.conn.execute_batch("COMMIT"));
        match r {
            Ok(()) => {
                self.writing = false;
                Ok(())
            }
            Err(e) => {
                self.abort_write();
                Err(self.sql(e))
            }
        }
    }

    fn abort_write(&mut self) {
        if std::mem::take(&mut self.writing) {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    fn snapshot(&self) -> Result<Snapshot> {
        // One read transaction (unless the write transaction is open): a consistent view.
        let own = !self.writing;
        if own {
            self.conn
                .execute_batch("BEGIN DEFERRED")
                .map_err(|e| self.sql(e))?;
        }
        let r = self.read_snapshot();
        if own {
            let _ = self.conn.execute_batch("COMMIT");
        }
        r.map_err(|e| self.sql(e))
    }

    fn same_content(&self, id: &str, body_hash: &str, text: Option<&str>) -> Result<Option<bool>> {
        let row: Option<(Option<String>, String)> = self
            .conn
            .prepare_cached("SELECT body_hash, text FROM articles WHERE id = ?1")
            .and_then(|mut st| {
                st.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(|e| self.sql(e))?;
        Ok(row.map(|(hash, stored)| match hash {
            Some(h) => h == body_hash,
            None => text.is_some_and(|t| t == stored),
        }))
    }

    fn story_id(&self, idx: u32) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT id FROM stories WHERE idx = ?1", [idx as i64], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))
    }

    fn story_articles(&self, story_id: &str) -> Result<Option<Vec<Article>>> {
        let idx: Option<i64> = self
            .conn
            .query_row("SELECT idx FROM stories WHERE id = ?1", [story_id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))?;
        let Some(idx) = idx else { return Ok(None) };
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT id, title, date, outlet, url, text, removed, about FROM articles \
                 WHERE story = ?1 ORDER BY id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map([idx], |r| {
                let text: String = r.get(5)?;
                let removed: String = r.get(6)?;
                let removed: Vec<(String, String)> =
                    serde_json::from_str(&removed).unwrap_or_default();
                let about: String = r.get(7)?;
                let about: About = serde_json::from_str(&about).unwrap_or_default();
                Ok(Article {
                    authors: about.authors,
                    language: about.language,
                    summary_only: about.summary_only,
                    sentences_cut: 0,
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
            })
            .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        Ok(Some(rows))
    }

    fn record_analysis(&mut self, story_id: &str, a: &StoredAnalysis) -> Result<bool> {
        let json = serde_json::to_string(a).map_err(|e| StoreError::Inconsistent {
            path: self.path.clone(),
            what: format!("story {story_id}: analysis not serialisable: {e}"),
        })?;
        let n = self
            .conn
            .execute(
                "UPDATE stories SET headline = ?2, independent_sources = ?3, analysis = ?4, \
                 analysis_version = ?5, analysed_members = ?6 WHERE id = ?1 AND articles = ?6",
                params![
                    story_id,
                    a.story.headline,
                    a.story.independent_sources as i64,
                    json,
                    a.version,
                    a.members as i64
                ],
            )
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }

    fn unanalysed(&self, version: &str) -> Result<Vec<u32>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT idx FROM stories WHERE analysed_members IS NULL \
                 OR analysed_members != articles OR analysis_version IS NOT ?1 ORDER BY idx",
            )
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map([version], |r| r.get::<_, i64>(0))
            .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows.into_iter().map(|i| i as u32).collect())
    }

    fn analysis(&self, story_id: &str) -> Result<Option<StoredAnalysis>> {
        let json: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT analysis FROM stories WHERE id = ?1",
                [story_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        // An analysis this version cannot read is as good as none: it is recomputed.
        Ok(json
            .flatten()
            .and_then(|j| serde_json::from_str::<StoredAnalysis>(&j).ok()))
    }
}

impl Store {
    fn read_snapshot(&self) -> std::result::Result<Snapshot, rusqlite::Error> {
        let c = &self.conn;
        let mut snap = Snapshot {
            generation: meta(c, "generation")? as u64,
            docs: meta(c, "docs")? as u64,
            ..Snapshot::default()
        };
        let mut st = c.prepare("SELECT term, n FROM df")?;
        snap.df = st
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u32))
            })?
            .collect::<std::result::Result<_, _>>()?;
        snap.df.sort_unstable();
        let mut st = c.prepare("SELECT idx, state FROM stories ORDER BY idx")?;
        for row in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))? {
            let (idx, state) = row?;
            if idx as usize != snap.stories.len() {
                return Err(rusqlite::Error::IntegralValueOutOfRange(0, idx));
            }
            snap.stories.push(state);
        }
        let mut st = c.prepare("SELECT id, story, exact, minhash FROM articles ORDER BY seq")?;
        snap.seen = st
            .query_map([], |r| {
                Ok(SeenRecord {
                    id: r.get(0)?,
                    story: r.get::<_, i64>(1)? as u32,
                    exact: r.get::<_, i64>(2)? as u64,
                    signature: r.get(3)?,
                })
            })?
            .collect::<std::result::Result<_, _>>()?;
        Ok(snap)
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
    fn authors_language_and_the_summary_mark_are_kept_and_old_stores_gain_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        // A store made before the `about` column existed, holding one article.
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        add(&mut ing, vec![raw("v1", "2020-03-01", VOTE)]);
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
        add(&mut ing, vec![q]);
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

    #[test]
    fn processes_creating_one_new_store_at_once_all_open_it() {
        for round in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("new-{round}.db"));
            let opened: Vec<bool> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..4)
                    .map(|_| s.spawn(|| Store::open(&path).map(|st| st.check().is_ok())))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap().unwrap_or(false))
                    .collect()
            });
            assert_eq!(opened, [true; 4], "round {round}");
        }
    }
}
