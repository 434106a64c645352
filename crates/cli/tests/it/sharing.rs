//! One store, many processes: two ingests at once both finish with every article stored once
//! and no story mixing their piles; a file or database that is not a store is refused
//! untouched; the same id with other text is kept twice; the listing agrees with `show`; flags
//! are checked. What makes sense on a shared PostgreSQL store runs on one too (a fresh
//! database per test from `corroborate_store::testing`), and `serve` reads it.

use crate::common::{run, seeds};
use corroborate_store::testing;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A test body run on a new SQLite store file and on a fresh PostgreSQL database.
fn on_both(body: impl Fn(&Path)) {
    let dir = tempfile::tempdir().unwrap();
    body(&dir.path().join("shared.db"));
    if let Some(url) = testing::fresh_database() {
        body(&url);
    }
}

/// What reading commands must not change: the file's bytes, or the database's counters,
/// rows and kept analyses.
fn fingerprint(db: &Path) -> Vec<u8> {
    if corroborate_store::is_postgres(db) {
        let rows = testing::execute(
            db,
            "SELECT (SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM meta), \
             (SELECT count(*) FROM articles), \
             (SELECT md5(string_agg(coalesce(analysis, ''), '' ORDER BY idx)) FROM stories)",
        )
        .unwrap();
        format!("{rows:?}").into_bytes()
    } else {
        std::fs::read(db).unwrap()
    }
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/stories")
        .join(name)
}

