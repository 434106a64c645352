//! Entities: finds named mentions in an article ([`find_mentions`]) and merges them across a
//! story into entities with aliases ([`merge_entities`]): "Sir Keir Starmer", "Keir Starmer",
//! "Starmer", "Sir Keir" and a "the Prime Minister" that the text ties to him are one person;
//! "Zelensky"/"Zelenskyy" and "NATO"/"Nato" are one entity each.
//! Rules (capitalisation, honorifics and role titles, gazetteers, document-level consistency)
//! and the trained [`crate::tagger`]: the tagger's names win where the rules are unsure, the
//! rules where they are sure. No IO. Never invents a mention that is not a span of the text.

use crate::lexicon::*;
use corroborate_lang::token::{quoted_regions, tokenize, Token};
use corroborate_model::{Article, Entity, EntityKind, Mention, Span};
use std::collections::{BTreeMap, HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;

/// Words that make a capitalised phrase "other" (events, works, laws).
const OTHER_WORDS: &[&str] = &[
    "project",
    "programme",
    "program",
    "act",
    "war",
    "treaty",
    "agreement",
    "accord",
    "summit",
    "games",
    "cup",
    "championship",
    "championships",
    "olympics",
    "prize",
    "award",
    "awards",
    "day",
    "week",
    "festival",
    "show",
    "series",
    "doctrine",
    "plan",
    "bill",
    "deal",
    "strategy",
    "spending",
    "policy",
    "relations",
    "ties",
    "trade",
    "talks",
    "crisis",
    "revolution",
];

/// Connectors allowed inside a name when a capitalised word follows.
const CONNECTORS: &[&str] = &[
    "of", "de", "da", "du", "van", "von", "der", "den", "bin", "al", "la", "le", "y", "&",
];

/// Roles that can stand alone and still name one person ("the Prime Minister").
const PERSON_ROLES: &[&str] = &[
    "president",
    "prime minister",
    "foreign secretary",
    "home secretary",
    "defence secretary",
    "defense secretary",
    "secretary of state",
    "vice president",
    "chancellor",
    "governor",
    "mayor",
    "senator",
    "ambassador",
    "king",
    "queen",
    "pope",
    "first lady",
    "foreign minister",
    "national security adviser",
    "attorney general",
    "premier",
    "president-elect",
];

/// Strip accents and fold case: the comparison form of a word.
pub fn fold_name(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect::<String>()
        .replace('’', "'")
        .to_lowercase()
}

/// Canonical key of well-known places and bodies written several ways.
fn canonical(key: &str) -> Option<&'static str> {
    Some(match key {
        "us"
        | "u.s."
        | "usa"
        | "u.s.a."
        | "united states"
        | "united states of america"
        | "america" => "united states",
        "uk" | "u.k." | "united kingdom" | "britain" | "great britain" => "united kingdom",
        "eu" | "e.u." | "european union" => "european union",
        "un" | "u.n." | "united nations" => "united nations",
        _ => return None,
    })
}

/// Normalized nationality for role matching ("US", "American", "U.S." -> "united states").
fn nationality(word: &str) -> String {
    let f = fold_name(word);
    if let Some(c) = canonical(&f) {
        return c.to_string();
    }
    if let Some(c) = DEMONYMS.get(f.as_str()) {
        return canonical(c).unwrap_or(c).to_string();
    }
    f
}

fn is_honorific(w: &str) -> bool {
    HONORIFICS.contains(fold_name(w).as_str())
}

/// Facts about an article that decide whether a capitalised word is a name.
struct DocContext {
    /// Words seen in lower case somewhere in the article.
    lower_seen: HashSet<String>,
    /// Capitalised words seen away from the start of a sentence in ordinary sentences.
    cap_inner: HashSet<String>,
    /// Quoted regions of the article text.
    quotes: Vec<Span>,
}

fn doc_context(article: &Article) -> DocContext {
    let mut lower_seen = HashSet::new();
    let mut cap_inner = HashSet::new();
    for s in &article.sentences {
        let toks = tokenize(article.slice(s.span));
        let first_word = toks.iter().position(|t| t.word);
        for (i, t) in toks.iter().enumerate() {
            if !t.word {
                continue;
            }
            if t.text.chars().next().is_some_and(char::is_lowercase) {
                lower_seen.insert(fold_name(t.text));
            } else if !s.heading
                && Some(i) != first_word
                && !toks[..i]
                    .last()
                    .is_some_and(|p| matches!(p.text, "“" | "\"" | "‘" | ":" | "—"))
            {
                cap_inner.insert(fold_name(t.text));
            }
        }
    }
    let mut quotes = Vec::new();
    for p in &article.paragraphs {
        for q in quoted_regions(article.slice(*p)) {
            quotes.push(Span::new(p.start + q.start, p.start + q.end));
        }
    }
    DocContext {
        lower_seen,
        cap_inner,
        quotes,
    }
}

fn is_cap(t: &Token) -> bool {
    t.word
        && (t.is_capitalised() || t.is_acronym())
        && !t.text.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !t.text.starts_with("I’")
        && !t.text.starts_with("I'")
}

/// A word that is trusted as part of a name even in a heading or at a sentence start.
fn known_word(f: &str, ctx: &DocContext) -> bool {
    ctx.cap_inner.contains(f)
        || PLACES.contains(f)
        || ORG_ACRONYMS.contains(f)
        || GIVEN_NAMES.contains(f)
        || HONORIFICS.contains(f)
        || DEMONYMS.contains_key(f)
}

