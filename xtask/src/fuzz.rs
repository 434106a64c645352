//! Fuzz: `cargo xtask fuzz [--budget SECONDS] [--seed N] [--corpus DIR] [--crashes DIR]
//! [--hang SECONDS]`, a mutation fuzzer on stable Rust. In: real samples of every input format
//! (plain text, JSON Lines, HTML, RSS and Atom feeds, WARC and `.warc.gz`, news-please JSON,
//! gzip), taken from `../shared` and `test_data/` or built here when none exist, plus any files
//! of `--corpus`. Out: a count of executions, executions/s, crashes, hangs and invariant
//! violations on stdout; each failing input saved under `test_data/fuzz/crashes/` as
//! `<hash>.<format>`; exit 1 when anything failed.
//!
//! Each execution mutates one sample with a seeded PRNG (bit flips, interesting bytes and
//! tokens, deletions, huge repeats, truncation, splicing, gzip of a mutant) and feeds it, in
//! process, through the readers (the path reader on a temp file, `read_source`,
//! `extract_html`, the feed, news-please and WARC readers), `digest_with` (no model, or the
//! built-in static model now and then), every renderer, and every few executions `ingest`
//! into a temporary store. Invariants checked on every output: each fact, variant, quote,
//! number and summary text is a verbatim slice of its article; the JSON parses; the text and
//! Markdown reports hold no ESC (or 8-bit CSI) byte; the store passes its own check.
//!
//! Deterministic for a seed and a sample set except for what the time budget cuts off. A
//! panic is caught (`catch_unwind`); a hang is caught by a watchdog thread, which saves the
//! input and ends the process, since a stuck execution cannot be stopped from outside.
//! Never touches the network; never writes outside the crash folder and a temp directory.

use corroborate_model::{Article, RawArticle, Rejection};
use corroborate_pipeline::run::{self, digest_with, prepare, Ingest, Options};
use corroborate_render::{html, json, markdown, text, View};
use corroborate_store::Store;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// The largest mutant fed in: past this the pipeline's cost, not a bug, dominates.
const MAX_MUTANT: usize = 256 * 1024;

/// Every this many executions the mutant also goes through ingest into the store.
const INGEST_EVERY: u64 = 16;

/// Every this many executions the digest uses the built-in static model.
const MODEL_EVERY: u64 = 8;

/// A store is started afresh after this many ingests (it stays small and fast).
const STORE_ROUNDS: u64 = 64;

/// Interesting single bytes: delimiters of every format, controls, UTF-8 lead and
/// continuation bytes, the gzip magic.
const BYTES: &[u8] = &[
    0x00, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x8b, 0x9b, 0xbf, 0xc0, 0xc3, 0xe2, 0xef, 0xf0, 0xfe,
    0xff, b'<', b'>', b'"', b'\'', b'&', b'{', b'}', b'[', b']', b':', b',', b'\\', b'.', b' ',
    b'/', b'=', b'%', b'$', b'-',
];

/// Interesting tokens: format markers, hostile headers, escapes, BOMs, entities, numbers and
/// dates the extractors look for.
const TOKENS: &[&[u8]] = &[
    b"<",
    b"\"",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"\0",
    b"WARC/1.0\r\n",
    b"WARC/1.1\r\n",
    b"Content-Length: 99999999999\r\n",
    b"Content-Length: 4611686018427387904\r\n",
    b"Content-Length: -1\r\n",
    b"Content-Length: 0\r\n",
    b"WARC-Type: response\r\n",
    b"Content-Type: text/html; charset=utf-16\r\n",
    b"Content-Encoding: gzip\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"HTTP/1.1 200 OK\r\n",
    b"\x1b[2J",
    b"\x1b]52;c;ZXZpbA==\x07",
    b"\x1b]0;title\x07",
    b"\x1b[31m",
    b"\xc2\x9b31m",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xae",
    b"\xe2\x80\x8b",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"<p>",
    b"</p>",
    b"<div>",
    b"</div>",
    b"<article>",
    b"<script>",
    b"</script>",
    b"<style>",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"<meta charset=\"shift_jis\">",
    b"<meta property=\"article:published_time\" content=\"2020-02-30\">",
    b"<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":[[[{}]]]}</script>",
    b"<time datetime=\"9999-99-99\">",
    b"&amp;",
    b"&#0;",
    b"&#x1b;",
    b"&#99999999;",
    b"&nbsp;",
    b"<item>",
    b"</item>",
    b"<entry>",
    b"<title>",
    b"{\"",
    b"\":",
    b"\\u0000",
    b"\\ud800",
    b"\"maintext\":",
    b"\"id\":\"\\u001b[2J\"",
    b"\xe2\x80\x9c",
    b"\xe2\x80\x9d",
    b"\xc2\xab",
    b"\"said",
    b" said. ",
    b"25%",
    b"$3.5 billion",
    b"1e308",
    b"-0.0",
    b"March 3, 2021",
    b"31/12/1999",
    b"Mr. ",
    b"U.S.",
    b"...",
    b"\t",
];

