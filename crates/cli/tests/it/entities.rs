//! Names and speakers a reader can trust (issue 16), as a user runs `digest`: on the seeds no
//! junk entity, nationality words apart from named entities; on a BASIL story and on NPR and
//! Georgetown web pages (`test_data/entities/`), the right speakers and entity kinds.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test_data/entities")
        .join(name)
}

fn story(v: &Value) -> &Value {
    &v["stories"][0]
}

/// Every entity as (name, kind), aliases included under their entity's kind.
fn names(s: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in s["entities"].as_array().unwrap() {
        let kind = e["kind"].as_str().unwrap().to_string();
        out.push((e["name"].as_str().unwrap().to_string(), kind.clone()));
        for a in e["aliases"].as_array().unwrap() {
            out.push((a.as_str().unwrap().to_string(), kind.clone()));
        }
    }
    out
}

fn kind_of(s: &Value, name: &str) -> Option<String> {
    names(s)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, k)| k)
}

/// The speakers of the quotes whose words contain `words`.
fn speakers_of(s: &Value, words: &str) -> Vec<String> {
    s["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| {
            q["variants"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["text"].as_str().unwrap().contains(words))
                || q["text"].as_str().unwrap().contains(words)
        })
        .map(|q| q["speaker"].as_str().unwrap_or("(unknown)").to_string())
        .collect()
}

#[test]
fn seeds_name_no_junk_and_keep_nationalities_apart() {
    let v = seeds_digest();
    let s = story(&v);
    let all = names(s);
    for junk in [
        "GDP",
        "AI",
        "US Lord Mandelson",
        "French-led",
        "Case",
        "Security",
        "Lies",
        "Manhattan",
    ] {
        assert!(
            all.iter().all(|(n, _)| n != junk),
            "{junk} listed as an entity"
        );
    }
    assert_eq!(kind_of(s, "Lord Mandelson").as_deref(), Some("person"));
    assert_eq!(kind_of(s, "Manhattan Project").as_deref(), Some("other"));
    for demonym in [
        "European",
        "Europeans",
        "British",
        "Russian",
        "American",
        "Ukrainian",
        "French",
    ] {
        if let Some(k) = kind_of(s, demonym) {
            assert_eq!(k, "group", "{demonym} listed as a {k}");
        }
    }
    assert_eq!(kind_of(s, "British").as_deref(), Some("group"));
    // The text report lists them apart from the named entities.
    let out = run(&["digest", seeds().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    let named = text
        .split("WHO IS NAMED")
        .nth(1)
        .and_then(|t| t.split("WHO SAID WHAT").next())
        .unwrap();
    assert!(named.contains("nationalities and groups: European"));
    assert!(!named
        .lines()
        .any(|l| l.trim_start().starts_with("British ")));
}

#[test]
fn basil_story_speakers_and_kinds() {
    let (v, out) = digest_json(&[data("basil-border-emergency.jsonl").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let s = story(&v);
    assert_eq!(kind_of(s, "Rose Garden").as_deref(), Some("place"));
    assert_eq!(kind_of(s, "Chuck Schumer").as_deref(), Some("person"));
    assert_eq!(kind_of(s, "Nancy Pelosi").as_deref(), Some("person"));
    assert!(kind_of(s, "Senate Democratic Leader Chuck Schumer").is_none());
    // "... by saying, “I was a little new to the job.”": the subject of the clause speaks.
    assert_eq!(
        speakers_of(s, "I was a little new to the job"),
        ["Donald Trump"]
    );
    // A joint statement: both named, never the Pentagon of an earlier paragraph.
    let joint = speakers_of(s, "exclusive power of the purse, which our Founders");
    assert!(!joint.is_empty());
    for sp in &joint {
        assert!(
            sp.contains("Pelosi") && sp.contains("Schumer"),
            "joint statement by {sp}"
        );
    }
    for q in s["quotes"].as_array().unwrap() {
        let sp = q["speaker"].as_str().unwrap_or("");
        assert!(
            sp != "Pentagon" && !sp.contains("controlled"),
            "speaker {sp}"
        );
    }
}

#[test]
fn transcript_labels_are_speakers_not_text() {
    let (v, out) = digest_json(&[data("npr-plumbers-transcript.html").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let s = story(&v);
    // Labels are no sentences, so no entities: "MARTINEZ-BELTRAN", "SOUNDBITE", "PERSON".
    for (n, _) in names(s) {
        assert!(
            n.chars().any(char::is_lowercase),
            "an all-capital label or direction as an entity: {n}"
        );
    }
    for f in s["facts"].as_array().unwrap() {
        let t = f["text"].as_str().unwrap();
        assert!(!t.contains("MARTINEZ-BELTRAN:"), "label in a fact: {t}");
    }
    assert_eq!(kind_of(s, "Texas Capitol").as_deref(), Some("place"));
    assert_eq!(
        speakers_of(s, "If vouchers pass, it would obviously take money"),
        ["Rosie Curts"]
    );
    assert_eq!(
        speakers_of(s, "Teachers don't get the respect they deserve"),
        ["Travis Cantwell"]
    );
    assert_eq!(
        speakers_of(s, "They do believe in public education enough"),
        ["Zeph Capo"]
    );
    // The reporter narrates; a song's title and an embedded player's label are no speech.
    for q in s["quotes"].as_array().unwrap() {
        let sp = q["speaker"].as_str().unwrap_or("(unknown)");
        let t = q["text"].as_str().unwrap();
        assert!(
            !sp.to_lowercase().contains("martinez"),
            "reporter quoted: {t}"
        );
        assert!(!t.contains("SHOOTER") && !t.contains("audio player"), "{t}");
    }
    // The embed snippet is removed as markup, and said so.
    let removed = v["articles"][0]["removed"].as_array().unwrap();
    assert!(removed.iter().any(|r| r["kind"] == "markup"));
}

#[test]
fn one_person_named_two_ways_is_one_speaker() {
    let (v, out) = digest_json(&[data("npr-anxiety-meditation.html").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let s = story(&v);
    let speakers: Vec<String> = s["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["speaker"].as_str().map(String::from))
        .collect();
    assert!(speakers.iter().any(|sp| sp == "Joy Harden Bradford"));
    assert!(!speakers.iter().any(|sp| sp == "Harden Bradford"));
    assert!(kind_of(s, "Harden Bradford").is_some_and(|k| k == "person"));
    let e = s["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Joy Harden Bradford")
        .expect("one entity for her");
    assert!(e["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "Harden Bradford"));
}

#[test]
fn organisations_on_a_university_page_are_no_people() {
    let (v, out) = digest_json(&[data("georgetown-meditation.html").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let s = story(&v);
    assert_eq!(
        kind_of(s, "National Institutes of Health").as_deref(),
        Some("organisation")
    );
    assert_eq!(
        kind_of(s, "Boston University").as_deref(),
        Some("organisation")
    );
    // "Mark H. Pollack of Rush University": the person apart from his university.
    assert_eq!(kind_of(s, "Mark H. Pollack").as_deref(), Some("person"));
    assert!(kind_of(s, "Mark H. Pollack of Rush University").is_none());
    assert_eq!(kind_of(s, "Elizabeth A. Hoge").as_deref(), Some("person"));
}
