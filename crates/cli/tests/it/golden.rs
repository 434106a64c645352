//! Golden tests on the project's own real cases: every folder of `test_data/stories/` is
//! digested by the binary (`digest --model static --format json`, from inside the folder so no
//! absolute path reaches the output) and compared with the `digest_json.snap` beside its inputs;
//! the case [`TEXT_REPORT_CASE`] is also compared as the text report (`digest_text.snap`). Snapshots are insta's; after an intended change of the output, refresh
//! them all with `INSTA_UPDATE=always cargo test -p corroborate --test it golden::` and review the
//! diff. A case's inputs are every file of its folder except `*.snap` and insta's pending
//! `*.snap.new` (sorted by name).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The case whose text report is kept as well as its JSON.
const TEXT_REPORT_CASE: &str = "meantime-jsonl-two-stories";

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/stories");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("test_data/stories exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn inputs(case: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !n.ends_with(".snap") && !n.ends_with(".snap.new"))
        .collect();
    files.sort();
    files
}

/// Run `digest --model static --format FORMAT` on the case's inputs, from inside the case.
fn digest(case: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["digest", "--model", "static", "--format", format])
        .args(inputs(case))
        .current_dir(case)
        .env_remove("CORROBORATE_MODEL")
        .output()
        .expect("binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        case.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn every_case_matches_its_golden_output() {
    let cases = cases();
    assert!(cases.len() >= 3, "{cases:?}");
    for case in cases {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&case);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| {
            insta::assert_snapshot!("digest_json", digest(&case, "json"));
            if case.ends_with(TEXT_REPORT_CASE) {
                insta::assert_snapshot!("digest_text", digest(&case, "text"));
            }
        });
    }
}