/// Match a role title at `toks[i..]`: returns (number of tokens, role text).
fn role_at(toks: &[&Token], i: usize) -> Option<(usize, String)> {
    for n in [3, 2, 1] {
        if i + n > toks.len() {
            continue;
        }
        let phrase = toks[i..i + n]
            .iter()
            .map(|t| fold_name(t.text))
            .collect::<Vec<_>>()
            .join(" ");
        if ROLES.contains(phrase.as_str()) {
            return Some((n, phrase));
        }
    }
    None
}

fn classify(
    name: &[&Token],
    had_role: bool,
    honorific: bool,
    next: Option<&Token>,
) -> (EntityKind, u8) {
    let words: Vec<String> = name.iter().map(|t| fold_name(t.text)).collect();
    let full = words.join(" ");
    let last = words.last().map(String::as_str).unwrap_or("");
    let first = words.first().map(String::as_str).unwrap_or("");
    if honorific {
        return (EntityKind::Person, 3);
    }
    if METONYMS.contains(full.as_str()) {
        return (EntityKind::Organisation, 3);
    }
    if PLACES.contains(full.as_str())
        || canonical(&full).is_some_and(|c| c != "european union" && c != "united nations")
    {
        return (EntityKind::Place, 3);
    }
    if canonical(&full).is_some() || ORG_ACRONYMS.contains(full.as_str()) {
        return (EntityKind::Organisation, 3);
    }
    if DEMONYMS.contains_key(full.as_str()) {
        return (EntityKind::Group, 3);
    }
    if ORG_WORDS.contains(last) || (words.len() > 2 && ORG_WORDS.contains(first)) {
        return (EntityKind::Organisation, 2);
    }
    if OTHER_WORDS.contains(&last) {
        return (EntityKind::Other, 2);
    }
    if PLACE_WORDS.contains(last) && words.len() > 1 {
        return (EntityKind::Place, 2);
    }
    if had_role {
        return (EntityKind::Person, 3);
    }
    if words.len() >= 2 && GIVEN_NAMES.contains(first) {
        return (EntityKind::Person, 2);
    }
    if name.len() == 1 && name[0].is_acronym() && name[0].text.len() <= 6 {
        return (EntityKind::Organisation, 1);
    }
    let speaks = next.is_some_and(|t| SPEECH_VERBS.contains(fold_name(t.text).as_str()));
    if words.len() >= 2 && words.len() <= 4 {
        return (EntityKind::Person, if speaks { 2 } else { 1 });
    }
    (EntityKind::Other, 0)
}