/// Byte-order marks: UTF-16 little and big endian, UTF-8.
const BOMS: &[&[u8]] = &[b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"];

/// Numbers put where digits were: zero, overflowing, negative, out of float range.
const NUMBERS: &[&[u8]] = &[
    b"0",
    b"99999999999999999999",
    b"-1",
    b"18446744073709551616",
    b"4294967295",
    b"1e999",
];

/// One input: where it came from, its format (the file extension it is read under) and bytes.
#[derive(Clone, Debug)]
pub struct Sample {
    /// Where it came from (a path, or `built:...`).
    pub origin: String,
    /// The extension it is read under: `txt`, `jsonl`, `html`, `rss`, `warc.gz`, ...
    pub ext: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What to do in one campaign.
#[derive(Clone, Debug)]
pub struct Config {
    /// Stop after this long.
    pub budget: Duration,
    /// Stop after this many executions (if sooner).
    pub max_execs: u64,
    /// The PRNG seed.
    pub seed: u64,
    /// Extra samples: every file of this folder.
    pub corpus: Option<PathBuf>,
    /// Where failing inputs are saved.
    pub crashes: PathBuf,
    /// An execution running longer than this is a hang.
    pub hang: Duration,
    /// Print progress to stderr every so often.
    pub progress: bool,
    /// What earlier processes of this campaign did (see [`Config::resume`]).
    pub carry: Carry,
    /// After a hang, replace this process by a fresh one that carries the counts on (the only
    /// way to stop the stuck execution); otherwise a hang ends the campaign.
    pub resume: bool,
}

/// The counts a campaign carries across a restart after a hang.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Carry {
    /// Executions.
    pub execs: u64,
    /// Crashes.
    pub crashes: u64,
    /// Hangs.
    pub hangs: u64,
    /// Invariant violations.
    pub violations: u64,
    /// Wall time, in milliseconds.
    pub millis: u64,
}

impl Carry {
    fn to_arg(self) -> String {
        format!(
            "{},{},{},{},{}",
            self.execs, self.crashes, self.hangs, self.violations, self.millis
        )
    }
    fn parse(s: &str) -> Option<Carry> {
        let v: Vec<u64> = s
            .split(',')
            .map(|x| x.parse().ok())
            .collect::<Option<_>>()?;
        match v.as_slice() {
            [execs, crashes, hangs, violations, millis] => Some(Carry {
                execs: *execs,
                crashes: *crashes,
                hangs: *hangs,
                violations: *violations,
                millis: *millis,
            }),
            _ => None,
        }
    }
}

/// At most this many hanging inputs are saved per campaign; later hangs are only counted.
const SAVED_HANGS: u64 = 3;

/// What a campaign did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Executions run.
    pub execs: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Executions that panicked.
    pub crashes: u64,
    /// Executions over the time limit.
    pub hangs: u64,
    /// Executions whose output broke an invariant.
    pub violations: u64,
    /// Each distinct failure (panic location or invariant), with the file saved for it.
    pub failures: BTreeMap<String, PathBuf>,
}

/// Why one execution failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// A panic: its message and location.
    Panic(String),
    /// An output broke an invariant: which, and how.
    Invariant(String),
    /// The execution ran longer than the limit (replays only; a campaign's watchdog acts).
    Hang(Duration),
}

impl Failure {
    /// A short key that groups failures of one cause: the panic location, or the invariant.
    fn key(&self) -> String {
        match self {
            Failure::Panic(m) => format!("panic at {}", m.lines().next().unwrap_or("")),
            Failure::Invariant(m) => {
                format!("invariant: {}", m.split(':').next().unwrap_or(m))
            }
            Failure::Hang(_) => "hang".to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The PRNG.

/// SplitMix64: small, fast, and the same sequence on every platform for a seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------
// Samples.

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The extension a file is read under: its last one, or the last two for `.gz` files.
fn ext_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        [.., a, "gz"] if parts.len() > 2 => format!("{a}.gz"),
        [_, .., last] if parts.len() > 1 => last.to_string(),
        _ => "txt".to_string(),
    }
}

fn sample_of(path: &Path) -> Option<Sample> {
    let bytes = std::fs::read(path).ok()?;
    Some(Sample {
        origin: path.display().to_string(),
        ext: ext_of(path),
        bytes,
    })
}

/// The files of `dir` (not recursive), sorted by size then name, at most `n`.
fn smallest(dir: &Path, n: usize) -> Vec<PathBuf> {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .map(|p| (std::fs::metadata(&p).map_or(0, |m| m.len()), p))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.into_iter().take(n).map(|(_, p)| p).collect()
}

pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// Decompress up to `limit` bytes of a (multi-member) gzip stream; `None` if it is not one.
fn gunzip(bytes: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(limit as u64)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A plain-text article as title and paragraphs.
fn title_and_paragraphs(text: &str) -> (String, Vec<String>) {
    let mut blocks = text
        .split("\n\n")
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty());
    let title = blocks.next().unwrap_or_default();
    (title, blocks.collect())
}

fn page_html(title: &str, paragraphs: &[String]) -> String {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape_xml(p)))
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} | The Paper</title>\
         <meta property=\"article:published_time\" content=\"2020-03-03T10:00:00Z\"></head>\
         <body><nav><a href=\"/\">Home</a></nav><article><h1>{t}</h1>\n{body}</article>\
         <footer>Copyright</footer></body></html>",
        t = escape_xml(title)
    )
}

