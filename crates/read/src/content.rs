//! Content: chooses the page's main text from the walked blocks. In: [`Walked`]. Out: the
//! main-text paragraphs, in page order.
//!
//! How: each block is judged on its own (a *content* block is prose: long enough, few of its
//! characters in links; a *noise* block is mostly link text; a *fragment* is a short piece
//! of plain text; table cells are data). Boilerplate containers (nav, aside, footer,
//! comments, share/related/newsletter/call-to-action boxes, captions) are dropped, except a
//! wrapper that holds most of the page's prose; hidden elements are dropped unless they hold
//! most of it (pages a script reveals). Every element is scored by the prose under it minus
//! the noise under it (link noise costs its links less its own text), with a bonus for
//! elements that name the article body; the best-scoring element is the article (a story
//! among teaser `<article>`s is taken alone when it dominates them). Its blocks that are not
//! noise form the text: fragments only between prose blocks, a linked headline with a
//! sentence of its own kept, table rows as lines, a repeated sentence once. Leading and
//! trailing fragments (datelines, "Advertisement", share lines) are trimmed, and the
//! headline is not repeated in the body. When class-named boilerplate took nearly all of a
//! page that has plenty of prose, the choice is made again without class names.
//!
//! Deliberately no site-specific rules. Linear in the number of blocks and elements.

use crate::walk::{flag, Walked};

/// The largest share of a block's characters in links for it to count as prose.
const PROSE_MAX_LINK_SHARE: f64 = 0.3;
/// A block with more of its characters in links than this is link noise.
const NOISE_LINK_SHARE: f64 = 0.5;

/// How much prose-like a block is.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Prose,
    Neutral,
    Noise,
    /// A short fragment of plain text (a label, "Advertisement", a score line): costs like
    /// noise, kept only between prose blocks when it has a few words.
    Fragment,
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

fn kind_of(text: &str, chars: u32, link_chars: u32, flags: u16) -> Kind {
    let share = link_chars as f64 / chars.max(1) as f64;
    if share > NOISE_LINK_SHARE {
        return Kind::Noise;
    }
    if flags & flag::HEADING != 0 {
        return Kind::Neutral;
    }
    let w = words(text);
    // Scripts without spaces (Chinese, Japanese) have few "words": judge by characters.
    let long = w >= 12 || chars >= 80 && w >= 6 || chars >= 60 && !text.is_ascii() && w < 3;
    if long && share <= PROSE_MAX_LINK_SHARE {
        return Kind::Prose;
    }
    if chars < 25 && flags & (flag::ITEM | flag::CELL) == 0 {
        return Kind::Fragment;
    }
    Kind::Neutral
}

/// What a noise block costs its container. Link noise costs its links less the text around
/// them (a list item with a linked headline and a sentence of its own is not a menu); a short
/// fragment costs its length.
fn noise_cost(chars: u32, link_chars: u32) -> f64 {
    if link_chars as f64 > NOISE_LINK_SHARE * chars as f64 {
        (2 * link_chars.min(chars)) as f64 - chars as f64
    } else {
        chars as f64
    }
}

/// The one `<article>` (or `<main>`) inside `best` that is the story, if the container is
/// a story among teasers; see the caller.
fn dominant_article(
    w: &Walked,
    best: usize,
    score: &[f64],
    sum: &[f64],
    dropped: &[bool],
) -> Option<usize> {
    const NONE: usize = usize::MAX;
    let n = w.els.len();
    // The nearest article at or above each element inside `best`; NONE outside articles.
    let mut art_of = vec![NONE; n];
    let mut inside = vec![false; n];
    inside[best] = true;
    let mut own: Vec<(usize, f64)> = Vec::new(); // (article, own score)
    let mut slot = vec![NONE; n];
    let mut covered = 0.0;
    for i in best + 1..n {
        let p = w.els[i].parent as usize;
        if !inside[p] {
            break; // `best`'s subtree is contiguous
        }
        inside[i] = true;
        if dropped[i] {
            continue;
        }
        let parent_art = if p == best { NONE } else { art_of[p] };
        if w.els[i].flags & flag::ARTICLE != 0 {
            art_of[i] = i;
            slot[i] = own.len();
            own.push((i, 0.0));
            if parent_art == NONE {
                covered += sum[i];
            }
        } else {
            art_of[i] = parent_art;
        }
        if art_of[i] != NONE {
            own[slot[art_of[i]]].1 += score[i];
        }
    }
    if own.len() < 2 || covered < 0.8 * sum[best] {
        return None;
    }
    own.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let (top, first) = own[0];
    (first >= 2.0 * own[1].1.max(0.0) && first >= 0.2 * sum[best]).then_some(top)
}

