//! Text: the readable terminal report. Article text is sanitized of control, bidi and
//! zero-width characters. Pure: returns a `String`.

use crate::{clip, sanitize, View};
use corroborate_model::{Entity, EntityKind};
use std::fmt::Write;

/// Rewrites, facts by support, single-source details and conflicts of one story.
fn story_facts(o: &mut String, s: &corroborate_model::Story) {
    if !s.derivations.is_empty() {
        let _ = writeln!(o, "\nCOPIES AND REWRITES");
        for d in &s.derivations {
            let how = if d.copy { "copies" } else { "rewrites" };
            let arrow = match d.direction {
                corroborate_model::Direction::ArticleFromSource => {
                    format!("{} {how} {}", d.article, d.source)
                }
                corroborate_model::Direction::Unknown => {
                    format!("{} and {}: one {how} the other", d.article, d.source)
                }
            };
            let _ = writeln!(
                o,
                "  {arrow} ({:.0}% of sentences aligned, in order)",
                d.shared_fraction * 100.0
            );
        }
    }
    let shared: Vec<_> = s
        .facts
        .iter()
        .filter(|f| f.independent_sources > 1)
        .collect();
    let _ = writeln!(o, "\nFACTS REPORTED BY SEVERAL SOURCES ({})", shared.len());
    for f in shared.iter().take(20) {
        let _ = writeln!(
            o,
            "  [{} independent sources: {}] {}",
            f.independent_sources,
            crate::marked_articles(s, &f.articles, sanitize),
            clip(&f.text, 160)
        );
    }
    let single: Vec<_> = s
        .facts
        .iter()
        .filter(|f| f.independent_sources == 1 && f.text.split_whitespace().count() >= 6)
        .collect();
    let _ = writeln!(o, "\nSINGLE-SOURCE DETAILS ({})", single.len());
    for f in single.iter().take(20) {
        let others: Vec<&str> = f
            .articles
            .iter()
            .filter(|a| **a != f.source)
            .map(String::as_str)
            .collect();
        let lineage = if others.is_empty() {
            String::new()
        } else {
            format!(" (and its copies or rewrites {})", others.join(", "))
        };
        let _ = writeln!(
            o,
            "  only {}{lineage} reports: {}",
            f.source,
            clip(&f.text, 140)
        );
    }
    if single.len() > 20 {
        let _ = writeln!(o, "  ... {} more (see --format json)", single.len() - 20);
    }
    if !s.conflicts.is_empty() {
        let _ = writeln!(o, "\nCONFLICTS ({})", s.conflicts.len());
        for c in &s.conflicts {
            let sides: Vec<String> = c
                .claims
                .iter()
                .map(|k| format!("“{}” [{}]", sanitize(&k.text), k.articles.join(", ")))
                .collect();
            let _ = writeln!(o, "  {} differs: {}", c.kind, sides.join(" vs "));
            let _ = writeln!(o, "      in: {}", clip(&s.facts[c.fact].text, 130));
        }
    }
}

/// Render the report.
pub fn render(v: &View) -> String {
    let mut o = String::new();
    for s in v.stories {
        let _ = writeln!(o, "STORY {}  {}", s.id, clip(&s.headline, 100));
        let _ = writeln!(
            o,
            "  {} articles from {} independent sources: {}",
            s.articles.len(),
            s.independent_sources,
            s.articles.join(", ")
        );
        if !s.summary.is_empty() {
            let _ = writeln!(o, "\nSUMMARY");
            for x in &s.summary {
                let _ = writeln!(o, "  {}  [{}]", sanitize(&x.text), x.articles.join(", "));
            }
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "ARTICLES");
    for a in v.articles {
        let _ = writeln!(o, "  {}  {}", sanitize(&a.id), clip(&a.title, 90));
        let _ = writeln!(
            o,
            "      date {}  outlet {}  {} sentences{}",
            a.date.as_deref().unwrap_or("-"),
            a.outlet
                .as_deref()
                .map(sanitize)
                .unwrap_or_else(|| "-".into()),
            a.sentences.len(),
            crate::credits(a, "  ", sanitize)
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
        story_facts(&mut o, s);
        let (groups, named): (Vec<&Entity>, Vec<&Entity>) =
            s.entities.iter().partition(|e| e.kind == EntityKind::Group);
        let _ = writeln!(o, "\nWHO IS NAMED ({} entities)", named.len());
        for e in named
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
        if !groups.is_empty() {
            let list: Vec<String> = groups
                .iter()
                .map(|g| format!("{} ({})", clip(&g.name, 28), g.mentions))
                .collect();
            let _ = writeln!(o, "  nationalities and groups: {}", list.join(", "));
        }
        let _ = writeln!(o, "\nWHO SAID WHAT ({} quotes)", s.quotes.len());
        // The quoted words first, then who said them and where; other wordings below.
        for q in &s.quotes {
            let ids: Vec<&str> = q.articles.iter().map(String::as_str).collect();
            let _ = writeln!(
                o,
                "  “{}”\n      — {}  [{}]",
                clip(&crate::quoted_words(&q.text), 110),
                q.speaker
                    .as_deref()
                    .map(sanitize)
                    .unwrap_or_else(|| "speaker unknown".into()),
                crate::with_outlets(v.articles, &ids, sanitize)
            );
            for (words, ids) in crate::other_wordings(q) {
                let _ = writeln!(
                    o,
                    "      worded in {}: “{}”",
                    sanitize(&ids.join(", ")),
                    clip(&words, 100)
                );
            }
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
    // Ids, paths and names come from the input too: nothing in the report may move the
    // cursor, recolour or reorder the terminal.
    sanitize(&o)
}