/// Find the named mentions of one article, in text order.
pub fn find_mentions(article: &Article) -> Vec<Mention> {
    let ctx = doc_context(article);
    let mut out: Vec<(Mention, u8)> = Vec::new();
    let tagger = crate::tagger::Tagger::builtin();
    let sentence_words: Vec<Vec<&str>> = article
        .sentences
        .iter()
        .map(|s| {
            tokenize(article.slice(s.span))
                .iter()
                .map(|t| t.text)
                .collect()
        })
        .collect();
    let doc_words = crate::tagger::DocWords::of(sentence_words.iter().map(Vec::as_slice));
    let mut memory = crate::tagger::Memory::default();
    for (si, s) in article.sentences.iter().enumerate() {
        let text = article.slice(s.span);
        let all = tokenize(text);
        let words: Vec<&Token> = all.iter().collect();
        // The trained tagger's labels for the sentence's tokens (IOB2 ids), when built in.
        let tags: Vec<u8> = match tagger {
            Some(t) => t.tag(&sentence_words[si], &doc_words, &mut memory),
            None => Vec::new(),
        };
        let sentence_from = out.len();
        let caps_words = words
            .iter()
            .filter(|t| t.word && t.text.chars().any(char::is_alphabetic))
            .count();
        let shouting = caps_words >= 3
            && words.iter().filter(|t| t.is_acronym()).count() * 10 >= caps_words * 7;
        let cautious = s.heading || shouting;
        let first_word = words.iter().position(|t| t.word);
        let mut i = 0;
        while i < words.len() {
            if !is_cap(words[i]) {
                i += 1;
                continue;
            }
            // Grow the chunk of capitalised words.
            let start = i;
            let mut end = i + 1;
            while end < words.len() {
                if is_cap(words[end])
                    && !(shouting && CAP_STOPWORDS.contains(fold_name(words[end].text).as_str()))
                {
                    end += 1;
                } else if end + 1 < words.len()
                    && CONNECTORS.contains(&fold_name(words[end].text).as_str())
                    && is_cap(words[end + 1])
                    && {
                        let prev = fold_name(words[end - 1].text);
                        ORG_WORDS.contains(prev.as_str())
                            || PLACE_WORDS.contains(prev.as_str())
                            || ROLES.contains(prev.as_str())
                            || words[end].text != "of"
                    }
                {
                    end += 2;
                } else {
                    break;
                }
            }
            i = end;
            let mut chunk: Vec<&Token> = words[start..end].to_vec();
            let at_start = Some(start) == first_word
                || words[..start]
                    .last()
                    .is_some_and(|p| matches!(p.text, "“" | "\"" | "‘" | ":" | "—" | "("));
            // Strip leading common words ("The", "However", "Despite").
            while let Some(t) = chunk.first() {
                let f = fold_name(t.text);
                let common = (CAP_STOPWORDS.contains(f.as_str())
                    && !HONORIFICS.contains(f.as_str())
                    && !t.is_acronym())
                    || ((at_start || cautious)
                        && ctx.lower_seen.contains(&f)
                        && !known_word(&f, &ctx))
                    || CONNECTORS.contains(&f.as_str());
                if common {
                    chunk.remove(0);
                } else {
                    break;
                }
            }
            while chunk
                .last()
                .is_some_and(|t| CONNECTORS.contains(&fold_name(t.text).as_str()))
            {
                chunk.pop();
            }
            if chunk.is_empty() {
                continue;
            }
            // Nationality, role titles, honorific.
            let mut k = 0;
            let mut role: Vec<String> = Vec::new();
            let mut nation: Option<String> = None;
            let mut extra: Vec<(Mention, u8)> = Vec::new();
            let last_is_org = ORG_WORDS.contains(fold_name(chunk[chunk.len() - 1].text).as_str());
            if !last_is_org {
                loop {
                    if k + 1 < chunk.len() && role_at(&chunk, k + 1).is_some() {
                        let f = fold_name(chunk[k].text);
                        if PLACES.contains(f.as_str()) || DEMONYMS.contains_key(f.as_str()) {
                            nation = Some(nationality(chunk[k].text));
                            let kind = if PLACES.contains(f.as_str()) {
                                EntityKind::Place
                            } else {
                                EntityKind::Other
                            };
                            extra.push((
                                Mention {
                                    span: shift(chunk[k].span, s.span.start),
                                    kind,
                                    role: None,
                                    role_only: false,
                                    refers_to: None,
                                    in_quote: false,
                                },
                                3,
                            ));
                            k += 1;
                            continue;
                        }
                    }
                    match role_at(&chunk, k) {
                        Some((n, r)) => {
                            role.push(r);
                            k += n;
                        }
                        None => break,
                    }
                }
            }
            let honorific = chunk.get(k).is_some_and(|t| is_honorific(t.text));
            let name: Vec<&Token> = chunk[k..].to_vec();
            let base_role = role
                .iter()
                .filter(|r| !ROLE_MODIFIERS.contains(r.as_str()))
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            let role_str = if base_role.is_empty() {
                None
            } else {
                Some(match &nation {
                    Some(n) => format!("{n}|{base_role}"),
                    None => base_role.clone(),
                })
            };
            for (m, c) in extra {
                out.push((m, c));
            }
            if name.is_empty() || (honorific && name.len() == 1) {
                if let Some(r) = role_str {
                    if PERSON_ROLES.contains(&base_role.as_str()) {
                        let span = Span::new(chunk[0].span.start, chunk[chunk.len() - 1].span.end);
                        out.push((
                            Mention {
                                span: shift(span, s.span.start),
                                kind: EntityKind::Person,
                                role: Some(r),
                                role_only: true,
                                refers_to: None,
                                in_quote: false,
                            },
                            3,
                        ));
                    }
                }
                continue;
            }
            // "AI", "GDP": capitals, but common nouns.
            if name.len() == 1 && COMMON_ACRONYMS.contains(fold_name(name[0].text).as_str()) {
                continue;
            }
            // In headings, all-capital lines and at sentence starts, trust only known words.
            if (cautious || (at_start && start == chunk_start(&words, &chunk)))
                && name.len() == 1
                && !known_word(&fold_name(name[0].text), &ctx)
                && role_str.is_none()
                && !honorific
            {
                continue;
            }
            if cautious
                && name.iter().any(|t| !known_word(&fold_name(t.text), &ctx))
                && role_str.is_none()
            {
                continue;
            }
            // Split "UK-US" style compounds of names.
            if name.len() == 1 && name[0].text.contains('-') {
                let parts: Vec<&str> = name[0].text.split('-').collect();
                if parts
                    .iter()
                    .all(|p| p.chars().next().is_some_and(char::is_uppercase))
                {
                    let mut off = name[0].span.start;
                    for p in parts {
                        let f = fold_name(p);
                        let kind = if PLACES.contains(f.as_str()) {
                            EntityKind::Place
                        } else if ORG_ACRONYMS.contains(f.as_str()) {
                            EntityKind::Organisation
                        } else if DEMONYMS.contains_key(f.as_str()) {
                            EntityKind::Group
                        } else {
                            off += p.len() + 1;
                            continue;
                        };
                        out.push((
                            Mention {
                                span: shift(Span::new(off, off + p.len()), s.span.start),
                                kind,
                                role: None,
                                role_only: false,
                                refers_to: None,
                                in_quote: false,
                            },
                            3,
                        ));
                        off += p.len() + 1;
                    }
                    continue;
                }
            }
            let next = words.get(end).copied();
            let (mut kind, mut conf) = classify(&name, role_str.is_some(), honorific, next);
            let first = chunk_start(&words, &name);
            // The tagger decides what the rules are unsure of: the kind of the name, or that
            // it is no name at all; not the kind of a name whose last word says its class
            // ("Project", "University", "Street") when the tagger sees only a part of it.
            let last = fold_name(name[name.len() - 1].text);
            let untagged_end = tags.get(first + name.len() - 1).is_some_and(|&l| l == 0);
            let classed = name.len() > 1 && class_word(&last, untagged_end);
            if !tags.is_empty() && first != usize::MAX && conf < 3 && !classed {
                let kinds: Vec<u8> = tags[first..(first + name.len()).min(tags.len())]
                    .iter()
                    .map(|&l| l.div_ceil(2))
                    .collect();
                if kinds.iter().all(|&k| k == 0) {
                    if conf <= 1 {
                        continue;
                    }
                } else if let Some(k) = kinds.iter().copied().find(|&k| k != 0) {
                    kind = kind_of_tag(k);
                    conf = conf.max(2);
                }
            }
            let span = Span::new(name[0].span.start, name[name.len() - 1].span.end);
            out.push((
                Mention {
                    span: shift(span, s.span.start),
                    kind,
                    role: role_str,
                    role_only: false,
                    refers_to: None,
                    in_quote: false,
                },
                conf,
            ));
        }
        // The tagger's names: where the rules saw none, and in place of rule names it
        // overlaps that the rules are not sure of (their spans are the tagger's). In
        // title-case headings, whose capitals are style (and which its training text, news
        // wire, hardly has), only names whose every word the rules trust there too.
        let title_case = s.heading && !shouting && {
            // Title case capitalises the longer words (not "of", "the", "on").
            let long: Vec<&&Token> = words
                .iter()
                .filter(|t| t.word && t.text.chars().filter(|c| c.is_alphabetic()).count() >= 4)
                .collect();
            long.len() >= 2 && long.iter().filter(|t| is_cap(t)).count() * 10 >= long.len() * 7
        };
        if !tags.is_empty() {
            // The sentence's rule mentions by position, so that each tagger name meets only
            // those it overlaps (a sentence may hold thousands): `reach[k]` is the furthest
            // end among the first k + 1, `gone[k]` marks those a tagger name replaced.
            let mut rules = out.split_off(sentence_from);
            rules.sort_by_key(|(m, _)| m.span);
            let reach: Vec<usize> = rules
                .iter()
                .scan(0, |r, (m, _)| {
                    *r = (*r).max(m.span.end);
                    Some(*r)
                })
                .collect();
            let mut gone = vec![false; rules.len()];
            let mut names = Vec::new();
            for (i, j, kind, head) in tagger_names(&tags, &words) {
                let trusted = !(title_case || shouting)
                    || words[i..j]
                        .iter()
                        .filter(|t| t.word)
                        .all(|t| known_word(&fold_name(t.text), &ctx));
                if !trusted {
                    continue;
                }
                let span = shift(
                    Span::new(words[i].span.start, words[j - 1].span.end),
                    s.span.start,
                );
                // A hyphenated modifier names only by its head: "French" of "French-led".
                let span = match head {
                    Some(n) => Span::new(span.start, span.start + n),
                    None => span,
                };
                let overlaps = |m: &Mention| m.span.start < span.end && span.start < m.span.end;
                // A sure rule name stands, unless it is a lone word after a role that
                // the tagger reads as one name with the role word ("General Motors":
                // not the role "General" and a person "Motors").
                let inside = |m: &Mention| {
                    span.start < m.span.start
                        && m.span.end <= span.end
                        && m.kind == EntityKind::Person
                        && m.role.is_some()
                        && !article.slice(m.span).contains(' ')
                        && !GIVEN_NAMES.contains(fold_name(article.slice(m.span)).as_str())
                };
                // A rule name that holds the tagger's and ends in a word of its class stands
                // too: "the Manhattan Project", not the place "Manhattan".
                // (Spans first: a sentence may hold thousands of mentions.)
                let classed = |m: &Mention| {
                    if !(m.span.start <= span.start && span.end <= m.span.end) {
                        return false;
                    }
                    let last = article
                        .slice(m.span)
                        .rsplit(' ')
                        .next()
                        .map(fold_name)
                        .unwrap_or_default();
                    class_word(&last, true)
                };
                // Rule mentions that overlap the name, and are still standing.
                let upto = rules.partition_point(|(m, _)| m.span.start < span.end);
                let hits: Vec<usize> = (0..upto)
                    .rev()
                    .take_while(|&k| reach[k] > span.start)
                    .filter(|&k| !gone[k] && overlaps(&rules[k].0))
                    .collect();
                if !hits.iter().any(|&k| {
                    let (m, c) = &rules[k];
                    !m.role_only && (*c >= 3 && !inside(m) || *c >= 2 && classed(m))
                }) {
                    for &k in &hits {
                        if !rules[k].0.role_only {
                            gone[k] = true;
                        }
                    }
                    names.push((
                        Mention {
                            span,
                            kind,
                            role: None,
                            role_only: false,
                            refers_to: None,
                            in_quote: false,
                        },
                        2,
                    ));
                }
            }
            out.extend(
                rules
                    .into_iter()
                    .zip(gone)
                    .filter(|(_, g)| !g)
                    .map(|(r, _)| r),
            );
            out.extend(names);
        }
        // Lower-case role-only mentions: "the prime minister", "the US president".
        for (j, t) in words.iter().enumerate() {
            if fold_name(t.text) != "the" {
                continue;
            }
            let mut k = j + 1;
            let mut nation = None;
            if let Some(n) = words.get(k) {
                let f = fold_name(n.text);
                if role_at(&words, k + 1).is_some()
                    && (PLACES.contains(f.as_str()) || DEMONYMS.contains_key(f.as_str()))
                {
                    nation = Some(nationality(n.text));
                    k += 1;
                }
            }
            let Some((n, r)) = role_at(&words, k) else {
                continue;
            };
            if !PERSON_ROLES.contains(&r.as_str()) {
                continue;
            }
            if words.get(k + n).is_some_and(|t| is_cap(t)) || words[k].is_capitalised() {
                continue; // a name follows, or the capitalised form was handled above
            }
            let span = Span::new(words[k].span.start, words[k + n - 1].span.end);
            out.push((
                Mention {
                    span: shift(span, s.span.start),
                    kind: EntityKind::Person,
                    role: Some(match nation {
                        Some(n) => format!("{n}|{r}"),
                        None => r,
                    }),
                    role_only: true,
                    refers_to: None,
                    in_quote: false,
                },
                3,
            ));
        }
    }
    out.sort_by_key(|(m, _)| m.span);
    out.dedup_by_key(|(m, _)| m.span);
    let mut mentions: Vec<Mention> = out.into_iter().map(|(m, _)| m).collect();
    for m in &mut mentions {
        m.in_quote = ctx.quotes.iter().any(|q| q.contains(m.span));
    }
    // A lone word that is the surname or given name of a person named in full is that person.
    let people: HashSet<String> = mentions
        .iter()
        .filter(|m| m.kind == EntityKind::Person && !m.role_only)
        .flat_map(|m| {
            let ws: Vec<String> = article
                .slice(m.span)
                .split_whitespace()
                .map(fold_name)
                .collect();
            if ws.len() >= 2 {
                vec![ws[ws.len() - 1].clone()]
            } else {
                vec![]
            }
        })
        .collect();
    for m in &mut mentions {
        if m.kind == EntityKind::Other && !m.role_only {
            let f = fold_name(article.slice(m.span));
            if people.contains(&f) {
                m.kind = EntityKind::Person;
            }
        }
        if m.kind != EntityKind::Person
            && !m.role_only
            && DEMONYMS.contains_key(fold_name(article.slice(m.span)).as_str())
        {
            m.kind = EntityKind::Group;
        }
    }
    link_roles(article, &mut mentions);
    mentions
}

