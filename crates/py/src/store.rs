//! The store from Python (`corroborate.Store`): `ingest` (PATHs and given articles in batches
//! through `run::prepare` and `run::Ingest`, then the touched stories analysed, as
//! `corroborate ingest` does), `stories` (the JSON of `corroborate stories --format json`) and
//! `show` (the JSON of `corroborate show --format json`: the kept analysis when it serves, else
//! the story analysed afresh and not written). Each call opens the store anew, so a Python
//! `Store` holds only a path and can be used from any thread.
//! Never runs a pipeline stage itself, never writes in `stories` or `show`, never creates a
//! store outside `ingest`.

use crate::{given_articles, model, raise, Outcome};
use corroborate_model::{RawArticle, Rejection, StoryStore};
use corroborate_pipeline::run::{self, BatchReport, Ingest, Options};
use corroborate_read::Item;
use corroborate_render::{json, View};
use corroborate_store::Store;
use pyo3::prelude::*;
use std::path::{Path, PathBuf};

/// A store that must exist already (reading calls never create one).
fn open_existing(db: &Path) -> Outcome<Store> {
    if !db.exists() {
        return Err(format!(
            "{}: no store here (ingest into it first)",
            db.display()
        ));
    }
    Store::open_existing(db).map_err(|e| e.to_string())
}

/// One ingest call: what it read, stored and rejected.
struct Run {
    ing: Ingest<Store>,
    db: PathBuf,
    batch: usize,
    pending: Vec<RawArticle>,
    total: BatchReport,
    read: usize,
    skipped: usize,
    rejected: Vec<Rejection>,
    failed: Option<String>,
}

impl Run {
    fn item(&mut self, item: Item) {
        match item {
            Item::Article(a) => self.article(a),
            Item::Rejected(r) => self.rejected.push(r),
            Item::Bytes(_) => {}
        }
    }

    fn article(&mut self, a: RawArticle) {
        self.read += 1;
        // What is stored already (same id, same text) costs nothing more, as in the CLI.
        let same = self
            .ing
            .store()
            .same_content(&a.id, &run::body_hash(&a.body), None);
        if same.ok().flatten() == Some(true) {
            self.skipped += 1;
            return;
        }
        self.pending.push(a);
        if self.pending.len() >= self.batch {
            self.commit();
        }
    }

    fn commit(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let prepared = run::prepare(std::mem::take(&mut self.pending));
        match self.ing.add(prepared, &mut || {}) {
            Ok(r) => {
                self.total.stored += r.stored;
                self.total.already += r.already;
                self.total.renamed += r.renamed;
                self.total.copies += r.copies;
                self.total.new_stories += r.new_stories;
            }
            Err(e) => {
                self.failed
                    .get_or_insert_with(|| format!("{}: batch not stored: {e}", self.db.display()));
            }
        }
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
    paths: Vec<String>,
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
        let store = Store::open(&db).map_err(|e| e.to_string())?;
        let ing = Ingest::new(store).map_err(|e| format!("{}: {e}", db.display()))?;
        let mut run = Run {
            ing,
            db: db.clone(),
            batch: batch.clamp(1, 100_000),
            pending: Vec::new(),
            total: BatchReport::default(),
            read: 0,
            skipped: 0,
            rejected: Vec::new(),
            failed: None,
        };
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
        let mut analysed = 0;
        if analyse && run.ing.pending() > 0 {
            match run.ing.analyse_touched(&options) {
                Ok(n) => analysed = n,
                Err(e) => {
                    run.failed.get_or_insert_with(|| {
                        format!("{}: stories stored but not analysed: {e}", db.display())
                    });
                }
            }
        }
        if let Some(e) = run.failed {
            return Err(e);
        }
        let rejected: Vec<serde_json::Value> = run
            .rejected
            .iter()
            .map(|r| serde_json::json!({"path": r.path, "reason": r.reason}))
            .collect();
        let report = serde_json::json!({
            "read": run.read,
            "stored": run.total.stored,
            "already": run.total.already + run.skipped,
            "renamed": run.total.renamed,
            "copies": run.total.copies,
            "new_stories": run.total.new_stories,
            "analysed": analysed,
            "unanalysed": run.ing.pending(),
            "rejected": rejected,
            "articles_in_store": run.ing.store().article_count().unwrap_or(0),
            "stories_in_store": run.ing.store().story_count().unwrap_or(0),
        });
        Ok((report.to_string(), notes))
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
        let articles = store
            .story_articles(&story)
            .map_err(|e| format!("story {story}: {e}"))?
            .ok_or_else(|| format!("{}: no story {story}", db.display()))?;
        let model_given = model.is_some();
        let load = || model::load(model.as_deref(), model::Default::Environment);
        let mut options = Options {
            summary_words: words,
            single_story: false,
            embedder: None,
        };
        if model_given {
            options.embedder = load()?;
        }
        let kept = store
            .analysis(&story)
            .map_err(|e| format!("story {story}: {e}"))?
            .filter(|a| {
                run::analysis_serves(&a.version, &options, model_given)
                    && a.members as usize == articles.len()
                    && a.sentences.len() == articles.len()
                    && a.story.articles.iter().eq(articles.iter().map(|x| &x.id))
            });
        let (articles, story) = match kept {
            Some(k) => {
                let mut articles = articles;
                for (a, s) in articles.iter_mut().zip(k.sentences) {
                    a.sentences = s;
                }
                (articles, k.story)
            }
            None => {
                if !model_given {
                    options.embedder = load()?;
                }
                run::analyse_story(articles, Some(&story), &options)
            }
        };
        let stories = [story];
        let view = View {
            articles: &articles,
            rejected: &[],
            stories: &stories,
        };
        Ok(json::render(&view))
    }))
}
