//! HTML: one self-contained report page per digest: the summary with citation links, a facts ×
//! sources matrix (single-source facts and conflicts stand out), quotes by speaker, the
//! copy/rewrite graph as inline SVG, and each article with its aligned sentences highlighted
//! and linked. No external assets and no script at all; a Content-Security-Policy forbids
//! scripts, so even a missed escape could not run one. Every piece of article text goes
//! through [`escape`]. Pure: returns a `String`.

use crate::{sanitize, View};
use corroborate_model::{Article, Direction, Story};
use std::collections::HashMap;
use std::fmt::Write;

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in sanitize(s).chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

const STYLE: &str = "
body{font:15px/1.5 system-ui,sans-serif;margin:0;overflow-wrap:anywhere;color:#1d2330;background:#f6f7f9}
main{max-width:1100px;margin:auto;padding:24px}
h1{font-size:26px;margin:0 0 4px} h2{margin-top:36px;border-bottom:2px solid #d8dce3;padding-bottom:4px}
.meta{color:#5b6475} section{background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:16px 20px;margin:18px 0}
.summary li{margin:6px 0} a.cite{font-size:12px;text-decoration:none;background:#e8eefc;border-radius:4px;padding:0 4px;margin-left:3px;color:#2949a8}
table.matrix{border-collapse:collapse;width:100%;font-size:13px} .matrix th,.matrix td{border:1px solid #e1e4ea;padding:4px 6px;vertical-align:top}
.matrix td.dot{text-align:center;width:44px} .matrix td.dot a{color:#2b8a3e;text-decoration:none;font-size:16px} .matrix td.derived a{color:#868e96}
.matrix tr.single td.fact{background:#fff8e1} .matrix td.conflict{background:#ffe3e3}
.badge{display:inline-block;font-size:11px;border-radius:10px;padding:0 7px;margin-right:4px;background:#e9ecef}
.badge.single{background:#ffe8a3} .badge.conflict{background:#ffc9c9} .badge.many{background:#c3f0c8}
.conflicts li{margin:6px 0} .quotes li{margin:8px 0} .quotes .who{margin-left:16px;color:#555} .quotes details{margin-left:16px}
article p{margin:6px 0} span.s.aligned{background:#e6f4ea} span.s.single{background:#fff3c4}
span.s:target{outline:2px solid #2949a8;background:#dbe4ff} span.s a{text-decoration:none;color:inherit}
details{margin-top:8px;color:#5b6475} svg text{font-size:12px;fill:#1d2330}
";

/// Short column label of article `i`.
fn label(i: usize) -> String {
    format!("A{}", i + 1)
}

fn sentence_anchor(ai: usize, si: usize) -> String {
    format!("a{ai}-s{si}")
}

/// Render the report.
pub fn render(v: &View) -> String {
    let mut o = String::new();
    let title = v
        .stories
        .first()
        .map(|s| s.headline.as_str())
        .unwrap_or("corroborate report");
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>",
        escape(title)
    );
    let index: HashMap<&str, usize> = v
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    for s in v.stories {
        story(&mut o, s, v.articles, &index);
    }
    if !v.rejected.is_empty() {
        let _ = write!(o, "<section><h2>Rejected inputs</h2><ul>");
        for r in v.rejected {
            let _ = write!(o, "<li>{}: {}</li>", escape(&r.path), escape(&r.reason));
        }
        let _ = write!(o, "</ul></section>");
    }
    let _ = writeln!(o, "</main></body></html>");
    o
}

fn cite(
    o: &mut String,
    ids: &[String],
    index: &HashMap<&str, usize>,
    sentence: Option<(usize, &str)>,
) {
    for id in ids {
        if let Some(&ai) = index.get(id.as_str()) {
            let target = match sentence {
                Some((si, src)) if src == id => sentence_anchor(ai, si),
                _ => format!("a{ai}"),
            };
            let _ = write!(
                o,
                "<a class=\"cite\" href=\"#{target}\" title=\"{}\">{}</a>",
                escape(id),
                label(ai)
            );
        }
    }
}

/// The outlets of some articles, each named once (an article without one by its id).
fn outlets(articles: &[Article], ids: &[&str]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for id in ids {
        let name = articles
            .iter()
            .find(|a| a.id == *id)
            .and_then(|a| a.outlet.as_deref())
            .unwrap_or(id);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(", ")
}

fn story(o: &mut String, s: &Story, articles: &[Article], index: &HashMap<&str, usize>) {
    let _ = writeln!(
        o,
        "<header><h1>{}</h1><div class=\"meta\">story {} · {} articles · {} independent sources · {} facts · {} conflicts</div></header>",
        escape(&s.headline),
        escape(&s.id),
        s.articles.len(),
        s.independent_sources,
        s.facts.len(),
        s.conflicts.len()
    );
    // Summary.
    let _ = write!(o, "<section class=\"summary\"><h2>Summary</h2><ol>");
    for x in &s.summary {
        let _ = write!(o, "<li>{}", escape(&x.text));
        cite(o, &x.articles, index, Some((x.sentence, &x.source)));
        let _ = write!(o, "</li>");
    }
    let _ = writeln!(o, "</ol></section>");

    // Facts × sources matrix: facts several sources state, then single-source details.
    let in_story: Vec<usize> = s
        .articles
        .iter()
        .filter_map(|id| index.get(id.as_str()).copied())
        .collect();
    let conflict_of: HashMap<usize, Vec<&corroborate_model::Conflict>> =
        s.conflicts.iter().fold(HashMap::new(), |mut m, c| {
            m.entry(c.fact).or_default().push(c);
            m
        });
    let _ = write!(
        o,
        "<section><h2>Facts × sources</h2><p class=\"meta\"><span class=\"badge many\">n sources</span>independent sources stating it \
         <span class=\"badge single\">single source</span>only one lineage reports it \
         <span class=\"badge conflict\">conflict</span>sources disagree on a value \
         ● states it ○ states it as a copy or rewrite of another article (no independent source)</p>\
         <table class=\"matrix\"><thead><tr><th>fact</th>"
    );
    for &ai in &in_story {
        let _ = write!(
            o,
            "<th title=\"{}\"><a href=\"#a{ai}\">{}</a></th>",
            escape(&articles[ai].id),
            label(ai)
        );
    }
    let _ = write!(o, "</tr></thead><tbody>");
    let shown = s
        .facts
        .iter()
        .enumerate()
        .filter(|(_, f)| f.articles.len() > 1 || f.text.split_whitespace().count() >= 6)
        .take(80);
    for (fi, f) in shown {
        let single = f.independent_sources <= 1;
        let conflicts = conflict_of.get(&fi);
        let _ = write!(
            o,
            "<tr id=\"f{fi}\"{}><td class=\"fact\">",
            if single { " class=\"single\"" } else { "" }
        );
        if single {
            let _ = write!(o, "<span class=\"badge single\">single source</span>");
        } else {
            let _ = write!(
                o,
                "<span class=\"badge many\">{} sources</span>",
                f.independent_sources
            );
        }
        if conflicts.is_some() {
            let _ = write!(o, "<span class=\"badge conflict\">conflict</span>");
        }
        let _ = write!(o, "{}</td>", escape(&f.text));
        for &ai in &in_story {
            let id = &articles[ai].id;
            match f.variants.iter().find(|v| &v.article == id) {
                Some(var) => {
                    let disputed: Vec<String> = conflicts
                        .into_iter()
                        .flatten()
                        .flat_map(|c| c.claims.iter())
                        .filter(|k| k.articles.contains(id))
                        .map(|k| escape(&k.text))
                        .collect();
                    let class = if disputed.is_empty() {
                        "dot"
                    } else {
                        "dot conflict"
                    };
                    // A copy or rewrite is marked: it adds no independent source.
                    let (mark, class, note) = match crate::derived_from(s, id) {
                        Some(src) => (
                            "○",
                            format!("{class} derived"),
                            format!(" (copy or rewrite of {src})"),
                        ),
                        None => ("●", class.to_string(), String::new()),
                    };
                    let _ = write!(
                        o,
                        "<td class=\"{class}\"><a href=\"#{}\" title=\"{}{}\">{mark}</a>{}</td>",
                        sentence_anchor(ai, var.sentence),
                        escape(&var.text),
                        escape(&note),
                        if disputed.is_empty() {
                            String::new()
                        } else {
                            format!("<br>{}", disputed.join(", "))
                        }
                    );
                }
                None => {
                    let _ = write!(o, "<td class=\"dot\"></td>");
                }
            }
        }
        let _ = write!(o, "</tr>");
    }
    let _ = writeln!(o, "</tbody></table></section>");

    if !s.conflicts.is_empty() {
        let _ = write!(o, "<section class=\"conflicts\"><h2>Conflicts</h2><ul>");
        for c in &s.conflicts {
            let _ = write!(
                o,
                "<li><a href=\"#f{}\">{}</a> differs: ",
                c.fact,
                escape(&c.kind)
            );
            for (k, claim) in c.claims.iter().enumerate() {
                if k > 0 {
                    let _ = write!(o, " vs ");
                }
                let _ = write!(o, "“{}”", escape(&claim.text));
                cite(o, &claim.articles, index, None);
            }
            let _ = write!(
                o,
                "<div class=\"meta\">{}</div></li>",
                escape(&s.facts[c.fact].text)
            );
        }
        let _ = writeln!(o, "</ul></section>");
    }

    // Quotes, grouped by speaker: the quoted words first, then the speaker, the outlets and
    // links to the articles; a merged quote's other wordings under it.
    let mut quotes: Vec<&corroborate_model::Quote> = s.quotes.iter().collect();
    quotes.sort_by(|a, b| {
        a.speaker
            .is_none()
            .cmp(&b.speaker.is_none())
            .then(a.speaker.cmp(&b.speaker))
    });
    let _ = write!(o, "<section class=\"quotes\"><h2>Quotes</h2><ul>");
    for q in quotes {
        let ids: Vec<&str> = q.articles.iter().map(String::as_str).collect();
        let _ = write!(
            o,
            "<li><q>{}</q><div class=\"who\">— <b>{}</b> · {} ",
            escape(&crate::quoted_words(&q.text)),
            escape(q.speaker.as_deref().unwrap_or("speaker unknown")),
            escape(&outlets(articles, &ids))
        );
        cite(o, &q.articles, index, None);
        let _ = write!(o, "</div>");
        let others = crate::other_wordings(q);
        if !others.is_empty() {
            let _ = write!(
                o,
                "<details><summary>{} other wording{}</summary><ul>",
                others.len(),
                if others.len() == 1 { "" } else { "s" }
            );
            for (words, ids) in &others {
                let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                let _ = write!(o, "<li><q>{}</q> ", escape(words));
                cite(o, &ids, index, None);
                let _ = write!(o, "</li>");
            }
            let _ = write!(o, "</ul></details>");
        }
        let _ = write!(o, "</li>");
    }
    let _ = writeln!(o, "</ul></section>");

    graph(o, s, articles, &in_story, index);

    // Articles with aligned sentences highlighted and linked to their fact.
    let mut fact_of: HashMap<(usize, usize), (usize, bool)> = HashMap::new();
    for (fi, f) in s.facts.iter().enumerate() {
        for var in &f.variants {
            if let Some(&ai) = index.get(var.article.as_str()) {
                fact_of.insert((ai, var.sentence), (fi, f.independent_sources > 1));
            }
        }
    }
    let _ = write!(o, "<h2>Articles</h2>");
    for &ai in &in_story {
        let a = &articles[ai];
        let _ = write!(
            o,
            "<section><article id=\"a{ai}\"><h3>{} · {}</h3><div class=\"meta\">{} · {} · {}{}</div>",
            label(ai),
            escape(&a.title),
            escape(&a.id),
            escape(a.date.as_deref().unwrap_or("no date")),
            escape(a.outlet.as_deref().unwrap_or("outlet unknown")),
            crate::credits(a, " · ", escape)
        );
        let mut paragraph = usize::MAX;
        for (si, sent) in a.sentences.iter().enumerate() {
            if sent.paragraph != paragraph {
                if paragraph != usize::MAX {
                    let _ = write!(o, "</p>");
                }
                let _ = write!(o, "<p>");
                paragraph = sent.paragraph;
            }
            let text = escape(a.slice(sent.span));
            match fact_of.get(&(ai, si)) {
                Some(&(fi, shared)) => {
                    let _ = write!(
                        o,
                        "<span class=\"s {}\" id=\"{}\"><a href=\"#f{fi}\">{text}</a></span> ",
                        if shared { "aligned" } else { "single" },
                        sentence_anchor(ai, si)
                    );
                }
                None => {
                    let _ = write!(
                        o,
                        "<span class=\"s\" id=\"{}\">{text}</span> ",
                        sentence_anchor(ai, si)
                    );
                }
            }
        }
        if paragraph != usize::MAX {
            let _ = write!(o, "</p>");
        }
        if !a.removed.is_empty() {
            let _ = write!(
                o,
                "<details><summary>removed ({})</summary><ul>",
                a.removed.len()
            );
            for r in &a.removed {
                let _ = write!(o, "<li>{}: {}</li>", r.kind.as_str(), escape(&r.text));
            }
            let _ = write!(o, "</ul></details>");
        }
        let _ = writeln!(o, "</article></section>");
    }
}

/// The copy/rewrite graph: articles on a circle, an arrow from each source to its copy or
/// rewrite (dashed when the direction is unknown).
fn graph(
    o: &mut String,
    s: &Story,
    articles: &[Article],
    in_story: &[usize],
    index: &HashMap<&str, usize>,
) {
    let n = in_story.len().max(1) as f64;
    let (w, h, r) = (560.0, 300.0, 110.0);
    let pos: HashMap<usize, (f64, f64)> = in_story
        .iter()
        .enumerate()
        .map(|(k, &ai)| {
            let t = std::f64::consts::TAU * k as f64 / n - std::f64::consts::FRAC_PI_2;
            (ai, (w / 2.0 + r * 1.6 * t.cos(), h / 2.0 + r * t.sin()))
        })
        .collect();
    let _ = write!(
        o,
        "<section><h2>Copies and rewrites</h2><p class=\"meta\">{} articles, {} independent sources. An arrow runs from an original to its copy or rewrite; dashed when the direction is unknown.</p>\
         <svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"copy and rewrite graph\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"22\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#c92a2a\"/></marker></defs>",
        s.articles.len(),
        s.independent_sources
    );
    for d in &s.derivations {
        let (Some(&x), Some(&y)) = (index.get(d.source.as_str()), index.get(d.article.as_str()))
        else {
            continue;
        };
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(&x), pos.get(&y)) else {
            continue;
        };
        let dash = if d.direction == Direction::Unknown {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = write!(
            o,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#c92a2a\" stroke-width=\"2\"{dash} marker-end=\"url(#arrow)\"><title>{} {} {} ({:.0}% aligned)</title></line>",
            escape(&d.article),
            if d.copy { "copies" } else { "rewrites" },
            escape(&d.source),
            d.shared_fraction * 100.0
        );
    }
    for &ai in in_story {
        let (x, y) = pos[&ai];
        let _ = write!(
            o,
            "<a href=\"#a{ai}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"16\" fill=\"#e8eefc\" stroke=\"#2949a8\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></a>",
            y + 4.0,
            label(ai),
            y + 32.0,
            escape(&articles[ai].id.chars().take(24).collect::<String>())
        );
    }
    let _ = writeln!(o, "</svg></section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>x</script>\"><img src=x onerror='a'>&"),
            "&lt;script&gt;x&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;&amp;"
        );
    }
}
