//! Input: turns the PATH arguments into raw articles and rejections. The only place that
//! reads files: paths (files, directories read recursively in sorted order, `-` for stdin),
//! size limits, and one rejection per unreadable input naming the path and the reason.

use corroborate_read::{sniff, Format, Hints, Page};
use corroborate_model::{RawArticle, Rejection};
use corroborate_pipeline::read::read_source;
use std::io::{BufRead, Read};
use std::path::Path;

/// Largest input file read at all (JSONL piles may be large; articles are capped later).
const MAX_FILE_BYTES: u64 = 1 << 30;

/// Extensions read from directories (files named explicitly are always read).
const ARTICLE_EXTENSIONS: &[&str] = &[
    "txt", "text", "jsonl", "ndjson", "json", "md", "html", "htm", "xhtml", "gz", "warc", "xml",
    "rss", "atom",
];

/// Largest compressed or uncompressed web file read whole (feeds, pages); WARC streams.
const MAX_WEB_BYTES: usize = 64 * 1024 * 1024;

/// A web page or feed item read from an input, with the label to name it by.
pub struct WebItem {
    /// `PATH`, `PATH#N` (the Nth item of a feed or WARC) for messages and ids.
    pub label: String,
    /// The id the article gets.
    pub id: String,
    /// The page, or why it could not be read.
    pub page: Result<Page, String>,
}

