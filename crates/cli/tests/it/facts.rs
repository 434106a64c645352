//! End-to-end tests of facts, rewrites, conflicts and the summary on the founding seeds.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn story(v: &Value) -> &Value {
    let stories = v["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 1);
    &stories[0]
}

fn short(ids: &[String]) -> Vec<String> {
    let mut s: Vec<String> = ids.iter().map(|i| i[..3].to_string()).collect();
    s.sort();
    s
}

/// The values of the story's date conflict.
fn date_conflict(s: &Value) -> Vec<&str> {
    let date = s["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "date")
        .expect("a date conflict");
    date["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["value"].as_str().unwrap())
        .collect()
}

/// Facts any of whose variants contains `words`.
fn facts_with<'a>(s: &'a Value, words: &str) -> Vec<&'a Value> {
    s["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["variants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["text"].as_str().unwrap().contains(words))
        })
        .collect()
}

#[test]
fn defence_pledge_is_one_fact_from_four_articles() {
    let v = seeds_digest();
    let s = story(&v);
    let pledge = facts_with(s, "2.5%");
    assert_eq!(pledge.len(), 1, "{pledge:#?}");
    let arts = strs(&pledge[0]["articles"]);
    assert!(arts.len() >= 4, "{arts:?}");
    assert!(pledge[0]["independent_sources"].as_u64().unwrap() >= 3);
    // Its headline is words the others support, not 001's detail that Washington approved.
    assert!(pledge[0]["text"].as_str().unwrap().contains("2.5%"));
    assert!(!pledge[0]["text"]
        .as_str()
        .unwrap()
        .contains("nod of approval"));
    // Every variant is the verbatim sentence at its index, or its clause at `span`.
    for f in s["facts"].as_array().unwrap() {
        for var in f["variants"].as_array().unwrap() {
            let a = article(&v, &var["article"].as_str().unwrap()[..3]);
            let i = var["sentence"].as_u64().unwrap() as usize;
            let sentence = a["sentences"][i].as_str().unwrap();
            match var.get("span") {
                Some(sp) => {
                    let (x, y) = (
                        sp[0].as_u64().unwrap() as usize,
                        sp[1].as_u64().unwrap() as usize,
                    );
                    assert_eq!(&sentence[x..y], var["text"].as_str().unwrap());
                }
                None => assert_eq!(sentence, var["text"].as_str().unwrap()),
            }
        }
    }
}

#[test]
fn chagos_and_bruised_hand_are_single_source() {
    let v = seeds_digest();
    let s = story(&v);
    let chagos = facts_with(s, "Chagos");
    assert!(!chagos.is_empty());
    for f in &chagos {
        let arts = short(&strs(&f["articles"]));
        assert!(arts.iter().all(|a| a == "001" || a == "004"), "{arts:?}");
    }
    let hand = facts_with(s, "bruising");
    assert_eq!(hand.len(), 1);
    assert_eq!(short(&strs(&hand[0]["articles"])), ["004"]);
    assert_eq!(hand[0]["independent_sources"], 1);
}

#[test]
fn rewrite_000_of_003_is_the_only_derivation() {
    let v = seeds_digest();
    let s = story(&v);
    let d = s["derivations"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0]["article"].as_str().unwrap().starts_with("000"));
    assert!(d[0]["source"].as_str().unwrap().starts_with("003"));
    assert_eq!(d[0]["direction"], "article_from_source");
    assert!(d[0]["shared_fraction"].as_f64().unwrap() >= 0.6);
    assert_eq!(s["independent_sources"], 4);
    // The backstop sentences of 000 and 003 state one fact; the two count as one source.
    let backstop = facts_with(s, "fighter jets");
    assert_eq!(backstop.len(), 1);
    let arts = short(&strs(&backstop[0]["articles"]));
    assert!(
        arts.contains(&"000".into()) && arts.contains(&"003".into()),
        "{arts:?}"
    );
    assert_eq!(
        backstop[0]["independent_sources"].as_u64().unwrap() as usize,
        arts.len() - 1
    );
    // Its representative text never comes from the rewrite.
    assert!(!backstop[0]["source"].as_str().unwrap().starts_with("000"));
}

