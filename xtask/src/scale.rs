//! Scale: a deterministic corpus generator that grows the real labelled articles into a corpus
//! of any size, and the ingest benchmark over it.
//!
//! `cargo xtask gen-corpus N OUT.jsonl`: N articles. Story k of the corpus is a variant of real
//! story k mod S (S real stories: BASIL, ECB+, the seeds): its names are replaced by invented
//! names (consistently within the variant, so each variant is a distinct event told by several
//! outlets), its dates shifted, and each article perturbed: paragraphs dropped or swapped, words
//! substituted; about one in ten is an exact wire copy of another. Every line carries the gold
//! `story`.
//!
//! `cargo xtask bench-scale N [--db URL] [--stream]`: generates (or reuses) the corpus, ingests it into a
//! fresh store with the release binary, and prints articles/s, peak RSS, store size, and the
//! time of `stories` and `show`; then runs `ref_cluster.py` on the first 5,000 articles for the
//! ratio. The store is a SQLite file beside the binary, or with `--db URL` a database
//! `corroborate_bench_N` that the benchmark creates (dropping a previous one of that name) on
//! the PostgreSQL server of URL and drops at the end; it never touches URL's own database.
//! With `--stream` no corpus file is written: the generator feeds `ingest -` directly (a
//! 10-million-article corpus would be tens of GB), `analyse` of every story is left out, and
//! the ingest's RSS and store size are printed every minute; `--minutes M` stops the feed
//! after M minutes (at a story's end), so a run too long for the machine ends with the
//! figures of what it stored (the ingest finishes its last batch and exits normally).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// SplitMix64: a small, fixed pseudo-random sequence (the corpus must not depend on a crate's
/// version).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
}

struct Base {
    id: String,
    title: String,
    date: Option<String>,
    outlet: Option<String>,
    text: String,
}

fn load_base(shared: &Path) -> Vec<(String, Vec<Base>)> {
    let mut stories: BTreeMap<String, Vec<Base>> = BTreeMap::new();
    for f in ["basil.jsonl", "ecbplus.jsonl"] {
        let text = std::fs::read_to_string(shared.join("data/stories").join(f)).unwrap_or_default();
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let s = |k: &str| v[k].as_str().map(str::to_string);
            if let (Some(id), Some(story), Some(text)) = (s("id"), s("story"), s("text")) {
                stories.entry(story).or_default().push(Base {
                    id,
                    title: s("title").unwrap_or_default(),
                    date: s("date"),
                    outlet: s("outlet"),
                    text,
                });
            }
        }
    }
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(shared.join("seeds"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    seeds.sort();
    for p in seeds {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let (title, body) = text.split_once('\n').unwrap_or(("", &text));
        stories.entry("seeds".into()).or_default().push(Base {
            id: p.file_stem().unwrap_or_default().to_string_lossy().into(),
            title: title.trim().to_string(),
            date: Some("2025-02-27".into()),
            outlet: None,
            text: body.trim().to_string(),
        });
    }
    stories.into_iter().collect()
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mir", "ten", "vas", "dor", "el", "qui", "ran", "sto", "bel", "nov", "tar", "esh",
    "ul", "gri", "pan", "zo", "wen", "fal", "cor", "di", "mun", "ash",
];

/// Capitalised words that are not names.
const KEEP: &[&str] = &[
    "the",
    "and",
    "but",
    "for",
    "his",
    "her",
    "she",
    "they",
    "this",
    "that",
    "these",
    "those",
    "when",
    "while",
    "after",
    "before",
    "with",
    "from",
    "its",
    "our",
    "their",
    "there",
    "what",
    "who",
    "how",
    "why",
    "mrs",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "sir",
    "president",
    "minister",
    "prime",
];

/// An invented name for `word` in variant `v`: same input, same name.
fn invent(word: &str, v: u64) -> String {
    let mut h = 0xcbf29ce484222325u64 ^ v.wrapping_mul(0x100000001b3);
    for b in word.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    let mut r = Rng(h);
    let n = 2 + r.below(2);
    let mut s: String = (0..n)
        .map(|_| SYLLABLES[r.below(SYLLABLES.len())])
        .collect();
    if let Some(f) = s.get_mut(0..1) {
        f.make_ascii_uppercase();
    }
    s
}

/// Replace capitalised words (names, places, sentence starts alike) by invented ones.
fn rename(text: &str, v: u64, cache: &mut HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, cache: &mut HashMap<String, String>| {
        if word.len() >= 3
            && word.chars().next().is_some_and(|c| c.is_uppercase())
            && !KEEP.contains(&word.to_lowercase().as_str())
        {
            let new = cache
                .entry(word.clone())
                .or_insert_with(|| invent(word, v))
                .clone();
            out.push_str(&new);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out, cache);
            out.push(c);
        }
    }
    flush(&mut word, &mut out, cache);
    out
}

