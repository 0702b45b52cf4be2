//! Fixture-driven snapshots, one folder per stage:
//! `tests/fixtures/<stage>/{ok,err}/*.policy`. An `err` fixture is named
//! after the code it must trigger (`E017-conflict.policy`); its snapshot is
//! the rendered report users see. Adding a case is adding a file and
//! reviewing the new snapshot.

use mandate::diag::{render_all, Code};
use std::path::{Path, PathBuf};

fn fixtures(stage: &str, kind: &str) -> Vec<PathBuf> {
    let dir = Path::new("tests/fixtures").join(stage).join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .collect();
    files.sort();
    files
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

/// Corpus-level lints: reported by every small fixture (unused
/// vocabulary, untested rules, review dates), so shown only in the
/// fixture named after them.
const LINTS: [Code; 8] = [
    Code::ExpiredRule,
    Code::ReviewBeforeChange,
    Code::Redundant,
    Code::UnusedVariant,
    Code::UnusedFact,
    Code::Untested,
    Code::StaleReview,
    Code::Unverified,
];

/// Analyse a fixture on a fixed date, keeping lint diagnostics only when
/// `keep` names them.
fn analyse(path: &Path) -> mandate::pipeline::Analysis {
    let loaded = mandate::loader::load(path).expect("fixture loads");
    let name = stem(path);
    let mut opts = mandate::lint::Options::on(2026, 11, 27);
    opts.deny_unverified = name.starts_with("W007");
    let mut a = mandate::pipeline::analyse_with(loaded.sources, loaded.diags, &opts);
    a.diags
        .retain(|d| !LINTS.contains(&d.code) || name.starts_with(d.code.as_str()));
    a
}

/// Rendered failures of `test` blocks, as `mandate test` shows them.
fn test_report(a: &mandate::pipeline::Analysis) -> (Vec<Code>, String) {
    let (Some(p), Some(t)) = (&a.program, &a.tables) else {
        panic!("fixture must compile: {}", render_all(&a.diags, &a.sources))
    };
    let results = mandate::policy_tests::run(p, t);
    let diags: Vec<_> = results
        .iter()
        .filter(|r| r.outcome.is_err())
        .map(|r| r.diagnostic())
        .collect();
    let passed = results.len() - diags.len();
    (
        diags.iter().map(|d| d.code).collect(),
        format!(
            "{}\n{passed} passed, {} failed\n",
            render_all(&diags, &a.sources),
            diags.len()
        ),
    )
}

fn snapshot(name: &str, body: &str) {
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, body);
    });
}

/// One error fixture: it reports the code its name starts with, and its
/// rendering matches the snapshot.
fn err_fixture(stage: &str, name: &str) {
    let path = Path::new("tests/fixtures")
        .join(stage)
        .join("err")
        .join(format!("{name}.policy"));
    let code = Code::parse(name.split('-').next().expect("code prefix"))
        .unwrap_or_else(|| panic!("{name}: file name must start with a code"));
    let a = analyse(&path);
    let (codes, rendered) = if stage == "test" {
        test_report(&a)
    } else {
        (
            a.diags.iter().map(|d| d.code).collect(),
            render_all(&a.diags, &a.sources),
        )
    };
    assert!(
        codes.contains(&code),
        "{name}: expected {code}, got {codes:?}\n{rendered}"
    );
    snapshot(&format!("{stage}__err__{name}"), &rendered);
}

/// A test per fixture, so a failure names it and one can be run alone:
/// `cargo test --test fixtures check_e017`.
macro_rules! err_fixtures {
    ($($test:ident: $stage:literal, $name:literal;)*) => {
        $(
            #[test]
            fn $test() {
                err_fixture($stage, $name);
            }
        )*
        /// Every file in an `err` folder has its test above.
        #[test]
        fn every_err_fixture_has_a_test() {
            let listed = [$(concat!($stage, "/", $name)),*];
            for stage in ["syntax", "check", "compile", "lint", "test"] {
                for path in fixtures(stage, "err") {
                    let name = format!("{stage}/{}", stem(&path));
                    assert!(
                        listed.contains(&name.as_str()),
                        "{name} has no test: add it to err_fixtures! in tests/fixtures.rs"
                    );
                }
            }
        }
    };
}

