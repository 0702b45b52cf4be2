//! The command line, end to end: every command, every exit code, and the
//! bad inputs a user can type.

mod common;

use common::{json, run, temp_dir};
use mandate::cli::Exit;
use std::path::{Path, PathBuf};

/// A copy of the shipped schema and federal baseline plus one state file.
fn corpus_with_state(name: &str, state: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("states")).expect("states dir");
    std::fs::copy("policies/schema.policy", dir.join("schema.policy")).expect("copy schema");
    std::fs::copy("policies/federal.policy", dir.join("federal.policy")).expect("copy federal");
    std::fs::write(dir.join("states/zz.policy"), state).expect("write state");
    dir
}

const P: &str = "policies";

#[test]
fn decide_json_has_the_contract_fields() {
    let r = run(&[
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=10",
        "--format",
        "json",
        "--policies",
        P,
    ]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let v = json(&r.out);
    assert_eq!(v["jurisdiction"], "CA");
    assert_eq!(v["action"], "must_report");
    assert!(!v["citations"].as_array().expect("citations").is_empty());
    assert!(v["rule"].as_str().expect("rule").starts_with("CA."));
    for field in ["to", "within", "written_within", "notes"] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    assert!(v["to"]
        .as_array()
        .expect("to")
        .iter()
        .any(|x| x == "child_protective_services"));
}

#[test]
fn decide_is_case_insensitive_and_deterministic() {
    let a = run(&[
        "decide",
        "-j",
        "ca",
        "--fact",
        "concern=court_order",
        "--policies",
        P,
    ]);
    let b = run(&[
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=court_order",
        "--policies",
        P,
    ]);
    assert_eq!(a.exit, Exit::Ok);
    assert_eq!(a.out, b.out);
    assert!(
        a.out
            .starts_with("CA (California): You must disclose this to the court."),
        "{}",
        a.out
    );
    assert!(
        a.out.contains("  action:   must_disclose to [court]"),
        "{}",
        a.out
    );
    assert_eq!(
        a.out.matches("not legal advice").count(),
        1,
        "the disclaimer appears once"
    );
}

#[test]
fn decide_falls_back_to_the_federal_default() {
    let r = run(&[
        "decide",
        "-j",
        "US",
        "--fact",
        "concern=subpoena",
        "--format",
        "json",
        "--policies",
        P,
    ]);
    assert_eq!(r.exit, Exit::Ok);
    let v = json(&r.out);
    assert_eq!(v["action"], "must_not_disclose");
    assert_eq!(v["rule"], "US.subpoena");
}

#[test]
fn decide_explain_names_the_rule_and_what_held() {
    let r = run(&[
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=10",
        "--explain",
        "--policies",
        P,
    ]);
    assert_eq!(r.exit, Exit::Ok);
    assert!(r.out.contains("why:"), "{}", r.out);
    assert!(r.out.contains("held: concern = child_abuse"), "{}", r.out);
    assert!(r.out.contains("victim_age = 10"), "{}", r.out);
    let j = run(&[
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=danger_to_self",
        "--fact",
        "threat_imminent=true",
        "--explain",
        "--format",
        "json",
        "--policies",
        P,
    ]);
    let v = json(&j.out);
    assert!(!v["explain"]["not_matched"]
        .as_array()
        .expect("not_matched")
        .is_empty());
}

#[test]
fn decide_refuses_bad_input_with_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["decide", "-j", "XX", "--fact", "concern=subpoena"],
            "unknown jurisdiction `XX`",
        ),
        (
            &["decide", "-j", "Californa", "--fact", "concern=subpoena"],
            "did you mean `California` (CA)?",
        ),
        (
            &["decide", "-j", "CA", "--fact", "victim_ag=3"],
            "did you mean `victim_age`",
        ),
        (
            &["decide", "-j", "CA", "--fact", "concern=child_abuses"],
            "did you mean `child_abuse`",
        ),
        (
            &["decide", "-j", "CA", "--fact", "victim_age=200"],
            "an integer from 0 to 130",
        ),
        (
            &["decide", "-j", "CA", "--fact", "threat_serious=maybe"],
            "`true` or `false`",
        ),
        (
            &["decide", "-j", "CA", "--fact", "concern"],
            "not of the form fact=value",
        ),
        (
            &[
                "decide",
                "-j",
                "CA",
                "--fact",
                "concern=subpoena",
                "--fact",
                "concern=court_order",
            ],
            "given twice",
        ),
    ];
    for (args, needle) in cases {
        let mut a = args.to_vec();
        a.extend(["--policies", P]);
        let r = run(&a);
        assert_eq!(r.exit, Exit::Usage, "{args:?}: {}", r.err);
        assert!(r.err.contains(needle), "{args:?}: {}", r.err);
    }
}