/// The tagger's names in one sentence as token ranges `[i, j)` with their kind, cleaned of
/// what a news-wire tagger gets wrong in news prose: a name never starts with a digit or a
/// sign ("1-800-FDA-0178"); an honorific inside a name starts a new one ("the US Lord
/// Mandelson": "US", then the person "Lord Mandelson"); an acronym of a common noun ("AI",
/// "GDP") and a hyphenated modifier with no capitalised head are no names; a nationality or
/// group word is a [`EntityKind::Group`].
/// A hyphenated modifier comes back with the byte length of its head.
fn tagger_names(tags: &[u8], words: &[&Token]) -> Vec<(usize, usize, EntityKind, Option<usize>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len().min(words.len()) {
        let k = tags[i].div_ceil(2);
        if k == 0 || tags[i].is_multiple_of(2) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < tags.len().min(words.len()) && tags[j] == tags[i] + 1 {
            j += 1;
        }
        let mut pieces = vec![(i, j, kind_of_tag(k))];
        // "Senate Democratic Leader Chuck Schumer": a role title inside, after a word and
        // before names, makes the names after it a person.
        let role = (i..j)
            .rev()
            .filter_map(|h| role_at(words, h).map(|(n, _)| (h, h + n)))
            .find(|&(h, e)| h > i && e < j && words[e..j].iter().all(|t| is_cap(t)));
        // "Mark H. Pollack of Rush University": a person of an organisation.
        let of = (i + 2..j.saturating_sub(1)).find(|&h| words[h].text == "of");
        let org_after = |h: usize| {
            ORG_WORDS.contains(fold_name(words[j - 1].text).as_str())
                || ORG_WORDS.contains(fold_name(words[h + 1].text).as_str())
        };
        if let Some(h) = (i + 1..j).find(|&h| is_honorific(words[h].text)) {
            pieces = vec![(i, h, kind_of_tag(k)), (h, j, EntityKind::Person)];
        } else if let Some(h) = of.filter(|&h| k == 1 && org_after(h)) {
            pieces = vec![
                (i, h, EntityKind::Person),
                (h + 1, j, EntityKind::Organisation),
            ];
        } else if let Some((h, e)) = role {
            pieces = vec![(i, h, kind_of_tag(k)), (e, j, EntityKind::Person)];
        }
        // A tagger "person" opening with a role word: "General Motors", "General Electric"
        // (one word after the role, no given name) name companies; else the role is no part
        // of the name ("President Clinton").
        if let [(a, b, EntityKind::Person)] = pieces[..] {
            if let Some((n, _)) = role_at(words, a).filter(|(n, _)| a + n < b) {
                let rest = &words[a + n..b];
                pieces =
                    if rest.len() == 1 && !GIVEN_NAMES.contains(fold_name(rest[0].text).as_str()) {
                        vec![(a, b, EntityKind::Organisation)]
                    } else {
                        vec![(a + n, b, EntityKind::Person)]
                    };
            }
        }
        for (a, b, kind) in pieces {
            let first = words[a].text;
            let lettered = first.chars().next().is_some_and(char::is_alphabetic);
            // "French-led", "Kremlin-backed", "anti-Trump": a capitalised head names.
            let modifier = match first.split_once('-') {
                Some((head, tail)) if b == a + 1 => tail
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                    .then_some(head),
                _ => None,
            };
            let pronoun = first.starts_with("I’") || first.starts_with("I'");
            if !lettered
                || pronoun
                || (b == a + 1 && COMMON_ACRONYMS.contains(fold_name(first).as_str()))
                || modifier.is_some_and(|h| !h.chars().next().is_some_and(char::is_uppercase))
            {
                continue;
            }
            let lone = fold_name(modifier.unwrap_or(first));
            let lone = lone.as_str();
            let kind = if b == a + 1 && DEMONYMS.contains_key(lone) {
                EntityKind::Group
            } else if b == a + 1 && PLACES.contains(lone) {
                EntityKind::Place
            } else {
                kind
            };
            out.push((a, b, kind, modifier.map(str::len)));
        }
        i = j;
    }
    out
}

