//! Abbreviations: words written with a full stop that need not end a sentence ("Mr.", "No.",
//! "Inc.", "Fla."), from `data/abbreviations.txt`, each with its class. In: a word. Out: its
//! [`Abbreviation`] class. Never decides a sentence end itself: that is the segmenter's job.

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::LazyLock;

/// What a full stop after the abbreviation may mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abbreviation {
    /// A title written before a name ("Mr", "Sen."): never ends a sentence.
    NameTitle,
    /// Another abbreviation that never ends a sentence ("No." before a number, "vs.", "e.g.").
    Title,
    /// An abbreviation that ends a sentence only when a sentence opener follows ("Inc.",
    /// "Fla.", "Jan.").
    MayEnd,
}

static ABBREVIATIONS: LazyLock<FxHashMap<&'static str, Abbreviation>> = LazyLock::new(|| {
    crate::entries(include_str!("../data/abbreviations.txt"))
        .filter_map(|line| {
            let (word, class) = line.split_once(char::is_whitespace)?;
            let class = match class.trim() {
                "name-title" => Abbreviation::NameTitle,
                "title" => Abbreviation::Title,
                "may-end" => Abbreviation::MayEnd,
                _ => return None,
            };
            Some((word, class))
        })
        .collect()
});

/// Name titles as written capitalised ("Mr", "Capt").
static CAPITALISED_TITLES: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    ABBREVIATIONS
        .iter()
        .filter(|(_, c)| **c == Abbreviation::NameTitle)
        .map(|(w, _)| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_uppercase().chain(cs).collect())
                .unwrap_or_default()
        })
        .collect()
});

/// The class of an abbreviation given in lower case without its final full stop ("dr",
/// "e.g", "inc").
pub fn abbreviation(word: &str) -> Option<Abbreviation> {
    ABBREVIATIONS.get(word).copied()
}

/// True for a name title written capitalised, exactly ("Dr", "Sen"; not "DR" or "dr"): the
/// tokenizer keeps the full stop after one as part of the word.
pub fn is_capitalised_name_title(word: &str) -> bool {
    CAPITALISED_TITLES.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(abbreviation("mr"), Some(Abbreviation::NameTitle));
        assert_eq!(abbreviation("no"), Some(Abbreviation::Title));
        assert_eq!(abbreviation("ft"), Some(Abbreviation::Title));
        assert_eq!(abbreviation("fla"), Some(Abbreviation::MayEnd));
        assert_eq!(abbreviation("smith"), None);
        assert!(is_capitalised_name_title("Capt") && !is_capitalised_name_title("CAPT"));
        assert!(!is_capitalised_name_title("No"));
    }
}
