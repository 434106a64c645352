//! Input: turns PATH arguments into [`Item`]s: raw articles, rejections and bytes read. The
//! one place that opens files and standard input: paths (files, directories walked in sorted
//! order, `-` for stdin), the format sniffed from the first bytes, gzip, size limits, JSON
//! Lines streamed line by line (bounded memory), and one rejection per unreadable input naming
//! the path and the reason. In: `&[String]`, [`Options`]. Out: [`Item`]s and [`Note`]s, in
//! input order, through callbacks (nothing is collected unless the caller collects it).
//! Never panics on bad input, never aborts the batch for one bad file, never writes to stdout.

use crate::sniff::{self, Format};
use crate::text::{looks_like_jsonl, read_jsonl_line, read_source, stem_of, MAX_ARTICLE_BYTES};
use crate::{charset, feed, newsplease, warc, Hints, Page, MAX_PAGE_BYTES};
use corroborate_model::{RawArticle, Rejection};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

/// Bytes looked at to tell an input's format.
const SNIFF_BYTES: usize = 8192;

/// Largest compressed or uncompressed web file read whole (feeds, pages); WARC streams.
const MAX_WEB_BYTES: usize = 64 * 1024 * 1024;

/// Extensions read from directories (files named explicitly are always read).
const ARTICLE_EXTENSIONS: &[&str] = &[
    "txt", "text", "jsonl", "ndjson", "json", "md", "html", "htm", "xhtml", "gz", "warc", "xml",
    "rss", "atom",
];

/// One thing read while streaming inputs.
pub enum Item {
    /// An article (a text file, a JSONL line, a page, a feed item, a WARC record).
    Article(RawArticle),
    /// An input (or a JSONL line, WARC record, feed) that could not be read.
    Rejected(Rejection),
    /// This many more bytes of input files were consumed (for progress; stdin counts only
    /// JSONL lines).
    Bytes(u64),
}

/// Something to tell the user that is neither an article nor a rejection.
#[derive(Clone, Debug, PartialEq)]
pub enum Note {
    /// A WARC archive held this many records that are not HTML pages; they were skipped.
    Skipped { path: String, records: usize },
    /// Why each text block of an HTML page was kept or left out ([`Options::explain`]).
    Explained { path: String, explanation: String },
    /// A directory held files that are not in an article format (by extension), left unread:
    /// how many of each extension.
    LeftOut {
        path: String,
        by_extension: Vec<(String, usize)>,
    },
}

/// "3 .pdf, 1 .png": what a directory walk left out.
fn left_out_list(by_extension: &[(String, usize)]) -> String {
    by_extension
        .iter()
        .map(|(ext, n)| format!("{n} {ext}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::Skipped { path, records } => {
                write!(f, "{path}: {records} WARC records skipped (not HTML pages)")
            }
            Note::Explained { path, explanation } => write!(f, "{path}:\n{explanation}"),
            Note::LeftOut { path, by_extension } => {
                let n: usize = by_extension.iter().map(|(_, n)| n).sum();
                let files = if n == 1 { "file" } else { "files" };
                write!(
                    f,
                    "{path}: {n} {files} left unread, not in an article format ({})",
                    left_out_list(by_extension)
                )
            }
        }
    }
}

/// Which inputs are read as articles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Accept {
    /// Everything: plain-text articles, JSON Lines (also gzipped) and the web formats
    /// (`digest`, `ingest`).
    #[default]
    Articles,
    /// Web pages only: HTML, WARC, feeds, news-please JSON (pretty or one compact line);
    /// plain text and other JSON Lines are rejected (`extract`).
    Pages,
}

/// How inputs are read.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Which inputs are read as articles.
    pub accept: Accept,
    /// The URL of an HTML page given as a PATH (resolves relative canonical links; dates in
    /// the URL). Pages inside WARC archives and feeds keep their own URLs.
    pub url: Option<String>,
    /// Explain each HTML page given as a PATH ([`Note::Explained`], before its article).
    pub explain: bool,
}