/// The entity kind of a tagger kind (1 PER, 2 ORG, 3 LOC, 4 MISC).
fn kind_of_tag(k: u8) -> EntityKind {
    match k {
        1 => EntityKind::Person,
        2 => EntityKind::Organisation,
        3 => EntityKind::Place,
        _ => EntityKind::Other,
    }
}

/// Whether a folded word names the class of the name it ends ("Project", "Street",
/// "Garden"; "University", "Party" when `org`), so that the name keeps that class.
fn class_word(folded: &str, org: bool) -> bool {
    OTHER_WORDS.contains(&folded)
        || PLACE_WORDS.contains(folded)
        || org && ORG_WORDS.contains(folded)
}

/// Index in `words` of the chunk's first token (by position: tokens are in text order),
/// `usize::MAX` if it is not one of them.
fn chunk_start(words: &[&Token], chunk: &[&Token]) -> usize {
    let Some(first) = chunk.first() else {
        return usize::MAX;
    };
    let at = words.partition_point(|t| t.span.start < first.span.start);
    match words.get(at) {
        Some(t) if std::ptr::eq(*t, *first) => at,
        _ => usize::MAX,
    }
}

fn shift(span: Span, by: usize) -> Span {
    Span::new(span.start + by, span.end + by)
}

fn role_parts(r: &str) -> (Option<&str>, &str) {
    match r.split_once('|') {
        Some((n, base)) => (Some(n), base),
        None => (None, r),
    }
}

