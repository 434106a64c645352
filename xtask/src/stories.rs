//! `cargo xtask eval-stories`: story clustering quality and speed on the labelled story piles
//! (BASIL, ECB+, each alone and both mixed with the seeds; the gold `story` field is never shown
//! to the tool), side by side with the two Python reference pipelines in `../shared/peers/`
//! run on the same input in the same run. Prints B-cubed precision, recall, F1, pairwise F1 and
//! articles/s per system and per part.

use corroborate_model::RawArticle;
use corroborate_pipeline::{clean, cluster};
use corroborate_read::read_source;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// One labelled article: which part of the pile it came from and its gold story.
struct Gold {
    part: &'static str,
    story: String,
}

/// Scores of one clustering against gold, over the items of one part.
#[derive(Default, Clone, Copy)]
pub struct Scores {
    pub p: f64,
    pub r: f64,
    pub f1: f64,
    pub pair_f1: f64,
}

/// B-cubed and pairwise scores of `pred` against `gold` over the ids in `items`. Precision of an
/// item counts every member of its predicted cluster (also outside `items`), so merges across
/// parts cost precision.
pub fn score(
    items: &[&str],
    pred: &HashMap<String, String>,
    gold: &HashMap<String, String>,
) -> Scores {
    let mut by_pred: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, c) in pred {
        by_pred.entry(c.as_str()).or_default().push(id.as_str());
    }
    let mut by_gold: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, g) in gold {
        by_gold.entry(g.as_str()).or_default().push(id.as_str());
    }
    let (mut p, mut r) = (0.0, 0.0);
    let (mut tp, mut pred_pairs, mut gold_pairs) = (0.0, 0.0, 0.0);
    for id in items {
        let (Some(c), Some(g)) = (pred.get(*id), gold.get(*id)) else {
            continue;
        };
        let pc = &by_pred[c.as_str()];
        let gc = &by_gold[g.as_str()];
        let both = pc.iter().filter(|o| gold.get(**o) == Some(g)).count() as f64;
        p += both / pc.len() as f64;
        r += both / gc.len() as f64;
        tp += both - 1.0;
        pred_pairs += pc.len() as f64 - 1.0;
        gold_pairs += gc.len() as f64 - 1.0;
    }
    let n = items.len().max(1) as f64;
    let (p, r) = (p / n, r / n);
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    let pp = if pred_pairs > 0.0 {
        tp / pred_pairs
    } else {
        1.0
    };
    let pr = if gold_pairs > 0.0 {
        tp / gold_pairs
    } else {
        1.0
    };
    let pair_f1 = if pp + pr > 0.0 {
        2.0 * pp * pr / (pp + pr)
    } else {
        0.0
    };
    Scores { p, r, f1, pair_f1 }
}

/// Cluster raw articles in-process the way `digest` does; returns id -> story label.
pub fn corroborate_clusters(raws: &[RawArticle]) -> HashMap<String, String> {
    let articles = clean::clean(raws);
    let feats: Vec<cluster::Features> = articles
        .iter()
        .map(|a| cluster::features(&a.id, &a.title, &a.text, a.date.as_deref()))
        .collect();
    let out = cluster::cluster_batch(&feats);
    articles
        .iter()
        .zip(out)
        .map(|(a, s)| (a.id.clone(), format!("s{}", s.story)))
        .collect()
}

fn jsonl_line(r: &RawArticle) -> String {
    serde_json::json!({
        "id": r.id, "title": r.title, "date": r.date, "outlet": r.outlet, "url": r.url,
        "text": r.body,
    })
    .to_string()
}

fn run_peer(python: &Path, script: &Path, input: &Path) -> Option<(HashMap<String, String>, f64)> {
    let out = input.with_extension("peer.json");
    let t = Instant::now();
    let status = Command::new(python)
        .arg(script)
        .arg(input)
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status()
        .ok()?;
    let secs = t.elapsed().as_secs_f64();
    if !status.success() {
        return None;
    }
    let labels: HashMap<String, String> =
        serde_json::from_slice(&std::fs::read(&out).ok()?).ok()?;
    Some((labels, secs))
}

