//! Fuzz: `cargo xtask fuzz [--budget SECONDS] [--seed N] [--execs N] [--jobs N] [--corpus DIR]
//! [--crashes DIR] [--hang SECONDS]`, a mutation fuzzer on stable Rust. In: real samples of
//! every input format (plain text, JSON Lines, HTML, RSS and Atom feeds, WARC and `.warc.gz`,
//! news-please JSON, gzip), taken from `../shared` and `test_data/` or built here when none
//! exist, plus any files of `--corpus`; and small samples of every format made from them (a
//! few KB each). Out: a count of executions, executions/s (overall and per format), crashes,
//! hangs and invariant violations on stdout; each failing input saved under
//! `test_data/fuzz/crashes/` as `<hash>.<format>`; exit 1 when anything failed.
//!
//! Each execution mutates one sample with a PRNG seeded by the campaign's seed and the
//! execution's index (bit flips, interesting bytes and tokens, deletions, huge repeats,
//! truncation, splicing, gzip of a mutant) and feeds it, in process, through the readers (the
//! path reader on a temp file, `read_source`, `extract_html`, the feed, news-please and WARC
//! readers), `digest_with` (no model, or the built-in static model every 16th) and every
//! renderer. Most executions mutate a small sample (a millisecond or so each); every 256th a
//! whole real one (huge repeats up to 256 KB); every 256th also ingests into a temporary
//! store (on tmpfs when there is one). Invariants checked on every output: each fact,
//! variant, quote, number and summary text is a verbatim slice of its article; the JSON
//! parses; the text and Markdown reports hold no ESC (or 8-bit CSI) byte; the store passes
//! its own check.
//!
//! `--jobs` worker threads (default: one per core) claim execution indices in turn; an
//! execution's input and stages depend on the seed and its index only, so a campaign with a
//! seed and `--execs` runs the same inputs whatever `--jobs`. A panic is caught per execution
//! (`catch_unwind`); a hang (an execution over `--hang`, default 10 s) is caught by a watchdog
//! thread, which saves the input and restarts the process to carry on from the first
//! unclaimed index, since a stuck execution cannot be stopped from outside.
//! `--seed N --write FROM TO DIR` writes the inputs of executions FROM..TO to DIR instead (to
//! find again a hang past the few a campaign saves).
//! Never touches the network; never writes outside the crash folder, a temp directory and
//! the `--write` folder.

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

/// The largest mutant of a full sample fed in: past this the pipeline's cost, not a bug,
/// dominates.
const MAX_MUTANT: usize = 256 * 1024;

/// The largest mutant of a small sample.
const MAX_SMALL: usize = 4 * 1024;

/// The largest small sample (real files cut to their head past this).
const SMALL_SAMPLE: usize = 2 * 1024;

/// Every this many executions mutate a full sample (whole real pages and seeds, with huge
/// repeats up to [`MAX_MUTANT`]); the others mutate a small one.
const FULL_EVERY: u64 = 256;

/// Every this many executions the mutant also goes through ingest into the store (about
/// a hundred times the cost of the rest of an execution; a store on disk is the slowest part).
const INGEST_EVERY: u64 = 256;

/// Every this many executions the digest uses the built-in static model.
const MODEL_EVERY: u64 = 16;

/// Every this many executions the input is also read as web pages only (`extract`).
const PAGES_EVERY: u64 = 4;

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
    /// Worker threads, each running executions in turn.
    pub jobs: usize,
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
    /// The first execution index no worker had claimed (where the next process starts).
    pub next: u64,
}

