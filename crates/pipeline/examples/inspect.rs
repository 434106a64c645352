//! Inspect: prints the mentions and quotes the pipeline finds in one article, for debugging
//! the extractors. `cargo run --release --example inspect -- FILE`.

use corroborate_pipeline::{read::read_source, run::digest};

fn main() {
    let Some(p) = std::env::args().nth(1) else {
        eprintln!("usage: inspect FILE");
        return;
    };
    let bytes = std::fs::read(&p).unwrap_or_default();
    let d = digest(
        read_source(&p, &bytes)
            .into_iter()
            .filter_map(Result::ok)
            .collect(),
        vec![],
    );
    let (Some(a), Some(an)) = (d.articles.first(), d.analyses.first()) else {
        eprintln!("no article in {p}");
        return;
    };
    for m in &an.mentions {
        println!(
            "mention {:?} {:?} role={:?} role_only={} refers_to={:?} in_quote={}",
            a.slice(m.span),
            m.kind,
            m.role,
            m.role_only,
            m.refers_to,
            m.in_quote
        );
    }
    for q in &an.quotes {
        println!("quote {:?} <- {:?}", a.slice(q.span), q.speaker);
    }
}
