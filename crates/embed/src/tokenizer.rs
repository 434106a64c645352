//! WordPiece tokenizer, BERT uncased, matching HuggingFace's `BertNormalizer` +
//! `BertPreTokenizer` + `WordPiece` (the pipeline `tokenizer.json` of all-MiniLM-L6-v2 declares).
//!
//! In: text and a vocabulary (the lines of `vocab.txt`, or the token list of the static model).
//! Out: vocabulary ids, one per word piece; `None` stands for a word that cannot be split into
//! known pieces (HuggingFace emits `[UNK]` for it).
//!
//! Steps, in HuggingFace's order: drop NUL, U+FFFD and control/format/unassigned/private-use
//! characters (tab, newline and carriage return count as whitespace); map whitespace to a space;
//! put spaces around CJK ideographs; NFD and drop non-spacing marks (accents); lowercase; split on
//! whitespace and around every punctuation character (ASCII punctuation and Unicode P*); then
//! greedy longest-match WordPiece with `##` continuations, words over 100 characters unknown.
//!
//! Invariants: the same text always gives the same ids; ids are indices into the vocabulary the
//! tokenizer was built from. Never allocates per piece (lookups borrow slices of the word), and
//! never panics on any text. It does not truncate: callers stop reading pieces when they have
//! enough (`pieces` takes a limit).

use crate::EmbedError;
use rustc_hash::FxHashMap;
use unicode_categories::UnicodeCategories;
use unicode_normalization::char::decompose_canonical;

/// Words longer than this many characters are one unknown piece (HuggingFace's
/// `max_input_chars_per_word`).
const MAX_WORD_CHARS: usize = 100;

/// A WordPiece vocabulary with BERT uncased normalization.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    /// Pieces that start a word, by text.
    starts: FxHashMap<Box<str>, u32>,
    /// Continuation pieces, by text without the `##`.
    conts: FxHashMap<Box<str>, u32>,
    /// Longest piece in bytes (continuations without `##`): longer slices are never looked up.
    max_piece: usize,
    unk: Option<u32>,
    cls: Option<u32>,
    sep: Option<u32>,
    len: usize,
}

impl Tokenizer {
    /// Builds the tokenizer of a BERT `vocab.txt` (one token a line, id = line number).
    /// Fails when `[UNK]`, `[CLS]` or `[SEP]` is missing or the file is empty.
    pub fn from_vocab_txt(vocab_txt: &str) -> Result<Tokenizer, EmbedError> {
        let tok = Tokenizer::from_tokens(vocab_txt.lines().map(|l| l.trim_end_matches('\r')));
        if tok.len == 0 {
            return Err(EmbedError::Vocab("vocab.txt is empty".into()));
        }
        for (name, id) in [("[UNK]", tok.unk), ("[CLS]", tok.cls), ("[SEP]", tok.sep)] {
            if id.is_none() {
                return Err(EmbedError::Vocab(format!("vocab.txt has no {name} token")));
            }
        }
        Ok(tok)
    }

    /// Builds a tokenizer over any token list (id = position). Special tokens are optional.
    /// When a token repeats, its first id wins.
    pub fn from_tokens<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Tokenizer {
        let mut starts = FxHashMap::default();
        let mut conts = FxHashMap::default();
        let (mut unk, mut cls, mut sep) = (None, None, None);
        let mut max_piece = 0;
        let mut len = 0usize;
        for (i, t) in tokens.into_iter().enumerate() {
            len = i + 1;
            let id = i as u32;
            match t {
                "[UNK]" => unk = unk.or(Some(id)),
                "[CLS]" => cls = cls.or(Some(id)),
                "[SEP]" => sep = sep.or(Some(id)),
                _ => {}
            }
            let (map, key) = match t.strip_prefix("##") {
                Some(rest) if !rest.is_empty() => (&mut conts, rest),
                _ => (&mut starts, t),
            };
            max_piece = max_piece.max(key.len());
            map.entry(key.into()).or_insert(id);
        }
        Tokenizer {
            starts,
            conts,
            max_piece,
            unk,
            cls,
            sep,
            len,
        }
    }

