//! The SQLite backend of the store: one file (WAL journal, `synchronous=FULL`), its schema and
//! its additive migrations, the [`StoryStore`] implementation and the readers behind
//! [`crate::Store`]. In: a file path. Out: the shared row types of `lib.rs`.
//!
//! Writers take the write lock with `BEGIN IMMEDIATE` before they read the state they assign
//! on, so two ingests serialise batch by batch; readers never block. Never writes to a file
//! that is not a corroborate store (it is judged read-only first and refused untouched); never
//! changes an article once stored.

use crate::{
    check_invariants, fts_query, outlet_name, stored_article, About, ArticleRow, EntityStory,
    OutletArticle, Result, SearchHit, StoreError, StoryFilter, StoryListing, StoryStamp,
    SCHEMA_VERSION,
};
use corroborate_model::{
    Article, BatchWrite, SeenRecord, Snapshot, StoredAnalysis, StoryRow, StoryStore,
};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// SQLite's `application_id` of a corroborate store ("corr").
const APPLICATION_ID: i64 = 0x636f_7272;

/// A store needs a file: an empty path or `:memory:` would give a database that vanishes
/// with the process (an ingest reporting articles stored that nothing kept).
fn usable(path: &Path) -> Result<()> {
    if path.as_os_str().is_empty() {
        return Err(StoreError::Location(path.to_path_buf(), "an empty path"));
    }
    if path.as_os_str() == ":memory:" {
        return Err(StoreError::Location(
            path.to_path_buf(),
            "an in-memory database keeps nothing",
        ));
    }
    Ok(())
}

/// Articles written per INSERT statement (15 values each, far below SQLite's 32,766).
const ROWS_PER_INSERT: usize = 64;

/// The INSERT of `rows` articles.
fn insert_articles(rows: usize) -> String {
    let one = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    format!(
        "INSERT INTO articles(id, story, copy_of, copy_jaccard, title, date, outlet, url, path, \
         text, removed, exact, minhash, about, body_hash) VALUES {}",
        vec![one; rows].join(", ")
    )
}

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

/// Tables (and one index) added after the first stores were made (additive: same schema
/// version), each with the statement that fills it from what an older store already holds.
/// `stories_listing` covers every column a listing reads, so listing newest first never
/// reads a story's row (whose kept analysis, stored before the columns added later, would
/// be read through on the way to them). `articles_fts` is the
/// full-text index of the articles (SQLite FTS5, external content: the text is kept once, in
/// `articles`), kept in step by triggers inside each batch's transaction; `story_entities`
/// lists each analysed story's merged entities, kept in step by `record_analysis`.
const ADDED_TABLES: &[(&str, &str, &str)] = &[
    (
        "articles_fts",
        "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, \
         content='articles', content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2');
         CREATE TRIGGER IF NOT EXISTS articles_fts_add AFTER INSERT ON articles BEGIN
           INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
         END;
         CREATE TRIGGER IF NOT EXISTS articles_fts_remove AFTER DELETE ON articles BEGIN
           INSERT INTO articles_fts(articles_fts, rowid, title, text)
             VALUES ('delete', old.seq, old.title, old.text);
         END;",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');",
    ),
    (
        "stories_listing",
        "CREATE INDEX IF NOT EXISTS stories_listing ON stories(last_date DESC, idx DESC, id, \
         headline, independent_sources, first_date, articles, analysed_members, analysis_version);",
        "",
    ),
    (
        "story_entities",
        "CREATE TABLE IF NOT EXISTS story_entities(
           name TEXT NOT NULL COLLATE NOCASE,
           story INTEGER NOT NULL REFERENCES stories(idx),
           kind TEXT NOT NULL,
           mentions INTEGER NOT NULL,
           PRIMARY KEY(name, story)) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS story_entities_story ON story_entities(story);",
        "INSERT OR IGNORE INTO story_entities(name, story, kind, mentions)
           SELECT json_extract(e.value, '$.name'), s.idx,
                  lower(json_extract(e.value, '$.kind')), json_extract(e.value, '$.mentions')
           FROM stories s, json_each(s.analysis, '$.story.entities') e
           WHERE s.analysis IS NOT NULL AND json_valid(s.analysis)
             AND json_extract(e.value, '$.name') IS NOT NULL;",
    ),
];

