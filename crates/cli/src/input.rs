//! Input: turns the PATH arguments into raw articles and rejections. The only place that
//! reads files: paths (files, directories read recursively in sorted order, `-` for stdin),
//! size limits, and one rejection per unreadable input naming the path and the reason.

use corroborate_model::{RawArticle, Rejection};
use corroborate_pipeline::read::read_source;
use std::io::{BufRead, Read};
use std::path::Path;

/// Largest input file read at all (JSONL piles may be large; articles are capped later).
const MAX_FILE_BYTES: u64 = 1 << 30;

/// Extensions read from directories (files named explicitly are always read).
const ARTICLE_EXTENSIONS: &[&str] = &["txt", "text", "jsonl", "ndjson", "json", "md"];

fn reject(path: &str, reason: impl Into<String>) -> Rejection {
    Rejection {
        path: path.to_string(),
        reason: reason.into(),
    }
}

fn read_file(
    path: &Path,
    label: &str,
    raws: &mut Vec<RawArticle>,
    rejected: &mut Vec<Rejection>,
) -> bool {
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => {
            rejected.push(reject(label, format!("cannot read: {e}")));
            return false;
        }
    };
    if len > MAX_FILE_BYTES {
        rejected.push(reject(label, format!("too large ({} MB)", len >> 20)));
        return false;
    }
    match std::fs::read(path) {
        Ok(bytes) => take(read_source(label, &bytes), raws, rejected),
        Err(e) => {
            rejected.push(reject(label, format!("cannot read: {e}")));
            false
        }
    }
}

fn take(
    results: Vec<Result<RawArticle, Rejection>>,
    raws: &mut Vec<RawArticle>,
    rejected: &mut Vec<Rejection>,
) -> bool {
    let mut any = false;
    for r in results {
        match r {
            Ok(a) => {
                any = true;
                raws.push(a)
            }
            Err(e) => rejected.push(e),
        }
    }
    any
}

/// Read every PATH argument (all of it in memory, for `digest`).
pub fn gather(paths: &[String]) -> (Vec<RawArticle>, Vec<Rejection>) {
    let mut raws = Vec::new();
    let mut rejected = Vec::new();
    stream(paths, &mut |item| match item {
        Item::Article(a) => raws.push(a),
        Item::Rejected(r) => rejected.push(r),
        Item::Bytes(_) => {}
    });
    (raws, rejected)
}

/// One thing read while streaming inputs.
pub enum Item {
    /// An article.
    Article(RawArticle),
    /// An input (or a JSONL line) that could not be read.
    Rejected(Rejection),
    /// This many more bytes of input were consumed.
    Bytes(u64),
}

/// Total bytes of the files the PATH arguments name (stdin counts as 0), for progress.
pub fn total_bytes(paths: &[String]) -> u64 {
    let mut total = 0;
    for p in paths {
        let path = Path::new(p);
        if path.is_dir() {
            for e in walkdir::WalkDir::new(path).into_iter().flatten() {
                if e.file_type().is_file() {
                    total += e.metadata().map(|m| m.len()).unwrap_or(0);
                }
            }
        } else if let Ok(m) = std::fs::metadata(path) {
            total += m.len();
        }
    }
    total
}

/// Read a stream line by line as JSON Lines, one article at a time (bounded memory).
fn stream_jsonl(label: &str, reader: impl BufRead, sink: &mut dyn FnMut(Item)) -> bool {
    let mut any = false;
    let mut lineno = 0;
    let mut buf = Vec::new();
    let mut reader = reader;
    loop {
        buf.clear();
        // Read at most one article's worth past the limit, so a huge line cannot exhaust memory.
        let limit = (corroborate_pipeline::read::MAX_ARTICLE_BYTES + 2) as u64;
        let n = match (&mut reader).take(limit).read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                sink(Item::Rejected(reject(label, format!("cannot read: {e}"))));
                break;
            }
        };
        lineno += 1;
        sink(Item::Bytes(n as u64));
        if !buf.ends_with(b"\n") && n as u64 == limit {
            // Skip the rest of an overlong line.
            let mut skipped = Vec::new();
            let _ = reader.read_until(b'\n', &mut skipped);
            sink(Item::Bytes(skipped.len() as u64));
            sink(Item::Rejected(reject(
                &format!("{label}:{lineno}"),
                format!(
                    "line too large (limit {} bytes)",
                    corroborate_pipeline::read::MAX_ARTICLE_BYTES
                ),
            )));
            continue;
        }
        let line = match std::str::from_utf8(&buf) {
            Ok(l) => l.trim_end_matches(['\n', '\r']),
            Err(e) => {
                sink(Item::Rejected(reject(
                    &format!("{label}:{lineno}"),
                    format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                )));
                continue;
            }
        };
        match corroborate_pipeline::read::read_jsonl_line(label, lineno, line) {
            Some(Ok(a)) => {
                any = true;
                sink(Item::Article(a))
            }
            Some(Err(r)) => sink(Item::Rejected(r)),
            None => {}
        }
    }
    if !any && lineno > 0 {
        sink(Item::Rejected(reject(label, "no articles in JSONL file")));
    }
    any
}