#[test]
fn conflicting_dates_of_the_pledge_are_reported() {
    let v = seeds_digest();
    let s = story(&v);
    let c = s["conflicts"].as_array().unwrap();
    assert_eq!(date_conflict(s), ["2027", "2027-04"]);
    // "2.5%" is said by all sides alike: no percent conflict.
    assert!(c.iter().all(|c| c["kind"] != "percent"), "{c:#?}");
}

#[test]
fn summary_is_short_verbatim_and_cited() {
    let v = seeds_digest();
    let s = story(&v);
    let summary = s["summary"].as_array().unwrap();
    assert!(summary.len() >= 3);
    let words: usize = summary
        .iter()
        .map(|x| x["text"].as_str().unwrap().split_whitespace().count())
        .sum();
    assert!(words <= 120, "{words}");
    let all: String = summary
        .iter()
        .map(|x| x["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    for x in summary {
        let text = x["text"].as_str().unwrap();
        let cited = strs(&x["articles"]);
        assert_eq!(cited[0], x["source"].as_str().unwrap());
        let src = article(&v, &cited[0][..3]);
        assert!(src["text"].as_str().unwrap().contains(text), "{text}");
    }
    assert!(all.contains("Starmer") || all.contains("Sir Keir"), "{all}");
    assert!(all.contains("Trump"), "{all}");
    assert!(
        all.contains("security guarantee") || all.contains("backstop"),
        "{all}"
    );
    // --words bounds it.
    let (short_v, _) = digest_json(&["--words", "40", seeds().to_str().unwrap()]);
    let n: usize = story(&short_v)["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["text"].as_str().unwrap().split_whitespace().count())
        .sum();
    assert!(n <= 40 && n > 0, "{n}");
}

#[test]
fn renamed_seeds_with_an_exact_copy_keep_the_lineages() {
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for e in std::fs::read_dir(seeds()).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        let name = format!("renamed-{}.txt", &stem[..3]);
        std::fs::copy(&p, dir.path().join(&name)).unwrap();
        names.push(name);
    }
    std::fs::copy(
        dir.path().join("renamed-002.txt"),
        dir.path().join("wire-copy.txt"),
    )
    .unwrap();
    let (v, _) = digest_json(&[dir.path().to_str().unwrap()]);
    let s = story(&v);
    assert_eq!(s["independent_sources"], 4);
    let d = s["derivations"].as_array().unwrap();
    let pairs: Vec<(String, String, bool)> = d
        .iter()
        .map(|x| {
            let mut p = [
                x["article"].as_str().unwrap().to_string(),
                x["source"].as_str().unwrap().to_string(),
            ];
            p.sort();
            (p[0].clone(), p[1].clone(), x["copy"].as_bool().unwrap())
        })
        .collect();
    assert!(pairs.contains(&("renamed-000".into(), "renamed-003".into(), false)));
    assert!(pairs.contains(&("renamed-002".into(), "wire-copy".into(), true)));
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    let copy = d.iter().find(|x| x["copy"] == true).unwrap();
    assert_eq!(copy["shared_fraction"], 1.0);
    let _ = Path::new(&names[0]);
    // The facts do not depend on the names: Trump's refusal is still one fact, now also in the
    // wire copy of 002, and still three independent sources.
    let refusal = facts_with(s, "eyond very much");
    assert_eq!(refusal.len(), 1, "{refusal:#?}");
    assert_eq!(
        strs(&refusal[0]["articles"]),
        [
            "renamed-000",
            "renamed-002",
            "renamed-003",
            "renamed-004",
            "wire-copy"
        ]
    );
    assert_eq!(refusal[0]["independent_sources"], 3);
    let steel = facts_with(s, "British steel");
    assert_eq!(steel.len(), 1);
    let arts = strs(&steel[0]["articles"]);
    assert!(arts.contains(&"renamed-000".to_string()) && arts.contains(&"renamed-003".to_string()));
}

#[test]
fn similar_prints_one_decision_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("pairs.tsv");
    std::fs::write(
        &tsv,
        "The Prime Minister will urge Mr Trump to provide a backstop in the form of military assistance, potentially including air cover from US fighter jets.\tThe Prime Minister will push a reluctant Mr Trump to provide a US backstop, possibly including fighter jets providing air cover.\n\
         Sir Keir is prepared to commit British troops to a peacekeeping mission.\tSpeculation has arisen about bruising on Trump's hand.\n",
    )
    .unwrap();
    let out = run(&["similar", "--tsv", tsv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<(f64, &str)> = text
        .lines()
        .map(|l| {
            let (s, d) = l.split_once('\t').unwrap();
            (s.parse().unwrap(), d)
        })
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].1, "1");
    assert_eq!(lines[1].1, "0");
    assert!(lines[0].0 > lines[1].0);
    // An overlong "sentence" is named and not judged; the other lines are.
    let long = "word ".repeat(20_000);
    std::fs::write(&tsv, format!("{long}\t{long}\nA cat sat.\tA cat sat.\n")).unwrap();
    let out = run(&["similar", "--tsv", tsv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pairs.tsv:1: a sentence over 64 KB"), "{err}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("0\t0\n") && text.ends_with("\t1\n"),
        "{text}"
    );
}

/// Facts that two or more independent sources state.
fn corroborated_facts(s: &Value) -> usize {
    s["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["independent_sources"].as_u64().unwrap() >= 2)
        .count()
}

/// The one fact whose variants contain `words`, with its articles' short ids.
fn one_fact<'a>(s: &'a Value, words: &str) -> (&'a Value, Vec<String>) {
    let found = facts_with(s, words);
    assert_eq!(found.len(), 1, "{words}: {found:#?}");
    (found[0], short(&strs(&found[0]["articles"])))
}

#[test]
fn trumps_refusal_is_one_fact_of_three_independent_sources() {
    let v = seeds_digest();
    let s = story(&v);
    let (f, arts) = one_fact(s, "eyond very much");
    assert_eq!(arts, ["000", "002", "003", "004"]);
    // 000 rewrites 003: four articles, three independent sources.
    assert_eq!(f["independent_sources"], 3);
}

#[test]
fn same_claims_in_other_words_align_and_opposite_ones_do_not() {
    let v = seeds_digest();
    let s = story(&v);
    // The two steel-tariff sentences of 000 and 003.
    let (_, arts) = one_fact(s, "British steel");
    assert!(
        arts.contains(&"000".into()) && arts.contains(&"003".into()),
        "{arts:?}"
    );
    // Starmer says peace requires guarantees; Trump hesitates to give them: two facts.
    let (requires, _) = one_fact(s, "requires robust security guarantees");
    let (hesitant, _) = one_fact(s, "hesitant to commit");
    assert_ne!(requires, hesitant);
    // Corroboration: at least a dozen facts that two or more independent sources state.
    let corroborated = corroborated_facts(s);
    assert!(corroborated >= 12, "{corroborated}");
}

#[test]
fn summary_gives_both_sides() {
    let v = seeds_digest();
    let s = story(&v);
    let lines: Vec<&str> = s["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    let request = lines.iter().any(|l| {
        (l.contains("Sir Keir") || l.contains("Starmer") || l.contains("Prime Minister"))
            && (l.contains("backstop")
                || l.contains("deter Putin")
                || l.contains("security guarantee"))
    });
    let refusal = lines.iter().any(|l| {
        l.contains("eyond very much")
            || l.contains("Trump")
                && [
                    "hesitant",
                    "reluctan",
                    "cast doubt",
                    "would not",
                    "not going to",
                ]
                .iter()
                .any(|w| l.contains(w))
    });
    assert!(request && refusal, "{lines:#?}");
}

