//! STS-B check and speed of both embedders.
//!
//! In: the STS-B file (`--sts FILE`, default `shared/data/stsb/sts-dev.csv` beside the
//! checkout; tab-separated, gold score in column 5, the sentences in 6 and 7), optionally
//! `--model-dir DIR` (all-MiniLM-L6-v2's `model.safetensors` and `vocab.txt`) and
//! `--sentences FILE` (one sentence a line, timed as well). Out: on stdout, Spearman's rank
//! correlation of cosine against gold for each model, and sentences per second (the static
//! model on one core, the transformer on every core).
//!
//! `cargo run --release -p corroborate-embed --example stsb -- --model-dir DIR --sentences F`
//!
//! Never downloads anything; lines that do not parse are skipped and counted.

use corroborate_embed::{StaticModel, Transformer};
use corroborate_model::Embedder;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let sts = arg("--sts").unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/stsb/sts-dev.csv")
    });
    let text = match std::fs::read_to_string(&sts) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", sts.display());
            std::process::exit(2);
        }
    };
    let mut pairs = Vec::new();
    let mut skipped = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match (
            f.get(4).and_then(|g| g.parse::<f64>().ok()),
            f.get(5),
            f.get(6),
        ) {
            (Some(g), Some(a), Some(b)) => pairs.push((g, *a, *b)),
            _ => skipped += 1,
        }
    }
    println!(
        "{}: {} pairs ({skipped} lines skipped)",
        sts.display(),
        pairs.len()
    );
    let extra: Vec<String> = arg("--sentences")
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|t| {
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();

    report(StaticModel::builtin(), &pairs, &extra, 1000);
    if let Some(dir) = arg("--model-dir") {
        let weights = std::fs::read(dir.join("model.safetensors"));
        let vocab = std::fs::read_to_string(dir.join("vocab.txt"));
        match (weights, vocab) {
            (Ok(w), Ok(v)) => match Transformer::from_bytes(&w, &v) {
                Ok(model) => report(&model, &pairs, &extra, usize::MAX),
                Err(e) => eprintln!("{}: {e}", dir.display()),
            },
            _ => eprintln!("{}: no model.safetensors or vocab.txt", dir.display()),
        }
    }
}

/// Spearman on the pairs and throughput; texts go to `embed` in batches of `batch`.
fn report(model: &dyn Embedder, pairs: &[(f64, &str, &str)], extra: &[String], batch: usize) {
    let texts: Vec<&str> = pairs.iter().flat_map(|(_, a, b)| [*a, *b]).collect();
    let start = Instant::now();
    let vectors: Vec<Vec<f32>> = texts
        .chunks(batch.max(1))
        .flat_map(|c| model.embed(c))
        .collect();
    let mut secs = start.elapsed().as_secs_f64();
    let mut done = texts.len();
    // Repeat fast models until a second has passed, for a stable rate.
    while secs < 1.0 {
        let t = Instant::now();
        for c in texts.chunks(batch.max(1)) {
            std::hint::black_box(model.embed(c));
        }
        secs += t.elapsed().as_secs_f64();
        done += texts.len();
    }
    let cos: Vec<f64> = vectors
        .chunks_exact(2)
        .map(|p| p[0].iter().zip(&p[1]).map(|(a, b)| f64::from(a * b)).sum())
        .collect();
    let gold: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let words = texts
        .iter()
        .map(|t| t.split_whitespace().count())
        .sum::<usize>() as f64;
    println!(
        "{}: Spearman {:.4}; {:.0} sentences/s on STS-B ({:.1} words per sentence)",
        model.name(),
        spearman(&cos, &gold),
        done as f64 / secs,
        words / texts.len() as f64
    );
    if !extra.is_empty() {
        let refs: Vec<&str> = extra.iter().map(String::as_str).collect();
        let (mut n, t) = (0, Instant::now());
        while n == 0 || t.elapsed().as_secs_f64() < 1.0 {
            for c in refs.chunks(batch.max(1)) {
                std::hint::black_box(model.embed(c));
            }
            n += refs.len();
        }
        println!(
            "{}: {:.0} sentences/s on {} sentences of the file",
            model.name(),
            n as f64 / t.elapsed().as_secs_f64(),
            refs.len()
        );
    }
}

fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..=j] {
            r[k] = (i + j) as f64 / 2.0;
        }
        i = j + 1;
    }
    r
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va.sqrt() * vb.sqrt())
}
