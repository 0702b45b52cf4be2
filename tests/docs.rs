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

/// Every ```policy block of the docs and README, as `(file, info, body)`.
fn all_blocks() -> Vec<(String, String, String)> {
    let mut files: Vec<String> = std::fs::read_dir("docs")
        .expect("docs/")
        .map(|e| e.expect("entry").path().display().to_string())
        .filter(|p| p.ends_with(".md"))
        .collect();
    files.push("README.md".into());
    files.sort();
    files
        .into_iter()
        .flat_map(|f| {
            let doc = std::fs::read_to_string(&f).expect("read doc");
            blocks(&doc)
                .into_iter()
                .map(move |(info, body)| (f.clone(), info, body))
        })
        .collect()
}

/// The docs teach the layout `mandate fmt` writes: each example goes
/// through `mandate fmt --check -` unchanged (examples of syntax errors
/// aside, which do not parse).
#[test]
fn docs_examples_are_in_canonical_form() {
    use std::io::Write;
    let blocks = all_blocks();
    assert!(blocks.len() >= 4);
    let mut checked = 0;
    for (file, info, body) in blocks {
        if info.starts_with("error E001") {
            continue;
        }
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mandate"))
            .args(["fmt", "--check", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("mandate runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{body}\n").as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("finishes");
        assert!(
            out.status.success(),
            "an example in {file} is not in canonical form (`mandate fmt -` prints it):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        checked += 1;
    }
    assert!(checked >= 4, "examples were checked");
}
