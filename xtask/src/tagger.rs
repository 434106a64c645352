//! `cargo xtask train-tagger [--epochs N] [--prune X] [--out PATH] [--no-write]`: trains the
//! pipeline's entity tagger (`corroborate_pipeline::tagger`) on CoNLL-2003 train, scores it on
//! CoNLL-2003 dev (mention P/R/F1 per kind and overall, typed and untyped; words/s) and writes
//! its weights to `crates/pipeline/data/tagger.bin`, the file the binary embeds. Deterministic:
//! the same data and flags give the same bytes. Never reads the test split.

use crate::entities::{gold_spans, read_conll};
use corroborate_pipeline::tagger::{self, DocWords, Labelled, Tagger, LABELS};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

fn labelled(path: &Path) -> Result<Vec<Vec<Labelled>>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(read_conll(&text)
        .into_iter()
        .map(|doc| {
            doc.into_iter()
                .map(|s| {
                    let words = s.iter().map(|(w, _)| w.clone()).collect();
                    let tags = s.iter().map(|(_, t)| tagger::label_id(t)).collect();
                    (words, tags)
                })
                .collect()
        })
        .collect())
}

/// Spans (start, end, kind) of a label sequence in IOB2.
fn spans(tags: &[u8], offset: usize) -> Vec<(usize, usize, String)> {
    let sent: Vec<(String, String)> = tags
        .iter()
        .map(|&t| (String::new(), LABELS[t as usize].to_string()))
        .collect();
    // gold_spans leaves MISC out (as the pipeline's eval does); count it separately here.
    let mut out = gold_spans(&sent, offset);
    let mut i = 0;
    while i < tags.len() {
        if tags[i] == 7 {
            let mut j = i + 1;
            while j < tags.len() && tags[j] == 8 {
                j += 1;
            }
            out.push((offset + i, offset + j, "MISC".into()));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// One row of the score table: kind, gold mentions, predicted, right.
type Row = (String, usize, usize, usize);

/// Per kind and untyped: rows; also words tagged and seconds.
pub fn score(t: &Tagger, docs: &[Vec<Labelled>]) -> (Vec<Row>, usize, f64) {
    let kinds = ["PER", "ORG", "LOC", "MISC"];
    let mut counts = vec![(0usize, 0usize, 0usize); kinds.len()];
    let mut untyped = (0usize, 0usize, 0usize);
    let mut words = 0;
    let start = Instant::now();
    for doc in docs {
        let refs: Vec<Vec<&str>> = doc
            .iter()
            .map(|(ws, _)| ws.iter().map(String::as_str).collect())
            .collect();
        let dw = DocWords::of(refs.iter().map(Vec::as_slice));
        let mut memory = tagger::Memory::default();
        for (k, (_, gold)) in doc.iter().enumerate() {
            words += gold.len();
            let said = t.tag(&refs[k], &dw, &mut memory);
            let g: HashSet<_> = spans(gold, 0).into_iter().collect();
            let p: HashSet<_> = spans(&said, 0).into_iter().collect();
            for (ki, kind) in kinds.iter().enumerate() {
                counts[ki].0 += g.iter().filter(|s| s.2 == *kind).count();
                counts[ki].1 += p.iter().filter(|s| s.2 == *kind).count();
                counts[ki].2 += p.iter().filter(|s| s.2 == *kind && g.contains(*s)).count();
            }
            let gu: HashSet<_> = g.iter().map(|s| (s.0, s.1)).collect();
            untyped.0 += gu.len();
            untyped.1 += p.len();
            untyped.2 += p.iter().filter(|s| gu.contains(&(s.0, s.1))).count();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mut rows: Vec<Row> = kinds
        .iter()
        .zip(&counts)
        .map(|(k, c)| (k.to_string(), c.0, c.1, c.2))
        .collect();
    rows.push(("untyped".into(), untyped.0, untyped.1, untyped.2));
    (rows, words, secs)
}

fn prf(gold: usize, pred: usize, right: usize) -> (f64, f64, f64) {
    let p = right as f64 / pred.max(1) as f64;
    let r = right as f64 / gold.max(1) as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Print the score table of `t` on `docs`.
pub fn report(t: &Tagger, docs: &[Vec<Labelled>]) {
    let (rows, words, secs) = score(t, docs);
    let (mut g3, mut p3, mut r3) = (0, 0, 0);
    println!("{:<10} {:>6} {:>6} {:>6}", "kind", "P", "R", "F1");
    for (k, g, p, r) in &rows {
        let (pp, rr, ff) = prf(*g, *p, *r);
        println!("{k:<10} {pp:>6.3} {rr:>6.3} {ff:>6.3}");
        if matches!(k.as_str(), "PER" | "ORG" | "LOC") {
            g3 += g;
            p3 += p;
            r3 += r;
        }
    }
    let (pp, rr, ff) = prf(g3, p3, r3);
    println!("{:<10} {pp:>6.3} {rr:>6.3} {ff:>6.3}", "PER+ORG+LOC");
    let (g4, p4, r4) = rows[..4]
        .iter()
        .fold((0, 0, 0), |a, r| (a.0 + r.1, a.1 + r.2, a.2 + r.3));
    let (pp, rr, ff) = prf(g4, p4, r4);
    println!("{:<10} {pp:>6.3} {rr:>6.3} {ff:>6.3}", "all four");
    println!("speed      {:.0} words/s", words as f64 / secs);
}

/// The train-tagger command.
pub fn run(shared: &Path, root: &Path, args: &[String]) -> ExitCode {
    let (mut epochs, mut prune, mut write) = (10usize, 0.0f32, true);
    let mut out: PathBuf = root.join("crates/pipeline/data/tagger.bin");
    let mut i = 0;
    while i < args.len() {
        let next = args.get(i + 1);
        match (args[i].as_str(), next) {
            ("--epochs", Some(v)) => epochs = v.parse().unwrap_or(epochs),
            ("--prune", Some(v)) => prune = v.parse().unwrap_or(prune),
            ("--out", Some(v)) => out = PathBuf::from(v),
            ("--no-write", _) => {
                write = false;
                i += 1;
                continue;
            }
            (other, _) => {
                eprintln!("train-tagger: unknown or incomplete argument {other}");
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    let data = shared.join("data/conll2003");
    let (train, dev) = match (
        labelled(&data.join("train.txt")),
        labelled(&data.join("dev.txt")),
    ) {
        (Ok(t), Ok(d)) => (t, d),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let t = tagger::train(&train, epochs, 0x5eed, prune);
    println!(
        "trained on CoNLL-2003 train ({} docs) in {:.1} s: {} features, {} epochs, prune {}",
        train.len(),
        start.elapsed().as_secs_f64(),
        t.len(),
        epochs,
        prune
    );
    if std::env::var("TAGGER_RAW").is_ok() {
        println!("unquantised:");
        report(&t, &dev);
    }
    // Score what would be written: the quantised weights.
    let bytes = t.encode();
    let Some(t) = Tagger::decode(&bytes) else {
        eprintln!("train-tagger: the encoded weights do not read back");
        return ExitCode::from(1);
    };
    println!("CoNLL-2003 dev, mentions (exact span and kind):");
    report(&t, &dev);
    if write {
        if let Err(e) = std::fs::write(&out, &bytes) {
            eprintln!("cannot write {}: {e}", out.display());
            return ExitCode::from(2);
        }
        println!("wrote {} ({} bytes)", out.display(), bytes.len());
    }
    ExitCode::SUCCESS
}
