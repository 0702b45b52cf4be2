//! Every error in one run: the parser recovers at the next item, files
//! that parsed are checked beside files that did not, warnings show beside
//! errors, and errors caused by an earlier error are not reported.

mod common;

use mandate::diag::{render_all, Code};
use mandate::pipeline::Analysis;
use std::path::Path;

/// A corpus of the shipped schema and federal baseline plus `states`.
fn analyse(name: &str, states: &[(&str, &str)]) -> Analysis {
    let dir = common::temp_dir(name);
    std::fs::create_dir_all(dir.join("states")).expect("mkdir");
    for f in ["schema.policy", "federal.policy"] {
        std::fs::copy(Path::new("policies").join(f), dir.join(f)).expect("copy");
    }
    for (file, text) in states {
        std::fs::write(dir.join("states").join(file), text).expect("write");
    }
    let loaded = mandate::loader::load(&dir).expect("loads");
    let opts = mandate::lint::Options::on(2026, 11, 27);
    let a = mandate::pipeline::analyse_with(loaded.sources, loaded.diags, &opts);
    let _ = std::fs::remove_dir_all(&dir);
    a
}

fn codes(a: &Analysis) -> Vec<&'static str> {
    a.diags.iter().map(|d| d.code.as_str()).collect()
}

fn report(a: &Analysis) -> String {
    // Temp paths differ per run; keep the snapshot stable.
    let text = render_all(&a.diags, &a.sources);
    let dir = text
        .lines()
        .find_map(|l| l.split("╭─[").nth(1))
        .and_then(|p| p.split("/states/").next())
        .map(str::to_string);
    match dir {
        Some(d) => text.replace(&d, "CORPUS"),
        None => text,
    }
}

const UNTESTED: &str = r#"jurisdiction XA "Untested" extends US {
  reviewed 2026-11-01
  source "test corpus"
  rule child {
    when concern == child_abuse and victim_age < 18
    then must_report to [child_protective_services]
    cite "XA 1"
  }
}
"#;

#[test]
fn one_syntax_error_two_type_errors_and_a_warning_in_one_run() {
    let a = analyse(
        "four-at-once",
        &[
            ("xa.policy", UNTESTED),
            (
                "xb.policy",
                "jurisdiction XB \"Broken\" extends US {\n  rule r {\n    when concern == child_abuse\n    then must_report\n    cite \"XB 1\n  }\n}\n",
            ),
            (
                "xc.policy",
                "jurisdiction XC \"Typo\" extends US {\n  reviewed 2026-11-01\n  source \"t\"\n  rule r {\n    when concern == child_abus\n    then must_report\n    cite \"XC 1\"\n  }\n}\n",
            ),
            (
                "xd.policy",
                "jurisdiction XD \"Typo\" extends US {\n  reviewed 2026-11-01\n  source \"t\"\n  rule r {\n    when victm_age > 3\n    then may_disclose\n    cite \"XD 1\"\n  }\n}\n",
            ),
        ],
    );
    let mut got = codes(&a);
    got.sort();
    assert_eq!(got, ["E001", "E002", "E003", "W005"], "{}", report(&a));
    assert_eq!(a.errors(), 3);
    assert_eq!(a.warnings(), 1);
    assert!(a.tables.is_none(), "no answers from a corpus with errors");
}

#[test]
fn the_parser_resumes_at_the_next_item_of_the_same_file() {
    let text = r#"jurisdiction XE "Several" extends US {
  reviewed 2026-11-01
  source "t"

  rule misspelled_keyword {
    when concern == child_abuse and victim_age < 18
    then must_report to [child_protective_services]
    cit "XE 1"
  }

  rule open_string {
    when concern == elder_abuse
    then must_report to [adult_protective_services]
    cite "XE 2
  }

  rule missing_brace {
    when concern == danger_to_self
    then may_disclose
    cite "XE 3"

  rule after_the_breaks {
    when concern == danger_to_others and victm_age > 3
    then may_disclose
    cite "XE 4"
  }

  test "kid" {
    given concern = child_abuse, victim_age = 5
    expect must_report by misspelled_keyword
  }
}
"#;
    let a = analyse("resume", &[("xe.policy", text)]);
    assert_eq!(
        codes(&a),
        ["E001", "E001", "E001", "E002"],
        "{}",
        report(&a)
    );
    let helps: Vec<&str> = a.diags.iter().filter_map(|d| d.help.as_deref()).collect();
    assert!(helps[0].contains("did you mean `cite`?"), "{helps:?}");
    assert!(
        a.diags[1].message.contains("unterminated string"),
        "{}",
        a.diags[1].message
    );
    assert!(helps[2].contains("missing `}`"), "{helps:?}");
    // The test names a rule that did not parse: fixing the rule fixes the
    // test, so no E006 is reported.
    assert!(!codes(&a).contains(&Code::UnknownRule.as_str()));
    insta::assert_snapshot!("resume", report(&a));
}

#[test]
fn an_error_inside_a_rule_does_not_make_its_name_unknown() {
    let text = r#"jurisdiction XF "Follow-on" extends US {
  reviewed 2026-11-01
  source "t"
  rule child_abuse {
    when concern == child_abuse and victim_age < 18
    then must_report to [child_protective_services] within immediatly
    cite "XF 1"
  }
  test "kid" {
    given concern = child_abuse, victim_age = 5
    expect must_report by child_abuse
  }
}
"#;
    let a = analyse("follow-on", &[("xf.policy", text)]);
    assert_eq!(codes(&a), ["E014"], "{}", report(&a));
}

#[test]
fn an_allow_without_a_reason_is_e025_not_a_syntax_error() {
    let text = UNTESTED.replace("    cite \"XA 1\"\n", "    cite \"XA 1\"\n    allow W005\n");
    let a = analyse("allow", &[("xa.policy", &text)]);
    let errors: Vec<_> = a.diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{}", report(&a));
    assert_eq!(errors[0].code, Code::InvalidAllow);
    assert!(errors[0].message.contains("gives no reason"));
}

#[test]
fn a_broken_jurisdiction_header_hides_nothing_else_and_invents_nothing() {
    // XG's header is broken, so its rules belong nowhere; XH extends it and
    // must not be told that XG does not exist.
    let a = analyse(
        "header",
        &[
            ("xg.policy", "jurisdiction XG extends US {\n  rule r {\n    when concern == subpoena\n    then may_disclose\n    cite \"XG 1\"\n  }\n}\n"),
            ("xh.policy", "jurisdiction XH \"Child\" extends XG {\n  reviewed 2026-11-01\n  source \"t\"\n}\n"),
        ],
    );
    assert_eq!(codes(&a), ["E001"], "{}", report(&a));
}
