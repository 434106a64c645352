//! corroborate-extract reads the web: HTML pages (main text and metadata), WARC archives,
//! RSS/Atom feeds and news-please JSON, and turns them into [`RawArticle`]s for the pipeline.
//!
//! | module | in | out |
//! |---|---|---|
//! | `charset` | bytes, transport charset | text |
//! | `prune` | page text | page without scripts, styles, comments; JSON-LD |
//! | `walk` | parsed page | block elements, text blocks, metadata tags |
//! | `content` | walked page | main-text paragraphs |
//! | `meta` | walked page, JSON-LD | title, authors, date, outlet, language, URL |
//! | `feed` | RSS/Atom bytes | one [`Page`] per item |
//! | `warc` | a WARC stream | response records |
//! | `sniff` | first bytes, file name | [`Format`] |
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
//! ```
//!
//! Boundary: no file or network IO; WARC and gzip readers work over any `Read` the caller
//! opens. Invariant: every function here returns an error value for bad input, never panics,
//! and bounds its time and memory (page size cap, decompression cap, walk depth cap).

pub mod charset;
mod content;
pub mod date;
pub mod feed;
mod meta;
pub mod newsplease;
mod prune;
pub mod sniff;
mod walk;
pub mod warc;

pub use meta::Meta;
pub use sniff::Format;

use corroborate_model::RawArticle;

/// The largest HTML page extracted, in bytes (after decompression).
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// One extracted page.
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
    if sniff::looks_binary(bytes) {
        return Err("binary data, not HTML".to_string());
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
    pub fn into_raw(self, id: String, path: String) -> RawArticle {
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
