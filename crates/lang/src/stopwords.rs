//! Stop words: English words that carry no content of their own, from `data/stopwords.txt`,
//! and the two extensions stages need beside it: claims drop contractions, modals and
//! connectives (`data/stopwords-claim.txt`); topics drop reporting verbs, time words, weekdays
//! and web furniture (`data/stopwords-topic.txt`, `data/weekdays.txt`). In: a lower-case word
//! as the caller normalised it. Out: a yes or no. Never lower-cases or stems for the caller.

use rustc_hash::FxHashSet;
use std::sync::LazyLock;

const CORE: &str = include_str!("../data/stopwords.txt");

fn set(extra: &[&'static str]) -> FxHashSet<&'static str> {
    crate::entries(CORE)
        .chain(extra.iter().flat_map(|d| crate::entries(d)))
        .collect()
}

static STOP: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| set(&[]));
static CLAIM: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| set(&[include_str!("../data/stopwords-claim.txt")]));
static TOPIC: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| {
    set(&[
        include_str!("../data/stopwords-topic.txt"),
        include_str!("../data/weekdays.txt"),
    ])
});

/// True for an English function word ("the", "of", "would", "mr").
pub fn is_stop_word(word: &str) -> bool {
    STOP.contains(word)
}

/// True for a word that does not change which fact a claim states: the function words and
/// contractions, modals and connectives ("'s", "may", "however").
pub fn is_claim_stop_word(word: &str) -> bool {
    CLAIM.contains(word)
}

/// True for a word that names no topic of a story: the function words and reporting verbs,
/// time words, weekdays and web furniture ("said", "yesterday", "monday", "http").
pub fn is_topic_stop_word(word: &str) -> bool {
    TOPIC.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_lists_share_the_function_words() {
        for w in ["the", "would", "mr"] {
            assert!(
                is_stop_word(w) && is_claim_stop_word(w) && is_topic_stop_word(w),
                "{w}"
            );
        }
        assert!(is_claim_stop_word("however") && !is_topic_stop_word("however"));
        assert!(is_topic_stop_word("monday") && !is_claim_stop_word("monday"));
        assert!(!is_stop_word("said") && !is_stop_word("#"));
    }
}
