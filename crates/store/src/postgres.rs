//! The PostgreSQL backend of the store: one database that ingest workers on several machines,
//! `serve` and the other readers share. Its schema (the same tables' meaning as `sqlite.rs`,
//! plus a GIN index on the `tsvector` of each article's title and text for the full-text
//! search, and the outlet name kept beside each article), the [`StoryStore`] implementation
//! and the readers behind [`crate::Store`]. In: a libpq URL. Out: the shared row types of
//! `lib.rs`.
//!
//! Writers serialise on a transaction-scoped advisory lock taken right after `BEGIN` (READ
//! COMMITTED), before the generation and the snapshot are read, so every earlier batch is
//! visible and no other batch commits until this one does; readers take no lock and never
//! block writers. The schema is created under another advisory lock, so several processes
//! opening a fresh database at once all end up with one store.
//! Never writes to a database that is not a corroborate store: a database holding any table
//! without our marker (a comment on `meta`) is refused and left untouched. Never prints the
//! URL's password; never changes an article once stored (beyond NUL characters, which
//! PostgreSQL's text cannot hold: they are stored as U+FFFD); never loads all article texts.

use crate::{
    check_invariants, location_display, outlet_name, stored_article, About, ArticleRow,
    EntityStory, OutletArticle, Result, SearchHit, StoreError, StoryFilter, StoryListing,
    StoryStamp, HIT_END, HIT_START, SCHEMA_VERSION,
};
use corroborate_model::{
    Article, BatchWrite, SeenRecord, Snapshot, StoredAnalysis, StoryRow, StoryStore,
};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The comment on the `meta` table that marks a database as a corroborate store.
const MARKER: &str = "corroborate store";

/// Advisory lock keys (per database): the write lock every batch takes, and the lock held
/// while the schema is created. "corr" in the high half, as SQLite's application id.
const WRITE_LOCK: i64 = 0x636f_7272_0000_0001;
const CREATE_LOCK: i64 = 0x636f_7272_0000_0002;

/// The schema, created in one transaction. Text that is sorted or compared (ids, dates,
/// outlet names) uses the "C" collation, so orders are bytewise as on SQLite whatever the
/// database's locale; `last_date DESC NULLS LAST` is SQLite's order of a descending listing.
const SCHEMA: &str = r#"
CREATE TABLE meta(key TEXT COLLATE "C" PRIMARY KEY, value BIGINT NOT NULL);
CREATE TABLE stories(
    idx BIGINT PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    headline TEXT NOT NULL,
    first_date TEXT COLLATE "C",
    last_date TEXT COLLATE "C",
    articles BIGINT NOT NULL,
    copies BIGINT NOT NULL,
    independent_sources BIGINT NOT NULL,
    state BYTEA NOT NULL,
    analysis TEXT,
    analysis_version TEXT,
    analysed_members BIGINT);
CREATE INDEX stories_newest ON stories(last_date DESC NULLS LAST, idx DESC);
CREATE TABLE articles(
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    story BIGINT NOT NULL REFERENCES stories(idx),
    copy_of TEXT COLLATE "C",
    copy_jaccard DOUBLE PRECISION,
    title TEXT NOT NULL,
    date TEXT COLLATE "C",
    outlet TEXT,
    url TEXT,
    outlet_name TEXT COLLATE "C" NOT NULL,
    path TEXT NOT NULL,
    text TEXT NOT NULL,
    removed TEXT NOT NULL,
    exact BIGINT NOT NULL,
    minhash BYTEA NOT NULL,
    about TEXT NOT NULL DEFAULT '{}',
    body_hash TEXT);
CREATE INDEX articles_story ON articles(story, id);
CREATE INDEX articles_outlet ON articles(outlet_name);
CREATE INDEX articles_words ON articles
    USING GIN((to_tsvector('english'::regconfig, title || ' ' || text)));
CREATE TABLE df(term BIGINT PRIMARY KEY, n BIGINT NOT NULL);
CREATE TABLE story_entities(
    name TEXT NOT NULL,
    story BIGINT NOT NULL REFERENCES stories(idx),
    kind TEXT NOT NULL,
    mentions BIGINT NOT NULL);
CREATE UNIQUE INDEX story_entities_key ON story_entities(lower(name), story);
CREATE INDEX story_entities_story ON story_entities(story);
COMMENT ON TABLE meta IS 'corroborate store';
"#;

/// What a database holds, judged from the catalog and our `meta` table only.
enum Found {
    /// No table at all: a store may be made here.
    Empty,
    /// A corroborate store of this schema version.
    Store(i64),
    /// Tables without our marker.
    Foreign,
}

/// One connection and its prepared statements.
struct Conn {
    /// Always `Some` until dropped (taken out by `Drop`).
    open: Option<Client>,
    prepared: HashMap<&'static str, Statement>,
}

impl Drop for Conn {
    /// The client closes its connection by running its own small runtime, which tokio forbids
    /// on a thread that drives asynchronous tasks (a store dropped while `serve`'s runtime
    /// shuts down): there it is closed on a thread of its own.
    fn drop(&mut self) {
        if let Some(client) = self.open.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                std::thread::spawn(move || drop(client));
            }
        }
    }
}

