//! What users see, end to end: exit code, stdout and stderr of the
//! commands on a small fixture corpus, recorded together.

mod common;

use common::transcript as run;

const FIXTURE: &str = "tests/fixtures/compile/ok/inheritance.policy";

#[test]
fn cli_snapshots() {
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "decide_text",
            vec![
                "decide",
                "-j",
                "ca",
                "--policies",
                FIXTURE,
                "--fact",
                "concern=child_abuse",
                "--fact",
                "victim_age=9",
            ],
        ),
        (
            "decide_explain",
            vec![
                "decide",
                "-j",
                "CA",
                "--policies",
                FIXTURE,
                "--fact",
                "concern=danger_to_others",
                "--fact",
                "threat_serious=true",
                "--explain",
            ],
        ),
        (
            "decide_json",
            vec![
                "decide",
                "-j",
                "CA",
                "--policies",
                FIXTURE,
                "--fact",
                "concern=child_abuse",
                "--fact",
                "victim_age=17",
                "--format",
                "json",
            ],
        ),
        (
            "decide_missing_fact",
            vec![
                "decide",
                "-j",
                "CA",
                "--policies",
                FIXTURE,
                "--fact",
                "concern=child_abuse",
            ],
        ),
        (
            "decide_unknown_value",
            vec![
                "decide",
                "-j",
                "CA",
                "--policies",
                FIXTURE,
                "--fact",
                "concern=child_abus",
            ],
        ),
        (
            "table_markdown",
            vec!["table", "CA", "--policies", FIXTURE, "--format", "markdown"],
        ),
        (
            "check_conflict",
            vec![
                "check",
                "tests/fixtures/compile/err/E017-conflict.policy",
                "--today",
                "2026-11-27",
            ],
        ),
        (
            "test_failure",
            vec!["test", "tests/fixtures/test/err/E023-test-failed.policy"],
        ),
    ];
    for (name, args) in cases {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("cli__{name}"), run(&args));
        });
    }
}
