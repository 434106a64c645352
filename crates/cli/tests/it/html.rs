//! The HTML report: hostile article text is escaped, no script from an article runs in a real
//! browser (headless Chromium), and the page renders (screenshot).
//! Needs Debian's `chromium` (`.ci/run` installs it). Without it the browser tests fail,
//! unless CORROBORATE_SKIP_BROWSER=1 is set on purpose.

use crate::common::*;
use std::path::Path;
use std::process::Command;

const HOSTILE: &str = "Hostile headline <script>document.body.setAttribute('data-pwned','title')</script>\n\n\
Sir Keir Starmer met Donald Trump at the White House on Thursday. \"><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"> was pasted here.\n\n\
<script>document.body.setAttribute('data-pwned','body')</script> The Prime Minister said the security guarantee had to be sufficient to deter Putin.\n";

fn hostile_report(dir: &Path) -> std::path::PathBuf {
    std::fs::write(dir.join("hostile.txt"), HOSTILE).unwrap();
    for e in std::fs::read_dir(seeds()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let out = run(&["digest", "--format", "html", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let page = dir.join("report.html");
    std::fs::write(&page, &out.stdout).unwrap();
    page
}

#[test]
fn hostile_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let page = std::fs::read_to_string(hostile_report(dir.path())).unwrap();
    let lower = page.to_lowercase();
    assert!(!lower.contains("<script"), "a script tag got through");
    assert!(!lower.contains("<img"), "an img tag got through");
    assert!(page.contains("&lt;script&gt;"));
    assert!(page.contains("onerror=&quot;"));
    // Self-contained: nothing fetched from elsewhere.
    assert!(!lower.contains("src=\"http") && !lower.contains("href=\"http"));
    assert!(page.contains("Content-Security-Policy"));
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "/usr/bin/chromium"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

fn browser(profile: &Path, args: &[&str]) -> Option<std::process::Output> {
    let Some(bin) = chromium() else {
        if std::env::var("CORROBORATE_SKIP_BROWSER").as_deref() == Ok("1") {
            return None;
        }
        panic!("chromium not found: install Debian's chromium (as .ci/run does)");
    };
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs");
    Some(out)
}

#[test]
fn no_article_script_runs_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let page = hostile_report(dir.path());
    // Control: the check does see a script that runs.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<html><body><script>document.body.setAttribute('data-pwned','control')</script></body></html>",
    )
    .unwrap();
    let profile = dir.path().join("profile");
    let Some(seen) = browser(
        &profile,
        &["--dump-dom", &format!("file://{}", control.display())],
    ) else {
        return;
    };
    assert!(String::from_utf8_lossy(&seen.stdout).contains("data-pwned=\"control\""));
    let out = browser(
        &profile,
        &["--dump-dom", &format!("file://{}", page.display())],
    )
    .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("Facts × sources"),
        "page did not load: {dom:.300}"
    );
    assert!(!dom.contains("data-pwned=\""), "an article script ran");
    assert!(
        !dom.to_lowercase().contains("<img"),
        "an article image element exists"
    );
}

#[test]
fn report_renders_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let page = hostile_report(dir.path());
    let shot = dir.path().join("report.png");
    let profile = dir.path().join("profile");
    let Some(_) = browser(
        &profile,
        &[
            "--window-size=1200,1600",
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", page.display()),
        ],
    ) else {
        return;
    };
    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // A blank page compresses to a few kilobytes; the report has text, tables and a graph.
    assert!(png.len() > 50_000, "screenshot only {} bytes", png.len());
}
