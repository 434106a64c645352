//! The gate binary end to end, cheaply: a temp folder laid out like `../shared` holding the
//! first CoNLL-2003 dev documents only, and temp baselines with one entities floor. Shows that
//! a floor above the real figure fails (exit 1, the figure named), that a reachable floor
//! passes, and that `--raise` raises a floor and never lowers one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIGURE: &str = "entities.conll_dev.typed_f1";

/// A shared-like folder with the first three documents of CoNLL-2003 dev.
fn tiny_shared(dir: &Path) -> PathBuf {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/conll2003/dev.txt");
    let text = std::fs::read_to_string(real).expect("CoNLL-2003 dev in ../shared");
    let mut docs = 0;
    let mut keep = String::new();
    for line in text.lines() {
        if line.starts_with("-DOCSTART-") {
            docs += 1;
            if docs > 3 {
                break;
            }
        }
        keep.push_str(line);
        keep.push('\n');
    }
    let shared = dir.join("shared");
    std::fs::create_dir_all(shared.join("data/conll2003")).unwrap();
    std::fs::write(shared.join("data/conll2003/dev.txt"), keep).unwrap();
    shared
}

fn baseline(dir: &Path, floor: f64) -> PathBuf {
    let path = dir.join("baseline.json");
    let text = format!(
        r#"{{"model": "static", "figures": {{"{FIGURE}": {{"floor": {floor}, "command": "cargo xtask eval-entities", "what": "test"}}}}}}"#
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn gate(shared: &Path, baseline: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("gate")
        .arg("--shared")
        .arg(shared)
        .arg("--baseline")
        .arg(baseline)
        .args(extra)
        .output()
        .expect("xtask runs")
}

fn floor_in(path: &Path) -> f64 {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["figures"][FIGURE]["floor"].as_f64().unwrap()
}

#[test]
fn a_floor_above_the_figure_fails_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let shared = tiny_shared(tmp.path());
    let out = gate(&shared, &baseline(tmp.path(), 1.01), &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("BELOW FLOOR: {FIGURE}")), "{err}");
    assert!(err.contains("gate failed: 1 of 1"), "{err}");
}

#[test]
fn a_reachable_floor_passes_and_raise_only_raises() {
    let tmp = tempfile::tempdir().unwrap();
    let shared = tiny_shared(tmp.path());
    let path = baseline(tmp.path(), 0.0);
    let out = gate(&shared, &path, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --raise pins the measured figure (rounded down), which then passes again.
    let out = gate(&shared, &path, &["--raise", "--only", "entities"]);
    assert_eq!(out.status.code(), Some(0));
    let raised = floor_in(&path);
    assert!(raised > 0.0, "{raised}");
    assert_eq!(gate(&shared, &path, &[]).status.code(), Some(0));
    // A floor above the figure is kept by --raise, and still fails.
    let path = baseline(tmp.path(), 0.999);
    let out = gate(&shared, &path, &["--raise", "--only", "entities"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(floor_in(&path), 0.999);
}
