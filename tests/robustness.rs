//! No input makes mandate panic: arbitrary text, mutated policy files, and
//! arbitrary facts. (The cargo-fuzz targets in fuzz/ go further; these run
//! under `cargo test`.)

use mandate::source::{FileId, Sources};
use proptest::prelude::*;

const SCHEMA: &str = include_str!("../policies/schema.policy");
const FEDERAL: &str = include_str!("../policies/federal.policy");
const CA: &str = include_str!("../policies/states/ca.policy");

fn pipeline(text: &str) {
    let mut s = Sources::new();
    s.add("schema.policy", SCHEMA);
    s.add("federal.policy", FEDERAL);
    s.add("x.policy", text.to_string());
    let a = mandate::pipeline::analyse(s, Vec::new());
    let _ = mandate::diag::render_all(&a.diags, &a.sources);
    if let (Some(p), Some(t)) = (&a.program, &a.tables) {
        let _ = mandate::policy_tests::run(p, t);
        let _ = mandate::matrix::matrix(t);
    }
    let mut one = Sources::new();
    one.add("x.policy", text.to_string());
    if let Ok(ast) = mandate::syntax::parse(&one, FileId(0)) {
        let f = mandate::fmt::format(&one, FileId(0), &ast);
        let mut again = Sources::new();
        again.add("x.policy", f);
        assert_eq!(
            mandate::syntax::parse(&again, FileId(0)).ok(),
            Some(ast),
            "fmt output reparses to the same tree"
        );
    }
}

const TOKENS: &[&str] = &[
    "rule",
    "when",
    "then",
    "cite",
    "\"x\"",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "and",
    "or",
    "not",
    "==",
    "!=",
    "<",
    ">=",
    "in",
    "..=",
    "-",
    "9223372036854775807",
    "99999999999999999999",
    "concern",
    "victim_age",
    "threat_serious",
    "must_report",
    "may_disclose",
    "to",
    "within",
    "24h",
    "in writing within",
    "overrides",
    "test",
    "given",
    "expect",
    "by",
    "default",
    "US.x",
    "//",
    "\n",
    "jurisdiction",
    "extends",
    "schema",
    "enum",
    "fact",
    "int",
    "0..=5",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        pipeline(&text);
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..80)) {
        pipeline(&tokens.join(" "));
    }

    #[test]
    fn mutated_policies_never_panic(at in 0usize..CA.len(), cut in 0usize..200, insert in proptest::sample::select(TOKENS)) {
        let mut at = at.min(CA.len());
        while !CA.is_char_boundary(at) { at -= 1; }
        let mut end = (at + cut).min(CA.len());
        while !CA.is_char_boundary(end) { end -= 1; }
        pipeline(&format!("{}{}{}", &CA[..at], insert, &CA[end..]));
    }

    #[test]
    fn arbitrary_facts_never_panic(t in 0usize..52, raw in proptest::collection::vec(proptest::option::of(any::<i64>()), 0..12)) {
        let loaded = mandate::loader::embedded();
        static TABLES: std::sync::OnceLock<mandate::table::Tables> = std::sync::OnceLock::new();
        let tables = TABLES.get_or_init(|| mandate::pipeline::analyse(loaded.sources, loaded.diags).tables.expect("corpus compiles"));
        let t = t % tables.tables.len();
        let facts = mandate::table::Facts { values: raw.clone() };
        let _ = tables.decide(&tables.tables[t], &facts);
        let mut values = raw;
        values.resize(tables.columns.len(), None);
        static DECIDER: std::sync::OnceLock<mandate::table::Decider> = std::sync::OnceLock::new();
        let decider = DECIDER.get_or_init(|| tables.decider());
        prop_assert_eq!(decider.decide(tables, t, &values), tables.tables[t].decide(&values));
    }
}
