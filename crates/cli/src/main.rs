//! The `corroborate` binary: parses arguments, does all file IO, runs the pipeline and writes
//! the chosen rendering. Exit codes: 0 every input read, 1 some inputs rejected, 2 nothing
//! usable or a usage error. A closed output pipe counts as success.

mod input;

use clap::{Parser, Subcommand, ValueEnum};
use corroborate_pipeline::run::digest;
use corroborate_render::{json, markdown, text, View};
use std::io::Write;
use std::process::ExitCode;

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
enum Format {
    Text,
    Json,
    Markdown,
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Digest {
            paths,
            format,
            timings,
        } => run_digest(&paths, format, timings),
    }
}

fn run_digest(paths: &[String], format: Format, timings: bool) -> ExitCode {
    let (raws, rejected) = input::gather(paths);
    for r in &rejected {
        eprintln!("corroborate: {}: {}", r.path, r.reason);
    }
    let d = digest(raws, rejected);
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
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("corroborate: cannot write output: {e}");
            return ExitCode::from(2);
        }
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