/// Tie role-only mentions to the named person the article gave that role.
fn link_roles(article: &Article, mentions: &mut [Mention]) {
    let named: Vec<(usize, String, String)> = mentions
        .iter()
        .filter(|m| !m.role_only && m.kind == EntityKind::Person)
        .filter_map(|m| {
            Some((
                m.span.start,
                m.role.clone()?,
                article.slice(m.span).to_string(),
            ))
        })
        .collect();
    for m in mentions.iter_mut().filter(|m| m.role_only) {
        let Some(role) = m.role.clone() else { continue };
        let (nat, base) = role_parts(&role);
        let fits = |r: &str| {
            let (n2, b2) = role_parts(r);
            b2 == base && (nat.is_none() || n2.is_none() || nat == n2)
        };
        let before = named
            .iter()
            .rev()
            .find(|(pos, r, _)| *pos < m.span.start && fits(r));
        let any = || named.iter().find(|(_, r, _)| fits(r));
        m.refers_to = before.or_else(any).map(|(_, _, s)| s.clone());
    }
}

/// Comparison key of a name: folded words without honorifics and possessives.
pub fn name_key(surface: &str) -> Vec<String> {
    let mut ws: Vec<String> = surface
        .split_whitespace()
        .map(|w| fold_name(w.trim_end_matches("’s").trim_end_matches("'s")))
        .filter(|w| !w.is_empty())
        .collect();
    while ws.len() > 1 && HONORIFICS.contains(ws[0].as_str()) {
        ws.remove(0);
    }
    // "Apple Inc.", "Apple Inc": the company "Apple".
    while ws.len() > 1
        && matches!(
            ws[ws.len() - 1].trim_end_matches([',', '.']),
            "inc" | "corp" | "ltd" | "plc" | "llc" | "co" | "ag" | "sa" | "nv" | "gmbh"
        )
    {
        ws.pop();
    }
    let joined = ws.join(" ");
    if let Some(c) = canonical(&joined) {
        return c.split(' ').map(String::from).collect();
    }
    ws
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Two name words that are the same name in another spelling ("zelensky", "zelenskyy").
fn same_word(a: &str, b: &str) -> bool {
    a == b
        || (a.chars().count() >= 5
            && b.chars().count() >= 5
            && a.chars().take(3).eq(b.chars().take(3))
            && edit_distance(a, b) <= 1)
}

/// Disjoint sets over `0..n`; the smallest index is each set's root, so results do not
/// depend on the order of unions. Shared by the entity and quote mergers.
pub(crate) struct UnionFind(Vec<usize>);
impl UnionFind {
    /// `n` singleton sets.
    pub(crate) fn new(n: usize) -> Self {
        UnionFind((0..n).collect())
    }
    /// The root of `x`'s set.
    pub(crate) fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut y = x;
        while self.0[y] != r {
            let next = self.0[y];
            self.0[y] = r;
            y = next;
        }
        r
    }
    /// Join the sets of `a` and `b`.
    pub(crate) fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // Keep the smaller index as root so results do not depend on call order.
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.0[hi] = lo;
        }
    }
}

/// One mention as the merger sees it.
struct Item<'a> {
    article: &'a str,
    surface: String,
    key: String,
    kind: EntityKind,
    person_cue: bool,
    role_alias: Option<String>,
}

/// The canonical name of the merged person entity that a written name belongs to: the name or
/// one of its aliases, compared by [`name_key`]; `None` for names of no person entity.
pub fn entity_for(entities: &[Entity], surface: &str) -> Option<String> {
    let key = name_key(surface);
    if key.is_empty() {
        return None;
    }
    entities
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .find(|e| name_key(&e.name) == key || e.aliases.iter().any(|a| name_key(a) == key))
        .map(|e| e.name.clone())
}