/// Stream every PATH argument into `sink`, one article at a time, reading everything
/// (`Accept::Articles`). Notes (WARC records skipped) are written to standard error as
/// `corroborate: PATH: N WARC records skipped (not HTML pages)`; [`read_paths`] hands them to
/// the caller instead.
pub fn stream(paths: &[String], sink: &mut dyn FnMut(Item)) {
    read_paths(paths, &Options::default(), sink, &mut |note| {
        // Paths come from the input: no control character reaches the terminal.
        let shown: String = note
            .to_string()
            .chars()
            .filter(|c| !c.is_control() || *c == '\n')
            .collect();
        eprintln!("corroborate: {shown}")
    });
}

/// Read every PATH argument into `sink` (articles, rejections, bytes) and `note`, in order:
/// the arguments as given, a directory's files sorted by name, a file's articles as they
/// occur in it.
pub fn read_paths<P: AsRef<Path>>(
    paths: &[P],
    options: &Options,
    sink: &mut dyn FnMut(Item),
    note: &mut dyn FnMut(Note),
) {
    let mut reading = Reading {
        options,
        sink,
        note,
        articles: 0,
    };
    for p in paths {
        let p = p.as_ref();
        if p == Path::new("-") {
            let stdin = std::io::stdin().lock();
            let mut reader = std::io::BufReader::with_capacity(1 << 16, stdin);
            reading.read_one("stdin", &mut reader);
            continue;
        }
        let is_dir = p.is_dir();
        let before = reading.articles;
        let mut files = 0usize;
        let walk = files_of(p);
        for file in walk.files {
            match file {
                Ok(path) => {
                    files += 1;
                    let label = if is_dir { &path } else { p }
                        .to_string_lossy()
                        .into_owned();
                    reading.read_file(&path, &label);
                }
                Err(r) => reading.reject(r),
            }
        }
        if is_dir {
            // Web pages only: say so when there is nothing to read at all; articles: when
            // nothing in the directory was an article. Either way, with what was left unread.
            let unread = if walk.left_out.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} left unread: not in an article format)",
                    left_out_list(&walk.left_out)
                )
            };
            match options.accept {
                Accept::Pages if files == 0 => reading.reject(reject(
                    &p.to_string_lossy(),
                    format!("no readable files in directory{unread}"),
                )),
                Accept::Articles if reading.articles == before => reading.reject(reject(
                    &p.to_string_lossy(),
                    format!("no readable articles in directory{unread}"),
                )),
                _ if !walk.left_out.is_empty() => (reading.note)(Note::LeftOut {
                    path: p.to_string_lossy().into_owned(),
                    by_extension: walk.left_out,
                }),
                _ => {}
            }
        }
    }
}

/// Read every PATH argument into memory: the articles and the rejections, in input order.
/// Notes go to `note`.
pub fn gather<P: AsRef<Path>>(
    paths: &[P],
    options: &Options,
    note: &mut dyn FnMut(Note),
) -> (Vec<RawArticle>, Vec<Rejection>) {
    let mut raws = Vec::new();
    let mut rejected = Vec::new();
    read_paths(
        paths,
        options,
        &mut |item| match item {
            Item::Article(a) => raws.push(a),
            Item::Rejected(r) => rejected.push(r),
            Item::Bytes(_) => {}
        },
        note,
    );
    (raws, rejected)
}

/// Total bytes of the files the PATH arguments name (stdin counts as 0), for progress.
pub fn total_bytes(paths: &[String]) -> u64 {
    paths
        .iter()
        .filter(|p| *p != "-")
        .flat_map(|p| files_of(Path::new(p)).files)
        .flatten()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum()
}

/// The files a PATH argument names: itself, or the article files of a directory (walked once,
/// sorted by name, hidden files and other extensions left out), with a rejection for a path
/// that does not exist and for each part of a directory that cannot be walked, in walk order.
/// What a walk of one PATH found: the files to read (or why not) and, per extension, the files
/// of a directory left out because they are not in an article format.
struct Walk {
    files: Vec<Result<PathBuf, Rejection>>,
    left_out: Vec<(String, usize)>,
}

