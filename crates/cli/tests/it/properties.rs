//! Property tests of invariants the binary promises, on piles generated from real sentences
//! (the Wikinews sentences of `test_data/stories/meantime-jsonl-two-stories`), each pile a JSONL
//! file in a temp dir:
//! - order independence: the same articles in any order digest to byte-identical JSON;
//! - spans: every fact variant, quote, summary line and number is a verbatim slice of the
//!   article it cites, with indices and byte spans in bounds and on char boundaries (also on
//!   every case of `test_data/stories`, with the static model);
//! - JSON round trip: the schema-v1 document parses, and re-serialising the parsed value gives
//!   a document that parses to the same value (the render crate has no parser of its own);
//! - re-ingest: ingesting the same file twice into a store leaves `stories --format json` as it
//!   was after the first ingest.
//!
//! Words only (`--no-model`) where the property does not depend on the model, so each case is
//! a few short runs of the binary; case counts are small to keep the suite fast.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn test_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/stories")
}

/// Real sentences: the MEANTIME pile's texts cut after each full stop followed by a space.
fn pool() -> Vec<String> {
    let text =
        std::fs::read_to_string(test_data().join("meantime-jsonl-two-stories/articles.jsonl"))
            .expect("the MEANTIME case");
    let mut out = Vec::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        for para in v["text"].as_str().unwrap().split("\n\n") {
            out.extend(
                para.split_inclusive(". ")
                    .map(str::trim)
                    .filter(|s| s.len() > 30)
                    .map(str::to_string),
            );
        }
    }
    out
}

/// One generated article: which pool sentences make its two paragraphs, and a date.
#[derive(Debug, Clone)]
struct Gen {
    first: Vec<usize>,
    second: Vec<usize>,
    day: u8,
}

fn article() -> impl Strategy<Value = Gen> {
    (
        prop::collection::vec(0usize..24, 1..4),
        prop::collection::vec(0usize..24, 0..3),
        1u8..28,
    )
        .prop_map(|(first, second, day)| Gen { first, second, day })
}

fn pile() -> impl Strategy<Value = Vec<Gen>> {
    prop::collection::vec(article(), 2..6)
}

