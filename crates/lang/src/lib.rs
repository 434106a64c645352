//! corroborate-lang: the one language layer every stage reads words and dates through.
//! Tokens with byte spans ([`token`]), word splitting, stems and spelling folds ([`words`]),
//! stop words ([`stopwords`]), month and weekday names and calendar arithmetic ([`calendar`]),
//! dates as metadata writes them ([`date`]) and abbreviations ([`abbreviations`]).
//! Word lists are data files under `data/`, one entry a line, compiled in with `include_str!`
//! and parsed once on first use.
//!
//! Boundary: no IO, no clock, no environment; pure functions of their arguments. It knows
//! English (and the month names of four other languages), not articles, stories or stages.
//!
//! ```
//! use corroborate_lang::{calendar, date, stopwords, token, words};
//! assert_eq!(date::parse_field_date("Feb. 27, 2025").as_deref(), Some("2025-02-27"));
//! assert_eq!(calendar::day_number("1970-01-02"), Some(1));
//! assert!(stopwords::is_stop_word("the"));
//! assert_eq!(words::stem("talks"), "talk");
//! assert_eq!(token::tokenize("Dr. Smith")[0].text, "Dr.");
//! ```

pub mod abbreviations;
pub mod calendar;
pub mod date;
pub mod stopwords;
pub mod token;
pub mod words;

/// The entries of a word-list data file: one a line, trimmed; blank lines and lines starting
/// with `#` are skipped.
fn entries(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}
