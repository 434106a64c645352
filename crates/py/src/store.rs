//! The store from Python (`corroborate.Store`): `ingest` (PATHs and given articles in batches
//! through `run::prepare` and `run::Ingest`, then the touched stories analysed, as
//! `corroborate ingest` does), `stories` (the JSON of `corroborate stories --format json`) and
//! `show` (the JSON of `corroborate show --format json`: the kept analysis when it serves, else
//! the story analysed afresh and not written). Each call opens the store anew, so a Python
//! `Store` holds only a path and can be used from any thread.
//! Never runs a pipeline stage itself, never writes in `stories` or `show`, never creates a
//! store outside `ingest`.

use crate::{given_articles, model, raise, Outcome};
use corroborate_model::{RawArticle, Rejection};
use corroborate_pipeline::run::{self, BatchReport, Ingest, Options};
use corroborate_read::Item;
use corroborate_render::{json, View};
use corroborate_store::{location_display, Store};
use pyo3::prelude::*;
use std::path::{Path, PathBuf};

/// `store_location`: the store's location fit to print (a PostgreSQL URL without its
/// password), for `Store.__repr__`.
#[pyfunction]
pub fn store_location(db: PathBuf) -> String {
    location_display(&db)
}

/// A store that must exist already (reading calls never create one).
fn open_existing(db: &Path) -> Outcome<Store> {
    Store::open_existing(db).map_err(|e| e.to_string())
}

/// One ingest call: what it read, stored and rejected.
pub(crate) struct Run {
    ing: Ingest<Store>,
    db: PathBuf,
    /// Articles per batch.
    pub(crate) batch: usize,
    pending: Vec<RawArticle>,
    total: BatchReport,
    /// Articles read.
    read: usize,
    /// Articles read that were stored already.
    skipped: usize,
    /// Inputs that could not be read.
    pub(crate) rejected: Vec<Rejection>,
    failed: Option<String>,
}

impl Run {
    /// Open (or create) the store and load its clustering state.
    pub(crate) fn open(db: &Path, batch: usize) -> Outcome<Run> {
        let store = Store::open(db).map_err(|e| e.to_string())?;
        let ing = Ingest::new(store).map_err(|e| format!("{}: {e}", location_display(db)))?;
        Ok(Run {
            ing,
            db: db.to_path_buf(),
            batch: batch.clamp(1, 100_000),
            pending: Vec::new(),
            total: BatchReport::default(),
            read: 0,
            skipped: 0,
            rejected: Vec::new(),
            failed: None,
        })
    }

    fn item(&mut self, item: Item) {
        match item {
            Item::Article(a) => self.article(a),
            Item::Rejected(r) => self.rejected.push(r),
            Item::Bytes(_) => {}
        }
    }

    /// Count articles read, `(id, body_hash)` each, and say which are new: one stored already
    /// (same id, same body) costs nothing more, as in the CLI ([`run::held_already`]).
    pub(crate) fn admit_all(&mut self, items: &[(&str, &str)]) -> Vec<bool> {
        self.read += items.len();
        let new: Vec<bool> = run::held_already(self.ing.store(), items)
            .into_iter()
            .map(|held| !held)
            .collect();
        self.skipped += new.iter().filter(|n| !**n).count();
        new
    }

    fn article(&mut self, a: RawArticle) {
        self.read += 1;
        self.pending.push(a);
        if self.pending.len() >= self.batch {
            self.commit();
        }
    }

    /// Prepare and store the pending articles, but those stored already (same id, same body,
    /// asked for the batch at once), which cost nothing more, as in the CLI.
    fn commit(&mut self) {
        let (new, held) = run::unstored(self.ing.store(), std::mem::take(&mut self.pending));
        self.skipped += held;
        if !new.is_empty() {
            let prepared = run::prepare(new);
            self.add(prepared);
        }
    }

    /// Assign and store one prepared batch; a failure is kept for the report (the first one).
    pub(crate) fn add(&mut self, prepared: run::Prepared) {
        if prepared.is_empty() {
            return;
        }
        match self.ing.add(prepared, &mut || {}) {
            Ok(r) => {
                self.total.stored += r.stored;
                self.total.already += r.already;
                self.total.renamed += r.renamed;
                self.total.copies += r.copies;
                self.total.new_stories += r.new_stories;
            }
            Err(e) => {
                self.failed.get_or_insert_with(|| {
                    format!("{}: batch not stored: {e}", location_display(&self.db))
                });
            }
        }
    }

