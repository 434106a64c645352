//! The static model: one stored vector and one weight per word piece; a sentence is the
//! weighted mean of its pieces' vectors, L2-normalised. Distilled from all-MiniLM-L6-v2 by
//! `cargo xtask distill` and built into the binary (`data/static-minilm.bin`).
//!
//! In: the bytes of a model file (or the built-in one); then texts. Out: unit vectors of `dim`
//! floats (256 for the built-in model).
//!
//! File format (little-endian), version 1: magic `CRBSTAT\0`, `u32` version, `u32` vocabulary
//! size V, `u32` dimension D; V tokens, each a `u8` byte length and UTF-8 bytes (`##` marks a
//! continuation piece); V `f32` row scales; V `f32` token weights; V·D `i8` vector values (row
//! r is `scale[r] · values[r]`). Nothing may follow. Only tokens that normalized text can
//! produce are stored, so greedy WordPiece over this vocabulary splits every word exactly as
//! over BERT's full vocabulary.
//!
//! Invariants: a text's vector depends on that text only; a text with no known piece gets the
//! zero vector; parsing checks every length, so a bad file is an error, never a panic or an
//! out-of-bounds read. No IO: the built-in file is compiled in with `include_bytes!`.

use crate::tokenizer::Tokenizer;
use crate::{l2_normalize, parallel_map, EmbedError};
use corroborate_model::Embedder;
use std::borrow::Cow;
use std::sync::OnceLock;

/// A model's tokens, dimension, row scales and token weights.
type Parts = (Vec<String>, usize, Vec<f32>, Vec<f32>);

const MAGIC: &[u8; 8] = b"CRBSTAT\0";
/// The file format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;
const BUILTIN: &[u8] = include_bytes!("../data/static-minilm.bin");

/// A static (lookup-table) sentence embedder with SIF-weighted mean pooling.
#[derive(Debug, Clone)]
pub struct StaticModel {
    tokenizer: Tokenizer,
    tokens: Vec<String>,
    dim: usize,
    scales: Vec<f32>,
    weights: Vec<f32>,
    /// `scale · weight` per row: what one occurrence of the token adds, times its values.
    factors: Vec<f32>,
    /// The `i8` vector values as bytes: borrowed from the binary for the built-in model (so
    /// its 7.7 MB are not copied onto the heap), owned for one parsed or built at run time.
    values: Cow<'static, [u8]>,
}

