//! Fast evaluation. A table whose distinguishable fact classes are few
//! (every shipped jurisdiction) becomes one dense array; a larger one
//! becomes a decision tree over its rows. Each
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
    Leaf {
        start: u32,
        end: u32,
    },
    /// children[value] for a bit-set column.
    Mask {
        col: u32,
        children: Vec<u32>,
    },
    /// children[i] covers [bounds[i-1], bounds[i]) for an integer column;
    /// values below bounds[0] go to children[0].
    Range {
        col: u32,
        bounds: Vec<i64>,
        children: Vec<u32>,
    },
}

/// Cells above this, and a table is indexed by a tree instead.
const MAX_CELLS: usize = 1 << 16;

/// One column of a dense table: its value's class is
/// `classes[offset + value - lo]`, weighted by `stride`.
#[derive(Debug, Clone, Copy, Default)]
struct DenseCol {
    col: u32,
    stride: u32,
    offset: u32,
    len: u32,
    lo: i64,
}

/// Part of the fact space as one array: each column maps a value to its
/// class (values no row tells apart share one), and the classes address a
/// cell holding the deciding row.
#[derive(Debug, Clone)]
struct Block {
    cols: Vec<DenseCol>,
    /// Deciding row in the low 16 bits, its outcome in the high 16, so
    /// one load gives both.
    cells: Vec<u32>,
}

/// A small table as arrays: the first column (the bit-set column most
/// rows test, e.g. `concern`) picks a block built only over the columns
/// that still matter for its value, so most decisions read two or three
/// facts and one cell.
#[derive(Debug, Clone)]
struct Dense {
    first: Option<DenseCol>,
    /// The block for each value of the first column (a bit-set column, so
    /// values start at 0): no class lookup on the way in.
    block_of: Vec<u32>,
    blocks: Vec<BlockHead>,
    classes: Vec<u16>,
    cells: Vec<u32>,
}

/// Columns a block may read; a table needing more is indexed by a tree.
const INLINE: usize = 10;

/// A block's columns are kept inline, so reaching the block is one load.
#[derive(Debug, Clone, Copy)]
struct BlockHead {
    n: u32,
    cell0: u32,
    cols: [DenseCol; INLINE],
}

impl Dense {
    /// Append a block; `None` when it reads more than [`INLINE`] columns.
    fn push(&mut self, block: Block) -> Option<()> {
        if block.cols.len() > INLINE {
            return None;
        }
        let mut cols = [DenseCol::default(); INLINE];
        cols[..block.cols.len()].copy_from_slice(&block.cols);
        self.blocks.push(BlockHead {
            n: block.cols.len() as u32,
            cell0: self.cells.len() as u32,
            cols,
        });
        self.cells.extend(block.cells);
        Some(())
    }

    #[inline]
    fn class(&self, c: &DenseCol, values: &[Option<i64>]) -> Option<usize> {
        let v = (*values.get(c.col as usize)?)?;
        let k = v.wrapping_sub(c.lo) as u64;
        if k >= u64::from(c.len) {
            return None;
        }
        Some(self.classes[c.offset as usize + k as usize] as usize)
    }

    #[inline]
    fn decide(&self, values: &[Option<i64>]) -> Option<Decided> {
        let b = match &self.first {
            Some(c) => {
                let v = (*values.get(c.col as usize)?)?;
                *self.block_of.get(usize::try_from(v).ok()?)? as usize
            }
            None => 0,
        };
        let head = self.blocks.get(b)?;
        let mut at = head.cell0 as usize;
        for c in head.cols.get(..head.n as usize)? {
            at += self.class(c, values)? * c.stride as usize;
        }
        self.cells.get(at).map(|&c| Decided {
            row: (c & 0xFFFF) as usize,
            outcome: (c >> 16) as usize,
        })
    }
}

/// One table, flattened and indexed.
#[derive(Debug, Clone)]
pub struct Indexed {
    dense: Option<Dense>,
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
        Decider {
            tables: self.tables.iter().map(|t| Indexed::new(self, t)).collect(),
            codes: self.tables.iter().map(|t| t.jurisdiction.clone()).collect(),
        }
    }
}

