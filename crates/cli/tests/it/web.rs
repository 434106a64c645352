//! Web inputs end to end: `extract` and `digest` on real HTML pages (Zyte AEB), gzip, WARC,
//! RSS/Atom, news-please JSON, and each bad web input of issue 5.

use crate::common::{digest_json, run};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

fn zyte(prefix: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/zyte-aeb/html");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .expect("zyte page present")
}

fn gunzip(p: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap()),
        &mut out,
    )
    .unwrap();
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn extract_jsonl(args: &[&str]) -> (Vec<Value>, std::process::Output) {
    let mut all = vec!["extract", "--format", "jsonl"];
    all.extend_from_slice(args);
    let out = run(&all);
    let v = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    (v, out)
}

/// The NYT opinion page of Zyte AEB: text, title, author, date and outlet.
const NYT: &str = "04a6711c";

#[test]
fn extract_reads_a_real_page_gzipped_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("nyt.html");
    std::fs::write(&plain, gunzip(&zyte(NYT))).unwrap();
    for path in [zyte(NYT), plain] {
        let (pages, out) = extract_jsonl(&[path.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let p = &pages[0];
        let text = p["text"].as_str().unwrap();
        assert!(text.starts_with("Americans have gone to the polls four times this month"));
        assert!(text.contains("Trump tweeted before Election Day"));
        for boiler in ["Advertisement", "Subscribe", "Site Index"] {
            assert!(!text.contains(boiler), "{boiler} in text");
        }
        assert_eq!(
            p["title"],
            "Opinion | Republicans Are Following Trump to Nowhere"
        );
        assert_eq!(p["date"], "2019-11-19");
        assert_eq!(p["authors"][0], "Jamelle Bouie");
        assert_eq!(p["language"], "en");
    }
}

#[test]
fn digest_takes_html_pages_beside_text_articles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nyt.html"), gunzip(&zyte(NYT))).unwrap();
    std::fs::copy(
        crate::common::seeds().join(
            std::fs::read_dir(crate::common::seeds())
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .file_name(),
        ),
        dir.path().join("seed.txt"),
    )
    .unwrap();
    let (v, out) = digest_json(&[dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nyt = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "nyt")
        .unwrap();
    assert_eq!(
        nyt["title"],
        "Opinion | Republicans Are Following Trump to Nowhere"
    );
    assert_eq!(nyt["date"], "2019-11-19");
    assert_eq!(nyt["authors"], serde_json::json!(["Jamelle Bouie"]));
    assert_eq!(nyt["language"], "en");
    assert!(nyt["text"]
        .as_str()
        .unwrap()
        .starts_with("Americans have gone"));
}

fn warc_record(kind: &str, block_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: https://www.nytimes.com/x\r\nWARC-Date: 2019-11-20T00:00:00Z\r\nContent-Type: {block_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

#[test]
fn warc_archives_give_their_html_responses_and_name_corrupt_records() {
    let page = gunzip(&zyte(NYT));
    let mut response =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
    response.extend_from_slice(&page);
    let mut warc = warc_record("warcinfo", "application/warc-fields", b"software: test\r\n");
    warc.extend(warc_record(
        "request",
        "application/http; msgtype=request",
        b"GET /x HTTP/1.1\r\n\r\n",
    ));
    let corrupt_at = warc.len();
    warc.extend(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: twelve\r\n\r\njunk\r\n\r\n");
    warc.extend(warc_record(
        "response",
        "application/http; msgtype=response",
        &response,
    ));
    let dir = tempfile::tempdir().unwrap();
    // Uncompressed, and gzipped per record as Common Crawl writes it.
    std::fs::write(dir.path().join("crawl.warc"), &warc).unwrap();
    let mut gz = Vec::new();
    for chunk in [&warc[..corrupt_at], &warc[corrupt_at..]] {
        gz.extend(gzip(chunk));
    }
    std::fs::write(dir.path().join("crawl.warc.gz"), &gz).unwrap();
    for name in ["crawl.warc", "crawl.warc.gz"] {
        let path = dir.path().join(name);
        let (v, out) = digest_json(&[path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "{name}@{corrupt_at}: record without a valid Content-Length"
            )),
            "{stderr}"
        );
        assert!(stderr.contains("2 WARC records skipped"), "{stderr}");
        let arts = v["articles"].as_array().unwrap();
        assert_eq!(arts.len(), 1);
        assert!(arts[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Americans have gone"));
        assert_eq!(
            arts[0]["url"],
            "https://www.nytimes.com/2019/11/19/opinion/republicans-elections-impeachment.html"
        );
    }
}

const PROSE: &str = "The council voted on Tuesday to approve the new budget, which raises spending on schools by four per cent and cuts the roads programme. Members of every party spoke in a long debate, and several said the cuts to roads would hurt rural areas most. The mayor said it was the fairest budget the city could afford.";

#[test]
fn feeds_and_news_please_json_are_articles() {
    let dir = tempfile::tempdir().unwrap();
    // Named .txt: the format comes from the content.
    std::fs::write(
        dir.path().join("city.txt"),
        format!(
            r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>City Paper</title>
            <item><title>Budget approved</title><link>https://city.example/budget</link><pubDate>Tue, 19 Nov 2019 10:00:00 GMT</pubDate><content:encoded><![CDATA[<p>{PROSE}</p>]]></content:encoded></item>
            <item><title>Roads</title><link>https://city.example/roads</link><description>Roads will be cut, the council says.</description></item></channel></rss>"#
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("np.json"),
        serde_json::to_string_pretty(&serde_json::json!({
            "title": "Council budget", "maintext": PROSE, "date_publish": "2019-11-19 11:00:00",
            "source_domain": "news.example", "url": "https://news.example/budget", "authors": ["Jane Doe"]
        }))
        .unwrap(),
    )
    .unwrap();
    let (pages, out) = extract_jsonl(&[dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(pages.len(), 3);
    let budget = pages
        .iter()
        .find(|p| p["title"] == "Budget approved")
        .unwrap();
    assert_eq!(budget["outlet"], "City Paper");
    assert_eq!(budget["summary_only"], false);
    let roads = pages.iter().find(|p| p["title"] == "Roads").unwrap();
    assert_eq!(roads["summary_only"], true);
    let np = pages
        .iter()
        .find(|p| p["title"] == "Council budget")
        .unwrap();
    assert_eq!(np["date"], "2019-11-19");
    assert_eq!(np["outlet"], "news.example");
    let (v, out) = digest_json(&[dir.path().to_str().unwrap()]);
    assert!(out.status.success());
    let ids = crate::common::article_ids(&v);
    assert_eq!(ids, ["city-1", "city-2", "np"]);
    // The digest keeps the marks: the teaser is summary-only, the authors stay named.
    let by_id = |id: &str| {
        v["articles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("city-2")["summary_only"], true);
    assert_eq!(by_id("city-1")["summary_only"], false);
    assert_eq!(by_id("np")["authors"], serde_json::json!(["Jane Doe"]));
    // The reports say so too.
    let text = run(&["digest", dir.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("summary only: the feed gave no article text"),
        "{text}"
    );
    assert!(text.contains("by Jane Doe"), "{text}");
    let html = run(&["digest", "--format", "html", dir.path().to_str().unwrap()]);
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(html.contains("summary only: the feed gave no article text"));
    assert!(html.contains("by Jane Doe"));
}

#[test]
fn bad_web_inputs_are_named_and_the_rest_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let page = gunzip(&zyte(NYT));
    std::fs::write(d.join("good.html"), &page).unwrap();
    // Truncated HTML: read what is there.
    std::fs::write(d.join("truncated.html"), &page[..page.len() / 2]).unwrap();
    // 100 MB page.
    let mut huge = b"<html><body><p>".to_vec();
    huge.resize(100 * 1024 * 1024, b'a');
    std::fs::write(d.join("huge.html"), &huge).unwrap();
    // 100,000 nested tags.
    let nested = format!(
        "<html><body>{}<p>{PROSE}</p>{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    std::fs::write(d.join("nested.html"), nested).unwrap();
    // Declared charset is wrong: says UTF-8, is windows-1252.
    let mut wrong = b"<html><head><meta charset=\"utf-8\"></head><body><p>caf\xe9 ".to_vec();
    wrong.extend(PROSE.bytes());
    wrong.extend(b"</p></body></html>");
    std::fs::write(d.join("wrong-charset.html"), wrong).unwrap();
    // Binary data named .html.
    std::fs::write(
        d.join("binary.html"),
        (0..4096u32)
            .map(|i| (i * 7 % 251) as u8)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    // A gzip bomb: 200 MB of zeros in about 200 KB.
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b'<'; 1 << 20];
    for _ in 0..200 {
        e.write_all(&zeros).unwrap();
    }
    std::fs::write(d.join("bomb.html.gz"), e.finish().unwrap()).unwrap();

    let t0 = std::time::Instant::now();
    let (v, out) = digest_json(&["--single-story", d.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(t0.elapsed().as_secs() < 60, "bounded time");
    let rejected: Vec<(String, String)> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let reason = |name: &str| {
        rejected
            .iter()
            .find(|(p, _)| p.ends_with(name))
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    assert!(reason("huge.html").contains("too large"), "{rejected:?}");
    assert!(reason("binary.html").contains("binary"), "{rejected:?}");
    assert!(reason("bomb.html.gz").contains("gzip bomb"), "{rejected:?}");
    let ids = crate::common::article_ids(&v);
    for id in ["good", "truncated", "nested", "wrong-charset"] {
        assert!(
            ids.iter().any(|i| i == id),
            "{id} missing from {ids:?}; {stderr}"
        );
    }
    let wrong = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "wrong-charset")
        .unwrap();
    assert!(wrong["text"]
        .as_str()
        .unwrap()
        .starts_with("café The council"));
}

#[test]
fn gzipped_json_lines_and_text_are_read_and_web_formats_come_on_stdin_too() {
    let dir = tempfile::tempdir().unwrap();
    let lines = format!(
        "{}\n{}\nnot json\n",
        serde_json::json!({"id": "a", "title": "Budget", "text": PROSE, "authors": ["Jane Doe"]}),
        serde_json::json!({"id": "b", "title": "Roads", "text": format!("Roads: {PROSE}")})
    );
    std::fs::write(dir.path().join("batch.jsonl.gz"), gzip(lines.as_bytes())).unwrap();
    std::fs::write(
        dir.path().join("note.txt.gz"),
        gzip(format!("A headline\n\n{PROSE}\n").as_bytes()),
    )
    .unwrap();
    let (v, out) = digest_json(&[dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ids = crate::common::article_ids(&v);
    assert_eq!(ids, ["a", "b", "note"], "{stderr}");
    assert_eq!(v["articles"][0]["authors"], serde_json::json!(["Jane Doe"]));
    // The bad line is named by the file (as given, .gz included) and its line number.
    let rejected = v["rejected"].to_string();
    assert!(rejected.contains("batch.jsonl.gz:3"), "{rejected}");

    // A real page and a gzipped page, each piped on standard input.
    let page = gunzip(&zyte(NYT));
    for input in [page.clone(), gzip(&page)] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_corroborate"))
            .env("CORROBORATE_MODEL", crate::common::model())
            .args(["digest", "--format", "json", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            v["articles"][0]["title"],
            "Opinion | Republicans Are Following Trump to Nowhere"
        );
        assert!(v["articles"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Americans have gone"));
    }
}

#[test]
fn ingest_stores_web_pages_and_feed_items_with_their_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    // A real page inside a WARC, and a feed whose second item is only a teaser.
    let page = gunzip(&zyte(NYT));
    let mut response =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
    response.extend_from_slice(&page);
    std::fs::write(
        inputs.join("crawl.warc.gz"),
        gzip(&warc_record(
            "response",
            "application/http; msgtype=response",
            &response,
        )),
    )
    .unwrap();
    std::fs::write(
        inputs.join("city.xml"),
        format!(
            r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>City Paper</title>
            <item><title>Budget approved</title><link>https://city.example/budget</link><pubDate>Tue, 19 Nov 2019 10:00:00 GMT</pubDate><content:encoded><![CDATA[<p>{PROSE}</p>]]></content:encoded></item>
            <item><title>Roads</title><link>https://city.example/roads</link><pubDate>Tue, 19 Nov 2019 11:00:00 GMT</pubDate><description>Roads will be cut, the council says.</description></item></channel></rss>"#
        ),
    )
    .unwrap();
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    let out = run(&["ingest", "--quiet", "--db", db, inputs.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value =
        serde_json::from_slice(&run(&["stories", "--format", "json", "--db", db]).stdout).unwrap();
    let mut found = Vec::new();
    for story in list["stories"].as_array().unwrap() {
        let id = story["id"].as_str().unwrap();
        let shown: Value =
            serde_json::from_slice(&run(&["show", id, "--format", "json", "--db", db]).stdout)
                .unwrap();
        found.extend(shown["articles"].as_array().unwrap().iter().cloned());
    }
    let by_id = |id: &str| found.iter().find(|a| a["id"] == id).unwrap().clone();
    assert_eq!(found.len(), 3, "{found:?}");
    let nyt = by_id("crawl-1");
    assert_eq!(nyt["authors"], serde_json::json!(["Jamelle Bouie"]));
    assert_eq!(nyt["language"], "en");
    assert!(nyt["text"]
        .as_str()
        .unwrap()
        .starts_with("Americans have gone"));
    assert_eq!(by_id("city-2")["summary_only"], true);
    assert_eq!(by_id("city-1")["summary_only"], false);
}
