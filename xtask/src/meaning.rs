//! `cargo xtask eval-similar [--model none|static|transformer] [--fit]`: the same-fact decision
//! on MSRP train (accuracy, precision, recall, F1 with the committed calibration; and 10-fold:
//! a logistic model over the lexical score, cosine, negation, lone rare name and shared figure
//! fitted on nine folds, its cut set for accuracy, scored on the tenth) and on STS-B dev (Pearson and Spearman of its probability against the gold 0–5
//! scores), for each model: words only, the built-in static model, and the transformer when it
//! is installed (`corroborate models fetch`, or `CORROBORATE_MODEL_DIR`). `--fit` prints the
//! calibration fitted on all of MSRP train, the constants `similarity.rs` carries.
//! Reads `../shared/data`; never downloads.

// Small dense linear algebra (4×4 Newton steps) reads best with index loops.
#![allow(clippy::needless_range_loop)]

use corroborate_model::Embedder;
use corroborate_pipeline::similarity::{self, Calibration, Evidence};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Where the transformer is: `$CORROBORATE_MODEL_DIR`, else where `corroborate models fetch`
/// installs it.
pub fn transformer_dir() -> PathBuf {
    std::env::var_os("CORROBORATE_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| corroborate_embed::transformer_dir(&corroborate_embed::data_dir()))
}

/// The transformer, when installed.
pub fn load_transformer() -> Option<corroborate_embed::Transformer> {
    let dir = transformer_dir();
    let weights = std::fs::read(dir.join("model.safetensors")).ok()?;
    let vocab = std::fs::read_to_string(dir.join("vocab.txt")).ok()?;
    corroborate_embed::Transformer::from_bytes(&weights, &vocab).ok()
}

/// The models asked for: `none`, `static`, `transformer`, or all that are available.
pub fn models(choice: Option<&str>) -> Vec<(String, Option<Box<dyn Embedder>>)> {
    let mut out: Vec<(String, Option<Box<dyn Embedder>>)> = Vec::new();
    let want = |m: &str| choice.is_none_or(|c| c == m);
    if want("none") {
        out.push(("no model".into(), None));
    }
    if want("static") {
        out.push(("static".into(), Some(Box::new(corroborate_embed::Builtin))));
    }
    if want("transformer") {
        match load_transformer() {
            Some(t) => out.push(("transformer".into(), Some(Box::new(t)))),
            None => eprintln!(
                "transformer not installed in {} (corroborate models fetch): skipped",
                transformer_dir().display()
            ),
        }
    }
    out
}

/// Gold labels and sentence pairs.
type Labelled<T> = (Vec<T>, Vec<(String, String)>);

fn read_msrp(path: &Path) -> Option<Labelled<bool>> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut gold = Vec::new();
    let mut pairs = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() >= 5 {
            gold.push(f[0].trim_start_matches('\u{feff}') == "1");
            pairs.push((f[3].to_string(), f[4].to_string()));
        }
    }
    Some((gold, pairs))
}

/// STS-B in the SentEval CSV layout: tab-separated, score in column 5, sentences in 6 and 7.
fn read_stsb(path: &Path) -> Option<Labelled<f64>> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut gold = Vec::new();
    let mut pairs = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() >= 7 {
            if let Ok(g) = f[4].parse::<f64>() {
                gold.push(g);
                pairs.push((f[5].to_string(), f[6].to_string()));
            }
        }
    }
    Some((gold, pairs))
}

const N: usize = 6;
fn features(e: &Evidence) -> [f64; N] {
    [
        1.0,
        e.lexical,
        e.cosine.unwrap_or(0.0),
        f64::from(u8::from(e.negation_differs && !e.shared_quote)),
        f64::from(u8::from(e.lone_name)),
        f64::from(u8::from(e.shared_number)),
    ]
}

