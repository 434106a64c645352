//! The web app over real HTTP: a store built in a temp dir from `../shared/seeds`, the first
//! six BASIL lines (two stories, outlets fox, nyt, hpo) and a hostile article, served on
//! 127.0.0.1:0 by `corroborate_serve::spawn`, asked with a small HTTP/1.1 client over a
//! `TcpStream`. Analyses by words alone (the same `Options` for the store, the server and the
//! in-process digest the JSON is compared with). Never reaches beyond loopback.

use corroborate_model::{RawArticle, StoryStore};
use corroborate_pipeline::run::{self, Ingest, Options};
use corroborate_serve::{spawn, Config, Running, ServeError};
use corroborate_store::Store;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// What a JSON Lines article with hostile markup everywhere looks like.
const HOSTILE: &str = r#"{"id": "evil<script>alert(1)</script>", "title": "<script>alert('t')</script> Harbour fire <img src=x onerror=alert(2)>", "outlet": "<b onmouseover=alert(3)>Bad Outlet</b>", "url": "javascript:alert(4)", "date": "2031-05-05", "text": "A fire broke out at the harbour of Zyxport on Monday <script>alert(5)</script> and burned for six hours.\n\nFirefighters said <img src=x onerror=alert(6)> the blaze at Zyxport was caused by a faulty crane, and <a href=\"javascript:alert(7)\">click</a> nobody was hurt."}"#;

fn raws(paths: &[PathBuf]) -> Vec<RawArticle> {
    let paths: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().to_string())
        .collect();
    let (raws, rejected) = corroborate_read::gather(&paths, &Default::default(), &mut |_| {});
    assert!(rejected.is_empty(), "{rejected:?}");
    raws
}

/// The test inputs: the seeds, six BASIL lines, the hostile article (files in `dir`).
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let basil: String = std::fs::read_to_string(shared().join("data/stories/basil.jsonl"))
        .unwrap()
        .lines()
        .take(6)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("basil.jsonl"), basil).unwrap();
    std::fs::write(dir.join("hostile.jsonl"), format!("{HOSTILE}\n")).unwrap();
    vec![
        shared().join("seeds"),
        dir.join("basil.jsonl"),
        dir.join("hostile.jsonl"),
    ]
}

/// A store in `dir` holding the inputs, analysed (unless `analyse` is false).
fn build_store(dir: &Path, analyse: bool) -> PathBuf {
    let db = dir.join("s.db");
    let mut ing = Ingest::new(Store::open(&db).unwrap()).unwrap();
    ing.add(run::prepare(raws(&inputs(dir))), &mut || {})
        .unwrap();
    if analyse {
        ing.analyse_touched(&Options::default()).unwrap();
    }
    db
}

fn start(db: &Path, token: Option<&str>) -> Running {
    let mut c = Config::new(db.to_path_buf(), "127.0.0.1:0".parse().unwrap());
    c.token = token.map(String::from);
    spawn(c).unwrap()
}

struct Shared {
    _dir: tempfile::TempDir,
    addr: SocketAddr,
    _server: Running,
}

/// One analysed store and server for the tests that only read.
fn server() -> SocketAddr {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = build_store(dir.path(), true);
        let server = start(&db, None);
        Shared {
            addr: server.addr(),
            _dir: dir,
            _server: server,
        }
    })
    .addr
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One HTTP/1.1 request (`Connection: close`), reading the whole reply.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = HashMap::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').unwrap();
        headers.insert(k.to_ascii_lowercase(), v.trim().to_string());
    }
    let mut raw = Vec::new();
    if headers
        .get("transfer-encoding")
        .is_some_and(|t| t == "chunked")
    {
        loop {
            line.clear();
            r.read_line(&mut line).unwrap();
            let n = usize::from_str_radix(line.trim(), 16).unwrap();
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            raw.extend_from_slice(&chunk[..n]);
        }
    } else {
        r.read_to_end(&mut raw).unwrap();
    }
    Reply {
        status,
        headers,
        body: String::from_utf8(raw).unwrap(),
    }
}

fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path, &[], b"")
}

fn ok(addr: SocketAddr, path: &str) -> Reply {
    let r = get(addr, path);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r
}

/// The part of a page from the element with `id` to the end of its section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

fn seeds_story(addr: SocketAddr) -> String {
    let v = ok(addr, "/api/stories?q=Chagos").json();
    let stories = v["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 1, "{v}");
    stories[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn the_index_lists_stories_and_search_finds_the_seeds_story() {
    let addr = server();
    let page = ok(addr, "/").body;
    let list = section(&page, "stories");
    let id = seeds_story(addr);
    assert!(list.contains(&format!("href=\"/stories/{id}\"")), "{list}");
    assert!(list.contains("5 articles"), "{list}");
    // All four stories of the store, newest first (the hostile one is dated 2031).
    let all = ok(addr, "/api/stories").json();
    let ids: Vec<&str> = all["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{all}");
    assert!(all["stories"][0]["articles"][0]
        .as_str()
        .unwrap()
        .starts_with("evil"));
    // Search: the seeds story, through the page and the API; a word nowhere finds nothing.
    let found = ok(addr, "/?q=Chagos").body;
    assert_eq!(
        section(&found, "stories")
            .matches("data-testid=\"story\"")
            .count(),
        1
    );
    assert!(
        section(&found, "stories").contains("<mark>Chagos</mark>"),
        "{found}"
    );
    let hit = &ok(addr, "/api/stories?q=chagos").json()["stories"][0]["match"];
    assert!(hit["snippet"].as_str().unwrap().contains("Chagos"), "{hit}");
    assert!(found.contains(&format!("/stories/{id}")));
    let none = ok(addr, "/api/stories?q=qqqzzzxx").json();
    assert!(none["stories"].as_array().unwrap().is_empty());
    assert!(ok(addr, "/?q=qqqzzzxx").body.contains("id=\"no-stories\""));
    // Filters: outlet, dates, entity, and a bad date named and left out.
    let fox = ok(addr, "/api/stories?outlet=fox").json();
    assert_eq!(fox["stories"].as_array().unwrap().len(), 2, "{fox}");
    let dated = ok(addr, "/api/stories?from=2031-01-01&to=2031-12-31").json();
    assert_eq!(dated["stories"].as_array().unwrap().len(), 1, "{dated}");
    let starmer = ok(addr, "/api/stories?entity=Keir%20Starmer").json();
    assert_eq!(starmer["stories"][0]["id"], id.as_str(), "{starmer}");
    let bad = ok(addr, "/api/stories?from=yesterday").json();
    assert_eq!(bad["stories"].as_array().unwrap().len(), 4);
    assert!(bad["notices"][0].as_str().unwrap().contains("yesterday"));
    // Pages: plain links, and page 2 of four stories is empty.
    assert!(ok(addr, "/api/stories?page=2").json()["stories"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(
        ok(addr, "/api/generation").json()["generation"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

#[test]
fn the_seeds_story_page_shows_facts_sources_the_rewrite_the_conflict_and_the_timeline() {
    let addr = server();
    let id = seeds_story(addr);
    let page = ok(addr, &format!("/stories/{id}")).body;
    for part in [
        "summary",
        "facts",
        "conflicts",
        "quotes",
        "entities",
        "numbers",
        "rewrites",
        "timeline",
        "articles",
    ] {
        section(&page, part);
    }
    // Facts with independent-source counts; at least one stated by several sources.
    let facts = section(&page, "facts");
    let counts: Vec<usize> = facts
        .split("data-independent=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect();
    assert!(counts.len() > 10, "{counts:?}");
    assert!(counts.iter().any(|&n| n >= 3), "{counts:?}");
    assert!(facts.contains("Reported by") && facts.contains("Left out by"));
    // 000 rewrites 003.
    let rewrites = section(&page, "rewrites");
    assert!(
        rewrites
            .contains("data-article=\"000_6b6353b012742a64\" data-source=\"003_d5daed31138c5547\""),
        "{rewrites}"
    );
    assert!(rewrites.contains("rewrites"));
    assert!(rewrites.contains("<svg class=\"graph\"") && rewrites.contains("marker-end"));
    // The April 2027 / 2027 conflict.
    let conflicts = section(&page, "conflicts");
    assert!(
        conflicts.contains("April 2027") && conflicts.contains("“2027”"),
        "{conflicts}"
    );
    // The timeline lists the five articles, dated first.
    let timeline = section(&page, "timeline");
    assert_eq!(timeline.matches("<li>").count(), 5, "{timeline}");
    assert!(timeline.find("2025-02-27").unwrap() < timeline.find("undated").unwrap());
    // Aligned sentences link to their fact rows, which exist.
    let linked = page.split("class=\"s aligned\"").count() - 1;
    assert!(linked > 10);
    let target = page.split("href=\"#fact-").nth(1).unwrap();
    let n = &target[..target.find('"').unwrap()];
    assert!(page.contains(&format!("<tr id=\"fact-{n}\"")));
    // Quotes by speaker link to the entity page, which shows the speaker's quotes.
    assert!(section(&page, "quotes").contains("href=\"/entities/Donald%20Trump\""));
    let trump = ok(addr, "/entities/Donald%20Trump").body;
    assert!(section(&trump, "quotes").contains("security guarantees"));
    assert!(section(&trump, "stories").contains(&format!("/stories/{id}")));
    let api = ok(addr, "/api/entities/donald%20trump").json();
    assert_eq!(api["name"], "Donald Trump");
    assert_eq!(get(addr, "/stories/nope").status, 404);
    assert_eq!(get(addr, "/api/stories/nope").status, 404);
}

#[test]
fn basil_articles_are_shown_by_their_outlets_names() {
    let addr = server();
    let fox = ok(addr, "/api/stories?outlet=hpo").json();
    let story = fox["stories"][0]["id"].as_str().unwrap().to_string();
    let mut outlets: Vec<&str> = fox["stories"][0]["outlets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    outlets.sort();
    assert_eq!(outlets, ["fox", "hpo", "nyt"]);
    let page = ok(addr, &format!("/stories/{story}")).body;
    let matrix = section(&page, "facts");
    for o in ["fox", "nyt", "hpo"] {
        assert!(matrix.contains(&format!(">{o}</a>")), "{o} missing");
    }
    // Original articles are linked with noopener noreferrer.
    assert!(matrix.contains("rel=\"noopener noreferrer\""));
    let outlet = ok(addr, "/outlets/fox").body;
    assert_eq!(section(&outlet, "stories").matches("<li>").count(), 2);
    let api = ok(addr, "/api/outlets/fox").json();
    assert_eq!(api["articles"], 2);
    assert_eq!(
        api["originals"].as_u64().unwrap()
            + api["rewrites"].as_u64().unwrap()
            + api["neither"].as_u64().unwrap(),
        2
    );
    assert_eq!(get(addr, "/outlets/nobody").status, 404);
    // An article page: text, metadata, its facts, the original link.
    let a = ok(
        addr,
        "/articles/basil-6b541575-99b1-40d2-8730-9bb868ee38ed_1",
    )
    .body;
    assert!(section(&a, "article-text").contains("Etheridge"));
    assert!(a.contains("id=\"original\" href=\"https://www.foxnews.com/"));
    assert!(section(&a, "facts").contains("#fact-"));
    let j = ok(
        addr,
        "/api/articles/basil-6b541575-99b1-40d2-8730-9bb868ee38ed_1",
    )
    .json();
    assert_eq!(j["article"]["outlet"], "fox");
    assert!(!j["facts"].as_array().unwrap().is_empty());
}

#[test]
fn the_story_api_is_the_digest_story_object() {
    let addr = server();
    let id = seeds_story(addr);
    let served = ok(addr, &format!("/api/stories/{id}")).json();
    let d = run::digest_with(raws(&[shared().join("seeds")]), vec![], &Options::default());
    let view = corroborate_render::View {
        articles: &d.articles,
        rejected: &d.rejected,
        stories: &d.stories,
    };
    let digest: Value = serde_json::from_str(&corroborate_render::json::render(&view)).unwrap();
    let mut expected = digest["stories"][0].clone();
    // The one difference: a stored story keeps the id the store gave it when it was opened;
    // digest names a story by a hash of its members.
    assert_ne!(expected["id"], served["id"]);
    expected["id"] = served["id"].clone();
    assert_eq!(served, expected);
}

#[test]
fn hostile_articles_inject_nothing() {
    let addr = server();
    let found = ok(addr, "/api/stories?q=Zyxport").json();
    let story = found["stories"][0]["id"].as_str().unwrap().to_string();
    let article = found["stories"][0]["articles"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(article.contains("<script>"));
    let pages = [
        ok(addr, "/").body,
        ok(addr, "/?q=Zyxport").body,
        ok(addr, &format!("/stories/{story}")).body,
        ok(addr, &format!("/articles/{}", encode(&article))).body,
        ok(
            addr,
            &format!(
                "/outlets/{}",
                encode("<b onmouseover=alert(3)>Bad Outlet</b>")
            ),
        )
        .body,
    ];
    for p in &pages {
        let lower = p.to_ascii_lowercase();
        // The only script element is the app's own; no element of the input's became one.
        assert_eq!(lower.matches("<script").count(), 1, "{p}");
        assert!(!lower.contains("<img") && !lower.contains("<b "), "{p}");
        // Inside every real tag: no event handler, no script URL.
        for tag in lower
            .split('<')
            .skip(1)
            .map(|t| &t[..t.find('>').unwrap_or(t.len())])
        {
            for bad in [
                " onerror",
                " onmouseover",
                "=\"javascript:",
                "=javascript:",
                "src=x",
            ] {
                assert!(!tag.contains(bad), "<{tag}>");
            }
        }
    }
    let art = &pages[3];
    assert!(art.contains("&lt;script&gt;alert(5)&lt;/script&gt;"));
    assert!(art.contains("javascript:alert(4) (not a web link)"));
    let api = ok(addr, &format!("/api/articles/{}", encode(&article))).json();
    assert_eq!(api["article"]["url"], "javascript:alert(4)");
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn every_response_carries_the_security_headers() {
    let addr = server();
    let id = seeds_story(addr);
    for path in [
        "/",
        &format!("/stories/{id}"),
        "/articles/nope",
        "/static/app.css",
        "/static/app.js",
        "/api/stories",
        "/add",
        "/no/such/page",
    ] {
        let r = get(addr, path);
        let csp = r
            .headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(
            r.headers.get("x-content-type-options").map(String::as_str),
            Some("nosniff")
        );
        assert!(r.headers.contains_key("referrer-policy"));
    }
    assert!(get(addr, "/static/app.js").body.contains("/api/generation"));
    // A page asked for under another host name (DNS rebinding) is refused.
    let r = request(addr, "GET", "/", &[("Host", "evil.example")], b"");
    assert_eq!(r.status, 403);
}

/// A multipart body of one CSRF field (unless `None`) and one file.
fn multipart(csrf: Option<&str>, name: &str, content: &str) -> (String, Vec<u8>) {
    let b = "----corroborateTestBoundary7";
    let mut body = String::new();
    if let Some(c) = csrf {
        body.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n--{b}--\r\n"
    ));
    (
        format!("multipart/form-data; boundary={b}"),
        body.into_bytes(),
    )
}

const NEW_SEED: &str = "Starmer and Trump discuss Chagos deal and Ukraine at the White House\n\n\
Sir Keir Starmer met Donald Trump at the White House on Thursday for talks on Ukraine, trade and the Chagos Islands. \
The Prime Minister promised to raise defence spending to 2.5% of the economy from April 2027. \
Mr Trump said he was not going to make security guarantees beyond very much and that Europe would do that. \
The two leaders also discussed a trade deal and technology.";

#[test]
fn uploads_need_the_csrf_token_and_join_their_story() {
    let dir = tempfile::tempdir().unwrap();
    let db = build_store(dir.path(), true);
    let server = start(&db, None);
    let addr = server.addr();
    let form = ok(addr, "/add").body;
    let csrf = form.split("name=\"csrf\" value=\"").nth(1).unwrap();
    let csrf = &csrf[..csrf.find('"').unwrap()];
    assert!(csrf.len() >= 32);
    // No token, or a wrong one: refused, nothing stored.
    for token in [None, Some("0".repeat(csrf.len()))] {
        let (kind, body) = multipart(token.as_deref(), "late-seed.txt", NEW_SEED);
        let r = request(addr, "POST", "/add", &[("Content-Type", &kind)], &body);
        assert_eq!(r.status, 403, "{}", r.body);
    }
    assert!(!Store::open(&db).unwrap().has_article("late-seed").unwrap());
    let generation = |addr| {
        ok(addr, "/api/generation").json()["generation"]
            .as_u64()
            .unwrap()
    };
    let before = generation(addr);
    // The story's page and JSON, made (and kept by the server) before it grows.
    let seeds = seeds_story(addr);
    assert!(ok(addr, &format!("/stories/{seeds}"))
        .body
        .contains("5 articles"));
    let v = ok(addr, &format!("/api/stories/{seeds}")).json();
    assert_eq!(v["articles"].as_array().unwrap().len(), 5);
    let (kind, body) = multipart(Some(csrf), "../late-seed.txt", NEW_SEED);
    let r = request(addr, "POST", "/add", &[("Content-Type", &kind)], &body);
    assert_eq!(r.status, 200, "{}", r.body);
    let added = section(&r.body, "added");
    assert!(added.contains("/articles/late-seed"), "{added}");
    assert!(
        added.contains(&format!("/stories/{seeds}")),
        "joined the seeds story: {added}"
    );
    let v = ok(addr, &format!("/api/stories/{seeds}")).json();
    assert_eq!(v["articles"].as_array().unwrap().len(), 6);
    assert!(ok(addr, &format!("/stories/{seeds}"))
        .body
        .contains("6 articles"));
    // What the index's script polls moved, and the index shows the grown story.
    assert!(generation(addr) > before);
    assert!(section(&ok(addr, "/").body, "stories").contains("6 articles"));
    assert!(Store::open(&db).unwrap().check().is_ok());
    // Too large an upload is refused.
    let big = "x".repeat(corroborate_serve::DEFAULT_UPLOAD_LIMIT + 1024);
    let (kind, body) = multipart(Some(csrf), "big.txt", &big);
    let r = request(addr, "POST", "/add", &[("Content-Type", &kind)], &body);
    assert_eq!(r.status, 413, "{}", &r.body[..r.body.len().min(300)]);
}

#[test]
fn a_story_not_analysed_yet_is_analysed_once_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = build_store(dir.path(), false);
    let version = run::analysis_version(&Options::default());
    assert_eq!(
        Store::open(&db)
            .unwrap()
            .unanalysed(&version)
            .unwrap()
            .len(),
        4
    );
    let server = start(&db, None);
    let addr = server.addr();
    let listed = ok(addr, "/").body;
    assert!(listed.contains("not analysed yet"));
    let id = seeds_story(addr);
    let listed = |addr| ok(addr, "/api/stories?q=Chagos").json()["stories"][0]["analysed"].clone();
    assert_eq!(listed(addr), false);
    // Four views at once: one analyses, the others wait and read what it kept.
    let bodies: Vec<String> = std::thread::scope(|s| {
        let views: Vec<_> = (0..4)
            .map(|_| s.spawn(|| ok(addr, &format!("/stories/{id}")).body))
            .collect();
        views.into_iter().map(|v| v.join().unwrap()).collect()
    });
    let analysed = bodies
        .iter()
        .filter(|b| b.contains("analysed for this view"))
        .count();
    assert_eq!(analysed, 1);
    assert!(bodies.iter().all(|b| b.contains("5 articles")));
    // The listing made before the analysis is not served again.
    assert_eq!(listed(addr), true);
    assert_eq!(
        Store::open(&db)
            .unwrap()
            .unanalysed(&version)
            .unwrap()
            .len(),
        3
    );
    let again = ok(addr, &format!("/stories/{id}")).body;
    assert!(!again.contains("analysed for this view"));
}

#[test]
fn a_token_is_required_on_every_request_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let db = build_store(dir.path(), true);
    let token = "s3cret-token-0123456789";
    let server = start(&db, Some(token));
    let addr = server.addr();
    for path in ["/", "/api/stories", "/static/app.css", "/add"] {
        assert_eq!(get(addr, path).status, 401, "{path}");
    }
    assert_eq!(
        request(
            addr,
            "GET",
            "/",
            &[("Authorization", "Bearer wrong-token-0123456789")],
            b""
        )
        .status,
        401
    );
    assert_eq!(
        request(
            addr,
            "GET",
            "/api/stories",
            &[("Authorization", &format!("Bearer {token}"))],
            b""
        )
        .status,
        200
    );
    // ?token= once: a cookie, HttpOnly and SameSite=Strict, and the same URL without it.
    let r = get(addr, &format!("/?q=Chagos&token={token}"));
    assert_eq!(r.status, 303);
    assert_eq!(r.headers["location"], "/?q=Chagos");
    let cookie = &r.headers["set-cookie"];
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap();
    let r = request(addr, "GET", "/?q=Chagos", &[("Cookie", pair)], b"");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("data-testid=\"story\""));
    // A stale cookie does not hide a right ?token=.
    let r = request(
        addr,
        "GET",
        &format!("/?token={token}"),
        &[("Cookie", "corroborate_token=old")],
        b"",
    );
    assert_eq!(r.status, 303);
    // With a token any host name may be used (the token is the protection).
    assert_eq!(
        request(
            addr,
            "GET",
            "/",
            &[("Host", "box.lan"), ("Cookie", pair)],
            b""
        )
        .status,
        200
    );
}

#[test]
fn a_non_loopback_address_without_a_token_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let c = Config::new(db.clone(), "0.0.0.0:0".parse().unwrap());
    match spawn(c) {
        Err(e @ ServeError::TokenRequired(_)) => assert!(e.to_string().contains("token")),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("started without a token"),
    }
    let mut c = Config::new(db, "0.0.0.0:0".parse().unwrap());
    c.token = Some("short".into());
    assert!(matches!(spawn(c), Err(ServeError::BadToken)));
}

#[test]
fn every_link_of_every_page_leads_somewhere() {
    let addr = server();
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec!["/".to_string()];
    while let Some(path) = todo.pop() {
        if !seen.insert(path.clone()) || seen.len() > 400 {
            continue;
        }
        let r = get(addr, &path);
        assert_eq!(r.status, 200, "{path}");
        for href in r.body.split("href=\"").skip(1) {
            let href = &href[..href.find('"').unwrap()];
            let href = href.split('#').next().unwrap().replace("&amp;", "&");
            if href.starts_with('/') && !seen.contains(&href) {
                todo.push(href);
            }
        }
    }
    assert!(seen.len() > 50, "{}", seen.len());
}