fn rss(articles: &[(String, Vec<String>)]) -> String {
    let items: String = articles
        .iter()
        .enumerate()
        .map(|(i, (t, ps))| {
            format!(
                "<item><title>{}</title><link>https://news.example.org/2020/03/03/story-{i}</link>\
                 <pubDate>Tue, 03 Mar 2020 10:0{i}:00 GMT</pubDate><dc:creator>Reporter {i}</dc:creator>\
                 <description><![CDATA[<p>{}</p>]]></description>\
                 <content:encoded><![CDATA[{}]]></content:encoded></item>\n",
                escape_xml(t),
                ps.first().map(String::as_str).unwrap_or(""),
                ps.iter().map(|p| format!("<p>{p}</p>")).collect::<String>()
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>Wire</title>\
         <link>https://news.example.org/</link><description>News</description>\n{items}</channel></rss>\n"
    )
}

fn atom(articles: &[(String, Vec<String>)]) -> String {
    let entries: String = articles
        .iter()
        .enumerate()
        .map(|(i, (t, ps))| {
            let html: String = ps.iter().map(|p| format!("<p>{p}</p>")).collect();
            format!(
                "<entry><title>{}</title><id>urn:story:{i}</id>\
                 <link href=\"https://news.example.org/story-{i}\"/>\
                 <updated>2020-03-03T10:0{i}:00Z</updated><author><name>Reporter {i}</name></author>\
                 <summary>{}</summary><content type=\"html\">{}</content></entry>\n",
                escape_xml(t),
                escape_xml(ps.first().map(String::as_str).unwrap_or("")),
                escape_xml(&html)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>Wire</title><id>urn:wire</id><updated>2020-03-03T10:00:00Z</updated>\n{entries}</feed>\n"
    )
}

/// One WARC record of `kind` with a block.
fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Date: 2020-03-03T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{:032x}>\r\n\
         Content-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        blake3::hash(block).as_bytes()[0] as u128 * 0x1_0000 + block.len() as u128,
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// WARC records: a warcinfo, then per page a request and a response (every other one
/// gzip-encoded over HTTP).
fn warc_records(pages: &[(String, String)]) -> Vec<Vec<u8>> {
    let mut out = vec![warc_record(
        "warcinfo",
        "",
        b"software: corroborate-fuzz\r\nformat: WARC File Format 1.0\r\n",
    )];
    for (i, (uri, html)) in pages.iter().enumerate() {
        let req = "GET / HTTP/1.1\r\nHost: news.example.org\r\n\r\n";
        out.push(warc_record("request", uri, req.as_bytes()));
        let (encoding, body) = if i % 2 == 1 {
            ("Content-Encoding: gzip\r\n", gzip(html.as_bytes()))
        } else {
            ("", html.as_bytes().to_vec())
        };
        let mut http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n{encoding}Content-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        http.extend_from_slice(&body);
        out.push(warc_record("response", uri, &http));
    }
    out
}

/// Every sample: real files from `../shared` and `test_data/`, formats with no real file
/// built from them (feeds, WARC, gzip), and the files of `corpus`.
pub fn samples(corpus: Option<&Path>) -> Vec<Sample> {
    let root = repo();
    let shared = root.join("../shared");
    let mut out: Vec<Sample> = Vec::new();
    let mut files: Vec<PathBuf> = smallest(&shared.join("seeds"), 5);
    for case in [
        "meantime-jsonl-two-stories",
        "meantime-newsplease",
        "wcxb-fda-html",
    ] {
        let dir = root.join("test_data/stories").join(case);
        files.extend(smallest(&dir, 4).into_iter().filter(|p| {
            let e = ext_of(p);
            e != "snap"
        }));
    }
    files.extend(smallest(&shared.join("data/zyte-aeb/html"), 2));
    files.extend(smallest(&shared.join("data/wcxb-articles/dev/html"), 2));
    out.extend(files.iter().filter_map(|p| sample_of(p)));
    // The first lines of the story corpora: several articles of one story in one JSONL.
    for name in ["basil.jsonl", "ecbplus.jsonl"] {
        if let Ok(t) = std::fs::read_to_string(shared.join("data/stories").join(name)) {
            let head: String = t.lines().take(4).map(|l| format!("{l}\n")).collect();
            out.push(Sample {
                origin: format!("{name} (first 4 lines)"),
                ext: "jsonl".into(),
                bytes: head.into_bytes(),
            });
        }
    }
    // Gzipped HTML read as HTML too.
    let unzipped: Vec<Sample> = out
        .iter()
        .filter(|s| s.ext.ends_with(".gz"))
        .filter_map(|s| {
            Some(Sample {
                origin: format!("{} (decompressed)", s.origin),
                ext: s.ext.trim_end_matches(".gz").to_string(),
                bytes: gunzip(&s.bytes, MAX_MUTANT)?,
            })
        })
        .collect();
    out.extend(unzipped);

    // Built samples: feeds, WARC, news-please and gzip, from the plain-text seeds.
    let texts: Vec<(String, Vec<String>)> = out
        .iter()
        .filter(|s| s.ext == "txt")
        .map(|s| title_and_paragraphs(&String::from_utf8_lossy(&s.bytes)))
        .collect();
    let texts = if texts.is_empty() {
        vec![(
            "Council approves budget".to_string(),
            vec![
                "The council voted on Tuesday to approve the budget, which raises spending on \
                 schools by four per cent."
                    .to_string(),
                "\"This is a good day,\" the mayor said.".to_string(),
            ],
        )]
    } else {
        texts
    };
    let built = |origin: &str, ext: &str, bytes: Vec<u8>| Sample {
        origin: format!("built: {origin}"),
        ext: ext.to_string(),
        bytes,
    };
    let mut made = vec![
        built("RSS 2.0 of the seeds", "rss", rss(&texts).into_bytes()),
        built("Atom of the seeds", "atom", atom(&texts).into_bytes()),
        built(
            "RSS of one seed, as .xml",
            "xml",
            rss(&texts[..1]).into_bytes(),
        ),
    ];
    let mut pages: Vec<(String, String)> = texts
        .iter()
        .enumerate()
        .map(|(i, (t, ps))| {
            (
                format!("https://news.example.org/2020/03/03/story-{i}.html"),
                page_html(t, ps),
            )
        })
        .collect();
    if let Some(real) = out
        .iter()
        .find(|s| s.ext == "html" && s.bytes.len() < 64 * 1024)
    {
        pages.push((
            "https://www.example.com/real".to_string(),
            String::from_utf8_lossy(&real.bytes).into_owned(),
        ));
    }
    let records = warc_records(&pages);
    made.push(built(
        "WARC of the seeds as pages",
        "warc",
        records.concat(),
    ));
    let members: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    made.push(built("WARC, one gzip member a record", "warc.gz", members));
    made.push(built(
        "HTML page of a seed",
        "html",
        pages[0].1.clone().into_bytes(),
    ));
    for (i, (t, ps)) in texts.iter().enumerate().take(2) {
        let v = serde_json::json!({
            "title": t,
            "maintext": ps.join("\n"),
            "description": ps.first(),
            "date_publish": format!("2020-03-0{} 10:00:00", i + 3),
            "authors": [format!("Reporter {i}")],
            "url": format!("https://news.example.org/{i}"),
            "source_domain": "news.example.org",
            "language": "en",
        });
        made.push(built(
            "news-please JSON of a seed",
            "json",
            serde_json::to_vec_pretty(&v).unwrap_or_default(),
        ));
    }
    let jsonl: String = texts
        .iter()
        .enumerate()
        .map(|(i, (t, ps))| {
            let v = serde_json::json!({
                "id": format!("seed-{i}"), "title": t, "text": ps.join("\n\n"),
                "date": "2020-03-03", "outlet": "The Paper",
            });
            format!("{v}\n")
        })
        .collect();
    made.push(built(
        "JSONL of the seeds",
        "jsonl",
        jsonl.clone().into_bytes(),
    ));
    made.push(built(
        "gzipped JSONL of the seeds",
        "jsonl.gz",
        gzip(jsonl.as_bytes()),
    ));
    if let Some(t) = out.iter().find(|s| s.ext == "txt") {
        made.push(built("gzipped seed", "txt.gz", gzip(&t.bytes)));
    }
    out.extend(made);

    if let Some(dir) = corpus {
        let mut extra: Vec<PathBuf> = walk_files(dir);
        extra.sort();
        out.extend(extra.iter().filter_map(|p| sample_of(p)));
    }
    out.retain(|s| !s.bytes.is_empty());
    out
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk_files(&p));
        } else if p.is_file() && p.file_name().is_none_or(|n| n != "README.md") {
            out.push(p);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Mutation.

/// The extensions a mutant may be read under when its own is swapped for another.
const EXTS: &[&str] = &[
    "txt", "jsonl", "json", "html", "xml", "rss", "atom", "warc", "warc.gz", "txt.gz", "md",
];

/// One mutation of `data` in place.
fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    let len = data.len();
    match rng.below(12) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            data[i] = *rng.pick(BYTES);
        }
        2 | 3 => {
            let i = rng.below(len + 1);
            let t = rng.pick(TOKENS);
            data.splice(i..i, t.iter().copied());
        }
        4 if len > 0 => {
            let i = rng.below(len);
            let most = if rng.one_in(4) { len } else { 64 };
            let n = 1 + rng.below((len - i).min(most));
            data.drain(i..i + n);
        }
        5 if len > 0 => {
            // A huge repeat: a short chunk (or a token) many times over.
            let i = rng.below(len);
            let n = 1 + rng.below((len - i).min(16));
            let chunk: Vec<u8> = if rng.one_in(2) {
                data[i..i + n].to_vec()
            } else {
                rng.pick(TOKENS).to_vec()
            };
            let most = if rng.one_in(4) { 20_000 } else { 200 };
            let times = 1 + rng.below(most);
            let rep: Vec<u8> = chunk
                .iter()
                .copied()
                .cycle()
                .take((chunk.len() * times).min(MAX_MUTANT))
                .collect();
            data.splice(i..i, rep);
        }
        6 if len > 0 => {
            let at = rng.below(len);
            data.truncate(at);
        }
        7 if !other.is_empty() => {
            // Splice: a head of this sample and a tail of another.
            let at = rng.below(len + 1);
            let from = rng.below(other.len());
            data.truncate(at);
            data.extend_from_slice(&other[from..]);
        }
        8 if !other.is_empty() => {
            let i = rng.below(len + 1);
            let from = rng.below(other.len());
            let n = 1 + rng.below((other.len() - from).min(4096));
            data.splice(i..i, other[from..from + n].iter().copied());
        }
        9 if len > 1 => {
            // Copy a block of the input over another place of it.
            let a = rng.below(len);
            let b = rng.below(len);
            let n = 1 + rng.below((len - a.max(b)).min(256));
            let block = data[a..a + n].to_vec();
            data[b..b + n].copy_from_slice(&block);
        }
        10 => {
            let bom = rng.pick(BOMS);
            data.splice(0..0, bom.iter().copied());
        }
        _ if len > 0 => {
            // An interesting number where a digit run is.
            if let Some(start) = (0..8)
                .map(|_| rng.below(len))
                .find(|&i| data[i].is_ascii_digit())
            {
                let end = data[start..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .map_or(len, |n| start + n);
                let n = rng.pick(NUMBERS);
                data.splice(start..end, n.iter().copied());
            }
        }
        _ => {
            let t = rng.pick(TOKENS);
            data.extend_from_slice(t)
        }
    }
}

/// A mutant of `s`: 1 to 8 stacked mutations, sometimes of the decompressed content of a
/// gzip sample (recompressed after), sometimes gzipped, sometimes read under another name.
pub fn mutate(rng: &mut Rng, s: &Sample, other: &Sample) -> Sample {
    let mut ext = s.ext.clone();
    let inner_gz = ext.ends_with(".gz") && rng.one_in(2);
    let mut data = if inner_gz {
        gunzip(&s.bytes, MAX_MUTANT).unwrap_or_else(|| s.bytes.clone())
    } else {
        s.bytes.clone()
    };
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        mutate_once(rng, &mut data, &other.bytes);
        if data.len() > MAX_MUTANT {
            data.truncate(MAX_MUTANT);
        }
    }
    if inner_gz {
        data = if ext == "warc.gz" && rng.one_in(2) {
            // A corrupt member in the middle of good ones.
            let cut = rng.below(data.len() + 1);
            let mut out = gzip(&data[..cut]);
            let mut bad = gzip(&data[cut..]);
            if !bad.is_empty() {
                let i = rng.below(bad.len());
                bad[i] ^= 0x5a;
            }
            out.extend(bad);
            out.extend(gzip(&data[cut..]));
            out
        } else {
            gzip(&data)
        };
    } else if rng.one_in(16) {
        data = gzip(&data);
        if !ext.ends_with(".gz") {
            ext.push_str(".gz");
        }
    }
    if rng.one_in(12) {
        ext = rng.pick(EXTS).to_string();
    }
    Sample {
        origin: format!("mutant of {}", s.origin),
        ext,
        bytes: data,
    }
}

// ---------------------------------------------------------------------------------------
// Execution.

/// What an execution goes through besides reading, digest without a model and rendering.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stages {
    /// Digest with the built-in static model too.
    pub model: bool,
    /// Ingest into the store too.
    pub ingest: bool,
}

