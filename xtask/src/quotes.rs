//! `cargo xtask eval-quotes`: quote attribution on PolNeAR. Builds the release binary and runs
//! `bench/polnear_quotes.py`, which digests every article of a split with it and scores the
//! quotes with the shared scorer (`../shared/peers/polnear_score.py`).
//! In: split names under `../shared/data/polnear/data`. Out: one [`QuoteFigures`] per split,
//! parsed from the script's lines (`dev: P/R/F1/n = 0.542 0.804 0.648 358  (...)`), which are
//! also passed through to stdout. The metric lives in the shared scorer only; this module
//! never scores quotes itself.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The scores of one split.
pub struct QuoteFigures {
    pub split: String,
    pub f1: f64,
    /// Gold quotes in the split.
    pub gold: usize,
}

/// Parse one line of `polnear_quotes.py`.
fn parse_line(line: &str) -> Option<QuoteFigures> {
    let (split, rest) = line.split_once(": P/R/F1/n = ")?;
    let mut nums = rest.split_whitespace();
    let mut next = || nums.next().and_then(|x| x.parse::<f64>().ok());
    let (_precision, _recall) = (next()?, next()?);
    Some(QuoteFigures {
        split: split.to_string(),
        f1: next()?,
        gold: next()? as usize,
    })
}

/// Build the release binary, run the scorer on `splits` (e.g. `["train", "dev"]`) with the
/// model `model` (`CORROBORATE_MODEL` for the binary; `None` leaves the environment as it is).
pub fn measure(
    shared: &Path,
    splits: &[&str],
    model: Option<&str>,
) -> Result<Vec<QuoteFigures>, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let built = Command::new(env!("CARGO"))
        .args(["build", "--release", "-q", "-p", "corroborate"])
        .current_dir(&root)
        .status();
    if !built.is_ok_and(|s| s.success()) {
        return Err("cargo build --release -p corroborate failed".into());
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    let data = shared.join("data/polnear/data");
    let mut cmd = Command::new("python3");
    cmd.arg(root.join("bench/polnear_quotes.py"))
        .arg(target.join("release/corroborate"));
    for s in splits {
        cmd.arg(data.join(s));
    }
    if let Some(m) = model {
        cmd.env("CORROBORATE_MODEL", m);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    if !out.status.success() {
        return Err(format!(
            "polnear_quotes.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let rows: Vec<QuoteFigures> = stdout.lines().filter_map(parse_line).collect();
    if rows.len() != splits.len() {
        return Err(format!(
            "polnear_quotes.py printed {} scored splits, expected {}",
            rows.len(),
            splits.len()
        ));
    }
    Ok(rows)
}

/// The eval-quotes command: train and dev.
pub fn eval(shared: &Path) -> ExitCode {
    match measure(shared, &["train", "dev"], None) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_scorer_line() {
        let f = parse_line(
            "dev: P/R/F1/n = 0.542 0.804 0.648 358  (12 articles/s incl. process start)",
        )
        .unwrap();
        assert_eq!((f.split.as_str(), f.f1, f.gold), ("dev", 0.648, 358));
        assert!(parse_line("note: something else").is_none());
    }
}
