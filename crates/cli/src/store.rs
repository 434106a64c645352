//! The store commands: `ingest` (streams inputs in batches through the pipeline's orchestrator
//! into the store, with a progress bar on a terminal), `stories` (the listing) and `show` (one
//! story's kept analysis through the digest renderers). The commands that read never write.
//! Never runs a pipeline stage itself: it calls the orchestrator (`run`). Never prints a
//! PostgreSQL store's password: every message names the store through `location_display`.

use crate::{write_stdout, Format};
use anyhow::Context;
use corroborate_model::RawArticle;
use corroborate_pipeline::run::{self, Ingest, IngestError, Options, Prepared};
use corroborate_read::{self as input, Item};
use corroborate_render::{html, json, markdown, text, View};
use corroborate_store::{location_display, Store};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The store location: `--db`, else `$CORROBORATE_DB`, else `corroborate.db` in the working
/// directory. A `postgres://` or `postgresql://` URL names a PostgreSQL database; messages show
/// it through `location_display`, without its password.
pub fn db_path(db: Option<PathBuf>) -> PathBuf {
    db.or_else(|| std::env::var_os("CORROBORATE_DB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("corroborate.db"))
}

fn open(path: &Path) -> Option<Store> {
    match Store::open(path) {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("corroborate: {e}");
            None
        }
    }
}

/// Open a store that must exist already (reading commands never create one).
fn open_existing(path: &Path) -> anyhow::Result<Store> {
    Ok(Store::open_existing(path)?)
}

/// A failed command: its error chain on one stderr line (sanitized: paths and ids come from
/// input), exit code 2.
fn fail(e: &anyhow::Error) -> ExitCode {
    eprintln!(
        "corroborate: {}",
        corroborate_render::sanitize(&format!("{e:#}"))
    );
    ExitCode::from(2)
}

fn progress(quiet: bool, total: u64) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    // indicatif draws nothing when stderr is not a terminal, so pipes and logs stay clean.
    let bar = ProgressBar::with_draw_target(
        (total > 0).then_some(total),
        ProgressDrawTarget::stderr_with_hz(5),
    );
    let style = if total > 0 {
        ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {msg} ({per_sec} read, ETA {eta})",
        )
    } else {
        ProgressStyle::with_template("{spinner} {bytes} {msg} ({per_sec} read)")
    };
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}

