//! `cargo xtask eval-meantime`: entities merged across a story, scored on MEANTIME's
//! cross-document entity coreference (`../shared/data/meantime-en`, 120 English Wikinews
//! articles in 4 subcorpora). Each article's text is rebuilt from `meantime.conll` (title =
//! sentence 0, body = one paragraph per later sentence); each subcorpus is one story, run through
//! `run::digest_with` with `single_story` and no sentence model (entity merging uses none). The
//! story's mentions are tied to its merged entities (by `name_key`, as the merger keys them) and
//! matched to the gold mentions of `entities_mentions.json` (every one carries a corpus-level
//! instance id; types person, organisation, location, product, financial).
//!
//! Matching: within one article, a system mention and a gold mention match when their byte spans
//! are equal, or else when the system span overlaps the gold mention's head token (so "Apple Inc"
//! matches "Apple Inc." and "Steve Jobs" matches "Apple CEO Steve Jobs", head "Jobs"); one-to-one,
//! exact matches first, then by overlap. Gold mentions in titles (never analysed by the
//! pipeline) and the 14 GM articles without any annotation are left out of the scores (the GM
//! story still holds all 30). MEANTIME annotates every entity mention only in sentences 1..=5;
//! later sentences carry only some `cross_` mentions, so mention detection is scored on sentences
//! 1..=5 and B-cubed on every matched gold mention.
//!
//! Prints mention detection P/R/F1, B-cubed P/R/F1 over the mentions both sides found (gold
//! clusters = instances within the subcorpus), per subcorpus and overall, beside two baselines
//! on the same matched mentions (same exact string = same entity; every mention its own entity),
//! B-cubed over all gold mentions with missed ones as system singletons, the largest wrong
//! merges and splits, and articles/s of the pipeline. The gold instance ids are never shown to
//! the pipeline; this command never writes any file and never downloads anything.

use corroborate_model::RawArticle;
use corroborate_pipeline::entities::name_key;
use corroborate_pipeline::run::{digest_with, Options};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// One article of `meantime.conll`: its key (`corpus_airbus/100911`) and tokens per sentence.
struct Doc {
    key: String,
    sents: Vec<Vec<String>>,
}

fn read_conll(text: &str) -> Vec<Doc> {
    let mut docs: Vec<Doc> = Vec::new();
    for line in text.lines() {
        if line.starts_with("#begin") {
            let key = line
                .split('(')
                .nth(1)
                .and_then(|s| s.split(')').next())
                .unwrap_or("")
                .to_string();
            docs.push(Doc {
                key,
                sents: Vec::new(),
            });
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 4 {
            continue;
        }
        let (Some(doc), Ok(s), Ok(t)) = (
            docs.last_mut(),
            cols[1].parse::<usize>(),
            cols[2].parse::<usize>(),
        ) else {
            continue;
        };
        if doc.sents.len() <= s {
            doc.sents.resize(s + 1, Vec::new());
        }
        let sent = &mut doc.sents[s];
        if sent.len() <= t {
            sent.resize(t + 1, String::new());
        }
        sent[t] = cols[3].to_string();
    }
    docs
}

/// Token-to-text: PTB quotes become curly ones; returns each token's text.
fn surface(tok: &str) -> &str {
    match tok {
        "``" => "“",
        "''" => "”",
        t => t,
    }
}

/// A sentence as text, with each token's byte span in it.
type Para = (String, Vec<(usize, usize)>);

/// A sentence detokenised, with each token's byte span in it.
fn detok(tokens: &[String]) -> Para {
    let mut out = String::new();
    let mut spans = Vec::with_capacity(tokens.len());
    let mut glue_next = true;
    let mut dq_open = false;
    for tok in tokens {
        let t = surface(tok);
        let no_space_before = matches!(
            t,
            "," | "." | ";" | ":" | ")" | "]" | "%" | "”" | "..." | "?" | "!" | "-"
        ) || (t.starts_with('\'') && t.len() <= 3)
            || t == "n't"
            || (t == "\"" && dq_open);
        if !out.is_empty() && !glue_next && !no_space_before {
            out.push(' ');
        }
        let start = out.len();
        out.push_str(t);
        spans.push((start, out.len()));
        glue_next =
            matches!(t, "(" | "[" | "$" | "US$" | "“" | "#" | "-") || (t == "\"" && !dq_open);
        if t == "\"" {
            dq_open = !dq_open;
        }
    }
    (out, spans)
}

/// MEANTIME annotates every entity mention in the title and sentences 1..=5 (conll numbering,
/// sentence 1 being the dateline); later sentences carry only the `cross_` mentions of entities
/// taking part in cross-document events. Mention detection is scored on sentences 1..=5 only;
/// B-cubed uses every matched gold mention, whose instance is right wherever it is.
const FULLY_ANNOTATED: usize = 5;

/// A gold mention: article key, sentence, token range (inclusive ends), head token, instance.
struct GoldMention {
    doc: String,
    sent: usize,
    first: usize,
    last: usize,
    head: usize,
    instance: String,
    proper: bool,
}

fn read_gold(text: &str) -> Result<Vec<GoldMention>, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("entities_mentions.json: {e}"))?;
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for m in v.as_array().ok_or("entities_mentions.json: not an array")? {
        let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let n = |k: &str| m.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
        let toks: Vec<usize> = m
            .get("tokens_number")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_u64())
                    .map(|x| x as usize)
                    .collect()
            })
            .unwrap_or_default();
        let (Some(&first), Some(&last)) = (toks.iter().min(), toks.iter().max()) else {
            continue;
        };
        let chain = s("coref_chain");
        let instance = chain
            .trim_start_matches("cross_")
            .trim_start_matches("intra_")
            .to_string();
        let doc = s("conll_doc_key");
        let sent = n("sent_id");
        // One span annotated twice (two instances) is kept once, with its first instance.
        if instance.is_empty() || !seen.insert((doc.clone(), sent, first, last)) {
            continue;
        }
        out.push(GoldMention {
            doc,
            sent,
            first,
            last,
            head: n("mention_head_id"),
            instance,
            proper: s("mention_head_pos") == "PROPN",
        });
    }
    Ok(out)
}