fn load_jsonl(
    path: &Path,
    part: &'static str,
    gold: &mut HashMap<String, Gold>,
) -> Vec<RawArticle> {
    let bytes = std::fs::read(path).unwrap_or_default();
    for line in String::from_utf8_lossy(&bytes).lines() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
            if let (Some(id), Some(s)) = (v["id"].as_str(), v["story"].as_str()) {
                gold.insert(
                    id.to_string(),
                    Gold {
                        part,
                        story: s.to_string(),
                    },
                );
            }
        }
    }
    read_source(&path.to_string_lossy(), &bytes)
        .into_iter()
        .filter_map(Result::ok)
        .collect()
}

fn load_seeds(dir: &Path, gold: &mut HashMap<String, Gold>) -> Vec<RawArticle> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let mut raws = Vec::new();
    for p in paths {
        let bytes = std::fs::read(&p).unwrap_or_default();
        for r in read_source(&p.to_string_lossy(), &bytes)
            .into_iter()
            .flatten()
        {
            gold.insert(
                r.id.clone(),
                Gold {
                    part: "seeds",
                    story: "seeds".into(),
                },
            );
            raws.push(r);
        }
    }
    raws
}

/// The labelled piles: BASIL, ECB+, the seeds, and all three mixed, with their gold.
pub struct Piles {
    gold: HashMap<String, Gold>,
    gold_labels: HashMap<String, String>,
    basil: Vec<RawArticle>,
    ecb: Vec<RawArticle>,
    mixed: Vec<RawArticle>,
}

/// Read the story piles and the seeds from `shared` (the `../shared` directory).
pub fn load_piles(shared: &Path) -> Result<Piles, String> {
    let mut gold: HashMap<String, Gold> = HashMap::new();
    let basil = load_jsonl(&shared.join("data/stories/basil.jsonl"), "basil", &mut gold);
    let ecb = load_jsonl(
        &shared.join("data/stories/ecbplus.jsonl"),
        "ecbplus",
        &mut gold,
    );
    let seeds = load_seeds(&shared.join("seeds"), &mut gold);
    if basil.is_empty() || ecb.is_empty() || seeds.is_empty() {
        return Err(format!("story data missing under {}", shared.display()));
    }
    let mixed: Vec<RawArticle> = basil.iter().chain(&ecb).chain(&seeds).cloned().collect();
    let gold_labels = gold
        .iter()
        .map(|(id, g)| (id.clone(), g.story.clone()))
        .collect();
    Ok(Piles {
        gold,
        gold_labels,
        basil,
        ecb,
        mixed,
    })
}

impl Piles {
    /// The piles scored, by name: `basil`, `ecbplus`, `mixed` (both and the seeds).
    pub fn piles(&self) -> [(&'static str, &[RawArticle]); 3] {
        [
            ("basil", &self.basil),
            ("ecbplus", &self.ecb),
            ("mixed", &self.mixed),
        ]
    }

    /// Scores of `labels` over every article of `pile`.
    pub fn score_all(&self, pile: &[RawArticle], labels: &HashMap<String, String>) -> Scores {
        let all: Vec<&str> = pile.iter().map(|r| r.id.as_str()).collect();
        score(&all, labels, &self.gold_labels)
    }

    /// The parts (`basil`, `ecbplus`, `seeds`) a pile holds, sorted.
    fn parts(&self, pile: &[RawArticle]) -> Vec<&'static str> {
        let mut parts: Vec<&str> = pile
            .iter()
            .filter_map(|r| self.gold.get(&r.id).map(|g| g.part))
            .collect();
        parts.sort();
        parts.dedup();
        parts
    }

    /// Scores of `labels` over the articles of one part of `pile`.
    fn score_part(
        &self,
        pile: &[RawArticle],
        part: &str,
        labels: &HashMap<String, String>,
    ) -> Scores {
        let items: Vec<&str> = pile
            .iter()
            .filter(|r| self.gold.get(&r.id).is_some_and(|g| g.part == part))
            .map(|r| r.id.as_str())
            .collect();
        score(&items, labels, &self.gold_labels)
    }

