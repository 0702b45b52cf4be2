//! The evaluator: first matching row wins. A row that tests a fact nobody
//! gave (and that has no default) is *unknown*; if an unknown row comes
//! before the first sure match, the answer depends on that fact, so the
//! evaluator refuses with an error naming it instead of falling through to
//! a weaker answer.

use super::{Column, Outcome, Table, Tables, Test, Values};

/// Fact values in column order, defaults already applied; `None` means
/// unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub values: Vec<Option<i64>>,
}

impl Facts {
    /// Unknown everywhere except where a default applies.
    pub fn defaults(columns: &[Column]) -> Facts {
        Facts {
            values: columns.iter().map(|c| c.default).collect(),
        }
    }

    /// Set one fact by index (used by tests and generators).
    pub fn set(&mut self, col: usize, value: i64) {
        self.values[col] = Some(value);
    }
}

/// The winning row and its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decided {
    pub row: usize,
    pub outcome: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("the decision needs {}, which {} not given and {} no default (needed by {})",
        list(.facts), if .facts.len() == 1 { "was" } else { "were" }, if .facts.len() == 1 { "has" } else { "have" }, list(.rules))]
    Missing {
        facts: Vec<String>,
        rules: Vec<String>,
    },
    #[error("the table of `{jurisdiction}` has no row for these facts")]
    NoRow { jurisdiction: String },
    #[error("fact values do not fit the table: expected {expected} columns, got {got}")]
    Shape { expected: usize, got: usize },
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

enum RowState {
    Match,
    NoMatch(usize),
    Unknown(Vec<usize>),
}

#[inline]
fn row_state<V: Values + ?Sized>(tests: &[Test], values: &V) -> RowState {
    let mut unknown = Vec::new();
    for (i, t) in tests.iter().enumerate() {
        match values.value(t.col as usize) {
            Some(v) if t.set.contains(v) => {}
            Some(_) => return RowState::NoMatch(i),
            None => unknown.push(t.col as usize),
        }
    }
    if unknown.is_empty() {
        RowState::Match
    } else {
        RowState::Unknown(unknown)
    }
}

/// A row that did not decide, and the first test it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub row: usize,
    pub failed: Test,
}

/// Why a table could not decide: the unknown facts (column indices) and
/// the rules that need them; both empty when no row matched at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecided {
    pub missing: Vec<usize>,
    pub rules: Vec<String>,
}

impl Table {
    /// The hot path: the first row all of whose tests hold. `values` must
    /// have one entry per column.
    #[inline]
    pub fn decide<V: Values + ?Sized>(&self, values: &V) -> Result<Decided, Undecided> {
        'rows: for (i, row) in self.rows.iter().enumerate() {
            for t in &row.tests {
                match values.value(t.col as usize) {
                    Some(v) if t.set.contains(v) => {}
                    Some(_) => continue 'rows,
                    None => return self.decide_partial(values),
                }
            }
            return Ok(Decided {
                row: i,
                outcome: row.outcome as usize,
            });
        }
        Err(Undecided {
            missing: Vec::new(),
            rules: Vec::new(),
        })
    }

    /// Slow path, taken only when some fact is unknown: collect every
    /// unknown row before the first sure match and refuse if there is one.
    fn decide_partial<V: Values + ?Sized>(&self, values: &V) -> Result<Decided, Undecided> {
        let mut missing: Vec<usize> = Vec::new();
        let mut rules: Vec<String> = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            match row_state(&row.tests, values) {
                RowState::NoMatch(_) => {}
                RowState::Match => {
                    if missing.is_empty() {
                        return Ok(Decided {
                            row: i,
                            outcome: row.outcome as usize,
                        });
                    }
                    break;
                }
                RowState::Unknown(cols) => {
                    missing.extend(cols);
                    let rule = &self.outcomes[row.outcome as usize].rule;
                    if !rules.contains(rule) {
                        rules.push(rule.clone());
                    }
                }
            }
        }
        missing.sort_unstable();
        missing.dedup();
        Err(Undecided { missing, rules })
    }

    /// The rows before the winner and why each did not match.
    pub fn skipped(&self, facts: &Facts, decided: &Decided) -> Vec<Skipped> {
        self.rows[..decided.row]
            .iter()
            .enumerate()
            .filter_map(|(i, row)| match row_state(&row.tests, &facts.values) {
                RowState::NoMatch(t) => Some(Skipped {
                    row: i,
                    failed: row.tests[t],
                }),
                _ => None,
            })
            .collect()
    }

    pub fn outcome(&self, decided: &Decided) -> &Outcome {
        &self.outcomes[decided.outcome]
    }
}

