//! `fmt` on every fixture and corpus file: a fixed point, the same tree
//! after reparsing, and not one comment lost.

use mandate::source::{FileId, Sources};
use std::path::{Path, PathBuf};

fn policy_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            policy_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
}

fn comment_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.find("//").map(|i| l[i..].trim_end().to_string()))
        .filter(|c| !c.contains('"'))
        .collect()
}

fn format_text(name: &str, text: &str) -> Option<(String, mandate::syntax::ast::File)> {
    let mut sources = Sources::new();
    sources.add(name, text.to_string());
    let ast = mandate::syntax::parse(&sources, FileId(0)).ok()?;
    Some((mandate::fmt::format(&sources, FileId(0), &ast), ast))
}

#[test]
fn fmt_is_idempotent_keeps_the_tree_and_the_comments() {
    let mut files = Vec::new();
    policy_files(Path::new("policies"), &mut files);
    policy_files(Path::new("tests/fixtures"), &mut files);
    files.sort();
    let mut formatted_any = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path.display().to_string();
        let Some((once, ast)) = format_text(&name, &text) else {
            continue;
        };
        formatted_any += 1;
        let (twice, reparsed) = format_text(&name, &once)
            .unwrap_or_else(|| panic!("{name}: formatted text does not parse:\n{once}"));
        assert_eq!(twice, once, "{name}: fmt is not idempotent");
        assert_eq!(reparsed, ast, "{name}: fmt changed the meaning");
        assert_eq!(
            comment_lines(&once),
            comment_lines(&text),
            "{name}: comments lost or reordered"
        );
    }
    assert!(formatted_any > 50, "the corpus and fixtures were formatted");
}

#[test]
fn the_shipped_corpus_is_formatted() {
    let mut files = Vec::new();
    policy_files(Path::new("policies"), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let (once, _) = format_text(&path.display().to_string(), &text).expect("parses");
        assert!(
            once == text,
            "{} is not formatted: run `cargo run -- fmt`",
            path.display()
        );
    }
}

#[test]
fn fmt_canonical_layout() {
    let messy = "// header\njurisdiction   ZZ \"Z\" extends US{reviewed 2026-11-27 rule a{when concern==subpoena and(threat_serious or not victim_identifiable) then must_not_disclose cite \"x\" // why\n note \"n\"}}\n";
    let (out, _) = format_text("messy.policy", messy).expect("parses");
    // A trailing comment stays at the end of the line printed before the
    // statement that followed it (`note`, moved before `cite`).
    let want = "// header\njurisdiction ZZ \"Z\" extends US {\n  reviewed 2026-11-27\n\n  rule a {\n    when concern == subpoena and (threat_serious or not victim_identifiable)\n    then must_not_disclose  // why\n    note \"n\"\n    cite \"x\"\n  }\n}\n";
    assert_eq!(out, want);
}

#[test]
fn a_practicable_deadline_round_trips() {
    let text = "jurisdiction ZZ \"Z\" extends US {\n  rule a {\n    when concern == child_abuse\n    then must_report to [child_protective_services] within   practicable ,in writing within practicable ,at  most 2d\n    cite \"x\"\n  }\n  test \"t\" {\n    given concern = child_abuse\n    expect must_report within practicable\n  }\n}\n";
    let (out, ast) = format_text("p.policy", text).expect("parses");
    assert!(
        out.contains("\n         within practicable, in writing within practicable, at most 2d\n"),
        "{out}"
    );
    assert!(
        out.contains("    expect must_report within practicable\n"),
        "{out}"
    );
    let (again, reparsed) = format_text("p.policy", &out).expect("reparses");
    assert_eq!((again, reparsed), (out, ast));
}

#[test]
fn a_deadline_on_request_round_trips() {
    let text = "jurisdiction ZZ \"Z\" extends US {\n  rule a {\n    when concern == child_abuse\n    then must_report to [child_protective_services] within immediately ,in writing within  48h   if\n requested\n    cite \"x\"\n  }\n  test \"t\" {\n    given concern = child_abuse\n    expect must_report in writing within practicable ,at most 2d if requested\n  }\n}\n";
    let (out, ast) = format_text("p.policy", text).expect("parses");
    assert!(
        out.contains("\n         within immediately, in writing within 48h if requested\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "    expect must_report in writing within practicable, at most 2d if requested\n"
        ),
        "{out}"
    );
    let (again, reparsed) = format_text("p.policy", &out).expect("reparses");
    assert_eq!((again, reparsed), (out, ast));
}

#[test]
fn trailing_comments_stay_on_their_line() {
    let text = "schema {  // the vocabulary\n  enum Concern { a, b }\n  enum Recipient { court }\n  fact concern: Concern\n}\n\njurisdiction US \"Federal\" {\n  default must_not_disclose cite \"45 CFR 164.502(a)\"\n\n  rule r {  // the only rule\n    when concern == a  // keep: the statute says so\n    then may_disclose to [court]\n    cite \"X § 1\"  // read 2026\n  }  // end of r\n}  // end\n";
    let (formatted, _) = format_text("t.policy", text).expect("parses");
    for line in [
        "schema {  // the vocabulary",
        "  rule r {  // the only rule",
        "    when concern == a  // keep: the statute says so",
        "    cite \"X § 1\"  // read 2026",
        "  }  // end of r",
        "}  // end",
    ] {
        assert!(
            formatted.lines().any(|l| l == line),
            "`{line}` kept whole:\n{formatted}"
        );
    }
    let (again, _) = format_text("t.policy", &formatted).expect("parses");
    assert_eq!(again, formatted, "a fixed point");
}