fn shift_date(date: &str, days: i64) -> Option<String> {
    let d = corroborate_pipeline::cluster::day_number(date)?;
    Some(corroborate_pipeline::cluster::date_of_day(d + days))
}

fn perturb(text: &str, r: &mut Rng) -> String {
    let mut paras: Vec<&str> = text.split("\n\n").collect();
    if paras.len() > 3 && r.chance(0.4) {
        let i = 1 + r.below(paras.len() - 1);
        paras.remove(i);
    }
    if paras.len() > 3 && r.chance(0.3) {
        let i = 1 + r.below(paras.len() - 2);
        paras.swap(i, i + 1);
    }
    let joined = paras.join("\n\n");
    let words: Vec<&str> = joined.split(' ').collect();
    let mut out = String::with_capacity(joined.len());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if r.chance(0.02) {
            out.push_str(words[r.below(words.len())]);
        } else {
            out.push_str(w);
        }
    }
    out
}

/// Write `n` articles to `out` (JSONL with gold `story`).
pub fn generate(shared: &Path, n: usize, out: &mut dyn Write) -> std::io::Result<()> {
    generate_while(shared, n, out, &mut || true).map(|_| ())
}

/// [`generate`], stopping early (between stories) once `more` says no; returns how many
/// articles were written.
fn generate_while(
    shared: &Path,
    n: usize,
    out: &mut dyn Write,
    more: &mut dyn FnMut() -> bool,
) -> std::io::Result<usize> {
    let base = load_base(shared);
    if base.is_empty() {
        return Err(std::io::Error::other(
            "no story data under ../shared/data/stories",
        ));
    }
    let mut written = 0usize;
    let mut k = 0u64;
    while written < n && more() {
        let (story, arts) = &base[(k as usize) % base.len()];
        let v = k / base.len() as u64;
        let mut r = Rng(k.wrapping_mul(0x2545f4914f6cdd1d) ^ 0x5bd1e995);
        let mut cache = HashMap::new();
        let shift = (v as i64) * 9 % 3650;
        for a in arts {
            if written >= n {
                break;
            }
            let (title, text) = if v == 0 {
                (a.title.clone(), a.text.clone())
            } else {
                (
                    rename(&a.title, v, &mut cache),
                    perturb(&rename(&a.text, v, &mut cache), &mut r),
                )
            };
            let date = a.date.as_deref().and_then(|d| shift_date(d, shift));
            let line = serde_json::json!({
                "id": format!("{}-g{v}", a.id), "story": format!("{story}-g{v}"),
                "outlet": a.outlet, "title": title, "date": date, "text": text,
            });
            writeln!(out, "{line}")?;
            written += 1;
            // About one article in ten is picked up as an exact wire copy by another outlet.
            if written < n && r.chance(0.1) {
                let line = serde_json::json!({
                    "id": format!("{}-g{v}-copy", a.id), "story": format!("{story}-g{v}"),
                    "outlet": "wire", "title": title, "date": date, "text": text,
                });
                writeln!(out, "{line}")?;
                written += 1;
            }
        }
        k += 1;
    }
    Ok(written)
}

