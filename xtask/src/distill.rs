//! `cargo xtask distill`: rebuilds `crates/embed/data/static-minilm.bin`, the built-in static
//! model, from all-MiniLM-L6-v2 by model2vec's method with the weighting measured in
//! `shared/notes/meaning-probe.md`.
//!
//! In: `--model-dir DIR` (holding `model.safetensors` and `vocab.txt`, e.g. the one
//! `corroborate` installs under `~/.local/share/corroborate/models/all-MiniLM-L6-v2`), and word
//! frequencies of English: `--wordfreq TSV` (lines `word<TAB>frequency`), or else the xtask runs
//! `$PYTHON` (default `python3`) with the `wordfreq` package to list them. Optional `--out PATH`
//! (default the crate's data file). Out: the model file, and its size, timings and vocabulary
//! count on stderr.
//!
//! Steps: keep every vocabulary token that normalized text can produce
//! (`tokenizer::reachable`: no `[unused…]`, no accented or capitalised pieces, no `##.`); run
//! `[CLS] token [SEP]` through the transformer and keep the output at the token's position;
//! PCA to 256 dimensions (centre, 384×384 covariance in f64, cyclic Jacobi eigendecomposition,
//! each eigenvector's largest component made positive); weight each token by SIF,
//! `1e-3 / (1e-3 + p)`, where `p` is the token's probability in English: each of the top
//! 100,000 `wordfreq` words adds its frequency to each of its word pieces, and every token
//! gets half the smallest word frequency added before normalising (so unseen pieces weigh
//! about 1); quantize rows to int8 (`StaticModel::from_parts`).
//!
//! Exact commands used for the committed file:
//!
//! ```text
//! python3 -m venv /work/venv-embed && /work/venv-embed/bin/pip install wordfreq==3.1.1
//! /work/venv-embed/bin/python -c 'import wordfreq as w
//! for x in w.top_n_list("en", 100000): print(x, w.word_frequency(x, "en"), sep="\t")' > /tmp/wordfreq-en.tsv
//! cargo xtask distill --model-dir ~/.local/share/corroborate/models/all-MiniLM-L6-v2 --wordfreq /tmp/wordfreq-en.tsv
//! ```
//!
//! (`PYTHON=/work/venv-embed/bin/python cargo xtask distill --model-dir DIR` does the same in
//! one step.) Invariant: the same model, word list and machine give a byte-identical file
//! (fixed chunking, sorted eigenpairs, no randomness); a CPU with other SIMD kernels in
//! `matrixmultiply` may differ in the last bits. Never downloads anything itself.

use corroborate_embed::{tokenizer, StaticModel, Transformer};
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Hidden states of one chunk of tokens, or why the transformer refused it.
type Rows = Result<Vec<f32>, String>;

const HIDDEN: usize = corroborate_embed::transformer::HIDDEN;
/// Output dimension of the static model.
const DIM: usize = 256;
/// SIF's `a`.
const SIF_A: f64 = 1e-3;
/// Sequences per forward call: equal across runs so the floats are too.
const CHUNK: usize = 512;
const WORDS: usize = 100_000;

/// Entry point: `args` are the arguments after `distill`.
pub fn run(args: &[String]) -> ExitCode {
    match distill(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("distill: {e}");
            eprintln!("usage: cargo xtask distill --model-dir DIR [--wordfreq TSV] [--out PATH]");
            ExitCode::from(2)
        }
    }
}

