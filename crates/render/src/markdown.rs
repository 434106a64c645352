//! Markdown: the report as a Markdown document. Article text is sanitized and characters
//! that would break tables or start markup are escaped. Pure: returns a `String`.

use crate::{sanitize, View};
use corroborate_model::EntityKind;
use std::fmt::Write;

/// Escape Markdown metacharacters and drop unsafe characters.
pub fn escape(s: &str) -> String {
    let mut o = String::new();
    for c in sanitize(s).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                o.push('\\');
                o.push(c);
            }
            '\n' => o.push(' '),
            _ => o.push(c),
        }
    }
    o
}

/// Render the report.
pub fn render(v: &View) -> String {
    let mut o = String::new();
    for s in v.stories {
        let _ = writeln!(o, "# {}\n", escape(&s.headline));
        let _ = writeln!(o, "Story `{}` · {} articles\n", s.id, s.articles.len());
        let _ = writeln!(
            o,
            "## Articles\n\n| id | title | date | outlet | removed |\n|---|---|---|---|---|"
        );
        for a in v.articles.iter().filter(|a| s.articles.contains(&a.id)) {
            let removed: Vec<&str> = a.removed.iter().map(|r| r.kind.as_str()).collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                escape(&a.id),
                escape(&a.title),
                a.date.as_deref().unwrap_or(""),
                escape(a.outlet.as_deref().unwrap_or("")),
                removed.join(", ")
            );
        }
        let _ = writeln!(o, "\n## Summary\n");
        for x in &s.summary {
            let _ = writeln!(
                o,
                "- {} ({})",
                escape(&x.text),
                escape(&x.articles.join(", "))
            );
        }
        let _ = writeln!(
            o,
            "\n## Facts\n\n{} independent sources.\n\n| sources | articles | fact |\n|---|---|---|",
            s.independent_sources
        );
        for f in s.facts.iter().filter(|f| f.articles.len() > 1) {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                f.independent_sources,
                crate::marked_articles(s, &f.articles, escape),
                escape(&f.text)
            );
        }
        let _ = writeln!(o, "\n## Copies and rewrites\n");
        for d in &s.derivations {
            let _ = writeln!(
                o,
                "- {} from {}: {:.0}% aligned, {}{}",
                escape(&d.article),
                escape(&d.source),
                d.shared_fraction * 100.0,
                d.direction.as_str(),
                if d.copy { ", copy" } else { "" }
            );
        }
        let _ = writeln!(o, "\n## Conflicts\n");
        for c in &s.conflicts {
            let sides: Vec<String> = c
                .claims
                .iter()
                .map(|k| format!("“{}” ({})", escape(&k.text), escape(&k.articles.join(", "))))
                .collect();
            let _ = writeln!(o, "- {}: {}", escape(&c.about), sides.join(" vs "));
        }
        let _ = writeln!(o, "\n## Entities\n\n| name | kind | mentions | articles | aliases |\n|---|---|---|---|---|");
        for e in s.entities.iter().filter(|e| e.kind != EntityKind::Group) {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                escape(&e.name),
                e.kind.as_str(),
                e.mentions,
                e.articles.len(),
                escape(&e.aliases.join("; "))
            );
        }
        let groups: Vec<String> = s
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Group)
            .map(|g| format!("{} ({})", escape(&g.name), g.mentions))
            .collect();
        if !groups.is_empty() {
            let _ = writeln!(o, "\nNationalities and groups: {}", groups.join(", "));
        }
        let _ = writeln!(o, "\n## Quotes\n");
        // The quoted words first, then who said them and where; other wordings nested.
        for q in &s.quotes {
            let ids: Vec<&str> = q.articles.iter().map(String::as_str).collect();
            let _ = writeln!(
                o,
                "- “{}” — **{}** ({})",
                escape(&crate::quoted_words(&q.text)),
                escape(q.speaker.as_deref().unwrap_or("speaker unknown")),
                crate::with_outlets(v.articles, &ids, escape)
            );
            for (words, ids) in crate::other_wordings(q) {
                let _ = writeln!(
                    o,
                    "  - worded in {}: “{}”",
                    escape(&ids.join(", ")),
                    escape(&words)
                );
            }
        }
        let _ = writeln!(
            o,
            "\n## Numbers\n\n| text | value | unit | article | sentence |\n|---|---|---|---|---|"
        );
        for n in &s.numbers {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                escape(&n.text),
                n.number
                    .normalized
                    .clone()
                    .unwrap_or_else(|| n.number.value.to_string()),
                n.number.unit,
                escape(&n.article),
                n.number.sentence
            );
        }
    }
    if !v.rejected.is_empty() {
        let _ = writeln!(o, "\n## Rejected\n");
        for r in v.rejected {
            let _ = writeln!(o, "- `{}`: {}", escape(&r.path), escape(&r.reason));
        }
    }
    o
}
