//! The compiled tables agree with a direct interpreter of the semantics (docs/language.md) on
//! random complete facts, for every shipped jurisdiction.

use mandate::table::{ColumnType, Facts, Tables};
use proptest::prelude::*;

/// Analysed once: proptest calls the body many times.
fn shipped() -> &'static (mandate::check::Program, Tables) {
    static SHIPPED: std::sync::OnceLock<(mandate::check::Program, Tables)> =
        std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| {
        let loaded = mandate::loader::embedded();
        let a = mandate::pipeline::analyse(loaded.sources, loaded.diags);
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
            ColumnType::Int { lo, hi } | ColumnType::Date { lo, hi } => (*lo..=*hi).boxed(),
            ColumnType::Enum { variants, .. } => (0..variants.len() as i64).boxed(),
        })
        .collect();
    parts
}

fn deadline(d: &Option<mandate::Duration>) -> Option<mandate::Deadline> {
    d.as_ref().map(mandate::Duration::deadline)
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
            let want = mandate::testkit::interp::interpret(program, j, &values);
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
                    prop_assert_eq!(deadline(&got.within), d.within.as_ref().map(|x| x.deadline()));
                    prop_assert_eq!(deadline(&got.written_within), d.written.as_ref().map(|x| x.deadline()));
                }
            }
        }
    }
}

#[test]
fn every_shipped_policy_test_passes() {
    let (program, tables) = shipped();
    let results = mandate::policy_tests::run(program, tables);
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
    let mut loaded = mandate::loader::embedded();
    loaded.sources.add(
        "synthetic.policy",
        mandate::testkit::synthetic::jurisdiction(2000, 11),
    );
    let a = mandate::pipeline::analyse(loaded.sources, loaded.diags);
    assert_eq!(
        a.errors(),
        0,
        "{}",
        mandate::diag::render_all(&a.diags, &a.sources)
    );
    let tables = a.tables.expect("tables");
    let decider = tables.decider();
    // All dense here; `the_tree_agrees_with_the_plain_evaluator` covers the tree.
    assert_eq!(
        decider.dense_tables(),
        tables.tables.len(),
        "these tables are small enough for dense blocks"
    );
    let mut rng = mandate::testkit::synthetic::Rng::new(42);
    let mut partial = 0;
    for round in 0..20_000 {
        let t = (rng.below(tables.tables.len() as u64)) as usize;
        let mut values = mandate::testkit::synthetic::facts(&tables.columns, &mut rng);
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

// ---------------------------------------------------------------------
// The same agreement on generated policies: a root jurisdiction and a
// child that extends it, with random conditions (and, or, not over every
// kind of fact), replaced rules and `overrides`.

const SCHEMA: &str = include_str!("../policies/schema.policy");
use mandate::testkit::synthetic::{CONCERNS, ROLES};
const FLAGS: [&str; 4] = [
    "threat_serious",
    "victim_identifiable",
    "threat_imminent",
    "victim_vulnerable",
];
const DECISIONS: [&str; 3] = [
    "must_report to [law_enforcement]",
    "may_disclose to [family]",
    "must_not_disclose",
];

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..8usize).prop_map(|c| format!("concern == {}", CONCERNS[c])),
        proptest::collection::vec(0..8usize, 1..4).prop_map(|cs| format!(
            "concern in [{}]",
            cs.iter()
                .map(|&c| CONCERNS[c])
                .collect::<Vec<_>>()
                .join(", ")
        )),
        (
            0..131i64,
            prop_oneof![
                Just("<"),
                Just("<="),
                Just(">"),
                Just(">="),
                Just("=="),
                Just("!=")
            ]
        )
            .prop_map(|(n, op)| format!("victim_age {op} {n}")),
        (0..131i64, 0..131i64).prop_map(|(a, b)| format!(
            "victim_age in {}..={}",
            a.min(b),
            a.max(b)
        )),
        (0..4usize).prop_map(|f| FLAGS[f].to_string()),
        (0..5usize).prop_map(|r| format!("role != {}", ROLES[r])),
    ]
}