fn listing(db: &Path) -> Value {
    let out = run(&[
        "stories",
        "--check",
        "--format",
        "json",
        "--limit",
        "0",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ingest_child(db: &Path, file: &Path, batch: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["ingest", "--quiet", "--no-model", "--batch", batch, "--db"])
        .arg(db)
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs")
}

#[test]
fn two_ingests_at_once_store_everything_once_and_never_mix_their_stories() {
    on_both(two_ingests_at_once);
}

fn two_ingests_at_once(db: &Path) {
    // Small batches so the two writers interleave many times.
    let a = ingest_child(db, &data("basil.jsonl"), "7");
    let b = ingest_child(db, &data("ecbplus.jsonl"), "11");
    for (name, child) in [("BASIL", a), ("ECB+", b)] {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name} ingest: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v = listing(db);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for s in v["stories"].as_array().unwrap() {
        let ids: Vec<&str> = s["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        let kinds: BTreeSet<bool> = ids.iter().map(|id| id.starts_with("basil-")).collect();
        assert_eq!(kinds.len(), 1, "a story mixes BASIL and ECB+: {ids:?}");
        for id in ids {
            *seen.entry(id.to_string()).or_default() += 1;
        }
        // Both writers analysed what they touched last: the listing is analysed throughout.
        assert_eq!(s["analysed"], true, "{s}");
    }
    assert_eq!(seen.len(), 150 + 496);
    assert!(seen.values().all(|&n| n == 1));
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    // Another application's SQLite database (rollback journal, its own table).
    let other = dir.path().join("other.db");
    let status = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import sqlite3; c = sqlite3.connect({:?}); c.execute('CREATE TABLE notes(t TEXT)'); \
             c.execute(\"INSERT INTO notes VALUES ('keep me')\"); c.commit()",
            other.to_str().unwrap()
        ))
        .status();
    let mut files = vec![dir.path().join("notes.txt")];
    std::fs::write(&files[0], "not a database at all\n").unwrap();
    if status.is_ok_and(|s| s.success()) {
        files.push(other);
    }
    for f in files {
        let before = std::fs::read(&f).unwrap();
        for cmd in [
            vec![
                "ingest",
                "--no-model",
                "--db",
                f.to_str().unwrap(),
                seeds().to_str().unwrap(),
            ],
            vec!["stories", "--db", f.to_str().unwrap()],
            vec!["show", "s-000000000000", "--db", f.to_str().unwrap()],
        ] {
            let out = run(&cmd);
            assert_eq!(out.status.code(), Some(2), "{cmd:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("not a corroborate store"), "{cmd:?}: {err}");
        }
        assert_eq!(
            std::fs::read(&f).unwrap(),
            before,
            "{} changed",
            f.display()
        );
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        for side in ["-wal", "-shm", "-journal"] {
            assert!(!dir.path().join(format!("{name}{side}")).exists());
        }
    }
}

#[test]
fn the_same_id_with_other_text_is_kept_under_a_content_hash() {
    let dir = tempfile::tempdir().unwrap();
    same_id_other_text(&dir.path().join("s.db"), &dir.path().join("t.db"));
    if let (Some(db), Some(db2)) = (testing::fresh_database(), testing::fresh_database()) {
        same_id_other_text(&db, &db2);
    }
}

fn same_id_other_text(db: &Path, db2: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    std::fs::write(
        one.join("index.txt"),
        "Flood in Valencia\n\nHeavy rain flooded the old town of Valencia on Tuesday, and \
         firefighters rescued forty residents from their homes.",
    )
    .unwrap();
    std::fs::write(
        two.join("index.txt"),
        "Norway votes\n\nVoters in Norway went to the polls on Sunday in an election dominated \
         by oil policy, with Labour ahead in the final polls.",
    )
    .unwrap();
    let dbs = db.to_str().unwrap();
    // In one batch: both kept, each under its content hash (as digest does).
    let out = run(&[
        "ingest",
        "--no-model",
        "--db",
        dbs,
        one.to_str().unwrap(),
        two.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    // Across runs: the second stored text under a stored id gets its hash; a re-read is a no-op.
    let dbs2 = db2.to_str().unwrap();
    for p in [&one, &two, &two] {
        let out = run(&["ingest", "--no-model", "--db", dbs2, p.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0));
    }
    for (path, plain) in [(db, 0), (db2, 1)] {
        let v = listing(path);
        let ids: BTreeSet<String> = v["stories"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["articles"].as_array().unwrap().clone())
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert_eq!(
            ids.iter().filter(|i| *i == "index").count(),
            plain,
            "{ids:?}"
        );
        assert!(ids.iter().all(|i| i == "index" || i.starts_with("index~")));
    }
}

#[test]
fn the_listing_shows_the_headline_and_sources_that_show_shows() {
    on_both(listing_agrees_with_show);
}

fn listing_agrees_with_show(db: &Path) {
    let dbs = db.to_str().unwrap();
    let out = run(&[
        "ingest",
        "--db",
        dbs,
        seeds().to_str().unwrap(),
        data("basil.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = fingerprint(db);
    let v = listing(db);
    let stories = v["stories"].as_array().unwrap();
    assert!(stories.len() > 40);
    // Every story (seeds first among them: the largest) agrees with `show` on its headline and
    // independent sources; check the seeds' story and a few others.
    let seeds_story = stories
        .iter()
        .find(|s| s["articles"].as_array().unwrap().len() == 5)
        .unwrap();
    for s in std::iter::once(seeds_story).chain(stories.iter().step_by(10)) {
        assert_eq!(s["analysed"], true);
        let id = s["id"].as_str().unwrap();
        let out = run(&["show", id, "--format", "json", "--db", dbs]);
        assert_eq!(out.status.code(), Some(0));
        let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
        let st = &shown["stories"][0];
        assert_eq!(st["id"], s["id"]);
        assert_eq!(st["headline"], s["headline"], "{id}");
        assert_eq!(st["independent_sources"], s["independent_sources"], "{id}");
        assert!(!s["headline"].as_str().unwrap().contains("http"));
    }
    assert_eq!(seeds_story["independent_sources"], 4);
    // Reading commands never write.
    assert_eq!(fingerprint(db), before);
}

#[test]
fn batch_sizes_out_of_range_are_refused_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    for b in ["0", "1000000000", "4611686018427387904", "-3"] {
        let flag = format!("--batch={b}");
        let out = run(&[
            "ingest",
            &flag,
            "--db",
            db.to_str().unwrap(),
            seeds().to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "--batch {b}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--batch"));
    }
    assert!(!db.exists());
}

#[test]
fn a_deferred_analysis_is_made_by_analyse_and_then_listed() {
    on_both(deferred_analysis);
}

fn deferred_analysis(db: &Path) {
    let dbs = db.to_str().unwrap();
    let out = run(&[
        "ingest",
        "--defer-analysis",
        "--db",
        dbs,
        seeds().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("left for `corroborate analyse`"));
    let v = listing(db);
    assert_eq!(v["stories"][0]["analysed"], false);
    let out = run(&["stories", "--db", dbs]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("(not analysed yet"));
    let out = run(&["analyse", "--db", dbs]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("analysed 1 stories"));
    let v = listing(db);
    let s = &v["stories"][0];
    assert_eq!(s["analysed"], true);
    assert_eq!(s["independent_sources"], 4);
    let out = run(&[
        "show",
        s["id"].as_str().unwrap(),
        "--format",
        "json",
        "--db",
        dbs,
    ]);
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["stories"][0]["headline"], s["headline"]);
    // Nothing left: a second run analyses nothing.
    let out = run(&["analyse", "--db", dbs]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("analysed 0 stories"));
}

#[test]
fn a_database_that_is_not_a_store_is_refused_untouched() {
    let Some(url) = testing::fresh_database() else {
        return;
    };
    testing::execute(
        &url,
        "CREATE TABLE notes(t TEXT); INSERT INTO notes VALUES ('keep me');",
    )
    .unwrap();
    let db = url.to_str().unwrap();
    for cmd in [
        vec![
            "ingest",
            "--no-model",
            "--db",
            db,
            seeds().to_str().unwrap(),
        ],
        vec!["stories", "--db", db],
        vec!["show", "s-000000000000", "--db", db],
        vec!["analyse", "--db", db],
    ] {
        let out = run(&cmd);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a corroborate store"), "{cmd:?}: {err}");
    }
    let tables = testing::execute(
        &url,
        "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'",
    )
    .unwrap();
    assert_eq!(tables[0][0].as_deref(), Some("notes"));
    let rows = testing::execute(&url, "SELECT t FROM notes").unwrap();
    assert_eq!(rows, [[Some("keep me".to_string())]]);
}

#[test]
fn a_store_url_is_printed_without_its_password() {
    // Nothing listens on port 1: the connection fails and the message names the store.
    let db = "postgres://news:hunter2@127.0.0.1:1/corroborate";
    for cmd in [
        vec!["stories", "--db", db],
        vec![
            "ingest",
            "--no-model",
            "--db",
            db,
            seeds().to_str().unwrap(),
        ],
    ] {
        let out = run(&cmd);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("postgres://news:***@127.0.0.1:1/corroborate"),
            "{err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["stories"])
        .env("CORROBORATE_DB", db)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("news:***@") && !err.contains("hunter2"),
        "{err}"
    );
}

#[test]
fn serve_reads_a_postgres_store() {
    let Some(url) = testing::fresh_database() else {
        return;
    };
    let db = url.to_str().unwrap();
    let out = run(&["ingest", "--db", db, seeds().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["serve", "--db", db, "--addr", "127.0.0.1:0"])
        .env("CORROBORATE_MODEL", "static")
        .env_remove("CORROBORATE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let get = |addr: &str, path: &str| -> String {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let addr = line
        .trim()
        .strip_prefix("corroborate: serving on http://")
        .and_then(|u| u.split('/').next())
        .map(str::to_string);
    let pages = addr.as_deref().map(|a| {
        (
            get(a, "/api/stories"),
            get(a, "/?q=Starmer+Ukraine"),
            get(a, "/?q=zzzunknownword"),
        )
    });
    let _ = child.kill();
    let _ = child.wait();
    let (api, found, none) = pages.unwrap_or_else(|| panic!("first line: {line:?}"));
    assert!(api.starts_with("HTTP/1.1 200"), "{api}");
    let body = &api[api.find("\r\n\r\n").unwrap() + 4..];
    assert!(body.contains("\"stories\""), "{body}");
    let listed = run(&["stories", "--format", "json", "--db", db]);
    let v: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let id = v["stories"][0]["id"].as_str().unwrap();
    assert!(body.contains(id), "{body}");
    assert!(
        found.starts_with("HTTP/1.1 200") && found.contains(id),
        "{found}"
    );
    assert!(none.starts_with("HTTP/1.1 200") && !none.contains(id));
}

#[test]
fn a_store_keeps_the_horizon_its_first_ingest_gave() {
    on_both(|db| {
        let d = db.to_str().unwrap();
        let seeds = seeds();
        let ingest = |extra: &[&str]| {
            let mut args = vec!["ingest", "--quiet", "--defer-analysis", "--db", d];
            args.extend_from_slice(extra);
            run(&args)
        };
        let first = ingest(&["--horizon", "5", seeds.to_str().unwrap()]);
        assert!(first.status.success(), "{first:?}");
        let before = fingerprint(db);
        // Another horizon would give other stories: refused, naming the store and both
        // horizons, with nothing written.
        let other = tempfile::tempdir().unwrap();
        let page = other.path().join("quake.txt");
        std::fs::write(
            &page,
            "Quake hits Chile\n\nA magnitude 6.1 earthquake struck off the coast of Chile on \
             Monday, officials said.\n",
        )
        .unwrap();
        let refused = ingest(&["--horizon", "6", page.to_str().unwrap()]);
        assert_eq!(refused.status.code(), Some(2), "{refused:?}");
        let err = String::from_utf8_lossy(&refused.stderr);
        assert!(
            err.contains(&corroborate_store::location_display(db))
                && err.contains("latest 5 articles")
                && err.contains("horizon of 6"),
            "{err}"
        );
        assert_eq!(fingerprint(db), before);
        // The same horizon, or none (the store's is used), is accepted.
        for extra in [&["--horizon", "5"][..], &[][..]] {
            let mut args = extra.to_vec();
            args.push(page.to_str().unwrap());
            let out = ingest(&args);
            assert!(out.status.success(), "{extra:?}: {out:?}");
        }
        // `--horizon 0` is a usage error.
        assert_eq!(
            ingest(&["--horizon", "0", page.to_str().unwrap()])
                .status
                .code(),
            Some(2)
        );
    });
}