#[test]
fn two_outlets_alone_share_their_facts_directly() {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(seeds()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("003") || name.starts_with("004") {
            // Renamed: nothing may depend on the file names.
            std::fs::copy(&p, dir.path().join(format!("x{}", &name[..3]))).unwrap();
        }
    }
    let (v, _) = digest_json(&[dir.path().to_str().unwrap()]);
    let s = story(&v);
    let pledge = facts_with(s, "2.5%");
    assert_eq!(pledge.len(), 1, "{pledge:#?}");
    assert_eq!(strs(&pledge[0]["articles"]), ["x003", "x004"]);
    let deter = facts_with(s, "deter Putin from coming again");
    assert_eq!(deter.len(), 1, "{deter:#?}");
    assert_eq!(strs(&deter[0]["articles"]), ["x003", "x004"]);
    assert_eq!(date_conflict(s), ["2027", "2027-04"]);
}

/// The founding case's facts (as the other tests here check them on the seeds' own names),
/// with article ids mapped back to the seed numbers by `seed_of`.
fn founding_facts_hold(s: &Value, seed_of: &dyn Fn(&str) -> String) {
    let seeds_of = |f: &Value| {
        let mut v: Vec<String> = strs(&f["articles"]).iter().map(|a| seed_of(a)).collect();
        v.sort();
        v
    };
    let one = |words: &str| one_fact(s, words).0;
    let refusal = one("eyond very much");
    assert_eq!(seeds_of(refusal), ["000", "002", "003", "004"]);
    assert_eq!(refusal["independent_sources"], 3);
    // 000 and 003 ask Mr Trump to provide a "backstop", 004 aims to secure "a commitment for a
    // US backstop": one request, two independent sources (000 rewrites 003).
    let (backstop, _) = one_fact(s, "“backstop”");
    assert_eq!(seeds_of(backstop), ["000", "003", "004"]);
    assert_eq!(backstop["independent_sources"], 2);
    // 004's request is not held in a fact about British troops.
    for f in facts_with(s, "aims to secure") {
        assert!(f["text"].as_str().unwrap().contains("backstop"), "{f:#?}");
    }
    let steel = seeds_of(one("British steel"));
    assert!(
        steel.contains(&"000".into()) && steel.contains(&"003".into()),
        "{steel:?}"
    );
    assert_ne!(
        one("requires robust security guarantees"),
        one("hesitant to commit")
    );
    for f in facts_with(s, "Chagos") {
        let arts = seeds_of(f);
        assert!(arts.iter().all(|a| a == "001" || a == "004"), "{arts:?}");
    }
    let corroborated = corroborated_facts(s);
    assert!(corroborated >= 12, "{corroborated}");
}

#[test]
fn founding_facts_hold_on_the_seeds_given_in_any_order() {
    let v = seeds_digest();
    founding_facts_hold(story(&v), &|id: &str| id[..3].to_string());
    // The files named one by one, last first: the same JSON.
    let mut files: Vec<String> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().to_string())
        .collect();
    files.sort();
    files.reverse();
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let (w, _) = digest_json(&args);
    assert_eq!(v, w);
}

#[test]
fn founding_facts_do_not_depend_on_names_or_order() {
    // Names that sort in the reverse order of the seeds, so every article changes place.
    let names = [
        ("000", "zeta"),
        ("001", "echo"),
        ("002", "delta"),
        ("003", "bravo"),
        ("004", "alpha"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(seeds()).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        let (_, name) = names.iter().find(|(n, _)| stem.starts_with(n)).unwrap();
        std::fs::copy(&p, dir.path().join(format!("{name}.txt"))).unwrap();
    }
    let (v, _) = digest_json(&[dir.path().to_str().unwrap()]);
    let seed_of = |id: &str| {
        let (seed, _) = names.iter().find(|(_, n)| *n == id).unwrap();
        seed.to_string()
    };
    founding_facts_hold(story(&v), &seed_of);
}
