//! A direct interpreter over the checked rules, written from the semantics in docs/language.md
//! without decision tables: the winner is a matching rule that no other
//! matching rule beats. It exists to cross-check the compiler (property
//! tests compare the two on random facts), so it favours plainness over
//! speed.

use crate::check::{Decision, Program};
use crate::compile::priority::{effective, Beats};
use crate::syntax::ast::Action;

/// A decision as the interpreter sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreted {
    /// `None` when the jurisdiction's default decides.
    pub decision: Option<Decision>,
    pub default_action: Option<Action>,
    /// Qualified names of the maximal matching rules.
    pub winners: Vec<String>,
}

/// Decide on complete facts (one value per schema fact).
pub fn interpret(program: &Program, j: usize, facts: &[i64]) -> Interpreted {
    let eff = effective(program, j);
    let beats = Beats::new(program, &eff);
    // The date range is read from `effective` and `until` here, not from
    // the condition the checker built from them, so the two are compared.
    let date = program.schema.fact_index(crate::table::DATE_FACT);
    let in_force = |r: &crate::check::RuleDef| {
        let day = date.map(|f| facts[f]);
        r.effective.is_none_or(|(d, _)| day.is_some_and(|x| x >= d))
            && r.until.is_none_or(|(d, _)| day.is_some_and(|x| x <= d))
    };
    let matching: Vec<usize> = (0..eff.len())
        .filter(|&k| {
            let r = eff[k].rule(program);
            r.when.eval(facts) && in_force(r)
        })
        .collect();
    let maximal: Vec<usize> = matching
        .iter()
        .copied()
        .filter(|&a| !matching.iter().any(|&b| beats.beats(b, a)))
        .collect();
    let winners = maximal
        .iter()
        .map(|&k| {
            format!(
                "{}.{}",
                program.jurisdictions[eff[k].jur].code,
                eff[k].rule(program).name
            )
        })
        .collect();
    match maximal.first() {
        Some(&k) => Interpreted {
            decision: Some(eff[k].rule(program).decision.clone()),
            default_action: None,
            winners,
        },
        None => Interpreted {
            decision: None,
            default_action: program.default_of(j).map(|(_, d)| d.action),
            winners,
        },
    }
}