/// True when the store has `table` (or virtual table, trigger, index) `name`.
fn has_table(c: &Connection, name: &str) -> rusqlite::Result<bool> {
    c.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// An article from the first eight columns of a row: id, title, date, outlet, url, text,
/// removed (JSON pairs) and about (JSON), as every article query selects them.
fn article_from_row(r: &rusqlite::Row) -> rusqlite::Result<Article> {
    Ok(stored_article(
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        &r.get::<_, String>(6)?,
        &r.get::<_, String>(7)?,
    ))
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

/// An open SQLite store.
pub(crate) struct SqliteStore {
    pub(crate) conn: Connection,
    path: PathBuf,
    writing: bool,
}

impl SqliteStore {
    /// Open the store at `path`, creating it when no file (or an empty one) is there. A file
    /// that is not a corroborate store is refused and left byte-identical.
    pub(crate) fn open(path: &Path) -> Result<SqliteStore> {
        usable(path)?;
        let exists = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        if exists && !is_ours(path) {
            return Err(StoreError::Foreign(path.to_path_buf()));
        }
        let named = |source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        // Without SQLITE_OPEN_URI: a name like `file:x?mode=memory` is a file of that name,
        // never an in-memory database.
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(named)?;
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
        conn.create_scalar_function(
            "outlet_name",
            3,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8
                | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let outlet: Option<String> = ctx.get(0)?;
                let url: Option<String> = ctx.get(1)?;
                let id: String = ctx.get::<Option<String>>(2)?.unwrap_or_default();
                Ok(outlet_name(outlet.as_deref(), url.as_deref(), &id))
            },
        )
        .map_err(named)?;
        let store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            writing: false,
        };
        store.create()?;
        Ok(store)
    }

    /// Open an existing store for reading only: never creates or changes a file.
    pub(crate) fn open_existing(path: &Path) -> Result<SqliteStore> {
        usable(path)?;
        // A file with nothing in it holds no store yet: SQLite creates the file when another
        // process opens a new store and writes it a moment later, so a reader may see it
        // empty (no store here, rather than a foreign file).
        if !std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            return Err(StoreError::Empty(path.to_path_buf()));
        }
        if !is_ours(path) {
            return Err(StoreError::Foreign(path.to_path_buf()));
        }
        SqliteStore::open(path)
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
            // A store made before a table existed gets it filled from what it holds.
            for (table, create, fill) in ADDED_TABLES {
                if !has_table(c, table)? {
                    c.execute_batch(create)?;
                    c.execute_batch(fill)?;
                } else {
                    c.execute_batch(create)?;
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
        for name in [
            "articles_fts",
            "articles_fts_add",
            "articles_fts_remove",
            "story_entities",
            "story_entities_story",
            "stories_listing",
        ] {
            if !has_table(c, name)? {
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
    pub(crate) fn article_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.sql(e))
    }

    /// Number of stories stored.
    pub(crate) fn story_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM stories", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.sql(e))
    }

    /// Whether an article id is stored.
    pub(crate) fn has_article(&self, id: &str) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM articles WHERE id = ?1")
            .map_err(|e| self.sql(e))?;
        st.exists([id]).map_err(|e| self.sql(e))
    }

    /// Check the file (SQLite's own check), the full-text index, and the store's invariants
    /// ([`check_invariants`]). `Ok(())` when all hold.
    pub(crate) fn check(&self) -> Result<()> {
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
        // The full-text index holds exactly the stored articles' titles and texts.
        if let Err(e) = self.conn.execute(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)",
            [],
        ) {
            return Err(bad(format!("full-text index out of step: {e}")));
        }
        check_invariants(one, bad)
    }

    /// Stories, newest (latest member date) first, undated last (SQLite sorts NULL last in
    /// descending order, so the `stories_newest` index serves the query); at most `limit`
    /// (0: all). Headline and independent sources come from the kept analysis when it covers
    /// every member; until then, the founding article's title and the members that are not
    /// copies, with `analysed` empty.
    pub(crate) fn stories(&self, limit: usize) -> Result<Vec<StoryRow>> {
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

    /// Stories matching `filter`, newest first as [`SqliteStore::stories`] lists them, with the
    /// outlets of their members: at most `filter.limit` after skipping `filter.offset`. The
    /// words are looked up in the full-text index (a story matches when one member contains
    /// them all); the date range keeps stories whose dates overlap it; the outlet and entity
    /// must be those of a member and of the kept analysis.
    pub(crate) fn find_stories(&self, filter: &StoryFilter) -> Result<Vec<StoryListing>> {
        let mut clauses: Vec<&str> = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let text = |s: &str| rusqlite::types::Value::Text(s.to_string());
        if let Some(q) = filter.q.as_deref().and_then(fts_query) {
            clauses.push(
                "s.idx IN (SELECT a.story FROM articles_fts f JOIN articles a ON a.seq = f.rowid \
                 WHERE articles_fts MATCH ?)",
            );
            args.push(text(&q));
        } else if filter.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
            // Only punctuation: nothing can match.
            clauses.push("0");
        }
        if let Some(from) = filter.from.as_deref() {
            clauses.push("s.last_date >= ?");
            args.push(text(from));
        }
        if let Some(to) = filter.to.as_deref() {
            clauses.push("s.first_date <= ?");
            args.push(text(to));
        }
        if let Some(outlet) = filter.outlet.as_deref() {
            clauses.push(
                "EXISTS (SELECT 1 FROM articles a WHERE a.story = s.idx \
                 AND outlet_name(a.outlet, a.url, a.id) = ?)",
            );
            args.push(text(outlet));
        }
        if let Some(entity) = filter.entity.as_deref() {
            clauses
                .push("s.idx IN (SELECT story FROM story_entities WHERE name = ? COLLATE NOCASE)");
            args.push(text(entity));
        }
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let limit = if filter.limit == 0 {
            -1
        } else {
            filter.limit as i64
        };
        args.push(rusqlite::types::Value::Integer(limit));
        args.push(rusqlite::types::Value::Integer(filter.offset as i64));
        let sql = format!(
            "SELECT s.idx, s.id, s.headline, s.independent_sources, s.first_date, s.last_date, \
             CASE WHEN s.analysed_members = s.articles THEN s.analysis_version END \
             FROM stories s {filter_sql} ORDER BY s.last_date DESC, s.idx DESC LIMIT ? OFFSET ?"
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.sql(e))?;
        let rows: Vec<(i64, StoryRow)> = st
            .query_map(rusqlite::params_from_iter(args), |r| {
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
            .and_then(|rows| rows.collect::<std::result::Result<_, _>>())
            .map_err(|e| self.sql(e))?;
        let mut members = self
            .conn
            .prepare_cached(
                "SELECT id, outlet, url, seq FROM articles WHERE story = ?1 ORDER BY id",
            )
            .map_err(|e| self.sql(e))?;
        let words = filter.q.as_deref().and_then(fts_query);
        let mut out = Vec::with_capacity(rows.len());
        for (idx, mut row) in rows {
            type Member = (String, Option<String>, Option<String>, i64);
            let list: Vec<Member> = members
                .query_map([idx], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .and_then(|m| m.collect::<std::result::Result<_, _>>())
                .map_err(|e| self.sql(e))?;
            let mut outlets: Vec<String> = list
                .iter()
                .map(|(id, o, u, _)| outlet_name(o.as_deref(), u.as_deref(), id))
                .collect();
            outlets.sort();
            outlets.dedup();
            let hit = match &words {
                Some(q) => self.first_hit(q, &list)?,
                None => None,
            };
            row.articles = list.into_iter().map(|(id, _, _, _)| id).collect();
            out.push(StoryListing { row, outlets, hit });
        }
        Ok(out)
    }

    /// What a story listing depends on beyond its query, cheaply (two counters): the
    /// generation (grows with every batch) and the analyses kept (grows with every
    /// `record_analysis` of this version). A listing made from the store stays right while
    /// this stays the same.
    pub(crate) fn listing_stamp(&self) -> Result<(u64, u64)> {
        let c = &self.conn;
        let g = meta(c, "generation").map_err(|e| self.sql(e))?;
        let a = meta(c, "analyses").map_err(|e| self.sql(e))?;
        Ok((g as u64, a as u64))
    }

    /// What a story's kept analysis covers, cheaply: `(members, analysed members, analysis
    /// version)`, or `None` for an unknown id. A page built from the analysis stays right while
    /// this stays the same.
    pub(crate) fn story_stamp(&self, id: &str) -> Result<Option<StoryStamp>> {
        self.conn
            .prepare_cached(
                "SELECT articles, analysed_members, analysis_version FROM stories WHERE id = ?1",
            )
            .and_then(|mut st| {
                st.query_row([id], |r| {
                    Ok((
                        r.get::<_, i64>(0)? as u32,
                        r.get::<_, Option<i64>>(1)?.map(|n| n as u32),
                        r.get(2)?,
                    ))
                })
                .optional()
            })
            .map_err(|e| self.sql(e))
    }

    /// The first of `members` (id, outlet, url, seq) whose title or text matches the FTS5
    /// query `q`, with a snippet of its text (the first 64 members are tried).
    fn first_hit(
        &self,
        q: &str,
        members: &[(String, Option<String>, Option<String>, i64)],
    ) -> Result<Option<SearchHit>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT snippet(articles_fts, 1, char(57344), char(57345), '…', 16) \
                 FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid = ?2",
            )
            .map_err(|e| self.sql(e))?;
        for (id, _, _, seq) in members.iter().take(64) {
            let snippet: Option<String> = st
                .query_row(params![q, seq], |r| r.get(0))
                .optional()
                .map_err(|e| self.sql(e))?;
            if let Some(snippet) = snippet {
                return Ok(Some(SearchHit {
                    article: id.clone(),
                    snippet,
                }));
            }
        }
        Ok(None)
    }

    /// One stored article with its story, or `None` for an unknown id.
    pub(crate) fn article(&self, id: &str) -> Result<Option<ArticleRow>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.title, a.date, a.outlet, a.url, a.text, a.removed, a.about, \
                 s.id, a.copy_of, a.copy_jaccard, a.path \
                 FROM articles a JOIN stories s ON s.idx = a.story WHERE a.id = ?1",
            )
            .map_err(|e| self.sql(e))?;
        st.query_row([id], |r| {
            let copy_of: Option<String> = r.get(9)?;
            let jaccard: Option<f64> = r.get(10)?;
            Ok(ArticleRow {
                article: article_from_row(r)?,
                story: r.get(8)?,
                copy_of: copy_of.map(|c| (c, jaccard.unwrap_or(1.0))),
                path: r.get(11)?,
            })
        })
        .optional()
        .map_err(|e| self.sql(e))
    }

    /// Stories whose kept analysis names the entity `name` (any case), newest first: at
    /// most `limit` (0: all).
    pub(crate) fn entity_stories(&self, name: &str, limit: usize) -> Result<Vec<EntityStory>> {
        let limit = if limit == 0 { -1 } else { limit as i64 };
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT s.id, e.kind, e.mentions FROM story_entities e \
                 JOIN stories s ON s.idx = e.story WHERE e.name = ?1 COLLATE NOCASE \
                 ORDER BY s.last_date DESC, s.idx DESC LIMIT ?2",
            )
            .map_err(|e| self.sql(e))?;
        st.query_map(params![name, limit], |r| {
            Ok(EntityStory {
                story: r.get(0)?,
                kind: r.get(1)?,
                mentions: r.get::<_, i64>(2)? as u32,
            })
        })
        .and_then(|rows| rows.collect::<std::result::Result<_, _>>())
        .map_err(|e| self.sql(e))
    }

    /// Articles whose [`outlet_name`] is `name`, newest story first: at most `limit` (0: all).
    pub(crate) fn outlet_articles(&self, name: &str, limit: usize) -> Result<Vec<OutletArticle>> {
        let limit = if limit == 0 { -1 } else { limit as i64 };
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT a.id, s.id, a.copy_of, a.date FROM articles a \
                 JOIN stories s ON s.idx = a.story \
                 WHERE outlet_name(a.outlet, a.url, a.id) = ?1 \
                 ORDER BY s.last_date DESC, s.idx DESC, a.id LIMIT ?2",
            )
            .map_err(|e| self.sql(e))?;
        st.query_map(params![name, limit], |r| {
            Ok(OutletArticle {
                article: r.get(0)?,
                story: r.get(1)?,
                copy_of: r.get(2)?,
                date: r.get(3)?,
            })
        })
        .and_then(|rows| rows.collect::<std::result::Result<_, _>>())
        .map_err(|e| self.sql(e))
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
        // Each statement of the transaction is one flush of the full-text index (FTS5 writes
        // its pending terms at every statement savepoint): articles go in groups, so a batch
        // makes a few index segments instead of one per article.
        for group in b.articles.chunks(ROWS_PER_INSERT) {
            #[allow(clippy::type_complexity)]
            let owned: Vec<(i64, Option<&str>, Option<f64>, String, i64, String)> = group
                .iter()
                .map(|s| {
                    let removed: Vec<(&str, &str)> = s
                        .article
                        .removed
                        .iter()
                        .map(|r| (r.kind.as_str(), r.text.as_str()))
                        .collect();
                    (
                        s.story as i64,
                        s.copy_of.as_ref().map(|c| c.0.as_str()),
                        s.copy_of.as_ref().map(|c| c.1),
                        serde_json::to_string(&removed).unwrap_or_else(|_| "[]".into()),
                        s.exact as i64,
                        About::of(&s.article).to_json(),
                    )
                })
                .collect();
            let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(group.len() * 15);
            for (s, (story, copy_of, jaccard, removed, exact, about)) in group.iter().zip(&owned) {
                let art = &s.article;
                values.extend([
                    &art.id as &dyn rusqlite::ToSql,
                    story,
                    copy_of,
                    jaccard,
                    &art.title,
                    &art.date,
                    &art.outlet,
                    &art.url,
                    &s.path,
                    &art.text,
                    removed,
                    exact,
                    &s.signature,
                    about,
                    &s.body_hash,
                ]);
            }
            tx.prepare_cached(&insert_articles(group.len()))?
                .execute(rusqlite::params_from_iter(values))?;
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
        // The first batch records the horizon; later ones were checked against it.
        if b.horizon > 0 {
            tx.execute(
                "INSERT INTO meta(key, value) VALUES ('horizon', ?1) ON CONFLICT(key) DO NOTHING",
                [b.horizon as i64],
            )?;
        }
        Ok(())
    }
}