/// Merge mentions across a story's articles into entities, most mentioned first.
/// `mentions[i]` belongs to `articles[i]`.
pub fn merge_entities(articles: &[Article], mentions: &[Vec<Mention>]) -> Vec<Entity> {
    let mut items: Vec<Item> = Vec::new();
    let mut pending_roles: Vec<(&str, String, String)> = Vec::new();
    for (a, ms) in articles.iter().zip(mentions) {
        for m in ms {
            let written = a.slice(m.span).to_string();
            if m.role_only {
                match &m.refers_to {
                    Some(target) => items.push(Item {
                        article: &a.id,
                        key: name_key(target).join(" "),
                        surface: target.clone(),
                        kind: EntityKind::Person,
                        person_cue: true,
                        role_alias: Some(written),
                    }),
                    None => {
                        pending_roles.push((&a.id, m.role.clone().unwrap_or_default(), written))
                    }
                }
                continue;
            }
            let key = name_key(&written).join(" ");
            if key.is_empty() {
                continue;
            }
            let person_cue =
                m.role.is_some() || written.split_whitespace().next().is_some_and(is_honorific);
            items.push(Item {
                article: &a.id,
                key,
                surface: written,
                kind: m.kind,
                person_cue,
                role_alias: None,
            });
        }
    }
    // Story-level fallback for role-only mentions: the person the other articles give the role.
    let mut role_owner: BTreeMap<String, BTreeMap<String, (usize, String)>> = BTreeMap::new();
    for (a, ms) in articles.iter().zip(mentions) {
        for m in ms
            .iter()
            .filter(|m| !m.role_only && m.kind == EntityKind::Person)
        {
            if let Some(r) = &m.role {
                let written = a.slice(m.span).to_string();
                let key = name_key(&written).join(" ");
                let (_, base) = role_parts(r);
                let mut roles = vec![r.clone()];
                if r.contains('|') {
                    roles.push(base.to_string());
                }
                for role in roles {
                    let e = role_owner
                        .entry(role)
                        .or_default()
                        .entry(key.clone())
                        .or_insert((0, written.clone()));
                    e.0 += 1;
                }
            }
        }
    }
    for (article, role, written) in pending_roles {
        let Some(owners) = role_owner.get(&role) else {
            continue;
        };
        let mut ranked: Vec<(&String, &(usize, String))> = owners.iter().collect();
        ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        if ranked.len() > 1 && ranked[0].1 .0 == ranked[1].1 .0 {
            continue; // ambiguous
        }
        items.push(Item {
            article,
            key: ranked[0].0.clone(),
            surface: ranked[0].1 .1.clone(),
            kind: EntityKind::Person,
            person_cue: true,
            role_alias: Some(written),
        });
    }

    // Distinct keys and their union-find.
    let mut keys: Vec<String> = items.iter().map(|i| i.key.clone()).collect();
    keys.sort();
    keys.dedup();
    let index: HashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut uf = UnionFind::new(keys.len());
    let toks: Vec<Vec<&str>> = keys.iter().map(|k| k.split(' ').collect()).collect();
    // Per key: kind votes, articles, and whether it was ever a person by cue.
    let mut person_key = vec![false; keys.len()];
    let mut key_articles: Vec<HashSet<&str>> = vec![HashSet::new(); keys.len()];
    let mut honorific_given = vec![false; keys.len()];
    for it in &items {
        let k = index[it.key.as_str()];
        person_key[k] |= it.kind == EntityKind::Person;
        key_articles[k].insert(it.article);
        let first = fold_name(it.surface.split_whitespace().next().unwrap_or(""));
        honorific_given[k] |= matches!(first.as_str(), "sir" | "dame" | "lord" | "lady");
    }
    // Multi-word names spelled differently: every word the same name.
    for a in 0..keys.len() {
        for b in a + 1..keys.len() {
            if toks[a].len() >= 2
                && toks[a].len() == toks[b].len()
                && keys[a] != keys[b]
                && toks[a].iter().zip(&toks[b]).all(|(x, y)| same_word(x, y))
            {
                uf.union(a, b);
            }
        }
    }
    // A person's name without the first of its words ("Harden Bradford") is the person of
    // the fuller name ("Joy Harden Bradford"), when only one fuller name ends so.
    for a in 0..keys.len() {
        if toks[a].len() < 2 || !person_key[a] {
            continue;
        }
        let fuller: Vec<usize> = (0..keys.len())
            .filter(|&b| {
                person_key[b]
                    && toks[b].len() > toks[a].len()
                    && toks[b][toks[b].len() - toks[a].len()..] == toks[a][..]
            })
            .collect();
        if let [b] = fuller[..] {
            uf.union(a, b);
        }
    }
    // Short forms join the full name they abbreviate, preferring names in the same articles.
    for a in 0..keys.len() {
        if toks[a].len() != 1 {
            continue;
        }
        let w = toks[a][0];
        let acronym = w.len() >= 2 && !w.contains(' ');
        let mut best: Option<(usize, usize, usize)> = None; // (shared articles, key index, len)
        for b in 0..keys.len() {
            if toks[b].len() < 2 {
                continue;
            }
            let surname = person_key[b] && same_word(toks[b].last().unwrap(), w);
            let given = person_key[b] && honorific_given[a] && toks[b][0] == w;
            let initials: String = toks[b]
                .iter()
                .filter(|t| !matches!(**t, "of" | "the" | "and" | "for" | "&"))
                .filter_map(|t| t.chars().next())
                .collect();
            let expands =
                acronym && !person_key[b] && initials.len() >= 2 && initials == w.replace('.', "");
            if surname || given || expands {
                let shared = key_articles[a].intersection(&key_articles[b]).count();
                let cand = (shared, b, toks[b].len());
                if best.is_none_or(|(s, bb, _)| shared > s || (shared == s && b < bb)) {
                    best = Some(cand);
                }
            }
        }
        if let Some((_, b, _)) = best {
            uf.union(a, b);
        }
    }
    // Gather clusters.
    let mut clusters: BTreeMap<usize, Vec<&Item>> = BTreeMap::new();
    for it in &items {
        let root = uf.find(index[it.key.as_str()]);
        clusters.entry(root).or_default().push(it);
    }
    let mut entities = Vec::new();
    for (_, its) in clusters {
        let mut votes: BTreeMap<EntityKind, usize> = BTreeMap::new();
        for it in &its {
            let w = if it.person_cue { 3 } else { 1 };
            *votes.entry(it.kind).or_default() += w;
        }
        let multi_person = its
            .iter()
            .any(|it| it.kind == EntityKind::Person && it.key.contains(' '));
        let mut kind = votes
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, _)| *k)
            .unwrap_or(EntityKind::Other);
        if multi_person && its.iter().any(|it| it.person_cue) {
            kind = EntityKind::Person;
        }
        // Name: for people the fullest form without honorific; else the most frequent form.
        let mut forms: BTreeMap<String, usize> = BTreeMap::new();
        for it in its.iter().filter(|it| it.role_alias.is_none()) {
            *forms.entry(strip_honorific(&it.surface)).or_default() += 1;
        }
        if forms.is_empty() {
            for it in &its {
                *forms.entry(strip_honorific(&it.surface)).or_default() += 1;
            }
        }
        let name = forms
            .iter()
            .max_by(|a, b| {
                let wa = a.0.split_whitespace().filter(|w| !is_honorific(w)).count();
                let wb = b.0.split_whitespace().filter(|w| !is_honorific(w)).count();
                let by_len = if kind == EntityKind::Person {
                    wa.cmp(&wb)
                } else {
                    std::cmp::Ordering::Equal
                };
                by_len
                    .then(a.1.cmp(b.1))
                    .then(caps_score(a.0).cmp(&caps_score(b.0)))
                    .then(b.0.cmp(a.0))
            })
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        let mut aliases: Vec<String> = its
            .iter()
            .flat_map(|it| [Some(it.surface.clone()), it.role_alias.clone()])
            .flatten()
            .filter(|s| *s != name)
            .collect();
        aliases.sort();
        aliases.dedup();
        // A lower-case alias ("prime minister") adds nothing beside its capitalised spelling.
        let folded: HashSet<String> = aliases
            .iter()
            .chain(std::iter::once(&name))
            .filter(|a| caps_score(a) > 0)
            .map(|a| fold_name(a))
            .collect();
        aliases.retain(|a| caps_score(a) > 0 || !folded.contains(&fold_name(a)));
        let mut arts: Vec<String> = its.iter().map(|it| it.article.to_string()).collect();
        arts.sort();
        arts.dedup();
        entities.push(Entity {
            name,
            kind,
            aliases,
            articles: arts,
            mentions: its.len(),
        });
    }
    entities.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.name.cmp(&b.name)));
    entities
}

