//! Prepared articles from Python, for ingest split over a cluster (Spark, Dask): `files` (the
//! files reading a PATH reads, in its order), `prepare` (one PATH's articles each prepared on
//! its own by `run::prepare_article`: rows for a Parquet file, the map step of a job) and
//! `store_ingest_prepared` (such rows, in reading order, assigned to stories in one process
//! batch by batch as `corroborate ingest` assigns the articles it reads, through
//! `run::finish` and `run::Ingest`).
//! A row is a dict of [`ROW_KEYS`]: `source` and `seq` order the rows (the index of the file
//! in the job's list and the article's place in it); a row with `rejected` set is an input that
//! could not be read, kept so nothing goes missing silently.
//! Never runs a pipeline stage itself; never reads a path it was not given.

use crate::store::Run;
use crate::{model, raise, Outcome};
use corroborate_model::Rejection;
use corroborate_pipeline::prepared::PreparedRecord;
use corroborate_pipeline::run::{self, Options, PreparedArticle};
use corroborate_read::Item;
use corroborate_render::clip;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::path::PathBuf;

/// The keys of a row, in the order of a table's columns.
pub const ROW_KEYS: [&str; 14] = [
    "source",
    "seq",
    "path",
    "format",
    "id",
    "title",
    "date",
    "outlet",
    "url",
    "body_hash",
    "given_title",
    "article",
    "features",
    "rejected",
];

/// Articles prepared per call to `prepare_articles`: enough for every core, few enough that a
/// large WARC is never held twice as raw text.
const CHUNK: usize = 512;

/// `files`: what reading PATH reads, in order: PATH itself for a file, and for a path that is
/// not there (so that `prepare` reports it as a rejected row, as `ingest` reports it); a
/// directory's files. Walks the directory with the GIL released.
/// Paths pass as the operating system's bytes (Python's `os.fsencode`/`os.fsdecode`), so a
/// file name that is not UTF-8 reaches `prepare` as it is on disk.
#[pyfunction]
pub fn files(py: Python<'_>, path: PathBuf) -> Vec<std::ffi::OsString> {
    py.detach(move || {
        let found = corroborate_read::files(&path);
        if found.is_empty() && !path.is_dir() {
            return vec![path.into_os_string()];
        }
        found.into_iter().map(PathBuf::into_os_string).collect()
    })
}

/// One row: a prepared article or a rejection.
enum Row {
    Article(Box<PreparedRecord>),
    Rejected(Rejection),
}

/// `prepare`: PATH's articles, each prepared on its own, as rows (with `source` and `seq`
/// filled), and the reading notes.
#[pyfunction]
pub fn prepare(
    py: Python<'_>,
    path: PathBuf,
    source: i64,
) -> PyResult<(Vec<Py<PyDict>>, Vec<String>)> {
    let (rows, notes) = py.detach(move || {
        let mut rows: Vec<Row> = Vec::new();
        let mut notes = Vec::new();
        let mut raws = Vec::new();
        // Rejections keep their place among the articles.
        let flush = |raws: &mut Vec<_>, rows: &mut Vec<Row>| {
            for p in run::prepare_articles(raws) {
                rows.push(Row::Article(Box::new(PreparedRecord::of(&p))));
            }
            raws.clear();
        };
        corroborate_read::read_paths(
            std::slice::from_ref(&path),
            &corroborate_read::Options::default(),
            &mut |item| match item {
                Item::Article(a) => {
                    raws.push(a);
                    if raws.len() >= CHUNK {
                        flush(&mut raws, &mut rows);
                    }
                }
                Item::Rejected(r) => {
                    flush(&mut raws, &mut rows);
                    rows.push(Row::Rejected(r));
                }
                Item::Bytes(_) => {}
            },
            &mut |n| notes.push(n.to_string()),
        );
        flush(&mut raws, &mut rows);
        (rows, notes)
    });
    let mut out = Vec::with_capacity(rows.len());
    for (seq, row) in rows.into_iter().enumerate() {
        let d = PyDict::new(py);
        for key in ROW_KEYS {
            d.set_item(key, py.None())?;
        }
        d.set_item("source", source)?;
        d.set_item("seq", seq as i64)?;
        match row {
            Row::Article(r) => {
                d.set_item("path", r.path)?;
                d.set_item("format", r.format)?;
                d.set_item("id", r.id)?;
                d.set_item("title", r.title)?;
                d.set_item("date", r.date)?;
                d.set_item("outlet", r.outlet)?;
                d.set_item("url", r.url)?;
                d.set_item("body_hash", r.body_hash)?;
                d.set_item("given_title", r.given_title)?;
                d.set_item("article", r.article)?;
                d.set_item("features", PyBytes::new(py, &r.features))?;
            }
            Row::Rejected(r) => {
                d.set_item("path", r.path)?;
                d.set_item("rejected", r.reason)?;
            }
        }
        out.push(d.unbind());
    }
    Ok((out, notes))
}

/// An error about the row at `index` (its place among the rows given).
fn row_error(index: usize, what: impl std::fmt::Display) -> PyErr {
    crate::Error::new_err(format!(
        "row {index}: {what} (rows come from corroborate.prepare)"
    ))
}

/// A cell of a row, or an error naming the row and the column it lacks.
fn cell<'py>(index: usize, row: &Bound<'py, PyAny>, key: &str) -> PyResult<Bound<'py, PyAny>> {
    row.get_item(key)
        .map_err(|_| row_error(index, format_args!("no \"{key}\" column")))
}

/// A missing cell: None, or NaN from a pandas column.
fn missing(v: &Bound<'_, PyAny>) -> bool {
    v.is_none() || v.extract::<f64>().is_ok_and(f64::is_nan)
}

