//! The web app in a real browser: builds a store (the seeds, BASIL and hostile articles, static
//! model), starts `corroborate serve` on a free loopback port, and runs `tests/browser/walk.js`
//! (playwright-core driving Debian's headless `chromium`, axe-core in every page), which walks
//! index -> search "Chagos" -> story -> article -> entity -> outlet -> upload, checks what each
//! page shows, that hostile articles inject nothing, and that axe-core finds no serious or
//! critical violation, and saves a screenshot of each page (`$CORROBORATE_SCREENSHOTS`, else a
//! temp dir; `CORROBORATE_SCREENSHOTS=docs/screenshots` refreshes the README's).
//! Needs `node`, `chromium` and `npm ci --prefix tests/browser` (as `.ci/run` does); without
//! them the test fails with the command to run, unless CORROBORATE_SKIP_BROWSER=1 is set on
//! purpose. Never touches the network beyond loopback (the walk aborts any other request) and
//! never installs anything itself.

use crate::common::{run, seeds};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn basil() -> PathBuf {
    repo().join("../shared/data/stories/basil.jsonl")
}

/// Articles that try every way into a page: script and image tags in the title, text, author
/// and outlet; `javascript:` (any case) as the article URL; markup that closes attributes and
/// elements. Each script would mark the page (`data-pwned`, `window.__pwned`) or open a dialog.
fn hostile_jsonl() -> String {
    let body = "Pwned city council met on Tuesday to discuss the new harbour bridge and its cost. \
        <script>window.__pwned=1;document.body.setAttribute('data-pwned','text');alert('text')</script>\n\n\
        The mayor said the bridge would open in 2031. \"><img src=x onerror=\"alert('img');document.body.setAttribute('data-pwned','img')\"> \
        Critics said the pwned budget of 40 million euros was too high.\n\n\
        </textarea></title><svg onload=alert('svg')><a href=\"javascript:alert('link')\">click here</a> \
        The council will vote on the pwned bridge plan next month, officials said.";
    let articles = [
        json!({
            "id": "hostile-script",
            "title": "Pwned bridge <script>alert('title')</script><img src=x onerror=alert('title-img')>",
            "date": "2024-05-01",
            "outlet": "<img src=x onerror=alert('outlet')>",
            "url": "javascript:alert('url')",
            "authors": ["<script>alert('author')</script>"],
            "text": body,
        }),
        json!({
            "id": "hostile-link",
            "title": "Pwned harbour bridge vote \" onmouseover=\"alert('attr')",
            "date": "2024-05-02",
            "outlet": "Pwned Gazette",
            "url": " JaVaScRiPt:document.body.setAttribute('data-pwned','url')",
            "text": body.replace("Tuesday", "Wednesday"),
        }),
    ];
    articles.iter().map(|a| format!("{a}\n")).collect()
}

/// The stories of the store, as `stories --format json` lists them.
fn stories(db: &Path) -> Vec<Value> {
    let out = run(&[
        "stories",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "json",
        "--limit",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["stories"].as_array().unwrap().clone()
}

fn story_with(all: &[Value], pred: impl Fn(&BTreeSet<String>) -> bool) -> Option<String> {
    all.iter().find_map(|s| {
        let ids: BTreeSet<String> = s["articles"]
            .as_array()?
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        pred(&ids).then(|| s["id"].as_str().unwrap().to_string())
    })
}

/// The server, killed when the test ends however it ends.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free on loopback now (the server binds it a moment later).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get_status(addr: &str, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 64];
    let n = s.read(&mut head).ok()?;
    let text = String::from_utf8_lossy(&head[..n]);
    text.lines().next().map(str::to_string)
}

fn serve(db: &Path, dir: &Path) -> (Server, String) {
    let log = dir.join("serve.log");
    for _ in 0..3 {
        let addr = format!("127.0.0.1:{}", free_port());
        let child = Command::new(env!("CARGO_BIN_EXE_corroborate"))
            .args(["serve", "--db", db.to_str().unwrap(), "--addr", &addr])
            // The kept analyses are the static model's whatever CI's second pass sets, and
            // no token from the environment: the walk opens plain loopback URLs.
            .args(["--model", "static"])
            .env_remove("CORROBORATE_TOKEN")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join("serve.out")).unwrap())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("corroborate serve starts");
        let mut server = Server {
            child,
            log: log.clone(),
        };
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(60) {
            if let Some(line) = get_status(&addr, "/") {
                assert!(
                    line.contains(" 200"),
                    "GET / answered {line:?}; server log:\n{}",
                    server.log()
                );
                return (server, addr);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                let log = server.log();
                // Another process took the port between our probe and the bind: try another.
                if log.contains("in use") {
                    break;
                }
                panic!("corroborate serve exited ({status}) before answering:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            server.child.try_wait().unwrap().is_some(),
            "corroborate serve did not answer GET / within 60 s:\n{}",
            server.log()
        );
    }
    panic!("corroborate serve could not bind a free loopback port")
}

fn chromium() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|c| Path::new(c).exists())
}

