//! End-to-end tests of the `corroborate` binary on the founding seeds and on bad input.
//! Each test runs the real binary in a temporary directory.

use crate::common::*;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn seeds_ids_are_file_stems() {
    let v = seeds_digest();
    let stems = seed_ids();
    let ids = article_ids(&v);
    assert_eq!(ids, stems);
    assert_eq!(v["stories"].as_array().unwrap().len(), 1);
    assert_eq!(strs(&v["stories"][0]["articles"]), stems);
}

#[test]
fn seed_003_date_outlet_and_appeal() {
    let v = seeds_digest();
    let a = article(&v, "003");
    assert_eq!(a["date"], "2025-02-27");
    assert_eq!(a["outlet"], "The Independent");
    let removed = a["removed"].as_array().unwrap();
    assert!(removed
        .iter()
        .any(|r| r["kind"] == "appeal" && r["text"].as_str().unwrap().contains("Your donation")));
    let text = a["text"].as_str().unwrap();
    assert!(
        !text.contains("donation") && !text.contains("Support Now") && !text.contains("Read more")
    );
    assert!(text.starts_with("Sir Keir Starmer is in the White House"));
}

#[test]
fn seed_001_headline_once() {
    let v = seeds_digest();
    let a = article(&v, "001");
    let title = a["title"].as_str().unwrap();
    assert!(title.starts_with("Keir Starmer pushes for stronger UK-US defense ties"));
    assert!(!a["text"].as_str().unwrap().contains(title));
    assert!(a["removed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["kind"] == "repeated_headline"));
    // Section headings are sentences of their own.
    assert!(strs(&a["sentences"]).contains(&"Boost from the US on Defence Spending".to_string()));
}

#[test]
fn no_sentence_ends_after_an_abbreviation() {
    let v = seeds_digest();
    for a in v["articles"].as_array().unwrap() {
        for s in strs(&a["sentences"]) {
            let last = s.split_whitespace().last().unwrap_or("");
            for abbr in [
                "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "Prof.", "Gen.", "Sen.",
            ] {
                assert_ne!(last, abbr, "sentence ends after an abbreviation: {s}");
            }
            assert!(
                !(last.len() == 2 && last.ends_with('.') && last.starts_with(char::is_uppercase)),
                "ends on an initial: {s}"
            );
        }
    }
}

fn entity<'a>(v: &'a Value, name_part: &str) -> Vec<&'a Value> {
    v["stories"][0]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            std::iter::once(&e["name"])
                .chain(e["aliases"].as_array().unwrap())
                .any(|n| n.as_str().unwrap().contains(name_part))
        })
        .collect()
}

#[test]
fn seed_entities_merge_aliases() {
    let v = seeds_digest();
    let all = article_ids(&v);
    let starmer = entity(&v, "Starmer");
    assert_eq!(starmer.len(), 1, "one Starmer entity");
    assert_eq!(starmer[0]["kind"], "person");
    assert!(
        strs(&starmer[0]["aliases"]).contains(&"Sir Keir".to_string())
            || starmer[0]["name"] == "Sir Keir"
    );
    assert_eq!(strs(&starmer[0]["articles"]), all);
    let zel = entity(&v, "Zelensk");
    assert_eq!(zel.len(), 1, "Zelensky and Zelenskyy are one");
    assert_eq!(strs(&zel[0]["articles"]), all);
    let trump: Vec<_> = entity(&v, "Trump")
        .into_iter()
        .filter(|e| e["kind"] == "person")
        .collect();
    assert_eq!(trump.len(), 1);
    assert_eq!(strs(&trump[0]["articles"]), all);
    let nato: Vec<_> = v["stories"][0]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            std::iter::once(&e["name"])
                .chain(e["aliases"].as_array().unwrap())
                .any(|n| n.as_str().unwrap().eq_ignore_ascii_case("nato"))
        })
        .collect();
    assert_eq!(nato.len(), 1);
    assert_eq!(nato[0]["kind"], "organisation");
    let forms: Vec<String> = std::iter::once(nato[0]["name"].as_str().unwrap().to_string())
        .chain(strs(&nato[0]["aliases"]))
        .collect();
    assert!(forms.contains(&"NATO".to_string()) && forms.contains(&"Nato".to_string()));
    // The role joins the person the text names with it.
    assert!(strs(&starmer[0]["aliases"])
        .iter()
        .any(|a| a.contains("Prime Minister")));
}