    /// Whether the five seeds make one story of exactly five in `labels`; `None` when the pile
    /// holds no seeds.
    pub fn seeds_one_story(
        &self,
        pile: &[RawArticle],
        labels: &HashMap<String, String>,
    ) -> Option<bool> {
        let seeds_story: Vec<&String> = pile
            .iter()
            .filter(|r| self.gold.get(&r.id).is_some_and(|g| g.part == "seeds"))
            .filter_map(|r| labels.get(&r.id))
            .collect();
        let first = seeds_story.first()?;
        let together = seeds_story.iter().all(|l| l == first);
        let size = labels.values().filter(|l| l == first).count();
        Some(together && size == 5)
    }
}

/// Run the evaluation; `shared` is the `../shared` directory.
pub fn eval(shared: &Path) -> ExitCode {
    let piles = match load_piles(shared) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    let peers = [
        ("ref_cluster.py", shared.join("peers/ref_cluster.py")),
        ("ref_agglo.py", shared.join("peers/ref_agglo.py")),
    ];
    let have_python = python.exists() && std::env::var_os("NO_PEERS").is_none();
    if !have_python {
        eprintln!(
            "note: {} missing; peers skipped (python3 -m venv .venv && .venv/bin/pip install -r ../shared/peers/requirements.txt)",
            python.display()
        );
    }
    println!(
        "{:<10} {:<16} {:<8} {:>6} {:>6} {:>6} {:>7} {:>10}",
        "pile", "system", "part", "B3-P", "B3-R", "B3-F1", "pair-F1", "articles/s"
    );
    let tmp = std::env::temp_dir().join(format!("corroborate-stories-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    for (name, pile) in piles.piles() {
        let mut systems: Vec<(String, HashMap<String, String>, f64)> = Vec::new();
        // Best of three runs for our time (the pile is small; the first run warms caches).
        let mut best = f64::MAX;
        let mut labels = HashMap::new();
        for _ in 0..3 {
            let t = Instant::now();
            labels = corroborate_clusters(pile);
            best = best.min(t.elapsed().as_secs_f64());
        }
        if let Ok(dir) = std::env::var("CORROBORATE_DUMP") {
            let _ = std::fs::write(
                Path::new(&dir).join(format!("{name}.json")),
                serde_json::to_string(&labels).unwrap_or_default(),
            );
        }
        systems.push(("corroborate".into(), labels, best));
        if have_python {
            let input = tmp.join(format!("{name}.jsonl"));
            let text: String = pile.iter().map(|r| jsonl_line(r) + "\n").collect();
            if std::fs::write(&input, text).is_ok() {
                for (pname, script) in &peers {
                    match run_peer(&python, script, &input) {
                        Some((l, secs)) => systems.push((pname.to_string(), l, secs)),
                        None => eprintln!("{pname} failed on {name}"),
                    }
                }
            }
        }
        let parts = piles.parts(pile);
        for (sys, labels, secs) in &systems {
            let rate = pile.len() as f64 / secs;
            let s = piles.score_all(pile, labels);
            println!(
                "{:<10} {:<16} {:<8} {:>6.3} {:>6.3} {:>6.3} {:>7.3} {:>10.0}",
                name, sys, "all", s.p, s.r, s.f1, s.pair_f1, rate
            );
            if parts.len() > 1 {
                for part in &parts {
                    let s = piles.score_part(pile, part, labels);
                    println!(
                        "{:<10} {:<16} {:<8} {:>6.3} {:>6.3} {:>6.3} {:>7.3}",
                        name, sys, part, s.p, s.r, s.f1, s.pair_f1
                    );
                }
                if let Some(together) = piles.seeds_one_story(pile, labels) {
                    println!(
                        "{:<10} {:<16} seeds one story of five: {}",
                        name, sys, together
                    );
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    ExitCode::SUCCESS
}
