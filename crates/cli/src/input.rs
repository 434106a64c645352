//! Input: turns the PATH arguments into raw articles and rejections. The only place that
//! reads files: paths (files, directories read recursively in sorted order, `-` for stdin),
//! size limits, and one rejection per unreadable input naming the path and the reason.

use corroborate_model::{RawArticle, Rejection};
use corroborate_pipeline::read::read_source;
use std::io::Read;
use std::path::Path;

/// Largest input file read at all (JSONL piles may be large; articles are capped later).
const MAX_FILE_BYTES: u64 = 1 << 30;

/// Extensions read from directories (files named explicitly are always read).
const ARTICLE_EXTENSIONS: &[&str] = &["txt", "text", "jsonl", "ndjson", "json", "md"];

fn reject(path: &str, reason: impl Into<String>) -> Rejection {
    Rejection {
        path: path.to_string(),
        reason: reason.into(),
    }
}

fn read_file(
    path: &Path,
    label: &str,
    raws: &mut Vec<RawArticle>,
    rejected: &mut Vec<Rejection>,
) -> bool {
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => {
            rejected.push(reject(label, format!("cannot read: {e}")));
            return false;
        }
    };
    if len > MAX_FILE_BYTES {
        rejected.push(reject(label, format!("too large ({} MB)", len >> 20)));
        return false;
    }
    match std::fs::read(path) {
        Ok(bytes) => take(read_source(label, &bytes), raws, rejected),
        Err(e) => {
            rejected.push(reject(label, format!("cannot read: {e}")));
            false
        }
    }
}

fn take(
    results: Vec<Result<RawArticle, Rejection>>,
    raws: &mut Vec<RawArticle>,
    rejected: &mut Vec<Rejection>,
) -> bool {
    let mut any = false;
    for r in results {
        match r {
            Ok(a) => {
                any = true;
                raws.push(a)
            }
            Err(e) => rejected.push(e),
        }
    }
    any
}

/// Read every PATH argument.
pub fn gather(paths: &[String]) -> (Vec<RawArticle>, Vec<Rejection>) {
    let mut raws = Vec::new();
    let mut rejected = Vec::new();
    for p in paths {
        if p == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin()
                .lock()
                .take(MAX_FILE_BYTES)
                .read_to_end(&mut bytes)
            {
                Ok(_) => {
                    take(read_source("stdin", &bytes), &mut raws, &mut rejected);
                }
                Err(e) => rejected.push(reject("-", format!("cannot read standard input: {e}"))),
            }
            continue;
        }
        let path = Path::new(p);
        if !path.exists() {
            rejected.push(reject(p, "no such file or directory"));
            continue;
        }
        if path.is_dir() {
            let mut found = false;
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .follow_links(false);
            for entry in walker {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        rejected.push(reject(p, format!("cannot walk directory: {e}")));
                        continue;
                    }
                };
                let name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file() || name.starts_with('.') {
                    continue;
                }
                let ext = entry
                    .path()
                    .extension()
                    .map(|e| e.to_string_lossy().to_lowercase());
                if ext
                    .as_deref()
                    .is_some_and(|e| !ARTICLE_EXTENSIONS.contains(&e))
                {
                    continue;
                }
                let label = entry.path().to_string_lossy().to_string();
                found |= read_file(entry.path(), &label, &mut raws, &mut rejected);
            }
            if !found {
                rejected.push(reject(p, "no readable articles in directory"));
            }
            continue;
        }
        read_file(path, p, &mut raws, &mut rejected);
    }
    (raws, rejected)
}