fn condition() -> impl Strategy<Value = String> {
    atom().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(" and "))),
            proptest::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(" or "))),
            inner.prop_map(|c| format!("not ({c})")),
        ]
    })
}

/// (condition, decision, earlier rules it does *not* override, reuse a
/// parent's name). Rules override every earlier rule of their
/// jurisdiction but a few, so most generated policies are conflict-free
/// while some pairs stay unordered (same decision, or disjoint).
type RuleSpec = (String, usize, Vec<usize>, Option<usize>);

fn rules() -> impl Strategy<Value = Vec<RuleSpec>> {
    proptest::collection::vec(
        (
            condition(),
            0..3usize,
            proptest::collection::vec(0..6usize, 0..2),
            proptest::option::weighted(0.2, 0..6usize),
        ),
        1..6,
    )
}

fn render(parent: &[RuleSpec], child: &[RuleSpec]) -> String {
    let mut out = String::from("jurisdiction AA \"Root\" {\n  reviewed 2026-11-27\n  default must_not_disclose cite \"root\"\n");
    for (i, (cond, d, over, _)) in parent.iter().enumerate() {
        let over: Vec<String> = (0..i)
            .filter(|o| !over.contains(o))
            .map(|o| format!("p{o}"))
            .collect();
        let over = if over.is_empty() {
            String::new()
        } else {
            format!("  overrides {}\n", over.join(", "))
        };
        out.push_str(&format!(
            "  rule p{i} {{\n    when {cond}\n    then {}\n{over}    cite \"p{i}\"\n  }}\n",
            DECISIONS[*d]
        ));
    }
    out.push_str("}\njurisdiction BB \"Child\" extends AA {\n  reviewed 2026-11-27\n");
    for (i, (cond, d, over, reuse)) in child.iter().enumerate() {
        // A reused name replaces the parent's rule wholly.
        let name = match reuse {
            Some(p) if *p < parent.len() => format!("p{p}"),
            _ => format!("c{i}"),
        };
        let names: Vec<String> = (0..i)
            .map(|o| match &child[o].3 {
                Some(p) if *p < parent.len() => format!("p{p}"),
                _ => format!("c{o}"),
            })
            .collect();
        let over: Vec<String> = (0..i)
            .filter(|o| !over.contains(o))
            .map(|o| names[o].clone())
            .filter(|o| *o != name)
            .collect();
        let over = if over.is_empty() {
            String::new()
        } else {
            format!("  overrides {}\n", over.join(", "))
        };
        out.push_str(&format!(
            "  rule {name} {{\n    when {cond}\n    then {}\n{over}    cite \"{name}\"\n  }}\n",
            DECISIONS[*d]
        ));
    }
    out.push_str("}\n");
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn generated_policies_agree_with_the_interpreter(parent in rules(), child in rules(), seed in any::<u64>()) {
        let text = render(&parent, &child);
        let mut sources = mandate::source::Sources::new();
        sources.add("schema.policy", SCHEMA);
        sources.add("generated.policy", text.clone());
        let a = mandate::pipeline::analyse(sources, Vec::new());
        // Reused names, cycles and conflicts are refused by the checker and
        // compiler; agreement is only promised for what compiles.
        let (Some(program), Some(tables)) = (a.program.as_ref(), a.tables.as_ref()) else { return Ok(()) };
        let decider = tables.decider();
        let mut rng = mandate::testkit::synthetic::Rng::new(seed);
        for _ in 0..64 {
            let values = mandate::testkit::synthetic::facts(&tables.columns, &mut rng);
            let complete: Vec<i64> = values.iter().map(|v| v.expect("complete")).collect();
            for (j, jur) in program.jurisdictions.iter().enumerate() {
                let t = tables.tables.iter().position(|t| t.jurisdiction == jur.code).expect("table");
                let decided = tables.tables[t].decide(&values).expect("complete facts decide");
                prop_assert_eq!(decider.decide(tables, t, &values), Ok(decided), "index on {}", jur.code);
                let got = tables.tables[t].outcome(&decided);
                let want = mandate::testkit::interp::interpret(program, j, &complete);
                match &want.decision {
                    None => prop_assert!(got.rule.ends_with(".default"), "{}: {} vs default\n{}", jur.code, got.rule, text),
                    Some(_) => prop_assert!(want.winners.contains(&got.rule), "{}: table {} vs interpreter {:?}\n{}", jur.code, got.rule, want.winners, text),
                }
            }
        }
    }
}

