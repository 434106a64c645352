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

/// A short paragraph without a closing full stop is a section heading, and so is a short
/// question in title case ("What Lies Ahead?").
fn is_heading(p: &str) -> bool {
    let n = p.split_whitespace().count();
    // A closing quote ends a sentence only after its own punctuation ("... again.”"); a
    // heading may end on a quoted word ("Case for a Security ‘Backstop’").
    // Invisible characters (a zero-width space) after the full stop do not hide it.
    let end = p.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
            )
    });
    let bare = end.trim_end_matches(['"', '”', '’', '\'']);
    let statement = n <= 15
        && !bare.ends_with(['.', '!', '?', ',', ';', ':', '…'])
        && !(bare.len() < end.len() && n >= 8);
    statement || (n <= 8 && bare.ends_with('?') && !bare.ends_with("??") && title_case(bare))
}

/// Every word of four letters or more is capitalised, and there are at least two.
fn title_case(p: &str) -> bool {
    let long: Vec<&str> = p
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    long.len() >= 2
        && long.iter().all(|w| {
            w.chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_uppercase)
        })
}

/// Split an article's paragraphs into sentences. In a transcript ([`transcript_labels`]) a
/// speaker label is no part of a sentence, and a stage direction ("(SOUNDBITE OF ...)")
/// counts as a heading.
pub fn segment(article: &Article) -> Vec<Sentence> {
    let labels = transcript_labels(article);
    let mut out = Vec::new();
    for (pi, p) in article.paragraphs.iter().enumerate() {
        let text = article.slice(*p);
        let direction = !labels.is_empty() && is_stage_direction(text);
        if (direction || is_heading(text)) && !text.trim().is_empty() {
            out.push(Sentence {
                span: *p,
                paragraph: pi,
                heading: true,
            });
            continue;
        }
        let from = match labels.get(pi).copied().flatten() {
            Some(l) if l.own => p.start + l.len,
            _ => p.start,
        };
        let mut spans = Vec::new();
        split_paragraph(&article.text, from, p.end, &mut spans);
        out.extend(spans.into_iter().map(|span| Sentence {
            span,
            paragraph: pi,
            heading: false,
        }));
    }
    out
}

/// A transcript's speaker label: "ROSIE CURTS: ", "SACHA PFEIFFER, HOST: ",
/// "UNIDENTIFIED PERSON #1: ".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    /// Bytes of the label (name, role, colon and the spaces after it) from the paragraph start;
    /// 0 when the paragraph continues a label that stood alone on the paragraph before.
    pub len: usize,
    /// Bytes of the name from the paragraph start (of the labelled paragraph).
    pub name: Span,
    /// Bytes of the role ("HOST", "BYLINE"), when given.
    pub role: Option<Span>,
    /// The paragraph holding the label.
    pub paragraph: usize,
    /// True when the label opens this paragraph, false when inherited.
    pub own: bool,
}

/// Paragraphs opening with a speaker label, at least this many, make an article a transcript.
const TRANSCRIPT_LABELS: usize = 3;

/// The speaker label of each paragraph when the article is a transcript (at least
/// [`TRANSCRIPT_LABELS`] paragraphs open with an upper-case name and a colon), else an empty
/// list. A label standing alone on its paragraph holds for the next paragraph.
pub fn transcript_labels(article: &Article) -> Vec<Option<Label>> {
    let mut out: Vec<Option<Label>> = Vec::with_capacity(article.paragraphs.len());
    let mut found = 0;
    for (pi, p) in article.paragraphs.iter().enumerate() {
        let text = article.slice(*p);
        match label_of(text) {
            Some((len, name, role)) => {
                found += 1;
                out.push(Some(Label {
                    len,
                    name,
                    role,
                    paragraph: pi,
                    own: true,
                }));
            }
            None => {
                let inherited = match out.last().copied().flatten() {
                    Some(l) if l.own && l.paragraph + 1 == pi => {
                        let whole = article.slice(article.paragraphs[l.paragraph]);
                        (whole.trim_end().len() <= l.len).then_some(Label {
                            len: 0,
                            own: false,
                            ..l
                        })
                    }
                    _ => None,
                };
                out.push(inherited);
            }
        }
    }
    if found < TRANSCRIPT_LABELS {
        out.clear();
    }
    out
}

