//! `cargo xtask eval-extract [--quick] [--worst N]`: main-text extraction quality and speed on
//! the three HTML sets of `../shared/data`, beside trafilatura in the same run.
//!
//! - Zyte AEB (181 pages): 4-gram shingle precision and recall per page, averaged; F1 of the
//!   averages (the benchmark's metric).
//! - WCXB articles dev (711 pages): word F1 per page, averaged; publication-date accuracy;
//!   author accuracy (scored again beside trafilatura by `bench/extract_wcxb.py`).
//! - trafilatura-eval (990 pages): share of must-contain snippets found and must-not-contain
//!   snippets avoided, and trafilatura's precision/recall/F1 over them.
//!
//! Speed is pages per second on one core, extraction only (pages decompressed beforehand).
//! Without `--quick`, the outputs are written as JSONL and scored again by the shared
//! `extract_eval.py zyte`, by `bench/extract_wcxb.py` and by `bench/extract_snippets.py`, each of
//! which runs trafilatura on the same pages, so every figure has trafilatura's beside it.

use corroborate_read::{extract_html, Hints, Page};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn gunzip(path: &Path) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(f).read_to_end(&mut out).ok()?;
    Some(out)
}

fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn shingles(s: &str) -> HashSet<Vec<String>> {
    let w = tokens(s);
    if w.is_empty() {
        return HashSet::new();
    }
    if w.len() < 4 {
        return std::iter::once(w).collect();
    }
    w.windows(4).map(|x| x.to_vec()).collect()
}