fn caps_score(s: &str) -> usize {
    s.chars().filter(|c| c.is_uppercase()).count()
}

fn strip_honorific(surface: &str) -> String {
    let ws: Vec<&str> = surface.split_whitespace().collect();
    let skip = ws.iter().take_while(|w| is_honorific(w)).count();
    if skip > 0 && skip < ws.len() && ws.len() - skip >= 2 {
        ws[skip..].join(" ")
    } else {
        surface.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clean, segment};
    use corroborate_model::RawArticle;

    fn article(id: &str, body: &str) -> Article {
        let raw = RawArticle {
            id: id.into(),
            body: body.into(),
            ..Default::default()
        };
        let mut a = clean::clean(&[raw]).remove(0);
        a.sentences = segment::segment(&a);
        a
    }

    fn names(a: &Article) -> Vec<(String, EntityKind)> {
        find_mentions(a)
            .iter()
            .map(|m| (a.slice(m.span).to_string(), m.kind))
            .collect()
    }

    #[test]
    fn roles_are_not_names_and_honorifics_are() {
        let a = article("a", "Prime Minister Sir Keir Starmer met US President Donald Trump in Washington. Mr Trump smiled.");
        let n = names(&a);
        assert!(n.contains(&("Sir Keir Starmer".into(), EntityKind::Person)));
        assert!(n.contains(&("Donald Trump".into(), EntityKind::Person)));
        assert!(n.contains(&("US".into(), EntityKind::Place)));
        assert!(n.contains(&("Washington".into(), EntityKind::Place)));
        assert!(n.contains(&("Mr Trump".into(), EntityKind::Person)));
    }

    #[test]
    fn sentence_starts_are_not_names() {
        let a = article(
            "a",
            "However, the talks went on. Despite that, Starmer left. Securing support is hard.",
        );
        let n: Vec<String> = names(&a).into_iter().map(|(name, _)| name).collect();
        assert_eq!(n, ["Starmer"]);
    }

    #[test]
    fn aliases_merge_across_articles() {
        let a = article("a", "Sir Keir Starmer met Volodymyr Zelensky. Sir Keir said NATO would help. The Prime Minister left.");
        let b = article(
            "b",
            "UK Prime Minister Keir Starmer met Zelenskyy. Starmer praised Nato.",
        );
        let e = merge_entities(
            &[a.clone(), b.clone()],
            &[find_mentions(&a), find_mentions(&b)],
        );
        let starmer = e
            .iter()
            .find(|e| e.name == "Keir Starmer")
            .expect("one Starmer");
        assert_eq!(starmer.kind, EntityKind::Person);
        assert!(starmer.aliases.contains(&"Sir Keir".to_string()));
        assert!(starmer.aliases.contains(&"Starmer".to_string()));
        assert!(starmer.aliases.iter().any(|a| a == "Prime Minister"));
        assert_eq!(starmer.articles, ["a", "b"]);
        assert_eq!(
            e.iter()
                .filter(|e| e.name.starts_with("Zelensk")
                    || e.name.ends_with("Zelensky")
                    || e.name.ends_with("Zelenskyy"))
                .count(),
            1
        );
        assert_eq!(
            e.iter()
                .filter(|e| e.name.eq_ignore_ascii_case("nato"))
                .count(),
            1
        );
    }
}
