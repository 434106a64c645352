//! `cargo xtask gate [--baseline PATH] [--raise] [--only GROUP,...] [--shared DIR]`: the quality gate. Measures a quick subset of
//! the evaluations (the same metric functions as `eval-similar`, `eval-stories`,
//! `eval-entities`, `eval-quotes` and `eval-duc`, with the built-in static model) and compares
//! every figure with the floor pinned in the baseline file (default `xtask/gate-baseline.json`).
//!
//! In: the baseline file and `../shared`. Out: a table of figures and floors on stdout, one
//! `BELOW FLOOR` line per broken floor on stderr, exit 1 when any floor is broken (2 when the
//! baseline or the data cannot be read).
//! Invariant: `--raise` only ever raises a floor (to the measured figure rounded down to three
//! decimals) or adds a figure that has none; lowering a floor means editing the file by hand.
//! Only the groups of figures the baseline names are measured (`--raise` measures every group,
//! to pin new figures); `--only` narrows that to the groups listed, and checks only their
//! floors. `--shared` reads the data from another folder laid out like `../shared`: the
//! integration test (`xtask/tests/gate.rs`) gives it a tiny CoNLL file to stay cheap.
//! Deliberately not gated: speeds and times (they depend on the machine), and figures whose
//! scorer needs Python packages from outside the repository (ROUGE on DUC needs `rouge-score`).

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The sentence model every gated figure is measured with.
pub const MODEL: &str = "static";

/// One pinned figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub floor: f64,
    /// The command whose output shows the same figure.
    pub command: String,
    /// What the figure is, in words.
    pub what: String,
}

/// One measured figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub command: String,
    pub what: String,
}

/// Figures by name (`group.set.metric`), sorted.
pub type Figures = BTreeMap<String, Figure>;
/// Floors by name, sorted.
pub type Baseline = BTreeMap<String, Floor>;

/// A floor the measurement did not reach, or a pinned figure that was not measured.
#[derive(Debug, PartialEq)]
pub struct Broken {
    pub name: String,
    pub floor: f64,
    /// `None` when the figure was not measured at all.
    pub value: Option<f64>,
    pub command: String,
}

/// Floating figures are compared with this slack, so that a figure pinned from its own
/// rounding never fails on the last bit.
const SLACK: f64 = 1e-9;

/// Every pinned figure below its floor or missing, in name order.
pub fn compare(baseline: &Baseline, measured: &Figures) -> Vec<Broken> {
    baseline
        .iter()
        .filter_map(|(name, f)| {
            let value = measured.get(name).map(|m| m.value);
            let ok = value.is_some_and(|v| v + SLACK >= f.floor);
            (!ok).then(|| Broken {
                name: name.clone(),
                floor: f.floor,
                value,
                command: f.command.clone(),
            })
        })
        .collect()
}

/// Rounded down to three decimals: the floor a measured figure pins.
pub fn floor_of(value: f64) -> f64 {
    ((value + SLACK) * 1000.0).floor() / 1000.0
}

/// The baseline with each floor raised to what was measured where that is higher, and figures
/// measured but not yet pinned added. Never lowers a floor; keeps pinned figures that were not
/// measured.
pub fn raise(baseline: &Baseline, measured: &Figures) -> Baseline {
    let mut out = baseline.clone();
    for (name, m) in measured {
        let candidate = floor_of(m.value);
        match out.get_mut(name) {
            Some(f) => {
                if candidate > f.floor {
                    f.floor = candidate;
                }
            }
            None => {
                out.insert(
                    name.clone(),
                    Floor {
                        floor: candidate,
                        command: m.command.clone(),
                        what: m.what.clone(),
                    },
                );
            }
        }
    }
    out
}

/// Parse a baseline file: `{"model": "static", "figures": {NAME: {"floor", "command", "what"}}}`.
pub fn parse_baseline(text: &str) -> Result<Baseline, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(m) = v.get("model").and_then(Value::as_str) {
        if m != MODEL {
            return Err(format!(
                "baseline is for model {m}; the gate measures with {MODEL}"
            ));
        }
    }
    let figures = v
        .get("figures")
        .and_then(Value::as_object)
        .ok_or("no \"figures\" object")?;
    let mut out = Baseline::new();
    for (name, f) in figures {
        let floor = f
            .get("floor")
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("{name}: no numeric \"floor\""))?;
        let text = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        out.insert(
            name.clone(),
            Floor {
                floor,
                command: text("command"),
                what: text("what"),
            },
        );
    }
    Ok(out)
}

