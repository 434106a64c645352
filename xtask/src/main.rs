//! xtask: the repository's evaluation and benchmark commands. Each prints its metric and its
//! throughput so figures in the README can be re-measured with one command:
//!
//! - `cargo xtask train-tagger [--epochs N] [--prune X] [--out PATH] [--no-write]`: trains the
//!   entity tagger on CoNLL-2003 train, scores it alone on dev (per kind, words/s) and writes
//!   `crates/pipeline/data/tagger.bin` (the defaults reproduce the committed file).
//! - `cargo xtask eval-entities [CONLL_FILE]`: mention F1 (PER/ORG/LOC, typed and untyped) on
//!   CoNLL-2003 (default `../shared/data/conll2003/dev.txt`).
//! - `cargo xtask eval-quotes`: builds the binary and runs `bench/polnear_quotes.py` (the shared
//!   PolNeAR scorer) on the train and dev splits.
//! - `cargo xtask eval-duc [DUC_DIR]` (model from `$CORROBORATE_MODEL`: none, static, transformer): summarises each DUC 2004 docset (100 words) and scores
//!   it with the 13 published systems in one run of `../shared/peers/rouge_duc.py`; checks
//!   every summary sentence is verbatim in its source; prints ms per docset.
//! - `cargo xtask eval-similar [--model none|static|transformer] [--fit]`: the same-fact
//!   decision on MSRP train (accuracy, F1, 10-fold) and STS-B dev (Pearson, Spearman) for each
//!   model (`meaning.rs`).
//! - `cargo xtask eval-stories`: story clustering B-cubed and pairwise F1 on BASIL, ECB+ and
//!   both mixed with the seeds, beside `ref_cluster.py` and `ref_agglo.py` in the same run.
//! - `cargo xtask eval-meantime`: entities merged across a story on MEANTIME's cross-document
//!   entity coreference: mention detection and B-cubed P/R/F1 per subcorpus, beside the
//!   exact-string and singleton baselines, and articles/s (`meantime.rs`).
//! - `cargo xtask eval-extract [--quick] [--worst N]`: HTML main-text extraction on Zyte AEB,
//!   WCXB and trafilatura-eval (metrics, dates, authors, pages/s), beside trafilatura.
//! - `cargo xtask gate [--baseline PATH] [--raise]`: a quick subset of the evaluations above
//!   with the built-in static model, each figure checked against its floor in
//!   `xtask/gate-baseline.json`; exit 1 naming each figure below its floor (`gate.rs`).
//! - `cargo xtask gen-corpus N OUT.jsonl`: a deterministic corpus of N articles grown from the
//!   real ones (renamed variants of real stories, perturbed, with wire copies).
//! - `cargo xtask bench-scale N [--db postgres://...] [--stream [--minutes M]]`: ingest rate, peak RSS,
//!   store size, `stories` and `show` time (`--minutes`: the feed stops after M minutes),
//!   and the stories scored against the generator's (B-cubed); `score-scale STORE` scores a store it made
//!   on such a corpus, and the Python reference's rate on a sample.
//! - `cargo xtask fuzz [--budget SECONDS] [--seed N] [--corpus DIR]`: mutates real samples of
//!   every input format and feeds them through reading, digest, every renderer and ingest,
//!   checking invariants; failing inputs saved under `test_data/fuzz/crashes/` (`fuzz.rs`).
//! - `cargo xtask bench-serve [--clients N] [--secs S] [--reuse] [--with-ingest]`: the web app
//!   (`corroborate serve`) on the N-article store under concurrent clients: latency
//!   percentiles per page kind, requests/s, errors, server peak RSS; an ingest meanwhile loses
//!   nothing (`bench_serve.rs`).
//! - `cargo xtask bench [--articles]`: digest time of the seeds and articles/s of the digest stages on
//!   `../shared/data/stories/ecbplus.jsonl`.
//!
//! Each evaluation's metric lives in one function (`meaning::measure`, `stories::score`,
//! `entities::measure`, `quotes::measure`, `duc::summarise`) that both its command and the gate call.
//!
//! Reads the shared data beside the checkout; never downloads anything.

