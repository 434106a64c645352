//! Words: splits text into words, stems them with one English Snowball stemmer, and folds
//! British spellings onto American ones. In: `&str`. Out: word slices of the text given, stems
//! and folded strings. Never lower-cases or drops stop words unless a function says so.

use rust_stemmers::{Algorithm, Stemmer};
use std::borrow::Cow;
use std::sync::LazyLock;

/// The apostrophes words keep inside them: straight and curly ("don't", "O’Brien").
pub const APOSTROPHES: [char; 2] = ['\'', '’'];

/// The words of `text`: maximal runs of letters and digits, in order, never empty.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    words_joined_by(text, &[])
}

/// The words of `text` when the `joiners` count as word characters too (apostrophes for
/// "don't", hyphens for "UK-US"): maximal runs of letters, digits and joiners, never empty.
pub fn words_joined_by<'a>(text: &'a str, joiners: &'a [char]) -> impl Iterator<Item = &'a str> {
    text.split(move |c: char| !(c.is_alphanumeric() || joiners.contains(&c)))
        .filter(|w| !w.is_empty())
}

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The English (Porter 2) stem of a lower-case word: "talks" and "talking" give "talk".
pub fn stem(word: &str) -> Cow<'_, str> {
    STEMMER.stem(word)
}

/// Fold British and American spellings of a lower-case word onto one form before stemming
/// ("organisation" to "organization", "labour" to "labor", "defence" to "defense", "centre"
/// to "center"). Applied to both sides of a comparison alike, so a rule only has to be
/// consistent, not linguistically exact.
pub fn fold_spelling(w: &str) -> String {
    let mut s = w.to_string();
    if s.len() >= 7 {
        for (from, to) in [
            ("isation", "ization"),
            ("ising", "izing"),
            ("ised", "ized"),
            ("ises", "izes"),
            ("lled", "led"),
            ("lling", "ling"),
        ] {
            if let Some(stem) = s.strip_suffix(from) {
                s = format!("{stem}{to}");
                break;
            }
        }
    }
    if s.len() >= 6 {
        if let Some(stem) = s.strip_suffix("our") {
            s = format!("{stem}or");
        } else if let Some(stem) = s.strip_suffix("ise") {
            s = format!("{stem}ize");
        }
    }
    if let Some(stem) = s.strip_suffix("fence") {
        s = format!("{stem}fense");
    }
    if let Some(stem) = s.strip_suffix("tre") {
        if s.len() >= 5 {
            s = format!("{stem}ter");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_stem_fold() {
        let w: Vec<&str> = words("“UK-US talks,” don't 2.5").collect();
        assert_eq!(w, ["UK", "US", "talks", "don", "t", "2", "5"]);
        let w: Vec<&str> = words_joined_by("don't O’Brien-led", &APOSTROPHES).collect();
        assert_eq!(w, ["don't", "O’Brien", "led"]);
        assert_eq!(stem("talking"), "talk");
        for (a, b) in [
            ("organisation", "organization"),
            ("labour", "labor"),
            ("defence", "defense"),
            ("centre", "center"),
            ("travelled", "traveled"),
        ] {
            assert_eq!(fold_spelling(a), b);
        }
    }
}
