//! Whole-corpus promises: every state and DC is present,
//! decides child abuse with its own rule and has a duty-to-warn position,
//! and docs/coverage.md is the matrix of the current corpus.

use mandate::matrix::matrix;
use mandate::syntax::ast::Action;

const CODES: [&str; 51] = [
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN",
    "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ",
    "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA",
    "WI", "WV", "WY",
];

/// The day docs/coverage.md describes.
const COVERAGE_AS_OF: &str = "2026-12-01";

fn tables() -> mandate::table::Tables {
    let loaded = mandate::loader::embedded();
    let a = mandate::pipeline::analyse(loaded.sources, loaded.diags);
    assert_eq!(
        a.errors(),
        0,
        "{}",
        mandate::diag::render_all(&a.diags, &a.sources)
    );
    a.tables.expect("tables")
}

#[test]
fn all_fifty_states_and_dc_extend_the_federal_baseline() {
    let t = tables();
    for code in CODES {
        let table = t.get(code).unwrap_or_else(|| panic!("{code} is missing"));
        assert_eq!(
            table.chain,
            vec![code.to_string(), "US".to_string()],
            "{code} extends US"
        );
    }
    assert_eq!(t.tables.len(), 52, "51 jurisdictions plus US");
}

#[test]
fn every_state_reports_child_abuse_by_its_own_rule_and_has_a_duty_to_warn_position() {
    let t = tables();
    let m = matrix(&t).expect("matrix");
    let child = m
        .concerns
        .iter()
        .position(|c| c == "child_abuse")
        .expect("child_abuse concern");
    for row in m.rows.iter().filter(|r| r.jurisdiction != "US") {
        let cell = &row.cells[child];
        assert!(
            cell.actions.contains(&(Action::MustReport, true)),
            "{}: child abuse is not a mandated report by its own rule: {cell:?}",
            row.jurisdiction
        );
        assert!(
            !row.duty_to_warn.actions.is_empty(),
            "{} has no duty-to-warn decision",
            row.jurisdiction
        );
    }
}

#[test]
fn coverage_doc_is_current() {
    // The law in force on a fixed day, so the page does not go stale by
    // itself when a dated rule takes effect.
    let mut t = tables();
    let col = t.date_column().expect("the schema has as_of");
    let day = mandate::table::parse_date(COVERAGE_AS_OF).expect("a date");
    t.tables = t.tables.iter().map(|x| x.at(col, day)).collect();
    let m = matrix(&t).expect("matrix");
    let want = mandate::matrix::render_markdown(&m);
    let have = std::fs::read_to_string("docs/coverage.md").unwrap_or_default();
    assert!(have == want, "docs/coverage.md is stale: run `cargo run -- jurisdictions --matrix --format markdown --policies policies --as-of {COVERAGE_AS_OF} > docs/coverage.md`");
}

#[test]
fn codes_doc_is_current() {
    let want = mandate::diag::codes_markdown();
    let have = std::fs::read_to_string("docs/codes.md").unwrap_or_default();
    assert!(
        have == want,
        "docs/codes.md is stale: run `cargo run -- explain --format markdown > docs/codes.md`"
    );
}

/// Every state tests both sides of its child-abuse age boundary: the
/// oldest age its own child-abuse rule reaches, and one year more.
#[test]
fn every_state_tests_its_child_age_boundary() {
    let loaded = mandate::loader::embedded();
    let a = mandate::pipeline::analyse(loaded.sources, loaded.diags);
    let (program, tables) = (a.program.expect("program"), a.tables.expect("tables"));
    let schema = &program.schema;
    let concern = schema.fact_index("concern").expect("concern");
    let age = schema.fact_index("victim_age").expect("victim_age");
    let mandate::check::FactType::Enum(e) = schema.facts[concern].ty else {
        panic!("concern is an enum")
    };
    let child = schema.enums[e]
        .variants
        .iter()
        .position(|v| v.name == "child_abuse")
        .expect("child_abuse") as i64;
    for j in program.jurisdictions.iter().filter(|j| j.code != "US") {
        let table = tables.get(&j.code).expect("table");
        // Highest age reached by the state's own child-abuse rows about
        // children (their ages start at 0; rules for adults disclosing
        // childhood abuse start at 18 and have no child boundary).
        let top = table
            .rows
            .iter()
            .filter(|r| table.outcomes[r.outcome as usize].jurisdiction == j.code)
            .filter(|r| {
                r.tests
                    .iter()
                    .any(|t| t.col as usize == concern && t.set.contains(child))
            })
            .filter_map(|r| {
                r.tests
                    .iter()
                    .find(|t| t.col as usize == age)
                    .map(|t| t.set)
            })
            .filter_map(|s| match s {
                mandate::table::Set::Range(0, hi) => Some(hi),
                _ => None,
            })
            .max()
            .unwrap_or_else(|| panic!("{} has no child-abuse rule with an age", j.code));
        let tested = |v: i64| {
            j.tests
                .iter()
                .any(|t| t.given.contains(&(concern, child)) && t.given.contains(&(age, v)))
        };
        assert!(
            tested(top) && tested(top + 1),
            "{}: no test at the child-abuse boundary {top}/{}",
            j.code,
            top + 1
        );
    }
}

/// docs/sources.md gives each jurisdiction's rule and unverified counts and
/// names every unverified rule: when a mark is cleared or added, the page
/// that says what remains unverified and why changes with it.
#[test]
fn sources_md_counts_and_names_every_unverified_rule() {
    use std::collections::{BTreeMap, BTreeSet};
    let t = tables();
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/sources.md"))
        .expect("docs/sources.md");
    let mut rules: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut unverified: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for o in t.tables.iter().flat_map(|table| &table.outcomes) {
        let Some((code, name)) = o.rule.split_once('.') else {
            continue;
        };
        if code == "US" || name == "default" {
            continue;
        }
        rules.entry(code).or_default().insert(name);
        if o.unverified.is_some() {
            unverified.entry(code).or_default().insert(name);
        }
    }
    for code in CODES {
        let start = doc
            .find(&format!("\n### {code} "))
            .unwrap_or_else(|| panic!("docs/sources.md has no section for {code}"));
        let rest = &doc[start + 1..];
        let section = &rest[..rest[4..].find("\n### ").map_or(rest.len(), |e| e + 4)];
        // Lines are wrapped anywhere: compare with single spaces.
        let section = section.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = rules.get(code).map_or(0, BTreeSet::len);
        let u = unverified.get(code).map_or(0, BTreeSet::len);
        let counts = format!(" {n} rule{}, {u} unverified", if n == 1 { "" } else { "s" });
        assert!(
            section.contains(&counts),
            "docs/sources.md, {code}: the counts should read `{counts}`"
        );
        for name in unverified.get(code).into_iter().flatten() {
            assert!(
                section.contains(&format!("`{name}`")),
                "docs/sources.md, {code}: `{name}` is unverified but not listed"
            );
        }
    }
}