/// Logistic regression by Newton's method (a little L2 so it stays finite).
fn fit(xs: &[[f64; N]], ys: &[bool], uses_cosine: bool) -> [f64; N] {
    let mut w = [0.0f64; N];
    for _ in 0..30 {
        let mut g = [0.0f64; N];
        let mut h = [[0.0f64; N]; N];
        for (x, &y) in xs.iter().zip(ys) {
            let z: f64 = (0..N).map(|k| w[k] * x[k]).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = p - f64::from(u8::from(y));
            for a in 0..N {
                g[a] += r * x[a];
                for b in 0..N {
                    h[a][b] += p * (1.0 - p) * x[a] * x[b];
                }
            }
        }
        for a in 0..N {
            g[a] += 1e-3 * w[a];
            h[a][a] += 1e-3;
        }
        if !uses_cosine {
            // Keep the cosine weight at zero: fix its row.
            g[2] = 0.0;
            h[2] = [0.0; N];
            for row in h.iter_mut() {
                row[2] = 0.0;
            }
            h[2][2] = 1.0;
        }
        let step = solve(h, g);
        for k in 0..N {
            w[k] -= step[k];
        }
    }
    w
}

fn solve(mut a: [[f64; N]; N], mut b: [f64; N]) -> [f64; N] {
    for i in 0..N {
        let p = (i..N)
            .max_by(|&x, &y| a[x][i].abs().total_cmp(&a[y][i].abs()))
            .unwrap_or(i);
        a.swap(i, p);
        b.swap(i, p);
        if a[i][i].abs() < 1e-12 {
            continue;
        }
        for r in 0..N {
            if r != i {
                let f = a[r][i] / a[i][i];
                for c in 0..N {
                    a[r][c] -= f * a[i][c];
                }
                b[r] -= f * b[i];
            }
        }
    }
    let mut x = [0.0; N];
    for i in 0..N {
        if a[i][i].abs() >= 1e-12 {
            x[i] = b[i] / a[i][i];
        }
    }
    x
}

/// Fit the logistic model, then move its intercept so that probability 0.5 falls at the cut
/// that decides the training pairs best (log-loss and accuracy disagree on imbalanced data).
fn fit_for_accuracy(xs: &[[f64; N]], ys: &[bool], ev: &[Evidence], uses_cosine: bool) -> [f64; N] {
    let mut w = fit(xs, ys, uses_cosine);
    let base = calibration_of(w);
    let mut best = (f64::MIN, 0.0);
    for k in 0..=120 {
        let shift = -3.0 + k as f64 * 0.05;
        let c = Calibration {
            bias: base.bias + shift,
            ..base
        };
        let said: Vec<bool> = ev
            .iter()
            .map(|e| similarity::decide(e, e.probability(&c)))
            .collect();
        let acc = scores(ys, &said).0;
        if acc > best.0 + 1e-12 {
            best = (acc, shift);
        }
    }
    w[0] += best.1;
    w
}

fn calibration_of(w: [f64; N]) -> Calibration {
    Calibration {
        bias: w[0],
        lexical: w[1],
        cosine: w[2],
        negation: w[3],
        lone_name: w[4],
        shared_number: w[5],
    }
}

/// Accuracy, precision, recall, F1 of decisions against gold.
fn scores(gold: &[bool], said: &[bool]) -> (f64, f64, f64, f64) {
    let (mut tp, mut fp, mut fneg, mut right) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (g, p) in gold.iter().zip(said) {
        match (*g, *p) {
            (true, true) => tp += 1.0,
            (false, true) => fp += 1.0,
            (true, false) => fneg += 1.0,
            _ => {}
        }
        if g == p {
            right += 1.0;
        }
    }
    let n = gold.len().max(1) as f64;
    (
        right / n,
        tp / (tp + fp).max(1.0),
        tp / (tp + fneg).max(1.0),
        2.0 * tp / (2.0 * tp + fp + fneg).max(1.0),
    )
}

fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0;
        for k in i..=j {
            r[idx[k]] = avg;
        }
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut s, mut sa, mut sb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        s += (x - ma) * (y - mb);
        sa += (x - ma).powi(2);
        sb += (y - mb).powi(2);
    }
    s / (sa.sqrt() * sb.sqrt()).max(1e-12)
}

/// MSRP train and STS-B dev, as read from `../shared/data`.
pub struct Data {
    pub gold: Vec<bool>,
    pub pairs: Vec<(String, String)>,
    pub sgold: Vec<f64>,
    pub spairs: Vec<(String, String)>,
}