/// `node`, chromium and the walk's npm packages, or why not (None: skipped on purpose).
fn tooling() -> Option<&'static str> {
    let skip = std::env::var("CORROBORATE_SKIP_BROWSER").as_deref() == Ok("1");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let modules = repo().join("tests/browser/node_modules");
    let installed = modules.join("playwright-core/package.json").exists()
        && modules.join("axe-core/axe.min.js").exists();
    match (chromium(), node, installed) {
        (Some(c), true, true) => Some(c),
        _ if skip => None,
        (None, _, _) => panic!("chromium not found: install Debian's chromium (as .ci/run does)"),
        (_, false, _) => panic!("node not found: install Debian's nodejs and npm (as .ci/run does)"),
        (_, _, false) => panic!(
            "{} missing: run `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/browser` (as .ci/run does)",
            modules.display()
        ),
    }
}

#[test]
fn web_app_walk_in_chromium() {
    let Some(chromium) = tooling() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let hostile = dir.path().join("hostile.jsonl");
    std::fs::write(&hostile, hostile_jsonl()).unwrap();
    let out = run(&[
        "ingest",
        "--quiet",
        "--model",
        "static",
        "--db",
        db.to_str().unwrap(),
        seeds().to_str().unwrap(),
        basil().to_str().unwrap(),
        hostile.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "ingest: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = stories(&db);
    let seeds_story =
        story_with(&all, |ids| ids.contains("000_6b6353b012742a64")).expect("the seeds' story");
    // A BASIL event told by all three outlets.
    let outlets: HashMap<String, String> = std::fs::read_to_string(basil())
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_string(),
                v["outlet"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let basil_story = story_with(&all, |ids| {
        let named: BTreeSet<&str> = ids
            .iter()
            .filter_map(|id| outlets.get(id).map(String::as_str))
            .collect();
        ids.len() == 3 && named == BTreeSet::from(["fox", "hpo", "nyt"])
    })
    .expect("a BASIL story of fox, nyt and hpo");
    let mut hostile_stories: Vec<String> = all
        .iter()
        .filter(|s| {
            s["articles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a.as_str().unwrap().starts_with("hostile-"))
        })
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    hostile_stories.dedup();
    assert!(
        !hostile_stories.is_empty(),
        "the hostile articles are stored"
    );
    // The upload: the first paragraphs of seed 002, as a later rewrite; it joins the seeds' story.
    let upload = dir.path().join("upload-starmer-talks.txt");
    let seed002 = std::fs::read_to_string(seeds().join("002_1734926dd1089394.txt")).unwrap();
    let part: Vec<&str> = seed002.lines().take(12).collect();
    std::fs::write(&upload, part.join("\n") + "\n").unwrap();

    let (server, addr) = serve(&db, dir.path());
    let shots = std::env::var_os("CORROBORATE_SCREENSHOTS")
        .map(|d| {
            let d = PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                repo().join(d)
            }
        })
        .unwrap_or_else(|| dir.path().join("screenshots"));
    let config = dir.path().join("walk.json");
    std::fs::write(
        &config,
        json!({
            "base": format!("http://{addr}"),
            "out": shots,
            "chromium": chromium,
            "seeds_story": seeds_story,
            "basil_story": basil_story,
            "hostile_articles": ["hostile-script", "hostile-link"],
            "hostile_stories": hostile_stories,
            "hostile_outlets": ["<img src=x onerror=alert('outlet')>"],
            "upload": upload,
            "upload_story": seeds_story,
        })
        .to_string(),
    )
    .unwrap();
    let walk = Command::new("node")
        .arg(repo().join("tests/browser/walk.js"))
        .arg(&config)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&walk.stdout);
    let failures = String::from_utf8_lossy(&walk.stderr);
    assert!(
        walk.status.success(),
        "the browser walk failed:\n{failures}\nreport:\n{report:.6000}\nserver log:\n{}",
        server.log()
    );
    let report: Value = serde_json::from_str(&report).expect("the walk's JSON report");
    assert_eq!(report["failures"].as_array().map(Vec::len), Some(0));
    for name in [
        "index", "search", "story", "article", "entity", "outlet", "add", "added",
    ] {
        let png = std::fs::read(shots.join(format!("{name}.png")))
            .unwrap_or_else(|_| panic!("no screenshot {name}.png"));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // A blank page compresses to a few kilobytes.
        assert!(png.len() > 15_000, "{name}.png only {} bytes", png.len());
    }
    drop(server);
}
