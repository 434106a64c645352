//! Calendar: month and weekday names (from `data/months.txt` and `data/weekdays.txt`), month
//! lengths, and the proleptic Gregorian calendar as day numbers (days since 1970-01-01) and
//! back to `YYYY-MM-DD`. In: words and dates as strings. Out: numbers and `YYYY-MM-DD`.
//! Never guesses a date from a partial one; never panics on any input.

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// A month name as the data file lists it.
struct MonthName {
    number: u32,
    english: bool,
}

static MONTHS: LazyLock<FxHashMap<&'static str, MonthName>> = LazyLock::new(|| {
    crate::entries(include_str!("../data/months.txt"))
        .filter_map(|line| {
            let mut cols = line.split_whitespace();
            let name = cols.next()?;
            let number = cols.next()?.parse().ok()?;
            let english = cols.any(|lang| lang == "en");
            Some((name, MonthName { number, english }))
        })
        .collect()
});

static WEEKDAYS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| crate::entries(include_str!("../data/weekdays.txt")).collect());

/// The month (1-12) a month name stands for, in English, German, French, Spanish or Italian,
/// full or abbreviated, in any case, with or without a final full stop ("Nov.", "März").
pub fn month_number(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_lowercase();
    MONTHS.get(n.as_str()).map(|m| m.number)
}

/// The month (1-12) of an English month name, its three-letter abbreviation or "sept", in any
/// case, with or without a final full stop ("Feb.", "SEPT", "march").
pub fn english_month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    MONTHS
        .get(w.as_str())
        .filter(|m| m.english)
        .map(|m| m.number)
}

/// A regular-expression fragment matching an English month name or abbreviation as running
/// text writes it, capitalised, with an optional full stop ("Jan.", "Sept", "December").
/// It matches a little more than [`english_month`] accepts ("Septtember"): check with that.
pub const ENGLISH_MONTH_PATTERN: &str = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";

/// True for an English weekday name written in lower case ("monday").
pub fn is_weekday(word: &str) -> bool {
    WEEKDAYS.contains(&word)
}

/// True for the first three letters of an English weekday in lower case ("mon", "thu").
pub fn is_weekday_abbreviation(word: &str) -> bool {
    word.len() == 3 && WEEKDAYS.iter().any(|d| d.starts_with(word))
}

/// True for a leap year of the Gregorian calendar.
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in month `month` (1-12) of `year`; 0 for a month out of range.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date. Checks that the month is 1-12 and the day
/// 1-31, not that the day exists in that month (callers pass dates already checked).
pub fn day_number(date: &str) -> Option<i64> {
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146097 + doe - 719468)
}

/// The `YYYY-MM-DD` date of a day number (inverse of [`day_number`]).
pub fn date_of_day(day: i64) -> String {
    // Civil from days (Howard Hinnant's algorithm).
    let z = day + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_in_five_languages_and_english_alone() {
        for (w, m) in [
            ("Nov.", 11),
            ("märz", 3),
            ("Jänner", 1),
            ("sept", 9),
            ("août", 8),
        ] {
            assert_eq!(month_number(w), Some(m), "{w}");
        }
        for (w, m) in [("Feb.", Some(2)), ("SEPT", Some(9)), ("march", Some(3))] {
            assert_eq!(english_month(w), m, "{w}");
        }
        for w in ["mai", "märz", "ma", "sept.ember", "febr"] {
            assert_eq!(english_month(w), None, "{w}");
        }
    }

    #[test]
    fn weekdays() {
        assert!(is_weekday("sunday") && !is_weekday("Sunday"));
        assert!(is_weekday_abbreviation("thu") && !is_weekday_abbreviation("th"));
    }

    #[test]
    fn day_numbers_are_civil_days() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2025-02-27"), Some(20146));
        assert_eq!(
            day_number("2024-03-01").unwrap() - day_number("2024-02-28").unwrap(),
            2
        );
        assert_eq!(day_number("2025-13-01"), None);
        for d in [
            "1970-01-01",
            "2000-02-29",
            "2024-12-31",
            "1899-03-01",
            "2025-02-27",
            "1999-12-31",
        ] {
            assert_eq!(date_of_day(day_number(d).unwrap()), d);
        }
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
    }
}