/// Read a web-format input (HTML, gzip, WARC, feed, news-please JSON) already sniffed as
/// `format`, calling `sink` for every page found. A gzip file that holds plain text or JSON
/// Lines is handed, decompressing, to `gzipped_text` with its inner format. Returns the
/// number of WARC records skipped (not HTML), or `None` when the input is not a web format.
pub fn read_web(
    label: &str,
    format: Format,
    reader: &mut dyn std::io::BufRead,
    sink: &mut dyn FnMut(WebItem),
    gzipped_text: &mut dyn FnMut(&mut dyn std::io::BufRead, Format),
) -> Option<usize> {
    let stem = corroborate_pipeline::read::stem_of(label.trim_end_matches(".gz"));
    let whole = |reader: &mut dyn std::io::BufRead| -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        reader
            .take(MAX_WEB_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read: {e}"))?;
        if bytes.len() > MAX_WEB_BYTES {
            return Err(format!("too large (over {} MB)", MAX_WEB_BYTES >> 20));
        }
        Ok(bytes)
    };
    match format {
        Format::Gzip => {
            let mut inner = std::io::BufReader::new(flate2::bufread::MultiGzDecoder::new(reader));
            let head = match inner.fill_buf() {
                Ok(h) => h.to_vec(),
                Err(e) => {
                    sink(WebItem {
                        label: label.to_string(),
                        id: stem,
                        page: Err(format!("corrupt gzip data ({e})")),
                    });
                    return Some(0);
                }
            };
            let inner_format = sniff::sniff(&head, label.trim_end_matches(".gz"));
            if matches!(inner_format, Format::Text | Format::JsonLines) {
                gzipped_text(&mut inner, inner_format);
                return Some(0);
            }
            if inner_format == Format::Gzip {
                sink(WebItem {
                    label: label.to_string(),
                    id: stem,
                    page: Err("gzip inside gzip is not read".into()),
                });
                return Some(0);
            }
            if matches!(inner_format, Format::Html | Format::Feed | Format::Json) {
                // Read at most the cap: a gzip bomb stops there.
                let mut bytes = Vec::new();
                let r = (&mut inner)
                    .take(corroborate_read::MAX_PAGE_BYTES as u64 + 1)
                    .read_to_end(&mut bytes);
                let page_err = match r {
                    Err(e) => Some(format!("corrupt gzip data ({e})")),
                    Ok(_) if bytes.len() > corroborate_read::MAX_PAGE_BYTES => Some(format!(
                        "decompresses to more than {} MB (gzip bomb?)",
                        corroborate_read::MAX_PAGE_BYTES >> 20
                    )),
                    Ok(_) => None,
                };
                if let Some(e) = page_err {
                    sink(WebItem {
                        label: label.to_string(),
                        id: stem,
                        page: Err(e),
                    });
                    return Some(0);
                }
                return read_web(label, inner_format, &mut &bytes[..], sink, gzipped_text);
            }
            read_web(label, inner_format, &mut inner, sink, gzipped_text).or_else(|| {
                sink(WebItem {
                    label: label.to_string(),
                    id: stem,
                    page: Err("gzip file holds neither web pages, WARC nor feeds".into()),
                });
                Some(0)
            })
        }
        Format::Html => {
            let page = whole(reader)
                .and_then(|b| corroborate_read::extract_html(&b, &Hints::default()));
            let page = page.and_then(|p| {
                if p.text.trim().is_empty() {
                    Err("no article text found in the page".to_string())
                } else {
                    Ok(p)
                }
            });
            sink(WebItem {
                label: label.to_string(),
                id: stem,
                page,
            });
            Some(0)
        }
        Format::Feed => {
            match whole(reader).and_then(|b| corroborate_read::feed::read_feed(&b)) {
                Ok(pages) if pages.is_empty() => sink(WebItem {
                    label: label.to_string(),
                    id: stem,
                    page: Err("feed has no items with text".into()),
                }),
                Ok(pages) => {
                    for (n, p) in pages.into_iter().enumerate() {
                        sink(WebItem {
                            label: format!("{label}#{}", n + 1),
                            id: format!("{stem}-{}", n + 1),
                            page: Ok(p),
                        });
                    }
                }
                Err(e) => sink(WebItem {
                    label: label.to_string(),
                    id: stem,
                    page: Err(e),
                }),
            }
            Some(0)
        }
        Format::Warc => {
            let mut skipped = 0;
            let mut n = 0;
            for entry in corroborate_read::warc::WarcReader::new(reader) {
                match entry {
                    corroborate_read::warc::Entry::Skipped(_) => skipped += 1,
                    corroborate_read::warc::Entry::Error { offset, reason } => sink(WebItem {
                        label: format!("{label}@{offset}"),
                        id: stem.clone(),
                        page: Err(reason),
                    }),
                    corroborate_read::warc::Entry::Page(wp) => {
                        n += 1;
                        let hints = Hints {
                            url: wp.url.clone(),
                            content_type: wp.content_type.clone(),
                        };
                        let page = corroborate_read::extract_html(&wp.body, &hints).and_then(
                            |mut p| {
                                if p.text.trim().is_empty() {
                                    return Err("no article text found in the page".to_string());
                                }
                                if p.date.is_none() {
                                    p.date = wp.capture_date.clone();
                                }
                                Ok(p)
                            },
                        );
                        sink(WebItem {
                            label: format!("{label}@{}", wp.offset),
                            id: format!("{stem}-{n}"),
                            page,
                        });
                    }
                }
            }
            Some(skipped)
        }
        Format::Json => {
            let page = whole(reader).and_then(|b| {
                let v: serde_json::Value =
                    serde_json::from_slice(&b).map_err(|e| format!("not valid JSON ({e})"))?;
                if corroborate_read::newsplease::is_newsplease(&v) {
                    corroborate_read::newsplease::read(&v)
                } else {
                    Err("JSON object is neither a news-please article nor has \"maintext\"".into())
                }
            });
            sink(WebItem {
                label: label.to_string(),
                id: stem,
                page,
            });
            Some(0)
        }
        Format::JsonLines | Format::Text => None,
    }
}

fn web_to_items(item: WebItem, sink: &mut dyn FnMut(Item)) -> bool {
    match item.page {
        Ok(p) => {
            sink(Item::Article(p.into_raw(item.id, item.label)));
            true
        }
        Err(reason) => {
            sink(Item::Rejected(reject(&item.label, reason)));
            false
        }
    }
}

fn reject(path: &str, reason: impl Into<String>) -> Rejection {
    Rejection {
        path: path.to_string(),
        reason: reason.into(),
    }
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
    // JSON Lines report their bytes line by line; anything else counts once, whole.
    let mut counted = false;
    let any = stream_reader(label, &mut reader, &mut |item| {
        counted |= matches!(item, Item::Bytes(_));
        sink(item)
    });
    if !counted {
        sink(Item::Bytes(
            std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        ));
    }
    any
}