impl Carry {
    fn to_arg(self) -> String {
        format!(
            "{},{},{},{},{},{}",
            self.execs, self.crashes, self.hangs, self.violations, self.millis, self.next
        )
    }
    fn parse(s: &str) -> Option<Carry> {
        let v: Vec<u64> = s
            .split(',')
            .map(|x| x.parse().ok())
            .collect::<Option<_>>()?;
        match v.as_slice() {
            [execs, crashes, hangs, violations, millis, next] => Some(Carry {
                execs: *execs,
                crashes: *crashes,
                hangs: *hangs,
                violations: *violations,
                millis: *millis,
                next: *next,
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
    /// Worker threads.
    pub jobs: usize,
    /// Per format of the sample mutated: executions and the time they took (this process).
    pub per_format: BTreeMap<String, (u64, Duration)>,
    /// Time per stage, all workers together (this process).
    pub times: Times,
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
    let real = out
        .iter()
        .find(|s| s.ext == "html" && s.bytes.len() < 64 * 1024)
        .cloned();
    let made = built_samples(&texts, real.as_ref(), "");
    out.extend(made);

    if let Some(dir) = corpus {
        let mut extra: Vec<PathBuf> = walk_files(dir);
        extra.sort();
        out.extend(extra.iter().filter_map(|p| sample_of(p)));
    }
    out.retain(|s| !s.bytes.is_empty());
    out
}

/// Samples of the formats no real file is kept of (feeds, WARC and `.warc.gz`, news-please
/// JSON, JSON Lines, gzip, HTML pages), built from plain-text articles (title and paragraphs)
/// and, as one more WARC page, `real_html`. `tag` marks their origin (`built{tag}: ...`).
fn built_samples(
    texts: &[(String, Vec<String>)],
    real_html: Option<&Sample>,
    tag: &str,
) -> Vec<Sample> {
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
        texts.to_vec()
    };
    let built = |origin: &str, ext: &str, bytes: Vec<u8>| Sample {
        origin: format!("built{tag}: {origin}"),
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
    if let Some(real) = real_html {
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
    made.push(built(
        "gzipped HTML page of a seed",
        "html.gz",
        gzip(pages[0].1.as_bytes()),
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
    if let Some((t, ps)) = texts.first() {
        let plain = format!("{t}\n\n{}\n", ps.join("\n\n"));
        made.push(built("gzipped seed", "txt.gz", gzip(plain.as_bytes())));
    }
    made
}

/// The small samples most executions mutate: every format again, each a few KB, so one
/// execution through every stage costs about a millisecond, not the tens of milliseconds a
/// whole real page costs. Built from the full samples: those already small kept as they are,
/// the heads of real pages and JSON Lines files, and every built format again from the
/// seeds cut to a title and two short paragraphs.
pub fn small_samples(full: &[Sample]) -> Vec<Sample> {
    let mut out: Vec<Sample> = full
        .iter()
        .filter(|s| s.bytes.len() <= SMALL_SAMPLE)
        .cloned()
        .collect();
    // Heads of real pages (their meta tags, JSON-LD and first paragraphs) and of JSON Lines.
    for s in full.iter().filter(|s| s.bytes.len() > SMALL_SAMPLE) {
        let head = match s.ext.as_str() {
            "html" | "htm" => s.bytes[..SMALL_SAMPLE].to_vec(),
            "jsonl" => {
                let lines: Vec<&[u8]> = s.bytes.split(|&b| b == b'\n').take(2).collect();
                lines.join(&b'\n').into_iter().take(SMALL_SAMPLE).collect()
            }
            _ => continue,
        };
        out.push(Sample {
            origin: format!("{} (first {} bytes)", s.origin, head.len()),
            ext: s.ext.clone(),
            bytes: head,
        });
    }
    let texts: Vec<(String, Vec<String>)> = full
        .iter()
        .filter(|s| s.ext == "txt")
        .map(|s| {
            let text = String::from_utf8_lossy(&s.bytes);
            let (mut t, mut ps) = title_and_paragraphs(&text);
            if ps.is_empty() {
                // Paragraphs one a line, no blank line between.
                let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
                t = lines.next().unwrap_or_default().to_string();
                ps = lines.map(str::to_string).collect();
            }
            let short = ps.iter().take(2).map(|p| cut(p, 160).to_string()).collect();
            (cut(&t, 100).to_string(), short)
        })
        .collect();
    // One article per feed, archive and JSON Lines file, and one pair: a story of two
    // articles costs several times what one does to consolidate, and the whole samples hold
    // several anyway.
    for (i, one) in texts.chunks(1).enumerate() {
        out.extend(built_samples(one, None, &format!(" small {i}")));
        for (t, ps) in one {
            out.push(Sample {
                origin: format!("built small {i}: plain text"),
                ext: "txt".into(),
                bytes: format!("{t}\n\n{}\n", ps.join("\n\n")).into_bytes(),
            });
        }
    }
    if texts.len() > 1 {
        out.extend(built_samples(&texts[..2], None, " small pair"));
    }
    out.retain(|s| !s.bytes.is_empty());
    out
}

/// The first sentences of `text` within `most` bytes (or its first `most` bytes, on a
/// character boundary, when no sentence ends there).
fn cut(text: &str, most: usize) -> &str {
    if text.len() <= most {
        return text;
    }
    let mut end = most;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind(". ") {
        Some(i) if i > 0 => &text[..=i],
        _ => &text[..end],
    }
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
fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8], max: usize) {
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
                .take((chunk.len() * times).min(max))
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
            let n = 1 + rng.below((other.len() - from).min(4096).min(max / 4));
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

/// A mutant of `s` of at most `max` bytes (before compression): 1 to 8 stacked mutations,
/// sometimes of the decompressed content of a gzip sample (recompressed after), sometimes
/// gzipped, sometimes read under another name.
pub fn mutate(rng: &mut Rng, s: &Sample, other: &Sample, max: usize) -> Sample {
    let mut ext = s.ext.clone();
    let inner_gz = ext.ends_with(".gz") && rng.one_in(2);
    let mut data = if inner_gz {
        gunzip(&s.bytes, max).unwrap_or_else(|| s.bytes.clone())
    } else {
        s.bytes.clone()
    };
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        mutate_once(rng, &mut data, &other.bytes, max);
        if data.len() > max {
            data.truncate(max);
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
    /// Read as web pages only too (what `extract` does).
    pub pages: bool,
    /// Digest with the built-in static model too.
    pub model: bool,
    /// Ingest into the store too.
    pub ingest: bool,
}

impl Stages {
    /// Every stage.
    pub const ALL: Stages = Stages {
        pages: true,
        model: true,
        ingest: true,
    };
}

/// The scratch folder of a campaign (removed when dropped) and the store an execution
/// ingests into, started afresh every [`STORE_ROUNDS`] uses.
pub struct Scratch {
    dir: PathBuf,
    rounds: u64,
    generation: u64,
    /// Time spent in each stage by this scratch's executions.
    pub times: Times,
}

/// Time spent per stage: reading (every reader), digest and render without a model, digest
/// and render with the static model, ingest into the store.
#[derive(Clone, Copy, Debug, Default)]
pub struct Times {
    /// Every reader.
    pub read: Duration,
    /// `digest_with` without a model, and every renderer.
    pub digest: Duration,
    /// `digest_with` with the static model, and every renderer.
    pub model: Duration,
    /// Ingest, analysis and check of the store.
    pub ingest: Duration,
}

impl Times {
    fn add(&mut self, o: &Times) {
        self.read += o.read;
        self.digest += o.digest;
        self.model += o.model;
        self.ingest += o.ingest;
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Scratch {
    /// A scratch folder under /dev/shm (else the system temp directory), unique to this
    /// process and call.
    pub fn new() -> std::io::Result<Scratch> {
        static MADE: AtomicU64 = AtomicU64::new(0);
        // In memory when the system has a tmpfs (/dev/shm): a store's syncs cost nothing there.
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!(
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
            times: Times::default(),
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
    let t = Instant::now();
    let bytes = &input.bytes;
    let name = format!("input.{}", input.ext);
    // The readers of bytes, directly.
    let direct = corroborate_read::read_source(&name, bytes);
    std::hint::black_box(&direct);
    // The HTML extractor on any bytes, with a URL and a declared charset (the path reader
    // below gives it neither): every HTML input of even length, and with the web-page pass
    // (every few executions) any input at all.
    let html = matches!(input.ext.as_str(), "html" | "htm" | "xhtml");
    if stages.pages || (html && bytes.len().is_multiple_of(2)) {
        let hints = corroborate_read::Hints {
            url: Some("https://news.example.org/2020/03/03/a.html".into()),
            content_type: Some("text/html; charset=windows-1252".into()),
        };
        let _ = corroborate_read::extract_html(bytes, &hints);
    }
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
    if stages.pages {
        let _ = corroborate_read::gather(&paths, &pages, &mut |_| {});
    }
    let (raws, rejected) =
        corroborate_read::gather(&paths, &corroborate_read::Options::default(), &mut |_| {});
    let _ = std::fs::remove_file(&path);
    scratch.times.read += t.elapsed();

    let t = Instant::now();
    digest_and_render(raws.clone(), rejected.clone(), &Options::default())?;
    scratch.times.digest += t.elapsed();
    if stages.model {
        let t = Instant::now();
        let options = Options {
            embedder: Some(Arc::new(corroborate_embed::Builtin)),
            single_story: true,
            ..Default::default()
        };
        digest_and_render(raws.clone(), rejected, &options)?;
        scratch.times.model += t.elapsed();
    }
    if stages.ingest {
        let t = Instant::now();
        ingest(raws, scratch)?;
        scratch.times.ingest += t.elapsed();
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

/// The last panic's message and location (on any thread), for a panic that reaches a worker
/// from a thread of the library's own.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

thread_local! {
    /// Panics on this thread, and the last one's location and message: a worker tells its own
    /// panics (even one the library catches and swallows) from another worker's.
    static OWN_PANICS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static OWN_LAST: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

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
            let text = format!("{at}\n{msg}");
            OWN_PANICS.with(|n| n.set(n.get() + 1));
            OWN_LAST.with(|l| l.borrow_mut().clone_from(&text));
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = text;
            }
        }))
    });
}

/// Run one input under `catch_unwind`: the failure, if any.
pub fn guarded(input: &Sample, stages: Stages, scratch: &mut Scratch) -> Option<Failure> {
    quiet_panics();
    let before = OWN_PANICS.with(|n| n.get());
    let r = catch_unwind(AssertUnwindSafe(|| execute(input, stages, scratch)));
    let own = OWN_PANICS.with(|n| n.get()) != before;
    if r.is_err() || own {
        scratch.reset();
        let last = if own {
            OWN_LAST.with(|l| l.borrow().clone())
        } else {
            // The panic happened on a thread of the library's, which passed it on.
            LAST_PANIC.lock().map(|l| l.clone()).unwrap_or_default()
        };
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

/// The input of execution `i` of a campaign with `seed`: a function of the two alone (not of
/// which worker runs it, nor of what ran before), so a campaign is the same whatever
/// `--jobs`, and a restart goes on where the last process stopped. Also the format of the
/// sample it came from (what the per-format figures count).
pub fn input_for(seed: u64, i: u64, small: &[Sample], full: &[Sample]) -> (Sample, String) {
    let mut rng = Rng::new(seed ^ i.wrapping_mul(0xd1b5_4a32_d192_ed03));
    rng.next();
    let whole = i % FULL_EVERY == FULL_EVERY - 1 || small.is_empty();
    let (pool, max) = if whole {
        (full, MAX_MUTANT)
    } else {
        (small, MAX_SMALL)
    };
    let s = rng.pick(pool);
    let other = rng.pick(pool);
    // One execution in 32 runs the sample itself, unmutated.
    let input = if rng.one_in(32) {
        s.clone()
    } else {
        mutate(&mut rng, s, other, max)
    };
    (input, s.ext.clone())
}

/// The stages execution `i` goes through besides reading, digest and render.
fn stages_for(i: u64) -> Stages {
    Stages {
        pages: i % PAGES_EVERY == 1,
        model: i % MODEL_EVERY == 3,
        ingest: i % INGEST_EVERY == 5,
    }
}

/// The execution a worker is running, watched by the watchdog: when it started and its input.
type Current = Mutex<Option<(Instant, Arc<Sample>)>>;

/// What the workers of a campaign share.
struct Shared {
    /// The next execution index to claim.
    next: AtomicU64,
    /// Executions finished, crashes, invariant violations (with what earlier processes did).
    execs: AtomicU64,
    crashes: AtomicU64,
    violations: AtomicU64,
    /// Each worker's execution under way.
    current: Vec<Current>,
    /// Each distinct failure, with the file saved for it.
    failures: Mutex<BTreeMap<String, PathBuf>>,
    /// Per format: executions and the time they took; time per stage.
    per_format: Mutex<BTreeMap<String, (u64, Duration)>>,
    times: Mutex<Times>,
    /// Set when the campaign is over (budget, execution count, or a worker could not start).
    done: std::sync::atomic::AtomicBool,
}

/// Run a campaign: `cfg.jobs` workers claim execution indices in turn, a watchdog thread
/// watches them for hangs and prints progress.
pub fn campaign(cfg: &Config) -> Summary {
    let full = samples(cfg.corpus.as_deref());
    let small = small_samples(&full);
    let mut summary = Summary::default();
    if full.is_empty() {
        eprintln!("fuzz: no samples");
        summary.violations = 1;
        return summary;
    }
    let jobs = cfg.jobs.max(1);
    let start = Instant::now();
    let earlier = Duration::from_millis(cfg.carry.millis);
    let shared = Arc::new(Shared {
        next: AtomicU64::new(cfg.carry.next.max(cfg.carry.execs)),
        execs: AtomicU64::new(cfg.carry.execs),
        crashes: AtomicU64::new(cfg.carry.crashes),
        violations: AtomicU64::new(cfg.carry.violations),
        current: (0..jobs).map(|_| Mutex::new(None)).collect(),
        failures: Mutex::new(BTreeMap::new()),
        per_format: Mutex::new(BTreeMap::new()),
        times: Mutex::new(Times::default()),
        done: std::sync::atomic::AtomicBool::new(false),
    });
    let watchdog = {
        let (shared, cfg) = (shared.clone(), cfg.clone());
        std::thread::spawn(move || {
            let mut last_note = Instant::now();
            while !shared.done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(100));
                let stuck = shared.current.iter().find_map(|c| {
                    c.lock().ok().and_then(|c| {
                        c.as_ref()
                            .filter(|(t, _)| t.elapsed() > cfg.hang)
                            .map(|(_, s)| s.clone())
                    })
                });
                if let Some(input) = stuck {
                    on_hang(&cfg, &input, &shared, earlier + start.elapsed());
                }
                if cfg.progress && last_note.elapsed() > Duration::from_secs(30) {
                    last_note = Instant::now();
                    let secs = (earlier + start.elapsed()).as_secs_f64();
                    let execs = shared.execs.load(Ordering::SeqCst);
                    eprintln!(
                        "fuzz: {} executions, {:.0}/s, {} crashes, {} violations",
                        execs,
                        execs as f64 / secs,
                        shared.crashes.load(Ordering::SeqCst),
                        shared.violations.load(Ordering::SeqCst),
                    );
                }
            }
        })
    };
    std::thread::scope(|scope| {
        for w in 0..jobs {
            let (shared, full, small) = (&*shared, &full, &small);
            scope.spawn(move || {
                worker(cfg, w, shared, full, small, || earlier + start.elapsed());
            });
        }
    });
    shared.done.store(true, Ordering::SeqCst);
    let _ = watchdog.join();
    summary.execs = shared.execs.load(Ordering::SeqCst);
    summary.crashes = shared.crashes.load(Ordering::SeqCst);
    summary.violations = shared.violations.load(Ordering::SeqCst);
    summary.hangs = cfg.carry.hangs;
    summary.elapsed = earlier + start.elapsed();
    summary.jobs = jobs;
    summary.failures =
        std::mem::take(&mut *shared.failures.lock().unwrap_or_else(|e| e.into_inner()));
    summary.per_format =
        std::mem::take(&mut *shared.per_format.lock().unwrap_or_else(|e| e.into_inner()));
    summary.times = *shared.times.lock().unwrap_or_else(|e| e.into_inner());
    summary
}

/// One worker: claims the next execution index until the budget or the execution count is
/// spent, runs it, counts and saves what failed.
fn worker(
    cfg: &Config,
    w: usize,
    shared: &Shared,
    full: &[Sample],
    small: &[Sample],
    elapsed: impl Fn() -> Duration,
) {
    let Ok(mut scratch) = Scratch::new() else {
        eprintln!("fuzz: cannot make a temp directory");
        shared.violations.fetch_add(1, Ordering::SeqCst);
        return;
    };
    let mut per_format: HashMap<String, (u64, Duration)> = HashMap::new();
    while !shared.done.load(Ordering::SeqCst) && elapsed() < cfg.budget {
        let i = shared.next.fetch_add(1, Ordering::SeqCst);
        if i >= cfg.max_execs {
            break;
        }
        let (input, format) = input_for(cfg.seed, i, small, full);
        let input = Arc::new(input);
        let t = Instant::now();
        if let Ok(mut c) = shared.current[w].lock() {
            *c = Some((t, input.clone()));
        }
        let failure = guarded(&input, stages_for(i), &mut scratch);
        if let Ok(mut c) = shared.current[w].lock() {
            *c = None;
        }
        let took = t.elapsed();
        let slot = per_format.entry(format).or_default();
        slot.0 += 1;
        slot.1 += took;
        shared.execs.fetch_add(1, Ordering::SeqCst);
        let Some(f) = failure else { continue };
        match f {
            Failure::Panic(_) => shared.crashes.fetch_add(1, Ordering::SeqCst),
            Failure::Invariant(_) | Failure::Hang(_) => {
                shared.violations.fetch_add(1, Ordering::SeqCst)
            }
        };
        let Ok(mut failures) = shared.failures.lock() else {
            continue;
        };
        if let std::collections::btree_map::Entry::Vacant(slot) = failures.entry(f.key()) {
            let path = save(&cfg.crashes, &input);
            let what = match &f {
                Failure::Panic(m) => format!("PANIC {}", m.replace('\n', ": ")),
                Failure::Invariant(m) => format!("INVARIANT {m}"),
                Failure::Hang(t) => format!("HANG over {t:?}"),
            };
            println!(
                "{what}\n  input: execution {i}, {} ({}, {} bytes), saved as {}",
                input.origin,
                input.ext,
                input.bytes.len(),
                path.display()
            );
            slot.insert(path);
        }
    }
    if let Ok(mut all) = shared.per_format.lock() {
        for (format, (n, t)) in per_format {
            let slot = all.entry(format).or_default();
            slot.0 += n;
            slot.1 += t;
        }
    }
    if let Ok(mut times) = shared.times.lock() {
        times.add(&scratch.times);
    }
}

/// An execution is stuck: save its input (the first few times), then either restart the
/// campaign in a fresh process carrying the counts on (from the first execution no worker
/// has claimed yet), or report and end with exit 1. The stuck thread cannot be stopped any
/// other way.
fn on_hang(cfg: &Config, input: &Sample, shared: &Shared, elapsed: Duration) -> ! {
    let carry = Carry {
        execs: shared.execs.load(Ordering::SeqCst) + 1,
        crashes: shared.crashes.load(Ordering::SeqCst),
        hangs: cfg.carry.hangs + 1,
        violations: shared.violations.load(Ordering::SeqCst),
        millis: elapsed.as_millis() as u64,
        next: shared.next.load(Ordering::SeqCst),
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
    if cfg.resume && elapsed < cfg.budget && carry.next < cfg.max_execs {
        use std::os::unix::process::CommandExt;
        let mut args = vec![
            "fuzz".to_string(),
            "--budget".into(),
            cfg.budget.as_secs().to_string(),
            "--seed".into(),
            cfg.seed.to_string(),
            "--jobs".into(),
            cfg.jobs.to_string(),
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
            println!("fuzz: restarting to carry on from execution {}", carry.next);
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
        ..Default::default()
    };
    print_summary(&summary);
    std::process::exit(1)
}

fn print_summary(s: &Summary) {
    let secs = s.elapsed.as_secs_f64().max(1e-9);
    if !s.per_format.is_empty() {
        println!(
            "fuzz: per format of the sample mutated (this process; /s is per worker, {} workers):",
            s.jobs
        );
        for (format, (n, t)) in &s.per_format {
            println!(
                "  {format:<10} {n:>12} executions  {:>8.0}/s  {:>8.3} ms each",
                *n as f64 / t.as_secs_f64().max(1e-9),
                t.as_secs_f64() * 1000.0 / (*n).max(1) as f64
            );
        }
        let t = &s.times;
        println!(
            "fuzz: time per stage (all workers): read {:.1} s, digest and render {:.1} s, \
             with the model {:.1} s, ingest {:.1} s",
            t.read.as_secs_f64(),
            t.digest.as_secs_f64(),
            t.model.as_secs_f64(),
            t.ingest.as_secs_f64()
        );
    }
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
        let _ = tx.send(guarded(&input, Stages::ALL, &mut scratch));
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
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
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
    // `--seed S --write FROM TO DIR`: write the inputs of executions FROM..TO of a campaign
    // with seed S to DIR as `<index>.<format>` (a hang past the saved few is found again so).
    if let [seed_flag, seed, write, from, to, dir] = args {
        if seed_flag == "--seed" && write == "--write" {
            let (Ok(seed), Ok(from), Ok(to)) = (seed.parse(), from.parse(), to.parse()) else {
                eprintln!("usage: cargo xtask fuzz --seed N --write FROM TO DIR");
                return ExitCode::from(2);
            };
            let full = samples(None);
            let small = small_samples(&full);
            let _ = std::fs::create_dir_all(dir);
            for i in from..to {
                let (input, _) = input_for(seed, i, &small, &full);
                let path = Path::new(dir).join(format!("{i}.{}", input.ext));
                if let Err(e) = std::fs::write(&path, &input.bytes) {
                    eprintln!("{}: {e}", path.display());
                    return ExitCode::from(2);
                }
            }
            return ExitCode::SUCCESS;
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
            ("--jobs", _, Some(n)) => cfg.jobs = (n as usize).max(1),
            ("--corpus", Some(v), _) => cfg.corpus = Some(PathBuf::from(v)),
            ("--crashes", Some(v), _) => cfg.crashes = PathBuf::from(v),
            ("--carry", Some(v), _) if Carry::parse(v).is_some() => {
                cfg.carry = Carry::parse(v).unwrap_or_default()
            }
            _ => {
                eprintln!(
                    "usage: cargo xtask fuzz [--budget SECONDS] [--seed N] [--execs N] \
                     [--jobs N] [--corpus DIR] [--crashes DIR] [--hang SECONDS]"
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
    let small = small_samples(&n);
    println!(
        "fuzz: seed {}, budget {} s, {} workers, {} full samples ({}), {} small ones",
        cfg.seed,
        cfg.budget.as_secs(),
        cfg.jobs,
        n.len(),
        listed.join(", "),
        small.len()
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
    // The long run of 2026-11-30 (seed 2026) saved two hangs in claim extraction
    // (`crates/pipeline/src/claims.rs`): one sentence holding thousands of quote marks or
    // clause breaks made `sentence_claims` slow. `claims::clauses` counted each piece's words
    // by tokenizing it again (quadratic in a sentence of 19,193 clause breaks): it now counts
    // them from one tokenization, and quote regions and mentions are searched in logarithmic
    // time; `10e83b57d39ecea8.jsonl` went from about 21.8 s to 0.24 s of CPU (release).
    // Three more hangs of that run, found again from the seed and their execution index
    // (`--seed 2026 --write`, `seed2026-*.html`: about a thousand repeated header lines),
    // were `summary::summarize` computing the stemmed word pairs of a sentence once per
    // unit (one per clause): now once per sentence, each distinct word stemmed once; from
    // 21 s, 51 s and 55 s of CPU (the last two stopped by the 60 s replay limit) down to
    // 0.2-0.5 s (release). All four replay clean now. What is left of the quote-mark one is
    // in `quotes::frame` (below).
    // The three hangs of the 10^7 run of 2026-11-30 (`--seed 2027`, over 30 s of CPU each)
    // were `entities::find_mentions` meeting sentences of thousands of capitalised words:
    // each tagger name scanned every rule mention of its sentence and `chunk_start` searched
    // the sentence's tokens linearly; now the rule mentions are sorted and searched by
    // position. All three replay in under 2 s through every stage (release).
    /// Saved inputs whose failure is still open in library code, with the reason.
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
            // Over 5 s on every stage is still pathological: a whole real sample takes well
            // under a second.
            assert!(
                replay(&p, Duration::from_secs(5)).is_some(),
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
    fn every_format_has_a_small_sample() {
        let s = small_samples(&samples(None));
        for ext in [
            "txt", "jsonl", "html", "rss", "atom", "xml", "warc", "warc.gz", "json", "jsonl.gz",
            "txt.gz", "html.gz",
        ] {
            assert!(
                s.iter().any(|x| x.ext == ext && x.bytes.len() <= MAX_SMALL),
                "no small {ext} sample"
            );
        }
    }

    #[test]
    fn an_execution_is_the_same_whatever_runs_it() {
        let full = samples(None);
        let small = small_samples(&full);
        let a: Vec<Vec<u8>> = (0..300)
            .map(|i| input_for(7, i, &small, &full).0.bytes)
            .collect();
        let b: Vec<Vec<u8>> = (0..300)
            .rev()
            .map(|i| input_for(7, i, &small, &full).0.bytes)
            .collect();
        assert!(a.iter().eq(b.iter().rev()));
        assert_ne!(
            a,
            (0..300)
                .map(|i| input_for(8, i, &small, &full).0.bytes)
                .collect::<Vec<_>>()
        );
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
                    mutate(&mut rng, &a, &b, MAX_MUTANT).bytes
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
            jobs: 2,
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
