//! `corroborate._corroborate`: the native half of the Python package `corroborate` (the
//! Python half, `python/corroborate/__init__.py`, is the public API and turns what this module
//! returns into dicts). Every function here takes plain values (paths, JSON text, numbers),
//! releases the GIL (`Python::detach`) for all its work, and returns JSON text that is exactly
//! what the CLI prints for the same request (`digest --format json`, `show --format json`,
//! `stories --format json`, `extract`'s records), so the two can never drift apart.
//!
//! | function | CLI counterpart | in | out |
//! |---|---|---|---|
//! | [`extract_page`] | `extract --url` | HTML bytes | one page record (JSON) |
//! | [`read_articles`] | how `digest` reads PATHs | paths | articles, rejections, notes |
//! | [`digest_json`] | `digest --format json` | paths and/or articles (JSON) | schema-v1 JSON |
//! | [`similar`] | `similar --tsv` | two sentences | probability, decision |
//! | [`store_ingest`], [`store_stories`], [`store_show`] | `ingest`, `stories`, `show` | store path | report / JSON |
//!
//! It calls the orchestrator (`corroborate_pipeline::run`), the readers (`corroborate_read`),
//! the store and the JSON renderer; it never runs a pipeline stage itself, never opens an
//! input file except through `corroborate_read`, and never prints to stdout. Errors become
//! `corroborate.Error` (a `ValueError`) whose message names the path, store or story id.

mod model;
mod prepare;
mod store;

use corroborate_model::{RawArticle, Rejection};
use corroborate_pipeline::run::{digest_with, Options};
use corroborate_render::{json, View};
use pyo3::prelude::*;
use std::path::PathBuf;

pyo3::create_exception!(
    _corroborate,
    Error,
    pyo3::exceptions::PyValueError,
    "What corroborate could not do: the message names the path, store or story id."
);

/// A failure inside the GIL-free part, turned into `corroborate.Error` once the GIL is back.
type Outcome<T> = Result<T, String>;

fn raise<T>(r: Outcome<T>) -> PyResult<T> {
    r.map_err(Error::new_err)
}

/// An article given by Python (a dict the package checked and normalised), as JSON.
#[derive(serde::Deserialize)]
struct Given {
    id: String,
    path: String,
    text: String,
    title: Option<String>,
    date: Option<String>,
    outlet: Option<String>,
    url: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    language: Option<String>,
    #[serde(default)]
    summary_only: bool,
    #[serde(default)]
    headline_in_text: bool,
}