/// Read MSRP train and STS-B dev from `shared`.
pub fn read_data(shared: &Path) -> Result<Data, String> {
    let msrp_path = shared.join("data/msrp/msr_paraphrase_train.txt");
    let stsb_path = shared.join("data/stsb/sts-dev.csv");
    match (read_msrp(&msrp_path), read_stsb(&stsb_path)) {
        (Some((gold, pairs)), Some((sgold, spairs))) => Ok(Data {
            gold,
            pairs,
            sgold,
            spairs,
        }),
        _ => Err(format!(
            "cannot read {} or {}",
            msrp_path.display(),
            stsb_path.display()
        )),
    }
}

/// The figures of one model: the committed calibration on MSRP (accuracy, P, R, F1), the
/// probability alone without the vetoes (accuracy), 10-fold cross-validation (accuracy, F1),
/// STS-B Pearson and Spearman, and MSRP pairs per second.
pub struct Figures {
    pub acc: f64,
    pub p: f64,
    pub r: f64,
    pub f1: f64,
    pub plain_acc: f64,
    pub cv_acc: f64,
    pub cv_f1: f64,
    pub stsb_r: f64,
    pub stsb_rho: f64,
    pub pairs_per_s: f64,
}

/// Measure one model on `data`; also returns the evidence on the MSRP and STS-B pairs, for the
/// diagnostics `eval` prints.
pub fn measure(
    data: &Data,
    embedder: Option<&dyn Embedder>,
) -> (Figures, Vec<Evidence>, Vec<Evidence>) {
    let gold = &data.gold;
    let t = Instant::now();
    let ev = similarity::pair_evidence(&data.pairs, embedder);
    let secs = t.elapsed().as_secs_f64();
    let committed = similarity::calibration(embedder.map(|e| e.name()));
    let said: Vec<bool> = ev
        .iter()
        .map(|e| similarity::decide(e, e.probability(&committed)))
        .collect();
    let (acc, p, r, f1) = scores(gold, &said);
    // What the vetoes (different actors, one side negated) cost or gain on MSRP.
    let plain: Vec<bool> = ev
        .iter()
        .map(|e| e.probability(&committed) >= similarity::SAME)
        .collect();
    // 10-fold cross-validation of the calibration (folds by position, every tenth pair).
    let xs: Vec<[f64; N]> = ev.iter().map(features).collect();
    let mut cv_said = vec![false; gold.len()];
    for fold in 0..10 {
        let train: Vec<usize> = (0..gold.len()).filter(|k| k % 10 != fold).collect();
        let txs: Vec<[f64; N]> = train.iter().map(|&k| xs[k]).collect();
        let tys: Vec<bool> = train.iter().map(|&k| gold[k]).collect();
        let tev: Vec<Evidence> = train.iter().map(|&k| ev[k]).collect();
        let c = calibration_of(fit_for_accuracy(&txs, &tys, &tev, embedder.is_some()));
        for k in (0..gold.len()).filter(|k| k % 10 == fold) {
            cv_said[k] = similarity::decide(&ev[k], ev[k].probability(&c));
        }
    }
    let (cv_acc, _, _, cv_f1) = scores(gold, &cv_said);
    let sev = similarity::pair_evidence(&data.spairs, embedder);
    let probs: Vec<f64> = sev.iter().map(|e| e.probability(&committed)).collect();
    let figures = Figures {
        acc,
        p,
        r,
        f1,
        plain_acc: scores(gold, &plain).0,
        cv_acc,
        cv_f1,
        stsb_r: pearson(&probs, &data.sgold),
        stsb_rho: pearson(&ranks(&probs), &ranks(&data.sgold)),
        pairs_per_s: gold.len() as f64 / secs,
    };
    (figures, ev, sev)
}

