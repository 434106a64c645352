//! The store commands: `ingest` (streams inputs in batches into the store, with a progress bar
//! on a terminal), `stories` (the listing) and `show` (one story through the digest renderers).
//! All store IO of the binary lives here; the pipeline stays pure.

use crate::{write_stdout, Format};
use corroborate_model::RawArticle;
use corroborate_pipeline::{consolidate, run, segment};
use corroborate_read::{self as input, Item};
use corroborate_render::{html, json, markdown, text, View};
use corroborate_store::{Ingest, Prepared, Store};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The store path: `--db`, else `$CORROBORATE_DB`, else `corroborate.db` in the working directory.
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
fn open_existing(path: &Path) -> Option<Store> {
    if !path.exists() {
        eprintln!(
            "corroborate: {}: no store here (run `corroborate ingest` first)",
            path.display()
        );
        return None;
    }
    open(path)
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
pub fn ingest(paths: &[String], db: &Path, quiet: bool, batch: usize) -> ExitCode {
    let Some(store) = open(db) else {
        return ExitCode::from(2);
    };
    let mut ing = match Ingest::new(store) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("corroborate: {}: {e}", db.display());
            return ExitCode::from(2);
        }
    };
    let bar = progress(quiet, input::total_bytes(paths));
    let start = Instant::now();
    let (mut stored, mut already, mut copies, mut new_stories, mut rejected, mut read) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    let mut failed = false;
    let mut skipped = 0usize;
    let mut pending: Vec<RawArticle> = Vec::with_capacity(batch);
    // Batches are prepared (cleaned, featurized) on a worker thread while the previous one
    // is clustered and committed here.
    let (to_prepare, prepare_rx) = std::sync::mpsc::sync_channel::<Vec<RawArticle>>(1);
    let (prepared_tx, prepared) = std::sync::mpsc::sync_channel::<Prepared>(1);
    let worker = std::thread::spawn(move || {
        for raws in prepare_rx {
            if prepared_tx.send(Ingest::prepare(raws)).is_err() {
                break;
            }
        }
    });
    let mut commit = |p: Prepared, ing: &mut Ingest, bar: &ProgressBar| match ing.commit(p) {
        Ok(r) => {
            stored += r.stored;
            already += r.already;
            copies += r.copies;
            new_stories += r.new_stories;
            let secs = start.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!(
                "{stored} stored, {} stories, {:.0} articles/s",
                ing.story_count(),
                stored as f64 / secs
            ));
            true
        }
        Err(e) => {
            bar.suspend(|| eprintln!("corroborate: {}: batch not stored: {e}", db.display()));
            false
        }
    };
    input::stream(paths, &mut |item| match item {
        Item::Article(a) => {
            read += 1;
            // Skip what is stored already before any work is spent on it.
            if ing.store().has_article(&a.id).unwrap_or(false) {
                skipped += 1;
                return;
            }
            pending.push(a);
            if pending.len() >= batch {
                let _ = to_prepare.send(std::mem::take(&mut pending));
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
    if !pending.is_empty() {
        let _ = to_prepare.send(std::mem::take(&mut pending));
    }
    drop(to_prepare);
    for p in prepared.iter() {
        failed |= !commit(p, &mut ing, &bar);
    }
    let _ = worker.join();
    bar.finish_and_clear();
    already += skipped;
    if !quiet {
        let total = ing.store().article_count().unwrap_or(0);
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{}: stored {stored} articles ({copies} copies), {new_stories} new stories, \
             {already} already stored, {rejected} rejected in {secs:.2} s ({:.0} articles/s); \
             the store holds {total} articles in {} stories",
            db.display(),
            stored as f64 / secs.max(1e-9),
            ing.story_count()
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
    let Some(store) = open_existing(db) else {
        return ExitCode::from(2);
    };
    if check {
        if let Err(e) = store.check() {
            eprintln!("corroborate: {}: {e}", db.display());
            return ExitCode::from(2);
        }
    }
    let rows = match store.stories(limit) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("corroborate: {}: {e}", db.display());
            return ExitCode::from(2);
        }
    };
    let out = if as_json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id, "headline": s.headline, "articles": s.articles,
                    "independent_sources": s.independent_sources,
                    "first_date": s.first_date, "last_date": s.last_date,
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
            out.push_str(&format!(
                "{}  {}  {} articles, {} independent  {}\n    {}\n",
                s.id,
                dates,
                s.articles.len(),
                s.independent_sources,
                corroborate_render::sanitize(&s.headline),
                corroborate_render::sanitize(&s.articles.join(" ")),
            ));
        }
        out
    };
    if write_stdout(&out) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// `corroborate show`.
pub fn show(
    db: &Path,
    story: &str,
    format: Format,
    words: usize,
    embedder: Option<std::sync::Arc<dyn corroborate_model::Embedder>>,
) -> ExitCode {
    let Some(store) = open_existing(db) else {
        return ExitCode::from(2);
    };
    let mut articles = match store.story_articles(story) {
        Ok(Some(a)) => a,
        Ok(None) => {
            eprintln!("corroborate: {}: no story {story}", db.display());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("corroborate: {}: {e}", db.display());
            return ExitCode::from(2);
        }
    };
    for a in &mut articles {
        a.sentences = segment::segment(a);
    }
    let analyses: Vec<_> = articles.iter().map(run::analyse).collect();
    let mut s = consolidate::consolidate(&articles, &analyses, words, embedder.as_deref());
    s.id = story.to_string();
    // Keep the listing's headline and source count as the full analysis found them.
    let _ = store.record_analysis(story, &s.headline, s.independent_sources as u32);
    let stories = [s];
    let view = View {
        articles: &articles,
        rejected: &[],
        stories: &stories,
    };
    let out = match format {
        Format::Text => text::render(&view),
        Format::Json => json::render(&view),
        Format::Markdown => markdown::render(&view),
        Format::Html => html::render(&view),
    };
    if write_stdout(&out) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
