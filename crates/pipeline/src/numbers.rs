//! Numbers: finds percentages, money, counts, dates and years in each sentence of an article,
//! with a normalized value and unit ("2.5%" and "2.5 per cent" are both 2.5 percent;
//! "£1.2bn" is 1.2e9 GBP; "April 2027" is month 2027-04; "27 February" a date).
//! In: `&Article`. Out: `Vec<NumberMention>` in text order. No IO; spans are verbatim.

use corroborate_lang::calendar::{english_month, ENGLISH_MONTH_PATTERN as MONTH};
use corroborate_lang::date::parse_field_date;
use corroborate_model::{Article, NumberMention, Span};
use regex::Regex;
use std::sync::LazyLock;

const NUM: &str = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?";
const WORD_NUMBERS: &[(&str, f64)] = &[
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("hundred", 100.0),
    ("dozen", 12.0),
    ("hundreds", 100.0),
    ("thousands", 1000.0),
];

static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    let scale = r"(?:\s*(?:trillion|billion|million|thousand|bn|tn|m|k)\b)?";
    let p = |s: String| Regex::new(&s).unwrap();
    vec![
        ("iso", p(r"\b(\d{4})-(\d{2})-(\d{2})\b".to_string())),
        ("dmy", p(format!(r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH})(?:,?\s+(\d{{4}}))?\b"))),
        ("mdy", p(format!(r"\b({MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"))),
        ("my", p(format!(r"\b({MONTH})\s+(\d{{4}})\b"))),
        ("money", p(format!(r"(US\$|[$£€¥])\s?({NUM}){scale}"))),
        ("money_words", p(format!(r"\b({NUM}){scale}\s+(dollars|pounds|euros|yen)\b"))),
        ("percent", p(format!(r"({NUM})\s?(?:%|per\s?cent\b|percent\b|percentage points?\b)"))),
        ("year", p(r"\b(1[89]\d\d|20\d\d)\b(?:s\b)?".to_string())),
        ("count", p(format!(r"\b({NUM})(\s*(?:trillion|billion|million|thousand)\b)?"))),
        ("word", p(r"(?i)\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a dozen|dozens|hundreds|thousands)\b".to_string())),
    ]
});

fn parse_num(s: &str) -> Option<f64> {
    s.replace(',', "").parse().ok()
}

fn scale_of(s: &str) -> f64 {
    let t = s.trim().to_lowercase();
    match t.as_str() {
        "trillion" | "tn" => 1e12,
        "billion" | "bn" => 1e9,
        "million" | "m" => 1e6,
        "thousand" | "k" => 1e3,
        _ => 1.0,
    }
}

fn currency(sym: &str) -> &'static str {
    match sym {
        "£" | "pounds" => "GBP",
        "€" | "euros" => "EUR",
        "¥" | "yen" => "JPY",
        _ => "USD",
    }
}

