//! Claims: what each sentence asserts, in pieces the fact aligner can match on their own.
//! A sentence is one claim, and when it joins clauses that other outlets report separately
//! ("X, insisting Y"; "A but B"; "on the Chagos Islands and US-UK cooperation on AI") each
//! clause is a claim too, as a byte span of the sentence. Also, per sentence: its main actor
//! (the person who does or says what it states), its act (asking for, promising or refusing
//! what follows its verb), whether it is negated, and the word trigrams it quotes, the signals
//! that tell "Starmer asks" from "Trump hesitates".
//! In: an [`Article`] (segmented), its mentions, and a name → entity map. Out: [`SentenceClaims`].
//! Invariant: every clause span lies inside its sentence and is a verbatim slice of the text.
//! Never guesses at syntax beyond punctuation, a few function words and the mentions given;
//! never changes text.

use corroborate_lang::token::{quoted_regions, tokenize};
use corroborate_model::{Article, EntityKind, Mention, Span};

/// One claim: a sentence or a clause of it, with the signals of who asserts what.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Claim {
    /// Its bytes in the article text (a sentence's span, or a clause inside it).
    pub span: Span,
    /// The main actor: a person's canonical name (lower-cased), when the claim names one as its
    /// subject; a clause without a subject of its own has its sentence's actor.
    pub actor: Option<String>,
    /// True when the claim says "not", "n't", "never" or "no longer".
    pub negated: bool,
    /// Hashes of lower-cased word trigrams inside quotation marks, sorted and unique.
    pub quoted: Vec<u64>,
    /// Which way a quantity moves: 1 up ("rose", "increase"), -1 down ("fell", "cut"), 0 for
    /// neither or both.
    pub direction: i8,
    /// What its actor does when that is a position news reports (asking for something,
    /// promising it, refusing it), and the absolute byte where the act's verb ends: what is
    /// asked for, promised or refused follows it.
    pub act: Option<(Act, usize)>,
}

/// A position an actor takes: the same act on the same thing by the same actor is one claim
/// however each outlet words it ("will urge Mr Trump to provide a backstop", "aims to secure
/// a commitment for a US backstop").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Act {
    /// Asks, urges, presses or seeks.
    Request,
    /// Promises, pledges or offers.
    Pledge,
    /// Refuses, rejects or rules out.
    Refuse,
}

/// What one sentence claims: itself, and its clauses when it joins two or more claims.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SentenceClaims {
    /// The whole sentence as one claim.
    pub whole: Claim,
    /// Its clauses, in order, when it holds two or more claims; empty otherwise.
    pub clauses: Vec<Claim>,
}

/// Words that open a clause which is a claim of its own after a comma (participles and
/// subordinators that report a second statement).
const CLAUSE_OPENERS: &[&str] = &[
    "but",
    "while",
    "whereas",
    "although",
    "though",
    "which",
    "who",
    "adding",
    "insisting",
    "saying",
    "suggesting",
    "underscoring",
    "emphasising",
    "emphasizing",
    "stressing",
    "arguing",
    "warning",
    "urging",
    "reiterating",
    "citing",
    "noting",
    "claiming",
    "accusing",
    "calling",
    "describing",
    "positioning",
    "raising",
    "prompting",
    "meaning",
    "despite",
];

/// Words that open an elaboration after a comma ("provide a backstop, possibly including air
/// cover, to prevent ..."): not a claim of its own, but other outlets state the head without
/// it, so the head before it is a claim.
const ELABORATION_OPENERS: &[&str] = &[
    "possibly",
    "potentially",
    "perhaps",
    "including",
    "to",
    "should",
];

/// Finite verbs and clause markers that show a clause follows "and".
const FINITE: &[&str] = &[
    "is", "are", "was", "were", "will", "would", "has", "have", "had", "can", "could", "should",
    "said", "says", "that", "did", "does", "must", "may", "might",
];

/// Words that open an introductory phrase whose subject is not the sentence's subject.
const INTRO_OPENERS: &[&str] = &[
    "as",
    "while",
    "despite",
    "after",
    "before",
    "ahead",
    "following",
    "in",
    "with",
    "when",
    "during",
    "since",
    "because",
    "although",
    "though",
    "if",
    "amid",
    "on",
    "at",
    "by",
    "for",
    "from",
    "speaking",
    "asked",
    "acknowledging",
    "beyond",
    "alongside",
    "under",
    "over",
    "once",
    "unlike",
    "like",
    "according",
];