impl StaticModel {
    /// The model built into the binary, parsed on first use.
    pub fn builtin() -> &'static StaticModel {
        static MODEL: OnceLock<StaticModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            // The file is part of the source tree and a test parses it, so this cannot fail on
            // any user input.
            let (parts, values) =
                StaticModel::parse(BUILTIN).expect("the built-in static model parses");
            StaticModel::assemble(parts, Cow::Borrowed(&BUILTIN[values]))
        })
    }

    /// Parses a model file (see the module doc for the format).
    pub fn from_bytes(bytes: &[u8]) -> Result<StaticModel, EmbedError> {
        let (parts, values) = StaticModel::parse(bytes)?;
        Ok(StaticModel::assemble(
            parts,
            Cow::Owned(bytes[values].to_vec()),
        ))
    }

    /// The parts of a model file, and where in it the vector values lie.
    fn parse(bytes: &[u8]) -> Result<(Parts, std::ops::Range<usize>), EmbedError> {
        let bad = |why: &str| EmbedError::Static(why.to_string());
        let mut r = Reader { bytes, at: 0 };
        if r.take(8).ok_or_else(|| bad("shorter than its header"))? != MAGIC {
            return Err(bad("not a static model file (bad magic)"));
        }
        let version = r.u32().ok_or_else(|| bad("truncated header"))?;
        if version != FORMAT_VERSION {
            return Err(EmbedError::Static(format!(
                "format version {version}, this build reads {FORMAT_VERSION}"
            )));
        }
        let vocab = r.u32().ok_or_else(|| bad("truncated header"))? as usize;
        let dim = r.u32().ok_or_else(|| bad("truncated header"))? as usize;
        if dim == 0 || vocab == 0 {
            return Err(bad("empty vocabulary or zero dimension"));
        }
        let mut tokens = Vec::with_capacity(vocab.min(1 << 20));
        for _ in 0..vocab {
            let len = r.take(1).ok_or_else(|| bad("truncated vocabulary"))?[0] as usize;
            let raw = r.take(len).ok_or_else(|| bad("truncated vocabulary"))?;
            let token = std::str::from_utf8(raw).map_err(|_| bad("token is not UTF-8"))?;
            tokens.push(token.to_string());
        }
        let scales = r.f32s(vocab).ok_or_else(|| bad("truncated scales"))?;
        let weights = r.f32s(vocab).ok_or_else(|| bad("truncated weights"))?;
        let n = vocab
            .checked_mul(dim)
            .ok_or_else(|| bad("vocabulary × dimension overflows"))?;
        let start = r.at;
        r.take(n).ok_or_else(|| bad("truncated vectors"))?;
        if r.at != bytes.len() {
            return Err(bad("trailing bytes after the vectors"));
        }
        if scales.iter().chain(&weights).any(|v| !v.is_finite()) {
            return Err(bad("a scale or weight is not finite"));
        }
        Ok(((tokens, dim, scales, weights), start..r.at))
    }

    /// Builds a model from float vectors (`tokens.len()` rows of `dim`), quantizing each row to
    /// `i8` with its own scale (max |value| ↦ 127). Fails on mismatched lengths, an empty or
    /// over-long (> 255 bytes) token, or a non-finite value.
    pub fn from_parts(
        tokens: Vec<String>,
        dim: usize,
        vectors: &[f32],
        weights: Vec<f32>,
    ) -> Result<StaticModel, EmbedError> {
        let bad = |why: &str| EmbedError::Static(why.to_string());
        if dim == 0 || tokens.is_empty() || vectors.len() != tokens.len() * dim {
            return Err(bad("vectors do not match tokens × dim"));
        }
        if weights.len() != tokens.len() {
            return Err(bad("one weight per token needed"));
        }
        if tokens.iter().any(|t| t.is_empty() || t.len() > 255) {
            return Err(bad("tokens must be 1 to 255 bytes"));
        }
        if vectors.iter().chain(&weights).any(|v| !v.is_finite()) {
            return Err(bad("a value is not finite"));
        }
        let mut scales = Vec::with_capacity(tokens.len());
        let mut values = Vec::with_capacity(vectors.len());
        for row in vectors.chunks_exact(dim) {
            let max = row.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let scale = max / 127.0;
            scales.push(scale);
            values.extend(row.iter().map(|&v| {
                if scale > 0.0 {
                    (v / scale).round().clamp(-127.0, 127.0) as i8 as u8
                } else {
                    0
                }
            }));
        }
        Ok(StaticModel::assemble(
            (tokens, dim, scales, weights),
            Cow::Owned(values),
        ))
    }

    fn assemble((tokens, dim, scales, weights): Parts, values: Cow<'static, [u8]>) -> StaticModel {
        let tokenizer = Tokenizer::from_tokens(tokens.iter().map(String::as_str));
        let factors = scales.iter().zip(&weights).map(|(s, w)| s * w).collect();
        StaticModel {
            tokenizer,
            tokens,
            dim,
            scales,
            weights,
            factors,
            values,
        }
    }

    /// The file bytes of this model; `from_bytes(to_bytes())` gives the same model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(20 + self.values.len() + self.tokens.len() * 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(self.tokens.len() as u32).to_le_bytes());
        out.extend_from_slice(&(self.dim as u32).to_le_bytes());
        for t in &self.tokens {
            // from_parts and from_bytes keep every token within 1..=255 bytes.
            out.push(t.len() as u8);
            out.extend_from_slice(t.as_bytes());
        }
        for v in self.scales.iter().chain(&self.weights) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.values);
        out
    }

    /// The stored tokens, in row order.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// The SIF weight of each token, in row order.
    pub fn weights(&self) -> &[f32] {
        &self.weights
    }

    /// The sentence vector of one text.
    fn embed_one(&self, text: &str, pieces: &mut Vec<Option<u32>>) -> Vec<f32> {
        pieces.clear();
        self.tokenizer.pieces(text, usize::MAX, pieces);
        let mut acc = vec![0.0f32; self.dim];
        for id in pieces.iter().flatten() {
            let r = *id as usize;
            let f = self.factors[r];
            let row = &self.values[r * self.dim..][..self.dim];
            for (a, &q) in acc.iter_mut().zip(row) {
                *a += f * f32::from(q as i8);
            }
        }
        l2_normalize(&mut acc);
        acc
    }
}

impl Embedder for StaticModel {
    fn name(&self) -> &str {
        "static-minilm"
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        // Threads pay off only on large batches (one text takes a few microseconds), so texts
        // go out in chunks, each with one reused piece buffer.
        let chunks: Vec<&[&str]> = texts.chunks(4096).collect();
        parallel_map(&chunks, 1, |chunk| {
            let mut pieces = Vec::new();
            chunk
                .iter()
                .map(|t| self.embed_one(t, &mut pieces))
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect()
    }
}

/// A bounds-checked cursor over the file bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f32s(&mut self, n: usize) -> Option<Vec<f32>> {
        let b = self.take(n.checked_mul(4)?)?;
        Some(
            b.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> StaticModel {
        let tokens = ["cat", "dog", "##s", "the"].map(String::from).to_vec();
        let vectors = [1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 0.2, -0.2];
        StaticModel::from_parts(tokens, 2, &vectors, vec![1.0, 1.0, 0.5, 0.01]).unwrap()
    }

    #[test]
    fn round_trips_and_embeds() {
        let m = tiny();
        let again = StaticModel::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(again.to_bytes(), m.to_bytes());
        let v = m.embed(&["The cats!", "", "zebra", "dog"]);
        assert!((v[0].iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);
        assert_eq!(v[1], vec![0.0, 0.0]);
        assert_eq!(v[2], vec![0.0, 0.0]);
        assert!((v[3][1] - 1.0).abs() < 1e-5);
    }

    #[test]
    fn rejects_bad_files() {
        let bytes = tiny().to_bytes();
        for cut in [0, 7, 12, 19, 25, bytes.len() - 1] {
            assert!(
                StaticModel::from_bytes(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(StaticModel::from_bytes(&longer).is_err());
        let mut version = bytes.clone();
        version[8] = 9;
        assert!(StaticModel::from_bytes(&version).is_err());
        let mut huge = bytes;
        huge[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(StaticModel::from_bytes(&huge).is_err());
    }

    #[test]
    fn builtin_parses() {
        let m = StaticModel::builtin();
        assert_eq!(m.dim(), 256);
        let v = m.embed(&["The minister said tariffs on steel would rise."]);
        assert!((v[0].iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4);
    }
}