/// The main text of a walked page: one string per paragraph.
pub fn main_text(w: &Walked, title: Option<&str>) -> Vec<String> {
    main_text_explained(w, title, None)
}

/// [`main_text`], optionally writing why each block was kept or not into `explain`.
pub fn main_text_explained(
    w: &Walked,
    title: Option<&str>,
    mut explain: Option<&mut String>,
) -> Vec<String> {
    let (text, total) = select(w, title, explain.as_deref_mut(), false);
    // A fallback, as a reader would: when the class-named boilerplate took nearly everything
    // (a gallery, a printable recipe, "comment"-named article parts) and left a scrap of a
    // page that has plenty of prose, choose again without class names.
    let len: usize = text.iter().map(String::len).sum();
    if len < 400 && total >= 800.0 {
        if let Some(x) = explain.as_deref_mut() {
            x.push_str("short: choosing again without class-named boilerplate\n");
        }
        let (again, _) = select(w, title, explain, true);
        if again.iter().map(String::len).sum::<usize>() >= 2 * len.max(100) {
            return again;
        }
    }
    text
}

/// One choice of the main text; `relaxed` ignores boilerplate named only by class or id.
/// Also returns the page's prose total.
fn select(
    w: &Walked,
    title: Option<&str>,
    mut explain: Option<&mut String>,
    relaxed: bool,
) -> (Vec<String>, f64) {
    let n = w.els.len();
    if n == 0 || w.blocks.is_empty() {
        return (Vec::new(), 0.0);
    }
    let kinds: Vec<Kind> = w
        .blocks
        .iter()
        .map(|b| kind_of(&b.text, b.chars, b.link_chars, w.els[b.el as usize].flags))
        .collect();

    // Prose under each element, before any dropping; and whether a body hint lies below.
    let mut prose_all = vec![0f64; n];
    let mut good_below = vec![false; n];
    for (b, k) in w.blocks.iter().zip(&kinds) {
        if *k == Kind::Prose {
            prose_all[b.el as usize] += b.chars as f64;
        }
    }
    for i in (1..n).rev() {
        let p = w.els[i].parent as usize;
        prose_all[p] += prose_all[i];
        if w.els[i].flags & flag::GOOD != 0 || good_below[i] {
            good_below[p] = true;
        }
    }
    let total = prose_all[0].max(1.0);
    // A large element named as boilerplate is spared as a wrapper, unless an element named
    // as the article body holds comparable prose elsewhere.
    let good: Vec<f64> = (1..n)
        .filter(|&i| w.els[i].flags & flag::GOOD != 0)
        .map(|i| prose_all[i])
        .collect();
    let good_max = good.iter().copied().fold(0.0, f64::max);
    // The most prose in a body-named element smaller than `p` (so not an ancestor).
    let good_besides = |p: f64| good.iter().copied().filter(|&g| g < p).fold(0.0, f64::max);

    // Hidden text is read when it is most of the page: one element a script will reveal
    // (React streaming parks the page in `<div hidden>`), or the slides of a gallery that
    // together hold most of the prose; but not hidden parts far smaller than the largest
    // (a hidden menu beside the parked page).
    let mut under_hidden = vec![false; n];
    let (mut hidden_sum, mut hidden_max) = (0.0, 0.0f64);
    for i in 1..n {
        let p = w.els[i].parent as usize;
        under_hidden[i] = under_hidden[p] || w.els[i].flags & flag::HIDDEN != 0;
        if under_hidden[i] && !under_hidden[p] {
            hidden_sum += prose_all[i];
            hidden_max = hidden_max.max(prose_all[i]);
        }
    }
    let shown = |i: usize| hidden_sum >= 0.5 * total && prose_all[i] >= 0.25 * hidden_max;

    // Which elements are dropped with everything under them.
    let mut dropped = vec![false; n];
    for i in 1..n {
        let p = w.els[i].parent as usize;
        if dropped[p] {
            dropped[i] = true;
            continue;
        }
        let f = w.els[i].flags;
        if f & flag::HIDDEN != 0 {
            // Hidden text counts only when it is most of the page: a page parked in a hidden
            // element until a script shows it, or a gallery whose slides a script reveals.
            dropped[i] = !shown(i);
            continue;
        }
        let named = if relaxed {
            0
        } else {
            flag::BAD_CLASS | flag::CAPTION
        };
        let boiler = f & (flag::BAD_TAG | named) != 0;
        if !boiler || f & flag::GOOD != 0 {
            continue;
        }
        // Navigation, sidebars and footers wrap a story only in broken markup: they must
        // hold nearly all of it. Forms and headers wrap whole pages more often.
        let share = if f & flag::BAD_TAG != 0 && f & (flag::FORM | flag::HEADER) == 0 {
            0.8
        } else {
            0.5
        };
        let wrapper = good_below[i]
            || prose_all[i] >= share * total && prose_all[i] >= 2.0 * good_besides(prose_all[i]);
        dropped[i] = !relaxed && f & flag::COMMENTS != 0 && !good_below[i] || !wrapper;
    }

    let no_prose = total < 200.0;
    // Prose minus noise under each element, over what is kept.
    let mut score = vec![0f64; n];
    for (b, k) in w.blocks.iter().zip(&kinds) {
        let e = b.el as usize;
        if dropped[e] {
            continue;
        }
        score[e] += match k {
            Kind::Prose => b.chars as f64,
            // A page without prose (a results table, a list of short items) is chosen by
            // its plain text instead.
            Kind::Neutral if no_prose => b.chars.saturating_sub(b.link_chars) as f64,
            Kind::Neutral => 0.0,
            Kind::Noise | Kind::Fragment => -noise_cost(b.chars, b.link_chars),
        };
    }
    let mut sum = score.clone();
    for i in (1..n).rev() {
        let p = w.els[i].parent as usize;
        sum[p] += sum[i];
    }
    let mut best = 0usize;
    let mut best_score = f64::MIN;
    if let Some(x) = explain.as_deref_mut() {
        x.push_str(&format!(
            "prose total {total:.0}, largest body-named {good_max:.0}\n"
        ));
        for i in 1..n {
            if dropped[i] && !dropped[w.els[i].parent as usize] {
                x.push_str(&format!(
                    "drop el {i} flags {:#x} prose {:.0}\n",
                    w.els[i].flags, prose_all[i]
                ));
            }
        }
    }
    for i in 0..n {
        if dropped[i] {
            continue;
        }
        let f = w.els[i].flags;
        let bonus = if f & flag::GOOD != 0 {
            1.15
        } else if f & flag::ARTICLE != 0 {
            1.05
        } else {
            1.0
        };
        let s = sum[i] * bonus;
        // Later (deeper) elements win ties: they hold the same prose with less around it.
        if s >= best_score {
            best_score = s;
            best = i;
        }
    }

    // A container of <article> elements may be a story followed by teasers (each its own
    // <article>, or nested in one). When the articles make up the container and one of them,
    // counting only its own text (not its nested articles'), clearly outweighs every other,
    // it is the story. A live blog, whose posts are articles of comparable size, stays whole.
    if let Some(top) = dominant_article(w, best, &score, &sum, &dropped) {
        best = top;
    }

    // Elements inside the chosen one.
    let mut inside = vec![false; n];
    inside[best] = true;
    for i in best + 1..n {
        let p = w.els[i].parent as usize;
        if inside[p] {
            inside[i] = true;
        }
    }
    let mut out: Vec<(String, Kind, u16)> = Vec::new();
    let mut row: Option<u32> = None;
    // Whether text has followed the last heading kept.
    let mut heading_has_text = true;
    for (b, k) in w.blocks.iter().zip(&kinds) {
        let e = b.el as usize;
        if let Some(x) = explain.as_deref_mut() {
            let t: String = b.text.chars().take(70).collect();
            x.push_str(&format!(
                "{}{} el {e} flags {:#x} {:?} sum {:.0} | {t}\n",
                if inside[e] { "IN " } else { "   " },
                if dropped[e] { "DROP" } else { "    " },
                w.els[e].flags,
                k,
                sum[e]
            ));
        }
        // Link noise inside the article stays when it says something of its own besides
        // its links (a linked headline followed by a sentence).
        let says_more = b.chars.saturating_sub(b.link_chars) >= 60;
        if !inside[e] || dropped[e] {
            continue;
        }
        if *k == Kind::Noise && !says_more {
            // A heading over a list of links ("Read more", "Related") goes with the list.
            if matches!(out.last(), Some((_, _, f)) if f & flag::HEADING != 0) && !heading_has_text
            {
                out.pop();
            }
            continue;
        }
        heading_has_text = w.els[e].flags & flag::HEADING == 0;
        let el = &w.els[e];
        // The cells of one table row make one line.
        if el.flags & flag::CELL != 0 && row == Some(el.parent) {
            if let Some(last) = out.last_mut() {
                last.0.push(' ');
                last.0.push_str(&b.text);
                if *k == Kind::Prose {
                    last.1 = Kind::Prose;
                }
                continue;
            }
        }
        row = (el.flags & flag::CELL != 0).then_some(el.parent);
        out.push((b.text.clone(), *k, el.flags));
    }
    trim(&mut out, title);
    // A sentence said twice is a copy (a carousel's clones, a responsive layout's second
    // version): it is kept once. Short labels repeat legitimately (a menu's "Meal 1",
    // "Meal 2" rows, a table's "Pros Cons"), except right after themselves.
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<String> = Vec::with_capacity(out.len());
    for (t, _, _) in out {
        let sentence = words(&t) >= 8;
        if kept.last() != Some(&t) && (!sentence || seen.insert(t.clone())) {
            kept.push(t);
        }
    }
    (kept, total)
}