/// The generator must produce policies that compile often enough for the
/// agreement above to mean something.
#[test]
fn generated_policies_mostly_compile() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut ok, total) = (0, 200);
    for _ in 0..total {
        let parent = rules().new_tree(&mut runner).expect("value").current();
        let child = rules().new_tree(&mut runner).expect("value").current();
        let mut sources = mandate::source::Sources::new();
        sources.add("schema.policy", SCHEMA);
        sources.add("generated.policy", render(&parent, &child));
        if mandate::pipeline::analyse(sources, Vec::new())
            .tables
            .is_some()
        {
            ok += 1;
        }
    }
    assert!(
        ok * 2 >= total,
        "only {ok} of {total} generated policies compile"
    );
}

/// ` overrides r0, …, r{i-1}` for rule `r{i}`: each rule beats every
/// earlier one, a total order, so generated rules never conflict.
fn overrides_all_before(i: usize) -> String {
    if i == 0 {
        return String::new();
    }
    let names: Vec<String> = (0..i).map(|k| format!("r{k}")).collect();
    format!(" overrides {}", names.join(", "))
}

/// The tables of one self-contained policy file, which must compile cleanly.
fn compiled(name: &str, text: String) -> mandate::table::Tables {
    let mut sources = mandate::source::Sources::new();
    sources.add(name, text);
    let a = mandate::pipeline::analyse(sources, Vec::new());
    assert_eq!(
        a.errors(),
        0,
        "{}",
        mandate::diag::render_all(&a.diags, &a.sources)
    );
    a.tables.expect("tables")
}

/// Tables too large for dense blocks (here: an integer domain of a million
/// values) take the decision tree, which must agree with the plain scan.
#[test]
fn the_tree_agrees_with_the_plain_evaluator() {
    let mut rng = mandate::testkit::synthetic::Rng::new(9);
    let mut text = String::from("schema { enum Recipient { court } enum Kind { a, b, c, d } fact n: int 0..=1000000 fact kind: Kind fact flag: bool = false }\njurisdiction US \"F\" { reviewed 2026-11-27 default must_not_disclose cite \"x\"\n");
    let actions = [
        "must_report to [court]",
        "may_disclose to [court]",
        "must_disclose to [court]",
    ];
    for i in 0..300 {
        let (a, b) = (rng.below(1_000_001) as i64, rng.below(1_000_001) as i64);
        let kind = ["a", "b", "c", "d"][rng.below(4) as usize];
        let flag = if rng.below(2) == 0 {
            "flag"
        } else {
            "not flag"
        };
        let over = overrides_all_before(i);
        text.push_str(&format!("rule r{i} {{ when n in {}..={} and kind == {kind} and {flag} then {}{over} cite \"x\" }}\n", a.min(b), a.max(b), actions[i % 3]));
    }
    text.push_str("}\n");
    let tables = compiled("wide.policy", text);
    let decider = tables.decider();
    assert_eq!(
        decider.dense_tables(),
        0,
        "a million-value domain is too wide for dense blocks"
    );
    for round in 0..20_000 {
        let mut values = vec![
            Some(rng.below(1_000_001) as i64),
            Some(rng.below(4) as i64),
            Some(rng.below(2) as i64),
        ];
        if round % 5 == 0 {
            values[rng.below(3) as usize] = None;
        }
        assert_eq!(
            decider.decide(&tables, 0, &values),
            tables.tables[0].decide(&values),
            "{values:?}"
        );
    }
}