impl Decider {
    /// How many tables use the dense form (the rest use a tree).
    pub fn dense_tables(&self) -> usize {
        self.tables.iter().filter(|t| t.dense.is_some()).count()
    }

    /// Position of a jurisdiction, for [`Decider::decide`].
    pub fn position(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c.eq_ignore_ascii_case(code))
    }

    /// Decide in table `t` (a [`Decider::position`]). The same answer as
    /// [`Table::decide`] on `tables.tables[t]`, which it needs for facts
    /// that are unknown.
    #[inline(always)]
    pub fn decide(
        &self,
        tables: &Tables,
        t: usize,
        values: &[Option<i64>],
    ) -> Result<Decided, Undecided> {
        match self.tables[t].decide(values) {
            Some(d) => Ok(d),
            None => fallback(&tables.tables[t], values),
        }
    }
}

/// A chosen split: column, interval bounds (integers only), and the rows
/// of each class.
type Split = (usize, Option<Vec<i64>>, Vec<Vec<u32>>);

/// Unknown facts: the plain evaluator, which reports them exactly. Out of
/// line and cold, so the fast path stays small.
#[cold]
#[inline(never)]
fn fallback(table: &Table, values: &[Option<i64>]) -> Result<Decided, Undecided> {
    table.decide(values)
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
        let mut b = Builder {
            tables,
            table,
            nodes: Vec::new(),
            leaf_rows: Vec::new(),
            budget: 32 * table.rows.len() + 4096,
        };
        let all: Vec<u32> = (0..table.rows.len() as u32).collect();
        b.build(all, 0);
        let mut indexed = Indexed {
            dense: None,
            tests,
            starts,
            outcomes: table.rows.iter().map(|r| r.outcome).collect(),
            nodes: b.nodes,
            leaf_rows: b.leaf_rows,
        };
        indexed.dense = indexed.densify(tables, table);
        indexed
    }

    /// The dense form, when every block's classes multiply to few cells.
    fn densify(&self, tables: &Tables, table: &Table) -> Option<Dense> {
        if table.rows.len() >= u16::MAX as usize || table.outcomes.len() >= u16::MAX as usize {
            return None;
        }
        let mut dense = Dense {
            first: None,
            block_of: Vec::new(),
            blocks: Vec::new(),
            classes: Vec::new(),
            cells: Vec::new(),
        };
        let all: Vec<usize> = (0..table.rows.len()).collect();
        // The first column: the bit-set column tested by the most rows.
        let first = (0..tables.columns.len())
            .filter(|&c| matches!(tables.columns[c].domain(), Set::Mask(_)))
            .max_by_key(|&c| {
                (
                    table
                        .rows
                        .iter()
                        .filter(|r| r.tests.iter().any(|t| t.col as usize == c))
                        .count(),
                    std::cmp::Reverse(c),
                )
            })
            .filter(|&c| {
                table
                    .rows
                    .iter()
                    .any(|r| r.tests.iter().any(|t| t.col as usize == c))
            });
        let mut fixed: Vec<Option<i64>> =
            tables.columns.iter().map(|c| c.domain().first()).collect();
        match first {
            None => {
                let block = Self::block(tables, table, &all, None, &mut fixed, &mut dense.classes)?;
                dense.push(block)?;
            }
            Some(col) => {
                let (first_col, reps) = Self::column(tables, table, &all, col, &mut dense.classes)?;
                dense.first = Some(first_col);
                let (start, len) = (first_col.offset as usize, first_col.len as usize);
                dense.block_of = dense.classes[start..start + len]
                    .iter()
                    .map(|&k| u32::from(k))
                    .collect();
                for rep in reps {
                    // Rows that can match when the first column has this value.
                    let rows: Vec<usize> = all
                        .iter()
                        .copied()
                        .filter(|&r| {
                            table.rows[r]
                                .tests
                                .iter()
                                .all(|t| t.col as usize != col || t.set.contains(rep))
                        })
                        .collect();
                    fixed[col] = Some(rep);
                    let block = Self::block(
                        tables,
                        table,
                        &rows,
                        Some(col),
                        &mut fixed,
                        &mut dense.classes,
                    )?;
                    dense.push(block)?;
                }
            }
        }
        Some(dense)
    }

    /// Classes of one column over `rows`: the column descriptor (with its
    /// class table appended to `classes`) and one representative value per
    /// class.
    fn column(
        tables: &Tables,
        table: &Table,
        rows: &[usize],
        col: usize,
        classes: &mut Vec<u16>,
    ) -> Option<(DenseCol, Vec<i64>)> {
        let sets: Vec<Set> = rows
            .iter()
            .flat_map(|&r| {
                table.rows[r]
                    .tests
                    .iter()
                    .filter(|t| t.col as usize == col)
                    .map(|t| t.set)
            })
            .collect();
        let (lo, hi) = match tables.columns[col].domain() {
            Set::Mask(m) => (0, 63 - m.leading_zeros() as i64),
            Set::Range(lo, hi) => (lo, hi),
        };
        if i128::from(hi) - i128::from(lo) >= 1 << 16 {
            return None;
        }
        // Values with the same membership in every row's set share a class.
        let mut signatures: Vec<Vec<bool>> = Vec::new();
        let mut reps = Vec::new();
        let offset = classes.len() as u32;
        for v in lo..=hi {
            let sig: Vec<bool> = sets.iter().map(|s| s.contains(v)).collect();
            let k = match signatures.iter().position(|s| *s == sig) {
                Some(k) => k,
                None => {
                    signatures.push(sig);
                    reps.push(v);
                    signatures.len() - 1
                }
            };
            classes.push(k as u16);
        }
        Some((
            DenseCol {
                col: col as u32,
                stride: 0,
                offset,
                len: (hi - lo + 1) as u32,
                lo,
            },
            reps,
        ))
    }

    /// A block over the columns `rows` test (except `skip`), its cells
    /// decided by the table itself on one representative per class.
    fn block(
        tables: &Tables,
        table: &Table,
        rows: &[usize],
        skip: Option<usize>,
        fixed: &mut [Option<i64>],
        classes: &mut Vec<u16>,
    ) -> Option<Block> {
        let mut cols = Vec::new();
        let mut reps: Vec<(usize, Vec<i64>)> = Vec::new();
        let mut cells = 1usize;
        for col in 0..tables.columns.len() {
            if Some(col) == skip
                || !rows
                    .iter()
                    .any(|&r| table.rows[r].tests.iter().any(|t| t.col as usize == col))
            {
                continue;
            }
            let (mut c, r) = Self::column(tables, table, rows, col, classes)?;
            if r.len() == 1 {
                continue; // every value decides alike: no need to read it
            }
            c.stride = cells as u32;
            cells = cells.checked_mul(r.len()).filter(|&n| n <= MAX_CELLS)?;
            cols.push(c);
            reps.push((col, r));
        }
        let mut out = Vec::with_capacity(cells);
        for cell in 0..cells {
            let mut rest = cell;
            for (col, r) in &reps {
                fixed[*col] = Some(r[rest % r.len()]);
                rest /= r.len();
            }
            let d = table.decide(fixed).ok()?;
            out.push(d.row as u32 | (d.outcome as u32) << 16);
        }
        Some(Block { cols, cells: out })
    }

    /// `None` when a fact the walk needs is unknown.
    #[inline(always)]
    fn decide(&self, values: &[Option<i64>]) -> Option<Decided> {
        match &self.dense {
            Some(dense) => dense.decide(values),
            None => self.walk(values),
        }
    }

    /// The tree, kept out of line so the dense path stays small.
    #[inline(never)]
    fn walk(&self, values: &[Option<i64>]) -> Option<Decided> {
        let mut node = 0usize;
        loop {
            match &self.nodes[node] {
                Node::Mask { col, children } => {
                    let v = (*values.get(*col as usize)?)?;
                    node = *children.get(usize::try_from(v).ok()?)? as usize;
                }
                Node::Range {
                    col,
                    bounds,
                    children,
                } => {
                    let v = (*values.get(*col as usize)?)?;
                    node = children[bounds.partition_point(|&b| b <= v)] as usize;
                }
                Node::Leaf { start, end } => {
                    'rows: for &row in &self.leaf_rows[*start as usize..*end as usize] {
                        let r = row as usize;
                        for (col, set) in
                            &self.tests[self.starts[r] as usize..self.starts[r + 1] as usize]
                        {
                            match values.get(*col as usize).copied().flatten() {
                                Some(v) if set.contains(v) => {}
                                Some(_) => continue 'rows,
                                None => return None,
                            }
                        }
                        return Some(Decided {
                            row: r,
                            outcome: self.outcomes[r] as usize,
                        });
                    }
                    return None;
                }
            }
        }
    }
}