impl Conn {
    /// The connection.
    fn client(&mut self) -> &mut Client {
        self.open
            .as_mut()
            .expect("a connection is open until dropped")
    }

    /// The prepared statement of `sql` (prepared once per connection).
    fn stmt(&mut self, sql: &'static str) -> std::result::Result<Statement, postgres::Error> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client().prepare(sql)?;
        self.prepared.insert(sql, s.clone());
        Ok(s)
    }

    fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, postgres::Error> {
        let st = self.stmt(sql)?;
        self.client().query(&st, params)
    }

    fn opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Option<Row>, postgres::Error> {
        let st = self.stmt(sql)?;
        self.client().query_opt(&st, params)
    }

    fn exec(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, postgres::Error> {
        let st = self.stmt(sql)?;
        self.client().execute(&st, params)
    }

    /// One `bigint` of a one-row query.
    fn int(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<i64, postgres::Error> {
        let st = self.stmt(sql)?;
        Ok(self.client().query_one(&st, params)?.get(0))
    }

    /// A counter of the `meta` table (0 when not yet written).
    fn meta(&mut self, key: &str) -> std::result::Result<i64, postgres::Error> {
        self.int(
            "SELECT coalesce((SELECT value FROM meta WHERE key = $1), 0)",
            &[&key],
        )
    }

    /// What the database holds (catalog reads only: never fails on a foreign table).
    fn found(&mut self) -> std::result::Result<Found, postgres::Error> {
        let c = self.client();
        let tables: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_catalog.pg_class c \
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') \
                 AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' \
                 AND c.relkind IN ('r', 'v', 'm', 'p', 'f')",
                &[],
            )?
            .get(0);
        if tables == 0 {
            return Ok(Found::Empty);
        }
        let marker: Option<String> = c
            .query_one(
                "SELECT obj_description(to_regclass('meta'), 'pg_class')",
                &[],
            )?
            .get(0);
        if marker.as_deref() != Some(MARKER) {
            return Ok(Found::Foreign);
        }
        let version: Option<i64> = c
            .query_opt("SELECT value FROM meta WHERE key = 'schema_version'", &[])?
            .map(|r| r.get(0));
        Ok(version.map_or(Found::Foreign, Found::Store))
    }
}

/// An open PostgreSQL store.
pub(crate) struct PgStore {
    conn: RefCell<Conn>,
    /// The URL without its password, for messages.
    location: String,
    writing: bool,
    /// The store keeps each article's `tsvector` in a stored column `words` (stores made
    /// before 2026-12-01, still read and written as they are); newer ones index the
    /// expression [`WORDS_OF_A`] and store nothing.
    stored_words: bool,
}

/// The searchable words of an article `a`: the expression the full-text index
/// `articles_words` is built on (the same expression, so the planner uses the index). The
/// `tsvector` is not stored: it was larger than the compressed text itself (about 2.4 KB an
/// article).
pub(crate) const WORDS_OF_A: &str = "to_tsvector('english'::regconfig, a.title || ' ' || a.text)";

/// Text as PostgreSQL can hold it: NUL characters become U+FFFD.
fn pg_text(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The words of a search as PostgreSQL's `plainto_tsquery` reads them (every word required;
/// operators and punctuation dropped), `None` when there is no word.
fn search_words(q: &str) -> Option<String> {
    let words: Vec<&str> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// A headline from `ts_headline` with the ellipses SQLite's `snippet` puts where the text
/// was cut.
fn with_ellipses(snippet: String, text: &str) -> String {
    let plain: String = snippet
        .chars()
        .filter(|&c| c != HIT_START && c != HIT_END)
        .collect();
    let mut out = snippet;
    if !plain.is_empty() && !text.trim_start().starts_with(plain.trim_start()) {
        out.insert(0, '…');
    }
    if !plain.is_empty() && !text.trim_end().ends_with(plain.trim_end()) {
        out.push('…');
    }
    out
}

/// A listing row from the first seven columns (idx, id, headline, independent sources,
/// dates, analysed version).
fn story_row(r: &Row) -> (i64, StoryRow) {
    (
        r.get(0),
        StoryRow {
            id: r.get(1),
            headline: r.get(2),
            articles: vec![],
            independent_sources: r.get::<_, i64>(3) as u32,
            first_date: r.get(4),
            last_date: r.get(5),
            analysed: r.get(6),
        },
    )
}

/// `LIMIT` of a count where 0 means all (NULL is no limit).
fn limit_of(n: usize) -> Option<i64> {
    (n > 0).then_some(n as i64)
}

impl PgStore {
    /// Connect to the database at `url`; with `create`, make the store in an empty database.
    /// A database that holds other tables is refused untouched; without `create` an empty one
    /// is refused too.
    pub(crate) fn open(url: &Path, create: bool) -> Result<PgStore> {
        let location = location_display(url);
        let named = |error| StoreError::Postgres {
            location: location.clone(),
            error,
        };
        let mut config: postgres::Config =
            url.to_str().unwrap_or_default().parse().map_err(named)?;
        if config.get_application_name().is_none() {
            config.application_name("corroborate");
        }
        // Notices (an empty search, for one) are not for the user.
        config.notice_callback(|_| {});
        let client = config.connect(NoTls).map_err(named)?;
        let mut store = PgStore {
            conn: RefCell::new(Conn {
                open: Some(client),
                prepared: HashMap::new(),
            }),
            location,
            writing: false,
            stored_words: false,
        };
        let found = store.conn.borrow_mut().found().map_err(|e| store.pg(e))?;
        match found {
            Found::Store(v) => store.version_ok(v)?,
            Found::Foreign => return Err(store.foreign()),
            Found::Empty if !create => return Err(StoreError::Empty(store.path())),
            Found::Empty => store.create()?,
        }
        let stored: bool = store
            .conn
            .borrow_mut()
            .client()
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute \
                 WHERE attrelid = 'articles'::regclass AND attname = 'words' \
                 AND NOT attisdropped)",
                &[],
            )
            .map_err(|e| store.pg(e))?
            .get(0);
        store.stored_words = stored;
        Ok(store)
    }

    /// The searchable words of an article `a` in this store's layout.
    fn words_of(&self) -> &'static str {
        if self.stored_words {
            "a.words"
        } else {
            WORDS_OF_A
        }
    }

