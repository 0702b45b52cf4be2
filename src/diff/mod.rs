//! The semantic diff: every region of the fact space where a
//! jurisdiction's decision changes between two versions of the corpus.
//! Exact: both tables are partitioned into disjoint regions by deciding
//! row, and every pair of regions that meet with different decisions is a
//! change. Regions are then merged into a few compact conditions.

mod text;

pub use text::{describe_text_change, text_changes, TextChange};

use crate::table::cube::{intersect, partition, Cube};
use crate::table::{decision_text, Column, ColumnType, Outcome, Row, Set, Table, Tables, Test};
use std::collections::BTreeSet;

/// One region whose decision changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub region: Cube,
    pub old: Outcome,
    pub new: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JurisdictionDiff {
    Added(String),
    Removed(String),
    Changed {
        jurisdiction: String,
        changes: Vec<Change>,
    },
}

/// Do two outcomes decide the same, provenance aside? Citations count:
/// a decision that now rests on another statute is a change to review.
pub fn same_decision(a: &Outcome, b: &Outcome) -> bool {
    let set = |v: &Vec<String>| v.iter().cloned().collect::<BTreeSet<_>>();
    a.action == b.action
        && set(&a.to) == set(&b.to)
        && a.any_of == b.any_of
        && a.within == b.within
        && a.written_within == b.written_within
        && set(&a.citations) == set(&b.citations)
}

/// Changes between two tables over the same columns.
pub fn changes(columns: &[Column], old: &Table, new: &Table) -> Vec<Change> {
    let po = partition(columns, old);
    let pn = partition(columns, new);
    let mut out = Vec::new();
    for (co, o) in &po {
        for (cn, n) in &pn {
            let (oo, on) = (&old.outcomes[*o], &new.outcomes[*n]);
            if same_decision(oo, on) {
                continue;
            }
            if let Some(region) = intersect(co, cn) {
                out.push(Change {
                    region,
                    old: oo.clone(),
                    new: on.clone(),
                });
            }
        }
    }
    merge(out)
}