impl Tables {
    /// Decide with checks on the shape of the facts and errors that name
    /// facts by name.
    pub fn decide(&self, table: &Table, facts: &Facts) -> Result<Decided, EvalError> {
        if facts.values.len() != self.columns.len() {
            return Err(EvalError::Shape {
                expected: self.columns.len(),
                got: facts.values.len(),
            });
        }
        table.decide(&facts.values).map_err(|u| {
            if u.missing.is_empty() {
                EvalError::NoRow {
                    jurisdiction: table.jurisdiction.clone(),
                }
            } else {
                EvalError::Missing {
                    facts: u
                        .missing
                        .iter()
                        .map(|&c| self.columns[c].name.clone())
                        .collect(),
                    rules: u.rules,
                }
            }
        })
    }
}

/// Why a row decided: the tests that held on it, and the earlier
/// (stronger) rules that did not match, each with the first test it
/// failed and the value that failed it. The one "why" every output shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Trace {
    /// The deciding rule's condition as written (empty for a default).
    pub condition: String,
    /// 1-based position of the deciding row in its table.
    pub row: usize,
    /// How many rows the table has.
    pub rows: usize,
    /// The deciding row's tests, each of which held: `victim_age <= 17`.
    pub held: Vec<String>,
    /// Stronger rules that did not match, once each.
    pub not_matched: Vec<Miss>,
}

/// A stronger rule that did not match.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Miss {
    /// The rule: `CA.duty_to_protect`.
    pub rule: String,
    /// What it needed: `threat_serious = true`.
    pub failed: String,
    /// What the facts said: `threat_serious = false`.
    pub actual: String,
}

impl Table {
    /// The trace of `decided` for these fact values (one per column). A
    /// rule with several rows is listed once, at its first.
    pub fn trace(&self, columns: &[Column], values: &[Option<i64>], decided: &Decided) -> Trace {
        let held = self.rows[decided.row]
            .tests
            .iter()
            .map(|t| columns[t.col as usize].show_set(&t.set))
            .collect();
        let mut not_matched: Vec<Miss> = Vec::new();
        for (i, row) in self.rows[..decided.row].iter().enumerate() {
            let RowState::NoMatch(t) = row_state(&row.tests, values) else {
                continue;
            };
            let rule = &self.outcomes[self.rows[i].outcome as usize].rule;
            if not_matched.iter().any(|m| &m.rule == rule) {
                continue;
            }
            let failed = row.tests[t];
            let col = &columns[failed.col as usize];
            let actual = values[failed.col as usize]
                .map(|v| col.show(v))
                .unwrap_or_default();
            not_matched.push(Miss {
                rule: rule.clone(),
                failed: col.show_set(&failed.set),
                actual: format!("{} = {actual}", col.name),
            });
        }
        Trace {
            condition: self.outcomes[decided.outcome].condition.clone(),
            row: decided.row + 1,
            rows: self.rows.len(),
            held,
            not_matched,
        }
    }

    /// The columns whose value the decision rests on although nobody gave
    /// them (`given(c)` is false): tested by the deciding row, or the only
    /// reason an earlier row did not match.
    pub fn relied_on<V: Values + ?Sized>(
        &self,
        values: &V,
        given: impl Fn(usize) -> bool,
        decided: &Decided,
    ) -> Vec<usize> {
        let mut cols: Vec<usize> = Vec::new();
        let assumed = |c: u32| !given(c as usize);
        for t in &self.rows[decided.row].tests {
            if assumed(t.col) {
                cols.push(t.col as usize);
            }
        }
        for row in &self.rows[..decided.row] {
            let failing = row
                .tests
                .iter()
                .filter(|t| {
                    values
                        .value(t.col as usize)
                        .is_some_and(|v| !t.set.contains(v))
                })
                .map(|t| t.col);
            // Answers are built per request: no vector per row passed.
            if failing.clone().next().is_some() && failing.clone().all(assumed) {
                cols.extend(failing.map(|c| c as usize));
            }
        }
        cols.sort_unstable();
        cols.dedup();
        cols
    }
}
