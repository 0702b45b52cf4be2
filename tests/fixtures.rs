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
const LINTS: [Code; 6] = [
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

#[test]
fn err_fixtures_report_their_code() {
    for stage in ["syntax", "check", "compile", "lint", "test"] {
        for path in fixtures(stage, "err") {
            let name = stem(&path);
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
    }
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
