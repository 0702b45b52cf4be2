//! The compiled tables agree with a direct interpreter of DESIGN.md §3 on
//! random complete facts, for every shipped jurisdiction.

use mandate::table::{ColumnType, Facts, Tables};
use proptest::prelude::*;

/// Analysed once: proptest calls the body many times.
fn shipped() -> &'static (mandate::check::Program, Tables) {
    static SHIPPED: std::sync::OnceLock<(mandate::check::Program, Tables)> =
        std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| {
        let loaded = mandate::corpus::embedded();
        let a = mandate::analyse(loaded.sources, loaded.diags);
        assert_eq!(
            a.errors(),
            0,
            "{}",
            mandate::diag::render_all(&a.diags, &a.sources)
        );
        (a.program.expect("program"), a.tables.expect("tables"))
    })
}

/// One value per column, drawn from its whole domain.
fn facts_strategy(tables: &Tables) -> impl Strategy<Value = Vec<i64>> {
    let parts: Vec<BoxedStrategy<i64>> = tables
        .columns
        .iter()
        .map(|c| match &c.ty {
            ColumnType::Bool => (0i64..=1).boxed(),
            ColumnType::Int { lo, hi } => (*lo..=*hi).boxed(),
            ColumnType::Enum { variants, .. } => (0..variants.len() as i64).boxed(),
        })
        .collect();
    parts
}

fn hours(d: &Option<String>) -> Option<u64> {
    d.as_deref().and_then(mandate::check::duration_hours)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn tables_agree_with_the_interpreter(values in facts_strategy(&shipped().1)) {
        let (program, tables) = shipped();
        for (j, jur) in program.jurisdictions.iter().enumerate() {
            let table = tables.get(&jur.code).expect("table per jurisdiction");
            let mut facts = Facts::defaults(&tables.columns);
            for (c, v) in values.iter().enumerate() {
                facts.set(c, *v);
            }
            let decided = tables.decide(table, &facts).expect("complete facts always decide");
            let got = table.outcome(&decided);
            let want = mandate::interp::interpret(program, j, &values);
            match &want.decision {
                None => {
                    prop_assert!(got.rule.ends_with(".default"), "{}: table chose {} but no rule matches", jur.code, got.rule);
                    prop_assert_eq!(Some(got.action), want.default_action);
                }
                Some(d) => {
                    prop_assert!(want.winners.contains(&got.rule), "{}: table chose {}, interpreter {:?}", jur.code, got.rule, want.winners);
                    prop_assert_eq!(got.action, d.action);
                    let names: Vec<String> = d.to.iter().map(|&r| program.schema.recipients().variants[r].name.clone()).collect();
                    prop_assert_eq!(&got.to, &names);
                    prop_assert_eq!(hours(&got.within), d.within.as_ref().map(|x| x.hours));
                    prop_assert_eq!(hours(&got.written_within), d.written.as_ref().map(|x| x.hours));
                }
            }
        }
    }
}

#[test]
fn every_shipped_policy_test_passes() {
    let (program, tables) = shipped();
    let results = mandate::testing::run(program, tables);
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.outcome.is_err())
        .map(|r| format!("{} \"{}\": {:?}", r.jurisdiction, r.name, r.outcome))
        .collect();
    assert!(
        failed.is_empty(),
        "{} failing policy tests:\n{}",
        failed.len(),
        failed.join("\n")
    );
    // Every jurisdiction carries tests of its own.
    for j in &program.jurisdictions {
        assert!(
            results.iter().any(|r| r.jurisdiction == j.code),
            "{} has no tests",
            j.code
        );
    }
}

#[test]
fn every_rule_cites_and_every_file_is_dated() {
    let (program, _) = shipped();
    for j in &program.jurisdictions {
        assert!(j.reviewed.is_some(), "{} has no `reviewed` date", j.code);
        assert!(!j.sources.is_empty(), "{} names no sources", j.code);
        for r in &j.rules {
            assert!(
                r.cites.iter().all(|c| !c.trim().is_empty()) && !r.cites.is_empty(),
                "{}.{} has no citation",
                j.code,
                r.name
            );
        }
    }
}

/// The decision-tree index answers exactly like the plain first-match scan,
/// on the shipped corpus and on a large synthetic jurisdiction, with
/// complete facts and with facts missing.
#[test]
fn the_index_agrees_with_the_plain_evaluator() {
    let mut loaded = mandate::corpus::embedded();
    loaded.sources.add(
        "synthetic.policy",
        mandate::synthetic::jurisdiction(2000, 11),
    );
    let a = mandate::analyse(loaded.sources, loaded.diags);
    assert_eq!(
        a.errors(),
        0,
        "{}",
        mandate::diag::render_all(&a.diags, &a.sources)
    );
    let tables = a.tables.expect("tables");
    let decider = tables.decider();
    let mut rng = mandate::synthetic::Rng::new(42);
    let mut partial = 0;
    for round in 0..20_000 {
        let t = (rng.below(tables.tables.len() as u64)) as usize;
        let mut values = mandate::synthetic::facts(&tables.columns, &mut rng);
        if round % 4 == 0 {
            let hole = rng.below(values.len() as u64) as usize;
            values[hole] = None;
            partial += 1;
        }
        let plain = tables.tables[t].decide(&values);
        let fast = decider.decide(&tables, t, &values);
        assert_eq!(
            fast, plain,
            "{} on {values:?}",
            tables.tables[t].jurisdiction
        );
    }
    assert!(partial > 1000);
    assert!(tables.get("ZZ").expect("synthetic").rows.len() > 2000);
}