impl Builder<'_> {
    fn test(&self, row: u32, col: usize) -> Option<Set> {
        self.table.rows[row as usize]
            .tests
            .iter()
            .find(|t| t.col as usize == col)
            .map(|t| t.set)
    }

    /// The best split of `rows`: (column, classes), each class the rows
    /// that can match in it; `None` when no column really narrows them.
    fn best_split(&self, rows: &[u32], used: u64) -> Option<Split> {
        let mut best: Option<(Split, usize)> = None;
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
                    let classes = (0..n)
                        .map(|v| {
                            rows.iter()
                                .copied()
                                .filter(|&r| self.test(r, col).is_none_or(|s| s.contains(v as i64)))
                                .collect()
                        })
                        .collect();
                    (None, classes)
                }
                Set::Range(lo, hi) => {
                    let mut bounds: Vec<i64> = rows
                        .iter()
                        .filter_map(|&r| self.test(r, col))
                        .flat_map(|s| match s {
                            Set::Range(a, b) => vec![a, b.saturating_add(1)],
                            Set::Mask(_) => vec![],
                        })
                        .filter(|&b| b > lo && b <= hi)
                        .collect();
                    bounds.sort_unstable();
                    bounds.dedup();
                    // Interval i is [bounds[i-1], bounds[i]); probe it at its start.
                    let probes: Vec<i64> =
                        std::iter::once(lo).chain(bounds.iter().copied()).collect();
                    let classes = probes
                        .iter()
                        .map(|&p| {
                            rows.iter()
                                .copied()
                                .filter(|&r| self.test(r, col).is_none_or(|s| s.contains(p)))
                                .collect()
                        })
                        .collect();
                    (Some(bounds), classes)
                }
            };
            let total: usize = classes.iter().map(Vec::len).sum();
            let score = total / classes.len().max(1);
            if best.as_ref().is_none_or(|b| score < b.1) {
                best = Some(((col, bounds, classes), score));
            }
        }
        let ((col, bounds, classes), score) = best?;
        // Split only when the average class is clearly smaller.
        (score * 10 < rows.len() * 7).then_some((col, bounds, classes))
    }

    fn build(&mut self, rows: Vec<u32>, used: u64) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(Node::Leaf { start: 0, end: 0 });
        let split = if rows.len() > LEAF && self.budget > 0 {
            self.best_split(&rows, used)
        } else {
            None
        };
        match split {
            None => {
                let start = self.leaf_rows.len() as u32;
                self.budget = self.budget.saturating_sub(rows.len());
                self.leaf_rows.extend(rows);
                self.nodes[id as usize] = Node::Leaf {
                    start,
                    end: self.leaf_rows.len() as u32,
                };
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
                    None => Node::Mask {
                        col: col as u32,
                        children,
                    },
                    Some(bounds) => Node::Range {
                        col: col as u32,
                        bounds,
                        children,
                    },
                };
            }
        }
        id
    }
}