    /// Id of `[UNK]`, if the vocabulary has it.
    pub fn unk(&self) -> Option<u32> {
        self.unk
    }

    /// Id of `[CLS]`, if the vocabulary has it.
    pub fn cls(&self) -> Option<u32> {
        self.cls
    }

    /// Id of `[SEP]`, if the vocabulary has it.
    pub fn sep(&self) -> Option<u32> {
        self.sep
    }

    /// Number of tokens in the vocabulary.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for an empty vocabulary.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Ids as the HuggingFace tokenizer gives them: `[CLS]`, the pieces (an unknown word as
    /// `[UNK]`), `[SEP]`, truncated to `max_len` ids in all (specials included) like
    /// sentence-transformers' `max_seq_length`. Special tokens missing from the vocabulary are
    /// left out.
    pub fn encode(&self, text: &str, max_len: usize) -> Vec<u32> {
        let specials = usize::from(self.cls.is_some()) + usize::from(self.sep.is_some());
        let mut pieces = Vec::new();
        self.pieces(text, max_len.saturating_sub(specials), &mut pieces);
        let mut ids = Vec::with_capacity(pieces.len() + 2);
        ids.extend(self.cls);
        ids.extend(pieces.iter().filter_map(|p| p.or(self.unk)));
        ids.extend(self.sep);
        ids
    }

    /// Appends the word pieces of `text` to `out` (`None` for an unknown word), stopping once
    /// `out` holds `limit` entries.
    pub fn pieces(&self, text: &str, limit: usize, out: &mut Vec<Option<u32>>) {
        let mut word = String::new();
        for_each_word(text, &mut word, |w| {
            if out.len() >= limit {
                return false;
            }
            self.word_pieces(w, limit, out);
            out.len() < limit
        });
    }

    /// Greedy longest-match split of one normalized word.
    fn word_pieces(&self, word: &str, limit: usize, out: &mut Vec<Option<u32>>) {
        if word.chars().nth(MAX_WORD_CHARS).is_some() {
            out.push(None);
            return;
        }
        let mark = out.len();
        let mut start = 0;
        while start < word.len() {
            let map = if start == 0 {
                &self.starts
            } else {
                &self.conts
            };
            let mut end = word.len().min(start + self.max_piece);
            while !word.is_char_boundary(end) {
                end -= 1;
            }
            let mut found = None;
            while end > start {
                if let Some(&id) = map.get(&word[start..end]) {
                    found = Some(id);
                    break;
                }
                end -= 1;
                while !word.is_char_boundary(end) {
                    end -= 1;
                }
            }
            match found {
                Some(id) => {
                    out.push(Some(id));
                    start = end;
                }
                None => {
                    out.truncate(mark);
                    out.push(None);
                    return;
                }
            }
        }
        out.truncate(limit.max(mark));
    }
}

/// The normalized words of `text` (after cleaning, accent stripping, lowercasing and the
/// whitespace/punctuation split), as the WordPiece step sees them.
pub fn words(text: &str) -> Vec<String> {
    let mut all = Vec::new();
    let mut word = String::new();
    for_each_word(text, &mut word, |w| {
        all.push(w.to_string());
        true
    });
    all
}

/// Whether a vocabulary entry can ever be produced from some text: its text must be one
/// normalized word by itself, and a `##` continuation cannot start with a character that is
/// always a word of its own (punctuation, CJK). Entries like `[unused3]`, `##.` or `é` never are.
pub fn reachable(token: &str) -> bool {
    let (cont, body) = match token.strip_prefix("##") {
        Some(rest) if !rest.is_empty() => (true, rest),
        _ => (false, token),
    };
    let w = words(body);
    if w.len() != 1 || w[0] != body {
        return false;
    }
    !(cont
        && body
            .chars()
            .next()
            .is_some_and(|c| is_punctuation(c) || is_cjk(c)))
}