fn quote<'a>(v: &'a Value, words: &str) -> &'a Value {
    v["stories"][0]["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| {
            q["variants"].as_array().unwrap().iter().any(|x| {
                x["text"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains(&words.to_lowercase())
            })
        })
        .unwrap_or_else(|| panic!("no quote with {words}"))
}

#[test]
fn seed_quotes_have_the_right_speakers() {
    let v = seeds_digest();
    let q = quote(&v, "beyond very much");
    assert!(q["articles"].as_array().unwrap().len() >= 3);
    assert_eq!(q["speaker"], "Donald Trump");
    let q = quote(&v, "deter Putin from coming again");
    assert!(q["articles"].as_array().unwrap().len() >= 3);
    assert_eq!(q["speaker"], "Keir Starmer");
    assert_eq!(
        quote(&v, "get ahead of our discussions")["speaker"],
        "Keir Starmer"
    );
    assert_eq!(
        quote(&v, "We want to work with you")["speaker"],
        "Keir Starmer"
    );
    let nato = quote(&v, "increase their spending");
    let speaker = nato["speaker"]
        .as_str()
        .expect("the official is the speaker");
    assert!(
        speaker.contains("official") && speaker.contains("Trump administration"),
        "{speaker}"
    );
    assert!(nato["articles"].as_array().unwrap().len() >= 2);
    // Scare quotes are not speech.
    for q in v["stories"][0]["quotes"].as_array().unwrap() {
        assert!(q["text"].as_str().unwrap().split_whitespace().count() >= 1);
        assert_ne!(q["text"], "backstop");
        assert_ne!(q["text"], "pretty balanced");
    }
}

#[test]
fn seed_numbers_find_the_defence_pledge() {
    let v = seeds_digest();
    let nums = v["stories"][0]["numbers"].as_array().unwrap();
    let mut with: Vec<&str> = nums
        .iter()
        .filter(|n| n["unit"] == "percent" && n["value"].as_f64() == Some(2.5))
        .map(|n| n["article"].as_str().unwrap())
        .collect();
    with.dedup();
    assert!(with.len() >= 4, "2.5% in {with:?}");
    assert!(nums
        .iter()
        .any(|n| n["text"] == "April 2027" && n["unit"] == "month"));
    let s = &nums[0]["sentence"];
    assert!(s.as_u64().is_some());
}

#[test]
fn output_does_not_depend_on_input_order() {
    let mut files: Vec<String> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().to_string())
        .collect();
    files.sort();
    let a = run(&[
        &["digest", "--format", "json"][..],
        &files.iter().map(String::as_str).collect::<Vec<_>>(),
    ]
    .concat());
    files.reverse();
    let b = run(&[
        &["digest", "--format", "json"][..],
        &files.iter().map(String::as_str).collect::<Vec<_>>(),
    ]
    .concat());
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn text_and_markdown_reports_render() {
    let s = seeds();
    for fmt in ["text", "markdown"] {
        let out = run(&["digest", "--format", fmt, s.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0));
        let o = String::from_utf8(out.stdout).unwrap();
        assert!(
            o.contains("Keir Starmer") && o.contains("beyond very much"),
            "{fmt}"
        );
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().to_string()
}

#[test]
fn bad_inputs_are_named_and_the_rest_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = write(
        d,
        "good.txt",
        "A headline\n\nDr. Ann Lee said “we will rebuild the bridge soon” on Monday.".as_bytes(),
    );
    let empty = write(d, "empty.txt", b"");
    let binary = write(d, "binary.txt", &[0u8, 159, 146, 150, 0, 1, 2, 3]);
    let latin1 = write(d, "latin1.txt", b"Caf\xe9 society grows.");
    let big = write(d, "big.txt", &vec![b'a'; 50 * 1024 * 1024]);
    let jsonl = write(d, "pile.jsonl", b"{\"id\": \"j1\", \"text\": \"Officials met. They agreed.\"}\nnot json at all\n{\"id\": \"j3\", \"title\": \"no text\"}\n");
    let empty_dir = d.join("nothing");
    std::fs::create_dir(&empty_dir).unwrap();
    let missing = d.join("missing.txt").to_string_lossy().to_string();
    let empty_dir = empty_dir.to_string_lossy().to_string();
    let args = [
        &good, &empty, &binary, &latin1, &big, &jsonl, &empty_dir, &missing,
    ];
    let (v, out) = digest_json(&args.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1));
    let rejected = v["rejected"].as_array().unwrap();
    let reason = |p: &str| -> String {
        rejected
            .iter()
            .find(|r| r["path"] == p)
            .map(|r| r["reason"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{p} not rejected: {rejected:?}"))
    };
    assert_eq!(reason(&empty), "empty file");
    assert_eq!(reason(&binary), "binary data, not text");
    assert!(reason(&latin1).contains("invalid UTF-8"));
    assert!(reason(&big).contains("too large"));
    assert!(reason(&format!("{jsonl}:2")).contains("not valid JSON"));
    assert!(reason(&format!("{jsonl}:3")).contains("no \"text\""));
    assert!(reason(&empty_dir).contains("no readable articles"));
    assert!(reason(&missing).contains("no such file"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().filter(|l| l.contains(&missing)).count(), 1);
    let ids: Vec<&str> = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["good", "j1"]);
}

#[test]
fn nothing_usable_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "e.txt", b"   ");
    let out = run(&["digest", &empty]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(run(&["digest"]).status.code(), Some(2));
    assert_eq!(
        run(&["digest", "--format", "yaml", &empty]).status.code(),
        Some(2)
    );
}