#[test]
fn decide_names_a_missing_fact() {
    let r = run(&[
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=child_abuse",
        "--policies",
        P,
    ]);
    assert_eq!(r.exit, Exit::Findings);
    assert!(r.err.contains("`victim_age`"), "{}", r.err);
    assert!(
        r.err.contains("CA."),
        "names the rule that needs it: {}",
        r.err
    );
    let none = run(&["decide", "-j", "CA", "--policies", P]);
    assert_eq!(none.exit, Exit::Findings);
    assert!(none.err.contains("`concern`"), "{}", none.err);
}

#[test]
fn check_passes_on_the_shipped_corpus() {
    let r = run(&["check", P]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.out);
    assert!(r.out.contains("0 error(s)"), "{}", r.out);
    let j = run(&["check", P, "--format", "json"]);
    assert_eq!(json(&j.out)["errors"], 0);
}

#[test]
fn check_reports_a_conflict_with_both_rules_and_a_witness() {
    let dir = corpus_with_state(
        "conflict",
        r#"jurisdiction ZZ "Test" extends US {
  rule warn {
    when concern == danger_to_others and threat_serious and victim_identifiable
    then must_report to [potential_victim]
    cite "Test Code § 1"
  }
  rule permit {
    when concern == danger_to_others and threat_serious
    then may_disclose to [law_enforcement]
    cite "Test Code § 2"
  }
}
"#,
    );
    let r = run(&["check", dir.to_str().expect("utf-8 path")]);
    assert_eq!(r.exit, Exit::Findings, "{}", r.out);
    assert!(r.out.contains("E017"), "{}", r.out);
    assert!(
        r.out.contains("rule warn") && r.out.contains("rule permit"),
        "both rules shown: {}",
        r.out
    );
    assert!(
        r.out.contains("victim_identifiable = true"),
        "witness shown: {}",
        r.out
    );
    assert!(
        r.out.contains("test \"ZZ: warn or permit?\""),
        "ready-to-paste test: {}",
        r.out
    );
    let j = run(&[
        "check",
        dir.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    let v = json(&j.out);
    assert_eq!(v["diagnostics"][0]["code"], "E017");
    assert_eq!(v["diagnostics"][0]["location"]["line"], 2);
}

#[test]
fn check_reports_io_problems() {
    let r = run(&["check", "no/such/dir"]);
    assert_eq!(r.exit, Exit::Usage);
    assert!(r.err.contains("does not exist"), "{}", r.err);
    let dir = temp_dir("binary");
    std::fs::write(dir.join("bad.policy"), b"schema { \xff\xfe }").expect("write");
    let r = run(&["check", dir.to_str().expect("utf-8 path")]);
    assert_eq!(r.exit, Exit::Findings);
    assert!(r.out.contains("not UTF-8"), "{}", r.out);
    let empty = temp_dir("empty");
    let r = run(&["check", empty.to_str().expect("utf-8 path")]);
    assert_eq!(r.exit, Exit::Usage);
    assert!(r.err.contains("no .policy files"), "{}", r.err);
}

#[test]
fn check_deny_warnings_turns_warnings_into_failure() {
    let path = "tests/fixtures/compile/err/W001-dead-rule.policy";
    assert_eq!(run(&["check", path]).exit, Exit::Ok);
    assert_eq!(
        run(&["check", path, "--deny-warnings"]).exit,
        Exit::Findings
    );
}

#[test]
fn table_in_every_format() {
    let text = run(&["table", "CA", "--policies", P]);
    assert_eq!(text.exit, Exit::Ok);
    assert!(
        text.out.contains("US.default"),
        "the default row closes the table: {}",
        text.out
    );
    let md = run(&["table", "ca", "--format", "markdown", "--policies", P]);
    assert!(md.out.contains("| # |"), "{}", md.out);
    let csv = run(&["table", "CA", "--format", "csv", "--policies", P]);
    assert!(
        csv.out.lines().next().expect("header").starts_with("#,"),
        "{}",
        csv.out
    );
    let j = run(&["table", "CA", "--format", "json", "--policies", P]);
    let v = json(&j.out);
    assert_eq!(v["table"]["jurisdiction"], "CA");
    assert_eq!(v["table"]["chain"], serde_json::json!(["CA", "US"]));
    assert_eq!(run(&["table", "QQ", "--policies", P]).exit, Exit::Usage);
}

#[test]
fn compile_then_decide_from_the_artifact() {
    let dir = temp_dir("artifact");
    let file = dir.join("tables.json");
    let f = file.to_str().expect("utf-8 path");
    let r = run(&["compile", P, "-o", f]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let text = std::fs::read_to_string(&file).expect("artifact written");
    assert!(text.contains("\"format\": \"mandate-tables/3\""));
    let from_file = run(&[
        "decide",
        "-j",
        "TX",
        "--tables",
        f,
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=5",
        "--format",
        "json",
    ]);
    let from_src = run(&[
        "decide",
        "-j",
        "TX",
        "--policies",
        P,
        "--fact",
        "concern=child_abuse",
        "--fact",
        "victim_age=5",
        "--format",
        "json",
    ]);
    assert_eq!(from_file.exit, Exit::Ok, "{}", from_file.err);
    // The same answer, from a corpus that says where it came from.
    let (mut a, mut b) = (json(&from_file.out), json(&from_src.out));
    assert_eq!(a["corpus"]["hash"], b["corpus"]["hash"]);
    assert_eq!(a["corpus"]["origin"], "tables file");
    a["corpus"].take();
    b["corpus"].take();
    assert_eq!(a, b, "the artifact decides like the sources");
    // Files of the older formats (no `practicable` deadline, no deadline
    // due on request) still read: their tables, hash and answers are the
    // same.
    for older in ["mandate-tables/1", "mandate-tables/2"] {
        let path = dir.join(format!("{}.json", older.replace('/', "-")));
        std::fs::write(&path, text.replacen("mandate-tables/3", older, 1)).expect("write");
        let mut args: Vec<&str> = vec!["decide", "-j", "TX", "--tables"];
        args.push(path.to_str().expect("utf-8 path"));
        args.extend([
            "--fact",
            "concern=child_abuse",
            "--fact",
            "victim_age=5",
            "--format",
            "json",
        ]);
        let from_old = run(&args);
        assert_eq!(from_old.exit, Exit::Ok, "{older}: {}", from_old.err);
        assert_eq!(json(&from_old.out)["within"], b["within"], "{older}");
    }
    // Same input, byte-identical output.
    let again = dir.join("again.json");
    run(&["compile", P, "-o", again.to_str().expect("utf-8 path")]);
    assert_eq!(
        std::fs::read(&file).expect("read"),
        std::fs::read(&again).expect("read")
    );
}

#[test]
fn decide_refuses_a_bad_artifact() {
    let dir = temp_dir("bad-artifact");
    let good = dir.join("good.json");
    run(&["compile", P, "-o", good.to_str().expect("utf-8 path")]);
    let text = std::fs::read_to_string(&good).expect("read");
    let cases = [
        (
            "tampered.json",
            text.replacen("must_report", "may_disclose", 1),
            "modified",
        ),
        (
            "version.json",
            text.replacen("mandate-tables/3", "mandate-tables/0", 1),
            "mandate-tables/0",
        ),
        (
            "corrupt.json",
            text[..text.len() / 2].to_string(),
            "not a mandate tables file",
        ),
    ];
    for (name, body, needle) in cases {
        let path = dir.join(name);
        std::fs::write(&path, body).expect("write");
        let r = run(&[
            "decide",
            "-j",
            "CA",
            "--tables",
            path.to_str().expect("utf-8 path"),
            "--fact",
            "concern=subpoena",
        ]);
        assert_eq!(r.exit, Exit::Findings, "{name}: {}", r.err);
        assert!(r.err.contains(needle), "{name}: {}", r.err);
    }
    let missing = run(&[
        "decide",
        "-j",
        "CA",
        "--tables",
        "no/such.json",
        "--fact",
        "concern=subpoena",
    ]);
    assert_eq!(missing.exit, Exit::Usage);
}

#[test]
fn test_command_runs_policy_tests() {
    let ok = run(&["test", P]);
    assert_eq!(ok.exit, Exit::Ok, "{}", ok.out);
    assert!(ok.out.contains(" 0 failed"), "{}", ok.out);
    let bad = run(&["test", "tests/fixtures/test/err/E023-test-failed.policy"]);
    assert_eq!(bad.exit, Exit::Findings);
    assert!(
        bad.out
            .contains("expected must_report to [child_protective_services, law_enforcement]"),
        "{}",
        bad.out
    );
    let j = run(&[
        "test",
        "tests/fixtures/test/err/E023-test-failed.policy",
        "--format",
        "json",
    ]);
    assert_eq!(json(&j.out)["failed"], 1);
}

#[test]
fn listings() {
    let j = run(&["jurisdictions", "--policies", P, "--format", "json"]);
    let v = json(&j.out);
    let codes: Vec<&str> = v
        .as_array()
        .expect("list")
        .iter()
        .map(|x| x["code"].as_str().expect("code"))
        .collect();
    assert!(codes.contains(&"US") && codes.contains(&"CA") && codes.contains(&"DC"));
    let text = run(&["jurisdictions", "--policies", P]);
    assert!(text.out.contains("California"));
    let s = run(&["schema", "--policies", P]);
    assert!(s.out.contains("concern: Concern"), "{}", s.out);
    assert!(s.out.contains("victim_age: int 0..=130"), "{}", s.out);
}

#[test]
fn explain_codes() {
    let r = run(&["explain", "E017"]);
    assert_eq!(r.exit, Exit::Ok);
    assert!(r.out.contains("conflict"));
    assert_eq!(run(&["explain", "conflict"]).out, r.out);
    let list = run(&["explain", "--list"]);
    assert_eq!(list.out.lines().count(), mandate::diag::Code::ALL.len());
    assert_eq!(run(&["explain", "E999"]).exit, Exit::Usage);
}

#[test]
fn help_has_examples_and_usage_errors_exit_2() {
    for cmd in [
        "check",
        "decide",
        "table",
        "compile",
        "test",
        "jurisdictions",
        "schema",
        "explain",
    ] {
        let r = run(&[cmd, "--help"]);
        assert_eq!(r.exit, Exit::Ok, "{cmd}");
        assert!(
            r.out.contains("Examples:"),
            "{cmd} --help has no example:\n{}",
            r.out
        );
    }
    assert_eq!(run(&[]).exit, Exit::Usage);
    assert_eq!(run(&["frobnicate"]).exit, Exit::Usage);
    assert_eq!(run(&["decide"]).exit, Exit::Usage);
}

/// The real binary, from a directory with no policies: the embedded corpus
/// answers, and the process exit code is the documented one.
#[test]
fn binary_uses_the_embedded_corpus_anywhere() {
    let dir = temp_dir("anywhere");
    let bin = Path::new(env!("CARGO_BIN_EXE_mandate"));
    let out = std::process::Command::new(bin)
        .current_dir(&dir)
        .args([
            "decide",
            "-j",
            "NY",
            "--fact",
            "concern=child_abuse",
            "--fact",
            "victim_age=4",
            "--format",
            "json",
        ])
        .output()
        .expect("run binary");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(v["action"], "must_report");
    let bad = std::process::Command::new(bin)
        .current_dir(&dir)
        .args(["decide", "-j", "ZZ", "--fact", "concern=subpoena"])
        .output()
        .expect("run binary");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn fmt_check_rewrite_and_broken_files() {
    let dir = temp_dir("fmt");
    let messy = dir.join("messy.policy");
    let broken = dir.join("broken.policy");
    let body = "jurisdiction ZZ \"Z\" extends US {  reviewed 2026-11-27 }\n";
    std::fs::write(&messy, body).expect("write");
    std::fs::write(&broken, "jurisdiction ZZ {").expect("write");
    let d = dir.to_str().expect("utf-8 path");
    let check = run(&["fmt", "--check", d]);
    assert_eq!(check.exit, Exit::Findings);
    assert!(
        check.out.contains("+  reviewed 2026-11-27"),
        "prints a diff: {}",
        check.out
    );
    assert!(
        check.out.contains("E001"),
        "reports the file it cannot parse: {}",
        check.out
    );
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        body,
        "--check changes nothing"
    );
    let write = run(&["fmt", d]);
    assert_eq!(write.exit, Exit::Findings, "a broken file is a finding");
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        "jurisdiction ZZ \"Z\" extends US {\n  reviewed 2026-11-27\n}\n"
    );
    assert_eq!(
        std::fs::read_to_string(&broken).expect("read"),
        "jurisdiction ZZ {",
        "never touches what it cannot parse"
    );
    std::fs::remove_file(&broken).expect("remove");
    assert_eq!(run(&["fmt", "--check", d]).exit, Exit::Ok);
    assert_eq!(
        run(&["fmt", "--check", "policies"]).exit,
        Exit::Ok,
        "the shipped corpus is formatted"
    );
}

#[test]
fn usage_errors_of_the_other_commands() {
    // `jurisdictions --format markdown` is for the matrix only.
    let r = run(&["jurisdictions", "--policies", P, "--format", "markdown"]);
    assert_eq!(r.exit, Exit::Usage);
    assert!(r.err.contains("--matrix"), "{}", r.err);
    let m = run(&[
        "jurisdictions",
        "--policies",
        P,
        "--matrix",
        "--format",
        "markdown",
    ]);
    assert_eq!(m.exit, Exit::Ok);
    assert!(m.out.starts_with("# Coverage"), "{}", m.out);
    // An artifact that cannot be written.
    let c = run(&["compile", P, "-o", "no/such/dir/tables.json"]);
    assert_eq!(c.exit, Exit::Usage);
    assert!(c.err.contains("cannot write"), "{}", c.err);
    // `fmt` on a path that does not exist.
    let f = run(&["fmt", "no/such/dir"]);
    assert_eq!(f.exit, Exit::Usage);
    assert!(f.err.contains("does not exist"), "{}", f.err);
    // `test` on a corpus with errors refuses to run the tests.
    let t = run(&["test", "tests/fixtures/compile/err/E017-conflict.policy"]);
    assert_eq!(t.exit, Exit::Findings);
    assert!(t.err.contains("fix them before running tests"), "{}", t.err);
}

#[test]
fn decide_says_as_soon_as_practicable_and_combines_it_with_a_fixed_time() {
    let facts = [
        "--fact",
        "concern=danger_to_self",
        "--fact",
        "threat_imminent=true",
        "--fact",
        "victim_age=30",
    ];
    let mut args = vec!["decide", "-j", "NY", "--policies", P];
    args.extend(facts);
    let r = run(&args);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(r.out.contains(": as soon as practicable."), "{}", r.out);
    assert!(
        r.out.contains("\n  deadline: as soon as practicable\n"),
        "{}",
        r.out
    );

    let mut args = vec!["decide", "-j", "NY", "-j", "IL", "--policies", P];
    args.extend(facts);
    let r = run(&args);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(
        r.out
            .contains("\n  deadline: as soon as practicable, at most 24h\n"),
        "{}",
        r.out
    );
    args.extend(["--format", "json"]);
    let v = json(&run(&args).out);
    assert_eq!(v["answers"][0]["within"], "practicable");
    assert_eq!(v["answers"][1]["within"], "24h");
    assert_eq!(v["combined"]["within"], "practicable, at most 24h");
}

#[test]
fn decide_says_a_written_report_is_due_only_if_the_agency_asks() {
    let facts = ["--fact", "concern=child_abuse", "--fact", "victim_age=10"];
    for j in ["NH", "ND"] {
        let mut args = vec!["decide", "-j", j, "--policies", P];
        args.extend(facts);
        let r = run(&args);
        assert_eq!(r.exit, Exit::Ok, "{}", r.err);
        let flat = r.out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(": immediately, and in writing within 48 hours if the agency asks."),
            "{}",
            r.out
        );
        assert!(
            r.out
                .contains("\n  deadline: immediately; in writing within 48h if requested\n"),
            "{}",
            r.out
        );
    }
    let mut args = vec!["decide", "-j", "NH", "-j", "MI", "--policies", P];
    args.extend(facts);
    let r = run(&args);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    assert!(
        r.out.contains(
            "\n  deadline: immediately; in writing within 72h, within 48h if requested\n"
        ),
        "{}",
        r.out
    );
    args.extend(["--format", "json"]);
    let v = json(&run(&args).out);
    assert_eq!(v["answers"][0]["written_within"], "48h if requested");
    assert_eq!(v["answers"][1]["written_within"], "72h");
    assert_eq!(v["combined"]["written_within"], "72h, 48h if requested");
}
