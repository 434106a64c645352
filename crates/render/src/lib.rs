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
}
