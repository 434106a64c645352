//! Render: pure functions from a digest (articles, rejections, stories) to bytes: the JSON
//! contract ([`json`]), a terminal report ([`text`]) and Markdown ([`markdown`]).
//! Never does IO and never prints; the CLI writes what these return. Article text is
//! untrusted: the text and Markdown renderers strip control, bidi and zero-width characters.
//!
//! ```
//! use corroborate_render::{sanitize, View};
//! assert_eq!(sanitize("a\u{202e}b\u{200b}c\x1b[31m"), "abc[31m");
//! let v = View { articles: &[], rejected: &[], stories: &[] };
//! assert!(corroborate_render::json::render(&v).contains("\"schema_version\": 1"));
//! ```

pub mod html;
pub mod json;
pub mod markdown;
pub mod text;

use corroborate_model::{Article, Rejection, Story};

/// What the renderers show.
pub struct View<'a> {
    /// Cleaned articles, sorted by id.
    pub articles: &'a [Article],
    /// Inputs that could not be read.
    pub rejected: &'a [Rejection],
    /// Stories.
    pub stories: &'a [Story],
}

/// What the input said of an article beyond its date and outlet, for the report's meta line:
/// `{sep}by A, B` and `{sep}summary only: ...`, each part through `clean` (sanitize or escape).
pub(crate) fn credits(a: &Article, sep: &str, clean: fn(&str) -> String) -> String {
    let mut out = String::new();
    if !a.authors.is_empty() {
        out.push_str(&format!("{sep}by {}", clean(&a.authors.join(", "))));
    }
    if a.summary_only {
        out.push_str(&format!("{sep}summary only: the feed gave no article text"));
    }
    out
}

/// Remove control characters (except newline and tab), bidi controls and zero-width
/// characters, so article text cannot move the cursor, recolour or reorder a terminal.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
            let zero_width = matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}');
            let control = c.is_control() && c != '\n' && c != '\t';
            !(bidi || zero_width || control)
        })
        .collect()
}

/// At most `n` characters of untrusted text for one line (a report, a message): sanitized
/// as [`sanitize`] does, line breaks as spaces, and "…" where it was cut.
pub fn clip(s: &str, n: usize) -> String {
    let s = sanitize(s).replace('\n', " ");
    if s.chars().count() <= n {
        s
    } else {
        format!("{}…", s.chars().take(n).collect::<String>().trim_end())
    }
}

/// The article that `article` copies or rewrites in this story, when one does (a derivation
/// with a known direction, or the later of an undirected pair).
pub fn derived_from<'a>(story: &'a Story, article: &str) -> Option<&'a str> {
    story
        .derivations
        .iter()
        .find(|d| d.article == article)
        .map(|d| d.source.as_str())
}

