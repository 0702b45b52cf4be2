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
    /// The default that decides: (its jurisdiction, `effective`, `until`).
    pub default: Option<(String, Option<i64>, Option<i64>)>,
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
    let day = date.map(|f| facts[f]);
    let in_force = |effective: Option<(i64, _)>, until: Option<(i64, _)>| {
        effective.is_none_or(|(d, _)| day.is_some_and(|x| x >= d))
            && until.is_none_or(|(d, _)| day.is_some_and(|x| x <= d))
    };
    let matching: Vec<usize> = (0..eff.len())
        .filter(|&k| {
            let r = eff[k].rule(program);
            r.when.eval(facts) && in_force(r.effective, r.until)
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
            default: None,
            winners,
        },
        None => {
            // The first jurisdiction up the chain with a default in force
            // that day decides.
            let found = program.chain(j).into_iter().find_map(|c| {
                let jur = &program.jurisdictions[c];
                jur.defaults
                    .iter()
                    .find(|d| in_force(d.effective, d.until))
                    .map(|d| (jur.code.clone(), d))
            });
            Interpreted {
                decision: None,
                default_action: found.as_ref().map(|(_, d)| d.action),
                default: found
                    .map(|(code, d)| (code, d.effective.map(|(x, _)| x), d.until.map(|(x, _)| x))),
                winners,
            }
        }
    }
}