/// Sentence adverbs skipped before the subject.
const SENTENCE_ADVERBS: &[&str] = &[
    "however",
    "meanwhile",
    "furthermore",
    "moreover",
    "also",
    "but",
    "and",
    "yet",
    "still",
    "now",
    "earlier",
    "later",
    "instead",
    "separately",
    "indeed",
    "then",
    "so",
    "thus",
];

/// Nouns that make a preceding name a modifier ("a Trump administration official").
const MODIFIED_HEADS: &[&str] = &[
    "administration",
    "official",
    "officials",
    "government",
    "team",
    "aide",
    "aides",
    "campaign",
    "allies",
    "supporters",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "family",
    "era",
    "policy",
    "policies",
    "plan",
    "tariffs",
    "presidency",
    "camp",
    "cabinet",
];

const PREPOSITIONS: &[&str] = &[
    "of",
    "with",
    "to",
    "by",
    "for",
    "from",
    "on",
    "at",
    "between",
    "against",
    "about",
    "and",
    "than",
    "toward",
    "towards",
    "into",
    "over",
    "under",
    "like",
    "including",
];

/// Verbs that ask for what follows them ("urge X to provide Y", "press for Y", "seek Y").
const REQUEST_VERBS: &[&str] = &[
    "urge",
    "urges",
    "urged",
    "urging",
    "press",
    "presses",
    "pressed",
    "pressing",
    "push",
    "pushes",
    "pushed",
    "pushing",
    "ask",
    "asks",
    "asking",
    "seek",
    "seeks",
    "sought",
    "seeking",
    "demand",
    "demands",
    "demanded",
    "demanding",
    "request",
    "requests",
    "requested",
    "requesting",
    "lobby",
    "lobbies",
    "lobbied",
    "lobbying",
    "implore",
    "implores",
    "implored",
    "plead",
    "pleads",
    "pleaded",
    "pleading",
];

/// Verbs that ask for what follows them only with "for" ("call for", "appeal for").
const REQUEST_FOR: &[&str] = &[
    "call",
    "calls",
    "called",
    "calling",
    "appeal",
    "appeals",
    "appealed",
    "appealing",
];

/// Verbs of aiming that, with "to" and a verb of obtaining, ask for what follows ("aims to
/// secure", "hopes to win").
const AIM_VERBS: &[&str] = &[
    "aim", "aims", "aimed", "aiming", "hope", "hopes", "hoped", "hoping", "want", "wants",
    "wanted", "wanting", "try", "tries", "tried", "trying", "seek", "seeks", "sought", "seeking",
    "expected", "set", "looking",
];
const OBTAIN_VERBS: &[&str] = &[
    "secure", "win", "obtain", "get", "extract", "persuade", "convince",
];

/// Verbs that promise what follows them.
const PLEDGE_VERBS: &[&str] = &[
    "pledge",
    "pledges",
    "pledged",
    "pledging",
    "promise",
    "promises",
    "promised",
    "promising",
    "vow",
    "vows",
    "vowed",
    "vowing",
    "commit",
    "commits",
    "committed",
    "committing",
    "offer",
    "offers",
    "offered",
    "offering",
];

/// Verbs that refuse what follows them ("decline" only with "to": "declined 3%" is a fall).
const REFUSE_VERBS: &[&str] = &[
    "refuse",
    "refuses",
    "refused",
    "refusing",
    "reject",
    "rejects",
    "rejected",
    "rejecting",
    "dismiss",
    "dismisses",
    "dismissed",
    "dismissing",
];

/// Words from the start of a claim's main clause within which its act's verb must stand: the
/// act is what the subject does, not what a later clause reports.
const ACT_WINDOW: usize = 10;

/// Shortest clause, in words, that counts as a claim of its own.
const MIN_CLAUSE_WORDS: usize = 5;

fn lower(s: &str) -> String {
    s.to_lowercase().replace('’', "'")
}