/// The scratch folder of a campaign (removed when dropped) and the store an execution
/// ingests into, started afresh every [`STORE_ROUNDS`] uses.
pub struct Scratch {
    dir: PathBuf,
    rounds: u64,
    generation: u64,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Scratch {
    /// A scratch folder under the system temp directory, unique to this process and call.
    pub fn new() -> std::io::Result<Scratch> {
        static MADE: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "corroborate-fuzz-{}-{}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch {
            dir,
            rounds: 0,
            generation: 0,
        })
    }
    fn input_path(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("input.{ext}"))
    }
    fn store_path(&mut self) -> PathBuf {
        self.rounds += 1;
        if self.rounds > STORE_ROUNDS {
            self.rounds = 1;
            self.generation += 1;
        }
        self.dir.join(format!("store-{}.sqlite", self.generation))
    }
    /// Forget the store (after a failure, so the next input starts clean).
    fn reset(&mut self) {
        self.rounds = STORE_ROUNDS;
    }
}

/// Run one input through every stage, panicking where the library panics; `Err` when an
/// output breaks an invariant.
pub fn execute(input: &Sample, stages: Stages, scratch: &mut Scratch) -> Result<(), String> {
    let bytes = &input.bytes;
    let name = format!("input.{}", input.ext);
    // The readers of bytes, directly.
    let direct = corroborate_read::read_source(&name, bytes);
    std::hint::black_box(&direct);
    let _ = corroborate_read::extract_html(bytes, &Default::default());
    let _ = corroborate_read::extract_html(
        bytes,
        &corroborate_read::Hints {
            url: Some("https://news.example.org/2020/03/03/a.html".into()),
            content_type: Some("text/html; charset=windows-1252".into()),
        },
    );
    if input.ext.contains("rss") || input.ext.contains("atom") || input.ext.contains("xml") {
        let _ = corroborate_read::feed::read_feed(bytes);
    }
    if input.ext.contains("json") {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
            if corroborate_read::newsplease::is_newsplease(&v) {
                let _ = corroborate_read::newsplease::read(&v);
            }
        }
    }
    if input.ext.contains("warc") {
        let plain = if input.ext.ends_with(".gz") {
            gunzip(bytes, 4 * MAX_MUTANT).unwrap_or_default()
        } else {
            bytes.clone()
        };
        for entry in corroborate_read::warc::WarcReader::new(&plain[..]).take(10_000) {
            std::hint::black_box(entry);
        }
    }

    // The path reader, the way the CLI reads a file, for articles and for pages only.
    let path = scratch.input_path(&input.ext);
    std::fs::write(&path, bytes).map_err(|e| format!("scratch: cannot write input: {e}"))?;
    let paths = [path.to_string_lossy().into_owned()];
    let pages = corroborate_read::Options {
        accept: corroborate_read::Accept::Pages,
        ..Default::default()
    };
    let _ = corroborate_read::gather(&paths, &pages, &mut |_| {});
    let (raws, rejected) =
        corroborate_read::gather(&paths, &corroborate_read::Options::default(), &mut |_| {});
    let _ = std::fs::remove_file(&path);

    digest_and_render(raws.clone(), rejected.clone(), &Options::default())?;
    if stages.model {
        let options = Options {
            embedder: Some(Arc::new(corroborate_embed::Builtin)),
            single_story: true,
            ..Default::default()
        };
        digest_and_render(raws.clone(), rejected, &options)?;
    }
    if stages.ingest {
        ingest(raws, scratch)?;
    }
    Ok(())
}

