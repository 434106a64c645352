//! `cargo xtask bench-serve`: the web app under load. Builds (or with `--reuse` reuses) a store
//! of the generated N-article corpus (`scale.rs`: `ingest --defer-analysis`, then `analyse`
//! for at most `--analyse-secs`, killed there: the analysed stories are the ones requested),
//! starts the release `corroborate serve` on a free loopback port, and runs `--clients`
//! threads for `--secs` seconds, each a keep-alive HTTP/1.1 client over `std::net::TcpStream`
//! mixing index pages, searches, story pages and article pages. Prints p50/p95/p99 latency
//! per kind, requests/s, errors (any status but 200, any IO error or timeout, with examples)
//! and the server's peak RSS (VmHWM). `--with-ingest` runs an `ingest` of `--ingest-n` new
//! articles (the corpus continued past N, ids prefixed `live-`) into the same store meanwhile,
//! and afterwards asks the server for every one of them: one missing is a lost article.
//! Exit 1 on any error or lost article; the latency and RSS goals are reported, not enforced.
//!
//! Never sends a request anywhere but 127.0.0.1, and every loop is bounded by the deadline.

use crate::scale;
use crate::scale::Rng;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Opts {
    n: usize,
    clients: usize,
    secs: u64,
    reuse: bool,
    analyse_secs: u64,
    with_ingest: bool,
    ingest_n: usize,
    db: Option<PathBuf>,
}

const USAGE: &str = "usage: cargo xtask bench-serve [--n 100000] [--clients 50] [--secs 30] [--reuse] [--db FILE] [--analyse-secs 900] [--with-ingest] [--ingest-n 2000]";

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        n: 100_000,
        clients: 50,
        secs: 30,
        reuse: false,
        analyse_secs: 900,
        with_ingest: false,
        ingest_n: 2000,
        db: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |name: &str| -> Result<u64, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or(format!("{name} needs a number"))
        };
        match a.as_str() {
            "--n" => o.n = num("--n")? as usize,
            "--clients" => o.clients = num("--clients")?.max(1) as usize,
            "--secs" => o.secs = num("--secs")?.max(1),
            "--analyse-secs" => o.analyse_secs = num("--analyse-secs")?,
            "--ingest-n" => o.ingest_n = num("--ingest-n")?.max(1) as usize,
            "--reuse" => o.reuse = true,
            "--with-ingest" => o.with_ingest = true,
            "--db" => o.db = Some(it.next().ok_or("--db needs a file")?.into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(o)
}

/// The four kinds of page a reader asks for, in the proportions of the mix.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Index,
    Search,
    Story,
    Article,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Index => "index",
            Kind::Search => "search",
            Kind::Story => "story",
            Kind::Article => "article",
        }
    }
}

/// What the clients ask for: analysed stories, their articles, words of their headlines.
struct Targets {
    stories: Vec<String>,
    articles: Vec<String>,
    words: Vec<String>,
}

/// Percent-encoding of a path segment or query value (ids and words are mostly ASCII).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn pick(kind: Kind, t: &Targets, r: &mut Rng) -> String {
    match kind {
        Kind::Index => match r.below(3) {
            0 => "/".to_string(),
            _ => format!("/?page={}", 1 + r.below(20)),
        },
        Kind::Search => format!("/?q={}", encode(&t.words[r.below(t.words.len())])),
        Kind::Story => format!("/stories/{}", encode(&t.stories[r.below(t.stories.len())])),
        Kind::Article => format!(
            "/articles/{}",
            encode(&t.articles[r.below(t.articles.len())])
        ),
    }
}

/// One keep-alive HTTP/1.1 connection to the server.
struct Client {
    addr: String,
    conn: Option<BufReader<TcpStream>>,
}

impl Client {
    /// GET `path`; the status, or an error naming what went wrong. The body is read and
    /// dropped (a browser reads it all too).
    fn get(&mut self, path: &str) -> Result<u16, String> {
        if self.conn.is_none() {
            let s = TcpStream::connect(&self.addr).map_err(|e| format!("connect: {e}"))?;
            s.set_read_timeout(Some(Duration::from_secs(15))).ok();
            s.set_nodelay(true).ok();
            self.conn = Some(BufReader::with_capacity(64 * 1024, s));
        }
        let r = self.exchange(path);
        if r.is_err() {
            self.conn = None;
        }
        r
    }

