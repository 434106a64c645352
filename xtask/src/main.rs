//! xtask: the repository's evaluation and benchmark commands. Each prints its metric and its
//! throughput so figures in the README can be re-measured with one command:
//!
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
//! - `cargo xtask eval-extract [--quick] [--worst N]`: HTML main-text extraction on Zyte AEB,
//!   WCXB and trafilatura-eval (metrics, dates, authors, pages/s), beside trafilatura.
//! - `cargo xtask gen-corpus N OUT.jsonl`: a deterministic corpus of N articles grown from the
//!   real ones (renamed variants of real stories, perturbed, with wire copies).
//! - `cargo xtask bench-scale N`: ingest rate, peak RSS, store size, `stories` and `show` time
//!   on such a corpus, and the Python reference's rate on a sample.
//! - `cargo xtask bench`: digest time of the seeds and articles/s of the digest stages on
//!   `../shared/data/stories/ecbplus.jsonl`.
//!
//! Reads the shared data beside the checkout; never downloads anything.

mod distill;
mod extract;
mod meaning;
mod scale;
mod stories;

use corroborate_model::{Article, EntityKind, RawArticle, Span};
use corroborate_pipeline::{clean, entities, run::digest, segment};
use corroborate_read::read_source;
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("eval-entities") => eval_entities(args.get(1).map(PathBuf::from)),
        Some("eval-quotes") => eval_quotes(),
        Some("eval-duc") => eval_duc(args.get(1).map(PathBuf::from)),
        Some("eval-similar") => meaning::eval(&shared(), &args[1..]),
        Some("digest") => meaning::digest_json(&args[1..]),
        Some("pairs") => meaning::pairs(&args[1..]),
        Some("eval-stories") => stories::eval(&shared()),
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
                eprintln!("usage: cargo xtask bench-scale N");
                ExitCode::from(2)
            }
        },
        Some("bench") => bench(),
        Some("distill") => distill::run(&args[1..]),
        Some("eval-extract") => extract::eval(&shared(), &args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask eval-entities [CONLL] | eval-quotes | eval-duc [DIR] | eval-similar [--model M] [--fit] | eval-stories | eval-extract [--quick] [--worst N] | gen-corpus N OUT | bench-scale N | bench"
            );
            ExitCode::from(2)
        }
    }
}

/// One CoNLL document: sentences of (token, tag).
type Doc = Vec<Vec<(String, String)>>;

fn read_conll(text: &str) -> Vec<Doc> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut sent: Vec<(String, String)> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.starts_with("-DOCSTART-") {
            docs.push(Vec::new());
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.is_empty() {
            if !sent.is_empty() {
                if docs.is_empty() {
                    docs.push(Vec::new());
                }
                docs.last_mut().unwrap().push(std::mem::take(&mut sent));
            }
            continue;
        }
        sent.push((parts[0].to_string(), parts[parts.len() - 1].to_string()));
    }
    docs.retain(|d| !d.is_empty());
    docs
}