/// A block may read many columns (here twelve flags under one `kind`): it
/// stays dense, and agrees with the plain scan on every combination of
/// the flags, and with some flags unknown.
#[test]
fn a_block_over_twelve_columns_is_dense_and_exact() {
    const FLAGS: usize = 12;
    let mut text =
        String::from("schema { enum Recipient { court } enum Kind { a, b } fact kind: Kind");
    for f in 0..FLAGS {
        text.push_str(&format!(" fact f{f}: bool = false"));
    }
    text.push_str(
        " }\njurisdiction US \"F\" { reviewed 2026-11-27 default must_not_disclose cite \"x\"\n",
    );
    let actions = ["must_report to [court]", "may_disclose to [court]"];
    for f in 0..FLAGS {
        let over = overrides_all_before(f);
        text.push_str(&format!(
            "rule r{f} {{ when kind == a and f{f} then {}{over} cite \"x\" }}\n",
            actions[f % 2]
        ));
    }
    text.push_str("}\n");
    let tables = compiled("flags.policy", text);
    let decider = tables.decider();
    assert_eq!(decider.dense_tables(), 1, "4,096 cells fit a dense block");
    let kind = tables
        .columns
        .iter()
        .position(|c| c.name == "kind")
        .expect("kind");
    let flag: Vec<usize> = (0..FLAGS)
        .map(|f| {
            tables
                .columns
                .iter()
                .position(|c| c.name == format!("f{f}"))
                .expect("flag")
        })
        .collect();
    let mut reported = 0;
    for k in 0..2 {
        for bits in 0..1u32 << FLAGS {
            let mut values = vec![None; tables.columns.len()];
            values[kind] = Some(k);
            for f in 0..FLAGS {
                values[flag[f]] = Some(i64::from(bits >> f & 1));
            }
            let want = tables.tables[0].decide(&values);
            assert_eq!(decider.decide(&tables, 0, &values), want, "{values:?}");
            reported += usize::from(want.is_ok_and(|d| d.row != tables.tables[0].rows.len() - 1));
            // The same with one flag unknown: exact either way.
            values[flag[bits as usize % FLAGS]] = None;
            assert_eq!(
                decider.decide(&tables, 0, &values),
                tables.tables[0].decide(&values),
                "{values:?}"
            );
        }
    }
    // Every combination with a flag set under `a` is decided by a rule.
    assert_eq!(reported, (1 << FLAGS) - 1);
}

// Dated rules: the same generated policies, each rule given an optional
// `effective` / `until` (and some conditions a comparison on `as_of`),
// decided on days around every boundary. The interpreter reads the dates
// from the rules themselves, not from the condition the checker builds.

const DAYS: [&str; 6] = [
    "2010-01-01",
    "2015-06-30",
    "2015-07-01",
    "2019-06-30",
    "2019-07-01",
    "2024-12-31",
];

/// Per rule: (effective, until) as indices into DAYS, ordered so the range
/// is never empty.
type DateSpec = (Option<usize>, Option<usize>);

fn date_specs() -> impl Strategy<Value = Vec<DateSpec>> {
    proptest::collection::vec(
        (
            proptest::option::weighted(0.5, 0..6usize),
            proptest::option::weighted(0.5, 0..6usize),
        )
            .prop_map(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
                other => other,
            }),
        12,
    )
}

