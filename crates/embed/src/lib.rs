//! Sentence embedders for corroborate: implementations of `corroborate_model::Embedder`.
//!
//! - [`StaticModel`] (`static-minilm`, 256 dims): the built-in default. One int8 vector and one
//!   weight per word piece; a sentence is the weighted mean of its pieces, L2-normalised.
//!   Compiled into the binary (`data/static-minilm.bin`), so it needs no file and no download.
//! - [`Transformer`] (`all-MiniLM-L6-v2`, 384 dims): the sentence-transformers model itself,
//!   loaded from its `model.safetensors` and `vocab.txt` bytes (the CLI finds the directory;
//!   [`Transformer::load_dir`] reads the two files).
//! - [`tokenizer::Tokenizer`]: BERT uncased WordPiece, shared by both.
//!
//! ```
//! use corroborate_embed::StaticModel;
//! use corroborate_model::Embedder;
//! let model = StaticModel::builtin();
//! let v = model.embed(&["Tariffs on steel will rise.", "Steel tariffs are going up."]);
//! let cosine: f32 = v[0].iter().zip(&v[1]).map(|(a, b)| a * b).sum();
//! assert!(cosine > 0.5);
//! ```
//!
//! # The two models
//!
//! The static model is distilled from the transformer by model2vec's method, as measured in
//! `shared/notes/meaning-probe.md`: every vocabulary token runs through the transformer as
//! `[CLS] token [SEP]` and the output at the token's position is kept; PCA takes the 384 dims to
//! 256; each token is weighted by SIF, `a / (a + p)` with `a = 1e-3` and `p` the token's
//! probability in English text (word frequencies from `wordfreq`, split into word pieces). Rows
//! are stored as int8 with one f32 scale each. `cargo xtask distill --model-dir DIR` rebuilds
//! the file deterministically.
//!
//! The transformer's forward pass is written here on plain `f32` slices, with
//! `matrixmultiply::sgemm` for the products, instead of using candle or an ONNX runtime: candle
//! costs about eight minutes of cold build on the two-core machines this project builds on, and
//! an ONNX runtime is a C++ library. BERT inference without batching is small (embedding sum,
//! six post-LayerNorm encoder layers, mean pooling), so the hand-written pass is a few hundred
//! lines whose every index is checked against shapes verified when loading.
//!
//! Measured on the 2-core build machine (release; the machine was shared with another build,
//! load average 3 to 4.7, so speeds are lower bounds; `cargo run --release -p corroborate-embed
//! --example stsb -- --model-dir DIR --sentences FILE`):
//!
//! | | static-minilm | all-MiniLM-L6-v2 |
//! |---|---|---|
//! | STS-B dev Spearman, cosine vs gold (note: 0.791 / 0.867) | 0.789 | 0.867 |
//! | sentences/s, STS-B (11.4 words) | 190,000–380,000 on one core | 128–154 on two cores |
//! | sentences/s, the 139 seed sentences (longer) | 180,000–230,000 on one core | 68–126 on two cores |
//! | size | 7.9 MB in the binary (29,186 tokens × 256 int8) | 91 MB `model.safetensors` |
//! | parity | – | cosine ≥ 0.9999994 to sentence-transformers on 19 texts |
//!
//! The tokenizer gives HuggingFace `tokenizers`' ids on all 52 test texts (accents, CJK,
//! emoji, controls, zero-width and unassigned characters, words over 100 characters). Cold
//! release build of this crate with its dependencies: 37 s on the loaded 2-core machine
//! (matrixmultiply, safetensors with serde_json, libm, unicode tables), against about eight
//! minutes for candle. Distilling the static model takes under a minute.
//!
//! [`data_dir`] and [`transformer_dir`] say where models live, from environment variables;
//! reading the files there is the caller's work.
//!
//! Invariants: `embed` is deterministic, returns one vector per text in input order, each a unit
//! vector or the zero vector (a text with no known word piece); no IO, no network, no clock; a
//! bad model file is an `EmbedError`, never a panic.

pub mod static_model;
pub mod tokenizer;
pub mod transformer;

pub use static_model::StaticModel;
pub use tokenizer::Tokenizer;
pub use transformer::Transformer;

use std::fmt;

/// What can go wrong when loading a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbedError {
    /// The vocabulary text is unusable (empty, or a special token missing).
    Vocab(String),
    /// The transformer weights are unusable (not safetensors, a tensor missing or misshapen).
    Weights(String),
    /// A static model file is unusable (bad magic, version, or lengths).
    Static(String),
    /// Ids given to `Transformer::hidden_states` do not fit the model.
    Input(String),
}

impl fmt::Display for EmbedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmbedError::Vocab(m) => write!(f, "vocabulary: {m}"),
            EmbedError::Weights(m) => write!(f, "weights: {m}"),
            EmbedError::Static(m) => write!(f, "static model: {m}"),
            EmbedError::Input(m) => write!(f, "input: {m}"),
        }
    }
}

impl std::error::Error for EmbedError {}

/// Scales `v` to unit length; leaves the zero vector as it is.
fn l2_normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 && norm.is_finite() {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// `f` over `items` in input order, spread over the available cores once there are at least
/// `min_per_thread` items per thread. Threads take items one at a time from a shared counter,
/// so long texts do not pile up on one thread; each result lands at its item's index.
pub fn parallel_map<I, T, F>(items: &[I], min_per_thread: usize, f: F) -> Vec<T>
where
    I: Sync,
    T: Send,
    F: Fn(&I) -> T + Sync,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len() / min_per_thread.max(1));
    if threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let parts: Vec<Vec<(usize, T)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (i, v) in parts.into_iter().flatten() {
        slots[i] = Some(v);
    }
    // Every index below items.len() was taken by exactly one thread.
    slots.into_iter().flatten().collect()
}

/// The built-in static model as an owned, shareable embedder (for `Arc<dyn Embedder>`): every
/// call goes to [`StaticModel::builtin`], parsed once per process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Builtin;

impl corroborate_model::Embedder for Builtin {
    fn name(&self) -> &str {
        StaticModel::builtin().name()
    }
    fn dim(&self) -> usize {
        StaticModel::builtin().dim()
    }
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        StaticModel::builtin().embed(texts)
    }
}

/// corroborate's data directory, from the environment only (no file is touched):
/// `$CORROBORATE_DATA`, else `$XDG_DATA_HOME/corroborate` (when absolute), else
/// `~/.local/share/corroborate`, else `./.corroborate` when there is no home either.
pub fn data_dir() -> std::path::PathBuf {
    use std::path::PathBuf;
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(d) = var("CORROBORATE_DATA") {
        return PathBuf::from(d);
    }
    if let Some(x) = var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return x.join("corroborate");
    }
    match var("HOME") {
        Some(h) => PathBuf::from(h).join(".local/share/corroborate"),
        None => PathBuf::from(".corroborate"),
    }
}

/// Where `corroborate models fetch` installs the transformer under a data directory.
pub fn transformer_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("models").join("all-MiniLM-L6-v2")
}
