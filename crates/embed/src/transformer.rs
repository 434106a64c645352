//! all-MiniLM-L6-v2: the BERT forward pass written out on plain `f32` slices, matrix products
//! by `matrixmultiply::sgemm`.
//!
//! In: the model's `model.safetensors` bytes and its `vocab.txt` text (the CLI reads the files);
//! then texts. Out: one 384-float unit vector per text, the mean of the last layer's outputs over
//! every token (`[CLS]` and `[SEP]` included) L2-normalised, as sentence-transformers computes it.
//!
//! Shape: 6 layers, hidden 384, 12 heads of 32, feed-forward 1536 with erf GELU, post-LayerNorm
//! (eps 1e-12), learned absolute positions (512), token type 0 throughout. Inputs are cut at 256
//! ids, specials included (sentence-transformers' `max_seq_length`).
//!
//! Invariants: each text runs alone at its own length (no padding, so no attention mask and
//! nothing else in the batch can change its vector); results keep input order whatever thread
//! computed them; every tensor's name, dtype and shape is checked when loading, so the forward
//! pass indexes only within checked lengths. A text with no known word piece (empty, only
//! controls or only unknown words) gives the zero vector.
//!
//! Never does file or network IO, never panics on a text, never reads weights lazily.

use crate::tokenizer::Tokenizer;
use crate::{l2_normalize, parallel_map, EmbedError};
use corroborate_model::Embedder;
use safetensors::{Dtype, SafeTensors};

/// Width of every hidden state.
pub const HIDDEN: usize = 384;
const HEADS: usize = 12;
const HEAD_DIM: usize = HIDDEN / HEADS;
const FFN: usize = 1536;
const LAYERS: usize = 6;
const MAX_POSITIONS: usize = 512;
/// Ids per text, `[CLS]` and `[SEP]` included (sentence-transformers' `max_seq_length`).
pub const MAX_TOKENS: usize = 256;
const EPS: f32 = 1e-12;

/// One encoder layer. Linear weights stay as PyTorch stores them, `[out][in]` row-major; the
/// products read them transposed through sgemm's strides.
struct Layer {
    /// Query, key and value stacked: `[3·HIDDEN][HIDDEN]`.
    qkv_w: Vec<f32>,
    qkv_b: Vec<f32>,
    out_w: Vec<f32>,
    out_b: Vec<f32>,
    ln1: (Vec<f32>, Vec<f32>),
    up_w: Vec<f32>,
    up_b: Vec<f32>,
    down_w: Vec<f32>,
    down_b: Vec<f32>,
    ln2: (Vec<f32>, Vec<f32>),
}

/// The all-MiniLM-L6-v2 sentence encoder.
pub struct Transformer {
    tokenizer: Tokenizer,
    vocab: usize,
    word: Vec<f32>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    emb_ln: (Vec<f32>, Vec<f32>),
    layers: Vec<Layer>,
}

impl Transformer {
    /// Loads the model from the bytes of `model.safetensors` and the text of `vocab.txt`.
    /// Tensor names may carry a `bert.` prefix. Fails on a missing tensor, a dtype other than
    /// F32, a shape other than all-MiniLM-L6-v2's, or a vocabulary of another size.
    pub fn from_bytes(safetensors: &[u8], vocab_txt: &str) -> Result<Transformer, EmbedError> {
        let tokenizer = Tokenizer::from_vocab_txt(vocab_txt)?;
        let st = SafeTensors::deserialize(safetensors)
            .map_err(|e| EmbedError::Weights(format!("not a safetensors file: {e}")))?;
        let vocab = tokenizer.len();
        let word = tensor(&st, "embeddings.word_embeddings.weight", &[vocab, HIDDEN])?;
        let position = tensor(
            &st,
            "embeddings.position_embeddings.weight",
            &[MAX_POSITIONS, HIDDEN],
        )?;
        let mut token_type = tensor(&st, "embeddings.token_type_embeddings.weight", &[2, HIDDEN])?;
        token_type.truncate(HIDDEN);
        let emb_ln = layer_norm(&st, "embeddings.LayerNorm")?;
        let mut layers = Vec::with_capacity(LAYERS);
        for i in 0..LAYERS {
            let p = format!("encoder.layer.{i}");
            let mut qkv_w = Vec::with_capacity(3 * HIDDEN * HIDDEN);
            let mut qkv_b = Vec::with_capacity(3 * HIDDEN);
            for part in ["query", "key", "value"] {
                let base = format!("{p}.attention.self.{part}");
                qkv_w.extend(tensor(&st, &format!("{base}.weight"), &[HIDDEN, HIDDEN])?);
                qkv_b.extend(tensor(&st, &format!("{base}.bias"), &[HIDDEN])?);
            }
            let out = format!("{p}.attention.output");
            layers.push(Layer {
                qkv_w,
                qkv_b,
                out_w: tensor(&st, &format!("{out}.dense.weight"), &[HIDDEN, HIDDEN])?,
                out_b: tensor(&st, &format!("{out}.dense.bias"), &[HIDDEN])?,
                ln1: layer_norm(&st, &format!("{out}.LayerNorm"))?,
                up_w: tensor(
                    &st,
                    &format!("{p}.intermediate.dense.weight"),
                    &[FFN, HIDDEN],
                )?,
                up_b: tensor(&st, &format!("{p}.intermediate.dense.bias"), &[FFN])?,
                down_w: tensor(&st, &format!("{p}.output.dense.weight"), &[HIDDEN, FFN])?,
                down_b: tensor(&st, &format!("{p}.output.dense.bias"), &[HIDDEN])?,
                ln2: layer_norm(&st, &format!("{p}.output.LayerNorm"))?,
            });
        }
        if has_tensor(&st, &format!("encoder.layer.{LAYERS}.output.dense.weight")) {
            return Err(EmbedError::Weights(format!(
                "more than {LAYERS} layers: not all-MiniLM-L6-v2"
            )));
        }
        Ok(Transformer {
            tokenizer,
            vocab,
            word,
            position,
            token_type,
            emb_ln,
            layers,
        })
    }

