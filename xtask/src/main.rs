//! xtask: the repository's evaluation and benchmark commands. Each prints its metric and its
//! throughput so figures in the README can be re-measured with one command:
//!
//! - `cargo xtask eval-entities [CONLL_FILE]`: mention F1 (PER/ORG/LOC, typed and untyped) on
//!   CoNLL-2003 (default `../shared/data/conll2003/dev.txt`).
//! - `cargo xtask eval-quotes`: builds the binary and runs `bench/polnear_quotes.py` (the shared
//!   PolNeAR scorer) on the train and dev splits.
//! - `cargo xtask bench`: digest time of the seeds and articles/s of the digest stages on
//!   `../shared/data/stories/ecbplus.jsonl`.
//!
//! Reads the shared data beside the checkout; never downloads anything.

use corroborate_model::{Article, EntityKind, RawArticle, Span};
use corroborate_pipeline::{clean, entities, read::read_source, run::digest, segment};
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
        Some("bench") => bench(),
        _ => {
            eprintln!("usage: cargo xtask eval-entities [CONLL] | eval-quotes | bench");
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
    // Seeds end to end (clean .. consolidate .. JSON), best and median of 50 runs.
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let d = digest(seed_raws.clone(), vec![]);
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
        "seeds digest (5 articles, in-process, to JSON): median {:.2} ms, best {:.2} ms",
        times[times.len() / 2],
        times[0]
    );

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
    let d = digest(ecb, vec![]);
    let all = t.elapsed().as_secs_f64();
    println!("ecbplus.jsonl whole digest as one story: {:.3} s = {:.0} articles/s; {} entities, {} quotes", all, n as f64 / all, d.stories[0].entities.len(), d.stories[0].quotes.len());
    ExitCode::SUCCESS
}