fn digest_and_render(
    raws: Vec<RawArticle>,
    rejected: Vec<Rejection>,
    options: &Options,
) -> Result<(), String> {
    let d = digest_with(raws, rejected, options);
    check_digest(&d.articles, &d.stories)?;
    let view = View {
        articles: &d.articles,
        rejected: &d.rejected,
        stories: &d.stories,
    };
    let j = json::render(&view);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&j) {
        return Err(format!("json report does not parse: {e}"));
    }
    no_escape("text report", &text::render(&view))?;
    no_escape("markdown report", &markdown::render(&view))?;
    std::hint::black_box(html::render(&view));
    Ok(())
}

/// No terminal escape introducer in a report meant for a terminal.
fn no_escape(what: &str, out: &str) -> Result<(), String> {
    match out.find(['\x1b', '\u{9b}']) {
        None => Ok(()),
        Some(i) => {
            let from = out[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
            let to = out[i..]
                .char_indices()
                .nth(40)
                .map_or(out.len(), |(j, _)| i + j);
            Err(format!(
                "escape in {what}: ESC or CSI byte at {i}, around {:?}",
                &out[from..to]
            ))
        }
    }
}

/// Every text a story shows is a verbatim slice of the article it names.
pub fn check_digest(
    articles: &[Article],
    stories: &[corroborate_model::Story],
) -> Result<(), String> {
    let by_id: HashMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let article = |id: &str, what: &str| {
        by_id
            .get(id)
            .copied()
            .ok_or_else(|| format!("unknown article: {what} names {id:?}"))
    };
    let within = |a: &Article, text: &str, what: &str| {
        if a.text.contains(text) {
            Ok(())
        } else {
            Err(format!(
                "not verbatim: {what} {text:?} is not in article {:?}",
                a.id
            ))
        }
    };
    for s in stories {
        for f in &s.facts {
            within(article(&f.source, "fact")?, &f.text, "fact")?;
            for v in &f.variants {
                let a = article(&v.article, "fact variant")?;
                let sentence = a
                    .sentences
                    .get(v.sentence)
                    .map(|x| a.slice(x.span))
                    .ok_or_else(|| {
                        format!(
                            "bad sentence index: fact variant names sentence {} of {} in {:?}",
                            v.sentence,
                            a.sentences.len(),
                            a.id
                        )
                    })?;
                let expected = match v.span {
                    Some((start, end)) => sentence.get(start..end),
                    None => Some(sentence),
                };
                if expected.map(str::trim) != Some(v.text.trim()) {
                    return Err(format!(
                        "not verbatim: fact variant {:?} is not sentence {} (span {:?}) of {:?}",
                        v.text, v.sentence, v.span, a.id
                    ));
                }
            }
            for n in &f.numbers {
                within(article(&n.article, "fact number")?, &n.text, "fact number")?;
            }
        }
        for q in &s.quotes {
            for v in &q.variants {
                let a = article(&v.article, "quote variant")?;
                if a.text.get(v.span.start..v.span.end) != Some(v.text.as_str()) {
                    return Err(format!(
                        "not verbatim: quote variant {:?} is not at {}..{} of {:?}",
                        v.text, v.span.start, v.span.end, a.id
                    ));
                }
            }
            if !q.variants.is_empty() && !q.variants.iter().any(|v| v.text == q.text) {
                return Err(format!(
                    "not verbatim: quote {:?} is none of its variants",
                    q.text
                ));
            }
        }
        for n in &s.numbers {
            within(article(&n.article, "number")?, &n.text, "number")?;
        }
        for line in &s.summary {
            within(article(&line.source, "summary")?, &line.text, "summary")?;
        }
    }
    Ok(())
}

fn ingest(raws: Vec<RawArticle>, scratch: &mut Scratch) -> Result<(), String> {
    let path = scratch.store_path();
    let store = Store::open(&path).map_err(|e| format!("store: cannot open: {e}"))?;
    let mut ing = Ingest::new(store).map_err(|e| format!("store: cannot start ingest: {e}"))?;
    let result = ing
        .add(prepare(raws), &mut || {})
        .map_err(|e| format!("store: ingest failed: {e}"))
        .and_then(|_| {
            ing.analyse_touched(&run::Options::default())
                .map_err(|e| format!("store: analysis failed: {e}"))
        })
        .and_then(|_| {
            ing.store()
                .check()
                .map_err(|e| format!("store: check failed after ingest: {e}"))
        });
    if result.is_err() {
        scratch.reset();
    }
    result
}

// ---------------------------------------------------------------------------------------
// Panics, hangs and the campaign.

/// The last panic's message and location, and how many panics the process has seen (a panic
/// on a worker thread the library swallows counts too).
static PANICS: AtomicU64 = AtomicU64::new(0);
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

fn quiet_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let at = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = format!("{at}\n{msg}");
            }
            PANICS.fetch_add(1, Ordering::SeqCst);
        }))
    });
}

