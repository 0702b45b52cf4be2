//! Machine output is one valid document whatever happens: every CI
//! command in every machine format, on success and on each kind of
//! failure, is checked against SARIF 2.1.0 or the documented shape
//! (docs/ci.md).

mod common;

use common::{assert_valid_sarif, copy_dir, json, run, temp_dir, Run};
use mandate::cli::Exit;
use std::path::{Path, PathBuf};

/// A copy of the shipped corpus whose CA child-abuse rule has one note
/// reworded and one more source: text changes, no decision change.
fn corpus_with_new_wording(name: &str) -> PathBuf {
    let dir = temp_dir(name).join("policies");
    copy_dir(Path::new("policies"), &dir);
    let ca = dir.join("states/ca.policy");
    let text = std::fs::read_to_string(&ca).expect("read ca");
    let text = text.replacen(
        "reasonable suspicion, not certainty, is enough",
        "a reasonable suspicion is enough; certainty is not needed",
        1,
    );
    let text = text.replacen(
        "  reviewed 2026-12-01\n",
        "  reviewed 2026-12-01\n  source \"a guide read for this test\"\n",
        1,
    );
    std::fs::write(&ca, text).expect("write ca");
    dir
}

/// A corpus that does not compile (two type errors).
const BROKEN: &str = "tests/fixtures/check/err/E007-type-mismatch.policy";
const MISSING: &str = "no/such/dir";

/// One case of the matrix: the arguments and the exit code they give.
struct Case {
    args: Vec<String>,
    exit: Exit,
    /// Whether the command could not give its result (usage, I/O, policies
    /// that do not compile): then the document must say so.
    stopped: bool,
}

fn cases(changed: &str) -> Vec<Case> {
    let c = |args: &[&str], exit, stopped| Case {
        args: args.iter().map(|s| s.to_string()).collect(),
        exit,
        stopped,
    };
    vec![
        c(
            &["check", "policies", "--today", "2026-12-01"],
            Exit::Ok,
            false,
        ),
        c(&["check", MISSING], Exit::Usage, true),
        c(
            &["check", "policies", "--today", "2026-13-45"],
            Exit::Usage,
            true,
        ),
        c(
            &["check", "tests/fixtures/compile/err/E017-conflict.policy"],
            Exit::Findings,
            false,
        ),
        c(
            &[
                "check",
                "tests/fixtures/compile/err/W001-dead-rule.policy",
                "--deny-warnings",
            ],
            Exit::Findings,
            false,
        ),
        c(&["test", "policies"], Exit::Ok, false),
        c(&["test", MISSING], Exit::Usage, true),
        c(&["test", BROKEN], Exit::Findings, true),
        c(
            &["test", "tests/fixtures/test/err/E023-test-failed.policy"],
            Exit::Findings,
            false,
        ),
        c(
            &[
                "test",
                "tests/fixtures/lint/err/W005-untested-rule.policy",
                "--min-coverage",
                "100",
            ],
            Exit::Findings,
            false,
        ),
        c(&["diff", "policies", "policies"], Exit::Ok, false),
        c(
            &["diff", "policies", changed, "--exit-code=any"],
            Exit::Findings,
            false,
        ),
        c(&["diff", MISSING, "policies"], Exit::Usage, true),
        c(&["diff", "policies", BROKEN], Exit::Findings, true),
    ]
}

fn run_case(case: &Case, format: &str) -> Run {
    let mut args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    args.extend(["--format", format]);
    let r = run(&args);
    assert_eq!(
        r.exit,
        case.exit,
        "mandate {}: exit code\n{}\n{}",
        args.join(" "),
        r.out,
        r.err
    );
    r
}

#[test]
fn every_command_and_failure_gives_one_json_document() {
    let changed = corpus_with_new_wording("json");
    for case in cases(changed.to_str().expect("utf-8")) {
        let r = run_case(&case, "json");
        let v = json(&r.out);
        let what = case.args.join(" ");
        assert!(v.is_object(), "{what}: one object\n{}", r.out);
        // The command's own fields are there even when it stopped.
        let fields: &[&str] = match case.args[0].as_str() {
            "check" => &["diagnostics", "errors", "warnings", "denied"],
            "test" => &["tests", "passed", "failed"],
            _ => &["changes", "text_changes"],
        };
        for f in fields {
            assert!(v.get(f).is_some(), "{what}: `{f}` in\n{}", r.out);
        }
        assert_eq!(
            v.get("error").is_some(),
            case.stopped,
            "{what}: `error` says the run stopped\n{}",
            r.out
        );
        if case.stopped {
            assert!(v["help"].is_string(), "{what}: help\n{}", r.out);
            assert!(v["diagnostics"].is_array(), "{what}\n{}", r.out);
        }
    }
}