/// `corroborate ingest`.
pub fn ingest(
    paths: &[String],
    db: &Path,
    quiet: bool,
    batch: usize,
    horizon: Option<u64>,
    options: &Options,
    analyse: bool,
) -> ExitCode {
    let Some(store) = open(db) else {
        return ExitCode::from(2);
    };
    let ing = match horizon {
        Some(h) => Ingest::with_horizon(store, h),
        None => Ingest::new(store),
    };
    let mut ing = match ing {
        Ok(i) => i,
        Err(e) => {
            eprintln!("corroborate: {}: {e}", location_display(db));
            return ExitCode::from(2);
        }
    };
    let bar = progress(quiet, input::total_bytes(paths));
    let start = Instant::now();
    let mut total = run::BatchReport::default();
    let (mut rejected, mut read, mut skipped, mut analysed) = (0usize, 0usize, 0usize, 0usize);
    let mut failed = false;
    let fatal = std::cell::Cell::new(false);
    let mut pending: Vec<RawArticle> = Vec::with_capacity(batch.min(10_000));
    // Batches are prepared (cleaned, featurized) on a worker thread while the previous one
    // is assigned and committed here.
    let (to_prepare, prepare_rx) = std::sync::mpsc::sync_channel::<Vec<RawArticle>>(1);
    let (prepared_tx, prepared) = std::sync::mpsc::sync_channel::<Prepared>(1);
    let worker = std::thread::spawn(move || {
        for raws in prepare_rx {
            if prepared_tx.send(run::prepare(raws)).is_err() {
                break;
            }
        }
    });
    let mut commit = |p: Prepared, ing: &mut Ingest<Store>, bar: &ProgressBar| {
        let mut waiting = || {
            bar.suspend(|| {
                eprintln!(
                    "corroborate: {}: another process is writing to the store; waiting for it",
                    location_display(db)
                )
            })
        };
        match ing.add(p, &mut waiting) {
            Ok(r) => {
                total.stored += r.stored;
                total.already += r.already;
                total.renamed += r.renamed;
                total.copies += r.copies;
                total.new_stories += r.new_stories;
                let secs = start.elapsed().as_secs_f64().max(1e-9);
                bar.set_message(format!(
                    "{} stored, {} stories, {:.0} articles/s",
                    total.stored,
                    ing.story_count(),
                    total.stored as f64 / secs
                ));
                true
            }
            Err(e) => {
                bar.suspend(|| {
                    eprintln!(
                        "corroborate: {}: batch not stored: {e}",
                        location_display(db)
                    )
                });
                // No later batch can be stored either: the rest of the input is skipped unprepared.
                if matches!(e, IngestError::Horizon { .. } | IngestError::State) {
                    fatal.set(true);
                }
                false
            }
        }
    };
    input::stream(paths, &mut |item| match item {
        Item::Article(_) if fatal.get() => {}
        Item::Article(a) => {
            read += 1;
            pending.push(a);
            if pending.len() >= batch {
                // Skip what is stored already (same id, same text) before any work is spent
                // on it.
                let (new, held) = run::unstored(ing.store(), std::mem::take(&mut pending));
                skipped += held;
                if !new.is_empty() {
                    let _ = to_prepare.send(new);
                }
                while let Ok(p) = prepared.try_recv() {
                    failed |= !commit(p, &mut ing, &bar);
                }
            }
        }
        Item::Rejected(r) => {
            rejected += 1;
            bar.suspend(|| {
                eprintln!(
                    "corroborate: {}: {}",
                    corroborate_render::sanitize(&r.path),
                    corroborate_render::sanitize(&r.reason)
                )
            });
        }
        Item::Bytes(n) => bar.inc(n),
    });
    let (new, held) = run::unstored(ing.store(), std::mem::take(&mut pending));
    skipped += held;
    if !new.is_empty() {
        let _ = to_prepare.send(new);
    }
    drop(to_prepare);
    for p in prepared.iter() {
        failed |= !commit(p, &mut ing, &bar);
    }
    let _ = worker.join();
    let assigned = start.elapsed().as_secs_f64();
    if analyse && ing.pending() > 0 {
        bar.set_message(format!("analysing {} stories", ing.pending()));
        match ing.analyse_touched(options) {
            Ok(n) => analysed = n,
            Err(e) => {
                bar.suspend(|| {
                    eprintln!(
                        "corroborate: {}: stories stored but not analysed: {e}",
                        location_display(db)
                    )
                });
                failed = true;
            }
        }
    }
    bar.finish_and_clear();
    total.already += skipped;
    if !quiet {
        let held = ing.store().article_count().unwrap_or(0);
        let stories = ing.store().story_count().unwrap_or(0);
        let secs = start.elapsed().as_secs_f64();
        let renamed = if total.renamed > 0 {
            format!(
                ", {} kept under a content-hash suffix (their id was stored with other text)",
                total.renamed
            )
        } else {
            String::new()
        };
        println!(
            "{}: stored {} articles ({} copies){renamed}, {} new stories, {} already stored, \
             {rejected} rejected in {assigned:.2} s ({:.0} articles/s); analysed {analysed} \
             stories in {:.2} s{}; the store holds {held} articles in {stories} stories",
            location_display(db),
            total.stored,
            total.copies,
            total.new_stories,
            total.already,
            total.stored as f64 / assigned.max(1e-9),
            secs - assigned,
            if analyse {
                String::new()
            } else {
                format!(" ({} left for `corroborate analyse`)", ing.pending())
            },
        );
    }
    if failed || (read == 0 && rejected > 0) {
        ExitCode::from(2)
    } else if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `corroborate stories`.
pub fn stories(db: &Path, as_json: bool, limit: usize, check: bool) -> ExitCode {
    match listing(db, as_json, limit, check) {
        Ok(out) if write_stdout(&out) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(2),
        Err(e) => fail(&e),
    }
}

fn listing(db: &Path, as_json: bool, limit: usize, check: bool) -> anyhow::Result<String> {
    let store = open_existing(db)?;
    if check {
        store.check()?;
    }
    let rows = store.stories(limit).context("cannot list the stories")?;
    Ok(if as_json {
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
        serde_json::json!({ "stories": list }).to_string() + "\n"
    } else {
        let mut out = String::new();
        for s in &rows {
            let dates = match (&s.first_date, &s.last_date) {
                (Some(a), Some(b)) if a == b => a.clone(),
                (Some(a), Some(b)) => format!("{a}..{b}"),
                _ => "undated".into(),
            };
            let pending = if s.analysed.is_some() {
                ""
            } else {
                "  (not analysed yet: founder's title, copies not folded)"
            };
            out.push_str(&format!(
                "{}  {}  {} articles, {} independent  {}{pending}\n    {}\n",
                s.id,
                dates,
                s.articles.len(),
                s.independent_sources,
                corroborate_render::sanitize(&s.headline),
                corroborate_render::sanitize(&s.articles.join(" ")),
            ));
        }
        out
    })
}

/// `corroborate show`: the kept analysis when it covers every member and was made by this
/// pipeline with this summary length (and, when `--model` was given, with that model);
/// otherwise the story is analysed now (and not written: reading commands never write). The
/// model is loaded only when `--model` was given or the story must be analysed.
pub fn show(
    db: &Path,
    story: &str,
    format: Format,
    words: usize,
    model_given: bool,
    load: &run::LoadModel,
) -> ExitCode {
    match render_story(db, story, format, words, model_given, load) {
        Ok(out) if write_stdout(&out) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(2),
        Err(e) => fail(&e),
    }
}

fn render_story(
    db: &Path,
    story: &str,
    format: Format,
    words: usize,
    model_given: bool,
    load: &run::LoadModel,
) -> anyhow::Result<String> {
    let store = open_existing(db)?;
    let mut options = Options {
        summary_words: words,
        single_story: false,
        embedder: None,
    };
    let (articles, story) = run::kept_or_fresh(&store, story, &mut options, model_given, load)
        .map_err(anyhow::Error::msg)?
        .with_context(|| format!("{}: no story {story}", location_display(db)))?;
    let stories = [story];
    let view = View {
        articles: &articles,
        rejected: &[],
        stories: &stories,
    };
    Ok(match format {
        Format::Text => text::render(&view),
        Format::Json => json::render(&view),
        Format::Markdown => markdown::render(&view),
        Format::Html => html::render(&view),
    })
}

/// `corroborate analyse`: every story whose kept analysis is missing or stale.
pub fn analyse(db: &Path, options: &Options) -> ExitCode {
    let mut store = match open_existing(db) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let start = Instant::now();
    match run::analyse_unanalysed(&mut store, options) {
        Ok(n) => {
            println!(
                "{}: analysed {n} stories in {:.2} s",
                location_display(db),
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&anyhow::Error::new(e)),
    }
}