/// Run one input under `catch_unwind`: the failure, if any.
pub fn guarded(input: &Sample, stages: Stages, scratch: &mut Scratch) -> Option<Failure> {
    quiet_panics();
    let before = PANICS.load(Ordering::SeqCst);
    let r = catch_unwind(AssertUnwindSafe(|| execute(input, stages, scratch)));
    let panicked = r.is_err() || PANICS.load(Ordering::SeqCst) != before;
    if panicked {
        scratch.reset();
        let last = LAST_PANIC.lock().map(|l| l.clone()).unwrap_or_default();
        return Some(Failure::Panic(last));
    }
    match r {
        Ok(Err(e)) => Some(Failure::Invariant(e)),
        _ => None,
    }
}

/// Save a failing input as `<hash>.<ext>` in `dir`; the path.
pub fn save(dir: &Path, input: &Sample) -> PathBuf {
    let hash = blake3::hash(&input.bytes).to_hex();
    let path = dir.join(format!("{}.{}", &hash[..16], input.ext));
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(&path, &input.bytes);
    path
}

/// The execution the watchdog watches: when it started and its input.
type Current = Mutex<Option<(Instant, Sample)>>;

/// Run a campaign.
pub fn campaign(cfg: &Config) -> Summary {
    let corpus = samples(cfg.corpus.as_deref());
    let mut summary = Summary::default();
    let Ok(mut scratch) = Scratch::new() else {
        eprintln!("fuzz: cannot make a temp directory");
        summary.violations = 1;
        return summary;
    };
    if corpus.is_empty() {
        eprintln!("fuzz: no samples");
        summary.violations = 1;
        return summary;
    }
    let start = Instant::now();
    let earlier = Duration::from_millis(cfg.carry.millis);
    summary.execs = cfg.carry.execs;
    summary.crashes = cfg.carry.crashes;
    summary.hangs = cfg.carry.hangs;
    summary.violations = cfg.carry.violations;
    let counts = Arc::new([
        AtomicU64::new(summary.execs),
        AtomicU64::new(summary.crashes),
        AtomicU64::new(summary.violations),
    ]);
    let current: Arc<Current> = Arc::new(Mutex::new(None));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let (current, counts, done, cfg) =
            (current.clone(), counts.clone(), done.clone(), cfg.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(100));
                let stuck = current.lock().ok().and_then(|c| {
                    c.as_ref()
                        .filter(|(t, _)| t.elapsed() > cfg.hang)
                        .map(|(_, s)| s.clone())
                });
                if let Some(input) = stuck {
                    on_hang(&cfg, &input, &counts, earlier + start.elapsed());
                }
            }
        })
    };

    let mut rng = Rng::new(cfg.seed);
    let mut last_note = Instant::now();
    while earlier + start.elapsed() < cfg.budget && summary.execs < cfg.max_execs {
        let i = summary.execs;
        let s = rng.pick(&corpus);
        let other = rng.pick(&corpus);
        // One execution in 32 runs the sample itself, unmutated.
        let input = if rng.one_in(32) {
            s.clone()
        } else {
            mutate(&mut rng, s, other)
        };
        let stages = Stages {
            model: i % MODEL_EVERY == MODEL_EVERY - 1,
            ingest: i % INGEST_EVERY == INGEST_EVERY - 1,
        };
        if let Ok(mut c) = current.lock() {
            *c = Some((Instant::now(), input.clone()));
        }
        let failure = guarded(&input, stages, &mut scratch);
        if let Ok(mut c) = current.lock() {
            *c = None;
        }
        summary.execs += 1;
        counts[0].store(summary.execs, Ordering::SeqCst);
        if let Some(f) = failure {
            match f {
                Failure::Panic(_) => summary.crashes += 1,
                Failure::Invariant(_) | Failure::Hang(_) => summary.violations += 1,
            }
            counts[1].store(summary.crashes, Ordering::SeqCst);
            counts[2].store(summary.violations, Ordering::SeqCst);
            let key = f.key();
            if let std::collections::btree_map::Entry::Vacant(slot) = summary.failures.entry(key) {
                let path = save(&cfg.crashes, &input);
                let what = match &f {
                    Failure::Panic(m) => format!("PANIC {}", m.replace('\n', ": ")),
                    Failure::Invariant(m) => format!("INVARIANT {m}"),
                    Failure::Hang(t) => format!("HANG over {t:?}"),
                };
                println!(
                    "{what}\n  input: {} ({}, {} bytes), saved as {}",
                    input.origin,
                    input.ext,
                    input.bytes.len(),
                    path.display()
                );
                slot.insert(path);
            }
        }
        if cfg.progress && last_note.elapsed() > Duration::from_secs(30) {
            last_note = Instant::now();
            let secs = (earlier + start.elapsed()).as_secs_f64();
            eprintln!(
                "fuzz: {} executions, {:.0}/s, {} crashes, {} violations",
                summary.execs,
                summary.execs as f64 / secs,
                summary.crashes,
                summary.violations
            );
        }
    }
    done.store(true, Ordering::SeqCst);
    let _ = watchdog.join();
    summary.elapsed = earlier + start.elapsed();
    summary
}

