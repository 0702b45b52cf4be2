//! A decision tree over a table's rows, for speed on large tables. Each
//! inner node splits on one column (by value for bit-set columns, by
//! interval for integers); each leaf keeps, in table order, the rows that
//! can still match, and is scanned like the table itself. So the first
//! matching row in a leaf is the first matching row of the table, and the
//! answer is the same as [`Table::decide`], which the index falls back to
//! whenever a fact is unknown (so missing facts are reported exactly as
//! the plain evaluator reports them).

use super::{Decided, Set, Table, Tables, Undecided};

/// Leaves with at most this many rows are not split further.
const LEAF: usize = 6;

#[derive(Debug, Clone)]
enum Node {
    Leaf { start: u32, end: u32 },
    /// children[value] for a bit-set column.
    Mask { col: u32, children: Vec<u32> },
    /// children[i] covers [bounds[i-1], bounds[i]) for an integer column;
    /// values below bounds[0] go to children[0].
    Range { col: u32, bounds: Vec<i64>, children: Vec<u32> },
}

/// One table, flattened and indexed.
#[derive(Debug, Clone)]
pub struct Indexed {
    /// Row tests, all rows back to back; row i is tests[starts[i]..starts[i+1]].
    tests: Vec<(u32, Set)>,
    starts: Vec<u32>,
    outcomes: Vec<u32>,
    nodes: Vec<Node>,
    leaf_rows: Vec<u32>,
}

/// Every table of a corpus, indexed for fast decisions.
#[derive(Debug, Clone)]
pub struct Decider {
    tables: Vec<Indexed>,
    codes: Vec<String>,
}

impl Tables {
    pub fn decider(&self) -> Decider {
        Decider { tables: self.tables.iter().map(|t| Indexed::new(self, t)).collect(), codes: self.tables.iter().map(|t| t.jurisdiction.clone()).collect() }
    }
}

impl Decider {
    /// Position of a jurisdiction, for [`Decider::decide`].
    pub fn position(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c.eq_ignore_ascii_case(code))
    }

    /// Decide in table `t` (a [`Decider::position`]). The same answer as
    /// [`Table::decide`] on `tables.tables[t]`, which it needs for facts
    /// that are unknown.
    #[inline]
    pub fn decide(&self, tables: &Tables, t: usize, values: &[Option<i64>]) -> Result<Decided, Undecided> {
        match self.tables[t].decide(values) {
            Some(d) => Ok(d),
            None => tables.tables[t].decide(values),
        }
    }
}

struct Builder<'a> {
    tables: &'a Tables,
    table: &'a Table,
    nodes: Vec<Node>,
    leaf_rows: Vec<u32>,
    /// Row entries placed in leaves so far, to bound duplication.
    budget: usize,
}

impl Indexed {
    pub fn new(tables: &Tables, table: &Table) -> Indexed {
        let mut tests = Vec::new();
        let mut starts = vec![0u32];
        for row in &table.rows {
            tests.extend(row.tests.iter().map(|t| (t.col, t.set)));
            starts.push(tests.len() as u32);
        }
        let mut b = Builder { tables, table, nodes: Vec::new(), leaf_rows: Vec::new(), budget: 32 * table.rows.len() + 4096 };
        let all: Vec<u32> = (0..table.rows.len() as u32).collect();
        b.build(all, 0);
        Indexed { tests, starts, outcomes: table.rows.iter().map(|r| r.outcome).collect(), nodes: b.nodes, leaf_rows: b.leaf_rows }
    }

    /// `None` when a fact the walk needs is unknown.
    #[inline]
    fn decide(&self, values: &[Option<i64>]) -> Option<Decided> {
        let mut node = 0usize;
        loop {
            match &self.nodes[node] {
                Node::Mask { col, children } => {
                    let v = (*values.get(*col as usize)?)?;
                    node = *children.get(usize::try_from(v).ok()?)? as usize;
                }
                Node::Range { col, bounds, children } => {
                    let v = (*values.get(*col as usize)?)?;
                    node = children[bounds.partition_point(|&b| b <= v)] as usize;
                }
                Node::Leaf { start, end } => {
                    'rows: for &row in &self.leaf_rows[*start as usize..*end as usize] {
                        let r = row as usize;
                        for (col, set) in &self.tests[self.starts[r] as usize..self.starts[r + 1] as usize] {
                            match values.get(*col as usize).copied().flatten() {
                                Some(v) if set.contains(v) => {}
                                Some(_) => continue 'rows,
                                None => return None,
                            }
                        }
                        return Some(Decided { row: r, outcome: self.outcomes[r] as usize });
                    }
                    return None;
                }
            }
        }
    }
}