/// A string cell of a row (absent or None: `None`).
fn text(index: usize, row: &Bound<'_, PyAny>, key: &str) -> PyResult<Option<String>> {
    let v = cell(index, row, key)?;
    if missing(&v) {
        return Ok(None);
    }
    v.extract::<String>().map(Some).map_err(|_| {
        let kind = v
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        row_error(
            index,
            format_args!("\"{key}\" must be a string or None, not {kind}"),
        )
    })
}

/// A whole-number cell (`source`, `seq`): an integer, or a float without a fraction (pandas
/// turns an integer column with a gap into floats).
fn whole(index: usize, row: &Bound<'_, PyAny>, key: &str) -> PyResult<i64> {
    let v = cell(index, row, key)?;
    if let Ok(i) = v.extract::<i64>() {
        return Ok(i);
    }
    if missing(&v) {
        return Err(row_error(index, format_args!("\"{key}\" is missing")));
    }
    match v.extract::<f64>() {
        Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
        _ => {
            let shown = v
                .repr()
                .map(|r| clip(&r.to_string(), 40))
                .unwrap_or_default();
            Err(row_error(
                index,
                format_args!("\"{key}\" must be a whole number, not {shown}"),
            ))
        }
    }
}

/// A row back as what it holds, with its (source, seq); `index` is its place among the rows
/// given, for messages.
fn read_row(index: usize, row: &Bound<'_, PyAny>) -> PyResult<((i64, i64), Row)> {
    let order = (whole(index, row, "source")?, whole(index, row, "seq")?);
    let path = text(index, row, "path")?.unwrap_or_default();
    if let Some(reason) = text(index, row, "rejected")? {
        return Ok((order, Row::Rejected(Rejection { path, reason })));
    }
    let shown = clip(&path, 200);
    let need = |k: &str| -> PyResult<String> {
        text(index, row, k)?.ok_or_else(|| row_error(index, format_args!("{shown}: no \"{k}\"")))
    };
    let features = cell(index, row, "features")?;
    let features: Vec<u8> = features
        .extract()
        .map_err(|_| row_error(index, format_args!("{shown}: \"features\" must be bytes")))?;
    let record = PreparedRecord {
        format: need("format")?,
        id: need("id")?,
        title: text(index, row, "title")?.unwrap_or_default(),
        date: text(index, row, "date")?,
        outlet: text(index, row, "outlet")?,
        url: text(index, row, "url")?,
        body_hash: need("body_hash")?,
        given_title: text(index, row, "given_title")?,
        article: need("article")?,
        features,
        path,
    };
    Ok((order, Row::Article(Box::new(record))))
}

/// `Store.ingest_prepared`: rows from `prepare`, in (source, seq) order, assigned to stories
/// in batches of `batch` articles not stored yet (as `corroborate ingest` batches what it
/// reads), then, when `analyse`, every touched story analysed and kept. Returns the JSON
/// report of `Store.ingest`. Raises naming the row when rows are out of order or not rows of
/// this corroborate (batches before it stay committed).
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (db, rows, words, model, analyse, batch))]
pub fn store_ingest_prepared(
    py: Python<'_>,
    db: PathBuf,
    rows: &Bound<'_, PyAny>,
    words: usize,
    model: Option<String>,
    analyse: bool,
    batch: usize,
) -> PyResult<String> {
    let options = raise(py.detach(|| -> Outcome<Options> {
        Ok(Options {
            summary_words: words,
            single_story: false,
            embedder: model::load(model.as_deref(), model::Default::Static)?,
        })
    }))?;
    let mut run = raise(py.detach(|| Run::open(&db, batch)))?;
    // Rows read, asked of the store a batch at a time; then read back into articles.
    let mut rows_read: Vec<(usize, Box<PreparedRecord>)> = Vec::new();
    let flush = |run: &mut Run, rows_read: Vec<(usize, Box<PreparedRecord>)>| {
        let asked: Vec<(&str, &str)> = rows_read
            .iter()
            .map(|(_, r)| (r.id.as_str(), r.body_hash.as_str()))
            .collect();
        let new = run.admit_all(&asked);
        drop(asked);
        let mut pending: Vec<PreparedArticle> = Vec::with_capacity(rows_read.len());
        for ((index, record), new) in rows_read.into_iter().zip(new) {
            if new {
                let shown = clip(&record.path, 200);
                pending.push(
                    record
                        .read()
                        .map_err(|e| row_error(index, format_args!("{shown}: {e}")))?,
                );
            }
        }
        PyResult::Ok(pending)
    };
    let mut last: Option<(i64, i64)> = None;
    for (index, row) in rows.try_iter()?.enumerate() {
        let (order, row) = read_row(index, &row?)?;
        if last.is_some_and(|l| order <= l) {
            return Err(crate::Error::new_err(format!(
                "row {index} (source {}, seq {}): rows must come in ascending (source, seq) \
                 order, as prepare numbers them (sort them, or read the Parquet files with \
                 Store.ingest_prepared)",
                order.0, order.1
            )));
        }
        last = Some(order);
        let record = match row {
            Row::Rejected(r) => {
                run.rejected.push(r);
                continue;
            }
            Row::Article(r) => r,
        };
        rows_read.push((index, record));
        if rows_read.len() >= run.batch {
            let items = flush(&mut run, std::mem::take(&mut rows_read))?;
            py.detach(|| run.add(run::finish(items)));
        }
    }
    let pending = flush(&mut run, rows_read)?;
    raise(py.detach(|| {
        run.add(run::finish(pending));
        run.report(analyse, &options)
    }))
}