#[test]
fn stdin_is_read_and_terminal_text_is_sanitized() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .env("CORROBORATE_MODEL", crate::common::model())
        .args(["digest", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Evil\u{202e} headline \u{1b}[31mred\n\nMaria Lopez said “this is a real quote here” today.\u{200b}".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let o = String::from_utf8(out.stdout).unwrap();
    assert!(o.contains("stdin"));
    assert!(o.contains("Maria Lopez"));
    assert!(!o.contains('\u{202e}') && !o.contains('\u{1b}') && !o.contains('\u{200b}'));
}

#[test]
fn model_choice_is_explicit_and_a_missing_transformer_is_named() {
    let empty = tempfile::tempdir().unwrap();
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();
    let with = |args: &[&str], model: &str| {
        Command::new(env!("CARGO_BIN_EXE_corroborate"))
            .args(args)
            .env("CORROBORATE_DATA", empty.path())
            .env("CORROBORATE_MODEL", model)
            .output()
            .unwrap()
    };
    // Not installed: exit 2 and the way to install it.
    let out = with(&["digest", "--model", "transformer", seeds], "static");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("models fetch"), "{err}");
    // A bad $CORROBORATE_MODEL is a usage error naming the variable.
    let out = with(&["digest", seeds], "bert");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CORROBORATE_MODEL"));
    // Auto without the transformer is the built-in model; words only also digests the seeds.
    for (args, model) in [
        (vec!["digest", "--format", "json", seeds], "auto"),
        (
            vec!["digest", "--format", "json", "--no-model", seeds],
            "static",
        ),
    ] {
        let out = with(&args, model);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["stories"][0]["facts"].as_array().unwrap().len() > 20);
    }
    let out = with(&["models", "status"], "auto");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("static-minilm: built in") && text.contains("not installed"),
        "{text}"
    );
}

/// Run `corroborate ARGS` with `input` on standard input.
fn run_with_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .env("CORROBORATE_MODEL", crate::common::model())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

const COUNCIL: &str = "The city council voted on Tuesday to approve the budget, which raises \
    spending on schools by four per cent and keeps the bus fares where they are for another year.";

