//! The examples in docs/language.md are checked: each ```policy block
//! must compile (and its tests pass) together with the shipped schema and
//! federal baseline; a ```policy,error CODE block must report CODE.

use mandate::source::Sources;

fn blocks(doc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```policy") {
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            out.push((info.trim_start_matches(',').to_string(), body.join("\n")));
        }
    }
    out
}

#[test]
fn language_reference_examples_hold() {
    let doc = std::fs::read_to_string("docs/language.md").expect("docs/language.md");
    let examples = blocks(&doc);
    assert!(examples.len() >= 4, "the reference has checked examples");
    for (info, body) in examples {
        let mut sources = Sources::new();
        sources.add(
            "policies/schema.policy",
            std::fs::read_to_string("policies/schema.policy").expect("schema"),
        );
        sources.add(
            "policies/federal.policy",
            std::fs::read_to_string("policies/federal.policy").expect("federal"),
        );
        sources.add("docs/language.md", body.clone());
        // A fixed date: review dates must not make this test fail next year.
        let opts = mandate::lint::Options::on(2026, 11, 27);
        let a = mandate::pipeline::analyse_with(sources, Vec::new(), &opts);
        let rendered = mandate::diag::render_all(&a.diags, &a.sources);
        if let Some(code) = info.strip_prefix("error ") {
            assert!(
                a.diags.iter().any(|d| d.code.as_str() == code),
                "example should report {code}:\n{body}\n{rendered}"
            );
        } else {
            // Corpus-level lints (unused vocabulary, untested federal
            // rules) are about the whole corpus, not one example.
            let corpus_level = [
                mandate::diag::Code::UnusedVariant,
                mandate::diag::Code::UnusedFact,
                mandate::diag::Code::Untested,
            ];
            assert!(
                a.diags.iter().all(|d| corpus_level.contains(&d.code)),
                "example should compile cleanly:\n{body}\n{rendered}"
            );
            let results = mandate::policy_tests::run(
                a.program.as_ref().expect("program"),
                a.tables.as_ref().expect("tables"),
            );
            assert!(
                results.iter().all(|r| r.outcome.is_ok()),
                "example tests fail: {results:?}"
            );
        }
    }
}