/// Lower-case words only, space-separated, for comparing a heading with the page title.
pub(crate) fn norm(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A short line that is a date with labels around it ("PUBLISHED: 10:48, Tue, Nov 19,
/// 2019 | UPDATED: ...", "Updated Nov. 19, 2019 8:21 am ET"), not a sentence that
/// mentions a date.
fn is_dateline(s: &str) -> bool {
    const LABELS: [&str; 16] = [
        "published",
        "updated",
        "posted",
        "modified",
        "last",
        "on",
        "at",
        "am",
        "pm",
        "gmt",
        "utc",
        "et",
        "est",
        "edt",
        "pst",
        "cet",
    ];
    if s.len() > 200
        || words(s) > 16
        || !s.as_bytes().windows(4).any(|w| {
            matches!(&w[..2], b"19" | b"20") && w[2].is_ascii_digit() && w[3].is_ascii_digit()
        })
        || corroborate_lang::date::parse_date(s).is_none()
    {
        return false;
    }
    let other = s
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .filter(|w| {
            !LABELS.contains(&w.as_str()) && corroborate_lang::calendar::month_number(w).is_none()
        })
        .filter(|w| {
            let head: String = w.chars().take(3).collect();
            !corroborate_lang::calendar::is_weekday_abbreviation(&head)
        })
        .count();
    other == 0
}

/// Drop the headline (it is the title, not body), and fragments before the first and after
/// the last prose block that are not headings.
fn trim(out: &mut Vec<(String, Kind, u16)>, title: Option<&str>) {
    if let Some(t) = title {
        // The headline, also when the page title adds or drops a site name or a kicker.
        let t = norm(t);
        out.retain(|(s, _, f)| {
            if f & flag::HEADING == 0 {
                return true;
            }
            let h = norm(s);
            let same =
                t == h || h.len() >= 20 && t.contains(&h) || t.len() >= 20 && h.starts_with(&t);
            h.is_empty() || !same
        });
    }
    // Headings at the very top are usually the headline and deck repeated.
    let first = out.iter().position(|(_, k, _)| *k == Kind::Prose);
    let last = out.iter().rposition(|(_, k, _)| *k == Kind::Prose);
    let (Some(first), Some(last)) = (first, last) else {
        return;
    };
    // The text opens at the first block that is more than a dateline or a label (a
    // standfirst, a subheading); from there on, what lies before the first prose is text.
    let first = out[..first]
        .iter()
        .position(|(s, _, f)| f & flag::BYLINE == 0 && words(s) >= 6 && !is_dateline(s))
        .unwrap_or(first);
    let mut i = 0;
    out.retain(|(s, k, f)| {
        let keep = if i < first || is_dateline(s) {
            false
        } else if i > last {
            *k != Kind::Fragment
                && f & flag::BYLINE == 0
                && (f & (flag::ITEM | flag::HEADING) == 0 || words(s) >= 6)
                && words(s) >= 4
        } else if *k == Kind::Fragment {
            f & flag::BYLINE == 0 && words(s) >= 3
        } else {
            f & flag::BYLINE == 0 || words(s) >= 12
        };
        i += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(html: &str, must: &[&str], must_not: &[&str]) {
        let doc = scraper::Html::parse_document(html);
        let w = crate::walk::walk(&doc);
        let text = main_text(&w, w.title.as_deref()).join("\n\n");
        for m in must {
            assert!(text.contains(m), "missing {m:?} in {text:?}");
        }
        for m in must_not {
            assert!(!text.contains(m), "unwanted {m:?} in {text:?}");
        }
    }

    const PROSE: &str = "The council voted on Tuesday to approve the new budget, which raises spending on schools by four per cent and cuts the roads programme.";

    #[test]
    fn article_body_wins_over_navigation_and_widgets() {
        let html = format!(
            "<html><head><title>Budget approved</title></head><body>
             <nav><ul><li><a href=/>Home</a></li><li><a href=/n>News</a></li></ul></nav>
             <div class=page><h1>Budget approved</h1><div class=byline>By Jane Doe</div>
             <div class=article-body><p>{PROSE}</p><p>Second paragraph: {PROSE}</p>
             <div class=share-tools><a href=#>Share on Facebook</a></div>
             <p>Third paragraph, the last one of the story, says more about the vote.</p></div>
             <div class=related><h3>Related</h3><p><a href=/x>{PROSE}</a></p></div>
             <div id=comments><p>I disagree with this budget entirely, it is a disgrace to our town and everyone knows it.</p></div>
             </div><footer><p>Copyright 2024 Example Media. All rights reserved.</p></footer></body></html>"
        );
        check(
            &html,
            &["The council voted", "Second paragraph", "Third paragraph"],
            &[
                "Home",
                "Budget approved",
                "Jane Doe",
                "Share on",
                "Related",
                "disgrace",
                "Copyright",
            ],
        );
    }

    #[test]
    fn a_wrapper_named_like_boilerplate_is_kept_when_it_holds_the_story() {
        let html = format!(
            "<body class='has-sidebar'><div id=main-sidebar-layout><p>{PROSE}</p><p>{PROSE} Again.</p></div>
             <aside><p>{PROSE} In the aside.</p></aside></body>"
        );
        check(&html, &["Again."], &["In the aside"]);
    }

    #[test]
    fn a_page_parked_in_a_hidden_element_is_read_and_hidden_menus_are_not() {
        // React streaming: the page sits in <div hidden id="S:0"> until a script moves it.
        let html = format!(
            "<body><div hidden id=S:0><main><h1>T</h1><p>{PROSE}</p><p>More: {PROSE}</p><p>Three: {PROSE}</p><p>Four: {PROSE}</p></main></div>
             <div style='display:none'><p>Hidden menu text: sign up for our newsletter to get the best of our stories every morning.</p></div></body>"
        );
        check(&html, &["The council voted", "More:"], &["Hidden menu"]);
    }

    #[test]
    fn page_builder_widgets_and_taxonomy_classes_are_not_boilerplate() {
        // Elementor wraps every paragraph in "elementor-widget"; WordPress tags a post's
        // article with "tag-newsletter"; the body's classes name the template.
        let html = format!(
            "<body class='has-sidebar page-template-footer'><article class='post tag-newsletter category-related'>
             <div class='elementor-widget elementor-widget-text-editor'><p>{PROSE}</p></div>
             <div class='elementor-widget elementor-widget-text-editor'><p>Next: {PROSE}</p></div></article>
             <div class='newsletter-signup'><p>Sign up for our newsletter to get the best of our stories in your inbox every morning.</p></div></body>"
        );
        check(&html, &["The council voted", "Next:"], &["Sign up"]);
    }

    #[test]
    fn table_rows_are_lines_of_data() {
        let html = format!(
            "<article><p>{PROSE}</p><table><tr><th>Pos.</th><th>Driver</th><th>Points</th></tr>
             <tr><td>1</td><td>Kyle Busch</td><td>5040</td></tr><tr><td>2</td><td>Martin Truex Jr.</td><td>5035</td></tr></table>
             <p>After the table: {PROSE}</p></article>"
        );
        check(
            &html,
            &[
                "Pos. Driver Points",
                "1 Kyle Busch 5040",
                "2 Martin Truex Jr. 5035",
            ],
            &[],
        );
    }

    #[test]
    fn a_page_without_prose_gives_its_table() {
        let rows: String = (1..=30)
            .map(|i| format!("<tr><td>{i}.</td><td>Runner {i}</td><td>12:{i:02}</td></tr>"))
            .collect();
        let html = format!(
            "<nav><ul><li><a href=/>Home</a></li><li><a href=/r>Results</a></li></ul></nav>
             <div class=content><h2>5000 m, women</h2><table>{rows}</table></div>
             <footer><a href=/imprint>Imprint</a></footer>"
        );
        check(
            &html,
            &["1. Runner 1 12:01", "30. Runner 30 12:30"],
            &["Home", "Imprint"],
        );
    }

    #[test]
    fn gallery_slides_hidden_until_shown_are_the_text() {
        let slide = |n: u32| {
            format!("<div class='gallery-slide' style='display:none'><h3>Item {n}</h3><p>{PROSE} Slide {n}.</p></div>")
        };
        let html = format!(
            "<article><p>Short intro to the list of items.</p>{}</article><div style='display:none'><p>Menu</p></div>",
            (1..=5).map(slide).collect::<String>()
        );
        check(&html, &["Slide 1.", "Slide 5."], &["Menu"]);
    }

    #[test]
    fn a_story_among_teaser_articles_is_read_alone() {
        let teaser =
            "A teaser for another story that has a sentence of its own to make it look like prose.";
        let html = format!(
            "<main><article class=story><h1>T</h1><p>{PROSE}</p><p>Two: {PROSE}</p><p>Three: {PROSE}</p><p>Four: {PROSE}</p></article>
             <article><h2><a href=/a>Other</a></h2><p>{teaser}</p></article>
             <article><h2><a href=/b>Other</a></h2><p>{teaser}</p></article></main>"
        );
        check(&html, &["The council voted", "Four:"], &["A teaser"]);
    }

    #[test]
    fn labels_and_short_lines_inside_the_text_stay_and_boxes_around_it_go() {
        let html = format!(
            "<article><p>{PROSE}</p><h3>Meal 1</h3><p>Eat every 2-3 hours</p><p>{PROSE} Again.</p>
             <h3>Meal 1</h3><p>Eat every 2-3 hours</p><p>Palm Bay d. Rockledge 70-44</p><p>Advertisement</p>
             <p>Last: {PROSE}</p><div class='smg-cta-letter'><p>Support us so we continue to pursue the facts for you and anyone searching for answers.</p></div></article>"
        );
        let doc = scraper::Html::parse_document(&html);
        let w = crate::walk::walk(&doc);
        let text = main_text(&w, None).join("\n\n");
        assert_eq!(text.matches("Eat every 2-3 hours").count(), 2, "{text}");
        assert_eq!(
            text.matches(PROSE).count(),
            3,
            "a repeated sentence is said once: {text}"
        );
        for m in ["Meal 1", "Palm Bay d. Rockledge 70-44", "Last:"] {
            assert!(text.contains(m), "missing {m:?} in {text:?}");
        }
        for m in ["Advertisement", "Support us"] {
            assert!(!text.contains(m), "unwanted {m:?} in {text:?}");
        }
    }

    #[test]
    fn a_list_of_linked_headlines_with_summaries_is_the_text() {
        let item = |n: u32| {
            format!("<li><strong><a href=/{n}>Headline number {n} about the news</a>.</strong> The company confirmed that it had been contacted by the office of the attorney general on Monday.</li>")
        };
        // Mostly link, but with a sentence of its own: still part of the list.
        let linky = "<li><strong><a href=/6>Headline number 6 about the news of the day that everyone is talking about at the office</a>.</strong> Peng Mei denied the sensational claims made in the viral post on Weibo.</li>";
        let html = format!(
            "<nav><ul><li><a href=/>Home</a></li><li><a href=/n>News</a></li></ul></nav>
             <article><p>Good morning! This is the tech news you need to know this Tuesday.</p><ol>{}{linky}</ol></article>",
            (1..=5).map(item).collect::<String>()
        );
        check(
            &html,
            &[
                "Good morning",
                "Headline number 1",
                "Headline number 6",
                "Peng Mei",
            ],
            &["Home"],
        );
    }

    #[test]
    fn an_articles_header_gives_its_standfirst_not_its_headline_or_dateline() {
        let html = format!(
            "<header><nav><a href=/>Home</a></nav></header>
             <article><header><h1>Bubonic plague: third case in China as panic begins - 'It is coming'</h1>
             <p class=lead>A third case of the plague has been reported in China, with the public beginning to panic.</p>
             <p>PUBLISHED: 00:01, Tue, Nov 19, 2019 | UPDATED: 10:43, Tue, Nov 19, 2019</p></header>
             <p>{PROSE}</p><p>Two: {PROSE}</p></article>"
        );
        let doc = scraper::Html::parse_document(&html);
        let w = crate::walk::walk(&doc);
        let text = main_text(
            &w,
            Some("Bubonic plague: third case in China as panic begins"),
        )
        .join("\n\n");
        assert!(text.starts_with("A third case of the plague"), "{text}");
        for m in ["Bubonic", "PUBLISHED", "Home"] {
            assert!(!text.contains(m), "unwanted {m:?} in {text:?}");
        }
    }

    #[test]
    fn when_class_names_take_nearly_everything_the_page_is_read_without_them() {
        // A printable recipe page: every step sits in a "print" box.
        let steps: String = (1..=10)
            .map(|i| format!("<div class='kb-tip-print-step'><p>Step {i}: {PROSE}</p></div>"))
            .collect();
        let html = format!(
            "<nav><a href=/>Home</a></nav><main><h1>How to cut a cabbage</h1><p>Ihr kennt es sicher auch!</p>{steps}</main><footer><p>Copyright 2020 Example Media. All rights reserved.</p></footer>"
        );
        check(&html, &["Step 1:", "Step 10:"], &["Home", "Copyright"]);
    }

    #[test]
    fn a_heading_over_a_list_of_links_goes_with_the_list() {
        let html = format!(
            "<article><p>{PROSE}</p><h2>The vote</h2><p>Vote: {PROSE}</p><h3>Mehr zum Thema</h3>
             <ul><li><a href=/a>Another story about the council and its many budget votes</a></li>
             <li><a href=/b>Yet another story about the council and the roads programme</a></li></ul>
             <h2 id=nav_what_comes_next>What comes next</h2><p>Next: {PROSE}</p></article>"
        );
        check(
            &html,
            &["The vote", "What comes next", "Next:"],
            &["Mehr zum Thema", "Another story"],
        );
    }

    #[test]
    fn paragraphs_split_by_ads_stay_together() {
        let html = format!(
            "<article><p>{PROSE}</p><div class=ad-slot>Advertisement</div><p>After the ad: {PROSE}</p></article>"
        );
        check(&html, &["The council", "After the ad"], &["Advertisement"]);
    }
}
