//! Text: the readable terminal report. Article text is sanitized of control, bidi and
//! zero-width characters. Pure: returns a `String`.

use crate::{sanitize, View};
use std::fmt::Write;

fn clip(s: &str, n: usize) -> String {
    let s = sanitize(s).replace('\n', " ");
    if s.chars().count() <= n {
        s
    } else {
        format!("{}…", s.chars().take(n).collect::<String>().trim_end())
    }
}

/// Render the report.
pub fn render(v: &View) -> String {
    let mut o = String::new();
    for s in v.stories {
        let _ = writeln!(o, "STORY {}  {}", s.id, clip(&s.headline, 100));
        let _ = writeln!(
            o,
            "  {} articles: {}",
            s.articles.len(),
            s.articles.join(", ")
        );
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "ARTICLES");
    for a in v.articles {
        let _ = writeln!(o, "  {}  {}", sanitize(&a.id), clip(&a.title, 90));
        let _ = writeln!(
            o,
            "      date {}  outlet {}  {} sentences",
            a.date.as_deref().unwrap_or("-"),
            a.outlet
                .as_deref()
                .map(sanitize)
                .unwrap_or_else(|| "-".into()),
            a.sentences.len()
        );
        for r in &a.removed {
            let _ = writeln!(
                o,
                "      removed {}: {}",
                r.kind.as_str(),
                clip(&r.text, 70)
            );
        }
    }
    for s in v.stories {
        let _ = writeln!(o, "\nWHO IS NAMED ({} entities)", s.entities.len());
        for e in s
            .entities
            .iter()
            .filter(|e| e.mentions >= 2 || e.articles.len() > 1)
            .take(30)
        {
            let aliases = if e.aliases.is_empty() {
                String::new()
            } else {
                format!("  aka {}", clip(&e.aliases.join("; "), 60))
            };
            let _ = writeln!(
                o,
                "  {:<28} {:<12} {:>3} mentions in {} articles{}",
                clip(&e.name, 28),
                e.kind.as_str(),
                e.mentions,
                e.articles.len(),
                aliases
            );
        }
        let _ = writeln!(o, "\nWHO SAID WHAT ({} quotes)", s.quotes.len());
        for q in &s.quotes {
            let _ = writeln!(
                o,
                "  {}: “{}”  [{}]",
                q.speaker
                    .as_deref()
                    .map(sanitize)
                    .unwrap_or_else(|| "(unknown)".into()),
                clip(&q.text, 110),
                q.articles.join(", ")
            );
        }
        let _ = writeln!(o, "\nNUMBERS ({})", s.numbers.len());
        for n in s
            .numbers
            .iter()
            .filter(|n| n.number.unit != "count" || n.number.value >= 10.0)
        {
            let _ = writeln!(
                o,
                "  {:<24} {:>14} {:<8} {} #{}",
                clip(&n.text, 24),
                n.number
                    .normalized
                    .clone()
                    .unwrap_or_else(|| format!("{}", n.number.value)),
                n.number.unit,
                n.article,
                n.number.sentence
            );
        }
    }
    if !v.rejected.is_empty() {
        let _ = writeln!(o, "\nREJECTED ({})", v.rejected.len());
        for r in v.rejected {
            let _ = writeln!(o, "  {}: {}", sanitize(&r.path), sanitize(&r.reason));
        }
    }
    o
}
