//! Date: reads a date as metadata writes it and returns `YYYY-MM-DD`. Two grammars, because
//! the callers disagree on purpose and both behaviours are kept:
//!
//! - [`parse_date`], for dates of web pages (meta tags, JSON-LD, `<time>`, datelines, WARC and
//!   news-please headers): the first date anywhere in the text, as ISO 8601 with or without a
//!   time, `2019/11/19`, `20191119`, `19.11.2019`, `11/19/2019`, `Nov 19, 2019`,
//!   `19 November 2019`, `19. November 2019`, `2019年11月19日`, `2019. 11. 19.`, with month
//!   names in English, German, French, Spanish and Italian. Years outside 1990-2039 are not
//!   dates of news, and 29 February needs a leap year.
//! - [`parse_field_date`], for the date line of a plain-text article and the `date` field of
//!   JSON Lines: the field must open with `2025-02-27` (a time may follow), `27 February 2025`
//!   or `February 27, 2025` (English month names only); the first form that matches decides;
//!   any year 1000-2999 passes and 29 February passes in every year. Text and JSONL articles
//!   with the same date line get the same date, and the numbers stage reads ISO dates in
//!   running text by the same rule.
//!
//! [`url_date`] reads a date from a URL path. The calendar date is taken as written (no
//! time-zone shift). Pure; never panics.

use crate::calendar;
use regex::Regex;
use std::sync::LazyLock;

/// A date of news on a web page: years 1990-2039, the day checked against its month.
fn valid(y: i32, m: u32, d: u32) -> Option<String> {
    if !(1990..=2039).contains(&y) || d == 0 || d > calendar::days_in_month(y.into(), m) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
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
        if let Some(m) = calendar::month_number(&c[2]) {
            if let Some(d) = valid(c[3].parse().ok()?, m, c[1].parse().ok()?) {
                best = Some((c.get(0).map_or(0, |g| g.start()), d));
                break;
            }
        }
    }
    for c in MDY.captures_iter(s) {
        if let Some(m) = calendar::month_number(&c[1]) {
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

/// A calendar date of years 1000-2999; 29 February is accepted in every year.
fn field_ymd(y: i32, m: u32, d: u32) -> Option<String> {
    // The days of a month in a leap year: 29 February passes in every year.
    let ok = (1000..=2999).contains(&y) && d >= 1 && d <= calendar::days_in_month(2000, m);
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
            calendar::english_month(&c[2])?,
            c[1].parse().ok()?,
        );
    }
    if let Some(c) = FIELD_MDY.captures(s) {
        return field_ymd(
            c[3].parse().ok()?,
            calendar::english_month(&c[1])?,
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