/// B-cubed precision, recall and F1 of a system clustering against a gold one over the same
/// items: `sys[i]` and `gold[i]` are item i's cluster labels. Per item, precision is
/// |system cluster ∩ gold cluster| / |system cluster| and recall the same over |gold cluster|;
/// both are averaged over items. (0, 0, 0) for no items.
pub fn bcubed<S: Eq + Hash, G: Eq + Hash>(sys: &[S], gold: &[G]) -> (f64, f64, f64) {
    assert_eq!(sys.len(), gold.len());
    if sys.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut s_size: HashMap<&S, usize> = HashMap::new();
    let mut g_size: HashMap<&G, usize> = HashMap::new();
    let mut both: HashMap<(&S, &G), usize> = HashMap::new();
    for (s, g) in sys.iter().zip(gold) {
        *s_size.entry(s).or_default() += 1;
        *g_size.entry(g).or_default() += 1;
        *both.entry((s, g)).or_default() += 1;
    }
    let (mut p, mut r) = (0.0, 0.0);
    for (s, g) in sys.iter().zip(gold) {
        let inter = both[&(s, g)] as f64;
        p += inter / s_size[s] as f64;
        r += inter / g_size[g] as f64;
    }
    let n = sys.len() as f64;
    let (p, r) = (p / n, r / n);
    (p, r, f1(p, r))
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// One matched mention: subcorpus, gold instance, system entity, the system's written form.
struct Matched {
    sub: String,
    instance: String,
    entity: usize,
    written: String,
}

/// Per-subcorpus counts for mention detection and the all-gold B-cubed.
#[derive(Default)]
struct Counts {
    docs: usize,
    gold: usize,
    gold_proper: usize,
    matched_proper: usize,
    sys: usize,
    matched: usize,
    /// All scored gold mentions: (instance, system label; missed ones get their own label).
    all_gold: Vec<(String, String)>,
}

pub fn eval(shared: &Path) -> ExitCode {
    match run(shared) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("eval-meantime: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(shared: &Path) -> Result<(), String> {
    let dir = shared.join("data/meantime-en");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| format!("cannot read {}: {e}", dir.join(name).display()))
    };
    let docs = read_conll(&read("meantime.conll")?);
    let gold = read_gold(&read("entities_mentions.json")?)?;
    let names: HashMap<String, String> = read("list_instances.csv")
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() > 3).then(|| (c[0].to_string(), c[3].to_string()))
        })
        .collect();
    let mut gold_by_doc: HashMap<&str, Vec<&GoldMention>> = HashMap::new();
    for g in &gold {
        gold_by_doc.entry(g.doc.as_str()).or_default().push(g);
    }

    // Subcorpora in order, each its articles.
    let mut subs: BTreeMap<String, Vec<&Doc>> = BTreeMap::new();
    for d in &docs {
        let sub = d.key.split('/').next().unwrap_or("").to_string();
        subs.entry(sub).or_default().push(d);
    }

    let mut matched_all: Vec<Matched> = Vec::new();
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut entity_names: HashMap<(String, usize), String> = HashMap::new();
    let mut unmatched_sys: HashMap<String, usize> = HashMap::new();
    let mut missed_names: HashMap<String, usize> = HashMap::new();
    let (mut n_articles, mut pipeline_secs, mut unaligned, mut title_gold) = (0, 0.0, 0, 0);
    let mut n_entities = 0;
    for (sub, sdocs) in &subs {
        // Rebuild the articles: body offsets of every token of sentences 1.. .
        let mut raws = Vec::new();
        let mut paras: HashMap<String, Vec<Para>> = HashMap::new();
        for d in sdocs {
            let id = d.key.split('/').nth(1).unwrap_or(&d.key).to_string();
            let title = d.sents.first().map(|s| detok(s).0).unwrap_or_default();
            let ps: Vec<Para> = d.sents.iter().skip(1).map(|s| detok(s)).collect();
            let body = ps
                .iter()
                .map(|p| p.0.as_str())
                .collect::<Vec<_>>()
                .join("\n\n");
            raws.push(RawArticle {
                id: id.clone(),
                path: format!("meantime/{}", d.key),
                title: Some(title),
                body,
                language: Some("en".into()),
                ..Default::default()
            });
            paras.insert(id, ps);
        }
        let options = Options {
            single_story: true,
            ..Default::default()
        };
        n_articles += raws.len();
        let t = Instant::now();
        let digest = digest_with(raws, vec![], &options);
        pipeline_secs += t.elapsed().as_secs_f64();
        let Some(story) = digest.stories.first() else {
            continue;
        };
        n_entities += story.entities.len();
        // Every written form of an entity, by the key the merger groups by.
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut by_alias: HashMap<&str, usize> = HashMap::new();
        for (j, e) in story.entities.iter().enumerate() {
            entity_names.insert((sub.clone(), j), e.name.clone());
            for form in std::iter::once(&e.name).chain(&e.aliases) {
                by_key.entry(name_key(form).join(" ")).or_insert(j);
                by_alias.entry(form.as_str()).or_insert(j);
            }
        }
        let c = counts.entry(sub.clone()).or_default();
        for (a, an) in digest.articles.iter().zip(&digest.analyses) {
            let key = format!("{sub}/{}", a.id);
            let Some(golds) = gold_by_doc.get(key.as_str()) else {
                continue; // not annotated: not scored
            };
            c.docs += 1;
            // System mentions with their entity.
            let sys: Vec<(usize, usize, usize, String)> = an
                .mentions
                .iter()
                .filter_map(|m| {
                    let written = a.slice(m.span).to_string();
                    let e = if m.role_only {
                        match &m.refers_to {
                            Some(t) => by_key.get(&name_key(t).join(" ")).copied(),
                            None => by_alias.get(written.as_str()).copied(),
                        }
                    } else {
                        let k = name_key(&written).join(" ");
                        if k.is_empty() {
                            None
                        } else {
                            by_key.get(&k).copied()
                        }
                    };
                    e.map(|e| (m.span.start, m.span.end, e, written))
                })
                .collect();
            // Gold token offsets in the cleaned text: each paragraph found in order.
            let ps = &paras[&a.id];
            let mut offs: HashMap<(usize, usize), (usize, usize)> = HashMap::new();
            let mut cursor = 0;
            for (pi, (p, spans)) in ps.iter().enumerate() {
                if let Some(pos) = a.text.get(cursor..).and_then(|t| t.find(p.as_str())) {
                    let base = cursor + pos;
                    for (ti, (s, e)) in spans.iter().enumerate() {
                        offs.insert((pi + 1, ti), (base + s, base + e));
                    }
                    cursor = base + p.len();
                }
            }
            // End of the fully annotated part: the last token of sentence FULLY_ANNOTATED.
            let region_end = offs
                .iter()
                .filter(|((si, _), _)| *si <= FULLY_ANNOTATED)
                .map(|(_, &(_, e))| e)
                .max()
                .unwrap_or(0);
            let mut gspans = Vec::new();
            for g in golds {
                if g.sent == 0 {
                    title_gold += 1;
                    continue;
                }
                let (Some(&(s, _)), Some(&(_, e))) =
                    (offs.get(&(g.sent, g.first)), offs.get(&(g.sent, g.last)))
                else {
                    unaligned += 1;
                    continue;
                };
                let h = offs.get(&(g.sent, g.head)).copied().unwrap_or((s, e));
                gspans.push((s, e, h, *g));
            }
            let full = |g: &GoldMention| g.sent <= FULLY_ANNOTATED;
            c.gold += gspans.iter().filter(|g| full(g.3)).count();
            c.gold_proper += gspans.iter().filter(|g| full(g.3) && g.3.proper).count();
            c.sys += sys.iter().filter(|m| m.0 < region_end).count();
            // Candidate pairs: exact first, then head covered, larger overlap first.
            let mut cands = Vec::new();
            for (gi, &(gs, ge, (hs, he), _)) in gspans.iter().enumerate() {
                for (si, &(ss, se, _, _)) in sys.iter().enumerate() {
                    let exact = gs == ss && ge == se;
                    let head = ss < he && hs < se;
                    if exact || head {
                        let overlap = ge.min(se) - gs.max(ss);
                        cands.push((exact, overlap, gi, si));
                    }
                }
            }
            cands.sort_by(|a, b| {
                b.0.cmp(&a.0)
                    .then(b.1.cmp(&a.1))
                    .then(a.2.cmp(&b.2))
                    .then(a.3.cmp(&b.3))
            });
            let mut g_used = vec![None; gspans.len()];
            let mut s_used = vec![false; sys.len()];
            for (_, _, gi, si) in cands {
                if g_used[gi].is_none() && !s_used[si] {
                    g_used[gi] = Some(si);
                    s_used[si] = true;
                }
            }
            for (gi, g) in gspans.iter().enumerate() {
                let label = match g_used[gi] {
                    Some(si) => {
                        c.matched += usize::from(full(g.3));
                        c.matched_proper += usize::from(full(g.3) && g.3.proper);
                        matched_all.push(Matched {
                            sub: sub.clone(),
                            instance: g.3.instance.clone(),
                            entity: sys[si].2,
                            written: sys[si].3.clone(),
                        });
                        format!("e{}", sys[si].2)
                    }
                    None => {
                        if full(g.3) && g.3.proper {
                            *missed_names
                                .entry(a.text[g.0..g.1].to_string())
                                .or_default() += 1;
                        }
                        format!("missed {}/{gi}", a.id)
                    }
                };
                c.all_gold.push((g.3.instance.clone(), label));
            }
            for (si, s) in sys.iter().enumerate() {
                if !s_used[si] && s.0 < region_end {
                    *unmatched_sys.entry(s.3.clone()).or_default() += 1;
                }
            }
        }
    }

    println!(
        "MEANTIME-en cross-document entities: {} articles, {} subcorpora, each one story (single_story, no sentence model); {} merged entities",
        n_articles,
        subs.len(),
        n_entities
    );
    println!(
        "scored: articles with gold mentions; left out: {title_gold} gold mentions in titles (not analysed), {unaligned} not found in the cleaned text; gold/sys/match and MD on the fully annotated sentences 1-{FULLY_ANNOTATED}, B3 on every matched gold mention (n)"
    );
    println!(
        "{:<15} {:>4} {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} {:>6} | {:>5} {:>5} {:>5} {:>5} | {:>6} {:>6} | {:>7}",
        "subcorpus", "docs", "gold", "sys", "match", "MD-P", "MD-R", "MD-F", "R-name", "n", "B3-P", "B3-R", "B3-F", "exact", "single", "allgold"
    );
    let mut total = Counts::default();
    let rows: Vec<(String, Vec<&Matched>)> = counts
        .keys()
        .map(|s| {
            (
                s.clone(),
                matched_all.iter().filter(|m| &m.sub == s).collect(),
            )
        })
        .chain(std::iter::once((
            "all".to_string(),
            matched_all.iter().collect(),
        )))
        .collect();
    for (sub, ms) in &rows {
        let c = if sub == "all" {
            &total
        } else {
            let c = &counts[sub];
            total.docs += c.docs;
            total.gold += c.gold;
            total.gold_proper += c.gold_proper;
            total.matched_proper += c.matched_proper;
            total.sys += c.sys;
            total.matched += c.matched;
            total.all_gold.extend(
                c.all_gold
                    .iter()
                    .map(|(i, l)| (format!("{sub}/{i}"), format!("{sub}/{l}"))),
            );
            c
        };
        let gold_l: Vec<String> = ms
            .iter()
            .map(|m| format!("{}/{}", m.sub, m.instance))
            .collect();
        let sys_l: Vec<(String, usize)> = ms.iter().map(|m| (m.sub.clone(), m.entity)).collect();
        let exact_l: Vec<(String, String)> = ms
            .iter()
            .map(|m| (m.sub.clone(), m.written.clone()))
            .collect();
        let single_l: Vec<usize> = (0..ms.len()).collect();
        let (p, r, f) = bcubed(&sys_l, &gold_l);
        let (_, _, fe) = bcubed(&exact_l, &gold_l);
        let (_, _, fs) = bcubed(&single_l, &gold_l);
        let ag_g: Vec<&String> = c.all_gold.iter().map(|x| &x.0).collect();
        let ag_s: Vec<&String> = c.all_gold.iter().map(|x| &x.1).collect();
        let (_, _, fa) = bcubed(&ag_s, &ag_g);
        let mp = c.matched as f64 / c.sys.max(1) as f64;
        let mr = c.matched as f64 / c.gold.max(1) as f64;
        println!(
            "{:<15} {:>4} {:>5} {:>5} {:>5} | {:>5.3} {:>5.3} {:>5.3} {:>6.3} | {:>5} {:>5.3} {:>5.3} {:>5.3} | {:>6.3} {:>6.3} | {:>7.3}",
            sub,
            c.docs,
            c.gold,
            c.sys,
            c.matched,
            mp,
            mr,
            f1(mp, mr),
            c.matched_proper as f64 / c.gold_proper.max(1) as f64,
            ms.len(),
            p,
            r,
            f,
            fe,
            fs,
            fa
        );
    }
    println!(
        "MD = mention detection (untyped); R-name = recall on gold mentions headed by a proper noun; B3 over matched mentions; baselines on the same mentions: exact = same written string one entity, single = every mention its own entity (B3-F); allgold = B3-F over all gold mentions, missed ones as system singletons"
    );
    println!(
        "pipeline: {n_articles} articles in {pipeline_secs:.3} s = {:.0} articles/s (clean .. consolidate, one core)",
        n_articles as f64 / pipeline_secs.max(1e-9)
    );

    // Error patterns on matched mentions.
    let mut by_entity: BTreeMap<(String, usize), BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut by_instance: BTreeMap<(String, String), BTreeMap<usize, Vec<String>>> = BTreeMap::new();
    for m in &matched_all {
        by_entity
            .entry((m.sub.clone(), m.entity))
            .or_default()
            .entry(m.instance.clone())
            .or_default()
            .push(m.written.clone());
        by_instance
            .entry((m.sub.clone(), m.instance.clone()))
            .or_default()
            .entry(m.entity)
            .or_default()
            .push(m.written.clone());
    }
    let show = |forms: &[String]| {
        let mut f: BTreeMap<&str, usize> = BTreeMap::new();
        for x in forms {
            *f.entry(x.as_str()).or_default() += 1;
        }
        f.iter()
            .map(|(k, n)| {
                if *n > 1 {
                    format!("{k}×{n}")
                } else {
                    k.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let inst_name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    // Wrong merges: entities over several instances, by mentions outside the largest one.
    let mut merges: Vec<(usize, String)> = by_entity
        .iter()
        .filter(|(_, insts)| insts.len() > 1)
        .map(|((sub, e), insts)| {
            let total: usize = insts.values().map(Vec::len).sum();
            let largest = insts.values().map(Vec::len).max().unwrap_or(0);
            let parts: Vec<String> = insts
                .iter()
                .map(|(i, forms)| format!("[{}: {}]", inst_name(i), show(forms)))
                .collect();
            (
                total - largest,
                format!(
                    "{sub} \"{}\" = {}",
                    entity_names[&(sub.clone(), *e)],
                    parts.join(" ")
                ),
            )
        })
        .collect();
    merges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    println!("wrong merges (one system entity, several gold instances), worst first:");
    for (n, line) in merges.iter().take(8) {
        println!("  {n:>3} off  {line}");
    }
    let mut splits: Vec<(usize, String)> = by_instance
        .iter()
        .filter(|(_, ents)| ents.len() > 1)
        .map(|((sub, i), ents)| {
            let total: usize = ents.values().map(Vec::len).sum();
            let largest = ents.values().map(Vec::len).max().unwrap_or(0);
            let parts: Vec<String> = ents
                .iter()
                .map(|(e, forms)| {
                    format!(
                        "[\"{}\": {}]",
                        entity_names[&(sub.clone(), *e)],
                        show(forms)
                    )
                })
                .collect();
            (
                total - largest,
                format!("{sub} {} = {}", inst_name(i), parts.join(" ")),
            )
        })
        .collect();
    splits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    println!("splits (one gold instance, several system entities), worst first:");
    for (n, line) in splits.iter().take(8) {
        println!("  {n:>3} off  {line}");
    }
    let mut fp: Vec<(&String, &usize)> = unmatched_sys.iter().collect();
    fp.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let fp: Vec<String> = fp
        .iter()
        .take(12)
        .map(|(s, n)| format!("{s}×{n}"))
        .collect();
    println!(
        "system mentions with no gold mention, most frequent: {}",
        fp.join(", ")
    );
    let mut missed: Vec<(&String, &usize)> = missed_names.iter().collect();
    missed.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let missed: Vec<String> = missed
        .iter()
        .take(12)
        .map(|(s, n)| format!("{s}×{n}"))
        .collect();
    println!(
        "gold proper-name mentions missed, most frequent: {}",
        missed.join(", ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn bcubed_hand_computed() {
        // Gold: {0,1,2} {3,4}. System: {0,1} {2,3,4}.
        // Precision per item: 1, 1, 1/3, 2/3, 2/3 -> 11/15.
        // Recall per item: 2/3, 2/3, 1/3, 1, 1 -> 11/15.
        let gold = ["a", "a", "a", "b", "b"];
        let sys = [1, 1, 2, 2, 2];
        let (p, r, f) = bcubed(&sys, &gold);
        assert!(close(p, 11.0 / 15.0), "{p}");
        assert!(close(r, 11.0 / 15.0), "{r}");
        assert!(close(f, 11.0 / 15.0), "{f}");
        // Asymmetric case: everything in one system cluster over gold {0,1} {2}.
        // Precision: 2/3, 2/3, 1/3 -> 5/9; recall 1.
        let (p, r, _) = bcubed(&[0, 0, 0], &["x", "x", "y"]);
        assert!(close(p, 5.0 / 9.0), "{p}");
        assert!(close(r, 1.0), "{r}");
    }

    #[test]
    fn bcubed_extremes() {
        let gold = ["a", "a", "b"];
        // Singletons: precision 1; recall 1/2, 1/2, 1 -> 2/3; F1 = 2 * 2/3 / (5/3) = 0.8.
        let (p, r, f) = bcubed(&[0, 1, 2], &gold);
        assert!(
            close(p, 1.0) && close(r, 2.0 / 3.0) && close(f, 0.8),
            "{p} {r} {f}"
        );
        let (p, r, f) = bcubed(&["a", "a", "b"], &gold);
        assert!(close(p, 1.0) && close(r, 1.0) && close(f, 1.0));
        assert_eq!(bcubed::<u8, u8>(&[], &[]), (0.0, 0.0, 0.0));
    }

    #[test]
    fn detok_spans_point_at_tokens() {
        let toks: Vec<String> = [
            "``", "Boeing", "'s", "jet", ",", "''", "he", "said", "(", "US$", "5", ")", ".",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (text, spans) = detok(&toks);
        assert_eq!(text, "“Boeing's jet,” he said (US$5).");
        for (t, (s, e)) in toks.iter().zip(spans) {
            assert_eq!(&text[s..e], surface(t));
        }
    }
}