fn word_prf(pred: &str, gold: &str) -> (f64, f64, f64) {
    let mut a: HashMap<String, i64> = HashMap::new();
    for t in tokens(pred) {
        *a.entry(t).or_default() += 1;
    }
    let mut b: HashMap<String, i64> = HashMap::new();
    for t in tokens(gold) {
        *b.entry(t).or_default() += 1;
    }
    let inter: i64 = a
        .iter()
        .map(|(k, v)| (*v).min(*b.get(k).unwrap_or(&0)))
        .sum();
    let (na, nb): (i64, i64) = (a.values().sum(), b.values().sum());
    if nb == 0 {
        // WCXB's own rule: an empty gold text is matched only by an empty extraction.
        let f = if na == 0 { 1.0 } else { 0.0 };
        return (f, f, f);
    }
    let p = inter as f64 / na.max(1) as f64;
    let r = inter as f64 / nb.max(1) as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Extract every page, timing extraction only.
fn run_pages(pages: &[(String, Vec<u8>)]) -> (Vec<Page>, f64) {
    let t0 = Instant::now();
    let out = pages
        .iter()
        .map(|(_, b)| extract_html(b, &Hints::default()).unwrap_or_default())
        .collect();
    (out, t0.elapsed().as_secs_f64())
}

fn write_jsonl(path: &Path, names: &[String], pages: &[Page]) {
    let mut s = String::new();
    for (n, p) in names.iter().zip(pages) {
        s.push_str(
            &json!({"path": n, "text": p.text, "date": p.date, "title": p.title,
                    "authors": p.authors, "outlet": p.outlet, "language": p.language, "url": p.url})
            .to_string(),
        );
        s.push('\n');
    }
    let _ = std::fs::write(path, s);
}

fn norm_author(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn eval(shared: &Path, args: &[String]) -> ExitCode {
    let quick = args.iter().any(|a| a == "--quick");
    let worst: usize = args
        .iter()
        .position(|a| a == "--worst")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/eval-extract");
    let _ = std::fs::create_dir_all(&out_dir);
    let data = shared.join("data");

    // Zyte.
    let zdir = data.join("zyte-aeb");
    let gt: Value = match std::fs::read(zdir.join("ground-truth.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
    {
        Some(v) => v,
        None => {
            eprintln!(
                "xtask: cannot read {}",
                zdir.join("ground-truth.json").display()
            );
            return ExitCode::FAILURE;
        }
    };
    let mut keys: Vec<&String> = gt
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    keys.sort();
    let zpages: Vec<(String, Vec<u8>)> = keys
        .iter()
        .filter_map(|k| {
            Some((
                k.to_string(),
                gunzip(&zdir.join(format!("html/{k}.html.gz")))?,
            ))
        })
        .collect();
    let zbytes: usize = zpages.iter().map(|p| p.1.len()).sum();
    let (zout, zsecs) = run_pages(&zpages);
    let (mut sp, mut sr) = (0.0, 0.0);
    let mut per_page = Vec::new();
    for ((k, _), page) in zpages.iter().zip(&zout) {
        let gold = gt[k]["articleBody"].as_str().unwrap_or("");
        let (a, b) = (shingles(&page.text), shingles(gold));
        let i = a.intersection(&b).count() as f64;
        let p = if a.is_empty() {
            0.0
        } else {
            i / a.len() as f64
        };
        let r = if b.is_empty() {
            0.0
        } else {
            i / b.len() as f64
        };
        sp += p;
        sr += r;
        per_page.push((p.min(r), p, r, k.clone()));
    }
    let n = zpages.len().max(1) as f64;
    let (zp, zr) = (sp / n, sr / n);
    let zf = 2.0 * zp * zr / (zp + zr).max(1e-9);
    println!(
        "Zyte AEB ({} pages): P {zp:.4} R {zr:.4} F1 {zf:.4}; {:.0} pages/s ({:.1} MB/s) on one core",
        zpages.len(),
        zpages.len() as f64 / zsecs,
        zbytes as f64 / 1e6 / zsecs
    );
    if worst > 0 {
        per_page.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (_, p, r, k) in per_page.iter().take(worst) {
            println!("  zyte {k}: P {p:.2} R {r:.2}");
        }
    }
    let znames: Vec<String> = zpages.iter().map(|(k, _)| format!("{k}.html.gz")).collect();
    let zjsonl = out_dir.join("zyte.jsonl");
    write_jsonl(&zjsonl, &znames, &zout);

    // WCXB.
    let wdir = data.join("wcxb-articles/dev");
    let mut gts: Vec<PathBuf> = std::fs::read_dir(wdir.join("ground-truth"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    gts.sort();
    let mut wpages = Vec::new();
    let mut wgold = Vec::new();
    for g in &gts {
        let Some(v) = std::fs::read(g)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        else {
            continue;
        };
        let k = g
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        if let Some(b) = gunzip(&wdir.join(format!("html/{k}.html.gz"))) {
            wpages.push((k, b));
            wgold.push(v["ground_truth"].clone());
        }
    }
    let (wout, wsecs) = run_pages(&wpages);
    let (mut f1s, mut dn, mut dok, mut an, mut aok) = (0.0, 0, 0, 0, 0);
    let mut wper = Vec::new();
    for (((k, _), page), g) in wpages.iter().zip(&wout).zip(&wgold) {
        let (p, r, f) = word_prf(&page.text, g["main_content"].as_str().unwrap_or(""));
        f1s += f;
        wper.push((f, p, r, k.clone()));
        if let Some(d) = g["publish_date"].as_str().filter(|d| !d.is_empty()) {
            dn += 1;
            if page.date.as_deref() == Some(&d[..d.len().min(10)]) {
                dok += 1;
            } else if worst > 0 {
                println!("  wcxb {k} date: gold {d} ours {:?}", page.date);
            }
        }
        if let Some(a) = g["author"].as_str().filter(|a| !a.is_empty()) {
            an += 1;
            let ours = norm_author(&page.authors.join(" "));
            if !ours.is_empty() && ours == norm_author(a) {
                aok += 1;
            } else if worst > 0 {
                println!("  wcxb {k} author: gold {a:?} ours {:?}", page.authors);
            }
        }
    }
    let wn = wpages.len().max(1) as f64;
    println!(
        "WCXB articles dev ({} pages): word F1 {:.4}; date accuracy {:.4} ({dok}/{dn}); author accuracy {:.4} ({aok}/{an}); {:.0} pages/s",
        wpages.len(),
        f1s / wn,
        dok as f64 / dn.max(1) as f64,
        aok as f64 / an.max(1) as f64,
        wpages.len() as f64 / wsecs
    );
    if worst > 0 {
        wper.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (f, p, r, k) in wper.iter().take(worst) {
            println!("  wcxb {k}: F1 {f:.2} P {p:.2} R {r:.2}");
        }
    }
    let wnames: Vec<String> = wpages.iter().map(|(k, _)| format!("{k}.html.gz")).collect();
    let wjsonl = out_dir.join("wcxb.jsonl");
    write_jsonl(&wjsonl, &wnames, &wout);

    // trafilatura-eval snippets.
    let tdir = data.join("trafilatura-eval");
    let ev: Value = std::fs::read(tdir.join("evaldata.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let mut items: Vec<(&String, &Value)> = ev
        .as_object()
        .map(|o| o.iter().collect())
        .unwrap_or_default();
    items.sort_by(|a, b| a.0.cmp(b.0));
    let tpages: Vec<(String, Vec<u8>)> = items
        .iter()
        .filter_map(|(_, v)| {
            let f = v["file"].as_str()?;
            Some((f.to_string(), gunzip(&tdir.join(format!("html/{f}.gz")))?))
        })
        .collect();
    let (tout, tsecs) = run_pages(&tpages);
    let by_file: HashMap<&str, &Page> = tpages.iter().map(|(f, _)| f.as_str()).zip(&tout).collect();
    let (mut tp, mut fneg, mut fp, mut tn) = (0, 0, 0, 0);
    for (_, v) in &items {
        let Some(page) = v["file"].as_str().and_then(|f| by_file.get(f)) else {
            continue;
        };
        for s in v["with"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if page.text.contains(s) {
                tp += 1
            } else {
                fneg += 1
            }
        }
        for s in v["without"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if page.text.contains(s) {
                fp += 1
            } else {
                tn += 1
            }
        }
    }
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fneg).max(1) as f64;
    println!(
        "trafilatura-eval ({} pages): must-contain found {:.4} ({tp}/{}), must-not-contain avoided {:.4} ({tn}/{}); P {p:.4} R {r:.4} F1 {:.4}; {:.0} pages/s",
        tpages.len(),
        tp as f64 / (tp + fneg).max(1) as f64,
        tp + fneg,
        tn as f64 / (tn + fp).max(1) as f64,
        tn + fp,
        2.0 * p * r / (p + r).max(1e-9),
        tpages.len() as f64 / tsecs
    );
    let tnames: Vec<String> = tpages.iter().map(|(f, _)| f.clone()).collect();
    let tjsonl = out_dir.join("snippets.jsonl");
    write_jsonl(&tjsonl, &tnames, &tout);

    if quick {
        return ExitCode::SUCCESS;
    }
    let python = crate::python();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let zyte_eval = [
        shared.join("peers/extract_eval.py"),
        "zyte".into(),
        zdir,
        zjsonl,
    ];
    let wcxb_eval = [root.join("bench/extract_wcxb.py"), wdir, wjsonl];
    let snippets = [root.join("bench/extract_snippets.py"), tdir, tjsonl];
    let ours_speed = [
        zpages.len() as f64 / zsecs,
        wpages.len() as f64 / wsecs,
        tpages.len() as f64 / tsecs,
    ];
    let counts = [zpages.len(), wpages.len(), tpages.len()];
    for (i, (name, args)) in [
        ("extract_eval.py zyte", &zyte_eval[..]),
        ("extract_wcxb.py", &wcxb_eval[..]),
        ("extract_snippets.py", &snippets[..]),
    ]
    .into_iter()
    .enumerate()
    {
        match Command::new(&python).args(args).output() {
            Ok(o) if o.status.success() => {
                let out = String::from_utf8_lossy(&o.stdout);
                println!("{name}: {}", out.trim());
                let secs = serde_json::from_str::<Value>(out.trim())
                    .ok()
                    .and_then(|v| v["trafilatura"]["seconds"].as_f64())
                    .filter(|s| *s > 0.0);
                if let Some(secs) = secs {
                    let theirs = counts[i] as f64 / secs;
                    println!(
                        "  speed: corroborate {:.0} pages/s, trafilatura {theirs:.1} pages/s: {:.1}x",
                        ours_speed[i],
                        ours_speed[i] / theirs
                    );
                }
            }
            Ok(o) => eprintln!("{name} failed: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => eprintln!("cannot run {}: {e}", python.display()),
        }
    }
    ExitCode::SUCCESS
}
