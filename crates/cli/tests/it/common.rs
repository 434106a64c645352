//! Helpers shared by the end-to-end tests: run the binary, read its JSON, find articles.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds")
}

/// The seed articles' ids (their file stems), sorted.
pub fn seed_ids() -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    stems.sort();
    stems
}

/// The sentence model the tests run with: `$CORROBORATE_MODEL` when set (CI runs the suite
/// once more with `transformer`), else the built-in static model, the default on a fresh
/// machine (never whatever happens to be installed in this user's data directory).
pub fn model() -> String {
    std::env::var("CORROBORATE_MODEL")
        .ok()
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "static".into())
}

pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(args)
        .env("CORROBORATE_MODEL", model())
        .output()
        .expect("binary runs")
}

pub fn digest_json(args: &[&str]) -> (Value, Output) {
    let mut all = vec!["digest", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all);
    let v: Value = serde_json::from_slice(&out.stdout).expect("valid JSON on stdout");
    (v, out)
}

pub fn seeds_digest() -> Value {
    let s = seeds();
    let (v, out) = digest_json(&[s.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    v
}

pub fn article<'a>(v: &'a Value, prefix: &str) -> &'a Value {
    v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"].as_str().unwrap().starts_with(prefix))
        .unwrap()
}

pub fn article_ids(v: &Value) -> Vec<String> {
    v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

pub fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}