/// The pile as JSONL, articles in the order given by `order` (ids follow the generated index).
fn jsonl(pool: &[String], pile: &[Gen], order: &[usize]) -> String {
    let sentences = |ix: &[usize]| {
        ix.iter()
            // A stride through the pool: few indices, so articles share sentences (facts of
            // several sources), drawn from all four articles.
            .map(|i| pool[(i * 7) % pool.len()].as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::new();
    for &i in order {
        let g = &pile[i];
        let mut text = sentences(&g.first);
        if !g.second.is_empty() {
            text.push_str("\n\n");
            text.push_str(&sentences(&g.second));
        }
        let title: String = text.split(' ').take(6).collect::<Vec<_>>().join(" ");
        let rec = serde_json::json!({
            "id": format!("gen-{i}"),
            "title": title,
            "outlet": format!("outlet{}.example", i % 3),
            "date": format!("2009-06-{:02}", g.day),
            "text": text,
        });
        out.push_str(&rec.to_string());
        out.push('\n');
    }
    out
}

fn corroborate(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(args)
        .current_dir(dir)
        .env_remove("CORROBORATE_MODEL")
        .env_remove("CORROBORATE_DB")
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "corroborate {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Digest JSON of a pile written as `pile.jsonl` in a fresh folder under `tmp`.
fn digest(tmp: &Path, name: &str, content: &str, model: &[&str]) -> Vec<u8> {
    let dir = tmp.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pile.jsonl"), content).unwrap();
    let mut args = vec!["digest", "--format", "json"];
    args.extend_from_slice(model);
    args.push("pile.jsonl");
    corroborate(&dir, &args)
}

/// Checks that everything a story cites is a verbatim, in-bounds slice of its article.
fn check_spans(doc: &Value) -> Result<(), String> {
    let mut articles: HashMap<&str, (&str, Vec<&str>)> = HashMap::new();
    for a in doc["articles"].as_array().ok_or("no articles")? {
        let text = a["text"].as_str().ok_or("article without text")?;
        let sentences: Vec<&str> = a["sentences"]
            .as_array()
            .ok_or("no sentences")?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for s in &sentences {
            if !text.contains(s) {
                return Err(format!("sentence not in its article: {s:?}"));
            }
        }
        articles.insert(a["id"].as_str().ok_or("no id")?, (text, sentences));
    }
    let sentence = |article: &Value, idx: &Value| -> Result<&str, String> {
        let id = article.as_str().ok_or("no article id")?;
        let (_, sentences) = articles.get(id).ok_or(format!("unknown article {id}"))?;
        let i = idx.as_u64().ok_or("no sentence index")? as usize;
        sentences
            .get(i)
            .copied()
            .ok_or(format!("sentence {i} out of bounds in {id}"))
    };
    let in_article = |article: &Value, text: &str| -> Result<(), String> {
        let id = article.as_str().ok_or("no article id")?;
        let (body, _) = articles.get(id).ok_or(format!("unknown article {id}"))?;
        if body.contains(text) {
            Ok(())
        } else {
            Err(format!("not verbatim in {id}: {text:?}"))
        }
    };
    for story in doc["stories"].as_array().ok_or("no stories")? {
        for fact in story["facts"].as_array().ok_or("no facts")? {
            in_article(&fact["source"], fact["text"].as_str().ok_or("fact text")?)?;
            for var in fact["variants"].as_array().ok_or("no variants")? {
                let s = sentence(&var["article"], &var["sentence"])?;
                let text = var["text"].as_str().ok_or("variant text")?;
                match var.get("span").and_then(Value::as_array) {
                    Some(span) => {
                        let x = span[0].as_u64().ok_or("span start")? as usize;
                        let y = span[1].as_u64().ok_or("span end")? as usize;
                        if !(x <= y
                            && y <= s.len()
                            && s.is_char_boundary(x)
                            && s.is_char_boundary(y))
                        {
                            return Err(format!("span {x}..{y} out of bounds in {s:?}"));
                        }
                        if &s[x..y] != text {
                            return Err(format!("span {x}..{y} of {s:?} is not {text:?}"));
                        }
                    }
                    None if s != text => return Err(format!("variant {text:?} is not {s:?}")),
                    None => {}
                }
            }
        }
        for q in story["quotes"].as_array().ok_or("no quotes")? {
            let text = q["text"].as_str().ok_or("quote text")?;
            for piece in q["quoted"].as_array().ok_or("no quoted")? {
                let piece = piece.as_str().ok_or("quoted piece")?;
                if !text.contains(piece) {
                    return Err(format!("quoted {piece:?} not in {text:?}"));
                }
            }
            for var in q["variants"].as_array().ok_or("no quote variants")? {
                in_article(&var["article"], var["text"].as_str().ok_or("variant text")?)?;
            }
        }
        for line in story["summary"].as_array().ok_or("no summary")? {
            let text = line["text"].as_str().ok_or("summary text")?;
            let s = sentence(&line["source"], &line["sentence"])?;
            if !s.contains(text) {
                return Err(format!("summary line {text:?} not in its sentence {s:?}"));
            }
        }
        for n in story["numbers"].as_array().ok_or("no numbers")? {
            let s = sentence(&n["article"], &n["sentence"])?;
            let text = n["text"].as_str().ok_or("number text")?;
            if !s.contains(text) {
                return Err(format!("number {text:?} not in its sentence {s:?}"));
            }
        }
    }
    Ok(())
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn any_order_gives_byte_identical_json(
        (pile, order) in pile().prop_flat_map(|p| {
            let n = p.len();
            (Just(p), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        })
    ) {
        let pool = pool();
        let tmp = tempfile::tempdir().unwrap();
        let identity: Vec<usize> = (0..pile.len()).collect();
        let a = digest(tmp.path(), "a", &jsonl(&pool, &pile, &identity), &["--no-model"]);
        let b = digest(tmp.path(), "b", &jsonl(&pool, &pile, &order), &["--no-model"]);
        prop_assert!(a == b, "order {order:?} changed the output");
    }

    #[test]
    fn spans_are_verbatim_and_in_bounds_and_json_round_trips(pile in pile()) {
        let pool = pool();
        let tmp = tempfile::tempdir().unwrap();
        let order: Vec<usize> = (0..pile.len()).collect();
        let out = digest(tmp.path(), "p", &jsonl(&pool, &pile, &order), &["--no-model"]);
        let doc: Value = serde_json::from_slice(&out).expect("valid JSON");
        prop_assert_eq!(&doc["schema_version"], &Value::from(1));
        if let Err(e) = check_spans(&doc) {
            prop_assert!(false, "{}", e);
        }
        let again: Value = serde_json::from_str(&serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        prop_assert_eq!(again, doc);
    }
}

proptest! {
    #![proptest_config(config(6))]

    #[test]
    fn re_ingesting_the_same_file_changes_no_listing(pile in pile()) {
        let pool = pool();
        let tmp = tempfile::tempdir().unwrap();
        let order: Vec<usize> = (0..pile.len()).collect();
        std::fs::write(tmp.path().join("pile.jsonl"), jsonl(&pool, &pile, &order)).unwrap();
        let ingest = ["ingest", "--quiet", "--db", "store.db", "pile.jsonl"];
        let list = ["stories", "--db", "store.db", "--format", "json", "--limit", "0"];
        corroborate(tmp.path(), &ingest);
        let first = corroborate(tmp.path(), &list);
        corroborate(tmp.path(), &ingest);
        let second = corroborate(tmp.path(), &list);
        let listed: Value = serde_json::from_slice(&first).expect("valid JSON listing");
        prop_assert!(listed.is_array() || listed.is_object());
        prop_assert!(first == second, "{}\n---\n{}", String::from_utf8_lossy(&first), String::from_utf8_lossy(&second));
    }
}

/// The spans of the project's own real cases, with the static model (the default).
#[test]
fn spans_of_every_test_data_case_are_verbatim() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(test_data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    for case in cases {
        let mut inputs: Vec<String> = std::fs::read_dir(&case)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| !n.ends_with(".snap"))
            .collect();
        inputs.sort();
        let mut args = vec!["digest", "--format", "json", "--model", "static"];
        args.extend(inputs.iter().map(String::as_str));
        let doc: Value = serde_json::from_slice(&corroborate(&case, &args)).unwrap();
        if let Err(e) = check_spans(&doc) {
            panic!("{}: {e}", case.display());
        }
    }
}