/// Find the numbers of one sentence text. Spans are relative to `text`.
pub fn numbers_in(text: &str) -> Vec<(Span, f64, String, Option<String>)> {
    let mut taken: Vec<Span> = Vec::new();
    let mut out = Vec::new();
    for (kind, re) in PATTERNS.iter() {
        for c in re.captures_iter(text) {
            let m = c.get(0).unwrap();
            let span = Span::new(m.start(), m.end());
            if taken
                .iter()
                .any(|t| t.start < span.end && span.start < t.end)
            {
                continue;
            }
            let found: Option<(f64, String, Option<String>)> = match *kind {
                "iso" => parse_field_date(m.as_str()).map(|d| {
                    (
                        d.replace('-', "").parse().unwrap_or(0.0),
                        "date".into(),
                        Some(d),
                    )
                }),
                "dmy" | "mdy" => {
                    let (d, mo) = if *kind == "dmy" {
                        (&c[1], &c[2])
                    } else {
                        (&c[2], &c[1])
                    };
                    let (Some(mo), Ok(d)) = (english_month(mo), d.parse::<u32>()) else {
                        continue;
                    };
                    if !(1..=31).contains(&d) {
                        continue;
                    }
                    match c.get(3) {
                        Some(y) => Some((
                            format!("{}{mo:02}{d:02}", y.as_str())
                                .parse()
                                .unwrap_or(0.0),
                            "date".into(),
                            Some(format!("{}-{mo:02}-{d:02}", y.as_str())),
                        )),
                        None => Some((
                            (mo * 100 + d) as f64,
                            "date".into(),
                            Some(format!("--{mo:02}-{d:02}")),
                        )),
                    }
                }
                "my" => {
                    let Some(mo) = english_month(&c[1]) else {
                        continue;
                    };
                    let y = &c[2];
                    Some((
                        format!("{y}{mo:02}").parse().unwrap_or(0.0),
                        "month".into(),
                        Some(format!("{y}-{mo:02}")),
                    ))
                }
                "money" => {
                    let v = parse_num(&c[2]).unwrap_or(0.0);
                    let tail = &m.as_str()[c.get(2).unwrap().end() - m.start()..];
                    Some((
                        v * scale_of(tail),
                        currency(c[1].trim_start_matches("US")).into(),
                        None,
                    ))
                }
                "money_words" => {
                    let v = parse_num(&c[1]).unwrap_or(0.0);
                    let mid = &m.as_str()[c.get(1).unwrap().end() - m.start()
                        ..c.get(2).unwrap().start() - m.start()];
                    Some((
                        v * scale_of(mid),
                        currency(&c[2].to_lowercase()).into(),
                        None,
                    ))
                }
                "percent" => parse_num(&c[1]).map(|v| (v, "percent".into(), None)),
                "year" => {
                    // A bare number before "of"/a noun is a count, not a year: keep plausible years.
                    let v: f64 = c[1].parse().unwrap_or(0.0);
                    Some((
                        v,
                        if m.as_str().ends_with('s') {
                            "decade".into()
                        } else {
                            "year".into()
                        },
                        None,
                    ))
                }
                "count" => {
                    let v = parse_num(&c[1]).unwrap_or(0.0);
                    let s = c.get(2).map(|s| scale_of(s.as_str())).unwrap_or(1.0);
                    // Skip pieces of times, scores and identifiers ("3:30", "No. 10", "4-1").
                    let before = text[..m.start()].chars().last();
                    let after = text[m.end()..].chars().next();
                    if matches!(before, Some(':' | '-' | '/' | '#'))
                        || matches!(after, Some(':' | '-' | '/'))
                    {
                        continue;
                    }
                    Some((v * s, "count".into(), None))
                }
                _ => {
                    let w = c[1].to_lowercase();
                    let w = w.trim_start_matches("a ");
                    let v = WORD_NUMBERS
                        .iter()
                        .find(|(n, _)| *n == w || format!("{n}s") == w)
                        .map(|(_, v)| *v);
                    v.map(|v| (v, "count".into(), None))
                }
            };
            if let Some((v, unit, norm)) = found {
                taken.push(span);
                out.push((span, v, unit, norm));
            }
        }
    }
    out.sort_by_key(|(s, ..)| *s);
    out
}

/// Find the numbers of an article, sentence by sentence.
pub fn find_numbers(article: &Article) -> Vec<NumberMention> {
    let mut out = Vec::new();
    for (i, s) in article.sentences.iter().enumerate() {
        for (span, value, unit, normalized) in numbers_in(article.slice(s.span)) {
            out.push(NumberMention {
                span: Span::new(s.span.start + span.start, s.span.start + span.end),
                value,
                unit,
                normalized,
                sentence: i,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<(String, f64, String)> {
        numbers_in(text)
            .into_iter()
            .map(|(s, v, u, _)| (text[s.start..s.end].to_string(), v, u))
            .collect()
    }

    #[test]
    fn percentages_agree_across_spellings() {
        assert_eq!(
            check("up 2.5% or 2.5 per cent"),
            [
                ("2.5%".into(), 2.5, "percent".into()),
                ("2.5 per cent".into(), 2.5, "percent".into())
            ]
        );
    }

    #[test]
    fn money_dates_years_counts() {
        let r = check("£1.2bn from April 2027, on 27 February 2025 and Feb 27, with 600 voters in 2012 and three years");
        let units: Vec<&str> = r.iter().map(|x| x.2.as_str()).collect();
        assert_eq!(
            units,
            ["GBP", "month", "date", "date", "count", "year", "count"]
        );
        assert_eq!(r[0].1, 1.2e9);
        assert_eq!(r[1].1, 202704.0);
        assert_eq!(r[2].1, 20250227.0);
        assert_eq!(r[3].1, 227.0);
        assert_eq!(r[6].0, "three");
    }
}