    /// Analyse the touched stories when `analyse`, then the JSON report (or the first
    /// failure).
    pub(crate) fn report(mut self, analyse: bool, options: &Options) -> Outcome<String> {
        let mut analysed = 0;
        if analyse && self.ing.pending() > 0 {
            match self.ing.analyse_touched(options) {
                Ok(n) => analysed = n,
                Err(e) => {
                    let db = location_display(&self.db);
                    self.failed.get_or_insert_with(|| {
                        format!("{db}: stories stored but not analysed: {e}")
                    });
                }
            }
        }
        if let Some(e) = self.failed {
            return Err(e);
        }
        let rejected: Vec<serde_json::Value> = self
            .rejected
            .iter()
            .map(|r| serde_json::json!({"path": r.path, "reason": r.reason}))
            .collect();
        let report = serde_json::json!({
            "read": self.read,
            "stored": self.total.stored,
            "already": self.total.already + self.skipped,
            "renamed": self.total.renamed,
            "copies": self.total.copies,
            "new_stories": self.total.new_stories,
            "analysed": analysed,
            "unanalysed": self.ing.pending(),
            "rejected": rejected,
            "articles_in_store": self.ing.store().article_count().unwrap_or(0),
            "stories_in_store": self.ing.store().story_count().unwrap_or(0),
        });
        Ok(report.to_string())
    }
}

/// `Store.ingest`: PATHs (read as `ingest` reads them), then the given articles (a JSON array,
/// may be empty), in batches of `batch`; then, when `analyse`, every touched story is analysed
/// and kept. Returns a JSON report. Raises when the store cannot be opened or a batch fails
/// (earlier batches stay committed).
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (db, paths, articles, words, model, analyse, batch))]
pub fn store_ingest(
    py: Python<'_>,
    db: PathBuf,
    paths: Vec<PathBuf>,
    articles: String,
    words: usize,
    model: Option<String>,
    analyse: bool,
    batch: usize,
) -> PyResult<(String, Vec<String>)> {
    raise(py.detach(move || {
        let embedder = model::load(model.as_deref(), model::Default::Static)?;
        let options = Options {
            summary_words: words,
            single_story: false,
            embedder,
        };
        let mut run = Run::open(&db, batch)?;
        let mut notes = Vec::new();
        corroborate_read::read_paths(
            &paths,
            &corroborate_read::Options::default(),
            &mut |item| run.item(item),
            &mut |n| notes.push(n.to_string()),
        );
        let (mut raws, mut rejected) = (Vec::new(), Vec::new());
        given_articles(&articles, &mut raws, &mut rejected)?;
        run.rejected.extend(rejected);
        for a in raws {
            run.article(a);
        }
        run.commit();
        Ok((run.report(analyse, &options)?, notes))
    }))
}

/// `Store.stories`: the JSON `corroborate stories --format json --limit LIMIT` prints.
#[pyfunction]
pub fn store_stories(py: Python<'_>, db: PathBuf, limit: usize) -> PyResult<String> {
    raise(py.detach(move || {
        let store = open_existing(&db)?;
        let rows = store
            .stories(limit)
            .map_err(|e| format!("cannot list the stories: {e}"))?;
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id, "headline": s.headline, "articles": s.articles,
                    "independent_sources": s.independent_sources,
                    "first_date": s.first_date, "last_date": s.last_date,
                    "analysed": s.analysed.is_some(),
                })
            })
            .collect();
        Ok(serde_json::json!({ "stories": list }).to_string())
    }))
}

/// `Store.show`: the JSON `corroborate show STORY --format json` prints (the same decision
/// between the kept analysis and a fresh one; the model is loaded only when `model` is given
/// or the story must be analysed). Raises naming the store and the id when there is no such
/// story.
#[pyfunction]
#[pyo3(signature = (db, story, words, model=None))]
pub fn store_show(
    py: Python<'_>,
    db: PathBuf,
    story: String,
    words: usize,
    model: Option<String>,
) -> PyResult<String> {
    raise(py.detach(move || {
        let store = open_existing(&db)?;
        let mut options = Options {
            summary_words: words,
            single_story: false,
            embedder: None,
        };
        let load = || model::load(model.as_deref(), model::Default::Environment);
        let (articles, story) =
            run::kept_or_fresh(&store, &story, &mut options, model.is_some(), &load)?
                .ok_or_else(|| format!("{}: no story {story}", location_display(&db)))?;
        let stories = [story];
        let view = View {
            articles: &articles,
            rejected: &[],
            stories: &stories,
        };
        Ok(json::render(&view))
    }))
}