/// The eval-similar command.
pub fn eval(shared: &Path, args: &[String]) -> ExitCode {
    let mut choice: Option<String> = None;
    let mut do_fit = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--model" => {
                choice = args.get(i + 1).cloned();
                i += 1;
            }
            "--fit" => do_fit = true,
            other => {
                eprintln!("eval-similar: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
        i += 1;
    }
    let data = match read_data(shared) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let gold = &data.gold;
    let positive = gold.iter().filter(|g| **g).count() as f64 / gold.len() as f64;
    println!(
        "MSRP train: {} pairs (majority class {:.3}); STS-B dev: {} pairs",
        gold.len(),
        positive.max(1.0 - positive),
        data.sgold.len()
    );
    println!(
        "{:<12} {:>9} {:>9} {:>9} {:>9} {:>11} {:>9} {:>10} {:>10} {:>10}",
        "model", "acc", "P", "R", "F1", "10-fold acc", "10f F1", "STS-B r", "STS-B rho", "pairs/s"
    );
    for (label, model) in models(choice.as_deref()) {
        let embedder = model.as_deref();
        let (f, ev, sev) = measure(&data, embedder);
        println!(
            "{:<12} (diagnostic) committed calibration: probability alone {:.3}, with the vetoes {:.3}",
            "", f.plain_acc, f.acc
        );
        println!(
            "{label:<12} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>11.3} {:>9.3} {:>10.3} {:>10.3} {:>10.0}",
            f.acc, f.p, f.r, f.f1, f.cv_acc, f.cv_f1, f.stsb_r, f.stsb_rho, f.pairs_per_s
        );
        if let Some(e) = embedder {
            let cos: Vec<f64> = sev.iter().map(|e| e.cosine.unwrap_or(0.0)).collect();
            println!(
                "{:<12} STS-B dev, cosine alone: Pearson {:.3}, Spearman {:.3} ({})",
                "",
                pearson(&cos, &data.sgold),
                pearson(&ranks(&cos), &ranks(&data.sgold)),
                e.name()
            );
        }
        if do_fit {
            let xs: Vec<[f64; N]> = ev.iter().map(features).collect();
            let w = fit_for_accuracy(&xs, gold, &ev, embedder.is_some());
            println!(
                "{:<12} fitted on all of MSRP train: Calibration {{ bias: {:.3}, lexical: {:.3}, cosine: {:.3}, negation: {:.3}, lone_name: {:.3}, shared_number: {:.3} }}",
                "", w[0], w[1], w[2], w[3], w[4], w[5]
            );
        }
    }
    ExitCode::SUCCESS
}

/// `cargo xtask digest [--model none|static|transformer] PATH...`: the digest JSON of the files
/// given (plain-text or JSONL articles) as one story, with the chosen model: for comparing
/// models on the same articles.
pub fn digest_json(args: &[String]) -> ExitCode {
    let (model, paths) = match args.first().map(String::as_str) {
        Some("--model") => (args.get(1).cloned(), &args[2.min(args.len())..]),
        _ => (Some("static".to_string()), args),
    };
    let Some((_, embedder)) = models(model.as_deref()).into_iter().next() else {
        return ExitCode::from(2);
    };
    let mut raws = Vec::new();
    for p in paths {
        let path = Path::new(p);
        let files: Vec<PathBuf> = if path.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(path)
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            v.sort();
            v
        } else {
            vec![path.to_path_buf()]
        };
        for f in files {
            raws.extend(crate::load(&f));
        }
    }
    let options = corroborate_pipeline::run::Options {
        single_story: true,
        embedder: embedder.map(std::sync::Arc::from),
        ..Default::default()
    };
    let t = Instant::now();
    let d = corroborate_pipeline::run::digest_with(raws, vec![], &options);
    eprintln!("digest: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let view = corroborate_render::View {
        articles: &d.articles,
        rejected: &d.rejected,
        stories: &d.stories,
    };
    print!("{}", corroborate_render::json::render(&view));
    ExitCode::SUCCESS
}

/// `cargo xtask pairs --model M FILE.tsv`: the evidence on each pair (lexical, cosine, actors,
/// negation, shared quote) and its probability: for looking at single decisions.
pub fn pairs(args: &[String]) -> ExitCode {
    let (model, file) = match args {
        [flag, m, f] if flag == "--model" => (Some(m.clone()), f.clone()),
        [f] => (None, f.clone()),
        _ => {
            eprintln!("usage: cargo xtask pairs [--model M] FILE.tsv");
            return ExitCode::from(2);
        }
    };
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let pairs: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    for (label, m) in models(model.as_deref()) {
        let c = similarity::calibration(m.as_deref().map(|e| e.name()));
        println!("{label}");
        for e in similarity::pair_evidence(&pairs, m.as_deref()) {
            println!(
                "  lex {:.3} cos {:.3} p {:.3} actor_differs {} neg_differs {} quote {} lone {}",
                e.lexical,
                e.cosine.unwrap_or(f64::NAN),
                e.probability(&c),
                e.actor_differs,
                e.negation_differs,
                e.shared_quote,
                e.lone_name
            );
        }
    }
    ExitCode::SUCCESS
}