    /// The WordPiece tokenizer of the model's vocabulary.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Last-layer hidden states of `ids.len() / seq_len` sequences of `seq_len` ids each, laid
    /// end to end (`ids.len()` rows of `HIDDEN` floats). Sequences do not see each other. For
    /// distillation, which runs `[CLS] token [SEP]` for every token.
    pub fn hidden_states(&self, ids: &[u32], seq_len: usize) -> Result<Vec<f32>, EmbedError> {
        if seq_len == 0 || seq_len > MAX_POSITIONS || ids.len() % seq_len != 0 {
            return Err(EmbedError::Input(format!(
                "{} ids do not make sequences of {seq_len} (at most {MAX_POSITIONS})",
                ids.len()
            )));
        }
        if let Some(&bad) = ids.iter().find(|&&id| id as usize >= self.vocab) {
            return Err(EmbedError::Input(format!(
                "id {bad} outside the vocabulary of {}",
                self.vocab
            )));
        }
        Ok(self.forward(ids, seq_len))
    }

    /// The sentence vector of one text.
    fn embed_one(&self, text: &str) -> Vec<f32> {
        let ids = self.tokenizer.encode(text, MAX_TOKENS);
        let unk = self.tokenizer.unk();
        let known = ids.iter().any(|&id| {
            Some(id) != unk && Some(id) != self.tokenizer.cls() && Some(id) != self.tokenizer.sep()
        });
        if !known || ids.iter().any(|&id| id as usize >= self.vocab) {
            return vec![0.0; HIDDEN];
        }
        let states = self.forward(&ids, ids.len());
        let mut mean = vec![0.0f32; HIDDEN];
        for row in states.chunks_exact(HIDDEN) {
            for (m, v) in mean.iter_mut().zip(row) {
                *m += v;
            }
        }
        let n = ids.len() as f32;
        mean.iter_mut().for_each(|m| *m /= n);
        l2_normalize(&mut mean);
        mean
    }

    /// The encoder over sequences of `seq_len` checked ids each.
    fn forward(&self, ids: &[u32], seq_len: usize) -> Vec<f32> {
        let rows = ids.len();
        let mut x = vec![0.0f32; rows * HIDDEN];
        for (r, (&id, out)) in ids.iter().zip(x.chunks_exact_mut(HIDDEN)).enumerate() {
            let w = &self.word[id as usize * HIDDEN..][..HIDDEN];
            let p = &self.position[(r % seq_len) * HIDDEN..][..HIDDEN];
            for (i, o) in out.iter_mut().enumerate() {
                *o = w[i] + p[i] + self.token_type[i];
            }
        }
        normalize_rows(&mut x, &self.emb_ln);
        let mut qkv = vec![0.0f32; rows * 3 * HIDDEN];
        let mut ctx = vec![0.0f32; rows * HIDDEN];
        let mut proj = vec![0.0f32; rows * HIDDEN];
        let mut up = vec![0.0f32; rows * FFN];
        let mut scores = vec![0.0f32; seq_len * seq_len];
        for layer in &self.layers {
            linear(
                &x,
                rows,
                HIDDEN,
                &layer.qkv_w,
                3 * HIDDEN,
                &layer.qkv_b,
                &mut qkv,
            );
            for start in (0..rows).step_by(seq_len) {
                attention(&qkv, start, seq_len, &mut scores, &mut ctx);
            }
            linear(
                &ctx,
                rows,
                HIDDEN,
                &layer.out_w,
                HIDDEN,
                &layer.out_b,
                &mut proj,
            );
            add_assign(&mut x, &proj);
            normalize_rows(&mut x, &layer.ln1);
            linear(&x, rows, HIDDEN, &layer.up_w, FFN, &layer.up_b, &mut up);
            up.iter_mut().for_each(|v| *v = gelu(*v));
            linear(
                &up,
                rows,
                FFN,
                &layer.down_w,
                HIDDEN,
                &layer.down_b,
                &mut proj,
            );
            add_assign(&mut x, &proj);
            normalize_rows(&mut x, &layer.ln2);
        }
        x
    }
}

impl Embedder for Transformer {
    fn name(&self) -> &str {
        "all-MiniLM-L6-v2"
    }

