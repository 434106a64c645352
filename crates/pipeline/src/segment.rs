//! Segment: splits each paragraph of an [`Article`] into sentences (byte spans).
//! In: `&Article` (paragraphs set). Out: `Vec<Sentence>`.
//! Handles titles and abbreviations (Mr, Dr., U.S., C.I.A., Fla., No. 10, p.m.), initials,
//! decimals and percentages, quotation marks around sentence ends, and headings (a short
//! paragraph without a full stop is a sentence of its own). Never splits inside a word and
//! never crosses a paragraph boundary.

use corroborate_lang::abbreviations::{abbreviation, Abbreviation};
use corroborate_model::{Article, Sentence, Span};

/// Words that typically open a sentence: after an ambiguous abbreviation they mark a new one.
const OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "This",
    "That",
    "These",
    "Those",
    "But",
    "And",
    "Or",
    "So",
    "Yet",
    "In",
    "On",
    "At",
    "For",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "As",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "There",
    "Here",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
    "Some",
    "Many",
    "Most",
    "All",
    "No",
    "Not",
    "Now",
    "Then",
    "However",
    "Meanwhile",
    "Still",
    "Also",
    "According",
    "Officials",
    "Police",
];

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | ')' | ']' | '»')
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[' | '«')
}

/// The word (letters and inner dots) that ends right before byte `end` of `text`.
fn word_before(text: &str, end: usize) -> &str {
    let start = text[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.' || *c == '-' || *c == '&'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    &text[start..end]
}

/// The next word after byte `pos`, skipping spaces and opening marks.
fn word_after(text: &str, pos: usize) -> &str {
    let rest = text[pos..].trim_start_matches(|c: char| c.is_whitespace() || is_opening(c));
    let end = rest
        .find(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Decide whether the full stop at byte `dot` (whose word is `word`) ends a sentence, given
/// that the next word is `next`.
fn stop_ends_sentence(word: &str, next: &str) -> bool {
    let lower = word.to_lowercase();
    let bare = lower.trim_end_matches('.');
    let opener = OPENERS.contains(&next);
    let class = abbreviation(bare);
    if matches!(class, Some(Abbreviation::NameTitle | Abbreviation::Title)) {
        return false;
    }
    // Initials ("J. R. Smith") and dotted acronyms ("U.S.", "C.I.A.", "p.m.").
    let letters: Vec<&str> = bare.split('.').collect();
    let dotted = letters.len() >= 2 && letters.iter().all(|p| p.chars().count() == 1);
    let initial =
        bare.chars().count() == 1 && word.trim_end_matches('.').chars().all(|c| c.is_uppercase());
    if dotted || initial || class == Some(Abbreviation::MayEnd) {
        return opener;
    }
    true
}

/// Split one paragraph `[start, end)` of `text` into sentence spans.
fn split_paragraph(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let para = &text[start..end];
    let mut sent_start = 0;
    let chars: Vec<(usize, char)> = para.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if !matches!(c, '.' | '!' | '?' | '…') {
            i += 1;
            continue;
        }
        // Gather the run of terminators and closing marks.
        let mut j = i + 1;
        while j < chars.len()
            && (matches!(chars[j].1, '.' | '!' | '?' | '…') || is_closing(chars[j].1))
        {
            j += 1;
        }
        let boundary_end = if j < chars.len() {
            chars[j].0
        } else {
            para.len()
        };
        if j >= chars.len() {
            break;
        }
        if !chars[j].1.is_whitespace() {
            i = j;
            continue;
        }
        let next = word_after(para, boundary_end);
        let next_char = para[boundary_end..]
            .trim_start_matches(|c: char| c.is_whitespace() || is_opening(c))
            .chars()
            .next();
        let starts_upper = next_char.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        let opens_quote = para[boundary_end..].trim_start().starts_with(is_opening);
        let mut ends =
            starts_upper || (opens_quote && next_char.is_some_and(|c| !c.is_lowercase()));
        if ends && c == '.' && j == i + 1 {
            ends = stop_ends_sentence(word_before(para, pos + 1), next);
        }
        if ends {
            let s = para[sent_start..boundary_end].trim();
            if !s.is_empty() {
                let off = sent_start + para[sent_start..].find(s).unwrap_or(0);
                out.push(Span::new(start + off, start + off + s.len()));
            }
            sent_start = boundary_end;
        }
        i = j;
    }
    let s = para[sent_start..].trim();
    if !s.is_empty() {
        let off = sent_start + para[sent_start..].find(s).unwrap_or(0);
        out.push(Span::new(start + off, start + off + s.len()));
    }
}

/// A short paragraph without a closing full stop is a section heading.
fn is_heading(p: &str) -> bool {
    let n = p.split_whitespace().count();
    // A closing quote ends a sentence only after its own punctuation ("... again.”"); a
    // heading may end on a quoted word ("Case for a Security ‘Backstop’").
    let end = p.trim_end();
    let bare = end.trim_end_matches(['"', '”', '’', '\'']);
    n <= 15
        && !bare.ends_with(['.', '!', '?', ',', ';', ':', '…'])
        && !(bare.len() < end.len() && n >= 8)
}

/// Split an article's paragraphs into sentences.
pub fn segment(article: &Article) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (pi, p) in article.paragraphs.iter().enumerate() {
        let text = article.slice(*p);
        if is_heading(text) && !text.trim().is_empty() {
            out.push(Sentence {
                span: *p,
                paragraph: pi,
                heading: true,
            });
            continue;
        }
        let mut spans = Vec::new();
        split_paragraph(&article.text, p.start, p.end, &mut spans);
        out.extend(spans.into_iter().map(|span| Sentence {
            span,
            paragraph: pi,
            heading: false,
        }));
    }
    out
}

/// Split free text (one paragraph) into sentences; used by tools that have no article.
pub fn split_text(text: &str) -> Vec<&str> {
    let mut spans = Vec::new();
    split_paragraph(text, 0, text.len(), &mut spans);
    spans.iter().map(|s| &text[s.start..s.end]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &[&str]) {
        assert_eq!(split_text(text), expect);
    }

    #[test]
    fn titles_and_initials_do_not_end_sentences() {
        check(
            "Dr. Smith met Mr. J. R. Jones at 3 p.m. on Friday. They spoke.",
            &[
                "Dr. Smith met Mr. J. R. Jones at 3 p.m. on Friday.",
                "They spoke.",
            ],
        );
        check(
            "The U.S. President met C.I.A. staff in Tampa, Fla. with aides. No. 10 said so.",
            &[
                "The U.S. President met C.I.A. staff in Tampa, Fla. with aides.",
                "No. 10 said so.",
            ],
        );
    }

    #[test]
    fn abbreviations_end_sentences_before_an_opener() {
        check(
            "He works for Acme Corp. The firm grew 2.5% in the U.S. It hired.",
            &[
                "He works for Acme Corp.",
                "The firm grew 2.5% in the U.S.",
                "It hired.",
            ],
        );
    }

    #[test]
    fn quotes_around_sentence_ends() {
        check(
            "“We all want peace,” he said. “It’s got to last. That matters.” She agreed.",
            &[
                "“We all want peace,” he said.",
                "“It’s got to last.",
                "That matters.”",
                "She agreed.",
            ],
        );
        check(
            "“Are you sure?” he asked. Yes.",
            &["“Are you sure?” he asked.", "Yes."],
        );
    }

    #[test]
    fn headings_are_sentences() {
        let mut a = Article::new("a".into(), "t".into(), String::new());
        a.text = "A Delicate Balancing Act\n\nIt began. It ended.".into();
        a.paragraphs = vec![Span::new(0, 24), Span::new(26, a.text.len())];
        let s = segment(&a);
        assert_eq!(s.len(), 3);
        assert!(s[0].heading && !s[1].heading);
    }
}