/// Print how the stories of a store that `bench-scale` made compare with the generator's.
pub fn score_store(shared: &Path, db: &Path) -> ExitCode {
    let t = Instant::now();
    match corroborate_store::Store::open_existing(db)
        .and_then(|s| s.stories(0))
        .map(|rows| {
            let pred = rows
                .into_iter()
                .flat_map(|r| r.articles.into_iter().map(move |a| (a, r.id.clone())));
            quality(&load_base(shared), pred)
        }) {
        Ok((p, r, f1, articles, stories)) => {
            println!(
                "stories against the generator's: {articles} articles in {stories} stories, \
                 B-cubed P {p:.3} R {r:.3} F1 {f1:.3} (scored in {:.0} s)",
                t.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("stories not scored: {e}");
            ExitCode::from(2)
        }
    }
}

/// The story the generator wrote an article id into (`{base id}-g{v}`, a wire copy with
/// `-copy` after it), given the real stories the variants come from.
fn generated_story(base: &HashMap<&str, &str>, id: &str) -> Option<String> {
    let id = id.strip_suffix("-copy").unwrap_or(id);
    let (stem, v) = id.rsplit_once("-g")?;
    Some(format!("{}-g{v}", base.get(stem)?))
}

/// B-cubed precision, recall and F1 of predicted (article, story) pairs against the stories
/// the generator wrote, with the numbers of articles scored and predicted stories; counts
/// only (linear in the articles, whatever the story sizes).
fn quality(
    base: &[(String, Vec<Base>)],
    pred: impl Iterator<Item = (String, String)>,
) -> (f64, f64, f64, usize, usize) {
    let stem: HashMap<&str, &str> = base
        .iter()
        .flat_map(|(story, arts)| arts.iter().map(move |a| (a.id.as_str(), story.as_str())))
        .collect();
    let mut pair: HashMap<(String, String), f64> = HashMap::new();
    let (mut in_pred, mut in_gold) = (HashMap::new(), HashMap::<String, f64>::new());
    for (article, story) in pred {
        let Some(gold) = generated_story(&stem, &article) else {
            continue;
        };
        *in_pred.entry(story.clone()).or_insert(0.0) += 1.0;
        *in_gold.entry(gold.clone()).or_default() += 1.0;
        *pair.entry((story, gold)).or_default() += 1.0;
    }
    // Each of the `both` articles in a (predicted, gold) cell shares both clusters with `both`.
    let (mut p, mut r, mut n) = (0.0, 0.0, 0.0);
    for ((story, gold), both) in &pair {
        p += both * both / in_pred[story];
        r += both * both / in_gold[gold];
        n += both;
    }
    let (p, r) = (p / f64::max(n, 1.0), r / f64::max(n, 1.0));
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f1, n as usize, in_pred.len())
}

/// `cargo xtask gen-corpus N OUT`.
pub fn gen_corpus(shared: &Path, n: usize, out: &Path) -> ExitCode {
    let t = Instant::now();
    let file = match std::fs::File::create(out) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{}: {e}", out.display());
            return ExitCode::from(2);
        }
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    if let Err(e) = generate(shared, n, &mut w).and_then(|_| w.flush()) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "{n} articles in {} ({:.1} s)",
        out.display(),
        t.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

/// Run a command, polling its peak resident set size (VmHWM) until it exits.
fn run_measured(cmd: &mut Command) -> Option<(Duration, u64, bool)> {
    run_fed(cmd, None, None)
}

