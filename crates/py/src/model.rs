//! The sentence model a Python call uses, chosen as the CLI chooses it: `auto`, `static`,
//! `transformer` or `none`; no choice means `$CORROBORATE_MODEL`, else `auto` (the transformer
//! when `corroborate models fetch` installed it, else the built-in static model). In: the
//! choice as a string. Out: the embedder for `run::Options::embedder`, or an error message.
//! The transformer is read and parsed once per process and shared afterwards.
//! Never downloads anything (installing the transformer is the CLI's `models fetch`) and never
//! writes a file.

use corroborate_embed::{Builtin, Transformer};
use corroborate_model::Embedder;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where no choice is given: the environment, as `digest` reads it.
pub enum Default {
    /// `$CORROBORATE_MODEL`, else `auto` (`digest`, `similar`, `show`).
    Environment,
    /// The built-in static model; the environment is not asked (`ingest`, as the CLI's).
    Static,
}

/// The embedder for `choice` (`None`: `default`). `Err` names what is wrong or missing.
pub fn load(choice: Option<&str>, default: Default) -> Result<Option<Arc<dyn Embedder>>, String> {
    let choice = match choice {
        Some(c) => c.to_ascii_lowercase(),
        None => match default {
            Default::Static => "static".to_string(),
            Default::Environment => match std::env::var("CORROBORATE_MODEL") {
                Ok(v) if !v.is_empty() => {
                    let v = v.to_ascii_lowercase();
                    if !matches!(v.as_str(), "auto" | "static" | "transformer" | "none") {
                        return Err(format!(
                            "CORROBORATE_MODEL={v}: expected auto, static, transformer or none"
                        ));
                    }
                    v
                }
                _ => "auto".to_string(),
            },
        },
    };
    let dir = corroborate_embed::transformer_dir(&corroborate_embed::data_dir());
    match choice.as_str() {
        "none" => Ok(None),
        "static" => Ok(Some(Arc::new(Builtin))),
        "transformer" => {
            if !dir.join("model.safetensors").exists() {
                return Err(format!(
                    "the transformer is not installed in {}: run `corroborate models fetch` (or use model=\"static\")",
                    dir.display()
                ));
            }
            Ok(Some(transformer(&dir)?))
        }
        "auto" => {
            if !dir.join("model.safetensors").exists() {
                return Ok(Some(Arc::new(Builtin)));
            }
            match transformer(&dir) {
                Ok(t) => Ok(Some(t)),
                // A broken install must not stop every call: say so, use the built-in model
                // (as the CLI does).
                Err(e) => {
                    eprintln!(
                        "corroborate: {}; using the built-in model (`corroborate models fetch` reinstalls the transformer)",
                        corroborate_render::sanitize(&e)
                    );
                    Ok(Some(Arc::new(Builtin)))
                }
            }
        }
        other => Err(format!(
            "model {other:?}: expected \"auto\", \"static\", \"transformer\" or \"none\""
        )),
    }
}

/// The transformer installed in `dir`, loaded once per process (again when `dir` changes).
fn transformer(dir: &Path) -> Result<Arc<dyn Embedder>, String> {
    static LOADED: Mutex<Option<(PathBuf, Arc<Transformer>)>> = Mutex::new(None);
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((d, t)) = loaded.as_ref() {
        if d == dir {
            return Ok(t.clone());
        }
    }
    let t = Transformer::load_dir(dir)?;
    let t = Arc::new(t);
    *loaded = Some((dir.to_path_buf(), t.clone()));
    Ok(t)
}