/// `render`, with each rule's date clauses after its `then` line, in the
/// order the rules are written (parent first), and some conditions
/// narrowed by a comparison on `as_of`.
fn render_dated(parent: &[RuleSpec], child: &[RuleSpec], dates: &[DateSpec]) -> String {
    let mut out = String::new();
    let mut k = 0;
    for line in render(parent, child).lines() {
        if let Some(cond) = line.strip_prefix("    when ") {
            if k % 3 == 2 {
                out.push_str(&format!(
                    "    when ({cond}) and as_of < {}\n",
                    DAYS[k % DAYS.len()]
                ));
            } else {
                out.push_str(line);
                out.push('\n');
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line.starts_with("    then ") {
            let (eff, until) = dates.get(k).copied().unwrap_or((None, None));
            if let Some(e) = eff {
                out.push_str(&format!("    effective {}\n", DAYS[e]));
            }
            if let Some(u) = until {
                out.push_str(&format!("    until {}\n", DAYS[u]));
            }
            k += 1;
        }
    }
    out
}

/// Days worth trying: each boundary, the days either side, and a random day.
fn probe_days(rng: &mut mandate::testkit::synthetic::Rng) -> Vec<i64> {
    let mut days: Vec<i64> = DAYS
        .iter()
        .map(|d| mandate::table::parse_date(d).expect("a date"))
        .flat_map(|d| [d - 1, d, d + 1])
        .collect();
    let lo = mandate::table::parse_date("2005-01-01").expect("a date");
    days.push(lo + rng.below(9000) as i64);
    days
}

/// Decide a generated policy on the days around every boundary: tables,
/// index and the table sliced at the day agree with the interpreter, for
/// rules and for (dated) defaults alike. Policies that do not compile are
/// skipped: agreement is only promised for what compiles.
fn agrees_on_every_day(text: &str, seed: u64) -> Result<(), TestCaseError> {
    let mut sources = mandate::source::Sources::new();
    sources.add("schema.policy", SCHEMA);
    sources.add("generated.policy", text.to_string());
    let a = mandate::pipeline::analyse(sources, Vec::new());
    let (Some(program), Some(tables)) = (a.program.as_ref(), a.tables.as_ref()) else {
        return Ok(());
    };
    let col = tables.date_column().expect("as_of");
    let decider = tables.decider();
    let mut rng = mandate::testkit::synthetic::Rng::new(seed);
    for _ in 0..8 {
        let mut values = mandate::testkit::synthetic::facts(&tables.columns, &mut rng);
        for day in probe_days(&mut rng) {
            values[col] = Some(day);
            let complete: Vec<i64> = values.iter().map(|v| v.expect("complete")).collect();
            for (j, jur) in program.jurisdictions.iter().enumerate() {
                let t = tables
                    .tables
                    .iter()
                    .position(|t| t.jurisdiction == jur.code)
                    .expect("table");
                let decided = tables.tables[t]
                    .decide(&values)
                    .expect("complete facts decide");
                prop_assert_eq!(
                    decider.decide(tables, t, &values),
                    Ok(decided),
                    "index on {}",
                    jur.code
                );
                // The table sliced at the day decides the same.
                let sliced = tables.tables[t].at(col, day);
                let on_day = sliced.decide(&values).expect("complete facts decide");
                prop_assert_eq!(sliced.outcome(&on_day), tables.tables[t].outcome(&decided));
                let got = tables.tables[t].outcome(&decided);
                let want = mandate::testkit::interp::interpret(program, j, &complete);
                match &want.decision {
                    None => {
                        let (code, effective, until) =
                            want.default.clone().expect("every day has a default");
                        prop_assert_eq!(
                            &got.rule,
                            &format!("{code}.default"),
                            "{} on {}\n{}",
                            jur.code,
                            day,
                            text
                        );
                        prop_assert_eq!(
                            Some(got.action),
                            want.default_action,
                            "{} on {}\n{}",
                            jur.code,
                            day,
                            text
                        );
                        prop_assert_eq!(
                            (got.effective, got.until),
                            (effective, until),
                            "{} on {}\n{}",
                            jur.code,
                            day,
                            text
                        );
                    }
                    Some(_) => prop_assert!(
                        want.winners.contains(&got.rule),
                        "{}: table {} vs interpreter {:?}\n{}",
                        jur.code,
                        got.rule,
                        want.winners,
                        text
                    ),
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn dated_policies_agree_with_the_interpreter(parent in rules(), child in rules(), dates in date_specs(), seed in any::<u64>()) {
        agrees_on_every_day(&render_dated(&parent, &child, &dates), seed)?;
    }
}

// Dated defaults: the root's default is one undated default or two that
// meet at a boundary, and the child may add one of its own for some days;
// a day it does not cover falls to the root's.

const DEFAULT_ACTIONS: [&str; 3] = ["must_not_disclose", "may_disclose", "must_report"];

/// (root shape, the child's default: effective and until as indices into
/// DAYS, and an action).
type DefaultSpec = (usize, Option<(Option<usize>, Option<usize>, usize)>);

fn default_specs() -> impl Strategy<Value = DefaultSpec> {
    (
        0..3usize,
        proptest::option::weighted(
            0.7,
            (
                proptest::option::weighted(0.6, 0..6usize),
                proptest::option::weighted(0.6, 0..6usize),
                0..3usize,
            )
                .prop_map(|(a, b, act)| match (a, b) {
                    (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b)), act),
                    (a, b) => (a, b, act),
                }),
        ),
    )
}

fn render_defaults(text: &str, (root, child): &DefaultSpec) -> String {
    let root_lines = match root {
        0 => "  default must_not_disclose cite \"root\"\n".to_string(),
        1 => "  default must_not_disclose until 2015-06-30 cite \"root before\"\n  default may_disclose effective 2015-07-01 cite \"root after\"\n".to_string(),
        _ => "  default must_report effective 2019-07-01 cite \"root after\"\n  default must_not_disclose until 2019-06-30 cite \"root before\"\n".to_string(),
    };
    let mut out = text.replacen(
        "  default must_not_disclose cite \"root\"\n",
        &root_lines,
        1,
    );
    if let Some((eff, until, act)) = child {
        let mut line = format!("  default {}", DEFAULT_ACTIONS[*act]);
        if let Some(e) = eff {
            line.push_str(&format!(" effective {}", DAYS[*e]));
        }
        if let Some(u) = until {
            line.push_str(&format!(" until {}", DAYS[*u]));
        }
        line.push_str(" cite \"child\"\n");
        let head = "extends AA {\n  reviewed 2026-11-27\n";
        out = out.replacen(head, &format!("{head}{line}"), 1);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn dated_defaults_agree_with_the_interpreter(parent in rules(), child in rules(), dates in date_specs(), defaults in default_specs(), seed in any::<u64>()) {
        agrees_on_every_day(&render_defaults(&render_dated(&parent, &child, &dates), &defaults), seed)?;
    }
}

/// The generated dated defaults compile as often as the rules they sit
/// beside, and the defaults alone make some tables change with the date.
#[test]
fn generated_dated_defaults_compile_and_change_with_the_date() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut ok, mut dated, total) = (0, 0, 200);
    for _ in 0..total {
        let parent = rules().new_tree(&mut runner).expect("value").current();
        let child = rules().new_tree(&mut runner).expect("value").current();
        let defaults = default_specs()
            .new_tree(&mut runner)
            .expect("value")
            .current();
        let mut sources = mandate::source::Sources::new();
        sources.add("schema.policy", SCHEMA);
        sources.add(
            "generated.policy",
            render_defaults(&render(&parent, &child), &defaults),
        );
        if let Some(t) = mandate::pipeline::analyse(sources, Vec::new()).tables {
            ok += 1;
            // Undated rules only: a change with the date is the defaults'.
            let col = t.date_column().expect("as_of");
            if t.tables.iter().any(|x| !x.change_days(col).is_empty()) {
                dated += 1;
            }
        }
    }
    assert!(
        ok * 3 >= total,
        "only {ok} of {total} policies with dated defaults compile"
    );
    assert!(
        dated * 3 >= total,
        "only {dated} of {total} change with the date"
    );
}

/// Enough generated dated policies compile, and some of them really
/// decide differently on different days, for the agreement to mean
/// something.
#[test]
fn generated_dated_policies_compile_and_change_with_the_date() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut ok, mut changing, total) = (0, 0, 200);
    for _ in 0..total {
        let parent = rules().new_tree(&mut runner).expect("value").current();
        let child = rules().new_tree(&mut runner).expect("value").current();
        let dates = date_specs().new_tree(&mut runner).expect("value").current();
        let mut sources = mandate::source::Sources::new();
        sources.add("schema.policy", SCHEMA);
        sources.add("generated.policy", render_dated(&parent, &child, &dates));
        if let Some(t) = mandate::pipeline::analyse(sources, Vec::new()).tables {
            ok += 1;
            let col = t.date_column().expect("as_of");
            if t.tables.iter().any(|x| x.change_days(col).len() > 1) {
                changing += 1;
            }
        }
    }
    assert!(
        ok * 3 >= total,
        "only {ok} of {total} dated policies compile"
    );
    assert!(
        changing * 4 >= total,
        "only {changing} of {total} change with the date"
    );
}

/// A deadline written any way the language writes it: fixed,
/// `practicable`, with an outer limit, any of them due on request.
fn written_deadline_strategy() -> impl Strategy<Value = mandate::Duration> {
    let fixed = prop_oneof![
        Just("immediately".to_string()),
        (1u64..=96, prop_oneof![Just("h"), Just("d"), Just("w")])
            .prop_map(|(n, u)| format!("{n}{u}")),
    ];
    (
        prop_oneof![
            Just("practicable".to_string()),
            fixed.clone(),
            fixed
                .prop_filter("a limit is not immediately", |f| f != "immediately")
                .prop_map(|f| format!("practicable, at most {f}")),
        ],
        any::<bool>(),
    )
        .prop_map(|(s, asked)| {
            let d = mandate::Duration::parse(&s).expect("a duration");
            if asked {
                d.on_request().expect("not on request yet")
            } else {
                d
            }
        })
}

/// A deadline written any way the language or a combined answer writes
/// it (`72h, 48h if requested` only comes from combining).
fn deadline_strategy() -> impl Strategy<Value = mandate::Duration> {
    prop_oneof![
        written_deadline_strategy(),
        (written_deadline_strategy(), written_deadline_strategy()).prop_map(|(a, b)| a.meet(&b)),
    ]
}

proptest! {
    /// Combining deadlines (several jurisdictions at once) is a meet: the
    /// order and grouping do not matter, and the result is never laxer
    /// than either deadline, so it hides no duty, nor stricter than the
    /// stricter of the two, so it invents none.
    #[test]
    fn combined_deadlines_never_drop_a_duty(a in deadline_strategy(), b in deadline_strategy(), c in deadline_strategy()) {
        let ab = a.meet(&b);
        prop_assert_eq!(&ab, &b.meet(&a));
        prop_assert_eq!(ab.meet(&c), a.meet(&b.meet(&c)));
        prop_assert_eq!(a.meet(&a), a.clone());
        for x in [&a, &b] {
            // As soon as or sooner than any fixed time either one sets.
            if let Some(h) = x.hours() {
                prop_assert!(ab.hours().is_some_and(|m| m <= h), "{} vs {}", ab, x);
            }
            // "As soon as practicable" is kept unless the result is immediate.
            if x.is_practicable() {
                prop_assert!(ab.is_practicable() || ab.hours() == Some(0), "{} vs {}", ab, x);
            }
        }
        // And it invents none: its fixed time is one of theirs.
        let earliest = [a.hours(), b.hours()].into_iter().flatten().min();
        prop_assert_eq!(ab.hours(), earliest, "{} from {} and {}", &ab, &a, &b);
        // What is due whether or not the agency asks is met the same way:
        // kept when either side has it, never made up when neither does.
        let in_any_case = |d: &mandate::Duration| d.unconditional_part();
        let expected = match (in_any_case(&a), in_any_case(&b)) {
            (Some(x), Some(y)) => Some(x.meet(&y)),
            (x, y) => x.or(y),
        };
        prop_assert_eq!(in_any_case(&ab), expected, "{} from {} and {}", &ab, &a, &b);
        prop_assert_eq!(ab.if_requested(), ab.unconditional() != Some(ab.deadline()));
        // And it reads back as written, as an artifact is read.
        prop_assert_eq!(mandate::Duration::parse(ab.as_str()), Some(ab.clone()), "{}", &ab);
    }
}