    fn path(&self) -> PathBuf {
        PathBuf::from(&self.location)
    }

    fn pg(&self, source: postgres::Error) -> StoreError {
        StoreError::Postgres {
            location: self.location.clone(),
            error: source,
        }
    }

    fn foreign(&self) -> StoreError {
        StoreError::Foreign(self.path())
    }

    fn version_ok(&self, found: i64) -> Result<()> {
        if found == SCHEMA_VERSION {
            Ok(())
        } else {
            Err(StoreError::Version {
                path: self.path(),
                found,
            })
        }
    }

    /// The schema in an empty database, under the creation lock: whoever takes it second
    /// finds the store made and uses it.
    fn create(&self) -> Result<()> {
        let mut conn = self.conn.borrow_mut();
        let c = &mut *conn;
        c.client().batch_execute("BEGIN").map_err(|e| self.pg(e))?;
        let r = (|| -> Result<()> {
            c.client()
                .execute("SELECT pg_advisory_xact_lock($1)", &[&CREATE_LOCK])
                .map_err(|e| self.pg(e))?;
            match c.found().map_err(|e| self.pg(e))? {
                Found::Store(v) => return self.version_ok(v),
                Found::Foreign => return Err(self.foreign()),
                Found::Empty => {}
            }
            let encoding: String = c
                .client()
                .query_one("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()", &[])
                .map_err(|e| self.pg(e))?
                .get(0);
            if encoding != "UTF8" {
                return Err(StoreError::Inconsistent {
                    path: self.path(),
                    what: format!(
                        "the database's encoding is {encoding}; a store needs UTF8 \
                         (CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0)"
                    ),
                });
            }
            c.client().batch_execute(SCHEMA).map_err(|e| self.pg(e))?;
            c.client()
                .execute(
                    "INSERT INTO meta(key, value) VALUES ('schema_version', $1)",
                    &[&SCHEMA_VERSION],
                )
                .map_err(|e| self.pg(e))?;
            Ok(())
        })();
        match r {
            Ok(()) => c.client().batch_execute("COMMIT").map_err(|e| self.pg(e)),
            Err(e) => {
                let _ = c.client().batch_execute("ROLLBACK");
                Err(e)
            }
        }
    }

    pub(crate) fn article_count(&self) -> Result<u64> {
        let mut c = self.conn.borrow_mut();
        c.int("SELECT count(*) FROM articles", &[])
            .map(|n| n as u64)
            .map_err(|e| self.pg(e))
    }

    pub(crate) fn story_count(&self) -> Result<u64> {
        let mut c = self.conn.borrow_mut();
        c.int("SELECT count(*) FROM stories", &[])
            .map(|n| n as u64)
            .map_err(|e| self.pg(e))
    }

    pub(crate) fn has_article(&self, id: &str) -> Result<bool> {
        let mut c = self.conn.borrow_mut();
        c.opt("SELECT 1 FROM articles WHERE id = $1", &[&id])
            .map(|r| r.is_some())
            .map_err(|e| self.pg(e))
    }

    /// The invariants `sqlite.rs` checks, less the file and full-text checks (PostgreSQL
    /// keeps its own pages; the search index is computed from the row, never out of step).
    pub(crate) fn check(&self) -> Result<()> {
        let bad = |what: String| StoreError::Inconsistent {
            path: self.path(),
            what,
        };
        let mut c = self.conn.borrow_mut();
        check_invariants(|sql| c.int(sql, &[]).map_err(|e| self.pg(e)), bad)
    }