/// Calls `f` with each normalized word of `text` (reusing `word` as the buffer) until `f`
/// returns false.
fn for_each_word(text: &str, word: &mut String, f: impl FnMut(&str) -> bool) {
    word.clear();
    let mut w = Words { word, f, go: true };
    for c in text.chars() {
        if !w.go {
            return;
        }
        if c.is_ascii() {
            // Fast path: ASCII needs neither decomposition nor the category tables.
            match c {
                // Other ASCII controls (vertical tab and form feed too) are dropped before
                // whitespace is mapped, as HuggingFace's cleaning does.
                '\t' | '\n' | '\r' | ' ' => w.flush(),
                '\0'..='\x1f' | '\x7f' => {}
                _ if c.is_ascii_punctuation() => w.isolated(c),
                _ => w.word.push(c.to_ascii_lowercase()),
            }
            continue;
        }
        if c == '\u{fffd}' || c.is_other() {
            continue;
        }
        if c.is_whitespace() {
            w.flush();
            continue;
        }
        let cjk = is_cjk(c);
        if cjk {
            w.flush();
        }
        decompose_canonical(c, |d| {
            if d.is_mark_nonspacing() {
                return;
            }
            for l in d.to_lowercase() {
                if l.is_whitespace() {
                    w.flush();
                } else if is_punctuation(l) {
                    w.isolated(l);
                } else {
                    w.word.push(l);
                }
            }
        });
        if cjk {
            w.flush();
        }
    }
    w.flush();
}

/// The word being built and where finished words go; `go` turns false once `f` asks to stop.
struct Words<'a, F> {
    word: &'a mut String,
    f: F,
    go: bool,
}

impl<F: FnMut(&str) -> bool> Words<'_, F> {
    fn flush(&mut self) {
        if self.go && !self.word.is_empty() {
            self.go = (self.f)(self.word);
        }
        self.word.clear();
    }

    /// A character that is a word by itself (punctuation).
    fn isolated(&mut self, c: char) {
        self.flush();
        self.word.push(c);
        self.flush();
    }
}

/// BERT's punctuation: ASCII punctuation (which includes symbols like `$`, `+`, `^`) and
/// every Unicode P* character.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_punctuation()
}

/// The CJK ideograph blocks BERT surrounds with spaces.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F
        | 0x2B920..=0x2CEAF
        | 0xF900..=0xFAFF
        | 0x2F800..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &[&str]) {
        assert_eq!(words(text), expect, "words of {text:?}");
    }

    #[test]
    fn normalizes_and_splits() {
        check("Héllo, World!", &["hello", ",", "world", "!"]);
        check("  naïve\u{200b}café\tdone ", &["naivecafe", "done"]);
        check(
            "“Quoted” — 3.5%",
            &["“", "quoted", "”", "—", "3", ".", "5", "%"],
        );
        check("東京abc", &["東", "京", "abc"]);
        check("\u{0}\u{7}\u{fffd}", &[]);
        check("", &[]);
    }

    #[test]
    fn greedy_longest_match() {
        let tok = Tokenizer::from_tokens(["[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "a"]);
        assert_eq!(tok.encode("unaffable a", 512), vec![1, 3, 4, 5, 6, 2]);
        // A word with no complete split is one unknown.
        assert_eq!(tok.encode("unx", 512), vec![1, 0, 2]);
        assert_eq!(tok.encode("unaffable a", 3), vec![1, 3, 2]);
        let long = "a".repeat(101);
        assert_eq!(tok.encode(&long, 512), vec![1, 0, 2]);
    }

    #[test]
    fn reachable_tokens() {
        assert!(reachable("hello"));
        assert!(reachable("##ing"));
        assert!(reachable("."));
        assert!(!reachable("##."));
        assert!(!reachable("[unused1]"));
        assert!(!reachable("é"));
        assert!(!reachable("Hello"));
    }
}
