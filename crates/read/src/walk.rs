//! Walk: one pass over the parsed page that flattens it into what extraction needs: the
//! block-level elements (tag, parent, class/id hints) and the text blocks they own (text,
//! link share), plus the metadata tags (`<title>`, `<meta>`, `<link rel=canonical>`, `<time>`,
//! `itemprop`, `<html lang>`). In: `scraper::Html`. Out: [`Walked`].
//!
//! The walk is iterative (no recursion), so 100,000 nested tags cost time, not stack;
//! elements deeper than [`MAX_DEPTH`] are folded into their ancestor at that depth so that
//! ancestor chains stay short. It never panics on any tree html5ever builds.

use aho_corasick::AhoCorasick;
use scraper::Node;
use std::sync::LazyLock;

/// Elements deeper than this are treated as part of their ancestor at this depth.
pub const MAX_DEPTH: usize = 200;

/// Element flags.
pub mod flag {
    /// A structural boilerplate element: nav, aside, footer, header, form, menu.
    pub const BAD_TAG: u16 = 1 << 1;
    /// Its class or id names boilerplate (share, related, newsletter, ...).
    pub const BAD_CLASS: u16 = 1 << 2;
    /// Its class or id names comments: dropped even when large.
    pub const COMMENTS: u16 = 1 << 3;
    /// Its class, id or itemprop names the article body.
    pub const GOOD: u16 = 1 << 4;
    /// An `<article>` or `<main>` element, or role=main/article.
    pub const ARTICLE: u16 = 1 << 5;
    /// A caption or credit (figcaption, class caption/credit).
    pub const CAPTION: u16 = 1 << 6;
    /// A byline or dateline container (class/id byline, author, date, meta).
    pub const BYLINE: u16 = 1 << 7;
    /// A heading element (h1-h6).
    pub const HEADING: u16 = 1 << 8;
    /// A list item.
    pub const ITEM: u16 = 1 << 9;
    /// Hidden by the `hidden` attribute or an inline style.
    pub const HIDDEN: u16 = 1 << 10;
    /// A table cell (td, th).
    pub const CELL: u16 = 1 << 11;
    /// A `<header>` (also flagged [`BAD_TAG`]: a page's header is boilerplate, but an
    /// article's header holds its date and byline).
    pub const HEADER: u16 = 1 << 12;
    /// A `<form>` (also [`BAD_TAG`]; some sites wrap the whole page in one).
    pub const FORM: u16 = 1 << 13;
}

/// One block-level element.
#[derive(Clone, Debug)]
pub struct El {
    /// Index of the parent element (the root is its own parent, index 0).
    pub parent: u32,
    /// Flags from [`flag`].
    pub flags: u16,
}

/// One run of text owned by a block-level element.
#[derive(Clone, Debug)]
pub struct Block {
    /// The element that owns the text.
    pub el: u32,
    /// The text, whitespace collapsed; `<br>` kept as a newline.
    pub text: String,
    /// Characters of text.
    pub chars: u32,
    /// Characters inside links.
    pub link_chars: u32,
}

/// A `<time>` element or an element with a date `itemprop`.
#[derive(Clone, Debug)]
pub struct TimeTag {
    /// Its `datetime` (or `content`) attribute, else its text.
    pub value: String,
    /// The element it stands in (its nearest block-level ancestor).
    pub el: u32,
    /// True when marked as the publication date (itemprop datePublished, pubdate, class
    /// published/pubdate).
    pub published: bool,
    /// True when marked as a modification date.
    pub modified: bool,
}

/// What one walk over a page collects.
#[derive(Default, Debug)]
pub struct Walked {
    /// Block-level elements in document order; index 0 is the document.
    pub els: Vec<El>,
    /// Text blocks in document order.
    pub blocks: Vec<Block>,
    /// `<meta>` tags as (lower-case name, property or itemprop, content).
    pub meta: Vec<(String, String)>,
    /// The text of `<title>`.
    pub title: Option<String>,
    /// `<link rel=canonical>`.
    pub canonical: Option<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
    /// Dates marked up in the page.
    pub times: Vec<TimeTag>,
    /// Texts of `rel=author` links and itemprop=author elements.
    pub author_marks: Vec<(u32, String)>,
    /// Text of elements whose class names a byline (first few).
    pub bylines: Vec<String>,
}