err_fixtures! {
    syntax_e001_syntax: "syntax", "E001-syntax";
    syntax_e001_misspelled_effective: "syntax", "E001-misspelled-effective";
    syntax_e021_limit: "syntax", "E021-limit";
    syntax_e022_unreadable: "syntax", "E022-unreadable";
    syntax_w008_empty_file: "syntax", "W008-empty-file";
    check_e002_unknown_fact: "check", "E002-unknown-fact";
    check_e003_unknown_variant: "check", "E003-unknown-variant";
    check_e004_unknown_type: "check", "E004-unknown-type";
    check_e005_unknown_jurisdiction: "check", "E005-unknown-jurisdiction";
    check_e006_unknown_rule: "check", "E006-unknown-rule";
    check_e007_type_mismatch: "check", "E007-type-mismatch";
    check_e007_today_in_a_test: "check", "E007-today-in-a-test";
    check_e008_out_of_range: "check", "E008-out-of-range";
    check_e009_duplicate: "check", "E009-duplicate";
    check_e009_default_dates: "check", "E009-default-dates";
    check_e010_missing_cite: "check", "E010-missing-cite";
    check_e011_extends_cycle: "check", "E011-extends-cycle";
    check_e012_fact_comparison: "check", "E012-fact-comparison";
    check_e013_invalid_date: "check", "E013-invalid-date";
    check_e014_invalid_duration: "check", "E014-invalid-duration";
    check_e014_statute_words: "check", "E014-statute-words";
    check_e014_outer_limit: "check", "E014-outer-limit";
    check_e014_first_report_on_request: "check", "E014-first-report-on-request";
    check_e015_schema: "check", "E015-schema";
    check_e016_no_default: "check", "E016-no-default";
    check_e016_default_gap: "check", "E016-default-gap";
    check_e017_default_conflict: "check", "E017-default-conflict";
    check_e018_override_cycle: "check", "E018-override-cycle";
    check_e019_invalid_range: "check", "E019-invalid-range";
    check_e019_until_before_effective: "check", "E019-until-before-effective";
    check_e019_default_until_before_effective: "check", "E019-default-until-before-effective";
    check_e020_invalid_code: "check", "E020-invalid-code";
    check_e026_no_date_fact: "check", "E026-no-date-fact";
    check_e026_default_no_date_fact: "check", "E026-default-no-date-fact";
    check_e027_missing_jurisdiction: "check", "E027-missing-jurisdiction";
    compile_e017_conflict: "compile", "E017-conflict";
    compile_e017_dated_conflict: "compile", "E017-dated-conflict";
    compile_w001_dead_rule: "compile", "W001-dead-rule";
    lint_e025_invalid_allow: "lint", "E025-invalid-allow";
    lint_w002_redundant_rule: "lint", "W002-redundant-rule";
    lint_w003_unused_variant: "lint", "W003-unused-variant";
    lint_w004_unused_fact: "lint", "W004-unused-fact";
    lint_w005_untested_rule: "lint", "W005-untested-rule";
    lint_w006_stale_review: "lint", "W006-stale-review";
    lint_w007_unverified_rule: "lint", "W007-unverified-rule";
    lint_w009_expired_rule: "lint", "W009-expired-rule";
    lint_w009_expired_default: "lint", "W009-expired-default";
    lint_w010_review_before_change: "lint", "W010-review-before-change";
    lint_w010_default_review_before_change: "lint", "W010-default-review-before-change";
    test_e023_test_failed: "test", "E023-test-failed";
    test_e024_test_error: "test", "E024-test-error";
}

#[test]
fn every_code_has_a_fixture() {
    let mut names = Vec::new();
    for stage in ["syntax", "check", "compile", "lint", "test"] {
        names.extend(fixtures(stage, "err").iter().map(|p| stem(p)));
    }
    for code in Code::ALL {
        assert!(
            names.iter().any(|n| n.starts_with(code.as_str())),
            "code {code} ({}) has no fixture in tests/fixtures/*/err/",
            code.name()
        );
    }
}

#[test]
fn ok_fixtures() {
    for path in fixtures("syntax", "ok") {
        let loaded = mandate::loader::load(&path).expect("fixture loads");
        let ast =
            mandate::syntax::parse(&loaded.sources, mandate::source::FileId(0)).expect("parses");
        snapshot(
            &format!("syntax__ok__{}", stem(&path)),
            &format!("{ast:#?}"),
        );
        let a = analyse(&path);
        assert_eq!(a.errors(), 0, "{}", render_all(&a.diags, &a.sources));
    }
    for path in fixtures("check", "ok")
        .into_iter()
        .chain(fixtures("compile", "ok"))
    {
        let a = analyse(&path);
        assert!(a.diags.is_empty(), "{}", render_all(&a.diags, &a.sources));
        let tables = a.tables.as_ref().expect("compiles");
        let body: String = tables
            .tables
            .iter()
            .map(|t| mandate::table::render_table(tables, t, mandate::table::TableFormat::Text))
            .collect::<Vec<_>>()
            .join("\n");
        let stage = path
            .parent()
            .and_then(|p| p.parent())
            .and_then(|p| p.file_name())
            .expect("stage dir")
            .to_string_lossy()
            .into_owned();
        snapshot(&format!("{stage}__ok__{}", stem(&path)), &body);
    }
    for path in fixtures("lint", "ok") {
        let loaded = mandate::loader::load(&path).expect("fixture loads");
        let opts = mandate::lint::Options::on(2026, 11, 27);
        let a = mandate::pipeline::analyse_with(loaded.sources, loaded.diags, &opts);
        let rendered = render_all(&a.diags, &a.sources);
        assert!(
            a.diags.iter().all(|d| d.code == Code::Untested
                && d.primary()
                    .is_none_or(|p| a.sources.slice(p) != "child_abuse")),
            "allow suppresses: {rendered}"
        );
    }
    for path in fixtures("test", "ok") {
        let a = analyse(&path);
        let (codes, report) = test_report(&a);
        assert!(codes.is_empty(), "{report}");
        assert!(report.contains(" passed, 0 failed"), "{report}");
    }
}