    fn exchange(&mut self, path: &str) -> Result<u16, String> {
        let conn = self.conn.as_mut().expect("connected");
        write!(
            conn.get_mut(),
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/html\r\n\r\n",
            self.addr
        )
        .map_err(|e| format!("write: {e}"))?;
        let mut line = String::new();
        conn.read_line(&mut line)
            .map_err(|e| format!("read: {e}"))?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {line:?}"))?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            conn.read_line(&mut line)
                .map_err(|e| format!("read: {e}"))?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let (k, v) = l.split_once(':').unwrap_or((l, ""));
            let (k, v) = (k.to_ascii_lowercase(), v.trim().to_ascii_lowercase());
            match k.as_str() {
                "content-length" => length = v.parse::<u64>().ok(),
                "transfer-encoding" => chunked = v.contains("chunked"),
                "connection" => close = v == "close",
                _ => {}
            }
        }
        if chunked {
            loop {
                line.clear();
                conn.read_line(&mut line)
                    .map_err(|e| format!("read chunk: {e}"))?;
                let size = u64::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| format!("bad chunk size {line:?}"))?;
                skip(conn, size)?;
                line.clear();
                conn.read_line(&mut line)
                    .map_err(|e| format!("read chunk end: {e}"))?;
                if size == 0 {
                    break;
                }
            }
        } else if let Some(n) = length {
            skip(conn, n)?;
        } else {
            // No length: the body runs to the end of the connection.
            std::io::copy(conn, &mut std::io::sink()).map_err(|e| format!("read: {e}"))?;
            close = true;
        }
        if close {
            self.conn = None;
        }
        Ok(status)
    }
}

fn skip(conn: &mut BufReader<TcpStream>, n: u64) -> Result<(), String> {
    let got = std::io::copy(&mut conn.by_ref().take(n), &mut std::io::sink())
        .map_err(|e| format!("read body: {e}"))?;
    if got < n {
        return Err(format!("body cut at {got} of {n} bytes"));
    }
    Ok(())
}

/// What one client saw: latencies in microseconds by kind, errors with examples.
#[derive(Default)]
struct Tally {
    latency: BTreeMap<Kind, Vec<u32>>,
    errors: BTreeMap<Kind, usize>,
    examples: Vec<String>,
}

fn client(n: usize, addr: String, t: Arc<Targets>, until: Instant) -> Tally {
    let mut r = Rng(0x5eed_0000 + n as u64);
    let mut c = Client { addr, conn: None };
    let mut tally = Tally::default();
    while Instant::now() < until {
        // The mix: a quarter index pages, a quarter searches, 30 % stories, 20 % articles.
        let kind = match r.below(20) {
            0..=4 => Kind::Index,
            5..=9 => Kind::Search,
            10..=15 => Kind::Story,
            _ => Kind::Article,
        };
        let path = pick(kind, &t, &mut r);
        let start = Instant::now();
        let res = c.get(&path);
        let took = start.elapsed().as_micros().min(u32::MAX as u128) as u32;
        match res {
            Ok(200) => tally.latency.entry(kind).or_default().push(took),
            other => {
                *tally.errors.entry(kind).or_default() += 1;
                if tally.examples.len() < 3 {
                    tally.examples.push(format!("GET {path}: {other:?}"));
                }
            }
        }
    }
    tally
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

fn vm(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix(key)
                    .map(|v| v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0))
            })
        })
        .unwrap_or(0)
}