/// The baseline file's text (pretty JSON, names sorted, trailing newline).
pub fn render_baseline(b: &Baseline) -> String {
    let mut figures = Map::new();
    for (name, f) in b {
        figures.insert(
            name.clone(),
            json!({"floor": f.floor, "command": f.command, "what": f.what}),
        );
    }
    let doc = json!({
        "about": "Floors of cargo xtask gate. `cargo xtask gate --raise` raises them when a change improves a figure; lowering one is a hand edit, visible in review.",
        "model": MODEL,
        "figures": figures,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The groups of figures, each measured by one function of the eval modules.
const GROUPS: [&str; 5] = ["similar", "stories", "entities", "quotes", "duc"];

fn measure_group(group: &str, shared: &Path, out: &mut Figures) -> Result<(), String> {
    let mut put = |name: &str, value: f64, command: &str, what: &str| {
        out.insert(
            name.to_string(),
            Figure {
                value,
                command: command.to_string(),
                what: what.to_string(),
            },
        );
    };
    match group {
        "similar" => {
            let data = crate::meaning::read_data(shared)?;
            let embedder = corroborate_embed::Builtin;
            let (f, _, _) = crate::meaning::measure(&data, Some(&embedder));
            let cmd = "cargo xtask eval-similar --model static";
            put(
                "similar.msrp.accuracy",
                f.acc,
                cmd,
                "MSRP train, same-fact decision with the committed calibration: accuracy",
            );
            put(
                "similar.msrp.f1",
                f.f1,
                cmd,
                "MSRP train, committed calibration: F1",
            );
            put(
                "similar.msrp.cv_accuracy",
                f.cv_acc,
                cmd,
                "MSRP train, 10-fold cross-validated calibration: accuracy",
            );
            put(
                "similar.stsb.pearson",
                f.stsb_r,
                cmd,
                "STS-B dev: Pearson of the decision's probability against the gold scores",
            );
            put(
                "similar.stsb.spearman",
                f.stsb_rho,
                cmd,
                "STS-B dev: Spearman of the decision's probability against the gold scores",
            );
        }
        "stories" => {
            let piles = crate::stories::load_piles(shared)?;
            let cmd = "cargo xtask eval-stories";
            for (name, pile) in piles.piles() {
                let labels = crate::stories::corroborate_clusters(pile);
                let s = piles.score_all(pile, &labels);
                put(
                    &format!("stories.{name}.b3_f1"),
                    s.f1,
                    cmd,
                    &format!("{name}: story clustering B-cubed F1"),
                );
                put(
                    &format!("stories.{name}.pair_f1"),
                    s.pair_f1,
                    cmd,
                    &format!("{name}: story clustering pairwise F1"),
                );
                if let Some(together) = piles.seeds_one_story(pile, &labels) {
                    put(
                        &format!("stories.{name}.seeds_one_story"),
                        f64::from(u8::from(together)),
                        cmd,
                        &format!("{name}: the five seeds form one story of five (1 yes, 0 no)"),
                    );
                }
            }
        }
        "entities" => {
            let f = crate::entities::measure(&shared.join("data/conll2003/dev.txt"))?;
            let cmd = "cargo xtask eval-entities";
            put(
                "entities.conll_dev.typed_f1",
                f.typed.2,
                cmd,
                "CoNLL-2003 dev, PER/ORG/LOC mentions with their type: F1",
            );
            put(
                "entities.conll_dev.untyped_f1",
                f.untyped.2,
                cmd,
                "CoNLL-2003 dev, PER/ORG/LOC mention spans: F1",
            );
        }
        "quotes" => {
            let rows = crate::quotes::measure(shared, &["dev"], Some(MODEL))?;
            let cmd = "CORROBORATE_MODEL=static cargo xtask eval-quotes";
            for r in rows {
                put(
                    &format!("quotes.polnear_{}.f1", r.split),
                    r.f1,
                    cmd,
                    &format!(
                        "PolNeAR {} ({} gold quotes), shared scorer: F1",
                        r.split, r.gold
                    ),
                );
            }
        }
        "duc" => {
            let run = crate::duc::summarise(&shared.join("data/duc2004"), Some(MODEL))?;
            let cmd = "CORROBORATE_MODEL=static cargo xtask eval-duc";
            put("duc.verbatim_share", run.verbatim_share(), cmd, "DUC 2004, 25 docsets, 100-word summaries: share of summary sentences verbatim in their source");
        }
        other => return Err(format!("unknown group {other}")),
    }
    Ok(())
}

/// The groups a baseline names (the part of each name before the first dot).
fn groups_of(b: &Baseline) -> Vec<&'static str> {
    GROUPS
        .into_iter()
        .filter(|g| b.keys().any(|n| n.split('.').next() == Some(*g)))
        .collect()
}

fn default_baseline() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("gate-baseline.json")
}

/// The gate command.
pub fn run(shared: &Path, args: &[String]) -> ExitCode {
    let mut path = default_baseline();
    let mut shared = shared.to_path_buf();
    let mut only: Option<Vec<String>> = None;
    let mut do_raise = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--baseline" => match args.get(i + 1) {
                Some(p) => {
                    path = PathBuf::from(p);
                    i += 1;
                }
                None => {
                    eprintln!("gate: --baseline needs a path");
                    return ExitCode::from(2);
                }
            },
            "--shared" | "--only" => match args.get(i + 1) {
                Some(v) if args[i] == "--shared" => {
                    shared = PathBuf::from(v);
                    i += 1;
                }
                Some(v) => {
                    only = Some(v.split(',').map(str::to_string).collect());
                    i += 1;
                }
                None => {
                    eprintln!("gate: {} needs a value", args[i]);
                    return ExitCode::from(2);
                }
            },
            "--raise" => do_raise = true,
            other => {
                eprintln!("gate: unknown argument {other} (usage: cargo xtask gate [--baseline PATH] [--raise] [--only GROUP,...] [--shared DIR])");
                return ExitCode::from(2);
            }
        }
        i += 1;
    }
    let baseline = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|t| parse_baseline(&t))
    {
        Ok(b) => b,
        Err(e) if do_raise && !path.exists() => {
            eprintln!("gate: {} missing ({e}): starting a new one", path.display());
            Baseline::new()
        }
        Err(e) => {
            eprintln!("gate: cannot read the baseline {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    if let Some(bad) = only
        .iter()
        .flatten()
        .find(|g| !GROUPS.contains(&g.as_str()))
    {
        eprintln!("gate: unknown group {bad} (groups: {})", GROUPS.join(", "));
        return ExitCode::from(2);
    }
    let mut groups = if do_raise {
        GROUPS.to_vec()
    } else {
        groups_of(&baseline)
    };
    if let Some(only) = &only {
        groups.retain(|g| only.iter().any(|o| o == g));
    }
    // The floors checked: those of the groups measured.
    let checked: Baseline = baseline
        .iter()
        .filter(|(n, _)| groups.contains(&n.split('.').next().unwrap_or("")))
        .map(|(n, f)| (n.clone(), f.clone()))
        .collect();
    println!(
        "quality gate, model: {MODEL} (the built-in static model); baseline {}",
        path.display()
    );
    let start = Instant::now();
    let mut measured = Figures::new();
    for g in groups {
        let t = Instant::now();
        if let Err(e) = measure_group(g, &shared, &mut measured) {
            eprintln!("gate: cannot measure {g}: {e}");
            return ExitCode::from(2);
        }
        eprintln!("gate: {g} measured in {:.1} s", t.elapsed().as_secs_f64());
    }
    println!("{:<36} {:>8} {:>8}  command", "figure", "value", "floor");
    for (name, m) in &measured {
        let floor = baseline
            .get(name)
            .map_or("-".to_string(), |f| format!("{:.3}", f.floor));
        println!("{name:<36} {:>8.4} {floor:>8}  {}", m.value, m.command);
    }
    let broken = compare(&checked, &measured);
    for b in &broken {
        match b.value {
            Some(v) => eprintln!(
                "BELOW FLOOR: {} = {v:.4} < {:.3} (from `{}`)",
                b.name, b.floor, b.command
            ),
            None => eprintln!(
                "BELOW FLOOR: {} was not measured (floor {:.3})",
                b.name, b.floor
            ),
        }
    }
    eprintln!("gate: {:.1} s", start.elapsed().as_secs_f64());
    if do_raise {
        let raised = raise(&baseline, &measured);
        if raised != baseline {
            if let Err(e) = std::fs::write(&path, render_baseline(&raised)) {
                eprintln!("gate: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
            for (name, f) in &raised {
                match baseline.get(name) {
                    Some(old) if old.floor < f.floor => {
                        println!("raised {name}: {:.3} -> {:.3}", old.floor, f.floor)
                    }
                    None => println!("pinned {name}: {:.3}", f.floor),
                    _ => {}
                }
            }
        } else {
            println!("no floor to raise");
        }
    }
    if broken.is_empty() {
        println!(
            "gate passed: {} figures at or above their floors",
            checked.len()
        );
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "gate failed: {} of {} figures below their floors",
            broken.len(),
            checked.len()
        );
        ExitCode::from(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floors(items: &[(&str, f64)]) -> Baseline {
        items
            .iter()
            .map(|(n, f)| {
                (
                    n.to_string(),
                    Floor {
                        floor: *f,
                        command: format!("cmd {n}"),
                        what: String::new(),
                    },
                )
            })
            .collect()
    }

    fn figures(items: &[(&str, f64)]) -> Figures {
        items
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    Figure {
                        value: *v,
                        command: format!("cmd {n}"),
                        what: String::new(),
                    },
                )
            })
            .collect()
    }

    /// Which names `compare` reports, and the values it saw.
    fn check(base: &[(&str, f64)], measured: &[(&str, f64)], expect: &[(&str, Option<f64>)]) {
        let got: Vec<(String, Option<f64>)> = compare(&floors(base), &figures(measured))
            .into_iter()
            .map(|b| (b.name, b.value))
            .collect();
        let want: Vec<(String, Option<f64>)> =
            expect.iter().map(|(n, v)| (n.to_string(), *v)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn at_or_above_the_floor_passes() {
        check(
            &[("a.x", 0.5), ("b.y", 0.7)],
            &[("a.x", 0.5), ("b.y", 0.9)],
            &[],
        );
    }

    #[test]
    fn each_figure_below_its_floor_is_named() {
        check(
            &[("a.x", 0.5), ("b.y", 0.7), ("c.z", 1.0)],
            &[("a.x", 0.499), ("b.y", 0.9), ("c.z", 0.0)],
            &[("a.x", Some(0.499)), ("c.z", Some(0.0))],
        );
    }

    #[test]
    fn a_pinned_figure_not_measured_fails() {
        check(&[("a.x", 0.5)], &[("b.y", 0.9)], &[("a.x", None)]);
    }

    #[test]
    fn a_figure_pinned_from_its_own_rounding_passes() {
        let v = 0.708_333_333;
        check(&[("a.x", floor_of(v))], &[("a.x", v)], &[]);
        assert_eq!(floor_of(0.7), 0.7);
        assert_eq!(floor_of(0.70099), 0.7);
    }

    #[test]
    fn raise_only_raises_and_adds() {
        let base = floors(&[("a.x", 0.5), ("b.y", 0.7), ("c.z", 0.3)]);
        let raised = raise(
            &base,
            &figures(&[("a.x", 0.61234), ("b.y", 0.2), ("d.w", 0.9)]),
        );
        let got: Vec<(&str, f64)> = raised.iter().map(|(n, f)| (n.as_str(), f.floor)).collect();
        assert_eq!(
            got,
            [("a.x", 0.612), ("b.y", 0.7), ("c.z", 0.3), ("d.w", 0.9)]
        );
        assert_eq!(raised["d.w"].command, "cmd d.w");
    }

    #[test]
    fn baseline_file_round_trips() {
        let base = floors(&[("similar.msrp.f1", 0.811), ("stories.basil.b3_f1", 0.9)]);
        let text = render_baseline(&base);
        assert_eq!(parse_baseline(&text).unwrap(), base);
        assert!(text.contains("\"model\": \"static\""));
    }

    #[test]
    fn baseline_for_another_model_is_refused() {
        let err = parse_baseline(r#"{"model": "transformer", "figures": {}}"#).unwrap_err();
        assert!(err.contains("transformer"), "{err}");
    }

    #[test]
    fn only_the_groups_named_are_measured() {
        let base = floors(&[("stories.basil.b3_f1", 0.9), ("duc.verbatim_share", 1.0)]);
        assert_eq!(groups_of(&base), ["stories", "duc"]);
    }
}
