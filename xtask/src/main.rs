//! xtask: evaluation and benchmark commands (filled below).
fn main() {}