impl Walked {
    /// The text of every block not inside a hidden element, blocks joined by a blank line.
    pub fn visible_text(&self) -> String {
        let mut hidden = vec![false; self.els.len()];
        for (i, e) in self.els.iter().enumerate() {
            hidden[i] = e.flags & flag::HIDDEN != 0
                || i > 0 && hidden.get(e.parent as usize).copied().unwrap_or(false);
        }
        self.blocks
            .iter()
            .filter(|b| !hidden.get(b.el as usize).copied().unwrap_or(false))
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

/// Inline elements: their text belongs to the enclosing block.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "big"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "ins"
            | "kbd"
            | "mark"
            | "nobr"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
            | "label"
            | "img"
            | "picture"
            | "source"
            | "ruby"
            | "rb"
    )
}

/// Elements whose subtree is never article text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "select"
            | "option"
            | "button"
            | "input"
            | "textarea"
            | "canvas"
            | "video"
            | "audio"
            | "object"
            | "embed"
            | "map"
            | "dialog"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            // Ruby annotations (furigana) are readings, not the text.
            | "rt"
            | "rp"
    )
}

static BAD: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "share",
        "social",
        "related",
        "newsletter",
        "subscri",
        "promo",
        "advert",
        "sponsor",
        "cookie",
        "consent",
        "banner",
        "popup",
        "modal",
        "sidebar",
        "breadcrumb",
        "pagination",
        "footer",
        "navbar",
        "nav-",
        "-nav",
        "_nav",
        "nav_",
        "menu",
        "recommend",
        "popular",
        "trending",
        "outbrain",
        "taboola",
        "signup",
        "sign-up",
        "tag-list",
        "toolbar",
        "masthead",
        "sr-only",
        "visually-hidden",
        "screen-reader",
        "skip-link",
        "ad-slot",
        "ad-container",
        "ad-wrapper",
        "adslot",
        "adunit",
        "ad-unit",
        "dfp",
        "more-from",
        "read-more",
        "readmore",
        "also-read",
        "see-also",
        "next-post",
        "next-prev",
        "prev-next",
        "nextprev",
        "prevnext",
        "prev-post",
        "post-nav",
        "donat",
        "support-us",
        "login",
        "follow",
        "rating",
        "survey",
        "zergnet",
        "author-bio",
        "about-author",
        "author-box",
        "bio-box",
        "most-read",
        "mostread",
        "rail",
        "teaser",
        "carousel",
        "slideshow",
        "gallery",
        "print",
        "topics",
        "keywords",
        "disclaimer",
        "copyright",
        "inline-link",
        "further",
        "table-of-contents",
        "breaking",
        "ticker",
        "marquee",
    ])
    .expect("static patterns")
});

static GOOD: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "article-body",
        "articlebody",
        "article__body",
        "article_body",
        "story-body",
        "storybody",
        "story__body",
        "entry-content",
        "post-content",
        "post-body",
        "postbody",
        "article-content",
        "articlecontent",
        "article__content",
        "story-content",
        "content-body",
        "body-text",
        "bodytext",
        "article-text",
        "articletext",
        "post-entry",
        "rich-text",
        "richtext",
        "main-text",
        "entry-body",
        "article-main",
        "story-text",
        "text-body",
        "field-body",
        "body-copy",
        "page-content",
        "single-content",
        "paywall",
    ])
    .expect("static patterns")
});

static BYLINE: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "byline",
        "author",
        "dateline",
        "timestamp",
        "date",
        "meta",
        "posted",
        "published",
    ])
    .expect("static patterns")
});

/// Whether a class token describes the page or the element's state rather than what the
/// element is: WordPress-style taxonomy (`tag-sports`, `category-news`), template and state
/// markers (`has-sidebar`, `with-nav`, `no-ads`, `page-template-...`). Such tokens name
/// boilerplate words without the element being boilerplate.
fn descriptive(tok: &str) -> bool {
    const PREFIXES: [&str; 12] = [
        "tag-",
        "tags-",
        "category-",
        "categories-",
        "has",
        "with-",
        "no-",
        "without-",
        "page-template",
        "template-",
        "format-",
        "single-",
    ];
    PREFIXES.iter().any(|p| tok.starts_with(p))
}

