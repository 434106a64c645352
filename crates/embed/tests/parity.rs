//! Parity with the Python reference implementations.
//!
//! In: `tests/data/tokenizer_expected.jsonl` (ids from HuggingFace `tokenizers` for 52 varied
//! texts, over the committed `tests/data/vocab.txt`) and `tests/data/transformer_expected.jsonl`
//! (sentence-transformers vectors of five sentences), both written by `tests/reference.py`.
//! Out: pass/fail. The tokenizer check always runs; the transformer check runs only when the
//! model directory exists (`$CORROBORATE_MODEL_DIR`, else `<data dir>/models/all-MiniLM-L6-v2`
//! as the CLI resolves it) and prints that it was skipped otherwise.
//!
//! Never touches the network; reads model files only when they are already installed.

use corroborate_embed::{Tokenizer, Transformer};
use corroborate_model::Embedder;
use std::path::PathBuf;

fn data(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn records(name: &str) -> Vec<serde_json::Value> {
    data(name)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn tokenizer_matches_huggingface() {
    let tok = Tokenizer::from_vocab_txt(&data("vocab.txt")).unwrap();
    let mut wrong = Vec::new();
    let cases = records("tokenizer_expected.jsonl");
    assert_eq!(cases.len(), 52);
    for case in &cases {
        let text = case["text"].as_str().unwrap();
        let want: Vec<u32> = case["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        let got = tok.encode(text, usize::MAX);
        if got != want {
            wrong.push(format!("{text:?}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn model_dir() -> PathBuf {
    std::env::var_os("CORROBORATE_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| corroborate_embed::transformer_dir(&corroborate_embed::data_dir()))
}

/// The installed transformer, or `None` (after saying so) when there is none.
fn installed() -> Option<Transformer> {
    let dir = model_dir();
    let (Ok(weights), Ok(vocab)) = (
        std::fs::read(dir.join("model.safetensors")),
        std::fs::read_to_string(dir.join("vocab.txt")),
    ) else {
        println!("skipped: no model in {}", dir.display());
        return None;
    };
    Some(Transformer::from_bytes(&weights, &vocab).unwrap())
}

#[test]
fn transformer_matches_sentence_transformers() {
    let Some(model) = installed() else {
        return;
    };
    let mut cases = records("transformer_expected.jsonl");
    // More references (all of transformer_sentences.json, as tests/reference.py writes them to
    // /tmp) when asked for.
    if let Some(more) = std::env::var_os("CORROBORATE_PARITY_ALL") {
        let text = std::fs::read_to_string(&more).unwrap();
        cases = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    }
    let texts: Vec<&str> = cases.iter().map(|c| c["text"].as_str().unwrap()).collect();
    let got = model.embed(&texts);
    let mut lowest = f32::INFINITY;
    for (case, v) in cases.iter().zip(&got) {
        let want: Vec<f32> = case["vector"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(v.len(), 384);
        if v.iter().all(|&x| x == 0.0)
            && model
                .tokenizer()
                .encode(case["text"].as_str().unwrap(), 512)
                .len()
                == 2
        {
            // No word piece: the Embedder contract gives the zero vector where
            // sentence-transformers embeds `[CLS] [SEP]`.
            continue;
        }
        for (i, (a, b)) in v.iter().zip(&want).take(8).enumerate() {
            assert!(
                (a - b).abs() < 1e-4,
                "{:?} dim {i}: {a} vs {b}",
                case["text"]
            );
        }
        let cos: f32 = v.iter().zip(&want).map(|(a, b)| a * b).sum();
        assert!(cos >= 0.9999, "{:?}: cosine {cos}", case["text"]);
        lowest = lowest.min(cos);
    }
    println!("{} sentences, lowest cosine {lowest:.7}", cases.len());
}

#[test]
fn transformer_vector_does_not_depend_on_the_batch() {
    let Some(model) = installed() else {
        return;
    };
    let text = "Tariffs on steel will rise by a quarter, the minister said.";
    let alone = model.embed(&[text]);
    let long = "word ".repeat(300);
    let mut batch: Vec<&str> = vec!["A short one.", "", &long, "Another sentence here."];
    batch.extend(std::iter::repeat_n(text, 40));
    batch.push("[UNK] only 😀");
    let all = model.embed(&batch);
    assert_eq!(all.len(), batch.len());
    for v in &all[4..44] {
        assert_eq!(v, &alone[0], "bit-identical whatever the batch");
    }
    assert!(
        all[1].iter().all(|&x| x == 0.0),
        "no word piece: zero vector"
    );
}