/// A cheap stable hash for trigrams (FNV-1a), independent of platform and run.
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Verbs of a quantity going up, and going down: "prices rose 3%" and "prices fell 3%" share
/// every other word but say opposite things.
const UP: &[&str] = &[
    "rise",
    "rises",
    "rose",
    "risen",
    "rising",
    "increase",
    "increased",
    "increases",
    "increasing",
    "grow",
    "grows",
    "grew",
    "grown",
    "growing",
    "gain",
    "gained",
    "gains",
    "climb",
    "climbed",
    "climbs",
    "jump",
    "jumped",
    "jumps",
    "surge",
    "surged",
    "surges",
    "soar",
    "soared",
    "soars",
    "boost",
    "boosted",
    "boosts",
    "raise",
    "raised",
    "raises",
    "raising",
    "hike",
    "hiked",
    "hikes",
];
const DOWN: &[&str] = &[
    "fall",
    "falls",
    "fell",
    "fallen",
    "falling",
    "decrease",
    "decreased",
    "decreases",
    "decreasing",
    "decline",
    "declined",
    "declines",
    "declining",
    "drop",
    "dropped",
    "drops",
    "shrink",
    "shrank",
    "shrunk",
    "shrinks",
    "slump",
    "slumped",
    "plunge",
    "plunged",
    "plunges",
    "tumble",
    "tumbled",
    "cut",
    "cuts",
    "cutting",
    "reduce",
    "reduced",
    "reduces",
    "reducing",
    "slash",
    "slashed",
    "slashes",
];

/// Which way a text says a quantity moves: 1 up, -1 down, 0 for neither or both.
pub fn direction(text: &str) -> i8 {
    let t = lower(text);
    let words: Vec<&str> = tokenize(&t)
        .iter()
        .filter(|w| w.word)
        .map(|w| w.text)
        .collect();
    let up = words.iter().any(|w| UP.contains(w));
    let down = words.iter().any(|w| DOWN.contains(w));
    i8::from(up) - i8::from(down)
}

/// True when a text states a negation.
pub fn negated(text: &str) -> bool {
    let t = lower(text);
    tokenize(&t).iter().any(|w| {
        w.word && matches!(w.text, "not" | "never" | "cannot" | "nor") || w.text.ends_with("n't")
    }) || t.contains("no longer")
}

/// Quote regions sorted by start with overlapping ones joined, so [`in_quote`] can search them.
fn merged(mut quotes: Vec<Span>) -> Vec<Span> {
    quotes.sort_unstable_by_key(|q| (q.start, q.end));
    let mut out: Vec<Span> = Vec::with_capacity(quotes.len());
    for q in quotes {
        match out.last_mut() {
            Some(last) if q.start < last.end => last.end = last.end.max(q.end),
            _ => out.push(q),
        }
    }
    out
}

/// True when byte `p` lies inside one of `quotes` (sorted, disjoint: see [`merged`]), found in
/// logarithmic time: a sentence may hold thousands of quote marks.
fn in_quote(quotes: &[Span], p: usize) -> bool {
    let i = quotes.partition_point(|q| q.start <= p);
    i > 0 && p < quotes[i - 1].end
}

/// The run of `quotes` (sorted by start, each ending at or before the next starts, as
/// [`quoted_regions`] and [`merged`] give them) that may overlap `span`: those ending after it
/// starts and starting before it ends (empty regions at its edges included; callers still
/// test each).
fn touching(quotes: &[Span], span: Span) -> &[Span] {
    let lo = quotes.partition_point(|q| q.end < span.start);
    let hi = quotes.partition_point(|q| q.start <= span.end);
    &quotes[lo..hi.max(lo)]
}