impl StoryStore for SqliteStore {
    type Error = StoreError;

    fn generation(&self) -> Result<u64> {
        meta(&self.conn, "generation")
            .map(|g| g as u64)
            .map_err(|e| self.sql(e))
    }

    fn horizon(&self) -> Result<Option<u64>> {
        meta(&self.conn, "horizon")
            .map(|h| (h > 0).then_some(h as u64))
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

    fn snapshot(&self, recent: u64) -> Result<Snapshot> {
        // One read transaction (unless the write transaction is open): a consistent view.
        let own = !self.writing;
        if own {
            self.conn
                .execute_batch("BEGIN DEFERRED")
                .map_err(|e| self.sql(e))?;
        }
        let r = self.read_snapshot(recent);
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
            .query_map([idx], article_from_row)
            .and_then(|rows| rows.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        Ok(Some(rows))
    }

    fn record_analysis(&mut self, story_id: &str, a: &StoredAnalysis) -> Result<bool> {
        let json = serde_json::to_string(a).map_err(|e| StoreError::Inconsistent {
            path: self.path.clone(),
            what: format!("story {story_id}: analysis not serialisable: {e}"),
        })?;
        // The analysis and its entity rows change together (a savepoint nests inside a write
        // transaction and is a transaction of its own outside one).
        self.conn
            .execute_batch("SAVEPOINT record_analysis")
            .map_err(|e| self.sql(e))?;
        let r = self.record_rows(story_id, a, &json);
        let end = if matches!(r, Ok(true)) {
            "RELEASE record_analysis"
        } else {
            "ROLLBACK TO record_analysis; RELEASE record_analysis"
        };
        let ended = self.conn.execute_batch(end);
        let kept = r.map_err(|e| self.sql(e))?;
        ended.map_err(|e| self.sql(e))?;
        Ok(kept)
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

impl SqliteStore {
    /// The rows of `record_analysis`: the story's analysis columns, then its entity rows.
    fn record_rows(
        &self,
        story_id: &str,
        a: &StoredAnalysis,
        json: &str,
    ) -> std::result::Result<bool, rusqlite::Error> {
        let n = self.conn.execute(
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
        )?;
        if n == 0 {
            return Ok(false);
        }
        // Counted, so a listing can tell cheaply that an analysis was kept (`listing_stamp`).
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('analyses', 1) \
             ON CONFLICT(key) DO UPDATE SET value = value + 1",
            [],
        )?;
        let idx: i64 =
            self.conn
                .query_row("SELECT idx FROM stories WHERE id = ?1", [story_id], |r| {
                    r.get(0)
                })?;
        self.conn
            .execute("DELETE FROM story_entities WHERE story = ?1", [idx])?;
        let mut ins = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO story_entities(name, story, kind, mentions) \
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for e in &a.story.entities {
            ins.execute(params![e.name, idx, e.kind.as_str(), e.mentions as i64])?;
        }
        Ok(true)
    }

    fn read_snapshot(&self, recent: u64) -> std::result::Result<Snapshot, rusqlite::Error> {
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
        // Indices without gaps are the store's invariant (`check`); the largest is enough.
        snap.story_count =
            c.query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM stories", [], |r| {
                r.get::<_, i64>(0)
            })? as u32;
        let recent = i64::try_from(recent).unwrap_or(i64::MAX);
        let mut st = c.prepare(
            "SELECT idx, state FROM stories WHERE idx IN \
             (SELECT story FROM (SELECT story FROM articles ORDER BY seq DESC LIMIT ?1)) \
             ORDER BY idx",
        )?;
        snap.stories = st
            .query_map([recent], |r| {
                Ok((r.get::<_, i64>(0)? as u32, r.get::<_, Vec<u8>>(1)?))
            })?
            .collect::<std::result::Result<_, _>>()?;
        let mut st = c.prepare(
            "SELECT id, story, exact, minhash FROM \
             (SELECT seq, id, story, exact, minhash FROM articles ORDER BY seq DESC LIMIT ?1) \
             ORDER BY seq",
        )?;
        snap.seen = st
            .query_map([recent], |r| {
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
    //! What only the SQLite side has: stores made by older versions gain added columns and
    //! tables, and SQLite's own index checks.
    use crate::{Store, StoryFilter};
    use corroborate_model::{RawArticle, StoryStore};
    use corroborate_pipeline::run::{prepare, Ingest};
    use rusqlite::Connection;

    fn add(ing: &mut Ingest<Store>, raws: Vec<RawArticle>) {
        ing.add(prepare(raws), &mut || {}).unwrap();
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

    fn find(store: &Store, f: StoryFilter) -> Vec<Vec<String>> {
        store
            .find_stories(&f)
            .unwrap()
            .into_iter()
            .map(|l| l.row.articles)
            .collect()
    }

    const QUAKE: &str = "A magnitude 6.1 earthquake struck off the coast of Chile near Valparaiso on Monday. \
        Three people were killed when buildings collapsed in the port. Rescue teams from Santiago searched the rubble.";
    const VOTE: &str = "Voters in Norway went to the polls on Sunday in a parliamentary election dominated by \
        oil policy. The Labour party led the final opinion polls in Oslo ahead of the Conservatives.";

    #[test]
    fn an_empty_file_is_no_store_yet_and_is_left_empty_by_a_reader() {
        // What a reader sees while another process is creating the store: the file SQLite
        // made, not yet written.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        std::fs::write(&path, b"").unwrap();
        let e = Store::open_existing(&path).err().expect("no store yet");
        assert!(matches!(e, crate::StoreError::Empty(_)), "{e}");
        assert!(e.to_string().contains("no store here"), "{e}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
        // The writer then creates it in that file.
        drop(Store::open(&path).unwrap());
        assert!(Store::open_existing(&path)
            .unwrap()
            .stories(0)
            .unwrap()
            .is_empty());
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
    fn a_store_made_before_the_search_index_gains_it_filled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut ing = Ingest::new(Store::open(&path).unwrap()).unwrap();
        add(&mut ing, vec![raw("q1", "2020-03-02", QUAKE)]);
        ing.analyse_touched(&corroborate_pipeline::run::Options::default())
            .unwrap();
        drop(ing);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "DROP TRIGGER articles_fts_add; DROP TRIGGER articles_fts_remove; \
                 DROP TABLE articles_fts; DROP TABLE story_entities;",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        store.check().unwrap();
        let hit = StoryFilter {
            q: Some("earthquake".into()),
            entity: Some("Santiago".into()),
            ..StoryFilter::default()
        };
        assert_eq!(find(&store, hit), [vec!["q1"]]);
        // A break between index and articles is found by the check.
        Connection::open(&path)
            .unwrap()
            .execute_batch("DELETE FROM articles_fts_data WHERE id > 1")
            .unwrap();
        assert!(store.check().is_err());
    }
}