fn distill(args: &[String]) -> Result<(), String> {
    let mut model_dir = None;
    let mut wordfreq = None;
    let mut out =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crates/embed/data/static-minilm.bin");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--model-dir" => model_dir = Some(PathBuf::from(value()?)),
            "--wordfreq" => wordfreq = Some(PathBuf::from(value()?)),
            "--out" => out = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let dir = model_dir.ok_or("--model-dir is required")?;
    let start = Instant::now();
    let read = |name: &str| {
        let p = dir.join(name);
        std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))
    };
    let vocab_txt = String::from_utf8(read("vocab.txt")?).map_err(|_| "vocab.txt is not UTF-8")?;
    let model = Transformer::from_bytes(&read("model.safetensors")?, &vocab_txt)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let vocab: Vec<&str> = vocab_txt.lines().collect();

    let freq_text = match wordfreq {
        Some(p) => std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?,
        None => run_wordfreq()?,
    };
    let prob = token_probabilities(&model, &freq_text, vocab.len())?;

    let keep: Vec<u32> = (0..vocab.len() as u32)
        .filter(|&i| tokenizer::reachable(vocab[i as usize]))
        .collect();
    eprintln!(
        "{} of {} tokens can occur in normalized text",
        keep.len(),
        vocab.len()
    );

    let t = Instant::now();
    let states = token_states(&model, &keep)?;
    eprintln!(
        "transformer over {} tokens: {:.1} s",
        keep.len(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let projected = pca(&states, keep.len(), DIM);
    eprintln!("PCA to {DIM}: {:.1} s", t.elapsed().as_secs_f64());

    let weights: Vec<f32> = keep
        .iter()
        .map(|&i| (SIF_A / (SIF_A + prob[i as usize])) as f32)
        .collect();
    let tokens: Vec<String> = keep
        .iter()
        .map(|&i| vocab[i as usize].to_string())
        .collect();
    let model =
        StaticModel::from_parts(tokens, DIM, &projected, weights).map_err(|e| e.to_string())?;
    let bytes = model.to_bytes();
    std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!(
        "wrote {} ({} bytes, {:.2} MB) in {:.1} s",
        out.display(),
        bytes.len(),
        bytes.len() as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The top English words and their frequencies from the `wordfreq` package, as TSV.
fn run_wordfreq() -> Result<String, String> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let code = format!(
        "import wordfreq as w\nfor x in w.top_n_list('en', {WORDS}): print(x, w.word_frequency(x, 'en'), sep='\\t')"
    );
    let out = Command::new(&python)
        .args(["-c", &code])
        .output()
        .map_err(|e| format!("{python}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{python} could not list wordfreq's words (pip install wordfreq==3.1.1, or pass --wordfreq TSV): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "wordfreq output is not UTF-8".into())
}

/// Probability of each vocabulary id: word frequencies spread onto the word's pieces, plus
/// half the smallest word frequency for every token, normalised to sum 1.
fn token_probabilities(model: &Transformer, tsv: &str, vocab: usize) -> Result<Vec<f64>, String> {
    let mut count = vec![0.0f64; vocab];
    let mut smallest = f64::INFINITY;
    let mut words = 0usize;
    let mut pieces = Vec::new();
    for line in tsv.lines().filter(|l| !l.trim().is_empty()) {
        let (word, f) = line
            .rsplit_once('\t')
            .ok_or(format!("not word<TAB>frequency: {line:?}"))?;
        let f: f64 = f
            .trim()
            .parse()
            .map_err(|_| format!("bad frequency in {line:?}"))?;
        if f.is_nan() || f <= 0.0 || f.is_infinite() {
            continue;
        }
        pieces.clear();
        model.tokenizer().pieces(word, usize::MAX, &mut pieces);
        for id in pieces.iter().flatten() {
            count[*id as usize] += f;
        }
        smallest = smallest.min(f);
        words += 1;
    }
    if words == 0 {
        return Err("the word list is empty".into());
    }
    eprintln!("{words} words of frequency data");
    let floor = smallest / 2.0;
    let total: f64 = count.iter().map(|c| c + floor).sum();
    Ok(count.iter().map(|c| (c + floor) / total).collect())
}

/// The transformer's output at position 1 of `[CLS] token [SEP]` for every token in `ids`,
/// `ids.len()` rows of `HIDDEN`. Chunks of `CHUNK` sequences are shared among the cores.
fn token_states(model: &Transformer, ids: &[u32]) -> Result<Vec<f32>, String> {
    let tok = model.tokenizer();
    let (cls, sep) = tok
        .cls()
        .zip(tok.sep())
        .ok_or("vocabulary lacks [CLS] or [SEP]")?;
    let chunks: Vec<&[u32]> = ids.chunks(CHUNK).collect();
    let ordered: Vec<Rows> = corroborate_embed::parallel_map(&chunks, 1, |chunk| {
        let seqs: Vec<u32> = chunk.iter().flat_map(|&t| [cls, t, sep]).collect();
        let states = model.hidden_states(&seqs, 3).map_err(|e| e.to_string());
        states.map(|st| {
            st.chunks_exact(3 * HIDDEN)
                .flat_map(|seq| seq[HIDDEN..2 * HIDDEN].to_vec())
                .collect()
        })
    });
    let mut all = Vec::with_capacity(ids.len() * HIDDEN);
    for rows in ordered {
        all.extend(rows?);
    }
    Ok(all)
}

/// Rows of `x` (`n` × `HIDDEN`) centred and projected on the top `k` principal axes.
fn pca(x: &[f32], n: usize, k: usize) -> Vec<f32> {
    let d = HIDDEN;
    let mut mean = vec![0.0f64; d];
    for row in x.chunks_exact(d) {
        for (m, &v) in mean.iter_mut().zip(row) {
            *m += f64::from(v);
        }
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    let mut cov = vec![0.0f64; d * d];
    let mut centred = vec![0.0f64; d];
    for row in x.chunks_exact(d) {
        for (c, (&v, m)) in centred.iter_mut().zip(row.iter().zip(&mean)) {
            *c = f64::from(v) - m;
        }
        for i in 0..d {
            let ci = centred[i];
            let line = &mut cov[i * d..(i + 1) * d];
            for (j, cj) in centred.iter().enumerate().skip(i) {
                line[j] += ci * cj;
            }
        }
    }
    for i in 0..d {
        for j in 0..i {
            cov[i * d + j] = cov[j * d + i];
        }
    }
    cov.iter_mut().for_each(|c| *c /= (n.max(2) - 1) as f64);
    let (values, vectors) = jacobi_eigen(cov, d);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let total: f64 = values.iter().sum();
    let kept: f64 = order[..k].iter().map(|&i| values[i]).sum();
    eprintln!("PCA keeps {:.1}% of the variance", 100.0 * kept / total);
    // Axes as rows, each signed so its largest component is positive.
    let axes: Vec<Vec<f64>> = order[..k]
        .iter()
        .map(|&c| {
            let mut axis: Vec<f64> = (0..d).map(|r| vectors[r * d + c]).collect();
            let big = axis
                .iter()
                .fold(0.0f64, |b, &v| if v.abs() > b.abs() { v } else { b });
            if big < 0.0 {
                axis.iter_mut().for_each(|v| *v = -*v);
            }
            axis
        })
        .collect();
    let mut out = Vec::with_capacity(n * k);
    for row in x.chunks_exact(d) {
        for (c, (&v, m)) in centred.iter_mut().zip(row.iter().zip(&mean)) {
            *c = f64::from(v) - m;
        }
        out.extend(
            axes.iter()
                .map(|axis| axis.iter().zip(&centred).map(|(a, c)| a * c).sum::<f64>() as f32),
        );
    }
    out
}

/// Eigenvalues and eigenvectors (columns of the returned row-major `d`×`d` matrix) of the
/// symmetric matrix `a`, by cyclic Jacobi rotations until the off-diagonal mass vanishes.
fn jacobi_eigen(mut a: Vec<f64>, d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0f64; d * d];
    for i in 0..d {
        v[i * d + i] = 1.0;
    }
    let scale: f64 = a.iter().map(|x| x * x).sum();
    for _sweep in 0..100 {
        let off: f64 = (0..d)
            .flat_map(|i| (0..d).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * d + j] * a[i * d + j])
            .sum();
        if off <= 1e-24 * scale {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                let apq = a[p * d + q];
                if apq.abs() <= 1e-300 {
                    continue;
                }
                let theta = (a[q * d + q] - a[p * d + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..d {
                    let (kp, kq) = (a[k * d + p], a[k * d + q]);
                    a[k * d + p] = c * kp - s * kq;
                    a[k * d + q] = s * kp + c * kq;
                }
                for k in 0..d {
                    let (pk, qk) = (a[p * d + k], a[q * d + k]);
                    a[p * d + k] = c * pk - s * qk;
                    a[q * d + k] = s * pk + c * qk;
                }
                for k in 0..d {
                    let (kp, kq) = (v[k * d + p], v[k * d + q]);
                    v[k * d + p] = c * kp - s * kq;
                    v[k * d + q] = s * kp + c * kq;
                }
            }
        }
    }
    ((0..d).map(|i| a[i * d + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_finds_eigenpairs() {
        let d = 5;
        let mut a = vec![0.0; d * d];
        for i in 0..d {
            for j in 0..d {
                a[i * d + j] = 1.0 / (1.0 + (i + j) as f64) + if i == j { i as f64 } else { 0.0 };
            }
        }
        let (values, vectors) = jacobi_eigen(a.clone(), d);
        for c in 0..d {
            for r in 0..d {
                let av: f64 = (0..d).map(|k| a[r * d + k] * vectors[k * d + c]).sum();
                assert!((av - values[c] * vectors[r * d + c]).abs() < 1e-9);
            }
        }
    }
}