/// The files reading PATH reads, in the order it reads them: PATH itself when it is a file,
/// else the article-format files under it (sorted by name at every level, hidden files
/// skipped). What cannot be walked or does not exist is left out here (reading PATH rejects
/// it). Lets a caller split the work of one PATH by file and keep the reading order.
pub fn files(p: impl AsRef<Path>) -> Vec<PathBuf> {
    files_of(p.as_ref())
        .files
        .into_iter()
        .filter_map(Result::ok)
        .collect()
}

fn files_of(path: &Path) -> Walk {
    let p = path.to_string_lossy();
    let p = p.as_ref();
    let one = |f| Walk {
        files: vec![f],
        left_out: Vec::new(),
    };
    if !path.exists() {
        return one(Err(reject(p, "no such file or directory")));
    }
    if !path.is_dir() {
        return one(Ok(path.to_path_buf()));
    }
    let mut out = Vec::new();
    let mut left_out: std::collections::BTreeMap<String, usize> = Default::default();
    for entry in walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .follow_links(false)
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(Err(reject(p, format!("cannot walk directory: {e}"))));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        let ext = entry
            .path()
            .extension()
            .map(|x| x.to_string_lossy().to_lowercase());
        if !entry.file_type().is_file() || name.starts_with('.') {
            continue;
        }
        match ext.as_deref() {
            Some(x) if !ARTICLE_EXTENSIONS.contains(&x) => {
                // The extension as shown to a user: short, and free of control characters.
                let shown: String = x.chars().filter(|c| !c.is_control()).take(12).collect();
                *left_out.entry(format!(".{shown}")).or_default() += 1;
            }
            _ => out.push(Ok(entry.into_path())),
        }
    }
    Walk {
        files: out,
        left_out: left_out.into_iter().collect(),
    }
}

fn reject(path: &str, reason: impl Into<String>) -> Rejection {
    Rejection {
        path: path.to_string(),
        reason: reason.into(),
    }
}

/// One read over the inputs: where items and notes go, and how many articles came out.
struct Reading<'a> {
    options: &'a Options,
    sink: &'a mut dyn FnMut(Item),
    note: &'a mut dyn FnMut(Note),
    articles: usize,
}

