//! Any bytes: loading, parsing and formatting never panic, and what
//! `fmt` prints parses back to the same tree.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mandate::source::{FileId, Sources};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = Sources::new();
    sources.add("fuzz.policy", text.to_string());
    if let Ok(ast) = mandate::syntax::parse(&sources, FileId(0)) {
        let formatted = mandate::fmt::format(&sources, FileId(0), &ast);
        let mut again = Sources::new();
        again.add("fuzz.policy", formatted.clone());
        let reparsed = mandate::syntax::parse(&again, FileId(0)).unwrap_or_else(|d| panic!("fmt output does not parse: {d:?}\n{formatted}"));
        assert_eq!(reparsed, ast, "fmt changed the tree");
    }
});