/// The articles Python gave (a JSON array of [`Given`]) as the readers would make them: a
/// date read like a JSON Lines `date` field; an empty or oversized text a rejection naming
/// the article's path, as for a JSON Lines line.
fn given_articles(
    articles: &str,
    raws: &mut Vec<RawArticle>,
    rejected: &mut Vec<Rejection>,
) -> Outcome<()> {
    if articles.is_empty() {
        return Ok(());
    }
    let given: Vec<Given> =
        serde_json::from_str(articles).map_err(|e| format!("articles: not readable ({e})"))?;
    for g in given {
        let reason = if g.text.trim().is_empty() {
            Some("no \"text\" (or it is empty)".to_string())
        } else if g.text.len() > corroborate_read::MAX_ARTICLE_BYTES {
            Some(format!(
                "text too large ({} bytes, limit {})",
                g.text.len(),
                corroborate_read::MAX_ARTICLE_BYTES
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            rejected.push(Rejection {
                path: g.path,
                reason,
            });
            continue;
        }
        raws.push(RawArticle {
            id: g.id,
            path: g.path,
            title: g.title,
            date: g
                .date
                .and_then(|d| corroborate_lang::date::parse_field_date(&d)),
            outlet: g.outlet,
            url: g.url,
            body: g.text,
            body_has_headline: g.headline_in_text,
            authors: g.authors,
            language: g.language,
            summary_only: g.summary_only,
        });
    }
    Ok(())
}

/// Read PATHs as `digest` does (every format, directories recursively), then append the given
/// articles. Notes (WARC records skipped, files left unread) are returned as text.
fn gather(
    paths: &[PathBuf],
    articles: &str,
) -> Outcome<(Vec<RawArticle>, Vec<Rejection>, Vec<String>)> {
    let mut notes = Vec::new();
    let (mut raws, mut rejected) =
        corroborate_read::gather(paths, &corroborate_read::Options::default(), &mut |n| {
            notes.push(n.to_string())
        });
    given_articles(articles, &mut raws, &mut rejected)?;
    Ok((raws, rejected, notes))
}

/// "PATH: reason; PATH: reason" (the first ten), for a message.
fn listed(rejected: &[Rejection]) -> String {
    let mut shown: Vec<String> = rejected
        .iter()
        .take(10)
        .map(|r| format!("{}: {}", r.path, r.reason))
        .collect();
    if rejected.len() > 10 {
        shown.push(format!("and {} more", rejected.len() - 10));
    }
    shown.join("; ")
}

/// The record `corroborate extract` prints for a page, without `path`.
fn page_record(p: &RawArticle) -> serde_json::Value {
    serde_json::json!({"title": p.title, "text": p.body, "date": p.date,
        "authors": p.authors, "outlet": p.outlet, "language": p.language, "url": p.url,
        "summary_only": p.summary_only})
}

/// `extract`: the main text and metadata of one HTML page, as JSON; `url` is the page's URL
/// (as `corroborate extract --url`). Raises when the page is too large, binary or has no text.
#[pyfunction]
#[pyo3(signature = (html, url=None))]
fn extract_page(py: Python<'_>, html: Vec<u8>, url: Option<String>) -> PyResult<String> {
    raise(py.detach(move || {
        let hints = corroborate_read::Hints {
            url,
            content_type: None,
        };
        let page = corroborate_read::extract_html(&html, &hints)?;
        if page.text.trim().is_empty() {
            return Err("no article text found in the page".to_string());
        }
        let raw = RawArticle {
            title: page.title,
            date: page.date,
            outlet: page.outlet,
            url: page.url,
            body: page.text,
            authors: page.authors,
            language: page.language,
            summary_only: page.summary_only,
            ..RawArticle::default()
        };
        Ok(page_record(&raw).to_string())
    }))
}

/// `read`: the articles at PATHs as `digest` reads them. Returns (articles as a JSON array,
/// rejections as (path, reason) pairs, notes).
#[allow(clippy::type_complexity)]
#[pyfunction]
fn read_articles(
    py: Python<'_>,
    paths: Vec<PathBuf>,
) -> PyResult<(String, Vec<(String, String)>, Vec<String>)> {
    raise(py.detach(move || {
        let (raws, rejected, notes) = gather(&paths, "")?;
        let list: Vec<serde_json::Value> = raws
            .iter()
            .map(|a| {
                serde_json::json!({"id": a.id, "path": a.path, "title": a.title,
                    "text": a.body, "date": a.date, "outlet": a.outlet, "url": a.url,
                    "authors": a.authors, "language": a.language,
                    "summary_only": a.summary_only, "headline_in_text": a.body_has_headline})
            })
            .collect();
        let rejected = rejected.into_iter().map(|r| (r.path, r.reason)).collect();
        Ok((serde_json::Value::Array(list).to_string(), rejected, notes))
    }))
}

/// `digest`: the schema-v1 JSON `corroborate digest --format json` prints for the same
/// articles, byte for byte, and the reading notes. `articles` is a JSON array of articles
/// given by Python (may be empty). Raises when no article is usable.
#[pyfunction]
#[pyo3(signature = (paths, articles, words, single_story, model=None))]
fn digest_json(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    articles: String,
    words: usize,
    single_story: bool,
    model: Option<String>,
) -> PyResult<(String, Vec<String>)> {
    raise(py.detach(move || {
        let embedder = model::load(model.as_deref(), model::Default::Environment)?;
        let (raws, rejected, notes) = gather(&paths, &articles)?;
        let options = Options {
            summary_words: words,
            single_story,
            embedder,
        };
        let d = digest_with(raws, rejected, &options);
        if d.articles.is_empty() {
            return Err(if d.rejected.is_empty() {
                "no articles given".to_string()
            } else {
                format!("no usable articles: {}", listed(&d.rejected))
            });
        }
        let view = View {
            articles: &d.articles,
            rejected: &d.rejected,
            stories: &d.stories,
        };
        Ok((json::render(&view), notes))
    }))
}

/// `similar`: the same-fact probability the aligner gives two claims seen alone, and its
/// decision (`corroborate similar` for one line).
#[pyfunction]
#[pyo3(signature = (a, b, model=None))]
fn similar(py: Python<'_>, a: String, b: String, model: Option<String>) -> PyResult<(f64, bool)> {
    raise(py.detach(move || {
        if a.trim().is_empty() || b.trim().is_empty() {
            return Err("similar: an empty sentence".to_string());
        }
        if a.len().max(b.len()) > corroborate_pipeline::run::MAX_SENTENCE_BYTES {
            return Err("similar: a sentence over 64 KB (not judged)".to_string());
        }
        let embedder = model::load(model.as_deref(), model::Default::Environment)?;
        let judged = corroborate_pipeline::run::judge_pairs(&[(a, b)], embedder.as_deref());
        judged
            .into_iter()
            .next()
            .ok_or_else(|| "similar: no judgement".to_string())
    }))
}

#[pymodule]
fn _corroborate(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("Error", m.py().get_type::<Error>())?;
    m.add(
        "DEFAULT_WORDS",
        corroborate_pipeline::summary::DEFAULT_WORDS,
    )?;
    m.add_function(wrap_pyfunction!(extract_page, m)?)?;
    m.add_function(wrap_pyfunction!(read_articles, m)?)?;
    m.add_function(wrap_pyfunction!(digest_json, m)?)?;
    m.add_function(wrap_pyfunction!(similar, m)?)?;
    m.add_function(wrap_pyfunction!(store::store_ingest, m)?)?;
    m.add_function(wrap_pyfunction!(prepare::files, m)?)?;
    m.add_function(wrap_pyfunction!(prepare::prepare, m)?)?;
    m.add_function(wrap_pyfunction!(prepare::store_ingest_prepared, m)?)?;
    m.add("ROW_KEYS", prepare::ROW_KEYS.to_vec())?;
    m.add_function(wrap_pyfunction!(store::store_stories, m)?)?;
    m.add_function(wrap_pyfunction!(store::store_show, m)?)?;
    m.add_function(wrap_pyfunction!(store::store_location, m)?)?;
    Ok(())
}
