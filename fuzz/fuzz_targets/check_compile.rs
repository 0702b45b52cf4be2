//! Any text as a state file next to the shipped schema and federal
//! baseline: the whole pipeline (check, compile, lints, tests, matrix)
//! never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mandate::source::Sources;

const SCHEMA: &str = include_str!("../../policies/schema.policy");
const FEDERAL: &str = include_str!("../../policies/federal.policy");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = Sources::new();
    sources.add("schema.policy", SCHEMA);
    sources.add("federal.policy", FEDERAL);
    sources.add("fuzz.policy", text.to_string());
    let a = mandate::pipeline::analyse(sources, Vec::new());
    let _ = mandate::diag::render_all(&a.diags, &a.sources);
    if let (Some(p), Some(t)) = (&a.program, &a.tables) {
        let _ = mandate::policy_tests::run(p, t);
        let _ = mandate::matrix::matrix(t);
        let _ = mandate::diff::diff(t, t);
    }
});