/// Read one file: JSON Lines are streamed, anything else is read whole.
fn stream_file(path: &Path, label: &str, sink: &mut dyn FnMut(Item)) -> bool {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            sink(Item::Rejected(reject(label, format!("cannot read: {e}"))));
            return false;
        }
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let head = match std::io::BufRead::fill_buf(&mut reader) {
        Ok(b) => b,
        Err(e) => {
            sink(Item::Rejected(reject(label, format!("cannot read: {e}"))));
            return false;
        }
    };
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first_line = String::from_utf8_lossy(first_line);
    if corroborate_pipeline::read::looks_like_jsonl(label, &first_line) {
        return stream_jsonl(label, reader, sink);
    }
    let mut raws = Vec::new();
    let mut rejected = Vec::new();
    let ok = read_file(path, label, &mut raws, &mut rejected);
    sink(Item::Bytes(
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
    ));
    for r in rejected {
        sink(Item::Rejected(r));
    }
    for a in raws {
        sink(Item::Article(a));
    }
    ok
}

/// Stream every PATH argument into `sink`, one article at a time.
pub fn stream(paths: &[String], sink: &mut dyn FnMut(Item)) {
    for p in paths {
        if p == "-" {
            let stdin = std::io::stdin().lock();
            let mut reader = std::io::BufReader::with_capacity(1 << 16, stdin);
            let head = std::io::BufRead::fill_buf(&mut reader)
                .map(|h| h.to_vec())
                .unwrap_or_default();
            let first = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
            if corroborate_pipeline::read::looks_like_jsonl(
                "stdin",
                &String::from_utf8_lossy(first),
            ) {
                stream_jsonl("stdin", reader, sink);
            } else {
                let mut bytes = Vec::new();
                match reader.take(MAX_FILE_BYTES).read_to_end(&mut bytes) {
                    Ok(_) => {
                        for r in read_source("stdin", &bytes) {
                            sink(match r {
                                Ok(a) => Item::Article(a),
                                Err(e) => Item::Rejected(e),
                            });
                        }
                    }
                    Err(e) => sink(Item::Rejected(reject(
                        "-",
                        format!("cannot read standard input: {e}"),
                    ))),
                }
            }
            continue;
        }
        let path = Path::new(p);
        if !path.exists() {
            sink(Item::Rejected(reject(p, "no such file or directory")));
            continue;
        }
        if !path.is_dir() {
            stream_file(path, p, sink);
            continue;
        }
        let mut found = false;
        for entry in walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .follow_links(false)
        {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    sink(Item::Rejected(reject(
                        p,
                        format!("cannot walk directory: {e}"),
                    )));
                    continue;
                }
            };
            let name = entry.file_name().to_string_lossy();
            if !entry.file_type().is_file() || name.starts_with('.') {
                continue;
            }
            let ext = entry
                .path()
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase());
            if ext
                .as_deref()
                .is_some_and(|e| !ARTICLE_EXTENSIONS.contains(&e))
            {
                continue;
            }
            let label = entry.path().to_string_lossy().to_string();
            found |= stream_file(entry.path(), &label, sink);
        }
        if !found {
            sink(Item::Rejected(reject(
                p,
                "no readable articles in directory",
            )));
        }
    }
}
