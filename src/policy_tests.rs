//! Runs the `test` blocks written in policy files against the compiled
//! tables, the same path `decide` takes.

use crate::check::{ByDef, Program, TestDef};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::table::{decision_text, EvalError, Facts, Tables};

#[derive(Debug, Clone)]
pub struct TestResult {
    pub jurisdiction: String,
    pub name: String,
    /// The test's `expect` clause, where failures point.
    pub span: Span,
    /// The winning rule, when the table decided.
    pub rule: Option<String>,
    /// The deciding row of the jurisdiction's table, for coverage.
    pub row: Option<usize>,
    pub outcome: Result<(), Failure>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// What was expected vs. what the table decided, both as written in
    /// the language, plus the decider's citations.
    Mismatch {
        expected: String,
        actual: String,
        citations: Vec<String>,
        condition: String,
        /// Why the deciding rule matched and stronger ones did not.
        trace: Vec<String>,
    },
    Eval(String),
}

pub fn run(program: &Program, tables: &Tables) -> Vec<TestResult> {
    let mut out = Vec::new();
    for (j, jur) in program.jurisdictions.iter().enumerate() {
        let Some(table) = tables.get(&jur.code) else {
            continue;
        };
        for t in &jur.tests {
            out.push(run_one(program, tables, table, j, t));
        }
    }
    out
}

fn run_one(
    program: &Program,
    tables: &Tables,
    table: &crate::table::Table,
    j: usize,
    t: &TestDef,
) -> TestResult {
    let mut facts = Facts::defaults(&tables.columns);
    for &(f, v) in &t.given {
        facts.set(f, v);
    }
    let jurisdiction = program.jurisdictions[j].code.clone();
    let decided = match tables.decide(table, &facts) {
        Ok(d) => d,
        Err(e @ EvalError::Missing { .. })
        | Err(e @ EvalError::NoRow { .. })
        | Err(e @ EvalError::Shape { .. }) => {
            return TestResult {
                jurisdiction,
                name: t.name.clone(),
                span: t.expect.span,
                rule: None,
                row: None,
                outcome: Err(Failure::Eval(e.to_string())),
            };
        }
    };
    let o = table.outcome(&decided);
    let e = &t.expect;
    let recipients = &program.schema.recipients().variants;
    let mut ok = o.action == e.action;
    if let Some(to) = &e.to {
        let mut want: Vec<&str> = to.iter().map(|&r| recipients[r].name.as_str()).collect();
        let mut got: Vec<&str> = o.to.iter().map(String::as_str).collect();
        want.sort_unstable();
        got.sort_unstable();
        ok &= want == got && e.any_of == o.any_of;
    }
    if let Some(w) = &e.within {
        ok &= o.within.as_ref() == Some(w);
    }
    if let Some(w) = &e.written {
        ok &= o.written_within.as_ref() == Some(w);
    }
    match &e.by {
        Some(ByDef::Default) => ok &= o.rule.ends_with(".default"),
        Some(ByDef::Rule(r)) => ok &= &o.rule == r,
        None => {}
    }
    let outcome = if ok {
        Ok(())
    } else {
        let to: Vec<&str> = e
            .to
            .iter()
            .flatten()
            .map(|&r| recipients[r].name.as_str())
            .collect();
        let mut expected = decision_text(e.action, &to, e.any_of, e.within.as_ref(), e.written.as_ref());
        match &e.by {
            Some(ByDef::Default) => expected.push_str(" by default"),
            Some(ByDef::Rule(r)) => expected.push_str(&format!(" by {r}")),
            None => {}
        }
        let actual = format!(
            "{} by {}",
            decision_text(o.action, &o.to, o.any_of, o.within.as_ref(), o.written_within.as_ref()),
            o.rule
        );
        // The explain trace: what held on the deciding row, and the
        // stronger rules that did not match and why.
        let why = table.trace(&tables.columns, &facts.values, &decided);
        let mut trace: Vec<String> = why.held.iter().map(|h| format!("held: {h}")).collect();
        trace.extend(why.not_matched.iter().map(|m| {
            format!("{} did not match: needs {}, but {}", m.rule, m.failed, m.actual)
        }));
        Err(Failure::Mismatch {
            expected,
            actual,
            citations: o.citations.clone(),
            condition: o.condition.clone(),
            trace,
        })
    };
    TestResult {
        jurisdiction,
        name: t.name.clone(),
        span: t.expect.span,
        rule: Some(o.rule.clone()),
        row: Some(decided.row),
        outcome,
    }
}


