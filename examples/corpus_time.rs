//! Times the stages on the shipped corpus: `cargo run --release --example corpus_time`.
fn main() {
    let loaded = mandate::loader::embedded();
    let sources = loaded.sources;
    let bytes: usize = sources.iter().map(|(_, f)| f.text.len()).sum();
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let files: Vec<_> = sources
            .iter()
            .map(|(id, _)| mandate::syntax::parse(&sources, id).expect("parses"))
            .collect();
        let parse = t.elapsed();
        let (program, _) = mandate::check::check(&sources, &files);
        let check = t.elapsed();
        let (tables, _) = mandate::compile::compile(program.as_ref().expect("checks"), &sources);
        let compile = t.elapsed();
        let _ = mandate::lint::lint(
            program.as_ref().expect("checks"),
            &tables,
            &mandate::lint::Options::default(),
        );
        eprintln!(
            "{bytes} bytes: parse {parse:?}, +check {check:?}, +compile {compile:?}, +lint {:?}",
            t.elapsed()
        );
    }
}