mod bench_serve;
mod distill;
mod duc;
mod entities;
mod extract;
mod fuzz;
mod gate;
mod meaning;
mod meantime;
mod quotes;
mod scale;
mod stories;
mod tagger;

use corroborate_model::RawArticle;
use corroborate_pipeline::{clean, run::digest, segment};
use corroborate_read::read_source;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("eval-entities") => {
            entities::eval(&shared(), args.get(1).map(PathBuf::from).as_deref())
        }
        Some("eval-quotes") => quotes::eval(&shared()),
        Some("train-tagger") => tagger::run(
            &shared(),
            &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."),
            &args[1..],
        ),
        Some("eval-duc") => duc::eval(&shared(), args.get(1).map(PathBuf::from)),
        Some("gate") => gate::run(&shared(), &args[1..]),
        Some("eval-similar") => meaning::eval(&shared(), &args[1..]),
        Some("digest") => meaning::digest_json(&args[1..]),
        Some("pairs") => meaning::pairs(&args[1..]),
        Some("eval-stories") => stories::eval(&shared()),
        Some("eval-meantime") => meantime::eval(&shared()),
        Some("gen-corpus") => match (args.get(1).and_then(|n| n.parse().ok()), args.get(2)) {
            (Some(n), Some(out)) => scale::gen_corpus(&shared(), n, &PathBuf::from(out)),
            _ => {
                eprintln!("usage: cargo xtask gen-corpus N OUT.jsonl");
                ExitCode::from(2)
            }
        },
        Some("bench-scale") => match args.get(1).and_then(|n| n.parse().ok()) {
            Some(n) => scale::bench_scale(&shared(), n),
            None => {
                eprintln!("usage: cargo xtask bench-scale N [--db URL] [--stream [--minutes M]]");
                ExitCode::from(2)
            }
        },
        Some("score-scale") => match args.get(1) {
            Some(db) => scale::score_store(&shared(), &PathBuf::from(db)),
            None => {
                eprintln!("usage: cargo xtask score-scale STORE (a store bench-scale made)");
                ExitCode::from(2)
            }
        },
        Some("bench") => bench(args.iter().any(|a| a == "--articles")),
        Some("bench-serve") => bench_serve::run(&shared(), &args[1..]),
        Some("distill") => distill::run(&args[1..]),
        Some("eval-extract") => extract::eval(&shared(), &args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask train-tagger [--epochs N] [--prune X] [--out PATH] [--no-write] | eval-entities [CONLL] | eval-quotes | eval-duc [DIR] | eval-similar [--model M] [--fit] | eval-stories | eval-meantime | eval-extract [--quick] [--worst N] | gate [--baseline PATH] [--raise] | gen-corpus N OUT | bench-scale N [--db URL] [--stream [--minutes M]] | score-scale STORE | bench-serve [--clients N] [--secs S] [--reuse] [--with-ingest] | bench | fuzz [--budget SECONDS] [--seed N] [--corpus DIR]"
            );
            ExitCode::from(2)
        }
    }
}

/// The Python with the peers' scorers: the repo's `.venv` if set up, else `python3`.
fn python() -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

fn load(path: &std::path::Path) -> Vec<RawArticle> {
    let bytes = std::fs::read(path).unwrap_or_default();
    read_source(&path.to_string_lossy(), &bytes)
        .into_iter()
        .filter_map(Result::ok)
        .collect()
}

/// Per-article stages (clean, segment, mentions, quotes, numbers) on one core: the first
/// article pays the one-time set-up (the tagger's weights, word lists, patterns), timed apart;
/// the throughput is the median of five passes over all articles. `cargo xtask bench
/// --articles` runs only this (for a profiler).
fn per_article_stages(ecb: &[corroborate_model::RawArticle]) {
    let n = ecb.len();
    let t = Instant::now();
    let mut first = clean::clean(&ecb[..1]);
    for a in &mut first {
        a.sentences = segment::segment(a);
    }
    std::hint::black_box(corroborate_pipeline::run::analyse(&first[0]));
    let setup = t.elapsed().as_secs_f64();
    let mut passes: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let mut articles = clean::clean(ecb);
            for a in &mut articles {
                a.sentences = segment::segment(a);
            }
            let analyses: Vec<_> = articles
                .iter()
                .map(corroborate_pipeline::run::analyse)
                .collect();
            std::hint::black_box(analyses);
            t.elapsed().as_secs_f64()
        })
        .collect();
    passes.sort_by(f64::total_cmp);
    println!(
        "ecbplus.jsonl per-article stages: {n} articles in {:.3} s (median of 5; best {:.3} s) = \
         {:.0} articles/s (one core); one-time set-up on the first article {:.0} ms",
        passes[2],
        passes[0],
        n as f64 / passes[2],
        setup * 1000.0
    );
}