/// Flags from an element's class and id.
fn class_flags(hint: &str) -> u16 {
    let mut f = 0;
    let mut bad = false;
    for tok in hint.split(|c: char| c.is_whitespace()) {
        if tok.is_empty() || descriptive(tok) {
            continue;
        }
        if matches!(
            tok,
            "ad" | "ads"
                | "advert"
                | "hidden"
                | "hide"
                | "nav"
                | "share"
                | "comments"
                | "caption"
                | "toc"
        ) || tok.starts_with("ad-")
            || tok.starts_with("ads-")
            || tok.ends_with("-ad") && !tok.ends_with("--ad")
            || tok.ends_with("-ads") && !tok.ends_with("--ads")
            || tok.ends_with("_ad")
            || tok
                .split(['-', '_'])
                .any(|part| part == "tags" || part == "tagcloud")
            || tok == "cta"
            || tok.starts_with("cta-")
            || tok.starts_with("cta_")
            || tok.contains("-cta")
            || tok.contains("_cta")
            || BAD.is_match(tok)
        {
            bad = true;
        }
        if tok.contains("comment") || tok.contains("disqus") || tok.contains("respond") {
            f |= flag::COMMENTS | flag::BAD_CLASS;
        }
    }
    if GOOD.is_match(hint) && f & flag::COMMENTS == 0 {
        return f | flag::GOOD;
    }
    if bad {
        f |= flag::BAD_CLASS;
    }
    if hint.contains("caption") || hint.contains("credit") {
        f |= flag::CAPTION;
    }
    if BYLINE.is_match(hint) {
        f |= flag::BYLINE;
    }
    f
}

fn tag_flags(name: &str) -> u16 {
    match name {
        "header" => flag::BAD_TAG | flag::HEADER,
        "form" => flag::BAD_TAG | flag::FORM,
        "nav" | "aside" | "footer" | "menu" => flag::BAD_TAG,
        "article" | "main" => flag::ARTICLE,
        "figcaption" => flag::CAPTION,
        "li" | "dt" | "dd" => flag::ITEM,
        "td" | "th" => flag::CELL,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => flag::HEADING,
        _ => 0,
    }
}

/// The attributes the walk reads, gathered in one pass (scraper's `attr` interns its
/// argument on every call, which costs more than reading them all).
#[derive(Default)]
struct Attrs<'a> {
    class: Option<&'a str>,
    id: Option<&'a str>,
    role: Option<&'a str>,
    itemprop: Option<&'a str>,
    rel: Option<&'a str>,
    datetime: Option<&'a str>,
    content: Option<&'a str>,
    style: Option<&'a str>,
    lang: Option<&'a str>,
    hidden: bool,
    aria_hidden: bool,
    pubdate: bool,
}

impl<'a> Attrs<'a> {
    fn of(el: &'a scraper::node::Element) -> Self {
        let mut a = Attrs::default();
        for (k, v) in el.attrs() {
            match k {
                "class" => a.class = Some(v),
                "id" => a.id = Some(v),
                "role" => a.role = Some(v),
                "itemprop" => a.itemprop = Some(v),
                "rel" => a.rel = Some(v),
                "datetime" => a.datetime = Some(v),
                "content" => a.content = Some(v),
                "style" => a.style = Some(v),
                "lang" | "xml:lang" => a.lang = Some(v),
                "hidden" => a.hidden = true,
                "aria-hidden" => a.aria_hidden = v.trim() == "true",
                "pubdate" => a.pubdate = true,
                _ => {}
            }
        }
        a
    }
}

