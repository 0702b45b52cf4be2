//! Times each stage of the pipeline on a synthetic jurisdiction:
//! `cargo run --release --example syn -- 1000`.
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let text = mandate::testkit::synthetic::jurisdiction(n, 7);
    let mut loaded = mandate::loader::embedded();
    loaded.sources.add("synthetic.policy", text);
    let sources = loaded.sources;
    let t = std::time::Instant::now();
    let files: Vec<_> = sources
        .iter()
        .map(|(id, _)| mandate::syntax::parse(&sources, id).expect("parses"))
        .collect();
    eprintln!("parse    {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let (program, diags) = mandate::check::check(&sources, &files);
    eprintln!("check    {:?} ({} diags)", t.elapsed(), diags.len());
    let program = program.expect("checks");
    let t = std::time::Instant::now();
    let (tables, diags) = mandate::compile::compile(&program, &sources);
    eprintln!("compile  {:?} ({} diags)", t.elapsed(), diags.len());
    for d in diags.iter().take(2) {
        eprintln!("{}", mandate::diag::render(d, &sources));
    }
    let t = std::time::Instant::now();
    let lints = mandate::lint::lint(&program, &tables, &mandate::lint::Options::default());
    eprintln!("lint     {:?} ({} diags)", t.elapsed(), lints.len());
}
