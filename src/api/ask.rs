//! Guided questions: ask only the facts whose answer can still change the
//! outcome, in the order the table tests them, and stop as soon as no
//! remaining fact can change it.
//!
//! Exact, on the table's partition: the fact space split into disjoint
//! cubes, each decided by one row. A fact matters when two cubes that
//! agree with everything known, and touch once that fact is set aside,
//! are decided by different rules: then some pair of situations differing
//! only in that fact gets different answers.

use super::answer::Answer;
use super::schema::Fact;
use super::{DecideError, Facts, Policies};
use crate::table::cube::{self, Cube};
use crate::table::Table;
use serde::Serialize;

/// What to do next in a guided interview. Deliberately exhaustive: the
/// interview either asks or answers, and a caller must handle both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Next {
    /// Ask this fact; its answer can change the outcome.
    Question(Fact),
    /// Nothing left to ask can change the outcome: here it is.
    Answer(Box<Answer>),
}

impl Policies {
    /// The fact to ask next in `jurisdiction`, given what is known so far,
    /// or the final answer once no unknown fact can change it. Unlike
    /// [`Policies::decide`], facts not given count as unknown even when
    /// they have a default: the interview asks rather than assumes. The
    /// date of the events (`as_of`) is the exception: today unless given.
    pub fn next_question(&self, jurisdiction: &str, known: &Facts) -> Result<Next, DecideError> {
        let j = self.jurisdiction(jurisdiction)?;
        let prepared = self.prepare(known)?;
        let table = self.table(j)?;
        let columns = &self.columns;
        // The date of the events is not asked: it is today unless given
        // (the page and `--as-of` give it up front).
        let values = prepared.values();
        let known_values: Vec<Option<i64>> = (0..columns.len())
            .map(|c| {
                (prepared.is_given(c) || columns[c].default_today)
                    .then(|| values[c])
                    .flatten()
            })
            .collect();
        let consistent: Vec<(Cube, usize)> = cube::partition(columns, table)
            .into_iter()
            .filter(|(cube, _)| agrees(cube, &known_values))
            .collect();
        let rule = |o: usize| &table.outcomes[o].rule;
        let first = consistent.first().map(|(_, o)| rule(*o));
        if consistent.iter().all(|(_, o)| Some(rule(*o)) == first) {
            return self.final_answer(j, &prepared, &consistent);
        }
        let relevant: Vec<usize> = (0..columns.len())
            .filter(|&c| known_values[c].is_none() && matters(c, &consistent, table))
            .collect();
        // The earliest row that can still decide, and the first fact it
        // tests that matters: the order a clinician reads the law in.
        let pick = table
            .rows
            .iter()
            .filter(|row| {
                row.tests
                    .iter()
                    .all(|t| known_values[t.col as usize].is_none_or(|v| t.set.contains(v)))
            })
            .flat_map(|row| row.tests.iter().map(|t| t.col as usize))
            .find(|c| relevant.contains(c))
            .or_else(|| relevant.first().copied());
        match pick {
            Some(c) => Ok(Next::Question(self.schema().facts.swap_remove(c))),
            // Different rules but no fact separates them: cannot happen
            // on a partition; answer rather than loop.
            None => self.final_answer(j, &prepared, &consistent),
        }
    }

    fn final_answer(
        &self,
        j: super::JurisdictionId,
        prepared: &super::Prepared,
        consistent: &[(Cube, usize)],
    ) -> Result<Next, DecideError> {
        // Complete the unknown facts with values inside a consistent cube
        // (the default where it fits), so the answer shows what it rests on.
        let mut full = prepared.clone();
        if let Some((cube, _)) = consistent.first() {
            let values = prepared.values();
            for (c, set) in cube.iter().enumerate() {
                if !prepared.is_given(c) {
                    // The default, `as_of`'s today included.
                    full.assume(
                        c,
                        match values[c] {
                            Some(d) if set.contains(d) => Some(d),
                            _ => set.first(),
                        },
                    );
                }
            }
        }
        let decision = self.decide_prepared(j, &full)?;
        Ok(Next::Answer(Box::new(self.answer(&decision, &full, false))))
    }
}

fn agrees(cube: &Cube, known: &[Option<i64>]) -> bool {
    cube.iter()
        .zip(known)
        .all(|(set, v)| v.is_none_or(|v| set.contains(v)))
}

/// Does the outcome depend on column `c` among these cubes?
fn matters(c: usize, cubes: &[(Cube, usize)], table: &Table) -> bool {
    for (i, (a, oa)) in cubes.iter().enumerate() {
        for (b, ob) in &cubes[i + 1..] {
            if table.outcomes[*oa].rule == table.outcomes[*ob].rule {
                continue;
            }
            let touch = a
                .iter()
                .zip(b)
                .enumerate()
                .all(|(k, (x, y))| k == c || !x.intersect(y).is_empty());
            // Disjoint cubes that touch on every other column differ
            // only in `c`: changing `c` alone changes the rule.
            if touch {
                return true;
            }
        }
    }
    false
}
