//! Many stories: a mixed pile split into the right stories, order independence, the store
//! (`ingest`, `stories`, `show`), re-ingest as a no-op, a killed ingest, quiet pipes.

use crate::common::{digest_json, run, seeds};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/stories")
        .join(name)
}

fn lines(name: &str) -> Vec<String> {
    std::fs::read_to_string(data(name))
        .expect("story data")
        .lines()
        .map(str::to_string)
        .collect()
}

/// id -> gold story of JSONL lines.
fn gold(lines: &[String]) -> HashMap<String, String> {
    lines
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["story"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The stories of a digest or listing as sets of article ids.
fn partition(v: &Value) -> BTreeSet<BTreeSet<String>> {
    v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["articles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// B-cubed F1 of a partition against gold labels (items absent from gold are ignored).
fn bcubed_f1(parts: &BTreeSet<BTreeSet<String>>, gold: &HashMap<String, String>) -> f64 {
    let mut by_gold: HashMap<&str, usize> = HashMap::new();
    for g in gold.values() {
        *by_gold.entry(g).or_default() += 1;
    }
    let (mut p, mut r, mut n) = (0.0, 0.0, 0.0);
    for part in parts {
        for id in part {
            let Some(g) = gold.get(id) else { continue };
            let same = part.iter().filter(|o| gold.get(*o) == Some(g)).count() as f64;
            p += same / part.len() as f64;
            r += same / by_gold[g.as_str()] as f64;
            n += 1.0;
        }
    }
    let (p, r) = (p / n, r / n);
    2.0 * p * r / (p + r)
}

fn write_jsonl(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn seed_ids() -> BTreeSet<String> {
    crate::common::seed_ids().into_iter().collect()
}

#[test]
fn a_mixed_pile_splits_into_its_stories() {
    let basil = lines("basil.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let pile = write_jsonl(dir.path(), "basil.jsonl", &basil);
    let (v, out) = digest_json(&[seeds().to_str().unwrap(), pile.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let parts = partition(&v);
    // The seeds are one story of exactly five, the largest, so listed first.
    let first: BTreeSet<String> = partition(&serde_json::json!({"stories": [v["stories"][0]]}))
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(first, seed_ids());
    // BASIL: 50 events told by three outlets each.
    let f1 = bcubed_f1(&parts, &gold(&basil));
    assert!(f1 >= 0.97, "B-cubed F1 {f1:.3}");
    assert!(
        parts.len() >= 50 && parts.len() <= 53,
        "{} stories",
        parts.len()
    );
    // Every story is consolidated on its own: its facts cite only its articles.
    for s in v["stories"].as_array().unwrap() {
        let members: BTreeSet<&str> = s["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for f in s["facts"].as_array().unwrap() {
            for a in f["articles"].as_array().unwrap() {
                assert!(members.contains(a.as_str().unwrap()));
            }
        }
    }
}

#[test]
fn similar_events_in_one_topic_stay_apart() {
    // ECB+ topic 1: Tara Reid enters rehab (2008) and Lindsay Lohan enters rehab (2013).
    let ecb: Vec<String> = lines("ecbplus.jsonl")
        .into_iter()
        .filter(|l| l.contains("\"story\": \"ecb-1-ecb") || l.contains("\"story\":\"ecb-1-ecb"))
        .collect();
    assert!(ecb.len() > 10, "{} lines", ecb.len());
    let g = gold(&ecb);
    let kinds: BTreeSet<&String> = g.values().collect();
    assert_eq!(kinds.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    let pile = write_jsonl(dir.path(), "ecb1.jsonl", &ecb);
    let (v, _) = digest_json(&[pile.to_str().unwrap()]);
    let parts = partition(&v);
    for part in &parts {
        let golds: BTreeSet<&String> = part.iter().map(|id| &g[id]).collect();
        assert_eq!(golds.len(), 1, "a story mixes the two events: {part:?}");
    }
    // And each event is mostly one story (a small pile gives few words to weigh).
    for event in kinds {
        let size = g.values().filter(|v| *v == event).count();
        let largest = parts
            .iter()
            .map(|p| p.iter().filter(|id| &g[*id] == event).count())
            .max()
            .unwrap();
        assert!(
            largest * 2 > size,
            "{event}: largest story {largest} of {size}"
        );
    }
}

#[test]
fn input_order_does_not_change_the_stories() {
    let mut pile: Vec<String> = lines("basil.jsonl").into_iter().take(60).collect();
    pile.extend(lines("ecbplus.jsonl").into_iter().take(120));
    let dir = tempfile::tempdir().unwrap();
    let a = write_jsonl(dir.path(), "a.jsonl", &pile);
    // Another order: reversed, then every third line moved to the front.
    let mut other: Vec<String> = pile.iter().rev().cloned().collect();
    let (front, back): (Vec<_>, Vec<_>) =
        other.drain(..).enumerate().partition(|(i, _)| i % 3 == 0);
    let other: Vec<String> = front.into_iter().chain(back).map(|(_, l)| l).collect();
    let b = write_jsonl(dir.path(), "b.jsonl", &other);
    let (va, _) = digest_json(&[a.to_str().unwrap()]);
    let (vb, _) = digest_json(&[b.to_str().unwrap()]);
    assert!(partition(&va).len() > 10);
    assert_eq!(partition(&va), partition(&vb));
    // Not only the same stories: the same bytes, apart from the paths articles came from.
    let strip = |v: &Value| {
        let mut v = v.clone();
        v["rejected"] = Value::Null;
        v.to_string()
    };
    assert_eq!(strip(&va), strip(&vb));
    // The store too, batch by batch.
    let da = dir.path().join("a.db");
    let db_b = dir.path().join("b.db");
    for (db, file) in [(&da, &a), (&db_b, &b)] {
        let out = run(&[
            "ingest",
            "--quiet",
            "--db",
            db.to_str().unwrap(),
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0));
    }
    let list = |db: &Path| {
        let out = run(&[
            "stories",
            "--limit",
            "0",
            "--format",
            "json",
            "--db",
            db.to_str().unwrap(),
        ]);
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    assert_eq!(list(&da), list(&db_b));
    assert_eq!(partition(&list(&da)), partition(&va));
}

#[test]
fn reingest_is_a_no_op_and_show_renders_a_stored_story() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let db = db.to_str().unwrap();
    let s = seeds();
    let out = run(&["ingest", "--db", db, s.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(report.contains("stored 5 articles"), "{report}");
    let before = run(&["stories", "--format", "json", "--db", db]).stdout;
    let out = run(&["ingest", "--db", db, s.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(report.contains("stored 0 articles"), "{report}");
    assert!(report.contains("5 already stored"), "{report}");
    let after = run(&["stories", "--format", "json", "--db", db]).stdout;
    assert_eq!(before, after);
    let list: Value = serde_json::from_slice(&after).unwrap();
    let story = &list["stories"][0];
    assert_eq!(list["stories"].as_array().unwrap().len(), 1);
    assert_eq!(story["first_date"], "2025-02-27");
    let ids: BTreeSet<String> = crate::common::strs(&story["articles"])
        .into_iter()
        .collect();
    assert_eq!(ids, seed_ids());
    // show: the same analysis digest makes, under the listed id.
    let id = story["id"].as_str().unwrap();
    let out = run(&["show", id, "--format", "json", "--db", db]);
    assert_eq!(out.status.code(), Some(0));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["stories"][0]["id"], id);
    assert_eq!(shown["stories"][0]["independent_sources"], 4);
    assert!(!shown["stories"][0]["summary"]
        .as_array()
        .unwrap()
        .is_empty());
    // The listing now carries what the analysis found (a rewrite folded in).
    let list: Value =
        serde_json::from_slice(&run(&["stories", "--format", "json", "--db", db]).stdout).unwrap();
    assert_eq!(list["stories"][0]["independent_sources"], 4);
    // A story that does not exist is a clear error.
    let out = run(&["show", "s-000000000000", "--db", db]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no story s-000000000000"));
}

#[test]
fn ingest_in_a_pipe_prints_no_progress_and_quiet_prints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let out = run(&[
        "ingest",
        "--db",
        db.to_str().unwrap(),
        data("basil.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(!stdout.contains('\x1b') && !stdout.contains('\r'));
    let db2 = dir.path().join("q.db");
    let out = run(&[
        "ingest",
        "--quiet",
        "--db",
        db2.to_str().unwrap(),
        data("basil.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

fn listing(db: &Path) -> Option<Value> {
    let out = run(&[
        "stories",
        "--check",
        "--limit",
        "0",
        "--format",
        "json",
        "--db",
        db.to_str().unwrap(),
    ]);
    if out.status.code() != Some(0) {
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

fn stored_ids(v: &Value) -> Vec<String> {
    v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| crate::common::strs(&s["articles"]))
        .collect()
}

#[test]
fn a_killed_ingest_keeps_every_committed_batch() {
    // A pile big enough to take several seconds: real articles under new ids.
    let mut pile = Vec::new();
    let base: Vec<String> = lines("basil.jsonl")
        .into_iter()
        .chain(lines("ecbplus.jsonl"))
        .collect();
    for k in 0..6 {
        for l in &base {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v["id"] = format!("{}-k{k}", v["id"].as_str().unwrap()).into();
            pile.push(v.to_string());
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write_jsonl(dir.path(), "pile.jsonl", &pile);
    let db = dir.path().join("kill.db");
    let batch = 100;
    let mut child = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .env("CORROBORATE_MODEL", crate::common::model())
        // Words only: this is about what a kill leaves, and the analyses of twelve copies of
        // every story are the slow part of the second run.
        .args([
            "ingest",
            "--quiet",
            "--no-model",
            "--batch",
            &batch.to_string(),
            "--db",
        ])
        .arg(&db)
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until a few batches are committed, then kill it without warning.
    let start = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(30));
        let n = listing(&db).map(|v| stored_ids(&v).len()).unwrap_or(0);
        if n >= 3 * batch || start.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the ingest finished before the kill; grow the pile"
    );
    // The store opens, passes SQLite's integrity check, and holds whole batches only.
    let v = listing(&db).expect("a readable store after the kill");
    let ids = stored_ids(&v);
    assert!(ids.len() >= 3 * batch && ids.len() < pile.len());
    assert_eq!(
        ids.len() % batch,
        0,
        "{} articles: a batch half stored",
        ids.len()
    );
    // Ingesting again completes the pile, with nothing stored twice.
    let out = run(&[
        "ingest",
        "--quiet",
        "--no-model",
        "--db",
        db.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = listing(&db).unwrap();
    let mut ids = stored_ids(&v);
    assert_eq!(ids.len(), pile.len());
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), pile.len());
}