fn is_hidden(a: &Attrs) -> bool {
    if a.hidden {
        return true;
    }
    // `prune` turns a hiding inline style into `hidden`; a page parsed without it keeps it.
    a.style.is_some_and(|style| {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Text being gathered for the current block.
#[derive(Default)]
struct Buffer {
    text: String,
    chars: u32,
    link_chars: u32,
    pending_space: bool,
}

impl Buffer {
    fn push(&mut self, s: &str, in_link: bool) {
        if s.starts_with(char::is_whitespace) && !self.text.is_empty() {
            self.pending_space = true;
        }
        for (i, word) in s.split_whitespace().enumerate() {
            if (i > 0 || self.pending_space) && !self.text.is_empty() && !self.text.ends_with('\n')
            {
                self.text.push(' ');
            }
            self.pending_space = false;
            let n = if word.is_ascii() {
                self.text.push_str(word);
                word.len()
            } else {
                // Soft hyphens, zero-width spaces and joiners are invisible: a reader sees
                // "Mittelalter" where the page has "Mit\u{ad}tel\u{ad}al\u{ad}ter".
                let mut n = 0;
                for c in word.chars() {
                    if !matches!(
                        c,
                        '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
                    ) {
                        self.text.push(c);
                        n += 1;
                    }
                }
                n
            } as u32;
            self.chars += n;
            if in_link {
                self.link_chars += n;
            }
        }
        if s.ends_with(char::is_whitespace) && !self.text.is_empty() {
            self.pending_space = true;
        }
    }
    fn newline(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.pending_space = false;
    }
    fn take(&mut self, el: u32) -> Option<Block> {
        let text = std::mem::take(&mut self.text);
        let chars = std::mem::replace(&mut self.chars, 0);
        let link_chars = std::mem::replace(&mut self.link_chars, 0);
        self.pending_space = false;
        let t = text.trim_end();
        if chars == 0 {
            return None;
        }
        Some(Block {
            el,
            text: t.to_string(),
            chars,
            link_chars,
        })
    }
}

enum Frame {
    /// A block-level element, with its index.
    Block(u32),
    /// An inline element; `link` when it is an `<a>`, `mark` when it opened a capture.
    Inline { link: bool, capture: bool },
    /// An element whose subtree is skipped.
    Skip,
    /// `<title>`.
    Title,
}

/// Walk a parsed page.
pub fn walk(doc: &scraper::Html) -> Walked {
    let mut w = Walked {
        els: vec![El {
            parent: 0,
            flags: 0,
        }],
        ..Walked::default()
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut owners: Vec<u32> = vec![0];
    let mut buf = Buffer::default();
    let mut skip_depth = 0usize;
    let mut link_depth = 0usize;
    let mut title = String::new();
    let mut in_title = false;
    let mut capture: Option<(String, bool)> = None; // (text, is_author) for author/byline marks
    let mut capture_depth = 0usize;
    let mut mark: Option<String> = None; // text of an author mark inside a captured byline
                                         // The block element that opened `mark`, if a block did.
    let mut mark_block: Option<u32> = None;
    // Per element: whether it is or lies in an <article>/<main> (index 0, the document, not).
    let mut in_article_of: Vec<bool> = vec![false; w.els.len()];
    for edge in doc.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if skip_depth > 0 {
                        stack.push(Frame::Skip);
                        skip_depth += 1;
                        continue;
                    }
                    match name {
                        "meta" => {
                            collect_meta(el, &mut w);
                            stack.push(Frame::Skip);
                            skip_depth += 1;
                            continue;
                        }
                        "link" => {
                            let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
                            if rel.split_whitespace().any(|r| r == "canonical")
                                && w.canonical.is_none()
                            {
                                w.canonical = el.attr("href").map(|h| h.trim().to_string());
                            }
                            stack.push(Frame::Skip);
                            skip_depth += 1;
                            continue;
                        }
                        "title" if w.title.is_none() && !in_title => {
                            in_title = true;
                            stack.push(Frame::Title);
                            continue;
                        }
                        _ => {}
                    }
                    // In captured bylines, element boundaries separate words: styled
                    // spans put "Health" and "DECEMBER 22" side by side with no space.
                    if let Some((c, _)) = capture.as_mut() {
                        c.push(' ');
                    }
                    if let Some(c) = mark.as_mut() {
                        // Blocks inside a mark are separate lines: "Jane Doe" / "Staff Writer".
                        c.push(if is_inline(name) { ' ' } else { '\n' });
                    }
                    let attrs = Attrs::of(el);
                    if name == "html" {
                        if let Some(l) = attrs.lang {
                            w.lang = Some(l.trim().to_string());
                        }
                    }
                    let owner = *owners.last().unwrap_or(&0);
                    collect_marks(name, &attrs, owner, &mut w);
                    let hidden = is_hidden(&attrs);
                    if name != "head" && (is_skipped(name) || hidden && is_inline(name)) {
                        stack.push(Frame::Skip);
                        skip_depth += 1;
                        continue;
                    }
                    if name == "head" {
                        // Its <title>, <meta> and <link> children are read above.
                        stack.push(Frame::Inline {
                            link: false,
                            capture: false,
                        });
                        continue;
                    }
                    let author_mark = is_author_mark(&attrs, is_inline(name));
                    if name == "br" {
                        buf.newline();
                        stack.push(Frame::Inline {
                            link: false,
                            capture: false,
                        });
                        continue;
                    }
                    if is_inline(name) {
                        let link = name == "a";
                        if link {
                            link_depth += 1;
                        }
                        // An inline author mark has its own slot: it may sit inside a
                        // byline block that is being captured too.
                        let cap = author_mark && mark.is_none();
                        if cap {
                            mark = Some(String::new());
                        }
                        stack.push(Frame::Inline { link, capture: cap });
                        continue;
                    }
                    if let Some(b) = buf.take(owner) {
                        w.blocks.push(b);
                    }
                    let depth = owners.len();
                    if depth > MAX_DEPTH {
                        stack.push(Frame::Inline {
                            link: false,
                            capture: false,
                        });
                        continue;
                    }
                    let mut flags = tag_flags(name);
                    let mut hint = String::new();
                    if let Some(c) = attrs.class {
                        hint.push_str(c);
                    }
                    // A heading's id is an anchor for in-page links ("nav_the_vote"), not a
                    // name for what the heading is.
                    if let Some(i) = attrs.id.filter(|_| flags & flag::HEADING == 0) {
                        hint.push(' ');
                        hint.push_str(i);
                    }
                    // The body's and root's classes describe the page template, not boilerplate.
                    if !hint.is_empty() && name != "body" && name != "html" {
                        hint.make_ascii_lowercase();
                        flags |= class_flags(&hint);
                    }
                    if let Some(r) = attrs.role {
                        match r {
                            "navigation" | "complementary" | "contentinfo" | "banner" | "menu"
                            | "search" => flags |= flag::BAD_TAG,
                            "main" | "article" => flags |= flag::ARTICLE,
                            _ => {}
                        }
                    }
                    if attrs.aria_hidden {
                        flags |= flag::BAD_CLASS;
                    }
                    if hidden {
                        // Walked, not skipped: a hidden block is usually a menu or a dialog,
                        // but streaming renderers (React's `<div hidden id="S:0">`) park the
                        // whole page in one until a script moves it. Content decides.
                        flags |= flag::HIDDEN;
                    }
                    if let Some(p) = attrs.itemprop {
                        if p.eq_ignore_ascii_case("articleBody") || p == "text" {
                            flags = flags & !flag::BAD_CLASS | flag::GOOD;
                        }
                    }
                    if (flags & flag::BYLINE != 0 && w.bylines.len() < 8 || author_mark)
                        && capture.is_none()
                    {
                        capture = Some((String::new(), author_mark));
                        capture_depth = 0;
                    } else if author_mark && mark.is_none() {
                        // An author-name block inside a byline being captured: its own slot.
                        mark = Some(String::new());
                        mark_block = Some(w.els.len() as u32);
                    }
                    // An article's own <header> holds its headline, standfirst and byline.
                    let in_article = flags & flag::ARTICLE != 0
                        || in_article_of.get(owner as usize).copied().unwrap_or(false);
                    if flags & flag::HEADER != 0 && in_article {
                        flags &= !flag::BAD_TAG;
                    }
                    let idx = w.els.len() as u32;
                    w.els.push(El {
                        parent: owner,
                        flags,
                    });
                    in_article_of.push(in_article);
                    owners.push(idx);
                    stack.push(Frame::Block(idx));
                    if capture.is_some() {
                        capture_depth += 1;
                    }
                }
                Node::Text(t) => {
                    if skip_depth > 0 {
                        continue;
                    }
                    if in_title {
                        title.push_str(t);
                        continue;
                    }
                    buf.push(t, link_depth > 0);
                    if let Some((c, _)) = capture.as_mut() {
                        if c.len() < 400 {
                            c.push_str(t);
                        }
                    }
                    if let Some(c) = mark.as_mut() {
                        if c.len() < 200 {
                            c.push_str(t);
                        }
                    }
                }
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if !matches!(node.value(), Node::Element(_)) {
                    continue;
                }
                match stack.pop() {
                    Some(Frame::Skip) => skip_depth = skip_depth.saturating_sub(1),
                    Some(Frame::Title) => {
                        in_title = false;
                        let t = collapse(&title);
                        if !t.is_empty() {
                            w.title = Some(t);
                        }
                    }
                    Some(Frame::Inline { link, capture: cap }) => {
                        if link {
                            link_depth = link_depth.saturating_sub(1);
                        }
                        if cap {
                            if let Some(text) = mark.take() {
                                let t = collapse_lines(&text);
                                if !t.is_empty() {
                                    w.author_marks.push((*owners.last().unwrap_or(&0), t));
                                }
                            }
                        }
                    }
                    Some(Frame::Block(idx)) => {
                        if let Some(b) = buf.take(idx) {
                            w.blocks.push(b);
                        }
                        owners.pop();
                        if mark_block == Some(idx) {
                            mark_block = None;
                            if let Some(text) = mark.take() {
                                let t = collapse_lines(&text);
                                if !t.is_empty() {
                                    w.author_marks.push((idx, t));
                                }
                            }
                        }
                        if capture.is_some() {
                            capture_depth = capture_depth.saturating_sub(1);
                            if capture_depth == 0 {
                                if let Some((text, is_author)) = capture.take() {
                                    let t = collapse(&text);
                                    if !t.is_empty() {
                                        if is_author {
                                            w.author_marks.push((idx, t));
                                        } else {
                                            w.bylines.push(t);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    None => {}
                }
            }
        }
    }
    let owner = *owners.last().unwrap_or(&0);
    if let Some(b) = buf.take(owner) {
        w.blocks.push(b);
    }
    w
}

/// [`collapse`] each line, keeping the lines apart.
pub(crate) fn collapse_lines(s: &str) -> String {
    s.lines()
        .map(collapse)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collapse whitespace runs to one space and trim.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether an element holds an author's name: `rel=author`, `itemprop=author`, a class naming
/// the name ("author-name", "authorName", "byline__name", not a bio), or, for an inline
/// element, a class that is just "author".
fn is_author_mark(a: &Attrs, inline: bool) -> bool {
    a.rel.is_some_and(|r| {
        r.split_whitespace()
            .any(|r| r.eq_ignore_ascii_case("author"))
    }) || a.itemprop.is_some_and(|p| p.eq_ignore_ascii_case("author"))
        || a.class.is_some_and(|c| {
            inline
                && c.split_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("author"))
                || {
                    let c = c.to_ascii_lowercase();
                    (c.contains("author") || c.contains("byline")) && c.contains("name")
                }
        })
}

fn collect_meta(el: &scraper::node::Element, w: &mut Walked) {
    let Some(content) = el.attr("content") else {
        return;
    };
    let content = content.trim();
    if content.is_empty() {
        return;
    }
    for key in [
        el.attr("name"),
        el.attr("property"),
        el.attr("itemprop"),
        el.attr("http-equiv"),
    ]
    .into_iter()
    .flatten()
    {
        let k = key.trim().to_ascii_lowercase();
        if !k.is_empty() && w.meta.len() < 400 {
            w.meta.push((k, content.to_string()));
        }
    }
}

/// Dates in `<time>` and date `itemprop`s, and author `itemprop`s.
fn collect_marks(name: &str, a: &Attrs, owner: u32, w: &mut Walked) {
    if w.times.len() >= 32 || name != "time" && a.itemprop.is_none() {
        return;
    }
    let prop = a.itemprop.unwrap_or("").to_ascii_lowercase();
    let is_date_prop = matches!(
        prop.as_str(),
        "datepublished" | "datecreated" | "datemodified" | "uploaddate"
    );
    if name != "time" && !is_date_prop {
        return;
    }
    let value = a
        .datetime
        .or(a.content)
        .map(str::to_string)
        .unwrap_or_default();
    let hint =
        format!("{} {} {}", a.class.unwrap_or(""), a.id.unwrap_or(""), prop).to_ascii_lowercase();
    let published = prop == "datepublished"
        || prop == "datecreated"
        || a.pubdate
        || hint.contains("publish")
        || hint.contains("pubdate")
        || hint.contains("posted");
    let modified = prop == "datemodified" || hint.contains("modif") || hint.contains("updat");
    w.times.push(TimeTag {
        value,
        el: owner,
        published,
        modified,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(html: &str) -> Vec<(String, u32, u32)> {
        let doc = scraper::Html::parse_document(html);
        walk(&doc)
            .blocks
            .into_iter()
            .map(|b| (b.text, b.chars, b.link_chars))
            .collect()
    }

    #[test]
    fn blocks_follow_block_elements() {
        assert_eq!(
            blocks("<div>One <b>two</b><p>Three <a href=x>four</a></p>five<br>six</div>"),
            vec![
                ("One two".to_string(), 6, 0),
                ("Three four".to_string(), 9, 4),
                ("five\nsix".to_string(), 7, 0),
            ]
        );
    }

    #[test]
    fn skipped_subtrees_give_no_text_and_hidden_blocks_are_marked() {
        let html = "<p>a</p><button>Click</button><div style='display: none'>b</div><p hidden>c</p><select><option>d</select><p>e <span hidden>f</span></p>";
        assert_eq!(
            blocks(html),
            vec![
                ("a".to_string(), 1, 0),
                ("b".to_string(), 1, 0),
                ("c".to_string(), 1, 0),
                ("e".to_string(), 1, 0)
            ]
        );
        let doc = scraper::Html::parse_document(html);
        let w = walk(&doc);
        let hidden: Vec<bool> = w
            .blocks
            .iter()
            .map(|b| w.els[b.el as usize].flags & flag::HIDDEN != 0)
            .collect();
        assert_eq!(hidden, vec![false, true, true, false]);
        assert_eq!(w.visible_text(), "a\n\ne");
    }

    #[test]
    fn ruby_readings_and_invisible_characters_are_not_text() {
        assert_eq!(
            blocks("<p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>体罰<rp>(</rp><rt>たいばつ</rt><rp>)</rp></ruby>を</p><p>Mit\u{ad}tel\u{ad}al\u{ad}ter\u{200b}</p>"),
            vec![
                ("子どもへの体罰を".to_string(), 8, 0),
                ("Mittelalter".to_string(), 11, 0)
            ]
        );
    }

    #[test]
    fn metadata_tags_are_collected() {
        let doc = scraper::Html::parse_document(
            "<html lang=en-GB><head><title> A  title </title><meta property='og:site_name' content='Paper'><link rel=canonical href='https://x.org/a'></head><body><time datetime='2020-01-02' pubdate>2 Jan</time><a rel=author href=/a>Jane Doe</a></body></html>",
        );
        let w = walk(&doc);
        assert_eq!(w.title.as_deref(), Some("A title"));
        assert_eq!(w.lang.as_deref(), Some("en-GB"));
        assert_eq!(w.canonical.as_deref(), Some("https://x.org/a"));
        assert_eq!(
            w.meta,
            vec![("og:site_name".to_string(), "Paper".to_string())]
        );
        assert_eq!(w.times[0].value, "2020-01-02");
        assert!(w.times[0].published);
        assert_eq!(w.author_marks.len(), 1);
        assert_eq!(w.author_marks[0].1, "Jane Doe");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let html = format!(
            "{}deep{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let doc = scraper::Html::parse_document(&crate::prune::prune(&html).html);
        let w = walk(&doc);
        assert!(w.els.len() <= MAX_DEPTH + 2);
        assert_eq!(w.blocks.len(), 1);
    }
}