#[test]
fn every_command_and_failure_gives_valid_sarif() {
    let changed = corpus_with_new_wording("sarif");
    for case in cases(changed.to_str().expect("utf-8")) {
        let r = run_case(&case, "sarif");
        let v = assert_valid_sarif(&r.out);
        let what = case.args.join(" ");
        let invocation = &v["runs"][0]["invocations"][0];
        assert_eq!(
            invocation["executionSuccessful"], !case.stopped,
            "{what}\n{}",
            r.out
        );
        if case.stopped {
            let note = &invocation["toolExecutionNotifications"][0];
            assert_eq!(note["level"], "error", "{what}");
            assert!(
                note["message"]["text"]
                    .as_str()
                    .is_some_and(|t| !t.is_empty()),
                "{what}: says why\n{}",
                r.out
            );
        }
        // A run that fails has an error among its results or says why it stopped.
        let results = v["runs"][0]["results"].as_array().expect("results");
        if case.exit == Exit::Findings && !case.stopped && case.args[0] == "check" {
            assert!(
                results.iter().any(|x| x["level"] == "error"),
                "{what}: exit 1 shows an error\n{}",
                r.out
            );
        }
    }
}

#[test]
fn every_command_and_failure_gives_github_commands() {
    let changed = corpus_with_new_wording("github");
    for case in cases(changed.to_str().expect("utf-8")) {
        let r = run_case(&case, "github");
        let what = case.args.join(" ");
        let lines: Vec<&str> = r.out.lines().collect();
        assert!(!lines.is_empty(), "{what}: says something");
        for l in &lines {
            assert!(
                ["::error ", "::warning ", "::notice "]
                    .iter()
                    .any(|p| l.starts_with(p))
                    && l[2..].contains("::"),
                "{what}: a workflow command: {l}"
            );
        }
        if case.exit != Exit::Ok {
            assert!(
                lines.iter().any(|l| l.starts_with("::error ")),
                "{what}: a failing run has an error\n{}",
                r.out
            );
        } else {
            assert!(
                lines
                    .last()
                    .is_some_and(|l| l.starts_with("::notice title=mandate::")),
                "{what}: the summary closes a run\n{}",
                r.out
            );
        }
    }
}

#[test]
fn denied_warnings_are_errors_in_every_format() {
    let w = "tests/fixtures/compile/err/W001-dead-rule.policy";
    let level = |extra: &[&str]| {
        let mut args = vec!["check", w, "--format", "sarif"];
        args.extend_from_slice(extra);
        let r = run(&args);
        let v = assert_valid_sarif(&r.out);
        let result = v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|x| x["ruleId"] == "W001")
            .cloned()
            .expect("W001");
        (r.exit, result["level"].as_str().map(str::to_string))
    };
    assert_eq!(level(&[]), (Exit::Ok, Some("warning".into())));
    assert_eq!(
        level(&["--deny-warnings"]),
        (Exit::Findings, Some("error".into()))
    );
    assert_eq!(
        level(&["--deny", "W001"]),
        (Exit::Findings, Some("error".into()))
    );
    assert_eq!(
        level(&["--deny", "W005"]).1.as_deref(),
        Some("warning"),
        "only the denied code is raised"
    );
    let g = run(&["check", w, "--deny", "dead-rule", "--format", "github"]);
    assert!(
        g.out
            .lines()
            .any(|l| l.starts_with("::error ") && l.contains("title=W001")),
        "{}",
        g.out
    );
    let j = json(&run(&["check", w, "--deny-warnings", "--format", "json"]).out);
    let d = j["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "W001")
        .cloned()
        .expect("W001");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["denied"], true);
    let warnings = j["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with('W')))
        // The calendar's lint is denied only by name.
        .filter(|d| d["code"] != "W006")
        .count();
    assert!(warnings >= 1);
    assert_eq!(j["denied"], warnings);
}

