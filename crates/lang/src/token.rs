//! Token: splits text into word and punctuation tokens with byte spans, and marks which
//! bytes lie inside quotation marks. Shared by the entity, quote and claim extractors.
//! In: `&str`. Out: `Vec<Token>` and `Vec<Span>`, spans relative to the text given.
//! Pure; never changes the text: a token is always a slice of it.

use crate::abbreviations::is_capitalised_name_title;
use corroborate_model::Span;

/// One token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token text.
    pub text: &'a str,
    /// Its bytes in the text given to [`tokenize`].
    pub span: Span,
    /// True for words (letters or digits), false for punctuation.
    pub word: bool,
}

impl Token<'_> {
    /// True when the word starts with an upper-case letter.
    pub fn is_capitalised(&self) -> bool {
        self.word && self.text.chars().next().is_some_and(char::is_uppercase)
    }
    /// True for an all-capitals word of two or more letters ("NATO", "U.S.").
    pub fn is_acronym(&self) -> bool {
        let letters: Vec<char> = self.text.chars().filter(|c| c.is_alphabetic()).collect();
        self.word && letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\u{00AD}'
}

/// Split `text` into tokens. Words keep inner apostrophes, hyphens and dots ("O’Brien",
/// "UK-US", "U.S.", "2.5"); a possessive "’s" becomes its own token.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    if text.is_ascii() {
        // One byte per character: no table of character offsets to build (the quote and
        // claim extractors tokenize windows of long text many times).
        let b = text.as_bytes();
        let n = b.len();
        tokens(
            text,
            n,
            |i| if i < n { char::from(b[i]) } else { ' ' },
            |i| i.min(n),
        )
    } else {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let n = chars.len();
        tokens(
            text,
            n,
            |i| if i < n { chars[i].1 } else { ' ' },
            |i| if i < n { chars[i].0 } else { text.len() },
        )
    }
}

/// [`tokenize`] over the `n` characters of `text`: `at(i)` is the `i`-th character (a space
/// past the end), `pos(i)` its byte offset (the text's length past the end).
fn tokens<'a>(
    text: &'a str,
    n: usize,
    at: impl Fn(usize) -> char,
    pos: impl Fn(usize) -> usize,
) -> Vec<Token<'a>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let c = at(i);
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if !is_word_char(c) {
            out.push(Token {
                text: &text[pos(i)..pos(i + 1)],
                span: Span::new(pos(i), pos(i + 1)),
                word: false,
            });
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        loop {
            let c = at(j);
            if is_word_char(c) {
                j += 1;
            } else if matches!(c, '\'' | '’' | '-' | '‐' | '.' | '&' | ',')
                && is_word_char(at(j + 1))
            {
                // A comma joins digits only ("1,000"); a dot joins letters or digits.
                if c == ',' && !(at(j - 1).is_ascii_digit() && at(j + 1).is_ascii_digit()) {
                    break;
                }
                j += 2;
            } else if c == '.' && j >= 2 && at(j - 2) == '.' && at(j - 1).is_alphabetic() {
                // The last dot of a dotted acronym: "U.S."
                j += 1;
                break;
            } else if c == '.' && is_capitalised_name_title(&text[pos(start)..pos(j)]) {
                // A title abbreviation keeps its dot: "Sen.", "Dr.", "Col.".
                j += 1;
                break;
            } else if c == '.'
                && j - start == 1
                && at(start).is_uppercase()
                && at(j + 1) == ' '
                && at(j + 2).is_uppercase()
            {
                // An initial: "J. R. Smith".
                j += 1;
                break;
            } else {
                break;
            }
        }
        let (s, e) = (pos(start), pos(j));
        let word = &text[s..e];
        // Split a trailing possessive.
        let poss = ["’s", "'s", "’S", "'S"]
            .iter()
            .find(|p| word.len() > p.len() + 1 && word.ends_with(**p));
        if let Some(p) = poss {
            let cut = e - p.len();
            out.push(Token {
                text: &text[s..cut],
                span: Span::new(s, cut),
                word: true,
            });
            out.push(Token {
                text: &text[cut..e],
                span: Span::new(cut, e),
                word: false,
            });
        } else {
            out.push(Token {
                text: word,
                span: Span::new(s, e),
                word: true,
            });
        }
        i = j;
    }
    out
}

/// Spans of text inside quotation marks (curly or straight double quotes; curly single quotes
/// that open after a space). Unclosed quotes run to the end of the text. Returned in order.
pub fn quoted_regions(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match (open, c) {
            (None, '“') => open = Some((i + c.len_utf8(), '”')),
            (None, '"') => open = Some((i + 1, '"')),
            (None, '‘') if !prev.is_alphanumeric() => open = Some((i + c.len_utf8(), '’')),
            (Some((s, '”')), '”') | (Some((s, '"')), '"') => {
                out.push(Span::new(s, i));
                open = None;
            }
            (Some((s, '’')), '’') => {
                let next = text[i + c.len_utf8()..].chars().next().unwrap_or(' ');
                if !next.is_alphanumeric() {
                    out.push(Span::new(s, i));
                    open = None;
                }
            }
            (Some((_, '’')), '“') => open = Some((i + c.len_utf8(), '”')),
            (Some((s, '”')), '“') => {
                // A new opening mark without a close: the earlier quote ran to here.
                out.push(Span::new(s, i));
                open = Some((i + c.len_utf8(), '”'));
            }
            _ => {}
        }
        prev = c;
    }
    if let Some((s, _)) = open {
        out.push(Span::new(s, text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_marks_and_split_possessives() {
        let t: Vec<&str> =
            tokenize("Starmer’s UK-US talks: 2.5% of $1,000 in the U.S. with J. R. Smith.")
                .iter()
                .map(|t| t.text)
                .collect();
        assert_eq!(
            t,
            [
                "Starmer", "’s", "UK-US", "talks", ":", "2.5", "%", "of", "$", "1,000", "in",
                "the", "U.S.", "with", "J.", "R.", "Smith", "."
            ]
        );
    }

    #[test]
    fn quoted_regions_pair_marks() {
        let s = "He said “yes” and ‘maybe’ but \"no\".";
        let r: Vec<&str> = quoted_regions(s)
            .iter()
            .map(|sp| &s[sp.start..sp.end])
            .collect();
        assert_eq!(r, ["yes", "maybe", "no"]);
    }
}