    pub(crate) fn stories(&self, limit: usize) -> Result<Vec<StoryRow>> {
        let mut c = self.conn.borrow_mut();
        let rows = c
            .query(
                "SELECT s.idx, s.id, s.headline, s.independent_sources, s.first_date, \
                 s.last_date, CASE WHEN s.analysed_members = s.articles THEN s.analysis_version END, \
                 ARRAY(SELECT a.id FROM articles a WHERE a.story = s.idx ORDER BY a.id) \
                 FROM stories s ORDER BY s.last_date DESC NULLS LAST, s.idx DESC LIMIT $1",
                &[&limit_of(limit)],
            )
            .map_err(|e| self.pg(e))?;
        Ok(rows
            .iter()
            .map(|r| {
                let (_, mut s) = story_row(r);
                s.articles = r.get(7);
                s
            })
            .collect())
    }

    pub(crate) fn find_stories(&self, filter: &StoryFilter) -> Result<Vec<StoryListing>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn ToSql + Sync>> = Vec::new();
        let arg = |v: String, args: &mut Vec<Box<dyn ToSql + Sync>>| {
            args.push(Box::new(v));
            format!("${}", args.len())
        };
        let words = filter.q.as_deref().and_then(search_words);
        if let Some(w) = &words {
            let n = arg(w.clone(), &mut args);
            clauses.push(format!(
                "s.idx IN (SELECT a.story FROM articles a \
                 WHERE {} @@ plainto_tsquery('english', {n}))",
                self.words_of()
            ));
        } else if filter.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
            // Only punctuation: nothing can match.
            clauses.push("false".into());
        }
        if let Some(from) = &filter.from {
            let n = arg(from.clone(), &mut args);
            clauses.push(format!("s.last_date >= {n}"));
        }
        if let Some(to) = &filter.to {
            let n = arg(to.clone(), &mut args);
            clauses.push(format!("s.first_date <= {n}"));
        }
        if let Some(outlet) = &filter.outlet {
            let n = arg(outlet.clone(), &mut args);
            clauses.push(format!(
                "EXISTS (SELECT 1 FROM articles a WHERE a.story = s.idx AND a.outlet_name = {n})"
            ));
        }
        if let Some(entity) = &filter.entity {
            let n = arg(entity.clone(), &mut args);
            clauses.push(format!(
                "s.idx IN (SELECT story FROM story_entities WHERE lower(name) = lower({n}))"
            ));
        }
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        args.push(Box::new(limit_of(filter.limit)));
        let lim = args.len();
        args.push(Box::new(filter.offset as i64));
        let off = args.len();
        let sql = format!(
            "SELECT s.idx, s.id, s.headline, s.independent_sources, s.first_date, s.last_date, \
             CASE WHEN s.analysed_members = s.articles THEN s.analysis_version END, \
             ARRAY(SELECT a.id FROM articles a WHERE a.story = s.idx ORDER BY a.id), \
             ARRAY(SELECT DISTINCT a.outlet_name FROM articles a WHERE a.story = s.idx \
                   ORDER BY a.outlet_name) \
             FROM stories s {filter_sql} \
             ORDER BY s.last_date DESC NULLS LAST, s.idx DESC LIMIT ${lim} OFFSET ${off}"
        );
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref()).collect();
        let mut c = self.conn.borrow_mut();
        let rows = c
            .client()
            .query(sql.as_str(), &params)
            .map_err(|e| self.pg(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let (idx, mut row) = story_row(r);
            row.articles = r.get(7);
            let outlets: Vec<String> = r.get(8);
            let hit = match &words {
                Some(w) => self.first_hit(&mut c, idx, w)?,
                None => None,
            };
            out.push(StoryListing { row, outlets, hit });
        }
        Ok(out)
    }

    /// The first member of story `idx` (by id, among its first 64) whose title or text holds
    /// every word of `words`, with a headline of its text.
    fn first_hit(&self, c: &mut Conn, idx: i64, words: &str) -> Result<Option<SearchHit>> {
        let options = format!("StartSel={HIT_START}, StopSel={HIT_END}, MaxWords=16, MinWords=8");
        let sql = if self.stored_words {
            "SELECT m.id, ts_headline('english', m.text, q, $3), m.text FROM \
             (SELECT id, text, words FROM articles WHERE story = $1 ORDER BY id LIMIT 64) m, \
             plainto_tsquery('english', $2) q WHERE m.words @@ q ORDER BY m.id LIMIT 1"
        } else {
            "SELECT m.id, ts_headline('english', m.text, q, $3), m.text FROM \
             (SELECT id, title, text FROM articles WHERE story = $1 ORDER BY id LIMIT 64) m, \
             plainto_tsquery('english', $2) q \
             WHERE to_tsvector('english'::regconfig, m.title || ' ' || m.text) @@ q \
             ORDER BY m.id LIMIT 1"
        };
        let row = c
            .opt(sql, &[&idx, &words, &options])
            .map_err(|e| self.pg(e))?;
        Ok(row.map(|r| SearchHit {
            article: r.get(0),
            snippet: with_ellipses(r.get(1), r.get(2)),
        }))
    }

    pub(crate) fn listing_stamp(&self) -> Result<(u64, u64)> {
        let mut c = self.conn.borrow_mut();
        let g = c.meta("generation").map_err(|e| self.pg(e))?;
        let a = c.meta("analyses").map_err(|e| self.pg(e))?;
        Ok((g as u64, a as u64))
    }

    pub(crate) fn story_stamp(&self, id: &str) -> Result<Option<StoryStamp>> {
        let mut c = self.conn.borrow_mut();
        let row = c
            .opt(
                "SELECT articles, analysed_members, analysis_version FROM stories WHERE id = $1",
                &[&id],
            )
            .map_err(|e| self.pg(e))?;
        Ok(row.map(|r| {
            (
                r.get::<_, i64>(0) as u32,
                r.get::<_, Option<i64>>(1).map(|n| n as u32),
                r.get(2),
            )
        }))
    }

    pub(crate) fn article(&self, id: &str) -> Result<Option<ArticleRow>> {
        let mut c = self.conn.borrow_mut();
        let row = c
            .opt(
                "SELECT a.id, a.title, a.date, a.outlet, a.url, a.text, a.removed, a.about, \
                 s.id, a.copy_of, a.copy_jaccard, a.path \
                 FROM articles a JOIN stories s ON s.idx = a.story WHERE a.id = $1",
                &[&id],
            )
            .map_err(|e| self.pg(e))?;
        Ok(row.map(|r| {
            let copy_of: Option<String> = r.get(9);
            let jaccard: Option<f64> = r.get(10);
            ArticleRow {
                article: article_of(&r),
                story: r.get(8),
                copy_of: copy_of.map(|c| (c, jaccard.unwrap_or(1.0))),
                path: r.get(11),
            }
        }))
    }

    pub(crate) fn entity_stories(&self, name: &str, limit: usize) -> Result<Vec<EntityStory>> {
        let mut c = self.conn.borrow_mut();
        let rows = c
            .query(
                "SELECT s.id, e.kind, e.mentions FROM story_entities e \
                 JOIN stories s ON s.idx = e.story WHERE lower(e.name) = lower($1) \
                 ORDER BY s.last_date DESC NULLS LAST, s.idx DESC LIMIT $2",
                &[&name, &limit_of(limit)],
            )
            .map_err(|e| self.pg(e))?;
        Ok(rows
            .iter()
            .map(|r| EntityStory {
                story: r.get(0),
                kind: r.get(1),
                mentions: r.get::<_, i64>(2) as u32,
            })
            .collect())
    }

    pub(crate) fn outlet_articles(&self, name: &str, limit: usize) -> Result<Vec<OutletArticle>> {
        let mut c = self.conn.borrow_mut();
        let rows = c
            .query(
                "SELECT a.id, s.id, a.copy_of, a.date FROM articles a \
                 JOIN stories s ON s.idx = a.story WHERE a.outlet_name = $1 \
                 ORDER BY s.last_date DESC NULLS LAST, s.idx DESC, a.id LIMIT $2",
                &[&name, &limit_of(limit)],
            )
            .map_err(|e| self.pg(e))?;
        Ok(rows
            .iter()
            .map(|r| OutletArticle {
                article: r.get(0),
                story: r.get(1),
                copy_of: r.get(2),
                date: r.get(3),
            })
            .collect())
    }

    /// A batch's rows, each table in one statement over arrays (one round trip per table,
    /// not per row).
    fn write_rows(c: &mut Conn, b: &BatchWrite) -> std::result::Result<(), postgres::Error> {
        let new: Vec<&corroborate_model::StoryRecord> =
            b.stories.iter().filter(|s| !s.id.is_empty()).collect();
        let idx: Vec<i64> = new.iter().map(|s| s.idx as i64).collect();
        let id: Vec<&str> = new.iter().map(|s| s.id.as_str()).collect();
        let title: Vec<Cow<str>> = new.iter().map(|s| pg_text(&s.founder_title)).collect();
        c.exec(
            "INSERT INTO stories(idx, id, headline, first_date, last_date, articles, copies, \
             independent_sources, state) \
             SELECT i, d, t, NULL, NULL, 0, 0, 0, '' FROM unnest($1::bigint[], $2::text[], $3::text[]) \
             AS u(i, d, t) ON CONFLICT DO NOTHING",
            &[&idx, &id, &title],
        )?;
        let arts = &b.articles;
        let col = |f: &dyn Fn(&corroborate_model::StoredArticle) -> Option<String>| {
            arts.iter()
                .map(|s| f(s).map(|t| pg_text(&t).into_owned()))
                .collect::<Vec<Option<String>>>()
        };
        let ids = col(&|s| Some(s.article.id.clone()));
        let story: Vec<i64> = arts.iter().map(|s| s.story as i64).collect();
        let copy_of = col(&|s| s.copy_of.as_ref().map(|c| c.0.clone()));
        let jaccard: Vec<Option<f64>> = arts
            .iter()
            .map(|s| s.copy_of.as_ref().map(|c| c.1))
            .collect();
        let titles = col(&|s| Some(s.article.title.clone()));
        let date = col(&|s| s.article.date.clone());
        let outlet = col(&|s| s.article.outlet.clone());
        let url = col(&|s| s.article.url.clone());
        let outlet_names = col(&|s| {
            let a = &s.article;
            Some(outlet_name(a.outlet.as_deref(), a.url.as_deref(), &a.id))
        });
        let path = col(&|s| Some(s.path.clone()));
        let text = col(&|s| Some(s.article.text.clone()));
        let removed = col(&|s| Some(crate::removed_json(&s.article)));
        let exact: Vec<i64> = arts.iter().map(|s| s.exact as i64).collect();
        let minhash: Vec<&[u8]> = arts.iter().map(|s| s.signature.as_slice()).collect();
        let about = col(&|s| Some(About::of(&s.article).to_json()));
        let body_hash = col(&|s| Some(s.body_hash.clone()));
        c.exec(
            "INSERT INTO articles(id, story, copy_of, copy_jaccard, title, date, outlet, url, \
             outlet_name, path, text, removed, exact, minhash, about, body_hash) \
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::float8[], \
             $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], \
             $11::text[], $12::text[], $13::bigint[], $14::bytea[], $15::text[], $16::text[])",
            &[
                &ids,
                &story,
                &copy_of,
                &jaccard,
                &titles,
                &date,
                &outlet,
                &url,
                &outlet_names,
                &path,
                &text,
                &removed,
                &exact,
                &minhash,
                &about,
                &body_hash,
            ],
        )?;
        // Until a story is analysed, its listing counts the members that are not copies.
        let s = &b.stories;
        let idx: Vec<i64> = s.iter().map(|s| s.idx as i64).collect();
        let first: Vec<Option<&str>> = s.iter().map(|s| s.first_date.as_deref()).collect();
        let last: Vec<Option<&str>> = s.iter().map(|s| s.last_date.as_deref()).collect();
        let members: Vec<i64> = s.iter().map(|s| s.articles as i64).collect();
        let copies: Vec<i64> = s.iter().map(|s| s.copies as i64).collect();
        let originals: Vec<i64> = s
            .iter()
            .map(|s| (s.articles - s.copies.min(s.articles)) as i64)
            .collect();
        let state: Vec<&[u8]> = s.iter().map(|s| s.state.as_slice()).collect();
        c.exec(
            "UPDATE stories s SET first_date = u.f, last_date = u.l, articles = u.a, \
             copies = u.c, independent_sources = CASE WHEN s.analysed_members IS NULL THEN u.o \
             ELSE s.independent_sources END, state = u.st \
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], \
             $6::bigint[], $7::bytea[]) AS u(i, f, l, a, c, o, st) WHERE s.idx = u.i",
            &[&idx, &first, &last, &members, &copies, &originals, &state],
        )?;
        let terms: Vec<i64> = b.df.iter().map(|&(t, _)| t as i64).collect();
        let counts: Vec<i64> = b.df.iter().map(|&(_, n)| n as i64).collect();
        c.exec(
            "INSERT INTO df(term, n) SELECT t, sum(n)::bigint \
             FROM unnest($1::bigint[], $2::bigint[]) AS u(t, n) GROUP BY t \
             ON CONFLICT(term) DO UPDATE SET n = df.n + excluded.n",
            &[&terms, &counts],
        )?;
        c.exec(
            "INSERT INTO meta(key, value) VALUES ('docs', $1) \
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            &[&(b.docs as i64)],
        )?;
        c.exec(
            "INSERT INTO meta(key, value) VALUES ('generation', 1) \
             ON CONFLICT(key) DO UPDATE SET value = meta.value + 1",
            &[],
        )?;
        // The first batch records the horizon; later ones were checked against it.
        if b.horizon > 0 {
            c.exec(
                "INSERT INTO meta(key, value) VALUES ('horizon', $1) ON CONFLICT(key) DO NOTHING",
                &[&(b.horizon as i64)],
            )?;
        }
        Ok(())
    }

    /// The rows of `record_analysis`: the story's analysis columns, then its entity rows.
    fn record_rows(
        c: &mut Conn,
        story_id: &str,
        a: &StoredAnalysis,
        json: &str,
    ) -> std::result::Result<bool, postgres::Error> {
        let n = c.exec(
            "UPDATE stories SET headline = $2, independent_sources = $3, analysis = $4, \
             analysis_version = $5, analysed_members = $6 WHERE id = $1 AND articles = $6",
            &[
                &story_id,
                &pg_text(&a.story.headline),
                &(a.story.independent_sources as i64),
                &pg_text(json),
                &a.version,
                &(a.members as i64),
            ],
        )?;
        if n == 0 {
            return Ok(false);
        }
        // Counted, so a listing can tell cheaply that an analysis was kept (`listing_stamp`).
        c.exec(
            "INSERT INTO meta(key, value) VALUES ('analyses', 1) \
             ON CONFLICT(key) DO UPDATE SET value = meta.value + 1",
            &[],
        )?;
        let idx = c.int("SELECT idx FROM stories WHERE id = $1", &[&story_id])?;
        c.exec("DELETE FROM story_entities WHERE story = $1", &[&idx])?;
        let names: Vec<Cow<str>> = a.story.entities.iter().map(|e| pg_text(&e.name)).collect();
        let kinds: Vec<&str> = a.story.entities.iter().map(|e| e.kind.as_str()).collect();
        let mentions: Vec<i64> = a.story.entities.iter().map(|e| e.mentions as i64).collect();
        c.exec(
            "INSERT INTO story_entities(name, story, kind, mentions) \
             SELECT n, $1, k, m FROM unnest($2::text[], $3::text[], $4::bigint[]) \
             WITH ORDINALITY AS u(n, k, m, o) ORDER BY o ON CONFLICT DO NOTHING",
            &[&idx, &names, &kinds, &mentions],
        )?;
        Ok(true)
    }

    /// The clustering state, streamed row by row (no article text is read).
    fn read_snapshot(&self, c: &mut Conn, recent: u64) -> Result<Snapshot> {
        let pg = |e| self.pg(e);
        let mut snap = Snapshot {
            generation: c.meta("generation").map_err(pg)? as u64,
            docs: c.meta("docs").map_err(pg)? as u64,
            ..Snapshot::default()
        };
        let none: [&str; 0] = [];
        let mut rows = c
            .client()
            .query_raw("SELECT term, n FROM df", none)
            .map_err(pg)?;
        while let Some(r) = rows.next().map_err(pg)? {
            snap.df
                .push((r.get::<_, i64>(0) as u64, r.get::<_, i64>(1) as u32));
        }
        drop(rows);
        snap.df.sort_unstable();
        // Indices without gaps are the store's invariant (`check`); the largest is enough.
        snap.story_count = c
            .client()
            .query_one("SELECT COALESCE(MAX(idx) + 1, 0)::BIGINT FROM stories", &[])
            .map_err(pg)?
            .get::<_, i64>(0) as u32;
        let recent = i64::try_from(recent).unwrap_or(i64::MAX);
        let mut rows = c
            .client()
            .query_raw(
                "SELECT idx, state FROM stories WHERE idx IN \
                 (SELECT story FROM (SELECT story FROM articles ORDER BY seq DESC LIMIT $1) r) \
                 ORDER BY idx",
                [recent],
            )
            .map_err(pg)?;
        while let Some(r) = rows.next().map_err(pg)? {
            snap.stories.push((r.get::<_, i64>(0) as u32, r.get(1)));
        }
        drop(rows);
        let mut rows = c
            .client()
            .query_raw(
                "SELECT id, story, exact, minhash FROM \
                 (SELECT seq, id, story, exact, minhash FROM articles ORDER BY seq DESC LIMIT $1) r \
                 ORDER BY seq",
                [recent],
            )
            .map_err(pg)?;
        while let Some(r) = rows.next().map_err(pg)? {
            snap.seen.push(SeenRecord {
                id: r.get(0),
                story: r.get::<_, i64>(1) as u32,
                exact: r.get::<_, i64>(2) as u64,
                signature: r.get(3),
            });
        }
        Ok(snap)
    }
}

