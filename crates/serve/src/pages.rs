//! Pages: the HTML of every page of the web app, as strings, from the views of `views.rs`.
//! Pure functions: no IO, no store. Every piece of text that came from an article, a file
//! name or a request goes through [`esc`] (the render crate's escaping: `& < > " '`, control,
//! bidi and zero-width characters removed) and every URL path piece through [`encode`]; an
//! article's own URL becomes a link only when it is http or https ([`safe_url`]), with
//! `rel="noopener noreferrer"`. Never emits inline script or inline style (the CSP forbids
//! both); the only script is `/static/app.js`.

use crate::views::{Added, ArticleView, EntityView, Listing, OutletView, StoryView};
use corroborate_model::{Article, Story};
use corroborate_store::outlet_name;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Escape text for HTML content and quoted attributes.
pub fn esc(s: &str) -> String {
    corroborate_render::html::escape(s)
}

/// Percent-encode a string for a URL path segment or query value (everything but
/// unreserved characters).
pub fn encode(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

/// The URL when it is an http(s) URL without spaces or control characters; else `None`
/// (`javascript:`, `data:` and anything odd never become links).
pub fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !u.chars().any(|c| c.is_whitespace() || c.is_control());
    (web && clean && u.len() > 8).then_some(u)
}

fn story_href(id: &str) -> String {
    format!("/stories/{}", encode(id))
}

fn article_href(id: &str) -> String {
    format!("/articles/{}", encode(id))
}

fn outlet_href(name: &str) -> String {
    format!("/outlets/{}", encode(name))
}

fn entity_href(name: &str) -> String {
    format!("/entities/{}", encode(name))
}

fn dates(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a == b => esc(a),
        (Some(a), Some(b)) => format!("{} – {}", esc(a), esc(b)),
        (Some(a), None) | (None, Some(a)) => esc(a),
        _ => "undated".into(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The page frame: head with the stylesheet and script, navigation, `main`.
pub fn layout(title: &str, page: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · corroborate</title>\
         <link rel=\"stylesheet\" href=\"/static/app.css\">\
         <script src=\"/static/app.js\" defer></script></head>\
         <body data-page=\"{page}\"><a class=\"skip\" href=\"#main\">Skip to content</a>\
         <header class=\"top\"><nav aria-label=\"Site\"><a href=\"/\" class=\"brand\">corroborate</a> \
         <a href=\"/\">Stories</a> <a href=\"/add\">Add articles</a></nav></header>\
         <main id=\"main\">{body}</main></body></html>\n",
        esc(title)
    )
}

/// An error page.
pub fn error(status: u16, message: &str) -> String {
    layout(
        "Error",
        "error",
        &format!(
            "<h1>{status}</h1><p id=\"error\" data-testid=\"error\">{}</p><p><a href=\"/\">All stories</a></p>",
            esc(message)
        ),
    )
}

fn input(o: &mut String, name: &str, label: &str, kind: &str, value: &Option<String>) {
    let _ = write!(
        o,
        "<div class=\"field\"><label for=\"f-{name}\">{label}</label><input id=\"f-{name}\" name=\"{name}\" type=\"{kind}\" value=\"{}\"></div>",
        esc(value.as_deref().unwrap_or(""))
    );
}

/// A search snippet escaped, its matched words in `<mark>`.
fn marked(snippet: &str) -> String {
    esc(snippet)
        .replace(corroborate_store::HIT_START, "<mark>")
        .replace(corroborate_store::HIT_END, "</mark>")
}

/// A search snippet as plain text.
pub fn unmarked(snippet: &str) -> String {
    snippet
        .chars()
        .filter(|&c| c != corroborate_store::HIT_START && c != corroborate_store::HIT_END)
        .collect()
}

/// The story index: search form, stories, pages.
pub fn index(l: &Listing) -> String {
    let q = &l.query;
    let mut o = String::new();
    let _ = write!(o, "<h1>Stories</h1>");
    let _ = write!(
        o,
        "<form id=\"search\" class=\"search\" method=\"get\" action=\"/\" role=\"search\">"
    );
    input(&mut o, "q", "Search articles", "search", &q.q);
    input(&mut o, "from", "From", "date", &q.from);
    input(&mut o, "to", "To", "date", &q.to);
    input(&mut o, "outlet", "Outlet", "text", &q.outlet);
    input(&mut o, "entity", "Entity", "text", &q.entity);
    let _ = write!(o, "<button type=\"submit\">Search</button></form>");
    for n in &l.notices {
        let _ = write!(o, "<p class=\"notice\" role=\"status\">{}</p>", esc(n));
    }
    let filtered = [&q.q, &q.from, &q.to, &q.outlet, &q.entity]
        .iter()
        .any(|v| v.is_some());
    if filtered {
        let _ = write!(o, "<p><a href=\"/\">Clear the search</a></p>");
    }
    let _ = write!(
        o,
        "<ol id=\"stories\" class=\"stories\" data-testid=\"stories\" data-generation=\"{}\" start=\"{}\">",
        l.generation,
        (q.page_number() - 1) * crate::views::PAGE_SIZE + 1
    );
    for s in &l.stories {
        let r = &s.row;
        let pending = if r.analysed.is_some() {
            ""
        } else {
            " <span class=\"badge\">not analysed yet</span>"
        };
        let _ = write!(
            o,
            "<li class=\"story\" data-testid=\"story\" data-story=\"{}\"><h2><a href=\"{}\">{}</a>{pending}</h2>\
             <p class=\"meta\"><span class=\"dates\">{}</span> · <span class=\"count\">{}</span> · \
             <span class=\"independent\">{}</span></p><p class=\"outlets\">",
            esc(&r.id),
            story_href(&r.id),
            esc(&r.headline),
            dates(r.first_date.as_deref(), r.last_date.as_deref()),
            plural(r.articles.len(), "article", "articles"),
            plural(r.independent_sources as usize, "independent source", "independent sources"),
        );
        for (i, name) in s.outlets.iter().take(12).enumerate() {
            let sep = if i > 0 { ", " } else { "" };
            let _ = write!(
                o,
                "{sep}<a href=\"{}\">{}</a>",
                outlet_href(name),
                esc(name)
            );
        }
        if s.outlets.len() > 12 {
            let _ = write!(o, " and {} more", s.outlets.len() - 12);
        }
        let _ = write!(o, "</p>");
        if let Some(hit) = &s.hit {
            let _ = write!(
                o,
                "<p class=\"hit\" data-testid=\"hit\">“{}” <a href=\"{}\">{}</a></p>",
                marked(&hit.snippet),
                article_href(&hit.article),
                esc(&hit.article)
            );
        }
        let _ = write!(o, "</li>");
    }
    let _ = write!(o, "</ol>");
    if l.stories.is_empty() {
        let _ = write!(
            o,
            "<p id=\"no-stories\">No stories{}. <a href=\"/add\">Add articles</a> or run <code>corroborate ingest</code>.</p>",
            if filtered { " match" } else { " yet" }
        );
    }
    let page = q.page_number();
    if page > 1 || l.more {
        let _ = write!(o, "<nav class=\"pages\" aria-label=\"Pages\">");
        if page > 1 {
            let _ = write!(
                o,
                "<a rel=\"prev\" href=\"/?{}\">Newer stories</a> ",
                esc(&q.at_page(page - 1))
            );
        }
        let _ = write!(o, "<span>Page {page}</span>");
        if l.more {
            let _ = write!(
                o,
                " <a rel=\"next\" href=\"/?{}\">Older stories</a>",
                esc(&q.at_page(page + 1))
            );
        }
        let _ = write!(o, "</nav>");
    }
    let title = match &q.q {
        Some(words) => format!("Search: {words}"),
        None => "Stories".into(),
    };
    layout(&title, "index", &o)
}

/// Article labels of a story: outlet name, with the id when two members share an outlet.
struct Labels<'a> {
    index: HashMap<&'a str, usize>,
    names: Vec<String>,
}