/// CPU seconds a process has used (user + system; clock ticks of 1/100 s, Linux's USER_HZ).
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    (ticks(11) + ticks(12)) as f64 / 100.0
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A child process killed when dropped (the server, an `analyse` over its budget).
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn remove_store(db: &Path) {
    for suffix in ["", "-wal", "-shm", ".live"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// `ingest --defer-analysis` of the corpus, then `analyse` for at most `budget` seconds.
fn build_store(bin: &Path, corpus: &Path, db: &Path, budget: u64) -> Result<(), String> {
    remove_store(db);
    let t = Instant::now();
    let ok = Command::new(bin)
        .args(["ingest", "--quiet", "--defer-analysis", "--db"])
        .arg(db)
        .arg(corpus)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return Err("ingest failed".into());
    }
    println!(
        "store: ingest --defer-analysis {}: {:.1} s",
        corpus.display(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let mut analyse = Killed(
        Command::new(bin)
            .args(["analyse", "--db"])
            .arg(db)
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("analyse: {e}"))?,
    );
    while t.elapsed() < Duration::from_secs(budget) {
        if let Ok(Some(_)) = analyse.0.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let finished = matches!(analyse.0.try_wait(), Ok(Some(_)));
    drop(analyse);
    println!(
        "store: analyse {} after {:.0} s",
        if finished {
            "finished"
        } else {
            "stopped at its budget (--analyse-secs)"
        },
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The analysed stories (newest first), some of their articles, and words of their headlines.
fn targets(bin: &Path, db: &Path) -> Result<(Targets, usize, usize), String> {
    let out = Command::new(bin)
        .args(["stories", "--format", "json", "--limit", "0", "--db"])
        .arg(db)
        .output()
        .map_err(|e| format!("stories: {e}"))?;
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("stories JSON: {e}"))?;
    let all = v["stories"].as_array().cloned().unwrap_or_default();
    let mut t = Targets {
        stories: Vec::new(),
        articles: Vec::new(),
        words: Vec::new(),
    };
    let mut words = std::collections::BTreeSet::new();
    for s in all.iter().filter(|s| s["analysed"] == true) {
        t.stories
            .push(s["id"].as_str().unwrap_or_default().to_string());
        for a in s["articles"].as_array().into_iter().flatten().take(5) {
            t.articles.push(a.as_str().unwrap_or_default().to_string());
        }
        for w in s["headline"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
        {
            let w: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
            if w.chars().count() >= 6 && w.chars().all(|c| c.is_ascii_alphabetic()) {
                words.insert(w.to_lowercase());
            }
        }
    }
    t.words = words.into_iter().collect();
    let analysed = t.stories.len();
    if t.stories.is_empty() || t.words.is_empty() {
        return Err(
            "no analysed story in the store: give `analyse` more time (--analyse-secs)".into(),
        );
    }
    Ok((t, all.len(), analysed))
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn start_server(bin: &Path, db: &Path, log: &Path) -> Result<(Killed, String), String> {
    let addr = format!("127.0.0.1:{}", free_port()?);
    let mut server = Killed(
        Command::new(bin)
            .args(["serve", "--db"])
            .arg(db)
            .args(["--addr", &addr, "--model", "static"])
            .env_remove("CORROBORATE_TOKEN")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| format!("serve: {e}"))?,
    );
    let t = Instant::now();
    let mut c = Client {
        addr: addr.clone(),
        conn: None,
    };
    while t.elapsed() < Duration::from_secs(120) {
        if let Ok(Some(status)) = server.0.try_wait() {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("serve exited ({status}):\n{log}"));
        }
        if let Ok(s) = c.get("/") {
            if s == 200 {
                println!(
                    "server: {addr}, first page after {:.1} s",
                    t.elapsed().as_secs_f64()
                );
                return Ok((server, addr));
            }
            return Err(format!("GET / answered {s}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err("serve did not answer within 120 s".into())
}

/// The corpus continued past its first `n` articles, `m` more, ids prefixed `live{run}-` so
/// none is stored yet. `n` counts what earlier runs on the same store (`--reuse`) added too,
/// so each run's texts are new, not copies of theirs.
fn live_corpus(
    shared: &Path,
    n: usize,
    m: usize,
    run: u64,
    out: &Path,
) -> Result<Vec<String>, String> {
    let all = out.with_extension("all.jsonl");
    let mut w = BufWriter::new(std::fs::File::create(&all).map_err(|e| e.to_string())?);
    scale::generate(shared, n + m, &mut w).map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())?;
    drop(w);
    let mut ids = Vec::new();
    let mut live = BufWriter::new(std::fs::File::create(out).map_err(|e| e.to_string())?);
    let lines = BufReader::new(std::fs::File::open(&all).map_err(|e| e.to_string())?).lines();
    for line in lines.skip(n) {
        let mut v: serde_json::Value =
            serde_json::from_str(&line.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let id = format!("live{run}-{}", v["id"].as_str().unwrap_or_default());
        v["id"] = id.clone().into();
        writeln!(live, "{v}").map_err(|e| e.to_string())?;
        ids.push(id);
    }
    live.flush().map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&all);
    Ok(ids)
}

pub fn run(shared: &Path, args: &[String]) -> ExitCode {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match bench(shared, &o) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("bench-serve: {e}");
            ExitCode::from(2)
        }
    }
}

fn bench(shared: &Path, o: &Opts) -> Result<bool, String> {
    let exe = std::env::current_exe().unwrap_or_default();
    let bin = exe.with_file_name("corroborate");
    if !bin.exists() {
        return Err(format!(
            "{} missing: cargo build --release -p corroborate",
            bin.display()
        ));
    }
    let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    let db =
        o.db.clone()
            .unwrap_or_else(|| dir.join(format!("serve-{}.db", o.n)));
    if !(o.reuse && db.exists()) {
        let corpus = dir.join(format!("corpus-{}.jsonl", o.n));
        if !corpus.exists() && scale::gen_corpus(shared, o.n, &corpus) != ExitCode::SUCCESS {
            return Err("cannot generate the corpus".into());
        }
        build_store(&bin, &corpus, &db, o.analyse_secs)?;
    }
    let (targets, stories, analysed) = targets(&bin, &db)?;
    println!(
        "store {}: {stories} stories, {analysed} analysed (requested: those, {} of their articles, {} headline words as searches)",
        db.display(),
        targets.articles.len(),
        targets.words.len()
    );
    let live = if o.with_ingest {
        let file = dir.join(format!("live-{}.jsonl", o.ingest_n));
        let run = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // How many live articles earlier runs added to this store, kept beside it.
        let counter = PathBuf::from(format!("{}.live", db.display()));
        let added: usize = std::fs::read_to_string(&counter)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let ids = live_corpus(shared, o.n + added, o.ingest_n, run, &file)?;
        std::fs::write(&counter, format!("{}\n", added + ids.len())).map_err(|e| e.to_string())?;
        Some((file, ids))
    } else {
        None
    };
    let log = dir.join("bench-serve-server.log");
    let (server, addr) = start_server(&bin, &db, &log)?;
    let pid = server.0.id();
    let load_before = loadavg();
    let cpu_before = cpu_secs(pid);

    let targets = Arc::new(targets);
    let stop = Arc::new(AtomicBool::new(false));
    let until = Instant::now() + Duration::from_secs(o.secs);
    let ingest = live.as_ref().map(|(file, _)| {
        let started = Instant::now();
        let child = Command::new(&bin)
            .args(["ingest", "--quiet", "--defer-analysis", "--db"])
            .arg(&db)
            .arg(file)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn();
        (child, started)
    });
    // The server's peak RSS, sampled beside its own high-water mark.
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            // (VmRSS, RssAnon, RssFile) when VmRSS was highest: file pages are the store's
            // pages SQLite maps, anonymous ones the server's own memory.
            let mut peak = (0, 0, 0);
            while !stop.load(Ordering::Relaxed) {
                let rss = vm(pid, "VmRSS:");
                if rss > peak.0 {
                    peak = (rss, vm(pid, "RssAnon:"), vm(pid, "RssFile:"));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            peak
        })
    };
    let t0 = Instant::now();
    let handles: Vec<_> = (0..o.clients)
        .map(|i| {
            let (addr, targets) = (addr.clone(), targets.clone());
            std::thread::spawn(move || client(i, addr, targets, until))
        })
        .collect();
    let mut all = Tally::default();
    for h in handles {
        let t = h.join().unwrap_or_default();
        for (k, v) in t.latency {
            all.latency.entry(k).or_default().extend(v);
        }
        for (k, n) in t.errors {
            *all.errors.entry(k).or_default() += n;
        }
        if all.examples.len() < 5 {
            all.examples.extend(t.examples);
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let load_after = loadavg();
    let cpu = cpu_secs(pid) - cpu_before;
    // The peak under load, taken before the ingest's articles are asked for: those views may
    // analyse the stories the ingest grew, which is not the load being measured.
    stop.store(true, Ordering::Relaxed);
    let (sampled, anon, file) = sampler.join().unwrap_or((0, 0, 0));
    let hwm = vm(pid, "VmHWM:").max(sampled);

    // The concurrent ingest: waited for, then every one of its articles asked of the server.
    let mut lost = 0usize;
    if let (Some((child, started)), Some((_, ids))) = (ingest, live.as_ref()) {
        let mut child = child.map_err(|e| format!("concurrent ingest: {e}"))?;
        let status = child.wait().map_err(|e| e.to_string())?;
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let mut c = Client {
            addr: addr.clone(),
            conn: None,
        };
        let mut missing = Vec::new();
        for id in ids {
            if c.get(&format!("/api/articles/{}", encode(id))) != Ok(200) {
                missing.push(id.as_str());
            }
        }
        lost = missing.len();
        println!(
            "concurrent ingest of {} new articles: {} in {:.1} s{}; afterwards {} of {} served, {lost} lost{}",
            ids.len(),
            if status.success() { "exit 0" } else { "FAILED" },
            started.elapsed().as_secs_f64(),
            if err.trim().is_empty() {
                String::new()
            } else {
                format!(" (stderr: {})", err.trim())
            },
            ids.len() - lost,
            ids.len(),
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (e.g. {})", missing[..missing.len().min(3)].join(", "))
            }
        );
        if !status.success() {
            lost = lost.max(1);
        }
        println!(
            "server peak RSS (VmHWM) after that check: {:.0} MiB",
            vm(pid, "VmHWM:") as f64 / 1024.0
        );
    }
    drop(server);

    let total: usize = all.latency.values().map(Vec::len).sum();
    let errors: usize = all.errors.values().sum();
    println!(
        "{} clients for {:.1} s on {addr}: {total} requests, {:.0} requests/s, {errors} errors; load average {load_before} before, {load_after} after",
        o.clients,
        wall,
        (total + errors) as f64 / wall
    );
    println!(
        "server CPU: {cpu:.1} s in {wall:.1} s ({:.0} % of one core), {:.1} ms per request",
        100.0 * cpu / wall,
        1000.0 * cpu / (total + errors).max(1) as f64
    );
    println!("| kind | requests | errors | p50 ms | p95 ms | p99 ms | goal |");
    println!("|---|---|---|---|---|---|---|");
    let mut goals_met = true;
    for kind in [Kind::Index, Kind::Search, Kind::Story, Kind::Article] {
        let mut v = all.latency.remove(&kind).unwrap_or_default();
        v.sort_unstable();
        let p95 = percentile(&v, 0.95);
        let goal = match kind {
            Kind::Story => Some(100.0),
            Kind::Search => Some(200.0),
            _ => None,
        };
        let verdict = goal.map_or(String::new(), |g| {
            let met = p95 < g;
            goals_met &= met;
            format!("p95 < {g:.0} ms: {}", if met { "met" } else { "NOT met" })
        });
        println!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {verdict} |",
            kind.name(),
            v.len(),
            all.errors.get(&kind).copied().unwrap_or(0),
            percentile(&v, 0.50),
            p95,
            percentile(&v, 0.99)
        );
    }
    for e in &all.examples {
        println!("error: {e}");
    }
    let rss_ok = hwm < 1024 * 1024;
    println!(
        "server peak RSS (VmHWM) under the load: {:.0} MiB; at the highest sample {:.0} MiB anonymous, {:.0} MiB file-backed (goal < 1024 MiB: {})",
        hwm as f64 / 1024.0,
        anon as f64 / 1024.0,
        file as f64 / 1024.0,
        if rss_ok { "met" } else { "NOT met" }
    );
    println!(
        "goals: latency {}, errors {}, RSS {}{}",
        if goals_met { "met" } else { "NOT met" },
        if errors == 0 { "0 (met)" } else { "NOT met" },
        if rss_ok { "met" } else { "NOT met" },
        if o.with_ingest {
            format!(", concurrent ingest lost {lost}")
        } else {
            String::new()
        }
    );
    Ok(errors == 0 && lost == 0)
}