impl Builder<'_> {
    fn test(&self, row: u32, col: usize) -> Option<Set> {
        self.table.rows[row as usize].tests.iter().find(|t| t.col as usize == col).map(|t| t.set)
    }

    /// The best split of `rows`: (column, classes), each class the rows
    /// that can match in it; `None` when no column really narrows them.
    fn best_split(&self, rows: &[u32], used: u64) -> Option<(usize, Option<Vec<i64>>, Vec<Vec<u32>>)> {
        let mut best: Option<(usize, Option<Vec<i64>>, Vec<Vec<u32>>, usize)> = None;
        for (col, column) in self.tables.columns.iter().enumerate() {
            if col < 64 && used & (1 << col) != 0 {
                continue;
            }
            if !rows.iter().any(|&r| self.test(r, col).is_some()) {
                continue;
            }
            let (bounds, classes): (Option<Vec<i64>>, Vec<Vec<u32>>) = match column.domain() {
                Set::Mask(m) => {
                    let n = 64 - m.leading_zeros() as usize;
                    let classes = (0..n).map(|v| rows.iter().copied().filter(|&r| self.test(r, col).is_none_or(|s| s.contains(v as i64))).collect()).collect();
                    (None, classes)
                }
                Set::Range(lo, hi) => {
                    let mut bounds: Vec<i64> = rows.iter().filter_map(|&r| self.test(r, col)).flat_map(|s| match s {
                        Set::Range(a, b) => vec![a, b.saturating_add(1)],
                        Set::Mask(_) => vec![],
                    }).filter(|&b| b > lo && b <= hi).collect();
                    bounds.sort_unstable();
                    bounds.dedup();
                    // Interval i is [bounds[i-1], bounds[i]); probe it at its start.
                    let probes: Vec<i64> = std::iter::once(lo).chain(bounds.iter().copied()).collect();
                    let classes = probes.iter().map(|&p| rows.iter().copied().filter(|&r| self.test(r, col).is_none_or(|s| s.contains(p))).collect()).collect();
                    (Some(bounds), classes)
                }
            };
            let total: usize = classes.iter().map(Vec::len).sum();
            let score = total / classes.len().max(1);
            if best.as_ref().is_none_or(|b| score < b.3) {
                best = Some((col, bounds, classes, score));
            }
        }
        let (col, bounds, classes, score) = best?;
        // Split only when the average class is clearly smaller.
        (score * 10 < rows.len() * 7).then_some((col, bounds, classes))
    }

    fn build(&mut self, rows: Vec<u32>, used: u64) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(Node::Leaf { start: 0, end: 0 });
        let split = if rows.len() > LEAF && self.budget > 0 { self.best_split(&rows, used) } else { None };
        match split {
            None => {
                let start = self.leaf_rows.len() as u32;
                self.budget = self.budget.saturating_sub(rows.len());
                self.leaf_rows.extend(rows);
                self.nodes[id as usize] = Node::Leaf { start, end: self.leaf_rows.len() as u32 };
            }
            Some((col, bounds, classes)) => {
                let used = if col < 64 { used | (1 << col) } else { used };
                // Identical classes share one child.
                let mut children = Vec::with_capacity(classes.len());
                let mut built: Vec<(Vec<u32>, u32)> = Vec::new();
                for class in classes {
                    let child = match built.iter().find(|(c, _)| *c == class) {
                        Some((_, n)) => *n,
                        None => {
                            let n = self.build(class.clone(), used);
                            built.push((class, n));
                            n
                        }
                    };
                    children.push(child);
                }
                self.nodes[id as usize] = match bounds {
                    None => Node::Mask { col: col as u32, children },
                    Some(bounds) => Node::Range { col: col as u32, bounds, children },
                };
            }
        }
        id
    }
}