/// [`run_measured`], writing `feed` to the command's standard input from a thread, and when
/// `progress` names a store, printing the elapsed time, RSS and store size every minute on
/// stderr (so a long run that is stopped still says how far it got).
fn run_fed(
    cmd: &mut Command,
    feed: Option<Box<dyn FnOnce(std::process::ChildStdin) + Send>>,
    progress: Option<&Path>,
) -> Option<(Duration, u64, bool)> {
    let t = Instant::now();
    if feed.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.stdout(Stdio::null()).spawn().ok()?;
    let writer = match (feed, child.stdin.take()) {
        (Some(f), Some(stdin)) => Some(std::thread::spawn(move || f(stdin))),
        _ => None,
    };
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let mut next_report = 60u64;
    loop {
        let mut rss_kb = 0u64;
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            for line in s.lines() {
                let kb = |v: &str| v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                if let Some(v) = line.strip_prefix("VmHWM:") {
                    peak_kb = peak_kb.max(kb(v));
                } else if let Some(v) = line.strip_prefix("VmRSS:") {
                    rss_kb = kb(v);
                }
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            if let Some(w) = writer {
                let _ = w.join();
            }
            return Some((t.elapsed(), peak_kb, status.success()));
        }
        if let Some(db) = progress {
            if t.elapsed().as_secs() >= next_report {
                next_report += 60;
                eprintln!(
                    "  {:>6} s: RSS {:.0} MiB (peak {:.0}), store {:.0} MiB",
                    t.elapsed().as_secs(),
                    rss_kb as f64 / 1024.0,
                    peak_kb as f64 / 1024.0,
                    store_size(db) as f64 / 1_048_576.0
                );
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `--stream` among the process's arguments: the corpus is generated straight into
/// `ingest -` (no corpus file: a 10-million-article corpus is tens of GB), and `analyse` of
/// every story is left out.
fn stream_flag() -> bool {
    std::env::args().any(|a| a == "--stream")
}

fn best_of(n: usize, mut f: impl FnMut() -> bool) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..n {
        let t = Instant::now();
        if !f() {
            return f64::NAN;
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    best * 1e3
}

/// `--minutes M` among the process's arguments: with `--stream`, the generator stops feeding
/// after M minutes (at a story's end) and the figures are those of the articles fed so far.
fn minutes_flag() -> Option<f64> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == "--minutes")?;
    args.get(at + 1)?.parse().ok().filter(|m: &f64| *m > 0.0)
}

/// `--db URL` among the process's arguments (`cargo xtask bench-scale N --db URL`).
fn db_flag() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == "--db")?;
    args.get(at + 1).cloned()
}

/// A fresh database `corroborate_bench_N` on the server of `url` (one of that name left by an
/// earlier run is dropped first; nothing else is touched), as a store location.
fn fresh_pg_database(url: &str, n: usize) -> Result<PathBuf, String> {
    use corroborate_store::testing::execute;
    let name = format!("corroborate_bench_{n}");
    if url.contains(&format!("/{name}")) {
        return Err(format!(
            "--db names {name} itself; give the URL of another database on that server"
        ));
    }
    let server = Path::new(url);
    execute(server, &format!("DROP DATABASE IF EXISTS {name}"))?;
    execute(
        server,
        &format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"),
    )?;
    Ok(PathBuf::from(corroborate_store::testing::with_database(
        url, &name,
    )))
}

/// `cargo xtask bench-scale N [--db URL]`.
pub fn bench_scale(shared: &Path, n: usize) -> ExitCode {
    let minutes_given = std::env::args().any(|a| a == "--minutes");
    if minutes_given && (!stream_flag() || minutes_flag().is_none()) {
        eprintln!("--minutes takes a positive number of minutes, and only with --stream");
        return ExitCode::from(2);
    }
    let pg = db_flag();
    if let Some(url) = &pg {
        if !corroborate_store::is_postgres(Path::new(url)) {
            eprintln!("--db takes a postgres:// or postgresql:// URL");
            return ExitCode::from(2);
        }
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let bin = exe.with_file_name("corroborate");
    if !bin.exists() {
        eprintln!(
            "{} missing: cargo build --release -p corroborate",
            bin.display()
        );
        return ExitCode::from(2);
    }
    let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    let corpus = dir.join(format!("corpus-{n}.jsonl"));
    if !stream_flag() && !corpus.exists() && gen_corpus(shared, n, &corpus) != ExitCode::SUCCESS {
        return ExitCode::from(2);
    }
    let db = match &pg {
        Some(url) => match fresh_pg_database(url, n) {
            Ok(db) => db,
            Err(e) => {
                eprintln!(
                    "{}: {e}",
                    corroborate_store::location_display(Path::new(url))
                );
                return ExitCode::from(2);
            }
        },
        None => {
            let db = dir.join(format!("bench-{n}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            db
        }
    };
    let code = measure(shared, n, &bin, &dir, &corpus, &db);
    if let Some(url) = &pg {
        let drop = format!("DROP DATABASE IF EXISTS corroborate_bench_{n}");
        if let Err(e) = corroborate_store::testing::execute(Path::new(url), &drop) {
            eprintln!("corroborate_bench_{n} not dropped: {e}");
        }
    }
    code
}

/// The store's size on disk: the SQLite file and its journal, or the PostgreSQL database.
fn store_size(db: &Path) -> u64 {
    if corroborate_store::is_postgres(db) {
        return corroborate_store::testing::execute(
            db,
            "SELECT pg_database_size(current_database())",
        )
        .ok()
        .and_then(|rows| rows.first()?.first()?.as_deref()?.parse().ok())
        .unwrap_or(0);
    }
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", db.display())).ok())
        .map(|m| m.len())
        .sum()
}

/// Ingest, analyse, list and show on the store `db`, printing the figures.
fn measure(shared: &Path, n: usize, bin: &Path, dir: &Path, corpus: &Path, db: &Path) -> ExitCode {
    println!("store: {}", corroborate_store::location_display(db));
    let stream = stream_flag();
    let mut cmd = Command::new(bin);
    // Assignment alone; the stories' analyses are measured apart below.
    cmd.args(["ingest", "--quiet", "--defer-analysis", "--db"])
        .arg(db);
    // Articles fed: all `n` from a corpus file; from the generator, what it wrote.
    let fed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(if stream {
        0
    } else {
        n
    }));
    let feed: Option<Box<dyn FnOnce(std::process::ChildStdin) + Send>> = if stream {
        cmd.arg("-");
        let shared = shared.to_path_buf();
        let fed = fed.clone();
        let deadline = minutes_flag().map(|m| Instant::now() + Duration::from_secs_f64(m * 60.0));
        Some(Box::new(move |stdin| {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, stdin);
            let mut more = || deadline.is_none_or(|d| Instant::now() < d);
            // On an error `fed` stays 0: the run gives no figures.
            match generate_while(&shared, n, &mut w, &mut more).and_then(|k| w.flush().map(|_| k)) {
                Ok(k) => fed.store(k, std::sync::atomic::Ordering::SeqCst),
                Err(e) => eprintln!("generating the corpus: {e}"),
            }
        }))
    } else {
        cmd.arg(corpus);
        None
    };
    let Some((took, peak_kb, ok)) = run_fed(&mut cmd, feed, Some(db)) else {
        eprintln!("cannot run {}", bin.display());
        return ExitCode::from(2);
    };
    if !ok {
        eprintln!("ingest failed");
        return ExitCode::from(2);
    }
    let size = store_size(db);
    let asked = n;
    let n = fed.load(std::sync::atomic::Ordering::SeqCst);
    if n == 0 {
        eprintln!("nothing was fed: no figures");
        return ExitCode::from(2);
    }
    if n < asked {
        println!("the feed stopped at --minutes: {n} of {asked} articles");
    }
    let rate = n as f64 / took.as_secs_f64();
    score_store(shared, db);
    println!(
        "ingest {n} articles: {:.1} s, {rate:.0} articles/s ({:.0} per core on {} cores), peak RSS {:.0} MiB, store {:.0} MiB",
        took.as_secs_f64(),
        rate / std::thread::available_parallelism().map(|p| p.get()).unwrap_or(1) as f64,
        std::thread::available_parallelism().map(|p| p.get()).unwrap_or(1),
        peak_kb as f64 / 1024.0,
        size as f64 / 1_048_576.0
    );
    // The analyses ingest makes at the end of a run (here all at once: `analyse`).
    let analysed = (!stream)
        .then(|| run_measured(Command::new(bin).args(["analyse", "--db"]).arg(db)))
        .flatten();
    if let Some((took, peak_kb, ok)) = analysed {
        println!(
            "analyse every story (what ingest does at the end of a run): {:.1} s{}, peak RSS {:.0} MiB",
            took.as_secs_f64(),
            if ok { "" } else { " (FAILED)" },
            peak_kb as f64 / 1024.0
        );
    }
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(args)
            .arg("--db")
            .arg(db)
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let listing = best_of(5, || run(&["stories"]));
    let out = Command::new(bin)
        .args(["stories", "--format", "json", "--limit", "1", "--db"])
        .arg(db)
        .output()
        .ok();
    let first: Option<String> = out
        .and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok())
        .and_then(|v| v["stories"][0]["id"].as_str().map(str::to_string));
    let show = first
        .as_deref()
        .map(|id| best_of(5, || run(&["show", id, "--format", "json"])))
        .unwrap_or(f64::NAN);
    println!(
        "stories (default listing, whole process): {listing:.1} ms; show {}: {show:.1} ms",
        first.unwrap_or_default()
    );
    // The Python reference on a sample (its cost grows with the pile; a sample favours it).
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    if python.exists() && !stream {
        let sample = dir.join("corpus-sample-5000.jsonl");
        let lines: String = std::fs::File::open(corpus)
            .map(|f| {
                std::io::BufRead::lines(std::io::BufReader::new(f))
                    .take(5000)
                    .map_while(Result::ok)
                    .map(|l| l + "\n")
                    .collect()
            })
            .unwrap_or_default();
        let m = lines.lines().count();
        if std::fs::write(&sample, lines).is_ok() {
            let t = Instant::now();
            let ok = Command::new(&python)
                .arg(shared.join("peers/ref_cluster.py"))
                .arg(&sample)
                .arg(dir.join("corpus-sample.out.json"))
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                let py = m as f64 / t.elapsed().as_secs_f64();
                println!(
                    "ref_cluster.py on the first {m} articles: {py:.0} articles/s; corroborate ingest is {:.0}x",
                    rate / py
                );
            }
        }
    }
    ExitCode::SUCCESS
}