/// Read one input from a reader, its format sniffed from its first bytes: web formats
/// (HTML, gzip, WARC, feeds, news-please JSON), JSON Lines (streamed, also gzipped) or a
/// plain-text article (also gzipped).
fn stream_reader(label: &str, reader: &mut dyn BufRead, sink: &mut dyn FnMut(Item)) -> bool {
    let head = match reader.fill_buf() {
        Ok(b) => b.to_vec(),
        Err(e) => {
            sink(Item::Rejected(reject(label, format!("cannot read: {e}"))));
            return false;
        }
    };
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first_line = String::from_utf8_lossy(first_line).to_string();
    let format = sniff::sniff(&head, label);
    if format != Format::Text && format != Format::JsonLines {
        // Both callbacks feed the one sink; pages stream through it as they are read.
        let shared = std::cell::RefCell::new((false, &mut *sink));
        let inner_label = label.strip_suffix(".gz").unwrap_or(label).to_string();
        let mut text = |inner: &mut dyn BufRead, f: Format| {
            let mut s = shared.borrow_mut();
            // A gzipped article keeps its name without ".gz" for its id and messages.
            // Decompressed bytes are not the file's: the file's size is counted once.
            let got = read_text(&inner_label, inner, f == Format::JsonLines, &mut |it| {
                if !matches!(it, Item::Bytes(_)) {
                    (s.1)(it)
                }
            });
            s.0 |= got;
        };
        let mut page = |item: WebItem| {
            let mut s = shared.borrow_mut();
            let got = web_to_items(item, &mut *s.1);
            s.0 |= got;
        };
        let skipped = read_web(label, format, reader, &mut page, &mut text);
        let any = shared.borrow().0;
        if let Some(n) = skipped.filter(|n| *n > 0) {
            eprintln!("corroborate: {label}: {n} WARC records skipped (not HTML pages)");
        }
        if skipped.is_some() {
            return any;
        }
    }
    let is_jsonl = corroborate_pipeline::read::looks_like_jsonl(label, &first_line);
    read_text(label, reader, is_jsonl, sink)
}

/// Read a JSON Lines stream line by line, or a plain-text article whole (bounded).
fn read_text(
    label: &str,
    reader: &mut dyn BufRead,
    jsonl: bool,
    sink: &mut dyn FnMut(Item),
) -> bool {
    if jsonl {
        return stream_jsonl(label, reader, sink);
    }
    let mut bytes = Vec::new();
    match reader.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > MAX_FILE_BYTES => {
            sink(Item::Rejected(reject(
                label,
                format!("too large (over {} MB)", MAX_FILE_BYTES >> 20),
            )));
            false
        }
        Ok(_) => {
            let mut any = false;
            for r in read_source(label, &bytes) {
                sink(match r {
                    Ok(a) => {
                        any = true;
                        Item::Article(a)
                    }
                    Err(e) => Item::Rejected(e),
                });
            }
            any
        }
        Err(e) => {
            sink(Item::Rejected(reject(label, format!("cannot read: {e}"))));
            false
        }
    }
}

/// The files a PATH argument names: itself, or the article files of a directory in sorted
/// order. Errors are reported through `reject_sink`.
pub fn files_of(p: &str, reject_sink: &mut dyn FnMut(Rejection)) -> Vec<std::path::PathBuf> {
    let path = Path::new(p);
    if !path.exists() {
        reject_sink(reject(p, "no such file or directory"));
        return Vec::new();
    }
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .follow_links(false)
    {
        match entry {
            Ok(e) => {
                let name = e.file_name().to_string_lossy();
                let ext = e
                    .path()
                    .extension()
                    .map(|x| x.to_string_lossy().to_lowercase());
                if e.file_type().is_file()
                    && !name.starts_with('.')
                    && ext
                        .as_deref()
                        .is_none_or(|x| ARTICLE_EXTENSIONS.contains(&x))
                {
                    out.push(e.path().to_path_buf());
                }
            }
            Err(e) => reject_sink(reject(p, format!("cannot walk directory: {e}"))),
        }
    }
    if out.is_empty() {
        reject_sink(reject(p, "no readable files in directory"));
    }
    out
}

/// Stream every PATH argument into `sink`, one article at a time.
pub fn stream(paths: &[String], sink: &mut dyn FnMut(Item)) {
    for p in paths {
        if p == "-" {
            let stdin = std::io::stdin().lock();
            let mut reader = std::io::BufReader::with_capacity(1 << 16, stdin);
            stream_reader("stdin", &mut reader, sink);
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