/// Gold spans (token start, token end, type) of a sentence in IOB2.
fn gold_spans(sent: &[(String, String)], offset: usize) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < sent.len() {
        let tag = &sent[i].1;
        if let Some(ty) = tag.strip_prefix("B-").or_else(|| tag.strip_prefix("I-")) {
            let mut j = i + 1;
            while j < sent.len() && sent[j].1 == format!("I-{ty}") {
                j += 1;
            }
            if ty != "MISC" {
                out.push((offset + i, offset + j, ty.to_string()));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn eval_entities(path: Option<PathBuf>) -> ExitCode {
    let path = path.unwrap_or_else(|| shared().join("data/conll2003/dev.txt"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read {}", path.display());
        return ExitCode::from(2);
    };
    let docs = read_conll(&text);
    let (mut tp_typed, mut tp_untyped, mut n_gold, mut n_pred) = (0usize, 0usize, 0usize, 0usize);
    let mut tokens_total = 0usize;
    let start = Instant::now();
    for doc in &docs {
        // Each CoNLL sentence becomes one paragraph; token boundaries are kept.
        let mut body = String::new();
        let mut tok_spans: Vec<Span> = Vec::new();
        let mut gold = Vec::new();
        for sent in doc {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            gold.extend(gold_spans(sent, tok_spans.len()));
            for (k, (tok, _)) in sent.iter().enumerate() {
                if k > 0 {
                    body.push(' ');
                }
                tok_spans.push(Span::new(body.len(), body.len() + tok.len()));
                body.push_str(tok);
            }
        }
        tokens_total += tok_spans.len();
        let mut article = Article::new("conll".into(), String::new(), body.clone());
        let mut paragraphs = Vec::new();
        let mut pos = 0;
        for p in body.split("\n\n") {
            paragraphs.push(Span::new(pos, pos + p.len()));
            pos += p.len() + 2;
        }
        article.paragraphs = paragraphs;
        article.sentences = segment::segment(&article);
        let mentions = entities::find_mentions(&article);
        let mut pred: HashSet<(usize, usize, String)> = HashSet::new();
        for m in mentions.iter().filter(|m| !m.role_only) {
            let ty = match m.kind {
                EntityKind::Person => "PER",
                EntityKind::Organisation => "ORG",
                EntityKind::Place => "LOC",
                EntityKind::Other => continue,
            };
            let s = tok_spans.iter().position(|t| t.start == m.span.start);
            let e = tok_spans.iter().position(|t| t.end == m.span.end);
            match (s, e) {
                (Some(s), Some(e)) => {
                    pred.insert((s, e + 1, ty.to_string()));
                }
                _ => {
                    pred.insert((usize::MAX - m.span.start, 0, ty.to_string()));
                }
            }
        }
        n_gold += gold.len();
        n_pred += pred.len();
        let untyped: HashSet<(usize, usize)> = pred.iter().map(|(s, e, _)| (*s, *e)).collect();
        for g in &gold {
            tp_typed += pred.contains(g) as usize;
            tp_untyped += untyped.contains(&(g.0, g.1)) as usize;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let f = |tp: usize| {
        let p = tp as f64 / n_pred.max(1) as f64;
        let r = tp as f64 / n_gold.max(1) as f64;
        (
            p,
            r,
            if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            },
        )
    };
    let (p, r, f1) = f(tp_typed);
    println!(
        "CoNLL-2003 {} ({} docs, {} gold PER/ORG/LOC mentions)",
        path.display(),
        docs.len(),
        n_gold
    );
    println!("typed   P {:.3} R {:.3} F1 {:.3}", p, r, f1);
    let (p, r, f1) = f(tp_untyped);
    println!("untyped P {:.3} R {:.3} F1 {:.3}", p, r, f1);
    println!(
        "speed   {:.0} tokens/s ({:.2} s)",
        tokens_total as f64 / secs,
        secs
    );
    ExitCode::SUCCESS
}

fn eval_quotes() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let built = Command::new(env!("CARGO"))
        .args(["build", "--release", "-q", "-p", "corroborate"])
        .current_dir(&root)
        .status();
    if !built.is_ok_and(|s| s.success()) {
        return ExitCode::from(2);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    let data = shared().join("data/polnear/data");
    let status = Command::new("python3")
        .arg(root.join("bench/polnear_quotes.py"))
        .arg(target.join("release/corroborate"))
        .arg(data.join("train"))
        .arg(data.join("dev"))
        .status();
    if status.is_ok_and(|s| s.success()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
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

/// DUC docs are hard-wrapped: join the lines of each blank-line-separated block.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn eval_duc(dir: Option<PathBuf>) -> ExitCode {
    let dir = dir.unwrap_or_else(|| shared().join("data/duc2004"));
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    sets.retain(|p| p.join("docs").is_dir());
    sets.sort();
    if sets.is_empty() {
        eprintln!("no docsets under {}", dir.display());
        return ExitCode::from(2);
    }
    // The model: $CORROBORATE_MODEL (none, static or transformer), words only when unset.
    let choice = std::env::var("CORROBORATE_MODEL").unwrap_or_else(|_| "none".into());
    let Some((label, model)) = meaning::models(Some(&choice)).into_iter().next() else {
        eprintln!("model {choice} is not available");
        return ExitCode::from(2);
    };
    println!("model: {label}");
    let options = corroborate_pipeline::run::Options {
        summary_words: 100,
        single_story: true,
        embedder: model.map(std::sync::Arc::from),
    };
    let mut ours = serde_json::Map::new();
    let mut ms = Vec::new();
    let mut not_verbatim = 0;
    let mut sentences = 0;
    for set in &sets {
        let mut docs: Vec<PathBuf> = std::fs::read_dir(set.join("docs"))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        docs.sort();
        let raws: Vec<RawArticle> = docs
            .iter()
            .map(|p| RawArticle {
                id: p.file_stem().unwrap_or_default().to_string_lossy().into(),
                path: p.to_string_lossy().into(),
                body: unwrap_lines(&String::from_utf8_lossy(
                    &std::fs::read(p).unwrap_or_default(),
                )),
                ..RawArticle::default()
            })
            .collect();
        let t = Instant::now();
        let d = corroborate_pipeline::run::digest_with(raws, vec![], &options);
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        let Some(story) = d.stories.first() else {
            continue;
        };
        for x in &story.summary {
            sentences += 1;
            let src = d.articles.iter().find(|a| a.id == x.source);
            if !src.is_some_and(|a| a.text.contains(&x.text)) {
                not_verbatim += 1;
            }
        }
        let text: Vec<&str> = story.summary.iter().map(|x| x.text.as_str()).collect();

        let name = set
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        ours.insert(name, text.join(" ").into());
    }
    let out = std::env::temp_dir().join(format!("corroborate-duc-{}.json", std::process::id()));
    if std::fs::write(&out, serde_json::Value::Object(ours).to_string()).is_err() {
        return ExitCode::from(2);
    }
    let scored = Command::new(python())
        .arg(shared().join("peers/rouge_duc.py"))
        .arg(&dir)
        .arg(&out)
        .output();
    let _ = std::fs::remove_file(&out);
    let Ok(scored) = scored.map_err(|e| eprintln!("cannot run the scorer: {e}")) else {
        return ExitCode::from(2);
    };
    let Ok(table) = serde_json::from_slice::<serde_json::Value>(&scored.stdout) else {
        eprintln!(
            "scorer failed (needs rouge-score: python3 -m venv .venv && .venv/bin/pip install -r ../shared/peers/requirements.txt): {}",
            String::from_utf8_lossy(&scored.stderr)
        );
        return ExitCode::from(2);
    };
    let mut rows: Vec<(String, f64, f64)> = table
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v[0].as_f64().unwrap_or(0.0),
                        v[1].as_f64().unwrap_or(0.0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    println!(
        "DUC 2004, {} docsets: ROUGE recall (rouge-score, stemmed, 100 words)",
        sets.len()
    );
    println!("{:<14} {:>6} {:>6}", "system", "R-1", "R-2");
    for (name, r1, r2) in &rows {
        let mark = if name == "corroborate" { "  <" } else { "" };
        println!("{name:<14} {r1:>6.2} {r2:>6.2}{mark}");
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "summary sentences verbatim in their source: {}/{}",
        sentences - not_verbatim,
        sentences
    );
    println!(
        "time per 10-article docset (in-process digest): median {:.1} ms, max {:.1} ms",
        ms[ms.len() / 2],
        ms[ms.len() - 1]
    );
    if not_verbatim == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn load(path: &std::path::Path) -> Vec<RawArticle> {
    let bytes = std::fs::read(path).unwrap_or_default();
    read_source(&path.to_string_lossy(), &bytes)
        .into_iter()
        .filter_map(Result::ok)
        .collect()
}

fn bench() -> ExitCode {
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
    // Per-article stages (clean, segment, mentions, quotes, numbers) on one core.
    let t = Instant::now();
    let mut articles = clean::clean(&ecb);
    for a in &mut articles {
        a.sentences = segment::segment(a);
    }
    let analyses: Vec<_> = articles
        .iter()
        .map(corroborate_pipeline::run::analyse)
        .collect();
    let per_article = t.elapsed().as_secs_f64();
    std::hint::black_box(analyses);
    println!(
        "ecbplus.jsonl per-article stages: {n} articles in {:.3} s = {:.0} articles/s (one core)",
        per_article,
        n as f64 / per_article
    );
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