/// An execution is stuck: save its input (the first few times), then either restart the
/// campaign in a fresh process carrying the counts on, or report and end with exit 1. The
/// stuck thread cannot be stopped any other way.
fn on_hang(cfg: &Config, input: &Sample, counts: &[AtomicU64; 3], elapsed: Duration) -> ! {
    let carry = Carry {
        execs: counts[0].load(Ordering::SeqCst) + 1,
        crashes: counts[1].load(Ordering::SeqCst),
        hangs: cfg.carry.hangs + 1,
        violations: counts[2].load(Ordering::SeqCst),
        millis: elapsed.as_millis() as u64,
    };
    let saved = if carry.hangs <= SAVED_HANGS {
        format!("saved as {}", save(&cfg.crashes, input).display())
    } else {
        format!("not saved ({SAVED_HANGS} hangs saved already)")
    };
    println!(
        "HANG over {:.0} s: {} ({}, {} bytes), {saved}",
        cfg.hang.as_secs_f64(),
        input.origin,
        input.ext,
        input.bytes.len()
    );
    let _ = std::io::stdout().flush();
    #[cfg(unix)]
    if cfg.resume && elapsed < cfg.budget {
        use std::os::unix::process::CommandExt;
        let mut args = vec![
            "fuzz".to_string(),
            "--budget".into(),
            cfg.budget.as_secs().to_string(),
            "--seed".into(),
            cfg.seed.wrapping_add(carry.execs).to_string(),
            "--crashes".into(),
            cfg.crashes.display().to_string(),
            "--hang".into(),
            cfg.hang.as_secs().to_string(),
            "--carry".into(),
            carry.to_arg(),
        ];
        if cfg.max_execs != u64::MAX {
            args.extend(["--execs".into(), cfg.max_execs.to_string()]);
        }
        if let Some(c) = &cfg.corpus {
            args.extend(["--corpus".into(), c.display().to_string()]);
        }
        if let Ok(exe) = std::env::current_exe() {
            println!("fuzz: restarting to carry on (seed {})", args[4]);
            let _ = std::io::stdout().flush();
            let e = std::process::Command::new(exe).args(&args).exec();
            eprintln!("fuzz: cannot restart: {e}");
        }
    }
    let summary = Summary {
        execs: carry.execs,
        elapsed,
        crashes: carry.crashes,
        hangs: carry.hangs,
        violations: carry.violations,
        failures: BTreeMap::new(),
    };
    print_summary(&summary);
    std::process::exit(1)
}

fn print_summary(s: &Summary) {
    let secs = s.elapsed.as_secs_f64().max(1e-9);
    println!(
        "fuzz: {} executions in {:.1} s ({:.0}/s): {} crashes, {} hangs, {} invariant violations",
        s.execs,
        secs,
        s.execs as f64 / secs,
        s.crashes,
        s.hangs,
        s.violations,
    );
}