/// An article from the first eight columns (id, title, date, outlet, url, text, removed,
/// about).
fn article_of(r: &Row) -> Article {
    stored_article(
        r.get(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get::<_, &str>(6),
        r.get::<_, &str>(7),
    )
}

impl StoryStore for PgStore {
    type Error = StoreError;

    fn generation(&self) -> Result<u64> {
        let mut c = self.conn.borrow_mut();
        c.meta("generation")
            .map(|g| g as u64)
            .map_err(|e| self.pg(e))
    }

    fn horizon(&self) -> Result<Option<u64>> {
        let mut c = self.conn.borrow_mut();
        c.meta("horizon")
            .map(|h| (h > 0).then_some(h as u64))
            .map_err(|e| self.pg(e))
    }

    fn begin_write(&mut self, waiting: &mut dyn FnMut()) -> Result<u64> {
        if self.writing {
            self.abort_write();
        }
        let r = (|| -> std::result::Result<u64, postgres::Error> {
            let mut c = self.conn.borrow_mut();
            c.client()
                .batch_execute("BEGIN ISOLATION LEVEL READ COMMITTED")?;
            self.writing = true;
            let got: bool = c
                .client()
                .query_one("SELECT pg_try_advisory_xact_lock($1)", &[&WRITE_LOCK])?
                .get(0);
            if !got {
                waiting();
                c.client()
                    .execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
            }
            // Read after the lock: every batch committed before it is visible.
            c.meta("generation").map(|g| g as u64)
        })();
        r.map_err(|e| {
            self.abort_write();
            self.pg(e)
        })
    }

    fn write_batch(&mut self, batch: &BatchWrite) -> Result<()> {
        let r = {
            let mut c = self.conn.borrow_mut();
            Self::write_rows(&mut c, batch).and_then(|()| c.client().batch_execute("COMMIT"))
        };
        match r {
            Ok(()) => {
                self.writing = false;
                Ok(())
            }
            Err(e) => {
                self.abort_write();
                Err(self.pg(e))
            }
        }
    }

    fn abort_write(&mut self) {
        if std::mem::take(&mut self.writing) {
            let _ = self.conn.borrow_mut().client().batch_execute("ROLLBACK");
        }
    }

    fn snapshot(&self, recent: u64) -> Result<Snapshot> {
        let mut c = self.conn.borrow_mut();
        // One repeatable-read transaction (unless the write transaction is open, whose lock
        // keeps other writers out): a consistent view.
        let own = !self.writing;
        if own {
            c.client()
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(|e| self.pg(e))?;
        }
        let r = self.read_snapshot(&mut c, recent);
        if own {
            let _ = c.client().batch_execute("COMMIT");
        }
        r
    }

    fn same_content(&self, id: &str, body_hash: &str, text: Option<&str>) -> Result<Option<bool>> {
        Ok(self
            .same_contents(&[(id, body_hash, text)])?
            .pop()
            .flatten())
    }

    /// One query for the whole list, not a round trip per article; ids are compared as
    /// `pg_text` stores them.
    fn same_contents(&self, items: &[(&str, &str, Option<&str>)]) -> Result<Vec<Option<bool>>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Cow<str>> = items.iter().map(|&(id, _, _)| pg_text(id)).collect();
        let wanted: Vec<&str> = ids.iter().map(|id| id.as_ref()).collect();
        let mut c = self.conn.borrow_mut();
        let rows = c
            .query(
                "SELECT id, body_hash, CASE WHEN body_hash IS NULL THEN text END \
                 FROM articles WHERE id = ANY($1)",
                &[&wanted],
            )
            .map_err(|e| self.pg(e))?;
        let stored: HashMap<&str, (Option<&str>, Option<&str>)> = rows
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect();
        Ok(items
            .iter()
            .zip(&wanted)
            .map(|(&(_, body_hash, text), id)| {
                stored.get(id).map(|&(hash, stored_text)| match hash {
                    Some(h) => h == body_hash,
                    None => text.is_some_and(|t| Some(pg_text(t).as_ref()) == stored_text),
                })
            })
            .collect())
    }

    fn story_id(&self, idx: u32) -> Result<Option<String>> {
        let mut c = self.conn.borrow_mut();
        c.opt("SELECT id FROM stories WHERE idx = $1", &[&(idx as i64)])
            .map(|r| r.map(|r| r.get(0)))
            .map_err(|e| self.pg(e))
    }

    fn story_articles(&self, story_id: &str) -> Result<Option<Vec<Article>>> {
        let mut c = self.conn.borrow_mut();
        let idx = c
            .opt("SELECT idx FROM stories WHERE id = $1", &[&story_id])
            .map_err(|e| self.pg(e))?;
        let Some(idx) = idx.map(|r| r.get::<_, i64>(0)) else {
            return Ok(None);
        };
        let rows = c
            .query(
                "SELECT id, title, date, outlet, url, text, removed, about FROM articles \
                 WHERE story = $1 ORDER BY id",
                &[&idx],
            )
            .map_err(|e| self.pg(e))?;
        Ok(Some(rows.iter().map(article_of).collect()))
    }

    fn record_analysis(&mut self, story_id: &str, a: &StoredAnalysis) -> Result<bool> {
        let json = serde_json::to_string(a).map_err(|e| StoreError::Inconsistent {
            path: self.path(),
            what: format!("story {story_id}: analysis not serialisable: {e}"),
        })?;
        let mut c = self.conn.borrow_mut();
        // The analysis and its entity rows change together: a savepoint inside the write
        // transaction, a transaction of its own outside one.
        let (open, keep, undo) = if self.writing {
            (
                "SAVEPOINT record_analysis",
                "RELEASE record_analysis",
                "ROLLBACK TO record_analysis; RELEASE record_analysis",
            )
        } else {
            ("BEGIN", "COMMIT", "ROLLBACK")
        };
        c.client().batch_execute(open).map_err(|e| self.pg(e))?;
        let r = Self::record_rows(&mut c, story_id, a, &json);
        let end = if matches!(r, Ok(true)) { keep } else { undo };
        let ended = c.client().batch_execute(end);
        let kept = r.map_err(|e| self.pg(e))?;
        ended.map_err(|e| self.pg(e))?;
        Ok(kept)
    }

    fn unanalysed(&self, version: &str) -> Result<Vec<u32>> {
        let mut c = self.conn.borrow_mut();
        let rows = c
            .query(
                "SELECT idx FROM stories WHERE analysed_members IS NULL \
                 OR analysed_members != articles OR analysis_version IS DISTINCT FROM $1 \
                 ORDER BY idx",
                &[&version],
            )
            .map_err(|e| self.pg(e))?;
        Ok(rows.iter().map(|r| r.get::<_, i64>(0) as u32).collect())
    }

    fn analysis(&self, story_id: &str) -> Result<Option<StoredAnalysis>> {
        let mut c = self.conn.borrow_mut();
        let row = c
            .opt("SELECT analysis FROM stories WHERE id = $1", &[&story_id])
            .map_err(|e| self.pg(e))?;
        // An analysis this version cannot read is as good as none: it is recomputed.
        Ok(row
            .and_then(|r| r.get::<_, Option<String>>(0))
            .and_then(|j| serde_json::from_str::<StoredAnalysis>(&j).ok()))
    }
}