impl TestResult {
    /// A failure as a diagnostic pointing at the test's `expect`.
    pub fn diagnostic(&self) -> Diagnostic {
        let rule = self.rule.as_deref().unwrap_or("?");
        match &self.outcome {
            Err(Failure::Mismatch {
                expected,
                actual,
                citations,
                condition,
                trace,
            }) => {
                let cites = if citations.is_empty() {
                    "nothing".to_string()
                } else {
                    citations.join("; ")
                };
                let when = if condition.is_empty() {
                    "no rule matched, so the default decides".to_string()
                } else {
                    format!("when {condition}")
                };
                let mut help = format!("decided by {rule} ({when}; cites {cites})");
                for line in trace {
                    help.push_str(&format!("\n  {line}"));
                }
                help.push_str(
                    "\ncorrect the rule or the test, whichever disagrees with the statute",
                );
                Diagnostic::new(
                    Code::TestFailed,
                    format!("test \"{}\" in `{}` failed", self.name, self.jurisdiction),
                )
                .label(self.span, format!("expected {expected}\nactual   {actual}"))
                .help(help)
            }
            Err(Failure::Eval(e)) => Diagnostic::new(
                Code::TestError,
                format!(
                    "test \"{}\" in `{}` cannot be evaluated",
                    self.name, self.jurisdiction
                ),
            )
            .label(self.span, e.clone())
            .help("add the missing fact to `given`"),
            Ok(()) => Diagnostic::new(Code::TestFailed, "test passed"),
        }
    }
}

/// Which rows of each table the tests exercise. Only rows of rules
/// declared in the table's own jurisdiction count (and the default row of
/// the jurisdiction that declares it): inherited rows are covered by the
/// parent's tests.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Coverage {
    pub jurisdictions: Vec<JurisdictionCoverage>,
    pub rows: usize,
    pub covered_rows: usize,
    /// `rule` blocks, as `check` counts them.
    pub rules: usize,
    pub covered_rules: usize,
    /// `default` rows (one per default, dated ones each their own): rows,
    /// not rules.
    pub defaults: usize,
    pub covered_defaults: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct JurisdictionCoverage {
    pub jurisdiction: String,
    pub rows: usize,
    pub covered_rows: usize,
    pub rules: usize,
    pub covered_rules: usize,
    pub defaults: usize,
    pub covered_defaults: usize,
    /// (rule, row number from 1, the row's conditions) of every row no test reaches.
    pub uncovered: Vec<Uncovered>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Uncovered {
    pub rule: String,
    pub row: usize,
    pub conditions: String,
    pub file: String,
    pub line: usize,
}

impl Coverage {
    pub fn percent(&self) -> f64 {
        if self.rows == 0 {
            100.0
        } else {
            100.0 * self.covered_rows as f64 / self.rows as f64
        }
    }
}

pub fn coverage(tables: &Tables, results: &[TestResult]) -> Coverage {
    let mut out = Coverage {
        jurisdictions: Vec::new(),
        rows: 0,
        covered_rows: 0,
        rules: 0,
        covered_rules: 0,
        defaults: 0,
        covered_defaults: 0,
    };
    for table in &tables.tables {
        let hit: std::collections::HashSet<usize> = results
            .iter()
            .filter(|r| r.jurisdiction == table.jurisdiction)
            .filter_map(|r| r.row)
            .collect();
        let mut jc = JurisdictionCoverage {
            jurisdiction: table.jurisdiction.clone(),
            rows: 0,
            covered_rows: 0,
            rules: 0,
            covered_rules: 0,
            defaults: 0,
            covered_defaults: 0,
            uncovered: Vec::new(),
        };
        // A row wholly covered by earlier rows (a part of a rule that an
        // overriding rule always takes) can never decide, so no test can
        // reach it: it is not counted.
        let reachable: std::collections::HashSet<usize> =
            crate::table::cube::partition_rows(&tables.columns, table)
                .into_iter()
                .collect();
        // By outcome, not name: dated defaults share the name `XX.default`.
        let mut rules: Vec<(u32, &str, bool)> = Vec::new();
        for (i, row) in table.rows.iter().enumerate() {
            let o = &table.outcomes[row.outcome as usize];
            if o.jurisdiction != table.jurisdiction || !reachable.contains(&i) {
                continue;
            }
            jc.rows += 1;
            let covered = hit.contains(&i);
            match rules.iter_mut().find(|(k, _, _)| *k == row.outcome) {
                Some(entry) => entry.2 |= covered,
                None => rules.push((row.outcome, &o.rule, covered)),
            }
            if covered {
                jc.covered_rows += 1;
            } else {
                let conditions = row
                    .tests
                    .iter()
                    .map(|t| tables.columns[t.col as usize].show_set(&t.set))
                    .collect::<Vec<_>>()
                    .join(", ");
                jc.uncovered.push(Uncovered {
                    rule: o.rule.clone(),
                    row: i + 1,
                    conditions: if conditions.is_empty() {
                        "otherwise".into()
                    } else {
                        conditions
                    },
                    file: o.file.clone(),
                    line: o.line,
                });
            }
        }
        // A default is a row of the table, not a `rule` block: counted
        // apart, so the rule count agrees with `check`'s.
        let (defaults, rules): (Vec<_>, Vec<_>) =
            rules.into_iter().partition(|(_, r, _)| r.ends_with(".default"));
        jc.rules = rules.len();
        jc.covered_rules = rules.iter().filter(|(_, _, c)| *c).count();
        jc.defaults = defaults.len();
        jc.covered_defaults = defaults.iter().filter(|(_, _, c)| *c).count();
        out.rows += jc.rows;
        out.covered_rows += jc.covered_rows;
        out.rules += jc.rules;
        out.covered_rules += jc.covered_rules;
        out.defaults += jc.defaults;
        out.covered_defaults += jc.covered_defaults;
        out.jurisdictions.push(jc);
    }
    out
}