fn bench(articles_only: bool) -> ExitCode {
    if articles_only {
        per_article_stages(&load(&shared().join("data/stories/ecbplus.jsonl")));
        return ExitCode::SUCCESS;
    }
    let seeds_dir = shared().join("seeds");
    let mut seed_raws = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&seeds_dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for p in &entries {
        seed_raws.extend(load(p));
    }
    // Seeds end to end (clean .. consolidate .. JSON) with each model, best and median of
    // 50 runs (5 with the transformer); the transformer's load from disk is timed apart.
    let t = Instant::now();
    let transformer_ms = meaning::load_transformer().map(|m| {
        std::hint::black_box(&m);
        t.elapsed().as_secs_f64() * 1e3
    });
    for (label, model) in meaning::models(None) {
        let options = corroborate_pipeline::run::Options {
            embedder: model.map(std::sync::Arc::from),
            ..Default::default()
        };
        let runs = if label == "transformer" { 5 } else { 50 };
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let d = corroborate_pipeline::run::digest_with(seed_raws.clone(), vec![], &options);
            let view = corroborate_render::View {
                articles: &d.articles,
                rejected: &d.rejected,
                stories: &d.stories,
            };
            let json = corroborate_render::json::render(&view);
            std::hint::black_box(json);
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "seeds digest (5 articles, in-process, to JSON), {label}: median {:.2} ms, best {:.2} ms",
            times[times.len() / 2],
            times[0]
        );
    }
    if let Some(ms) = transformer_ms {
        println!("transformer load (safetensors and vocabulary from disk): {ms:.0} ms");
    }
    // Embedding speed: every sentence of the seeds and of ECB+, per model.
    let ecb_raws = load(&shared().join("data/stories/ecbplus.jsonl"));
    let mut texts_owned: Vec<String> = Vec::new();
    for a in clean::clean(&ecb_raws).iter_mut() {
        a.sentences = segment::segment(a);
        texts_owned.extend(a.sentences.iter().map(|s| a.slice(s.span).to_string()));
    }
    let texts: Vec<&str> = texts_owned.iter().map(String::as_str).collect();
    for (label, model) in meaning::models(None) {
        let Some(m) = model else { continue };
        let sample = if label == "transformer" {
            &texts[..texts.len().min(1000)]
        } else {
            &texts[..]
        };
        let t = Instant::now();
        std::hint::black_box(m.embed(sample));
        println!(
            "embedding ECB+ sentences, {label}: {:.0} sentences/s ({} sentences)",
            sample.len() as f64 / t.elapsed().as_secs_f64(),
            sample.len()
        );
    }

    let ecb = load(&shared().join("data/stories/ecbplus.jsonl"));
    let n = ecb.len();
    per_article_stages(&ecb);
    let t = Instant::now();
    let one = corroborate_pipeline::run::Options {
        single_story: true,
        ..Default::default()
    };
    let d = corroborate_pipeline::run::digest_with(ecb.clone(), vec![], &one);
    let all = t.elapsed().as_secs_f64();
    println!("ecbplus.jsonl whole digest as one story: {:.3} s = {:.0} articles/s; {} entities, {} quotes", all, n as f64 / all, d.stories[0].entities.len(), d.stories[0].quotes.len());
    let t = Instant::now();
    let d = digest(ecb, vec![]);
    let split = t.elapsed().as_secs_f64();
    println!(
        "ecbplus.jsonl whole digest split into {} stories: {:.3} s = {:.0} articles/s",
        d.stories.len(),
        split,
        n as f64 / split
    );
    ExitCode::SUCCESS
}
