//! corroborate-read reads every input corroborate takes: plain-text articles, JSON Lines,
//! HTML pages (main text and metadata), WARC archives, RSS/Atom feeds and news-please JSON,
//! gzipped or not, from files, directories or standard input, and turns them into
//! [`RawArticle`]s for the pipeline, or [`Rejection`](corroborate_model::Rejection)s that name the path and the reason.
//!
//! The entry points: [`read_paths`] (and [`stream`], [`gather`]) read PATH arguments and hand
//! out [`Item`]s one at a time; [`read_source`] reads the bytes of one text input;
//! [`extract_html`] extracts one page into a [`Page`], the HTML extraction result, which
//! becomes a `RawArticle` in one place (`input.rs`).
//!
//! | module | in | out |
//! |---|---|---|
//! | `input` | PATH arguments, [`Options`] | [`Item`]s (articles, rejections, bytes), [`Note`]s |
//! | `sniff` | first bytes, file name | [`Format`] |
//! | `text` | a text file's bytes, or one JSONL line | `RawArticle` / `Rejection` |
//! | `charset` | bytes, transport charset | text |
//! | `prune` | page text | page without scripts, styles, comments; JSON-LD |
//! | `walk` | parsed page | block elements, text blocks, metadata tags |
//! | `content` | walked page | main-text paragraphs |
//! | `meta` | walked page, JSON-LD | title, authors, date, outlet, language, URL |
//! | `feed` | RSS/Atom bytes | one [`Page`] per item |
//! | `newsplease` | a news-please JSON object | a [`Page`] |
//! | `warc` | a WARC stream | response records |
//!
//! ```
//! let page = corroborate_read::extract_html(
//!     b"<html><head><title>Vote passes | Paper</title></head><body><nav><a href=/>Home</a></nav>
//!       <article><h1>Vote passes</h1><p>The council voted on Tuesday to approve the budget, which
//!       raises spending on schools by four per cent.</p></article></body></html>",
//!     &Default::default(),
//! ).unwrap();
//! assert_eq!(page.title.as_deref(), Some("Vote passes"));
//! assert!(page.text.starts_with("The council voted"));
//!
//! let raw = corroborate_read::read_source("a.txt", b"Headline\n\nThe council voted.");
//! assert_eq!(raw[0].as_ref().unwrap().id, "a");
//! ```
//!
//! Boundary: the only crate that opens input files and standard input (`input.rs`); everything
//! else here works on bytes or any `Read`. No network, no stdout; notes go to the caller (only
//! [`stream`] writes them to stderr). Invariant: bad input is a `Rejection` naming the path,
//! never a panic or an aborted batch; time and memory are bounded (file, line, page and
//! decompression caps, walk depth cap, JSON Lines streamed).

pub mod charset;
mod content;
pub mod feed;
mod gzip;
mod input;
mod meta;
pub mod newsplease;
mod prune;
pub mod sniff;
mod text;
mod walk;
pub mod warc;

pub use input::{files, gather, read_paths, stream, total_bytes, Accept, Item, Note, Options};
pub use meta::Meta;
pub use sniff::Format;
pub use text::{looks_like_jsonl, read_jsonl_line, read_source, stem_of, MAX_ARTICLE_BYTES};

use corroborate_model::RawArticle;

/// The largest HTML page extracted, in bytes (after decompression).
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// One extracted page: the result of HTML, feed-item and news-please extraction. Readers of
/// inputs never see it: `input.rs` turns it into a [`RawArticle`] (`Page::into_raw`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The headline.
    pub title: Option<String>,
    /// The main text: paragraphs joined by a blank line.
    pub text: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Outlet or site name.
    pub outlet: Option<String>,
    /// Language code.
    pub language: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// True when the text is only a summary (a feed item without full content).
    pub summary_only: bool,
}

/// What the caller knows about a page before reading it.
#[derive(Clone, Debug, Default)]
pub struct Hints {
    /// The page's URL (from `--url`, a WARC record or a feed item).
    pub url: Option<String>,
    /// The HTTP `Content-Type` header, for its charset.
    pub content_type: Option<String>,
}

/// Extract the main text and metadata of one HTML page.
///
/// Errors (as a reason string): the page is too large, is binary data, or holds no text.
pub fn extract_html(bytes: &[u8], hints: &Hints) -> Result<Page, String> {
    if bytes.len() > MAX_PAGE_BYTES {
        return Err(format!(
            "page too large ({:.1} MB, limit {} MB)",
            bytes.len() as f64 / 1_048_576.0,
            MAX_PAGE_BYTES >> 20
        ));
    }
    if sniff::is_not_text(bytes) {
        return Err(sniff::binary_reason(bytes, "HTML"));
    }
    let declared = hints
        .content_type
        .as_deref()
        .and_then(charset::header_charset);
    let (text, _) = charset::decode(bytes, declared);
    Ok(extract_text(&text, hints))
}

/// Extract from a page already decoded to text.
pub fn extract_text(html: &str, hints: &Hints) -> Page {
    let pruned = prune::prune(html);
    let doc = scraper::Html::parse_document(&pruned.html);
    let walked = walk::walk(&doc);
    drop(doc);
    let pre_title = walked.title.clone();
    let meta0 = meta::metadata(&walked, &pruned, html, hints.url.as_deref(), "");
    let title_for_trim = meta0.title.as_deref().or(pre_title.as_deref());
    let paragraphs = content::main_text(&walked, title_for_trim);
    let text = paragraphs.join("\n\n");
    let language = meta0
        .language
        .clone()
        .or_else(|| meta::detect_language(&text));
    Page {
        title: meta0.title,
        text,
        date: meta0.date,
        authors: meta0.authors,
        outlet: meta0.outlet,
        language,
        url: meta0.url,
        summary_only: false,
    }
}

impl Page {
    /// The page as an article for the pipeline. `id` and `path` come from the caller.
    pub(crate) fn into_raw(self, id: String, path: String) -> RawArticle {
        RawArticle {
            id,
            path,
            title: self.title,
            date: self.date,
            outlet: self.outlet,
            url: self.url,
            body: self.text,
            body_has_headline: false,
            authors: self.authors,
            language: self.language,
            summary_only: self.summary_only,
        }
    }
}

/// All the text of an HTML fragment (a feed item's content), paragraphs joined by a blank
/// line: no main-text selection, scripts and hidden elements still dropped.
pub fn all_text(html: &str) -> String {
    let pruned = prune::prune(html);
    let doc = scraper::Html::parse_document(&pruned.html);
    walk::walk(&doc).visible_text()
}

/// Why each text block of a page was kept or left out (for `corroborate extract --explain`).
pub fn explain(html: &str) -> String {
    let pruned = prune::prune(html);
    let doc = scraper::Html::parse_document(&pruned.html);
    let walked = walk::walk(&doc);
    let m = meta::metadata(&walked, &pruned, html, None, "");
    let mut out = String::new();
    content::main_text_explained(&walked, m.title.as_deref(), Some(&mut out));
    out
}
