//! Debug: print cross-article sentence pairs of a digest with their similarity parts.
//! Usage: cargo run --example pairs -p corroborate-pipeline -- DIR [MIN_SCORE]
use corroborate_pipeline::{read::read_source, run::digest, similarity};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let min: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0.3);
    let mut raws = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&args[1])
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    for p in paths {
        let bytes = std::fs::read(&p).unwrap();
        raws.extend(
            read_source(&p.to_string_lossy(), &bytes)
                .into_iter()
                .flatten(),
        );
    }
    let d = digest(raws, vec![]);
    let mut v = similarity::Vocabulary::default();
    let mut units = Vec::new();
    for (ai, a) in d.articles.iter().enumerate() {
        for (si, s) in a.sentences.iter().enumerate() {
            if !s.heading {
                units.push((ai, si, a.slice(s.span), v.terms(a.slice(s.span))));
            }
        }
    }
    for (x, a) in units.iter().enumerate() {
        for b in &units[x + 1..] {
            if a.0 == b.0 {
                continue;
            }
            let sh = similarity::shared_mass(&v, &a.3, &b.3);
            let s = similarity::score_from(sh, v.mass(&a.3), v.mass(&b.3));
            if s >= min {
                println!(
                    "{s:.3} sh={sh:.1} ma={:.1} mb={:.1} {}:{} {}:{}\n   {}\n   {}",
                    v.mass(&a.3),
                    v.mass(&b.3),
                    &d.articles[a.0].id[..3],
                    a.1,
                    &d.articles[b.0].id[..3],
                    b.1,
                    a.2,
                    b.2
                );
            }
        }
    }
}
