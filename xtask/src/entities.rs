//! `cargo xtask eval-entities [CONLL_FILE]`: entity mentions (PER/ORG/LOC) found by the
//! pipeline's `entities` stage on CoNLL-2003, scored against the gold IOB2 tags: precision,
//! recall and F1, typed and untyped (span only), and tokens per second. MISC is not scored.
//! In: a CoNLL file. Out: [`EntityFigures`]; `eval` prints them, the gate pins the F1s.

use corroborate_model::{Article, EntityKind, Span};
use corroborate_pipeline::{entities, segment};
use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// One CoNLL document: sentences of (token, tag).
type Doc = Vec<Vec<(String, String)>>;

pub fn read_conll(text: &str) -> Vec<Doc> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut sent: Vec<(String, String)> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.starts_with("-DOCSTART-") {
            docs.push(Vec::new());
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.is_empty() {
            if !sent.is_empty() {
                if docs.is_empty() {
                    docs.push(Vec::new());
                }
                docs.last_mut().unwrap().push(std::mem::take(&mut sent));
            }
            continue;
        }
        sent.push((parts[0].to_string(), parts[parts.len() - 1].to_string()));
    }
    docs.retain(|d| !d.is_empty());
    docs
}

/// Gold spans (token start, token end, type) of a sentence in IOB2.
pub fn gold_spans(sent: &[(String, String)], offset: usize) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < sent.len() {
        let tag = &sent[i].1;
        if let Some(ty) = tag.strip_prefix("B-").or_else(|| tag.strip_prefix("I-")) {
            let mut j = i + 1;
            while j < sent.len() && sent[j].1 == format!("I-{ty}") {
                j += 1;
            }
            if ty != "MISC" {
                out.push((offset + i, offset + j, ty.to_string()));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Scores on one CoNLL file: (precision, recall, F1) typed and untyped, counts and time.
pub struct EntityFigures {
    pub docs: usize,
    pub gold: usize,
    pub typed: (f64, f64, f64),
    pub untyped: (f64, f64, f64),
    pub tokens: usize,
    pub secs: f64,
}

/// Find the mentions of every document of the CoNLL file at `path` and score them.
pub fn measure(path: &Path) -> Result<EntityFigures, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let docs = read_conll(&text);
    let (mut tp_typed, mut tp_untyped, mut n_gold, mut n_pred) = (0usize, 0usize, 0usize, 0usize);
    let mut tokens_total = 0usize;
    let start = Instant::now();
    for doc in &docs {
        // Each CoNLL sentence becomes one paragraph; token boundaries are kept.
        let mut body = String::new();
        let mut tok_spans: Vec<Span> = Vec::new();
        let mut gold = Vec::new();
        for sent in doc {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            gold.extend(gold_spans(sent, tok_spans.len()));
            for (k, (tok, _)) in sent.iter().enumerate() {
                if k > 0 {
                    body.push(' ');
                }
                tok_spans.push(Span::new(body.len(), body.len() + tok.len()));
                body.push_str(tok);
            }
        }
        tokens_total += tok_spans.len();
        let mut article = Article::new("conll".into(), String::new(), body.clone());
        let mut paragraphs = Vec::new();
        let mut pos = 0;
        for p in body.split("\n\n") {
            paragraphs.push(Span::new(pos, pos + p.len()));
            pos += p.len() + 2;
        }
        article.paragraphs = paragraphs;
        article.sentences = segment::segment(&article);
        let mentions = entities::find_mentions(&article);
        let mut pred: HashSet<(usize, usize, String)> = HashSet::new();
        for m in mentions.iter().filter(|m| !m.role_only) {
            let ty = match m.kind {
                EntityKind::Person => "PER",
                EntityKind::Organisation => "ORG",
                EntityKind::Place => "LOC",
                EntityKind::Other | EntityKind::Group => continue,
            };
            let s = tok_spans.iter().position(|t| t.start == m.span.start);
            let e = tok_spans.iter().position(|t| t.end == m.span.end);
            match (s, e) {
                (Some(s), Some(e)) => {
                    pred.insert((s, e + 1, ty.to_string()));
                }
                _ => {
                    pred.insert((usize::MAX - m.span.start, 0, ty.to_string()));
                }
            }
        }
        n_gold += gold.len();
        n_pred += pred.len();
        let untyped: HashSet<(usize, usize)> = pred.iter().map(|(s, e, _)| (*s, *e)).collect();
        for g in &gold {
            tp_typed += pred.contains(g) as usize;
            tp_untyped += untyped.contains(&(g.0, g.1)) as usize;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let f = |tp: usize| {
        let p = tp as f64 / n_pred.max(1) as f64;
        let r = tp as f64 / n_gold.max(1) as f64;
        (
            p,
            r,
            if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            },
        )
    };
    Ok(EntityFigures {
        docs: docs.len(),
        gold: n_gold,
        typed: f(tp_typed),
        untyped: f(tp_untyped),
        tokens: tokens_total,
        secs,
    })
}

/// The eval-entities command; `path` defaults to CoNLL-2003 dev under `shared`.
pub fn eval(shared: &Path, path: Option<&Path>) -> ExitCode {
    let default = shared.join("data/conll2003/dev.txt");
    let path = path.unwrap_or(&default);
    let f = match measure(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "CoNLL-2003 {} ({} docs, {} gold PER/ORG/LOC mentions)",
        path.display(),
        f.docs,
        f.gold
    );
    let (p, r, f1) = f.typed;
    println!("typed   P {:.3} R {:.3} F1 {:.3}", p, r, f1);
    let (p, r, f1) = f.untyped;
    println!("untyped P {:.3} R {:.3} F1 {:.3}", p, r, f1);
    println!(
        "speed   {:.0} tokens/s ({:.2} s)",
        f.tokens as f64 / f.secs,
        f.secs
    );
    ExitCode::SUCCESS
}