impl<'a> Labels<'a> {
    fn new(articles: &'a [Article]) -> Self {
        let outlets: Vec<String> = articles
            .iter()
            .map(|a| outlet_name(a.outlet.as_deref(), a.url.as_deref(), &a.id))
            .collect();
        let mut count: HashMap<&str, usize> = HashMap::new();
        for n in &outlets {
            *count.entry(n.as_str()).or_default() += 1;
        }
        let names = articles
            .iter()
            .zip(&outlets)
            .map(|(a, n)| {
                if count[n.as_str()] > 1 && *n != a.id {
                    format!("{n} ({})", a.id)
                } else {
                    n.clone()
                }
            })
            .collect();
        Labels {
            index: articles
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), i))
                .collect(),
            names,
        }
    }

    /// The label with the article id beside it when the label is not the id.
    fn full(&self, id: &str) -> String {
        let n = self.name(id);
        if n.contains(id) {
            n
        } else {
            format!("{n} ({id})")
        }
    }

    fn name(&self, id: &str) -> String {
        self.index
            .get(id)
            .map(|&i| self.names[i].clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// A link to the article's section on the story page.
    fn cite(&self, id: &str) -> String {
        match self.index.get(id) {
            Some(&i) => format!(
                "<a class=\"cite\" href=\"#art-{i}\">{}</a>",
                esc(&self.names[i])
            ),
            None => esc(id),
        }
    }
}

/// A word-level diff of `variant` against `base`: removed words in `<del>`, added in `<ins>`,
/// one pair per run of changed words (the spaces between changed words stay inside the run).
fn word_diff(base: &str, variant: &str) -> String {
    /// Changed words of one side since the last unchanged word, and the spaces seen since
    /// that side last changed.
    #[derive(Default)]
    struct Side {
        words: String,
        gap: String,
    }
    impl Side {
        fn add(&mut self, value: &str) {
            if !self.words.is_empty() {
                self.words.push_str(&self.gap);
            }
            self.words.push_str(value);
            self.gap.clear();
        }
    }
    let diff = similar::TextDiff::from_words(base, variant);
    let mut o = String::new();
    let (mut del, mut ins) = (Side::default(), Side::default());
    // Spaces since the last change of either side: written after the run.
    let mut tail = String::new();
    let flush = |o: &mut String, del: &mut Side, ins: &mut Side, tail: &mut String| {
        if !del.words.trim().is_empty() {
            let _ = write!(o, "<del>{}</del>", esc(del.words.trim()));
        }
        if !ins.words.trim().is_empty() {
            let _ = write!(o, "<ins>{}</ins>", esc(ins.words.trim()));
        }
        o.push_str(&esc(tail));
        *del = Side::default();
        *ins = Side::default();
        tail.clear();
    };
    for change in diff.iter_all_changes() {
        let value = change.value();
        match change.tag() {
            similar::ChangeTag::Equal if value.trim().is_empty() => {
                if del.words.is_empty() && ins.words.is_empty() {
                    o.push_str(&esc(value));
                } else {
                    del.gap.push_str(value);
                    ins.gap.push_str(value);
                    tail.push_str(value);
                }
            }
            similar::ChangeTag::Equal => {
                flush(&mut o, &mut del, &mut ins, &mut tail);
                o.push_str(&esc(value));
            }
            similar::ChangeTag::Delete => {
                del.add(value);
                tail.clear();
            }
            similar::ChangeTag::Insert => {
                ins.add(value);
                tail.clear();
            }
        }
    }
    flush(&mut o, &mut del, &mut ins, &mut tail);
    o
}

/// Columns of the facts × sources matrix at most (the other articles are listed below it).
const MATRIX_COLUMNS: usize = 30;
/// Facts shown in the matrix at most.
const MATRIX_ROWS: usize = 150;
/// Articles whose full text the story page shows at most (each has its own page).
const FULL_TEXTS: usize = 30;

/// Copies and rewrites listed at most.
const DERIVATIONS: usize = 150;
/// Wordings of one fact shown with their diff at most.
const VARIANTS: usize = 6;
/// Articles named in one list at most (the rest are counted).
const NAMED: usize = 12;

/// Items joined by commas, at most [`NAMED`] of them, the rest counted.
fn listed(items: &[String]) -> String {
    let mut out = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > NAMED {
        let _ = write!(out, " and {} more", items.len() - NAMED);
    }
    out
}

/// The story page.
pub fn story(v: &StoryView) -> String {
    let s: &Story = &v.story;
    let labels = Labels::new(&v.articles);
    let mut o = String::new();
    let first = v.articles.iter().filter_map(|a| a.date.as_deref()).min();
    let last = v.articles.iter().filter_map(|a| a.date.as_deref()).max();
    let _ = write!(
        o,
        "<h1 id=\"headline\">{}</h1><p class=\"meta\"><span class=\"dates\">{}</span> · {} · \
         <span id=\"independent-sources\" data-testid=\"independent-sources\">{}</span> · {} · {} · \
         <a href=\"/api/stories/{}\">JSON</a></p>",
        esc(&s.headline),
        dates(first, last),
        plural(s.articles.len(), "article", "articles"),
        plural(s.independent_sources, "independent source", "independent sources"),
        plural(s.facts.len(), "fact", "facts"),
        plural(s.conflicts.len(), "conflict", "conflicts"),
        encode(&s.id),
    );
    if v.analysed_now {
        let _ = write!(
            o,
            "<p class=\"notice\" role=\"status\">This story had no analysis covering all its articles: it was analysed for this view and the analysis kept.</p>"
        );
    }
    let _ = write!(
        o,
        "<nav class=\"toc\" aria-label=\"On this page\"><a href=\"#summary\">Summary</a> \
         <a href=\"#facts\">Facts</a> <a href=\"#conflicts\">Conflicts</a> <a href=\"#quotes\">Quotes</a> \
         <a href=\"#entities\">Entities</a> <a href=\"#numbers\">Numbers</a> \
         <a href=\"#rewrites\">Copies and rewrites</a> <a href=\"#timeline\">Timeline</a> \
         <a href=\"#articles\">Articles</a></nav>"
    );

    // Summary with citations.
    let _ = write!(
        o,
        "<section id=\"summary\" data-testid=\"summary\" aria-labelledby=\"h-summary\"><h2 id=\"h-summary\">Summary</h2><ol>"
    );
    for x in &s.summary {
        let cites: Vec<String> = x.articles.iter().map(|a| labels.cite(a)).collect();
        let _ = write!(
            o,
            "<li>{} <span class=\"cites\">{}</span></li>",
            esc(&x.text),
            listed(&cites)
        );
    }
    let _ = write!(o, "</ol></section>");

    facts_matrix(&mut o, v, &labels);

    // Conflicts.
    let _ = write!(
        o,
        "<section id=\"conflicts\" data-testid=\"conflicts\" aria-labelledby=\"h-conflicts\"><h2 id=\"h-conflicts\">Conflicts</h2>"
    );
    if s.conflicts.is_empty() {
        let _ = write!(o, "<p>The sources do not disagree on a figure or date.</p>");
    } else {
        let _ = write!(o, "<ul>");
        for c in &s.conflicts {
            let _ = write!(
                o,
                "<li class=\"conflict\"><span class=\"badge conflict\">{}</span> {} (<a href=\"#fact-{}\">fact {}</a>)<ul>",
                esc(&c.kind),
                esc(&c.about),
                c.fact,
                c.fact + 1
            );
            for cl in &c.claims {
                let who: Vec<String> = cl.articles.iter().map(|a| labels.cite(a)).collect();
                let _ = write!(
                    o,
                    "<li><strong>{}</strong> (“{}”): {}</li>",
                    esc(&cl.value),
                    esc(&cl.text),
                    listed(&who)
                );
            }
            let _ = write!(o, "</ul></li>");
        }
        let _ = write!(o, "</ul>");
    }
    let _ = write!(o, "</section>");

    // Quotes by speaker, quoted words first.
    let _ = write!(
        o,
        "<section id=\"quotes\" data-testid=\"quotes\" aria-labelledby=\"h-quotes\"><h2 id=\"h-quotes\">Quotes by speaker</h2>"
    );
    let mut by_speaker: BTreeMap<&str, Vec<&corroborate_model::Quote>> = BTreeMap::new();
    for q in &s.quotes {
        by_speaker
            .entry(q.speaker.as_deref().unwrap_or(""))
            .or_default()
            .push(q);
    }
    if by_speaker.is_empty() {
        let _ = write!(o, "<p>No quotes.</p>");
    } else {
        let _ = write!(o, "<dl class=\"quotes\">");
        for (speaker, qs) in &by_speaker {
            if speaker.is_empty() {
                let _ = write!(o, "<dt>Unattributed</dt>");
            } else if !s.entities.iter().any(|e| e.name == *speaker) {
                // An unnamed source ("a senior official"): no entity page.
                let _ = write!(o, "<dt>{}</dt>", esc(speaker));
            } else {
                let _ = write!(
                    o,
                    "<dt><a href=\"{}\">{}</a></dt>",
                    entity_href(speaker),
                    esc(speaker)
                );
            }
            for q in qs {
                let who: Vec<String> = q.articles.iter().map(|a| labels.cite(a)).collect();
                let words = corroborate_render::quoted_words(&q.text);
                let _ = write!(
                    o,
                    "<dd><q>{}</q> <span class=\"cites\">{}</span>",
                    esc(&words),
                    listed(&who)
                );
                // A merged quote's other wordings, each as a word diff against the first.
                let others = corroborate_render::other_wordings(q);
                if !others.is_empty() {
                    let _ = write!(
                        o,
                        "<details class=\"wordings\"><summary>{} other wording{}</summary><ul>",
                        others.len(),
                        if others.len() == 1 { "" } else { "s" }
                    );
                    for (variant, ids) in &others {
                        let who: Vec<String> = ids.iter().map(|a| labels.cite(a)).collect();
                        let _ = write!(
                            o,
                            "<li><q>{}</q> <span class=\"cites\">{}</span></li>",
                            word_diff(&words, variant),
                            listed(&who)
                        );
                    }
                    let _ = write!(o, "</ul></details>");
                }
                let _ = write!(o, "</dd>");
            }
        }
        let _ = write!(o, "</dl>");
    }
    let _ = write!(o, "</section>");

    // Entities and numbers.
    let _ = write!(
        o,
        "<section id=\"entities\" data-testid=\"entities\" aria-labelledby=\"h-entities\"><h2 id=\"h-entities\">Entities</h2>"
    );
    if s.entities.is_empty() {
        let _ = write!(o, "<p>No entities.</p>");
    } else {
        let _ = write!(
            o,
            "<table class=\"entities\"><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Kind</th>\
             <th scope=\"col\">Mentions</th><th scope=\"col\">Articles</th><th scope=\"col\">Also written</th></tr></thead><tbody>"
        );
        for e in s.entities.iter().take(200) {
            let aliases: Vec<String> = e
                .aliases
                .iter()
                .filter(|a| **a != e.name)
                .map(|a| esc(a))
                .collect();
            let _ = write!(
                o,
                "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                entity_href(&e.name),
                esc(&e.name),
                e.kind.as_str(),
                e.mentions,
                e.articles.len(),
                aliases.join(", ")
            );
        }
        let _ = write!(o, "</tbody></table>");
        if s.entities.len() > 200 {
            let _ = write!(o, "<p>{} more in the JSON.</p>", s.entities.len() - 200);
        }
    }
    let _ = write!(o, "</section>");
    let _ = write!(
        o,
        "<section id=\"numbers\" data-testid=\"numbers\" aria-labelledby=\"h-numbers\"><h2 id=\"h-numbers\">Numbers</h2>"
    );
    if s.numbers.is_empty() {
        let _ = write!(o, "<p>No numbers.</p>");
    } else {
        let _ = write!(o, "<ul class=\"numbers\">");
        for n in s.numbers.iter().take(300) {
            let norm = n
                .number
                .normalized
                .as_deref()
                .map(|x| format!(" = {}", esc(x)))
                .unwrap_or_default();
            let _ = write!(
                o,
                "<li><strong>{}</strong> <span class=\"unit\">{}</span>{norm} {}</li>",
                esc(&n.text),
                esc(&n.number.unit),
                labels.cite(&n.article)
            );
        }
        let _ = write!(o, "</ul>");
    }
    let _ = write!(o, "</section>");

    rewrites(&mut o, s, &labels);
    timeline(&mut o, v, &labels);
    article_texts(&mut o, v, &labels);
    layout(&s.headline, "story", &o)
}

fn facts_matrix(o: &mut String, v: &StoryView, labels: &Labels) {
    let s = &v.story;
    let cols: Vec<&Article> = v.articles.iter().take(MATRIX_COLUMNS).collect();
    let conflicted: std::collections::HashSet<usize> = s.conflicts.iter().map(|c| c.fact).collect();
    let _ = write!(
        o,
        "<section id=\"facts\" data-testid=\"facts\" aria-labelledby=\"h-facts\"><h2 id=\"h-facts\">Facts × sources</h2>\
         <p>Each row is one fact; a mark means the article states it (“copy” when the article copies or \
         rewrites another, so it adds no independent source). Open a fact for who reports it, who leaves \
         it out, and how the wordings differ.</p><div class=\"scroll\"><table class=\"matrix\"><thead><tr><th scope=\"col\">Fact</th>\
         <th scope=\"col\">Independent sources</th>"
    );
    for a in &cols {
        let _ = write!(
            o,
            "<th scope=\"col\"><a href=\"{}\">{}</a>",
            article_href(&a.id),
            esc(&labels.name(&a.id))
        );
        if let Some(u) = a.url.as_deref().and_then(safe_url) {
            let _ = write!(
                o,
                " <a class=\"orig\" href=\"{}\" rel=\"noopener noreferrer\" aria-label=\"original of {}\">↗</a>",
                esc(u),
                esc(&labels.name(&a.id))
            );
        }
        let _ = write!(o, "</th>");
    }
    let _ = write!(o, "</tr></thead><tbody>");
    for (fi, f) in s.facts.iter().enumerate().take(MATRIX_ROWS) {
        let class = if f.independent_sources <= 1 {
            "single"
        } else {
            "many"
        };
        let _ = write!(
            o,
            "<tr id=\"fact-{fi}\" class=\"fact {class}\" data-testid=\"fact\" data-independent=\"{}\"><td class=\"fact-text\">{}",
            f.independent_sources,
            esc(&f.text)
        );
        if conflicted.contains(&fi) {
            let _ = write!(o, " <span class=\"badge conflict\">conflict</span>");
        }
        // Who reports it, who leaves it out, and the word diff of each variant.
        let stating: std::collections::HashSet<&str> =
            f.articles.iter().map(String::as_str).collect();
        let reports: Vec<String> = f.articles.iter().map(|a| labels.cite(a)).collect();
        let silent: Vec<String> = v
            .articles
            .iter()
            .filter(|a| !stating.contains(a.id.as_str()))
            .map(|a| labels.cite(&a.id))
            .collect();
        let _ = write!(
            o,
            "<details><summary>Who reports it</summary><p>Reported by {}.</p><p>Left out by {}.</p><ul class=\"variants\">",
            listed(&reports),
            if silent.is_empty() {
                "no one".into()
            } else {
                listed(&silent)
            }
        );
        if f.variants.len() > VARIANTS {
            let _ = write!(
                o,
                "<li>{} wordings; the first {VARIANTS} are shown, the JSON has all.</li>",
                f.variants.len()
            );
        }
        for var in f.variants.iter().take(VARIANTS) {
            let derived = corroborate_render::derived_from(s, &var.article)
                .map(|src| format!(" (copies or rewrites {})", esc(&labels.name(src))))
                .unwrap_or_default();
            let _ = write!(
                o,
                "<li>{}{derived}: <span class=\"diff\">{}</span></li>",
                labels.cite(&var.article),
                word_diff(&f.text, &var.text)
            );
        }
        let _ = write!(
            o,
            "</ul></details></td><td class=\"n\">{}</td>",
            f.independent_sources
        );
        for a in &cols {
            match f.variants.iter().find(|x| x.article == a.id) {
                Some(_) => {
                    let copy = corroborate_render::derived_from(s, &a.id).is_some();
                    let _ = write!(
                        o,
                        "<td class=\"dot{}\">{}</td>",
                        if copy { " derived" } else { "" },
                        if copy { "copy" } else { "✓" }
                    );
                }
                None => {
                    let _ = write!(o, "<td></td>");
                }
            }
        }
        let _ = write!(o, "</tr>");
    }
    let _ = write!(o, "</tbody></table></div>");
    if s.facts.len() > MATRIX_ROWS || v.articles.len() > MATRIX_COLUMNS {
        let _ = write!(
            o,
            "<p>The matrix shows {} of {} facts and {} of {} articles; the JSON has them all.</p>",
            s.facts.len().min(MATRIX_ROWS),
            s.facts.len(),
            cols.len(),
            v.articles.len()
        );
    }
    let _ = write!(o, "</section>");
}

/// Articles the graph draws at most (the list below it names every derivation).
const GRAPH_NODES: usize = 24;

/// The copy/rewrite graph as inline SVG: the articles involved on a circle, an arrow from
/// each source to the article that copies or rewrites it (dashed when the direction is
/// unknown). Presentation attributes only (no `style`), labels escaped; the list after it
/// says the same in words.
fn graph(o: &mut String, s: &Story, labels: &Labels) {
    let mut nodes: Vec<&str> = Vec::new();
    for d in &s.derivations {
        for id in [d.source.as_str(), d.article.as_str()] {
            if !nodes.contains(&id) && nodes.len() < GRAPH_NODES {
                nodes.push(id);
            }
        }
    }
    let (w, h, r) = (640.0_f64, 360.0_f64, 130.0_f64);
    let at = |i: usize| {
        let a = std::f64::consts::TAU * i as f64 / nodes.len().max(1) as f64
            - std::f64::consts::FRAC_PI_2;
        (w / 2.0 + 1.6 * r * a.cos(), h / 2.0 + r * a.sin())
    };
    let _ = write!(
        o,
        "<svg class=\"graph\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"graph-title\">\
         <title id=\"graph-title\">Which article copies or rewrites which: arrows point from the source to the copy or rewrite</title>\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#4f5868\"/></marker></defs>"
    );
    for d in &s.derivations {
        let (Some(a), Some(b)) = (
            nodes.iter().position(|n| *n == d.source),
            nodes.iter().position(|n| *n == d.article),
        ) else {
            continue;
        };
        let ((x1, y1), (x2, y2)) = (at(a), at(b));
        // Stop short of the target's dot.
        let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
        let (ex, ey) = (x2 - (x2 - x1) * 9.0 / len, y2 - (y2 - y1) * 9.0 / len);
        let dash = if d.direction == corroborate_model::Direction::ArticleFromSource {
            ""
        } else {
            " stroke-dasharray=\"5 4\""
        };
        let _ = write!(
            o,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{ex:.1}\" y2=\"{ey:.1}\" stroke=\"#4f5868\" stroke-width=\"1.5\"{dash} marker-end=\"url(#arrow)\"/>"
        );
    }
    for (i, id) in nodes.iter().enumerate() {
        let (x, y) = at(i);
        let name: String = labels.name(id).chars().take(28).collect();
        let anchor = if x < w / 2.0 - 1.0 {
            "end"
        } else if x > w / 2.0 + 1.0 {
            "start"
        } else {
            "middle"
        };
        let dx = match anchor {
            "end" => -10.0,
            "start" => 10.0,
            _ => 0.0,
        };
        let dy = if anchor == "middle" && y < h / 2.0 {
            -10.0
        } else if anchor == "middle" {
            18.0
        } else {
            4.0
        };
        let _ = write!(
            o,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"#1f44a3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-size=\"12\" fill=\"#1d2330\">{}</text>",
            x + dx,
            y + dy,
            esc(&name)
        );
    }
    let _ = write!(o, "</svg>");
}

fn rewrites(o: &mut String, s: &Story, labels: &Labels) {
    let _ = write!(
        o,
        "<section id=\"rewrites\" data-testid=\"rewrites\" aria-labelledby=\"h-rewrites\"><h2 id=\"h-rewrites\">Copies and rewrites</h2>"
    );
    if s.derivations.is_empty() {
        let _ = write!(o, "<p>No article copies or rewrites another.</p>");
    } else {
        graph(o, s, labels);
        let _ = write!(o, "<ul>");
        for d in s.derivations.iter().take(DERIVATIONS) {
            let verb = match (d.copy, d.direction) {
                (true, corroborate_model::Direction::ArticleFromSource) => "copies",
                (false, corroborate_model::Direction::ArticleFromSource) => "rewrites",
                (true, _) => "is a copy of (direction unknown)",
                (false, _) => "is a rewrite of (direction unknown)",
            };
            let _ = write!(
                o,
                "<li data-testid=\"derivation\" data-article=\"{}\" data-source=\"{}\"><a href=\"{}\">{}</a> {verb} \
                 <a href=\"{}\">{}</a> <span class=\"meta\">({:.0}% of sentences in the same order)</span></li>",
                esc(&d.article),
                esc(&d.source),
                article_href(&d.article),
                esc(&labels.full(&d.article)),
                article_href(&d.source),
                esc(&labels.full(&d.source)),
                d.shared_fraction * 100.0
            );
        }
        let _ = write!(o, "</ul>");
        if s.derivations.len() > DERIVATIONS {
            let _ = write!(
                o,
                "<p>{} more in the JSON.</p>",
                s.derivations.len() - DERIVATIONS
            );
        }
    }
    let _ = write!(o, "</section>");
}

fn timeline(o: &mut String, v: &StoryView, labels: &Labels) {
    let _ = write!(
        o,
        "<section id=\"timeline\" data-testid=\"timeline\" aria-labelledby=\"h-timeline\"><h2 id=\"h-timeline\">Timeline</h2><ol class=\"timeline\">"
    );
    let mut order: Vec<&Article> = v.articles.iter().collect();
    order.sort_by(|a, b| match (&a.date, &b.date) {
        (Some(x), Some(y)) => x.cmp(y).then(a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
    for a in order {
        let _ = write!(
            o,
            "<li><time{}>{}</time> <a href=\"{}\">{}</a> <span class=\"meta\">{}</span></li>",
            a.date
                .as_deref()
                .map(|d| format!(" datetime=\"{}\"", esc(d)))
                .unwrap_or_default(),
            esc(a.date.as_deref().unwrap_or("undated")),
            article_href(&a.id),
            esc(&a.title),
            esc(&labels.name(&a.id)),
        );
    }
    let _ = write!(o, "</ol></section>");
}

/// Facts per sentence of each article: `(article, sentence) -> fact indices`.
fn sentence_facts(s: &Story) -> HashMap<(&str, usize), Vec<usize>> {
    let mut m: HashMap<(&str, usize), Vec<usize>> = HashMap::new();
    for (fi, f) in s.facts.iter().enumerate() {
        for var in &f.variants {
            let e = m.entry((var.article.as_str(), var.sentence)).or_default();
            if !e.contains(&fi) {
                e.push(fi);
            }
        }
    }
    m
}

/// An article's text as paragraphs of sentences; a sentence that states facts links to the
/// first (`{base}#fact-N`) and names the others.
fn text_with_facts(
    o: &mut String,
    a: &Article,
    facts: &HashMap<(&str, usize), Vec<usize>>,
    base: &str,
    anchor: Option<usize>,
) {
    for (pi, p) in a.paragraphs.iter().enumerate() {
        let _ = write!(o, "<p>");
        let mut at = p.start;
        for (si, sent) in a.sentences.iter().enumerate() {
            if sent.paragraph != pi || sent.span.start < at || sent.span.end > p.end {
                continue;
            }
            let _ = write!(o, "{}", esc(a.text.get(at..sent.span.start).unwrap_or("")));
            let words = esc(a.text.get(sent.span.start..sent.span.end).unwrap_or(""));
            let id = anchor
                .map(|ai| format!(" id=\"art-{ai}-s{si}\""))
                .unwrap_or_default();
            match facts.get(&(a.id.as_str(), si)) {
                Some(fs) if !fs.is_empty() => {
                    let _ = write!(
                        o,
                        "<a class=\"s aligned\"{id} href=\"{base}#fact-{}\">{words}</a>",
                        fs[0]
                    );
                    for f in &fs[1..] {
                        let _ = write!(
                            o,
                            "<a class=\"fref\" href=\"{base}#fact-{f}\">[fact {}]</a>",
                            f + 1
                        );
                    }
                }
                _ => {
                    let _ = write!(o, "<span class=\"s\"{id}>{words}</span>");
                }
            }
            at = sent.span.end;
        }
        let _ = write!(o, "{}</p>", esc(a.text.get(at..p.end).unwrap_or("")));
    }
}

fn article_texts(o: &mut String, v: &StoryView, labels: &Labels) {
    let facts = sentence_facts(&v.story);
    let _ = write!(
        o,
        "<section id=\"articles\" data-testid=\"articles\" aria-labelledby=\"h-articles\"><h2 id=\"h-articles\">Articles</h2>\
         <p>Sentences that state a fact link to it.</p>"
    );
    for (ai, a) in v.articles.iter().enumerate() {
        let _ = write!(
            o,
            "<article id=\"art-{ai}\" class=\"article\" data-article=\"{}\" aria-labelledby=\"h-art-{ai}\"><h3 id=\"h-art-{ai}\"><a href=\"{}\">{}</a></h3><p class=\"meta\">{} · {}",
            esc(&a.id),
            article_href(&a.id),
            esc(&a.title),
            esc(&labels.name(&a.id)),
            esc(a.date.as_deref().unwrap_or("undated")),
        );
        if let Some(u) = a.url.as_deref().and_then(safe_url) {
            let _ = write!(
                o,
                " · <a href=\"{}\" rel=\"noopener noreferrer\">original</a>",
                esc(u)
            );
        }
        let _ = write!(o, "</p>");
        if ai < FULL_TEXTS {
            let _ = write!(o, "<div class=\"text\">");
            text_with_facts(o, a, &facts, "", Some(ai));
            let _ = write!(o, "</div>");
        }
        let _ = write!(o, "</article>");
    }
    if v.articles.len() > FULL_TEXTS {
        let _ = write!(
            o,
            "<p>The texts of the first {FULL_TEXTS} articles are shown; every article has its own page.</p>"
        );
    }
    let _ = write!(o, "</section>");
}

fn meta_row(o: &mut String, label: &str, value: &str) {
    let _ = write!(o, "<dt>{label}</dt><dd>{value}</dd>");
}

/// The article page.
pub fn article(v: &ArticleView) -> String {
    let a = v.article();
    let row = &v.row;
    let name = outlet_name(a.outlet.as_deref(), a.url.as_deref(), &a.id);
    let mut o = String::new();
    let _ = write!(
        o,
        "<h1 id=\"headline\">{}</h1><dl id=\"metadata\" class=\"metadata\">",
        esc(&a.title)
    );
    meta_row(&mut o, "Id", &esc(&a.id));
    meta_row(
        &mut o,
        "Outlet",
        &format!("<a href=\"{}\">{}</a>", outlet_href(&name), esc(&name)),
    );
    meta_row(&mut o, "Date", &esc(a.date.as_deref().unwrap_or("undated")));
    if !a.authors.is_empty() {
        meta_row(&mut o, "Authors", &esc(&a.authors.join(", ")));
    }
    if let Some(l) = &a.language {
        meta_row(&mut o, "Language", &esc(l));
    }
    let headline = v
        .story
        .as_ref()
        .map(|s| s.story.headline.as_str())
        .unwrap_or(row.story.as_str());
    meta_row(
        &mut o,
        "Story",
        &format!(
            "<a href=\"{}\">{}</a>",
            story_href(&row.story),
            esc(headline)
        ),
    );
    if let Some((src, j)) = &row.copy_of {
        meta_row(
            &mut o,
            "Copy of",
            &format!(
                "<a href=\"{}\">{}</a> (estimated overlap {:.0}%)",
                article_href(src),
                esc(src),
                j * 100.0
            ),
        );
    }
    if let Some(s) = &v.story {
        if let Some(src) = corroborate_render::derived_from(&s.story, &a.id) {
            meta_row(
                &mut o,
                "Copies or rewrites",
                &format!(
                    "<a href=\"{}\">{}</a>",
                    article_href(src),
                    esc(&s.outlet_of(src))
                ),
            );
        }
    }
    if let Some(u) = a.url.as_deref() {
        match safe_url(u) {
            Some(u) => meta_row(
                &mut o,
                "Original",
                &format!(
                    "<a id=\"original\" href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                    esc(u),
                    esc(u)
                ),
            ),
            None => meta_row(
                &mut o,
                "Address given",
                &format!("{} (not a web link)", esc(u)),
            ),
        }
    }
    if a.summary_only {
        meta_row(
            &mut o,
            "Note",
            "summary only: the feed gave no article text",
        );
    }
    meta_row(&mut o, "Read from", &esc(&row.path));
    let _ = write!(
        o,
        "</dl><p><a href=\"/api/articles/{}\">JSON</a></p>",
        encode(&a.id)
    );

    let facts = v
        .story
        .as_ref()
        .map(|s| sentence_facts(&s.story))
        .unwrap_or_default();
    let base = story_href(&row.story);
    let _ = write!(
        o,
        "<section id=\"article-text\" data-testid=\"article-text\" aria-labelledby=\"h-text\"><h2 id=\"h-text\">Text</h2><div class=\"text\">"
    );
    if a.sentences.is_empty() {
        for p in &a.paragraphs {
            let _ = write!(o, "<p>{}</p>", esc(a.slice(*p)));
        }
    } else {
        text_with_facts(&mut o, a, &facts, &base, None);
    }
    let _ = write!(o, "</div></section>");

    let _ = write!(
        o,
        "<section id=\"removed\" data-testid=\"removed\" aria-labelledby=\"h-removed\"><h2 id=\"h-removed\">Removed as boilerplate</h2>"
    );
    if a.removed.is_empty() {
        let _ = write!(o, "<p>Nothing was removed.</p>");
    } else {
        let _ = write!(
            o,
            "<p>These parts of the input were not taken as the article’s text.</p><ul class=\"removed\">"
        );
        for r in &a.removed {
            let _ = write!(
                o,
                "<li><span class=\"badge\">{}</span> <span class=\"removed-text\">{}</span></li>",
                r.kind.as_str(),
                esc(&r.text)
            );
        }
        let _ = write!(o, "</ul>");
    }
    let _ = write!(o, "</section>");

    let _ = write!(
        o,
        "<section id=\"facts\" data-testid=\"facts\" aria-labelledby=\"h-facts\"><h2 id=\"h-facts\">Its facts</h2>"
    );
    let mine = v.facts();
    match &v.story {
        Some(s) if !mine.is_empty() => {
            let _ = write!(o, "<ul>");
            for fi in mine {
                let f = &s.story.facts[fi];
                let _ =
                    write!(
                    o,
                    "<li><a href=\"{base}#fact-{fi}\">{}</a> <span class=\"meta\">{}</span></li>",
                    esc(&f.text),
                    plural(f.independent_sources, "independent source", "independent sources")
                );
            }
            let _ = write!(o, "</ul>");
        }
        _ => {
            let _ = write!(o, "<p>No facts.</p>");
        }
    }
    let _ = write!(o, "</section>");
    layout(&a.title, "article", &o)
}

/// The entity page.
pub fn entity(v: &EntityView) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<h1 id=\"headline\">{}</h1><p class=\"meta\">{} · {} · <a href=\"/api/entities/{}\">JSON</a> · \
         <a href=\"/?entity={}\">Search its stories</a></p>",
        esc(&v.name),
        esc(&v.kinds.join(", ")),
        plural(v.stories.len(), "story", "stories"),
        encode(&v.name),
        encode(&v.name)
    );
    let _ = write!(
        o,
        "<section id=\"aliases\" data-testid=\"aliases\" aria-labelledby=\"h-aliases\"><h2 id=\"h-aliases\">Also written</h2>"
    );
    if v.aliases.is_empty() {
        let _ = write!(o, "<p>No other spelling.</p>");
    } else {
        let items: Vec<String> = v
            .aliases
            .iter()
            .map(|a| format!("<li>{}</li>", esc(a)))
            .collect();
        let _ = write!(o, "<ul>{}</ul>", items.concat());
    }
    let _ = write!(
        o,
        "</section><section id=\"stories\" data-testid=\"stories\" aria-labelledby=\"h-stories\"><h2 id=\"h-stories\">Stories</h2><ul>"
    );
    for s in &v.stories {
        let title = if s.headline.is_empty() {
            &s.id
        } else {
            &s.headline
        };
        let _ = write!(
            o,
            "<li><a href=\"{}\">{}</a> <span class=\"meta\">{}</span></li>",
            story_href(&s.id),
            esc(title),
            plural(s.mentions as usize, "mention", "mentions")
        );
    }
    let _ = write!(
        o,
        "</ul></section><section id=\"quotes\" data-testid=\"quotes\" aria-labelledby=\"h-quotes\"><h2 id=\"h-quotes\">Quotes</h2>"
    );
    if v.quotes.is_empty() {
        let _ = write!(o, "<p>No quotes.</p>");
    } else {
        let _ = write!(o, "<ul class=\"quotes\">");
        for q in &v.quotes {
            let _ = write!(
                o,
                "<li><q>{}</q> <a href=\"{}#quotes\">in this story</a> <span class=\"meta\">{}</span></li>",
                esc(&q.quoted.join(" … ")),
                story_href(&q.story),
                plural(q.articles.len(), "article", "articles")
            );
        }
        let _ = write!(o, "</ul>");
    }
    let _ = write!(o, "</section>");
    layout(&v.name, "entity", &o)
}

/// The outlet page.
pub fn outlet(v: &OutletView) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<h1 id=\"headline\">{}</h1><p class=\"meta\">{} in {} · <a href=\"/api/outlets/{}\">JSON</a> · \
         <a href=\"/?outlet={}\">Search its stories</a></p>",
        esc(&v.name),
        plural(v.articles, "article", "articles"),
        plural(v.stories.len(), "story", "stories"),
        encode(&v.name),
        encode(&v.name)
    );
    let _ = write!(
        o,
        "<section id=\"derivations\" data-testid=\"derivations\" aria-labelledby=\"h-der\"><h2 id=\"h-der\">Original or rewrite</h2>\
         <p>In its newest {} stories: <span id=\"originals\">{}</span> copied or rewritten by others, \
         <span id=\"rewrites\">{}</span> copying or rewriting another, {} neither. \
         {} found to be exact or near copies when stored.</p></section>",
        crate::views::STORIES_READ,
        plural(v.originals, "original", "originals"),
        plural(v.rewrites, "article", "articles"),
        v.neither,
        plural(v.near_copies, "article", "articles"),
    );
    let _ = write!(
        o,
        "<section id=\"stories\" data-testid=\"stories\" aria-labelledby=\"h-stories\"><h2 id=\"h-stories\">Stories covered</h2><ul>"
    );
    for s in &v.stories {
        let title = if s.headline.is_empty() {
            &s.id
        } else {
            &s.headline
        };
        let arts: Vec<String> = s
            .articles
            .iter()
            .map(|a| format!("<a href=\"{}\">{}</a>", article_href(a), esc(a)))
            .collect();
        let _ = write!(
            o,
            "<li><a href=\"{}\">{}</a> <span class=\"meta\">{}</span></li>",
            story_href(&s.id),
            esc(title),
            arts.join(", ")
        );
    }
    let _ = write!(
        o,
        "</ul></section><section id=\"single-source\" data-testid=\"single-source\" aria-labelledby=\"h-single\"><h2 id=\"h-single\">Details only it reports</h2>"
    );
    if v.single_source.is_empty() {
        let _ = write!(o, "<p>None in its newest stories.</p>");
    } else {
        let _ = write!(o, "<ul>");
        for f in &v.single_source {
            let _ = write!(
                o,
                "<li><a href=\"{}#fact-{}\">{}</a></li>",
                story_href(&f.story),
                f.fact,
                esc(&f.text)
            );
        }
        let _ = write!(o, "</ul>");
    }
    let _ = write!(o, "</section>");
    layout(&v.name, "outlet", &o)
}