/// A fact's articles for a report line, each copy or rewrite marked with its source:
/// `000 (rewrite of 003), 001`, every id through `clean`.
pub(crate) fn marked_articles(story: &Story, ids: &[String], clean: fn(&str) -> String) -> String {
    ids.iter()
        .map(|id| match derived_from(story, id) {
            Some(src) => format!("{} (copy or rewrite of {})", clean(id), clean(src)),
            None => clean(id),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The quoted words of a quote's text, without the attribution an interrupted quote carries
/// (`A,” he said. “B` gives `["A,", "B"]`): verbatim pieces of `text`, stray marks trimmed.
pub fn quoted_parts(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut inside = true;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '”' | '"' if inside => {
                parts.push(&text[start..i]);
                inside = false;
            }
            '“' | '"' if !inside => {
                inside = true;
                start = i + c.len_utf8();
            }
            // A quote running on into a new paragraph reopens it without closing it first.
            '“' => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if inside {
        parts.push(&text[start..]);
    }
    let parts: Vec<&str> = parts
        .into_iter()
        .map(|p| p.trim_matches(|c: char| c.is_whitespace() || matches!(c, '“' | '”' | '"')))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        vec![text.trim()]
    } else {
        parts
    }
}

/// [`quoted_parts`] joined by an ellipsis, for reports.
pub fn quoted_words(text: &str) -> String {
    quoted_parts(text).join(" … ")
}

/// The other wordings of a merged quote: each distinct wording of the quoted words that
/// differs from the quote's own ([`Quote::text`](corroborate_model::Quote)), with the
/// articles that carry it, in the order of the variants. Wordings are compared with runs of
/// white space folded; each is given verbatim as its first article has it.
pub fn other_wordings(q: &corroborate_model::Quote) -> Vec<(String, Vec<&str>)> {
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let main = fold(&quoted_words(&q.text));
    let mut keys: Vec<String> = Vec::new();
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for v in &q.variants {
        let words = quoted_words(&v.text);
        let key = fold(&words);
        if key == main {
            continue;
        }
        match keys.iter().position(|k| *k == key) {
            Some(i) => out[i].1.push(&v.article),
            None => {
                keys.push(key);
                out.push((words, vec![&v.article]));
            }
        }
    }
    out
}

/// Article ids with their outlets, for a quote line: `003 (The Guardian), 004`, each part
/// through `clean`.
pub(crate) fn with_outlets(
    articles: &[Article],
    ids: &[&str],
    clean: fn(&str) -> String,
) -> String {
    ids.iter()
        .map(|id| {
            match articles
                .iter()
                .find(|a| a.id == *id)
                .and_then(|a| a.outlet.as_deref())
            {
                Some(outlet) => format!("{} ({})", clean(id), clean(outlet)),
                None => clean(id),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_show_only_the_quoted_words() {
        assert_eq!(
            quoted_parts(
                "We all want a peaceful outcome,” he said. “It’s got to be a lasting peace."
            ),
            [
                "We all want a peaceful outcome,",
                "It’s got to be a lasting peace."
            ]
        );
        assert_eq!(
            quoted_parts("I’m not going to make security guarantees beyond very much,”"),
            ["I’m not going to make security guarantees beyond very much,"]
        );
        assert_eq!(quoted_parts("Yes."), ["Yes."]);
        assert_eq!(
            quoted_parts("intense discussion.\n\n“But the reason is clear."),
            ["intense discussion.", "But the reason is clear."]
        );
        assert_eq!(quoted_words("A,” he said. “B"), "A, … B");
    }

    fn quote() -> corroborate_model::Quote {
        let v = |article: &str, text: &str| corroborate_model::QuoteVariant {
            article: article.into(),
            text: text.into(),
            span: corroborate_model::Span::new(0, text.len()),
        };
        corroborate_model::Quote {
            speaker: Some("Keir Starmer".into()),
            text: "We want peace,” he said. “A lasting one.".into(),
            articles: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            variants: vec![
                v("a", "We want peace,” he said. “A lasting one."),
                v("b", "We want  peace, … A lasting one."),
                v("c", "We want a lasting peace"),
                v("d", "We want a lasting peace"),
            ],
        }
    }

    #[test]
    fn other_wordings_group_the_articles_of_each_wording() {
        // b differs from the quote only in its spaces: the same wording.
        assert_eq!(
            other_wordings(&quote()),
            [("We want a lasting peace".to_string(), vec!["c", "d"])]
        );
    }

    #[test]
    fn every_report_shows_the_quoted_words_first_then_speaker_outlets_and_wordings() {
        let mut a = Article::new("c".into(), "t".into(), "x".into());
        a.outlet = Some("The \x1b]52;c;Y\x07Post".into());
        let articles = [a];
        let s = Story {
            id: "s".into(),
            headline: "h".into(),
            articles: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            entities: Vec::new(),
            quotes: vec![quote()],
            numbers: Vec::new(),
            independent_sources: 4,
            facts: Vec::new(),
            derivations: Vec::new(),
            conflicts: Vec::new(),
            summary: Vec::new(),
        };
        let v = View {
            articles: &articles,
            rejected: &[],
            stories: std::slice::from_ref(&s),
        };
        let text = text::render(&v);
        let at = text.find("“We want peace, … A lasting one.”").unwrap();
        let line = &text[at..];
        assert!(
            line.starts_with("“We want peace, … A lasting one.”\n      — Keir Starmer  [a, b, c (The ]52;c;YPost), d]\n      worded in c, d: “We want a lasting peace”"),
            "{line}"
        );
        let md = markdown::render(&v);
        assert!(md.contains("- “We want peace, … A lasting one.” — **Keir Starmer** (a, b, c (The \\]52;c;YPost), d)\n  - worded in c, d: “We want a lasting peace”"), "{md}");
        let html = html::render(&v);
        let at = html
            .find("<li><q>We want peace, … A lasting one.</q>")
            .unwrap();
        let item = &html[at..];
        assert!(item.find("Keir Starmer").unwrap() < item.find("1 other wording").unwrap());
        assert!(item.contains("<q>We want a lasting peace</q>"));
    }
}