/// Replay one saved input through every stage (with the model and ingest), on a thread of
/// its own: a hang over `limit` is reported as one (the thread is left to finish or die with
/// the process).
pub fn replay(path: &Path, limit: Duration) -> Option<Failure> {
    let input = sample_of(path)?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut scratch = match Scratch::new() {
            Ok(s) => s,
            Err(e) => {
                let _ = tx.send(Some(Failure::Invariant(format!("scratch: {e}"))));
                return;
            }
        };
        let stages = Stages {
            model: true,
            ingest: true,
        };
        let _ = tx.send(guarded(&input, stages, &mut scratch));
    });
    match rx.recv_timeout(limit) {
        Ok(f) => f,
        Err(_) => Some(Failure::Hang(limit)),
    }
}

/// The folder regression inputs live in.
pub fn crashes_dir() -> PathBuf {
    repo().join("test_data/fuzz/crashes")
}

/// `cargo xtask fuzz [--budget SECONDS] [--seed N] [--corpus DIR] [--crashes DIR]
/// [--hang SECONDS] [--execs N]`, or `cargo xtask fuzz --replay FILE` (one saved input).
pub fn run(args: &[String]) -> ExitCode {
    let mut cfg = Config {
        budget: Duration::from_secs(60),
        max_execs: u64::MAX,
        seed: 1,
        corpus: None,
        crashes: crashes_dir(),
        hang: Duration::from_secs(10),
        progress: true,
        carry: Carry::default(),
        resume: true,
    };
    if let [flag, file] = args {
        if flag == "--replay" {
            return match replay(Path::new(file), Duration::from_secs(60)) {
                None => {
                    println!("{file}: no failure");
                    ExitCode::SUCCESS
                }
                Some(f) => {
                    println!("{file}: {f:?}");
                    ExitCode::from(1)
                }
            };
        }
    }
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next();
        let number = value.and_then(|v| v.parse::<u64>().ok());
        match (flag.as_str(), value, number) {
            ("--budget", _, Some(n)) => cfg.budget = Duration::from_secs(n),
            ("--seed", _, Some(n)) => cfg.seed = n,
            ("--execs", _, Some(n)) => cfg.max_execs = n,
            ("--hang", _, Some(n)) => cfg.hang = Duration::from_secs(n.max(1)),
            ("--corpus", Some(v), _) => cfg.corpus = Some(PathBuf::from(v)),
            ("--crashes", Some(v), _) => cfg.crashes = PathBuf::from(v),
            ("--carry", Some(v), _) if Carry::parse(v).is_some() => {
                cfg.carry = Carry::parse(v).unwrap_or_default()
            }
            _ => {
                eprintln!(
                    "usage: cargo xtask fuzz [--budget SECONDS] [--seed N] [--corpus DIR] \
                     [--crashes DIR] [--hang SECONDS] [--execs N]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let n = samples(cfg.corpus.as_deref());
    let mut formats: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &n {
        *formats.entry(s.ext.as_str()).or_default() += 1;
    }
    let listed: Vec<String> = formats.iter().map(|(e, k)| format!("{k} {e}")).collect();
    if cfg.carry != Carry::default() {
        println!("fuzz: carrying on after a hang: {:?}", cfg.carry);
    }
    println!(
        "fuzz: seed {}, budget {} s, {} samples ({})",
        cfg.seed,
        cfg.budget.as_secs(),
        n.len(),
        listed.join(", ")
    );
    let s = campaign(&cfg);
    print_summary(&s);
    if s.crashes + s.hangs + s.violations > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Saved inputs that still fail, with the reason; replayed only by the ignored test.
    // The four quote-mark hangs saved by the first long run were fixed in quotes.rs (the
    // frame is looked for within 1,500 bytes of its quote, and quote regions are searched in
    // logarithmic time): they replay clean now.
    const KNOWN: &[(&str, &str)] = &[];

    fn saved() -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = walk_files(&crashes_dir());
        files.sort();
        files
    }

    fn is_known(p: &Path) -> bool {
        let name = p.file_name().map(|n| n.to_string_lossy().to_string());
        KNOWN.iter().any(|(k, _)| Some(k.to_string()) == name)
    }

    #[test]
    fn saved_inputs_replay_clean() {
        let mut failed = Vec::new();
        for p in saved().iter().filter(|p| !is_known(p)) {
            if let Some(f) = replay(p, Duration::from_secs(60)) {
                failed.push(format!("{}: {f:?}", p.display()));
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[test]
    #[ignore = "known failures in library code, listed in KNOWN with their reason"]
    fn known_failures_still_fail() {
        for (name, why) in KNOWN {
            let p = crashes_dir().join(name);
            assert!(
                replay(&p, Duration::from_secs(20)).is_some(),
                "{name} ({why}) no longer fails"
            );
        }
    }

    #[test]
    fn every_format_has_a_sample() {
        let s = samples(None);
        for ext in [
            "txt", "jsonl", "html", "rss", "atom", "warc", "warc.gz", "json", "html.gz",
        ] {
            assert!(s.iter().any(|x| x.ext == ext), "no {ext} sample");
        }
    }

    #[test]
    fn mutation_is_deterministic() {
        let s = samples(None);
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..50)
                .map(|_| {
                    let a = rng.pick(&s).clone();
                    let b = rng.pick(&s).clone();
                    mutate(&mut rng, &a, &b).bytes
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn a_short_campaign_finds_nothing() {
        let crashes = tempfile::tempdir().unwrap();
        let s = campaign(&Config {
            budget: Duration::from_secs(3),
            max_execs: 200,
            seed: 42,
            corpus: None,
            crashes: crashes.path().to_path_buf(),
            hang: Duration::from_secs(60),
            progress: false,
            carry: Carry::default(),
            resume: false,
        });
        assert!(s.execs > 0);
        assert_eq!(
            (s.crashes, s.hangs, s.violations),
            (0, 0, 0),
            "{:?}",
            s.failures
        );
    }
}