/// Trigram hashes of the words of `text` inside `quotes` (absolute spans), offset `base`.
fn quoted_trigrams(text: &str, base: usize, quotes: &[Span]) -> Vec<u64> {
    let mut out = Vec::new();
    for q in touching(quotes, Span::new(base, base + text.len())) {
        let (s, e) = (q.start.max(base), q.end.min(base + text.len()));
        if s >= e {
            continue;
        }
        let inner = &text[s - base..e - base];
        let words: Vec<String> = tokenize(inner)
            .iter()
            .filter(|t| t.word)
            .map(|t| lower(t.text))
            .collect();
        for w in words.windows(3) {
            // Three function words ("it is a") are no evidence of a shared quote.
            if w.iter().all(|x| x.len() <= 3) {
                continue;
            }
            out.push(fnv(&w.join(" ")));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Split points of a sentence into clauses: byte offsets (absolute) where a new claim starts,
/// each marked true when what starts there is an elaboration, not a claim.
fn clause_starts(article: &Article, span: Span, quotes: &[Span]) -> Vec<(usize, bool)> {
    let text = article.slice(span);
    let toks = tokenize(text);
    let inside = |pos: usize| in_quote(quotes, span.start + pos);
    // Indices of the word tokens, so the words after any token are found without scanning
    // the punctuation between them (a sentence may hold tens of thousands of marks).
    let word_at: Vec<usize> = (0..toks.len()).filter(|&k| toks[k].word).collect();
    let mut starts = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if inside(t.span.start) || i == 0 {
            continue;
        }
        let next = toks.get(i + 1);
        match t.text {
            ";" | "—" | "–" => {
                if let Some(n) = next {
                    starts.push((span.start + n.span.start, false));
                }
            }
            "," => {
                if let Some(n) = next.filter(|n| n.word) {
                    let w = lower(n.text);
                    if CLAUSE_OPENERS.contains(&w.as_str()) {
                        starts.push((span.start + n.span.start, false));
                    } else if ELABORATION_OPENERS.contains(&w.as_str()) {
                        starts.push((span.start + n.span.start, true));
                    }
                }
            }
            _ if t.word => {
                let w = lower(t.text);
                // "A but B" without a comma; "X and Y are expected" joining two subjects is
                // split too: each side stands as a claim only if it is long enough.
                let prev_comma = toks.get(i.wrapping_sub(1)).is_some_and(|p| p.text == ",");
                // "and" joins two claims only when a verb of its own follows soon ("and
                // acknowledges that", "and X are expected"), not two nouns ("UK and French-led").
                let clause_follows = || {
                    let after = word_at.partition_point(|&k| k <= i);
                    word_at[after..]
                        .iter()
                        .take(6)
                        .any(|&k| FINITE.contains(&lower(toks[k].text).as_str()))
                };
                if w == "but" && !prev_comma || w == "and" && clause_follows() {
                    starts.push((span.start + t.span.start, false));
                }
            }
            _ => {}
        }
    }
    starts.sort_unstable();
    starts.dedup_by_key(|s| s.0);
    starts
}

/// Cut a sentence at its clause starts; keep the pieces of at least [`MIN_CLAUSE_WORDS`]
/// words, merging a short piece into its neighbour. Returns nothing for a one-claim sentence.
/// The sentence is tokenized once: every piece starts and ends at a token boundary of it, so
/// a piece's words are counted from that one tokenization (in logarithmic time) instead of
/// tokenizing each piece again, which was quadratic in a sentence of thousands of clauses.
fn clauses(article: &Article, full: Span, quotes: &[Span]) -> Vec<Span> {
    // An introductory phrase ("As Starmer prepares for the talks, he ...") is circumstance,
    // not a claim: the claims start after it.
    let core = intro_end(article, full, quotes).map_or(full, |s| Span::new(s, full.end));
    let span = core;
    let starts = clause_starts(article, span, quotes);
    if starts.is_empty() {
        return if core != full { vec![core] } else { Vec::new() };
    }
    // Absolute starts of the words longer than two letters, in order.
    let long_words: Vec<usize> = tokenize(article.slice(span))
        .iter()
        .filter(|t| t.word && t.text.len() > 2)
        .map(|t| span.start + t.span.start)
        .collect();
    let words = |s: Span| {
        long_words.partition_point(|&p| p < s.end) - long_words.partition_point(|&p| p < s.start)
    };
    // Pieces with whether each is an elaboration (dropped once the cuts are settled).
    let mut pieces: Vec<(Span, bool)> = Vec::new();
    let (mut from, mut elaborates) = (span.start, false);
    for &(s, next_elaborates) in starts.iter().chain(std::iter::once(&(span.end, false))) {
        let piece = Span::new(from, s);
        if let Some(last) = pieces.last_mut() {
            if words(last.0) < MIN_CLAUSE_WORDS {
                last.0.end = s;
                from = s;
                elaborates = next_elaborates;
                continue;
            }
        }
        if words(piece) < MIN_CLAUSE_WORDS && s != span.end {
            // Too short to stand alone: it opens the next piece.
            continue;
        }
        pieces.push((piece, elaborates));
        from = s;
        elaborates = next_elaborates;
    }
    if let (Some(last), true) = (pieces.last().copied(), pieces.len() >= 2) {
        if words(last.0) < MIN_CLAUSE_WORDS {
            pieces.pop();
            if let Some(prev) = pieces.last_mut() {
                prev.0.end = last.0.end;
            }
        }
    }
    // Trim separators and spaces at both ends of each claim, so each is a clean span.
    let trimmed: Vec<Span> = pieces
        .into_iter()
        .filter(|p| !p.1)
        .map(|(p, _)| {
            let t = article.slice(p);
            let lead = t.len() - t.trim_start_matches([' ', ',', ';', '—', '–']).len();
            let t2 = t.trim_end_matches([' ', ',', ';', '—', '–']);
            Span::new(p.start + lead, p.start + t2.len().max(lead))
        })
        .filter(|p| !p.is_empty())
        .collect();
    // One claim is worth a unit of its own only when it is shorter than the sentence.
    if trimmed.len() < 2 && trimmed.first().is_none_or(|c| *c == full) {
        Vec::new()
    } else {
        trimmed
    }
}

/// Where the main clause starts after an introductory phrase of at least three words that
/// opens the sentence ("Speaking en route to Washington, ..."), if there is one.
fn intro_end(article: &Article, span: Span, quotes: &[Span]) -> Option<usize> {
    let toks = tokenize(article.slice(span));
    let mut i = 0;
    while i < toks.len()
        && (toks[i].text == "," || SENTENCE_ADVERBS.contains(&lower(toks[i].text).as_str()))
    {
        i += 1;
    }
    if !toks
        .get(i)
        .is_some_and(|t| t.word && INTRO_OPENERS.contains(&lower(t.text).as_str()))
    {
        return None;
    }
    let comma = (i..toks.len())
        .find(|&k| toks[k].text == "," && !in_quote(quotes, span.start + toks[k].span.start))?;
    let words = toks[i..comma].iter().filter(|t| t.word).count();
    let rest = toks[comma + 1..].iter().filter(|t| t.word).count();
    let next = toks.get(comma + 1)?;
    (words >= 3 && rest >= MIN_CLAUSE_WORDS).then_some(span.start + next.span.start)
}

/// The key a name is compared by: the canonical entity name when `entity_of` knows it.
fn actor_key(surface: &str, entity_of: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    entity_of(surface).map(|s| s.to_lowercase())
}

/// The mentions of one sentence that can be its actor (people, and roles linked to one), by
/// where they start: looked up in logarithmic time, since the actor of every clause looks
/// at each word of an introductory phrase.
struct Persons<'a>(Vec<&'a Mention>);

impl<'a> Persons<'a> {
    /// From a sentence's mentions, in order: the first one starting at a byte wins.
    fn new(mentions: &[&'a Mention]) -> Self {
        let mut v: Vec<&Mention> = mentions
            .iter()
            .copied()
            .filter(|m| m.kind == EntityKind::Person || m.role_only && m.refers_to.is_some())
            .collect();
        // Stable: of mentions starting at one byte, the first given stays first.
        v.sort_by_key(|m| m.span.start);
        v.dedup_by_key(|m| m.span.start);
        Persons(v)
    }

    /// The first person mention (in the order given) starting at byte `pos`.
    fn at(&self, pos: usize) -> Option<&'a Mention> {
        let i = self.0.partition_point(|m| m.span.start < pos);
        self.0.get(i).copied().filter(|m| m.span.start == pos)
    }
}

/// The main actor of a sentence: the first person named as subject, outside quotes, after an
/// introductory phrase; a subject pronoun stands for the person of that phrase or of the
/// previous sentence.
fn actor(
    article: &Article,
    span: Span,
    persons: &Persons,
    quotes: &[Span],
    previous: Option<&String>,
    entity_of: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let text = article.slice(span);
    let toks: Vec<_> = tokenize(text)
        .into_iter()
        .filter(|t| !in_quote(quotes, span.start + t.span.start))
        .collect();
    let words: Vec<usize> = (0..toks.len()).filter(|&i| toks[i].word).collect();
    if words.is_empty() {
        return None;
    }
    let person_at = |pos: usize| persons.at(span.start + pos);
    let key_of = |m: &Mention| -> Option<String> {
        let surface = m
            .refers_to
            .clone()
            .unwrap_or_else(|| article.slice(m.span).to_string());
        actor_key(&surface, entity_of)
    };
    // Skip sentence adverbs, then an introductory phrase up to its comma.
    let mut i = 0;
    while i < toks.len()
        && (!toks[i].word && toks[i].text == ","
            || toks[i].word && SENTENCE_ADVERBS.contains(&lower(toks[i].text).as_str()))
    {
        i += 1;
    }
    let mut intro_person: Option<String> = None;
    if toks
        .get(i)
        .is_some_and(|t| t.word && INTRO_OPENERS.contains(&lower(t.text).as_str()))
    {
        if let Some(c) = (i..toks.len()).find(|&k| toks[k].text == ",") {
            for t in &toks[i..c] {
                if let Some(m) = person_at(t.span.start) {
                    intro_person = intro_person.or_else(|| key_of(m));
                }
            }
            i = c + 1;
        }
    }
    let mut seen_words = 0;
    while i < toks.len() && seen_words < 8 {
        let t = &toks[i];
        if t.word {
            seen_words += 1;
            let w = lower(t.text);
            if matches!(w.as_str(), "he" | "she") {
                return intro_person.or_else(|| previous.cloned());
            }
            if let Some(m) = person_at(t.span.start) {
                let end = m.span.end - span.start;
                let after = toks.iter().find(|x| x.span.start >= end);
                let possessive = after.is_some_and(|x| matches!(x.text, "’s" | "'s" | "’" | "'"));
                let modifier =
                    after.is_some_and(|x| MODIFIED_HEADS.contains(&lower(x.text).as_str()));
                let before = toks[..i].iter().rev().find(|x| x.word);
                let object = before.is_some_and(|x| PREPOSITIONS.contains(&lower(x.text).as_str()));
                if !possessive && !modifier && !object {
                    return key_of(m);
                }
                // Skip the rest of the name.
                while i + 1 < toks.len() && toks[i + 1].span.start < end {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    None
}

/// The act of a claim's main clause (outside quotes, after an introductory phrase) and the
/// absolute byte where its verb ends: the first verb of asking, promising or refusing among
/// its first [`ACT_WINDOW`] words.
fn act(article: &Article, span: Span, quotes: &[Span]) -> Option<(Act, usize)> {
    let start = intro_end(article, span, quotes).unwrap_or(span.start);
    let toks: Vec<_> = tokenize(article.slice(Span::new(start, span.end)))
        .into_iter()
        .filter(|t| t.word && !in_quote(quotes, start + t.span.start))
        .take(ACT_WINDOW + 3)
        .collect();
    let word = |k: usize| toks.get(k).map(|t| lower(t.text)).unwrap_or_default();
    let end = |k: usize| start + toks[k].span.end;
    for k in 0..toks.len().min(ACT_WINDOW) {
        let w = word(k);
        let w = w.as_str();
        // "the press", "a push": a noun, not the act.
        let noun = k > 0
            && matches!(
                word(k - 1).as_str(),
                "the" | "a" | "an" | "this" | "his" | "her" | "their"
            );
        if AIM_VERBS.contains(&w)
            && word(k + 1) == "to"
            && OBTAIN_VERBS.contains(&word(k + 2).as_str())
        {
            return Some((Act::Request, end(k + 2)));
        }
        if noun {
            continue;
        }
        if REQUEST_VERBS.contains(&w) {
            return Some((Act::Request, end(k)));
        }
        if REQUEST_FOR.contains(&w) && word(k + 1) == "for" {
            return Some((Act::Request, end(k + 1)));
        }
        if PLEDGE_VERBS.contains(&w) {
            return Some((Act::Pledge, end(k)));
        }
        if REFUSE_VERBS.contains(&w) {
            return Some((Act::Refuse, end(k)));
        }
        if matches!(w, "decline" | "declines" | "declined" | "declining") && word(k + 1) == "to" {
            return Some((Act::Refuse, end(k + 1)));
        }
        if matches!(w, "rule" | "rules" | "ruled" | "ruling") && word(k + 1) == "out" {
            return Some((Act::Refuse, end(k + 1)));
        }
    }
    None
}

/// Claims of every sentence of an article, in sentence order (headings get an empty one).
pub fn sentence_claims(
    article: &Article,
    mentions: &[Mention],
    entity_of: &dyn Fn(&str) -> Option<String>,
) -> Vec<SentenceClaims> {
    // In order and disjoint (each region ends before the next opens): the regions touching a
    // sentence are one run of them, found by binary search.
    let quotes = quoted_regions(&article.text);
    // Mention indices by start, so each sentence finds its own without scanning them all.
    let mut by_start: Vec<usize> = (0..mentions.len()).collect();
    by_start.sort_by_key(|&i| mentions[i].span.start);
    let mut out = Vec::with_capacity(article.sentences.len());
    let mut previous: Option<String> = None;
    for s in &article.sentences {
        if s.heading {
            out.push(SentenceClaims::default());
            continue;
        }
        let local_quotes: Vec<Span> = merged(
            touching(&quotes, s.span)
                .iter()
                .copied()
                .filter(|q| q.start < s.span.end && s.span.start < q.end)
                .collect(),
        );
        let first = by_start.partition_point(|&i| mentions[i].span.start < s.span.start);
        let last = by_start.partition_point(|&i| mentions[i].span.start <= s.span.end);
        let mut mine: Vec<usize> = by_start[first..last]
            .iter()
            .copied()
            .filter(|&i| s.span.contains(mentions[i].span) && !mentions[i].in_quote)
            .collect();
        mine.sort_unstable();
        let ms: Vec<&Mention> = mine.iter().map(|&i| &mentions[i]).collect();
        let persons = Persons::new(&ms);
        let claim = |span: Span, previous: Option<&String>| Claim {
            span,
            actor: actor(article, span, &persons, &local_quotes, previous, entity_of),
            negated: negated(article.slice(span)),
            quoted: quoted_trigrams(article.slice(span), span.start, &local_quotes),
            direction: direction(article.slice(span)),
            act: act(article, span, &local_quotes),
        };
        let whole = claim(s.span, previous.as_ref());
        let clauses = clauses(article, s.span, &local_quotes)
            .into_iter()
            .map(|c| {
                let mut k = claim(c, whole.actor.as_ref());
                if k.actor.is_none() {
                    k.actor = whole.actor.clone();
                }
                k
            })
            .collect();
        if whole.actor.is_some() {
            previous = whole.actor.clone();
        }
        out.push(SentenceClaims { whole, clauses });
    }
    out
}

/// Claims of two lone sentences (as `corroborate similar` judges them): each one sentence,
/// names merged across the two so "Sir Keir" and "Starmer" are one actor.
pub fn pair_claims(a: &str, b: &str) -> (Claim, Claim) {
    let arts: Vec<Article> = [("a", a), ("b", b)]
        .iter()
        .map(|(id, t)| {
            let mut x = Article::new(id.to_string(), String::new(), t.to_string());
            x.paragraphs = vec![Span::new(0, t.len())];
            x.sentences = vec![corroborate_model::Sentence {
                span: Span::new(0, t.len()),
                paragraph: 0,
                heading: false,
            }];
            x
        })
        .collect();
    let mentions: Vec<Vec<Mention>> = arts.iter().map(crate::entities::find_mentions).collect();
    let ents = crate::entities::merge_entities(&arts, &mentions);
    let of = |s: &str| crate::entities::entity_for(&ents, s);
    let mut claims = arts
        .iter()
        .zip(&mentions)
        .map(|(x, m)| sentence_claims(x, m, &of).pop().unwrap_or_default().whole);
    let ca = claims.next().unwrap_or_default();
    let cb = claims.next().unwrap_or_default();
    (ca, cb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{entities, segment};

    fn claims_of(text: &str) -> (Article, Vec<SentenceClaims>) {
        let mut a = Article::new("a".into(), String::new(), text.into());
        a.paragraphs = vec![Span::new(0, text.len())];
        a.sentences = segment::segment(&a);
        let ms = entities::find_mentions(&a);
        let ents = entities::merge_entities(std::slice::from_ref(&a), std::slice::from_ref(&ms));
        let of = |s: &str| crate::entities::entity_for(&ents, s);
        let c = sentence_claims(&a, &ms, &of);
        (a, c)
    }

    #[test]
    fn quote_regions_are_searched_after_merging() {
        let q = merged(vec![Span::new(10, 20), Span::new(0, 5), Span::new(15, 30)]);
        assert_eq!(q, [Span::new(0, 5), Span::new(10, 30)]);
        assert!(in_quote(&q, 0) && in_quote(&q, 4) && in_quote(&q, 29));
        assert!(!in_quote(&q, 5) && !in_quote(&q, 9) && !in_quote(&q, 30));
        assert!(!in_quote(&[], 3));
    }

    #[test]
    fn actors_tell_who_does_what() {
        let (_, c) = claims_of(
            "The Prime Minister Keir Starmer met reporters. The Prime Minister underscored that peace requires robust security guarantees. \
             However, President Donald Trump has been hesitant to commit to long-term security guarantees. \
             “Beyond very much,” he remarked when asked. \
             Despite Starmer’s diplomatic push, President Trump remains firm. \
             A senior Trump administration official said the pledge was welcome.",
        );
        let actors: Vec<Option<&str>> = c.iter().map(|x| x.whole.actor.as_deref()).collect();
        assert_eq!(
            actors,
            [
                Some("keir starmer"),
                Some("keir starmer"),
                Some("donald trump"),
                Some("donald trump"),
                Some("donald trump"),
                None
            ]
        );
        assert!(!c[3].whole.negated && !c[3].whole.quoted.is_empty());
    }

    #[test]
    fn acts_are_the_main_clause_asking_promising_or_refusing() {
        let text = "The Prime Minister will urge Mr Trump to provide a backstop. \
             As Starmer prepares for talks, he aims to secure a commitment for a US backstop. \
             Trump has called for a deal on minerals. \
             The president pledged 5% of output to defence. \
             Trump declined to give a commitment. \
             The chancellor ruled out tax rises. \
             Spending declined 3% last year. \
             Reporters told the press office that the minister wanted to see the plan. \
             The minister met the president, who later said the talks went well and he would urge patience.";
        let (a, c) = claims_of(text);
        let acts: Vec<Option<(Act, &str)>> = c
            .iter()
            .map(|x| {
                x.whole
                    .act
                    .map(|(k, end)| (k, &a.text[x.whole.span.start..end]))
            })
            .collect();
        assert_eq!(
            acts,
            [
                Some((Act::Request, "The Prime Minister will urge")),
                Some((
                    Act::Request,
                    "As Starmer prepares for talks, he aims to secure"
                )),
                Some((Act::Request, "Trump has called for")),
                Some((Act::Pledge, "The president pledged")),
                Some((Act::Refuse, "Trump declined to")),
                Some((Act::Refuse, "The chancellor ruled out")),
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn clauses_split_two_claims() {
        let (a, c) = claims_of(
            "Furthermore, discussions on the Chagos Islands and US-UK cooperation on artificial intelligence are expected to surface during the meeting. \
             The US President said he would not provide security guarantees “beyond very much”, insisting it was for Europeans to protect Ukraine.",
        );
        let parts: Vec<&str> = c[0].clauses.iter().map(|k| a.slice(k.span)).collect();
        assert_eq!(
            parts,
            [
                "Furthermore, discussions on the Chagos Islands",
                "and US-UK cooperation on artificial intelligence are expected to surface during the meeting."
            ]
        );
        let parts: Vec<&str> = c[1].clauses.iter().map(|k| a.slice(k.span)).collect();
        assert_eq!(
            parts,
            [
                "The US President said he would not provide security guarantees “beyond very much”",
                "insisting it was for Europeans to protect Ukraine."
            ]
        );
        assert!(c[1].clauses[0].negated && !c[1].clauses[1].negated);
    }

    #[test]
    fn an_elaboration_leaves_its_head_as_the_claim() {
        let (a, c) = claims_of(
            "The Prime Minister will push a reluctant Mr Trump to provide a US “backstop”, possibly including fighter jets providing air cover, to prevent Vladimir Putin launching a fresh assault. \
             The talks ended, and nothing was agreed.",
        );
        let parts: Vec<&str> = c[0].clauses.iter().map(|k| a.slice(k.span)).collect();
        assert_eq!(
            parts,
            ["The Prime Minister will push a reluctant Mr Trump to provide a US “backstop”"]
        );
        // A short sentence with no elaboration has no clauses of its own.
        assert!(c[1].clauses.is_empty());
    }
}