#[test]
fn extract_reads_a_page_from_stdin() {
    let page = format!(
        "<html><head><title>Budget passes | City Paper</title></head><body>\
         <nav><a href=/>Home</a></nav><article><h1>Budget passes</h1><p>{COUNCIL}</p></article>\
         </body></html>"
    );
    let out = run_with_stdin(&["extract", "-"], page.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["path"], "stdin");
    assert_eq!(lines[0]["title"], "Budget passes");
    assert!(lines[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("The city council voted"));
    // Plain text on stdin is no web page: named, exit 2.
    let out = run_with_stdin(&["extract", "-"], b"Just a headline\n\nAnd a line of text.");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stdin: not a web page"));
}

#[test]
fn extract_reads_compact_news_please_json() {
    let dir = tempfile::tempdir().unwrap();
    // news-please writes one object on one line.
    let object = serde_json::json!({
        "title": "Council budget", "maintext": COUNCIL, "date_publish": "2019-11-19 11:00:00",
        "source_domain": "news.example", "url": "https://news.example/budget",
        "authors": ["Jane Doe"], "language": "en"
    })
    .to_string();
    assert!(!object.contains('\n'));
    let file = write(dir.path(), "np.json", format!("{object}\n").as_bytes());
    for out in [
        run(&["extract", &file]),
        run_with_stdin(&["extract", "-"], object.as_bytes()),
    ] {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["title"], "Council budget");
        assert_eq!(v["text"], COUNCIL);
        assert_eq!(v["date"], "2019-11-19");
        assert_eq!(v["outlet"], "news.example");
        assert_eq!(v["authors"], serde_json::json!(["Jane Doe"]));
    }
    // Two objects are JSON Lines, not one page: `digest` reads them, `extract` names the file.
    let pile = write(
        dir.path(),
        "pile.jsonl",
        format!("{object}\n{object}\n").as_bytes(),
    );
    let out = run(&["extract", &pile]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a web page"));
}

#[test]
fn utf16_articles_are_read_and_what_is_not_an_article_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Flood in Valencia\n\nHeavy rain flooded the old town of Valencia on Tuesday, \
                and firefighters rescued forty residents from their homes.";
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(dir.path().join("flood.txt"), utf16).unwrap();
    std::fs::write(
        dir.path().join("scan.txt"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    )
    .unwrap();
    std::fs::write(dir.path().join("report.pdf"), b"%PDF-1.7\n1 0 obj").unwrap();
    std::fs::write(
        dir.path().join("photo.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .unwrap();
    let out = run(&["digest", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let body = v["articles"][0]["sentences"][0].as_str().unwrap();
    assert!(body.starts_with("Heavy rain flooded"), "{body}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("scan.txt: a PDF document, not text"), "{err}");
    assert!(
        err.contains("2 files left unread, not in an article format (1 .pdf, 1 .png)"),
        "{err}"
    );
    // A directory of nothing but such files says what it left unread.
    let only = tempfile::tempdir().unwrap();
    std::fs::write(only.path().join("a.pdf"), b"%PDF-1.7").unwrap();
    let out = run(&["digest", only.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("no readable articles in directory (1 .pdf left unread"));
}

#[test]
fn huge_inputs_are_refused_while_reading_not_after() {
    use std::io::Write;
    // 64 MB of one JSONL line, then a good line; a 64 MB text file; endless text on stdin.
    let dir = tempfile::tempdir().unwrap();
    let pile = dir.path().join("pile.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&pile).unwrap());
        f.write_all(b"{\"id\":\"huge\",\"text\":\"").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..64 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\"}\n{\"id\":\"ok\",\"text\":\"Heavy rain flooded the old town of Valencia on Tuesday.\"}\n")
            .unwrap();
    }
    let out = run(&[
        "digest",
        "--no-model",
        "--format",
        "json",
        pile.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(article_ids(&v), ["ok"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("pile.jsonl:1: line too large"));

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["digest", "--no-model", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Feed until the reader stops reading (a broken pipe), at most 1 GB.
    let chunk = vec![b'a'; 1 << 20];
    let mut fed = 0usize;
    while fed < 1 << 30 && stdin.write_all(&chunk).is_ok() {
        fed += chunk.len();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(fed < 64 << 20, "read {fed} bytes of an endless stdin");
    assert!(String::from_utf8_lossy(&out.stderr).contains("stdin: too large for an article"));
}

#[test]
fn a_pathological_article_is_cut_at_the_sentence_cap_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hi.txt");
    std::fs::write(&path, format!("Greetings\n\n{}", "Hi.\n".repeat(50_000))).unwrap();
    let out = run(&[
        "digest",
        "--no-model",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &v["articles"][0];
    assert_eq!(a["sentences"].as_array().unwrap().len(), 10_000);
    assert_eq!(a["sentences_not_analysed"], 40_000);
    assert!(
        out.stdout.len() < 4 << 20,
        "{} bytes of JSON",
        out.stdout.len()
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("hi: 40000 sentences past the first 10000 not analysed"));
    // A normal article carries no such field.
    let (v, _) = digest_json(&["--no-model", seeds().to_str().unwrap()]);
    assert!(v["articles"][0].get("sentences_not_analysed").is_none());
}
