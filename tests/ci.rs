//! The CI tooling: lints in `check`, `test --coverage`, the
//! semantic `diff`, and the SARIF / GitHub outputs.

mod common;

use common::{assert_valid_sarif, copy_dir, json, run, sarif_schema, temp_dir};
use mandate::cli::Exit;
use std::path::{Path, PathBuf};

/// A copy of the shipped corpus with CA's duty to protect weakened from a
/// mandatory report to a permission.
fn corpus_with_one_change(name: &str) -> PathBuf {
    let dir = temp_dir(name).join("policies");
    copy_dir(Path::new("policies"), &dir);
    let ca = dir.join("states/ca.policy");
    let text = std::fs::read_to_string(&ca).expect("read ca");
    let start = text
        .find("rule duty_to_protect {")
        .expect("CA has duty_to_protect");
    let at = start + text[start..].find("then must_report").expect("then");
    let changed = format!(
        "{}then may_disclose{}",
        &text[..at],
        &text[at + "then must_report".len()..]
    );
    std::fs::write(&ca, changed).expect("write ca");
    dir
}

#[test]
fn diff_reports_exactly_the_flipped_region() {
    let changed = corpus_with_one_change("diff");
    let c = changed.to_str().expect("utf-8");
    let r = run(&["diff", "policies", c]);
    assert_eq!(r.exit, Exit::Ok, "{}", r.err);
    let lines: Vec<&str> = r.out.lines().collect();
    assert_eq!(lines.len(), 2, "one region and the summary:\n{}", r.out);
    assert_eq!(lines[0], "CA: concern = danger_to_others, threat_serious, victim_identifiable, role in [psychologist, psychiatrist, social_worker, marriage_family_therapist]: must_report → may_disclose (CA.duty_to_protect)");
    let j = run(&["diff", "policies", c, "--format", "json"]);
    let v = json(&j.out);
    let changes = v["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["jurisdiction"], "CA");
    assert_eq!(changes[0]["old"]["action"], "must_report");
    assert_eq!(changes[0]["new"]["action"], "may_disclose");
    assert_eq!(
        run(&["diff", "policies", c, "--exit-code"]).exit,
        Exit::Findings
    );
    let same = run(&["diff", "policies", "policies", "--exit-code"]);
    assert_eq!(same.exit, Exit::Ok);
    assert_eq!(same.out, "no decision changes\n");
}

#[test]
fn diff_shows_recipient_deadline_and_citation_changes() {
    let dir = temp_dir("diff-details").join("policies");
    copy_dir(Path::new("policies"), &dir);
    let us = dir.join("federal.policy");
    let text = std::fs::read_to_string(&us).expect("read");
    let text = text.replacen(
        "then must_disclose to [court]",
        "then must_disclose to [court, requester] within 2d",
        1,
    );
    std::fs::write(&us, text).expect("write");
    let r = run(&["diff", "policies", dir.to_str().expect("utf-8")]);
    assert!(r.out.contains("US: concern = court_order: must_disclose to [court] → must_disclose to [court, requester] within 2d (US.court_order)"), "{}", r.out);
    // Every state inheriting the rule changes too, and says so.
    assert!(r.out.contains("TX: concern = court_order"), "{}", r.out);
}

/// `mandate diff` of the shipped corpus against a copy with one edit in
/// `file` (`from` must be there): the text report, which must exit with
/// findings, and the JSON changes for jurisdiction `code`.
fn diff_after_edit(
    name: &str,
    file: &str,
    from: &str,
    to: &str,
    code: &str,
) -> (String, Vec<serde_json::Value>) {
    let dir = temp_dir(name).join("policies");
    copy_dir(Path::new("policies"), &dir);
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} no longer says {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    let copy = dir.to_str().expect("utf-8");
    let r = run(&["diff", "policies", copy, "--exit-code"]);
    assert_eq!(r.exit, Exit::Findings, "{}", r.out);
    let j = run(&["diff", "policies", copy, "--format", "json"]);
    let changes: Vec<serde_json::Value> = json(&j.out)["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["jurisdiction"] == code)
        .cloned()
        .collect();
    assert!(!changes.is_empty(), "{}", j.out);
    (r.out, changes)
}

#[test]
fn diff_reports_immediately_to_practicable_as_a_decision_change() {
    let (text, ny) = diff_after_edit(
        "diff-practicable",
        "states/ny.policy",
        "then must_report to [mental_health_authority] within practicable",
        "then must_report to [mental_health_authority] within immediately",
        "NY",
    );
    assert!(
        text.contains(
            "must_report within practicable → must_report within immediately (NY.safe_act_report)"
        ),
        "{text}"
    );
    assert!(
        ny.iter()
            .all(|c| c["old"]["within"] == "practicable" && c["new"]["within"] == "immediately"),
        "{ny:?}"
    );
}

#[test]
fn diff_reports_a_written_deadline_becoming_conditional() {
    let (text, nh) = diff_after_edit(
        "diff-on-request",
        "states/nh.policy",
        "in writing within 48h if requested\n",
        "in writing within 48h\n",
        "NH",
    );
    assert!(
        text.contains("in writing within 48h if requested → must_report within immediately, in writing within 48h (NH.child_abuse_any_person)"),
        "{text}"
    );
    assert!(
        nh.iter()
            .all(|c| c["old"]["written_within"] == "48h if requested"
                && c["new"]["written_within"] == "48h"),
        "{nh:?}"
    );
}

#[test]
fn diff_between_git_revisions() {
    let repo = temp_dir("git");
    copy_dir(Path::new("policies"), &repo.join("policies"));
    let git = |args: &[&str]| {
        let s = std::process::Command::new("git")
            .current_dir(&repo)
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            s.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&s.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qm",
        "base",
    ]);
    let ny = repo.join("policies/states/ny.policy");
    let text = std::fs::read_to_string(&ny).expect("read");
    std::fs::write(
        &ny,
        text.replacen(
            "concern == subpoena\n",
            "concern == subpoena and role != counselor\n",
            1,
        ),
    )
    .expect("write");
    let bin = env!("CARGO_BIN_EXE_mandate");
    let out = std::process::Command::new(bin)
        .current_dir(&repo)
        .args(["diff", "HEAD"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Counselors now fall back to HIPAA: with assurances the decision flips,
    // without them only the citations change.
    assert!(text.contains("NY: concern = subpoena, role = counselor, subpoena_assurances: must_not_disclose → may_disclose to [requester] (US.subpoena_with_assurances)"), "{text}");
    assert!(text.contains("NY: concern = subpoena, role = counselor, not subpoena_assurances: must_not_disclose → must_not_disclose (US.subpoena); cites"), "{text}");
    let bad = std::process::Command::new(bin)
        .current_dir(&repo)
        .args(["diff", "no-such-rev"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let check = run(&[
        "check",
        "tests/fixtures/compile/err/E017-conflict.policy",
        "--format",
        "sarif",
    ]);
    assert_eq!(check.exit, Exit::Findings);
    let v = assert_valid_sarif(&check.out);
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "E017");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/compile/err/E017-conflict.policy"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        18
    );
    let test = run(&[
        "test",
        "tests/fixtures/test/err/E023-test-failed.policy",
        "--format",
        "sarif",
    ]);
    let v = assert_valid_sarif(&test.out);
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "E023");
    let changed = corpus_with_one_change("sarif");
    let diff = run(&[
        "diff",
        "policies",
        changed.to_str().expect("utf-8"),
        "--format",
        "sarif",
    ]);
    let v = assert_valid_sarif(&diff.out);
    assert_eq!(
        v["runs"][0]["results"].as_array().expect("results").len(),
        1
    );
    assert_valid_sarif(&run(&["check", "policies", "--format", "sarif"]).out);
    // The validator bites: a driver without a name, a level that does not exist.
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let bad = serde_json::json!({ "version": "2.1.0", "runs": [{ "tool": { "driver": {} }, "results": [{ "level": "fatal", "message": { "text": "x" } }] }] });
    assert!(validator.iter_errors(&bad).count() >= 2);
}

#[test]
fn github_annotations() {
    let r = run(&[
        "check",
        "tests/fixtures/compile/err/E017-conflict.policy",
        "--format",
        "github",
    ]);
    let first = r.out.lines().next().expect("an annotation");
    assert!(
        first.starts_with(
            "::error file=tests/fixtures/compile/err/E017-conflict.policy,line=18,col=8,"
        ),
        "{first}"
    );
    assert!(
        first.contains("title=E017::rules `duty_to_protect` and `threat_permitted` conflict"),
        "{first}"
    );
    assert!(
        !first.contains('\n') && first.contains("%0A"),
        "newlines escaped: {first}"
    );
    let w = run(&[
        "check",
        "tests/fixtures/compile/err/W001-dead-rule.policy",
        "--format",
        "github",
    ]);
    assert!(
        w.out
            .lines()
            .any(|l| l.starts_with("::warning ") && l.contains("title=W001")),
        "{}",
        w.out
    );
}

#[test]
fn lints_are_reported_denied_and_dated() {
    // The shipped corpus is clean on its review date and goes stale a year later.
    assert_eq!(
        run(&[
            "check",
            "policies",
            "--today",
            "2026-12-01",
            "--deny-warnings"
        ])
        .exit,
        Exit::Ok
    );
    let later = run(&["check", "policies", "--today", "2028-01-01"]);
    assert_eq!(later.exit, Exit::Ok, "warnings alone do not fail");
    assert!(
        later.out.contains("W006") && later.out.contains("`CA` was last reviewed 2026-12-01"),
        "{}",
        later.out
    );
    assert_eq!(
        run(&[
            "check",
            "policies",
            "--today",
            "2028-01-01",
            "--deny",
            "W006"
        ])
        .exit,
        Exit::Findings
    );
    assert_eq!(
        run(&["check", "policies", "--today", "2026-13-01"]).exit,
        Exit::Usage
    );
    // Unverified rules are counted, and denied on request.
    let plain = run(&["check", "policies", "--today", "2026-11-27"]);
    assert!(plain.out.contains("unverified)"), "{}", plain.out);
    assert!(!plain.out.contains("W007"));
    let denied = run(&[
        "check",
        "policies",
        "--today",
        "2026-11-27",
        "--deny",
        "unverified",
    ]);
    assert_eq!(denied.exit, Exit::Findings);
    assert!(denied.out.contains("W007"), "{}", denied.out);
    assert_eq!(
        run(&["check", "policies", "--deny", "W999"]).exit,
        Exit::Usage
    );
    // Each lint code is documented.
    for code in [
        "W001", "W002", "W003", "W004", "W005", "W006", "W007", "E025",
    ] {
        let e = run(&["explain", code]);
        assert_eq!(e.exit, Exit::Ok);
        assert!(e.out.contains("Fix:"), "{code} explains the fix: {}", e.out);
    }
}

#[test]
fn coverage_lists_what_no_test_reaches() {
    let full = run(&["test", "policies", "--coverage"]);
    assert_eq!(full.exit, Exit::Ok);
    assert!(full.out.contains("(100.0%)"), "{}", full.out);
    let fixture = "tests/fixtures/lint/err/W005-untested-rule.policy";
    let low = run(&["test", fixture, "--min-coverage", "100"]);
    assert_eq!(low.exit, Exit::Findings, "{}", low.out);
    assert!(
        low.out.contains("CA.child_abuse"),
        "lists the uncovered row: {}",
        low.out
    );
    assert!(low.out.contains("below the minimum of 100%"), "{}", low.out);
    assert_eq!(
        run(&["test", fixture, "--min-coverage", "0"]).exit,
        Exit::Ok
    );
    let j = run(&["test", fixture, "--coverage", "--format", "json"]);
    let v = json(&j.out);
    assert_eq!(
        v["coverage"]["jurisdictions"]
            .as_array()
            .expect("per jurisdiction")
            .iter()
            .find(|x| x["jurisdiction"] == "CA")
            .expect("CA")["covered_rows"],
        0
    );
    assert_eq!(
        run(&["test", fixture, "--min-coverage", "101"]).exit,
        Exit::Usage
    );
}

#[test]
fn failed_test_shows_the_trace() {
    let r = run(&["test", "tests/fixtures/test/err/E023-test-failed.policy"]);
    assert!(r.out.contains("decided by CA.child_abuse"), "{}", r.out);
    assert!(r.out.contains("held: victim_age <= 17"), "{}", r.out);
    assert!(r.out.contains("§ 11166(a)"), "cites the statute: {}", r.out);
}

#[test]
fn the_documented_workflow_stays_green_on_an_unchanged_repository_a_year_later() {
    let doc = std::fs::read_to_string("docs/ci.md").expect("docs/ci.md");
    let checks: Vec<Vec<&str>> = doc
        .lines()
        .filter_map(|l| l.split("target/release/mandate check").nth(1))
        .map(|rest| rest.split_whitespace().take_while(|w| *w != ">").collect())
        .collect();
    assert!(!checks.is_empty(), "the workflow runs `mandate check`");
    for args in checks {
        let mut argv = vec!["check", "policies", "--today", "2028-06-01"];
        argv.extend(args.iter().copied());
        let r = run(&argv);
        assert_eq!(r.exit, Exit::Ok, "mandate {}:\n{}", argv.join(" "), r.out);
    }
    // A stale review is still reported, and fails when denied by name.
    let named = run(&[
        "check",
        "policies",
        "--today",
        "2028-06-01",
        "--deny-warnings",
        "--deny",
        "W006",
    ]);
    assert_eq!(named.exit, Exit::Findings);
}

#[test]
fn authoring_commands_never_fall_back_to_the_built_in_corpus() {
    let empty = common::temp_dir("no-policies");
    for cmd in [
        &["check"][..],
        &["test"],
        &["compile", "-o", "-"],
        &["fmt", "--check"],
    ] {
        let r = std::process::Command::new(env!("CARGO_BIN_EXE_mandate"))
            .args(cmd)
            .current_dir(&empty)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{cmd:?}: {stderr}");
        assert!(stderr.contains("no ./policies"), "{cmd:?}: {stderr}");
    }
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_mandate"))
        .args(["check", "--builtin", "--format", "json"])
        .current_dir(&empty)
        .output()
        .expect("runs");
    assert_eq!(r.status.code(), Some(0));
    let doc = common::json(&String::from_utf8_lossy(&r.stdout));
    assert!(doc["corpus"]["origin"]
        .as_str()
        .is_some_and(|o| o.starts_with("built-in, mandate ")));
    assert!(doc["corpus"]["hash"]
        .as_str()
        .is_some_and(|h| h.starts_with("sha256:")));
    let _ = std::fs::remove_dir_all(&empty);
}

#[test]
fn every_answer_and_report_says_which_corpus_it_used() {
    let text = run(&["check", "policies"]);
    assert!(
        text.out.contains("\npolicies: policies (sha256:"),
        "{}",
        text.out
    );
    let tests = run(&["test", "--policies", "policies", "--format", "json"]);
    assert_eq!(common::json(&tests.out)["corpus"]["origin"], "policies");
    let decided = run(&[
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=subpoena",
        "--format",
        "json",
    ]);
    let answer = common::json(&decided.out);
    assert!(answer["corpus"]["origin"]
        .as_str()
        .is_some_and(|o| o.starts_with("built-in")));
    let broken = common::temp_dir("broken-policies");
    std::fs::write(broken.join("vacation.txt"), "not a policy").expect("write");
    let r = run(&[
        "decide",
        "-j",
        "CA",
        "--fact",
        "concern=subpoena",
        "--policies",
        broken.to_str().expect("utf-8"),
    ]);
    assert_eq!(r.exit, Exit::Usage);
    assert!(r.err.contains("contains no .policy files"), "{}", r.err);
    let _ = std::fs::remove_dir_all(&broken);
}

#[test]
fn check_and_coverage_count_the_same_rules() {
    let check = run(&["check", "policies", "--today", "2026-12-01"]);
    let rules: usize = check
        .out
        .lines()
        .find_map(|l| l.split(" jurisdiction(s), ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("check counts rules");
    let cov = json(&run(&["test", "policies", "--coverage", "--format", "json"]).out);
    assert_eq!(cov["coverage"]["rules"], rules, "the same `rule` blocks");
    // The federal default is a row of its own, not a rule.
    assert_eq!(cov["coverage"]["defaults"], 1);
    let text = run(&["test", "policies", "--coverage"]);
    assert!(
        text.out
            .contains(&format!("{rules}/{rules} rules and 1/1 defaults exercised")),
        "{}",
        text.out
    );
}
