//! Runs the `test` blocks written in policy files against the compiled
//! tables, the same path `decide` takes.

use crate::check::{duration_hours, ByDef, Program, TestDef};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::table::{EvalError, Facts, Tables};

#[derive(Debug, Clone)]
pub struct TestResult {
    pub jurisdiction: String,
    pub name: String,
    /// The test's `expect` clause, where failures point.
    pub span: Span,
    /// The winning rule, when the table decided.
    pub rule: Option<String>,
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
        ok &= want == got;
    }
    if let Some(w) = &e.within {
        ok &= o.within.as_deref().and_then(duration_hours) == Some(w.hours);
    }
    if let Some(w) = &e.written {
        ok &= o.written_within.as_deref().and_then(duration_hours) == Some(w.hours);
    }
    match &e.by {
        Some(ByDef::Default) => ok &= o.rule.ends_with(".default"),
        Some(ByDef::Rule(r)) => ok &= &o.rule == r,
        None => {}
    }
    let outcome = if ok {
        Ok(())
    } else {
        let expected = show(
            e.action.as_str(),
            e.to.as_ref()
                .map(|to| to.iter().map(|&r| recipients[r].name.clone()).collect()),
            e.within.as_ref().map(|d| d.text.clone()),
            e.written.as_ref().map(|d| d.text.clone()),
            e.by.as_ref().map(|b| match b {
                ByDef::Default => "default".to_string(),
                ByDef::Rule(r) => r.clone(),
            }),
        );
        let actual = show(
            o.action.as_str(),
            Some(o.to.clone()),
            o.within.clone(),
            o.written_within.clone(),
            Some(o.rule.clone()),
        );
        Err(Failure::Mismatch {
            expected,
            actual,
            citations: o.citations.clone(),
            condition: o.condition.clone(),
        })
    };
    TestResult {
        jurisdiction,
        name: t.name.clone(),
        span: t.expect.span,
        rule: Some(o.rule.clone()),
        outcome,
    }
}

fn show(
    action: &str,
    to: Option<Vec<String>>,
    within: Option<String>,
    written: Option<String>,
    by: Option<String>,
) -> String {
    let mut s = action.to_string();
    if let Some(to) = to {
        if !to.is_empty() {
            s.push_str(&format!(" to [{}]", to.join(", ")));
        }
    }
    match (within, written) {
        (Some(w), Some(x)) => s.push_str(&format!(" within {w}, in writing within {x}")),
        (Some(w), None) => s.push_str(&format!(" within {w}")),
        (None, Some(x)) => s.push_str(&format!(" in writing within {x}")),
        (None, None) => {}
    }
    if let Some(b) = by {
        s.push_str(&format!(" by {b}"));
    }
    s
}

impl TestResult {
    /// A failure as a diagnostic pointing at the test's `expect`.
    pub fn diagnostic(&self) -> Diagnostic {
        let r = self;
        match &r.outcome {
        Err(Failure::Mismatch { expected, actual, citations, condition }) => Diagnostic::new(Code::TestFailed, format!("test \"{}\" in `{}` failed", r.name, r.jurisdiction))
            .label(r.span, format!("expected {expected}\nactual   {actual}"))
            .help(format!(
                "the deciding rule {} (when {}; cites {}) disagrees with the test: correct whichever disagrees with the statute",
                r.rule.as_deref().unwrap_or("?"),
                if condition.is_empty() { "nothing else matched" } else { condition },
                if citations.is_empty() { "nothing".to_string() } else { citations.join("; ") }
            )),
        Err(Failure::Eval(e)) => Diagnostic::new(Code::TestError, format!("test \"{}\" in `{}` cannot be evaluated", r.name, r.jurisdiction))
            .label(r.span, e.clone())
            .help("add the missing fact to `given`"),
        Ok(()) => Diagnostic::new(Code::TestFailed, "test passed"),
    }
    }
}