/// The upload form.
pub fn add_form(csrf: &str, limit_mb: usize) -> String {
    layout(
        "Add articles",
        "add",
        &format!(
            "<h1>Add articles</h1><p>Upload files in any format <code>corroborate ingest</code> reads: \
             plain-text articles, JSON Lines, HTML pages, WARC archives, RSS or Atom feeds, news-please JSON, \
             gzipped or not (at most {limit_mb} MB in all). Each article joins the story it belongs to or opens a new one.</p>\
             <form id=\"add\" method=\"post\" action=\"/add\" enctype=\"multipart/form-data\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <label for=\"files\">Files</label> <input id=\"files\" name=\"files\" type=\"file\" multiple required> \
             <button type=\"submit\">Add</button></form>",
            esc(csrf)
        ),
    )
}

/// What an upload did.
pub fn added(a: &Added) -> String {
    let mut o = String::new();
    let _ = write!(o, "<h1>Articles added</h1><table id=\"added\" data-testid=\"added\"><thead><tr><th scope=\"col\">Article</th><th scope=\"col\">Story</th></tr></thead><tbody>");
    for (id, story) in &a.articles {
        let where_ = match story {
            Some(s) => format!("<a href=\"{}\">{}</a>", story_href(s), esc(s)),
            None => "not stored".into(),
        };
        let _ = write!(
            o,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{where_}</td></tr>",
            article_href(id),
            esc(id)
        );
    }
    let _ = write!(
        o,
        "</tbody></table><p>{} already stored; {} analysed.</p>",
        a.already,
        plural(a.analysed, "story", "stories")
    );
    if !a.rejected.is_empty() {
        let _ = write!(o, "<h2>Not read</h2><ul id=\"rejected\">");
        for (p, r) in &a.rejected {
            let _ = write!(o, "<li>{}: {}</li>", esc(p), esc(r));
        }
        let _ = write!(o, "</ul>");
    }
    for n in &a.notes {
        let _ = write!(o, "<p class=\"notice\">{}</p>", esc(n));
    }
    let _ = write!(
        o,
        "<p><a href=\"/add\">Add more</a> · <a href=\"/\">All stories</a></p>"
    );
    layout("Articles added", "added", &o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(safe_url(" https://a.org/x "), Some("https://a.org/x"));
        assert_eq!(safe_url("HTTP://a.org"), Some("HTTP://a.org"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("java\tscript:alert(1)"), None);
        assert_eq!(safe_url("https://a.org/\u{0}x"), None);
        assert_eq!(safe_url("data:text/html,<script>"), None);
        assert_eq!(safe_url("//evil.org"), None);
    }

    #[test]
    fn path_pieces_are_percent_encoded() {
        assert_eq!(encode("a b/c?d#e\"<"), "a%20b%2Fc%3Fd%23e%22%3C");
        assert_eq!(encode("Keir Starmer"), "Keir%20Starmer");
        assert_eq!(encode("id~1.x_y-z"), "id~1.x_y-z");
    }

    #[test]
    fn diffs_mark_words() {
        let d = word_diff("the UK sends troops", "the UK sends <b>troops");
        assert!(d.contains("<ins>&lt;b&gt;troops</ins>"), "{d}");
        assert!(d.contains("<del>troops</del>"), "{d}");
        let d = word_diff("a b c d e", "a x y d e");
        assert_eq!(d, "a <del>b c</del><ins>x y</ins> d e");
    }
}