impl Reading<'_> {
    /// Every article of every format passes here: one limit on an article's text, whatever
    /// it was extracted from (a 16 MB page of text is not an article).
    fn article(&mut self, a: RawArticle) {
        if a.body.len() > MAX_ARTICLE_BYTES {
            let what = format!(
                "article text too large ({:.1} MB, limit {} MB)",
                a.body.len() as f64 / 1_048_576.0,
                MAX_ARTICLE_BYTES >> 20
            );
            return self.reject(reject(&a.path, what));
        }
        self.articles += 1;
        (self.sink)(Item::Article(a));
    }

    fn reject(&mut self, r: Rejection) {
        (self.sink)(Item::Rejected(r));
    }

    fn bytes(&mut self, n: u64) {
        (self.sink)(Item::Bytes(n));
    }

    /// A page, or why it is none, turned into an article: the one place a [`Page`] becomes a
    /// [`RawArticle`].
    fn page(&mut self, label: String, id: String, page: Result<Page, String>) {
        match page {
            Ok(p) => self.article(p.into_raw(id, label)),
            Err(reason) => self.reject(reject(&label, reason)),
        }
    }

    /// Read one file. JSON Lines report their bytes line by line; anything else counts once,
    /// whole.
    fn read_file(&mut self, path: &Path, label: &str) {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => return self.reject(reject(label, format!("cannot read: {e}"))),
        };
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        let counted = self.read_one(label, &mut reader);
        if !counted {
            self.bytes(std::fs::metadata(path).map_or(0, |m| m.len()));
        }
    }

    /// Read one input from a reader, its format sniffed from its first bytes. Returns whether
    /// its bytes were reported as it was read (JSON Lines).
    fn read_one(&mut self, label: &str, reader: &mut dyn BufRead) -> bool {
        // Sniff at least 8 KB (a pipe hands over what was written last, maybe a few bytes),
        // then read on from the start as if nothing had been taken.
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        if let Err(e) = (&mut *reader)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
        {
            self.reject(reject(label, format!("cannot read: {e}")));
            return false;
        }
        let mut whole = std::io::BufReader::with_capacity(
            1 << 16,
            std::io::Cursor::new(head.clone()).chain(reader),
        );
        let reader: &mut dyn BufRead = &mut whole;
        let pages = self.options.accept == Accept::Pages;
        if pages && head.is_empty() {
            self.reject(reject(label, "empty file"));
            return false;
        }
        let format = sniff::sniff(&head, label);
        match format {
            Format::Text | Format::JsonLines if pages => {
                let stem = stem_of(label);
                self.compact_newsplease(
                    label,
                    stem,
                    format,
                    reader,
                    "not a web page, feed, WARC or news-please file",
                );
                false
            }
            Format::Text | Format::JsonLines => {
                let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
                let jsonl = format == Format::JsonLines
                    || looks_like_jsonl(label, &String::from_utf8_lossy(first_line));
                self.read_text(label, reader, jsonl, true)
            }
            _ => {
                let skipped = self.read_web(label, format, reader);
                if skipped > 0 {
                    (self.note)(Note::Skipped {
                        path: label.to_string(),
                        records: skipped,
                    });
                }
                false
            }
        }
    }

    /// For web pages only: a text or JSON Lines input that is one news-please object (as
    /// news-please writes it, on one line) is a page; anything else is rejected with `otherwise`.
    fn compact_newsplease(
        &mut self,
        label: &str,
        id: String,
        format: Format,
        reader: &mut dyn BufRead,
        otherwise: &str,
    ) {
        if format == Format::JsonLines {
            if let Ok(bytes) = whole(reader) {
                if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                    if v.is_object() && newsplease::is_newsplease(&v) {
                        return self.page(label.to_string(), id, newsplease::read(&v));
                    }
                }
            }
        }
        self.reject(reject(label, otherwise));
    }

    /// Read a web-format input (HTML, gzip, WARC, feed, news-please JSON) already sniffed as
    /// `format`. A gzip file holding plain text or JSON Lines is read, decompressing, as text.
    /// Returns the number of WARC records skipped (not HTML).
    fn read_web(&mut self, label: &str, format: Format, reader: &mut dyn BufRead) -> usize {
        let stem = stem_of(label.trim_end_matches(".gz"));
        match format {
            Format::Gzip => return self.read_gzip(label, stem, reader),
            Format::Html => {
                let hints = Hints {
                    url: self.options.url.clone(),
                    content_type: None,
                };
                let page = whole(reader).and_then(|b| {
                    if self.options.explain {
                        let (t, _) = charset::decode(&b, None);
                        (self.note)(Note::Explained {
                            path: label.to_string(),
                            explanation: crate::explain(&t),
                        });
                    }
                    crate::extract_html(&b, &hints)
                });
                self.page(label.to_string(), stem, page.and_then(with_text));
            }
            Format::Feed => match whole(reader).and_then(|b| feed::read_feed(&b)) {
                Ok(pages) if pages.is_empty() => {
                    self.reject(reject(label, "feed has no items with text"))
                }
                Ok(pages) => {
                    for (n, p) in pages.into_iter().enumerate() {
                        self.page(
                            format!("{label}#{}", n + 1),
                            format!("{stem}-{}", n + 1),
                            Ok(p),
                        );
                    }
                }
                Err(e) => self.reject(reject(label, e)),
            },
            Format::Warc => return self.read_warc(label, &stem, reader),
            Format::Json => {
                let page = whole(reader).and_then(|b| {
                    let v: serde_json::Value =
                        serde_json::from_slice(&b).map_err(|e| format!("not valid JSON ({e})"))?;
                    if newsplease::is_newsplease(&v) {
                        newsplease::read(&v)
                    } else {
                        Err(
                            "JSON object is neither a news-please article nor has \"maintext\""
                                .into(),
                        )
                    }
                });
                self.page(label.to_string(), stem, page);
            }
            // Callers hand text formats to `read_text`.
            Format::JsonLines | Format::Text => {}
        }
        0
    }

    /// A gzip file: web pages, WARC and feeds inside are read as such, capped; text and JSON
    /// Lines inside (articles only) are streamed under the name without ".gz".
    fn read_gzip(&mut self, label: &str, stem: String, reader: &mut dyn BufRead) -> usize {
        // Member by member: a corrupt member costs its own records only (WARC, JSON Lines).
        let members = crate::gzip::Members::new(reader);
        let damage = members.damage();
        let skipped = self.read_gzip_members(label, stem, members);
        for (offset, reason) in damage.borrow().iter() {
            self.reject(reject(&format!("{label}@{offset}"), reason.clone()));
        }
        skipped
    }

    fn read_gzip_members(
        &mut self,
        label: &str,
        stem: String,
        members: crate::gzip::Members<&mut dyn BufRead>,
    ) -> usize {
        let mut inner = std::io::BufReader::new(members);
        let head = match inner.fill_buf() {
            Ok(h) => h.to_vec(),
            Err(e) => {
                self.reject(reject(label, format!("corrupt gzip data ({e})")));
                return 0;
            }
        };
        let inner_label = label.trim_end_matches(".gz");
        let inner_format = sniff::sniff(&head, inner_label);
        match inner_format {
            Format::Text | Format::JsonLines if self.options.accept == Accept::Pages => {
                self.compact_newsplease(
                    label,
                    stem,
                    inner_format,
                    &mut inner,
                    "gzipped text or JSON Lines, not web pages (digest and ingest read it)",
                );
                0
            }
            Format::Text | Format::JsonLines => {
                // A gzipped article is named by its file (`a.txt.gz`) in messages; its id
                // drops the `.gz` with the extension (`a`).
                let jsonl = inner_format == Format::JsonLines;
                // Decompressed bytes are not the file's: the file's size is counted once.
                self.read_text(label, &mut inner, jsonl, false);
                0
            }
            Format::Gzip => {
                self.reject(reject(label, "gzip inside gzip is not read"));
                0
            }
            Format::Html | Format::Feed | Format::Json => {
                // Read at most the cap: a gzip bomb stops there.
                let mut bytes = Vec::new();
                let r = (&mut inner)
                    .take(MAX_PAGE_BYTES as u64 + 1)
                    .read_to_end(&mut bytes);
                match r {
                    Err(e) => self.reject(reject(label, format!("corrupt gzip data ({e})"))),
                    Ok(_) if bytes.len() > MAX_PAGE_BYTES => self.reject(reject(
                        label,
                        format!(
                            "decompresses to more than {} MB (gzip bomb?)",
                            MAX_PAGE_BYTES >> 20
                        ),
                    )),
                    Ok(_) => return self.read_web(label, inner_format, &mut &bytes[..]),
                }
                0
            }
            Format::Warc => self.read_web(label, inner_format, &mut inner),
        }
    }

    /// The HTML response records of a WARC stream, each a page (`STEM-N`, `PATH@OFFSET`).
    fn read_warc(&mut self, label: &str, stem: &str, reader: &mut dyn BufRead) -> usize {
        let mut skipped = 0;
        let mut n = 0;
        for entry in warc::WarcReader::new(reader) {
            match entry {
                warc::Entry::Skipped(_) => skipped += 1,
                warc::Entry::Error { offset, reason } => {
                    self.reject(reject(&format!("{label}@{offset}"), reason))
                }
                warc::Entry::Page(wp) => {
                    n += 1;
                    let hints = Hints {
                        url: wp.url.clone(),
                        content_type: wp.content_type.clone(),
                    };
                    let page = crate::extract_html(&wp.body, &hints)
                        .and_then(with_text)
                        .map(|mut p| {
                            if p.date.is_none() {
                                p.date = wp.capture_date.clone();
                            }
                            p
                        });
                    self.page(
                        format!("{label}@{}", wp.offset),
                        format!("{stem}-{n}"),
                        page,
                    );
                }
            }
        }
        skipped
    }

    /// A JSON Lines stream line by line, or a plain-text article whole (bounded). `count`:
    /// report JSONL bytes as read. Returns whether any bytes were reported.
    fn read_text(
        &mut self,
        label: &str,
        reader: &mut dyn BufRead,
        jsonl: bool,
        count: bool,
    ) -> bool {
        if jsonl {
            return self.stream_jsonl(label, reader, count);
        }
        // A text file is one article: reading stops one byte past the article limit, so a huge
        // file (or endless stdin) costs no more memory than one article.
        let mut bytes = Vec::new();
        let cap = MAX_ARTICLE_BYTES as u64;
        match reader.take(cap + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > cap => self.reject(reject(
                label,
                format!(
                    "too large for an article (over {} MB, the limit; read no further)",
                    MAX_ARTICLE_BYTES >> 20
                ),
            )),
            Ok(_) => {
                for r in read_source(label, &bytes) {
                    match r {
                        Ok(a) => self.article(a),
                        Err(e) => self.reject(e),
                    }
                }
            }
            Err(e) => self.reject(reject(label, format!("cannot read: {e}"))),
        }
        false
    }

    /// JSON Lines one article at a time (bounded memory: an overlong line is skipped, not
    /// held). Returns whether any bytes were reported.
    fn stream_jsonl(&mut self, label: &str, mut reader: &mut dyn BufRead, count: bool) -> bool {
        let mut any = false;
        let mut counted = false;
        let mut lineno = 0;
        let mut buf = Vec::new();
        // Read at most one article's worth past the limit, so a huge line cannot exhaust memory.
        let limit = (MAX_ARTICLE_BYTES + 2) as u64;
        loop {
            buf.clear();
            let n = match (&mut reader).take(limit).read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    self.reject(reject(label, format!("cannot read: {e}")));
                    break;
                }
            };
            lineno += 1;
            if count {
                self.bytes(n as u64);
                counted = true;
            }
            let here = format!("{label}:{lineno}");
            if !buf.ends_with(b"\n") && n as u64 == limit {
                // Skip the rest of an overlong line without holding it.
                let skipped = skip_line(reader).unwrap_or(0);
                if count {
                    self.bytes(skipped);
                }
                self.reject(reject(
                    &here,
                    format!("line too large (limit {MAX_ARTICLE_BYTES} bytes)"),
                ));
                continue;
            }
            let line = match std::str::from_utf8(&buf) {
                Ok(l) => l.trim_end_matches(['\n', '\r']),
                Err(e) => {
                    self.reject(reject(
                        &here,
                        format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                    ));
                    continue;
                }
            };
            match read_jsonl_line(label, lineno, line) {
                Some(Ok(a)) => {
                    any = true;
                    self.article(a);
                }
                Some(Err(r)) => self.reject(r),
                None => {}
            }
        }
        if !any && lineno > 0 {
            self.reject(reject(label, "no articles in JSONL file"));
        }
        counted
    }
}

/// Consume the rest of a line (through its newline) without keeping it; returns the bytes
/// skipped.
fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<u64> {
    let mut skipped = 0u64;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(skipped);
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(skipped + i as u64 + 1);
            }
            None => {
                let n = buf.len();
                reader.consume(n);
                skipped += n as u64;
            }
        }
    }
}

/// A web file read whole, at most [`MAX_WEB_BYTES`].
fn whole(reader: &mut dyn BufRead) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_WEB_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() > MAX_WEB_BYTES {
        return Err(format!("too large (over {} MB)", MAX_WEB_BYTES >> 20));
    }
    Ok(bytes)
}

/// A page with no main text is no article.
fn with_text(p: Page) -> Result<Page, String> {
    if p.text.trim().is_empty() {
        Err("no article text found in the page".to_string())
    } else {
        Ok(p)
    }
}
