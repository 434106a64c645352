//! Dates as web pages write them, turned into `YYYY-MM-DD`: ISO 8601 with or without a time,
//! `2019/11/19`, `20191119` in URLs, `19.11.2019`, `11/19/2019`, `Nov 19, 2019`,
//! `19 November 2019`, `19. November 2019`, `2019年11月19日`, `2019. 11. 19.` and month names
//! in English, German, French, Spanish and Italian. The calendar date is taken as written (no time-zone shift).
//! Years outside 1990-2039 are not dates of news. Pure; never panics.
//!
//! A `date` field of JSON Lines is read by the narrower [`parse_field_date`]: the rules of the
//! pipeline's `clean::parse_date` (which reads the date line of a plain-text article), so a
//! JSONL article and a text article with the same date line get the same date. The two grammars
//! are meant to meet in one language layer (issue 13, item 3); until then this one must not
//! drift from `clean::parse_date`.

use regex::Regex;
use std::sync::LazyLock;

fn valid(y: i32, m: u32, d: u32) -> Option<String> {
    if !(1990..=2039).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d > days[(m - 1) as usize] {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// The month a (lower-case, possibly abbreviated) month name stands for.
pub fn month_number(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_lowercase();
    const NAMES: &[(&str, u32)] = &[
        ("january", 1),
        ("jan", 1),
        ("januar", 1),
        ("janvier", 1),
        ("enero", 1),
        ("gennaio", 1),
        ("jänner", 1),
        ("february", 2),
        ("feb", 2),
        ("februar", 2),
        ("février", 2),
        ("fevrier", 2),
        ("febrero", 2),
        ("febbraio", 2),
        ("march", 3),
        ("mar", 3),
        ("märz", 3),
        ("mär", 3),
        ("mars", 3),
        ("marzo", 3),
        ("april", 4),
        ("apr", 4),
        ("avril", 4),
        ("abril", 4),
        ("aprile", 4),
        ("may", 5),
        ("mai", 5),
        ("mayo", 5),
        ("maggio", 5),
        ("june", 6),
        ("jun", 6),
        ("juni", 6),
        ("juin", 6),
        ("junio", 6),
        ("giugno", 6),
        ("july", 7),
        ("jul", 7),
        ("juli", 7),
        ("juillet", 7),
        ("julio", 7),
        ("luglio", 7),
        ("august", 8),
        ("aug", 8),
        ("août", 8),
        ("aout", 8),
        ("agosto", 8),
        ("september", 9),
        ("sep", 9),
        ("sept", 9),
        ("septembre", 9),
        ("septiembre", 9),
        ("settembre", 9),
        ("october", 10),
        ("oct", 10),
        ("oktober", 10),
        ("okt", 10),
        ("octobre", 10),
        ("octubre", 10),
        ("ottobre", 10),
        ("november", 11),
        ("nov", 11),
        ("novembre", 11),
        ("noviembre", 11),
        ("december", 12),
        ("dec", 12),
        ("dezember", 12),
        ("dez", 12),
        ("décembre", 12),
        ("decembre", 12),
        ("diciembre", 12),
        ("dicembre", 12),
    ];
    NAMES.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
}

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    // Also CJK (2019年11月19日) and Korean (2019. 11. 19.) year-first dates.
    Regex::new(
        r"(?:^|[^0-9])((?:19|20)\d\d)(?:[-/.]|\.\s|\s?年\s?)(\d{1,2})(?:[-/.]|\.\s|\s?月\s?)(\d{1,2})(?:[^0-9]|$)",
    )
    .unwrap()
});
static COMPACT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^((?:19|20)\d\d)(\d\d)(\d\d)(?:T|$)").unwrap());
static DMY_NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d\d)(?:[^0-9]|$)").unwrap()
});
static MDY_NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?:[^0-9]|$)").unwrap()
});
static DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^0-9])(\d{1,2})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(\p{L}{3,10})\.?,?\s+(?:de\s+)?((?:19|20)\d\d)(?:[^0-9]|$)").unwrap()
});
static MDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^\p{L}])(\p{L}{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?:[^0-9]|$)")
        .unwrap()
});

/// The first date in `s`, as `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.len() > 400 {
        return None;
    }
    if let Some(c) = ISO.captures(s) {
        if let Some(d) = valid(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?) {
            return Some(d);
        }
    }
    if let Some(c) = COMPACT.captures(s) {
        if let Some(d) = valid(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?) {
            return Some(d);
        }
    }
    if let Some(c) = DMY_NUM.captures(s) {
        if let Some(d) = valid(c[3].parse().ok()?, c[2].parse().ok()?, c[1].parse().ok()?) {
            return Some(d);
        }
    }
    let mut best: Option<(usize, String)> = None;
    for c in DMY.captures_iter(s) {
        if let Some(m) = month_number(&c[2]) {
            if let Some(d) = valid(c[3].parse().ok()?, m, c[1].parse().ok()?) {
                best = Some((c.get(0).map_or(0, |g| g.start()), d));
                break;
            }
        }
    }
    for c in MDY.captures_iter(s) {
        if let Some(m) = month_number(&c[1]) {
            if let Some(d) = valid(c[3].parse().ok()?, m, c[2].parse().ok()?) {
                let at = c.get(0).map_or(0, |g| g.start());
                if best.as_ref().is_none_or(|(b, _)| at < *b) {
                    best = Some((at, d));
                }
                break;
            }
        }
    }
    if let Some((_, d)) = best {
        return Some(d);
    }
    if let Some(c) = MDY_NUM.captures(s) {
        let (a, b): (u32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?);
        let y = c[3].parse().ok()?;
        return valid(y, a, b).or_else(|| valid(y, b, a));
    }
    None
}