/// Merge changes with the same old and new outcome whose regions differ in
/// one column only, until nothing merges: fewer, larger regions to read.
fn merge(mut changes: Vec<Change>) -> Vec<Change> {
    loop {
        let mut merged = false;
        'outer: for i in 0..changes.len() {
            for j in i + 1..changes.len() {
                if changes[i].old != changes[j].old || changes[i].new != changes[j].new {
                    continue;
                }
                if let Some(u) = union(&changes[i].region, &changes[j].region) {
                    changes[i].region = u;
                    changes.remove(j);
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            return changes;
        }
    }
}

/// The union of two cubes when it is itself a cube.
fn union(a: &Cube, b: &Cube) -> Option<Cube> {
    let differing: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match differing.as_slice() {
        [] => Some(a.clone()),
        [i] => {
            let joined = match (a[*i], b[*i]) {
                (Set::Mask(x), Set::Mask(y)) => Set::Mask(x | y),
                (Set::Range(l1, h1), Set::Range(l2, h2))
                    if h1.saturating_add(1) >= l2 && h2.saturating_add(1) >= l1 =>
                {
                    Set::Range(l1.min(l2), h1.max(h2))
                }
                _ => return None,
            };
            let mut c = a.clone();
            c[*i] = joined;
            Some(c)
        }
        _ => None,
    }
}

/// Compare two corpora jurisdiction by jurisdiction. Schemas may differ:
/// columns are aligned by fact name and enum values by variant name.
pub fn diff(old: &Tables, new: &Tables) -> Vec<JurisdictionDiff> {
    let columns = align(&old.columns, &new.columns);
    let codes: BTreeSet<&str> = old.codes().into_iter().chain(new.codes()).collect();
    let mut out = Vec::new();
    for code in codes {
        match (old.get(code), new.get(code)) {
            (Some(_), None) => out.push(JurisdictionDiff::Removed(code.to_string())),
            (None, Some(_)) => out.push(JurisdictionDiff::Added(code.to_string())),
            (Some(o), Some(n)) => {
                let o = remap(&old.columns, &columns, o);
                let n = remap(&new.columns, &columns, n);
                let changes = changes(&columns, &o, &n);
                if !changes.is_empty() {
                    out.push(JurisdictionDiff::Changed {
                        jurisdiction: code.to_string(),
                        changes,
                    });
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// The union of two schemas' columns, old order first.
pub fn align(old: &[Column], new: &[Column]) -> Vec<Column> {
    let mut out: Vec<Column> = old.to_vec();
    for c in new {
        match out.iter_mut().find(|o| o.name == c.name) {
            None => out.push(c.clone()),
            Some(o) => {
                o.ty = match (&o.ty, &c.ty) {
                    (ColumnType::Int { lo: a, hi: b }, ColumnType::Int { lo: x, hi: y }) => {
                        ColumnType::Int {
                            lo: *a.min(x),
                            hi: *b.max(y),
                        }
                    }
                    (
                        ColumnType::Enum { name, variants },
                        ColumnType::Enum { variants: more, .. },
                    ) => {
                        let mut v = variants.clone();
                        v.extend(more.iter().filter(|m| !variants.contains(m)).cloned());
                        v.truncate(64);
                        ColumnType::Enum {
                            name: name.clone(),
                            variants: v,
                        }
                    }
                    (ty, _) => ty.clone(),
                };
            }
        }
    }
    out
}

/// A table's tests rewritten into the aligned columns.
fn remap(from: &[Column], to: &[Column], table: &Table) -> Table {
    let map_test = |t: &Test| -> Option<Test> {
        let src = from.get(t.col as usize)?;
        let col = to.iter().position(|c| c.name == src.name)?;
        let set = match (t.set, &src.ty, &to[col].ty) {
            (
                Set::Mask(m),
                ColumnType::Enum { variants: a, .. },
                ColumnType::Enum { variants: b, .. },
            ) => Set::Mask(
                (0..a.len())
                    .filter(|i| m & (1u64 << i) != 0)
                    .filter_map(|i| b.iter().position(|v| *v == a[i]))
                    .fold(0, |acc, j| acc | (1u64 << j)),
            ),
            (s, _, _) => s,
        };
        Some(Test {
            col: col as u32,
            set,
        })
    };
    Table {
        rows: table
            .rows
            .iter()
            .map(|r| Row {
                tests: r.tests.iter().filter_map(map_test).collect(),
                outcome: r.outcome,
            })
            .collect(),
        ..table.clone()
    }
}

/// A region as the conditions a reader needs: only restricted columns,
/// booleans by name (`threat_serious`, `not victim_identifiable`).
pub fn describe_region(columns: &[Column], region: &Cube) -> String {
    let parts: Vec<String> = columns
        .iter()
        .zip(region)
        .filter(|(c, s)| c.domain() != **s)
        .map(|(c, s)| match (&c.ty, s) {
            (ColumnType::Bool, Set::Mask(0b10)) => c.name.clone(),
            (ColumnType::Bool, Set::Mask(0b01)) => format!("not {}", c.name),
            _ => c.show_set(s),
        })
        .collect();
    if parts.is_empty() {
        "all facts".to_string()
    } else {
        parts.join(", ")
    }
}

/// `old → new`, showing only what differs: recipients when they
/// changed, deadlines when they changed.
pub fn describe_change(c: &Change) -> String {
    let to_changed = c.old.to != c.new.to || c.old.any_of != c.new.any_of;
    let deadline_changed =
        c.old.within != c.new.within || c.old.written_within != c.new.written_within;
    let show = |o: &Outcome| {
        let to: &[String] = if to_changed { &o.to } else { &[] };
        let (within, written) = if deadline_changed {
            (o.within.as_ref(), o.written_within.as_ref())
        } else {
            (None, None)
        };
        decision_text(o.action, to, o.any_of && to_changed, within, written)
    };
    let mut text = format!("{} → {} ({})", show(&c.old), show(&c.new), c.new.rule);
    if c.old.citations != c.new.citations {
        text.push_str(&format!(
            "; cites {} (was {})",
            c.new.citations.join("; "),
            c.old.citations.join("; ")
        ));
    }
    text
}
