//! `cargo xtask eval-duc [DUC_DIR]`: multi-document summaries on DUC 2004. Each docset is
//! digested in-process as one story with 100-word summaries ([`summarise`]); the summaries are
//! scored with the 13 published systems by `../shared/peers/rouge_duc.py` (needs
//! `rouge-score`), and every summary sentence is checked to be verbatim in its source.
//! In: the DUC directory and a model name (`none`, `static`, `transformer`). Out: [`DucRun`];
//! `eval` prints the ROUGE table, the verbatim count and the time per docset.

use corroborate_model::RawArticle;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// DUC docs are hard-wrapped: join the lines of each blank-line-separated block.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The summaries of one run over every docset.
pub struct DucRun {
    /// The model's label.
    pub label: String,
    pub docsets: usize,
    /// Docset name -> summary text.
    pub ours: serde_json::Map<String, serde_json::Value>,
    /// Milliseconds per docset, sorted.
    pub ms: Vec<f64>,
    pub sentences: usize,
    pub not_verbatim: usize,
}

impl DucRun {
    /// Share of summary sentences found verbatim in the article they cite.
    pub fn verbatim_share(&self) -> f64 {
        (self.sentences - self.not_verbatim) as f64 / self.sentences.max(1) as f64
    }
}

/// Summarise every docset under `dir` with `model` (`none`, `static`, `transformer`).
pub fn summarise(dir: &Path, model: Option<&str>) -> Result<DucRun, String> {
    let mut sets: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    sets.retain(|p| p.join("docs").is_dir());
    sets.sort();
    if sets.is_empty() {
        return Err(format!("no docsets under {}", dir.display()));
    }
    let choice = model.unwrap_or("none");
    let Some((label, model)) = crate::meaning::models(Some(choice)).into_iter().next() else {
        return Err(format!("model {choice} is not available"));
    };
    let options = corroborate_pipeline::run::Options {
        summary_words: 100,
        single_story: true,
        embedder: model.map(std::sync::Arc::from),
    };
    let mut run = DucRun {
        label,
        docsets: sets.len(),
        ours: serde_json::Map::new(),
        ms: Vec::new(),
        sentences: 0,
        not_verbatim: 0,
    };
    for set in &sets {
        let mut docs: Vec<PathBuf> = std::fs::read_dir(set.join("docs"))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        docs.sort();
        let raws: Vec<RawArticle> = docs
            .iter()
            .map(|p| RawArticle {
                id: p.file_stem().unwrap_or_default().to_string_lossy().into(),
                path: p.to_string_lossy().into(),
                body: unwrap_lines(&String::from_utf8_lossy(
                    &std::fs::read(p).unwrap_or_default(),
                )),
                ..RawArticle::default()
            })
            .collect();
        let t = Instant::now();
        let d = corroborate_pipeline::run::digest_with(raws, vec![], &options);
        run.ms.push(t.elapsed().as_secs_f64() * 1e3);
        let Some(story) = d.stories.first() else {
            continue;
        };
        for x in &story.summary {
            run.sentences += 1;
            let src = d.articles.iter().find(|a| a.id == x.source);
            if !src.is_some_and(|a| a.text.contains(&x.text)) {
                run.not_verbatim += 1;
            }
        }
        let text: Vec<&str> = story.summary.iter().map(|x| x.text.as_str()).collect();
        let name = set
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        run.ours.insert(name, text.join(" ").into());
    }
    run.ms.sort_by(|a, b| a.total_cmp(b));
    Ok(run)
}

/// The eval-duc command; the model comes from `$CORROBORATE_MODEL` (words only when unset).
pub fn eval(shared: &Path, dir: Option<PathBuf>) -> ExitCode {
    let dir = dir.unwrap_or_else(|| shared.join("data/duc2004"));
    let choice = std::env::var("CORROBORATE_MODEL").ok();
    let run = match summarise(&dir, choice.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    println!("model: {}", run.label);
    let out = std::env::temp_dir().join(format!("corroborate-duc-{}.json", std::process::id()));
    if std::fs::write(
        &out,
        serde_json::Value::Object(run.ours.clone()).to_string(),
    )
    .is_err()
    {
        return ExitCode::from(2);
    }
    let scored = Command::new(crate::python())
        .arg(shared.join("peers/rouge_duc.py"))
        .arg(&dir)
        .arg(&out)
        .output();
    let _ = std::fs::remove_file(&out);
    let Ok(scored) = scored.map_err(|e| eprintln!("cannot run the scorer: {e}")) else {
        return ExitCode::from(2);
    };
    let Ok(table) = serde_json::from_slice::<serde_json::Value>(&scored.stdout) else {
        eprintln!(
            "scorer failed (needs rouge-score: python3 -m venv .venv && .venv/bin/pip install -r ../shared/peers/requirements.txt): {}",
            String::from_utf8_lossy(&scored.stderr)
        );
        return ExitCode::from(2);
    };
    let mut rows: Vec<(String, f64, f64)> = table
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v[0].as_f64().unwrap_or(0.0),
                        v[1].as_f64().unwrap_or(0.0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    println!(
        "DUC 2004, {} docsets: ROUGE recall (rouge-score, stemmed, 100 words)",
        run.docsets
    );
    println!("{:<14} {:>6} {:>6}", "system", "R-1", "R-2");
    for (name, r1, r2) in &rows {
        let mark = if name == "corroborate" { "  <" } else { "" };
        println!("{name:<14} {r1:>6.2} {r2:>6.2}{mark}");
    }
    println!(
        "summary sentences verbatim in their source: {}/{}",
        run.sentences - run.not_verbatim,
        run.sentences
    );
    println!(
        "time per 10-article docset (in-process digest): median {:.1} ms, max {:.1} ms",
        run.ms[run.ms.len() / 2],
        run.ms[run.ms.len() - 1]
    );
    if run.not_verbatim == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