/// English month number (1-12) of a month name or its three-letter abbreviation (`sept` too).
fn english_month(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    if w == "sept" {
        return Some(9);
    }
    let i = MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(w.as_str())))?;
    Some(i as u32 + 1)
}

/// A calendar date of years 1000-2999; 29 February is accepted in every year.
fn field_ymd(y: i32, m: u32, d: u32) -> Option<String> {
    const DAYS: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let ok =
        (1000..=2999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= DAYS[m as usize - 1];
    ok.then(|| format!("{y:04}-{m:02}-{d:02}"))
}

static FIELD_ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:$|[^0-9])").unwrap());
static FIELD_DMY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})\b").unwrap());
static FIELD_MDY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b").unwrap());

/// A date field that opens with `2025-02-27` (a time may follow), `27 February 2025` or
/// `February 27, 2025` (English month names), as `YYYY-MM-DD`. The first form that matches
/// decides: `2025-02-30` is no date, not a search for another one.
pub fn parse_field_date(s: &str) -> Option<String> {
    if let Some(c) = FIELD_ISO.captures(s) {
        return field_ymd(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    }
    if let Some(c) = FIELD_DMY.captures(s) {
        return field_ymd(
            c[3].parse().ok()?,
            english_month(&c[2])?,
            c[1].parse().ok()?,
        );
    }
    if let Some(c) = FIELD_MDY.captures(s) {
        return field_ymd(
            c[3].parse().ok()?,
            english_month(&c[1])?,
            c[2].parse().ok()?,
        );
    }
    None
}

static URL_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/((?:19|20)\d\d)[/-]?(\d\d)[/-]?(\d\d)(?:[/_.-]|$)").unwrap());

/// A date in a URL path (`/2019/11/19/`, `/2019-11-19-`, `/20191119/`).
pub fn url_date(url: &str) -> Option<String> {
    let c = URL_DATE.captures(url)?;
    valid(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        for (s, d) in [
            ("2019-11-19T10:00:00+01:00", "2019-11-19"),
            ("2019/11/19", "2019-11-19"),
            ("20191119", "2019-11-19"),
            ("Posted on Nov. 19, 2019 at 5pm", "2019-11-19"),
            ("Tuesday, 19 November 2019", "2019-11-19"),
            ("Tue, 19 Nov 2019 10:00:00 GMT", "2019-11-19"),
            ("19. November 2019", "2019-11-19"),
            ("19.11.2019, 10:00 Uhr", "2019-11-19"),
            ("19 de noviembre de 2019", "2019-11-19"),
            ("11/19/2019", "2019-11-19"),
            ("le 3 mars 2021", "2021-03-03"),
            ("March 3rd, 2021", "2021-03-03"),
            ("2019年11月19日 10:00", "2019-11-19"),
            ("입력 2019. 11. 19. 오후 3:10", "2019-11-19"),
            ("2019.11.19", "2019-11-19"),
        ] {
            assert_eq!(parse_date(s).as_deref(), Some(d), "{s}");
        }
        for s in [
            "",
            "no date here",
            "2019-13-45",
            "1850-01-01",
            "31 February 2020",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn field_dates_keep_the_plain_text_rules() {
        for (s, d) in [
            ("2025-02-27T10:00:00Z", Some("2025-02-27")),
            ("27 February 2025", Some("2025-02-27")),
            ("Feb. 27, 2025", Some("2025-02-27")),
            ("Sept 3, 2021", Some("2021-09-03")),
            ("1850-01-01", Some("1850-01-01")),
            ("2025-02-29", Some("2025-02-29")),
            ("2025-02-30", None),
            ("19 Januar 2020", None),
            ("Posted 2025-02-27", None),
            ("19.11.2019", None),
        ] {
            assert_eq!(parse_field_date(s).as_deref(), d, "{s}");
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            url_date("https://www.nytimes.com/2019/11/19/opinion/x.html").as_deref(),
            Some("2019-11-19")
        );
        assert_eq!(
            url_date("https://x.org/news/2019-11-19-title").as_deref(),
            Some("2019-11-19")
        );
        assert_eq!(url_date("https://x.org/a/123456789"), None);
    }
}