    fn dim(&self) -> usize {
        HIDDEN
    }

    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        parallel_map(texts, 1, |t| self.embed_one(t))
    }
}

fn has_tensor(st: &SafeTensors, name: &str) -> bool {
    st.tensor(name).is_ok() || st.tensor(&format!("bert.{name}")).is_ok()
}

/// A checked F32 tensor, under its name or with a `bert.` prefix.
fn tensor(st: &SafeTensors, name: &str, shape: &[usize]) -> Result<Vec<f32>, EmbedError> {
    let view = st
        .tensor(name)
        .or_else(|_| st.tensor(&format!("bert.{name}")))
        .map_err(|_| EmbedError::Weights(format!("tensor {name} is missing")))?;
    if view.dtype() != Dtype::F32 {
        return Err(EmbedError::Weights(format!(
            "tensor {name} is {:?}, not F32",
            view.dtype()
        )));
    }
    if view.shape() != shape {
        return Err(EmbedError::Weights(format!(
            "tensor {name} has shape {:?}, expected {shape:?}",
            view.shape()
        )));
    }
    Ok(view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn layer_norm(st: &SafeTensors, prefix: &str) -> Result<(Vec<f32>, Vec<f32>), EmbedError> {
    Ok((
        tensor(st, &format!("{prefix}.weight"), &[HIDDEN])?,
        tensor(st, &format!("{prefix}.bias"), &[HIDDEN])?,
    ))
}

/// `out (m×n) = x (m×k) · wᵀ + b`, with `w` stored `[n][k]` row-major.
fn linear(x: &[f32], m: usize, k: usize, w: &[f32], n: usize, b: &[f32], out: &mut [f32]) {
    assert!(x.len() >= m * k && w.len() == n * k && b.len() == n && out.len() >= m * n);
    for row in out[..m * n].chunks_exact_mut(n) {
        row.copy_from_slice(b);
    }
    // SAFETY: the assert above bounds every element sgemm reads or writes: a is m×k with row
    // stride k, b is k×n read as wᵀ (row stride 1, column stride k) inside w's n·k floats, and
    // c is m×n with row stride n.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            x.as_ptr(),
            k as isize,
            1,
            w.as_ptr(),
            1,
            k as isize,
            1.0,
            out.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// Multi-head self-attention of the sequence at rows `start..start + n` of `qkv` (rows of
/// query | key | value), written to the same rows of `ctx`. No mask: the sequence is unpadded.
fn attention(qkv: &[f32], start: usize, n: usize, scores: &mut [f32], ctx: &mut [f32]) {
    const W: usize = 3 * HIDDEN;
    assert!((start + n) * W <= qkv.len() && (start + n) * HIDDEN <= ctx.len());
    assert!(scores.len() >= n * n);
    let scale = 1.0 / (HEAD_DIM as f32).sqrt();
    for h in 0..HEADS {
        let q = start * W + h * HEAD_DIM;
        let k = q + HIDDEN;
        let v = q + 2 * HIDDEN;
        // SAFETY: the largest element read through q, k or v is at row start+n-1 and column
        // 2·HIDDEN + (HEADS-1)·HEAD_DIM + HEAD_DIM-1 < W, inside qkv by the assert; scores is
        // n×n; ctx is written at rows start..start+n, columns h·HEAD_DIM.. +HEAD_DIM < HIDDEN.
        unsafe {
            matrixmultiply::sgemm(
                n,
                HEAD_DIM,
                n,
                scale,
                qkv.as_ptr().add(q),
                W as isize,
                1,
                qkv.as_ptr().add(k),
                1,
                W as isize,
                0.0,
                scores.as_mut_ptr(),
                n as isize,
                1,
            );
        }
        for row in scores[..n * n].chunks_exact_mut(n) {
            let max = row.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
            let mut sum = 0.0;
            for s in row.iter_mut() {
                *s = (*s - max).exp();
                sum += *s;
            }
            row.iter_mut().for_each(|s| *s /= sum);
        }
        // SAFETY: as above.
        unsafe {
            matrixmultiply::sgemm(
                n,
                n,
                HEAD_DIM,
                1.0,
                scores.as_ptr(),
                n as isize,
                1,
                qkv.as_ptr().add(v),
                W as isize,
                1,
                0.0,
                ctx.as_mut_ptr().add(start * HIDDEN + h * HEAD_DIM),
                HIDDEN as isize,
                1,
            );
        }
    }
}

fn add_assign(x: &mut [f32], y: &[f32]) {
    x.iter_mut().zip(y).for_each(|(a, b)| *a += b);
}

/// LayerNorm over each row of `HIDDEN` floats.
fn normalize_rows(x: &mut [f32], (gamma, beta): &(Vec<f32>, Vec<f32>)) {
    for row in x.chunks_exact_mut(HIDDEN) {
        let mean = row.iter().sum::<f32>() / HIDDEN as f32;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / HIDDEN as f32;
        let inv = 1.0 / (var + EPS).sqrt();
        for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = (*v - mean) * inv * g + b;
        }
    }
}

/// GELU with the exact erf, as BERT's `hidden_act: gelu`.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2))
}
