use corroborate_pipeline::{read::read_source, run::digest};
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let raw = read_source(&p, &std::fs::read(&p).unwrap());
    let d = digest(raw.into_iter().filter_map(Result::ok).collect(), vec![]);
    let a = &d.articles[0];
    for m in &d.analyses[0].mentions {
        println!(
            "M {:?} {:?} role={:?} ro={} ref={:?} q={}",
            a.slice(m.span),
            m.kind,
            m.role,
            m.role_only,
            m.refers_to,
            m.in_quote
        );
    }
    for q in &d.analyses[0].quotes {
        println!(
            "Q {:?} <- {:?}",
            &a.slice(q.span)[..a.slice(q.span).len().min(50)],
            q.speaker
        );
    }
}