#[test]
fn failed_tests_carry_expected_and_actual() {
    let f = "tests/fixtures/test/err/E023-test-failed.policy";
    let s = run(&["test", f, "--format", "sarif"]);
    let v = assert_valid_sarif(&s.out);
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "E023");
    let expected = result["properties"]["expected"].as_str().expect("expected");
    let actual = result["properties"]["actual"].as_str().expect("actual");
    assert!(!expected.is_empty() && !actual.is_empty() && expected != actual);
    assert!(actual.contains(" by CA.child_abuse"), "{actual}");
    let message = result["message"]["text"].as_str().expect("message");
    assert!(
        message.contains(&format!("expected {expected}")) && message.contains(actual),
        "{message}"
    );
    let g = run(&["test", f, "--format", "github"]);
    let line = g.out.lines().next().expect("an annotation");
    assert!(
        line.contains(&format!("%0Aexpected {expected}%0Aactual   {actual}")),
        "{line}"
    );
    let j = json(&run(&["test", f, "--format", "json"]).out);
    assert_eq!(j["tests"][0]["detail"]["expected"], expected);
    assert_eq!(j["tests"][0]["detail"]["actual"], actual);
}

#[test]
fn decide_json_is_one_object_whatever_fails() {
    let broken = temp_dir("decide-broken");
    std::fs::copy(BROKEN, broken.join("x.policy")).expect("copy");
    let broken = broken.to_str().expect("utf-8");
    for (args, exit) in [
        (
            vec!["decide", "-j", "CA", "--fact", "concern=child_abuse"],
            Exit::Findings,
        ),
        (
            vec![
                "decide",
                "-j",
                "CA",
                "-j",
                "NY",
                "--fact",
                "concern=child_abuse",
            ],
            Exit::Findings,
        ),
        (
            vec!["decide", "-j", "ZZ", "--fact", "concern=subpoena"],
            Exit::Usage,
        ),
        (
            vec!["decide", "-j", "CA", "--fact", "concern=nonsense"],
            Exit::Usage,
        ),
        (
            vec![
                "decide",
                "-j",
                "CA",
                "--policies",
                MISSING,
                "--fact",
                "concern=subpoena",
            ],
            Exit::Usage,
        ),
        (
            vec![
                "decide",
                "-j",
                "CA",
                "--policies",
                broken,
                "--fact",
                "concern=subpoena",
            ],
            Exit::Findings,
        ),
        (
            vec![
                "decide",
                "-j",
                "CA",
                "--tables",
                MISSING,
                "--fact",
                "concern=subpoena",
            ],
            Exit::Usage,
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--format", "json"]);
        let r = run(&args);
        assert_eq!(r.exit, exit, "{args:?}\n{}", r.err);
        let v = json(&r.out);
        assert!(
            v["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{args:?}: {}",
            r.out
        );
        assert!(v["help"].is_string(), "{args:?}: {}", r.out);
    }
    // The other JSON commands follow the same shape.
    for args in [
        vec!["table", "ZZ", "--format", "json"],
        vec!["schema", "--policies", MISSING, "--format", "json"],
        vec!["notice", "-j", "ZZ", "--format", "json"],
        vec!["jurisdictions", "--policies", broken, "--format", "json"],
        vec!["table", "CA", "--as-of", "someday", "--format", "json"],
        vec![
            "notice", "-j", "CA", "--as-of", "someday", "--format", "json",
        ],
        vec![
            "jurisdictions",
            "--matrix",
            "--as-of",
            "someday",
            "--format",
            "json",
        ],
    ] {
        let r = run(&args);
        assert_ne!(r.exit, Exit::Ok, "{args:?}");
        assert!(json(&r.out)["error"].is_string(), "{args:?}: {}", r.out);
    }
}

#[test]
fn diff_reports_text_changes_apart_from_decisions() {
    let changed = corpus_with_new_wording("text");
    let c = changed.to_str().expect("utf-8");
    let r = run(&["diff", "policies", c]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let lines: Vec<&str> = r.out.lines().collect();
    assert_eq!(lines[0], "no decision changes", "{}", r.out);
    assert_eq!(lines[1], "CA: source added: \"a guide read for this test\"");
    assert!(
        lines[2].starts_with("CA.canra_child_abuse: note removed: \"")
            && lines[2].contains("reasonable suspicion, not certainty, is enough"),
        "{}",
        r.out
    );
    assert!(
        lines[3].starts_with("CA.canra_child_abuse: note added: \"")
            && lines[3].contains("a reasonable suspicion is enough; certainty is not needed"),
        "{}",
        r.out
    );
    assert_eq!(
        lines[4],
        "3 text change(s) (notes, citations, unverified, sources, review dates)"
    );
    assert_eq!(lines.len(), 5, "{}", r.out);
    // `--exit-code` is about decisions; `--exit-code=any` about text too.
    assert_eq!(run(&["diff", "policies", c, "--exit-code"]).exit, Exit::Ok);
    assert_eq!(
        run(&["diff", "policies", c, "--exit-code=decisions"]).exit,
        Exit::Ok
    );
    assert_eq!(
        run(&["diff", "policies", c, "--exit-code=any"]).exit,
        Exit::Findings
    );
    assert_eq!(
        run(&["diff", "policies", "policies", "--exit-code=any"]).exit,
        Exit::Ok
    );
    assert_eq!(
        run(&["diff", "policies", c, "--exit-code=all"]).exit,
        Exit::Usage
    );
    let v = json(&run(&["diff", "policies", c, "--format", "json"]).out);
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(0));
    let t = &v["text_changes"][2];
    assert_eq!(t["jurisdiction"], "CA");
    assert_eq!(t["rule"], "CA.canra_child_abuse");
    assert_eq!(t["field"], "note");
    assert!(t["old"].is_null());
    assert!(t["new"]
        .as_str()
        .is_some_and(|n| n.contains("certainty is not needed")));
    assert_eq!(v["text_changes"][0]["rule"], serde_json::Value::Null);
    assert_eq!(t["file"], format!("{c}/states/ca.policy"));
    assert!(t["line"].as_u64().is_some_and(|l| l > 80));
    let s = assert_valid_sarif(&run(&["diff", "policies", c, "--format", "sarif"]).out);
    let results = s["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|x| x["ruleId"] == "text-change"));
}

#[test]
fn deny_takes_only_warning_codes() {
    let e = run(&["check", "policies", "--deny", "E017"]);
    assert_eq!(e.exit, Exit::Usage);
    assert!(
        e.err
            .contains("`E017` (conflict) is an error, and errors always fail the run"),
        "{}",
        e.err
    );
    assert!(e.err.contains("W001"), "lists the warning codes: {}", e.err);
    let typo = run(&["check", "policies", "--deny", "unverifed"]);
    assert_eq!(typo.exit, Exit::Usage);
    assert!(
        typo.err.contains("did you mean `unverified`?"),
        "{}",
        typo.err
    );
    for ok in ["W005", "w005", "untested-rule", "unverified"] {
        let r = run(&["check", "policies", "--today", "2026-12-01", "--deny", ok]);
        assert_ne!(r.exit, Exit::Usage, "--deny {ok}: {}", r.err);
    }
}

#[test]
fn test_runs_one_file_or_a_filter() {
    let all = run(&["test", "policies"]);
    let total: usize = all
        .out
        .lines()
        .find(|l| l.contains(" test(s): "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count");
    let ca = run(&["test", "policies/states/ca.policy"]);
    assert_eq!(ca.exit, Exit::Ok, "{}", ca.err);
    let v = json(&run(&["test", "policies/states/ca.policy", "--format", "json"]).out);
    let tests = v["tests"].as_array().expect("tests");
    assert!(!tests.is_empty());
    assert!(
        tests
            .iter()
            .all(|t| t["file"] == "policies/states/ca.policy" && t["jurisdiction"] == "CA"),
        "only CA's file"
    );
    assert_eq!(
        v["filtered_out"].as_u64(),
        Some((total - tests.len()) as u64)
    );
    let f = json(
        &run(&[
            "test",
            "policies",
            "--filter",
            "ny: a 17-YEAR",
            "--format",
            "json",
        ])
        .out,
    );
    let tests = f["tests"].as_array().expect("tests");
    assert!(!tests.is_empty());
    assert!(tests.iter().all(|t| t["jurisdiction"] == "NY"
        && t["test"]
            .as_str()
            .is_some_and(|n| n.to_lowercase().contains("a 17-year"))));
    let none = run(&["test", "policies", "--filter", "no test has this name"]);
    assert!(
        none.out.starts_with(&format!(
            "0 test(s): 0 passed, 0 failed ({total} filtered out)"
        )),
        "{}",
        none.out
    );
}