/// An upper-case word of a label: letters (no lower case), hyphens, apostrophes, dots, or a
/// number sign with digits ("#1").
fn label_word(w: &str) -> bool {
    if let Some(d) = w.strip_prefix('#') {
        return !d.is_empty() && d.chars().all(|c| c.is_ascii_digit());
    }
    w.chars().any(char::is_alphabetic)
        && w.chars()
            .all(|c| c.is_uppercase() || matches!(c, '-' | '\'' | '’' | '.'))
}

/// The label opening a paragraph: (its length with the colon and spaces, the name, the role).
fn label_of(p: &str) -> Option<(usize, Span, Option<Span>)> {
    let colon = p.get(..p.len().min(80))?.find(':')?;
    let after = &p[colon + 1..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None; // "10:30", "http://"
    }
    let head = &p[..colon];
    let (name, role) = match head.split_once(", ") {
        Some((n, r)) => (n, Some(r)),
        None => (head, None),
    };
    let words: Vec<&str> = name.split(' ').collect();
    let upper_letters = name.chars().filter(|c| c.is_uppercase()).count();
    if words.is_empty()
        || words.len() > 5
        || upper_letters < 2
        || !words.iter().all(|w| label_word(w))
        || !role.is_none_or(|r| r.split(' ').all(label_word) && r.split(' ').count() <= 4)
    {
        return None;
    }
    let len = colon + 1 + (after.len() - after.trim_start().len());
    let role = role.map(|r| {
        let start = name.len() + 2;
        Span::new(start, start + r.len())
    });
    Some((len, Span::new(0, name.len()), role))
}

/// A transcript's stage direction: a paragraph in parentheses written in capitals.
fn is_stage_direction(p: &str) -> bool {
    let t = p.trim();
    t.starts_with('(')
        && t.ends_with(')')
        && t.chars().any(char::is_alphabetic)
        && !t.chars().any(char::is_lowercase)
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
    fn transcript_labels_are_no_text() {
        let mut a = Article::new("a".into(), "t".into(), String::new());
        a.text = "JANE DOE, HOST:\n\nGood morning. Here is Bob.\n\nBOB O'NEIL: It is cold. Very.\n\n(SOUNDBITE OF MUSIC)\n\nUNIDENTIFIED PERSON #1: Yes.\n\nDOE: Thanks, at 10:30.".into();
        let mut start = 0;
        for p in a.text.clone().split("\n\n") {
            a.paragraphs.push(Span::new(start, start + p.len()));
            start += p.len() + 2;
        }
        let labels = transcript_labels(&a);
        assert_eq!(labels.iter().flatten().filter(|l| l.own).count(), 4);
        let host = labels[0].unwrap();
        assert_eq!(&a.text[host.name.start..host.name.end], "JANE DOE");
        assert!(labels[1].is_some_and(|l| !l.own && l.paragraph == 0));
        let texts: Vec<(&str, bool)> = segment(&a)
            .iter()
            .map(|s| (a.slice(s.span), s.heading))
            .collect();
        assert_eq!(
            texts,
            [
                ("Good morning.", false),
                ("Here is Bob.", false),
                ("It is cold.", false),
                ("Very.", false),
                ("(SOUNDBITE OF MUSIC)", true),
                ("Yes.", false),
                ("Thanks, at 10:30.", false),
            ]
        );
        // One label is a dateline, not a transcript.
        a.text = "LONDON: It rained. It stopped.".into();
        a.paragraphs = vec![Span::new(0, a.text.len())];
        assert!(transcript_labels(&a).is_empty());
        assert_eq!(segment(&a).len(), 2);
        assert!(label_of("US: a plan").is_some() && label_of("Note: lower").is_none());
    }

    #[test]
    fn headings_are_sentences() {
        let mut a = Article::new("a".into(), "t".into(), String::new());
        a.text = "A Delicate Balancing Act\n\nIt began. It ended.".into();
        a.paragraphs = vec![Span::new(0, 24), Span::new(26, a.text.len())];
        let s = segment(&a);
        assert_eq!(s.len(), 3);
        assert!(s[0].heading && !s[1].heading);
        assert!(is_heading("What Lies Ahead?"));
        assert!(!is_heading("Maria Lopez said it today.\u{200b}"));
        assert!(!is_heading("What does this mean for Ukraine?"));
        assert!(!is_heading("Who Will Pay?? Nobody knows."));
    }
}
