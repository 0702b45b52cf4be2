//! Fast evaluation. A table whose distinguishable fact classes are few
//! (every shipped jurisdiction) becomes dense blocks: the value of one
//! column picks a block, the block's other columns map their values to
//! classes, and the classes address the cell holding the deciding row.
//! The hot path is all reads of slices checked against their own lengths,
//! each check also keeping a value inside its column's domain, so it needs
//! no `unsafe` to be short (see BENCHMARKS.md for what that buys).
//!
//! A larger table becomes a decision tree over its rows. Each
//! inner node splits on one column (by value for bit-set columns, by
//! interval for integers); each leaf keeps, in table order, the rows that
//! can still match, and is scanned like the table itself. So the first
//! matching row in a leaf is the first matching row of the table, and the
//! answer is the same as [`Table::decide`], which the index falls back to
//! whenever a fact is unknown (so missing facts are reported exactly as
//! the plain evaluator reports them).

use super::{Column, Decided, Set, Table, Tables, Undecided, Values};
use std::collections::HashMap;
use std::sync::Arc;

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

/// One column of a block being built: its value's class, already
/// multiplied by the column's stride in its block, is
/// `classes[offset + value - lo]`. The narrow fields are the limits a
/// dense table keeps to (a table beyond them gets a tree).
#[derive(Debug, Clone, Copy)]
struct DenseCol {
    lo: i32,
    offset: u32,
    col: u16,
    /// The domain's size less one (up to 65,535).
    last: u16,
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

/// A small table as arrays, while it is built: the first column (the
/// bit-set column most rows test, e.g. `concern`) picks a block built only
/// over the columns that still matter for its value, so most decisions
/// read two or three facts and one cell.
#[derive(Debug, Clone)]
struct Dense {
    first: Option<DenseCol>,
    /// The block for each value of the first column (a bit-set column, so
    /// values start at 0): no class lookup on the way in.
    block_of: Vec<u32>,
    blocks: Vec<Block>,
    classes: Vec<u16>,
}

/// How a decision enters its jurisdiction's table.
#[derive(Debug, Clone)]
enum Entry {
    /// Dense, the block picked by the value of the first column (a bit-set
    /// column, so values start at 0): `heads[value]`.
    Blocks { col: u16, heads: Box<[Head]> },
    /// Dense, one block for every decision.
    Block(Box<Head>),
    /// Too wide for blocks: the table's decision tree, walked out of line.
    Tree(Box<Indexed>),
}

/// One column read by a block: `run[value - lo]` is the value's class
/// times the column's stride, its part of the cell address. The run is
/// its own slice, so one bounds check both keeps the value in the
/// column's domain and the read in memory.
#[derive(Debug, Clone)]
struct Lookup {
    run: Arc<[u16]>,
    lo: i32,
    col: u16,
}

/// A block as a decision reads it. Every slice is its own, so each read
/// is checked once, against its own length.
#[derive(Debug, Clone)]
struct Head {
    /// Deciding row in the low 16 bits, its outcome in the high 16, so
    /// one load gives both.
    cells: Arc<[u32]>,
    cols: Box<[Lookup]>,
}

impl Head {
    /// The block's columns and cells as shared slices; `runs` keeps one
    /// copy of each distinct class run (the same age boundary in many
    /// states), so decisions across jurisdictions read fewer cache lines.
    fn new(classes: &[u16], block: &Block, runs: &mut HashMap<Vec<u16>, Arc<[u16]>>) -> Head {
        let cols = block
            .cols
            .iter()
            .map(|c| {
                let run = &classes[c.offset as usize..=c.offset as usize + c.last as usize];
                Lookup {
                    run: runs
                        .entry(run.to_vec())
                        .or_insert_with(|| Arc::from(run))
                        .clone(),
                    lo: c.lo,
                    col: c.col,
                }
            })
            .collect();
        Head {
            cells: Arc::from(block.cells.as_slice()),
            cols,
        }
    }

    #[inline(always)]
    fn decide<V: Values + ?Sized>(&self, values: &V) -> Option<Decided> {
        let mut at = 0usize;
        for c in self.cols.iter() {
            let v = values.value(c.col as usize)?;
            let k = v.wrapping_sub(i64::from(c.lo)) as u64;
            at += *c.run.get(usize::try_from(k).ok()?)? as usize;
        }
        self.cells.get(at).map(|&c| Decided {
            row: (c & 0xFFFF) as usize,
            outcome: (c >> 16) as usize,
        })
    }
}

impl Entry {
    /// A table's dense form as decisions read it; `None` if it has no block.
    fn dense(dense: Dense, runs: &mut HashMap<Vec<u16>, Arc<[u16]>>) -> Option<Entry> {
        let heads: Vec<Head> = dense
            .blocks
            .iter()
            .map(|b| Head::new(&dense.classes, b, runs))
            .collect();
        Some(match dense.first {
            None => Entry::Block(Box::new(heads.into_iter().next()?)),
            // A head per value, repeated where values share a block, so the
            // value indexes the head itself.
            Some(first) => Entry::Blocks {
                col: first.col,
                heads: dense
                    .block_of
                    .iter()
                    .map(|&b| heads.get(b as usize).cloned())
                    .collect::<Option<_>>()?,
            },
        })
    }

    /// `None` when a fact is unknown or outside its domain, or for a tree.
    #[inline(always)]
    fn decide<V: Values + ?Sized>(&self, values: &V) -> Option<Decided> {
        let head = match self {
            Entry::Blocks { col, heads } => {
                let v = values.value(*col as usize)?;
                heads.get(usize::try_from(v as u64).ok()?)?
            }
            Entry::Block(head) => head,
            Entry::Tree(_) => return None,
        };
        head.decide(values)
    }
}

/// One table, flattened and indexed by a tree.
#[derive(Debug, Clone)]
pub struct Indexed {
    /// Row tests, all rows back to back; row i is tests[starts[i]..starts[i+1]].
    tests: Vec<(u32, Set)>,
    starts: Vec<u32>,
    outcomes: Vec<u32>,
    nodes: Vec<Node>,
    leaf_rows: Vec<u32>,
}

/// One table, indexed for fast decisions: dense blocks when the table is
/// small enough, else a tree.
#[derive(Debug, Clone)]
pub struct TableIndex {
    entry: Entry,
}

impl TableIndex {
    /// Index `table`, whose tests refer to `columns`.
    pub fn new(columns: &[Column], table: &Table) -> TableIndex {
        TableIndex {
            entry: Entry::new(columns, table, &mut HashMap::new()),
        }
    }

    /// Whether the dense form was used.
    pub fn is_dense(&self) -> bool {
        !matches!(self.entry, Entry::Tree(_))
    }

    /// The same answer as [`Table::decide`] on the table this index was
    /// built from, which it needs for facts that are unknown.
    #[inline(always)]
    pub fn decide<V: Values + ?Sized>(
        &self,
        table: &Table,
        values: &V,
    ) -> Result<Decided, Undecided> {
        match self.entry.decide(values) {
            Some(d) => Ok(d),
            None => slow(&self.entry, table, values),
        }
    }
}

impl Entry {
    fn new(columns: &[Column], table: &Table, runs: &mut HashMap<Vec<u16>, Arc<[u16]>>) -> Entry {
        Dense::new(columns, table)
            .and_then(|dense| Entry::dense(dense, runs))
            .unwrap_or_else(|| Entry::Tree(Box::new(Indexed::new(columns, table))))
    }
}

/// A tree, or unknown facts: out of line, so the dense path stays small.
#[cold]
#[inline(never)]
fn slow<V: Values + ?Sized>(
    entry: &Entry,
    table: &Table,
    values: &V,
) -> Result<Decided, Undecided> {
    let walked = match entry {
        Entry::Tree(tree) => tree.walk(values),
        _ => None,
    };
    match walked {
        Some(d) => Ok(d),
        // Unknown facts: the plain evaluator, which reports them exactly.
        None => table.decide(values),
    }
}

/// Every table of a corpus, indexed for fast decisions; identical class
/// runs are shared across tables.
#[derive(Debug, Clone)]
pub struct Decider {
    /// By table, in the order of [`Tables::tables`].
    entries: Vec<Entry>,
    codes: Vec<String>,
}

impl Tables {
    /// Index every table.
    pub fn decider(&self) -> Decider {
        let mut runs = HashMap::new();
        let entries = self
            .tables
            .iter()
            .map(|table| Entry::new(&self.columns, table, &mut runs))
            .collect();
        Decider {
            entries,
            codes: self.tables.iter().map(|t| t.jurisdiction.clone()).collect(),
        }
    }
}

impl Decider {
    /// How many tables use the dense form (the rest use a tree).
    pub fn dense_tables(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| !matches!(e, Entry::Tree(_)))
            .count()
    }

    /// Position of a jurisdiction, for [`Decider::decide`].
    pub fn position(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c.eq_ignore_ascii_case(code))
    }

    /// Decide in table `t` (a [`Decider::position`]). The same answer as
    /// [`Table::decide`] on `tables.tables[t]`, which it needs for facts
    /// that are unknown.
    #[inline(always)]
    pub fn decide<V: Values + ?Sized>(
        &self,
        tables: &Tables,
        t: usize,
        values: &V,
    ) -> Result<Decided, Undecided> {
        match self.entries[t].decide(values) {
            Some(d) => Ok(d),
            None => slow(&self.entries[t], &tables.tables[t], values),
        }
    }
}

/// A chosen split: column, interval bounds (integers only), and the rows
/// of each class.
type Split = (usize, Option<Vec<i64>>, Vec<Vec<u32>>);

struct Builder<'a> {
    columns: &'a [Column],
    table: &'a Table,
    nodes: Vec<Node>,
    leaf_rows: Vec<u32>,
    /// Row entries placed in leaves so far, to bound duplication.
    budget: usize,
}

impl Indexed {
    pub fn new(columns: &[Column], table: &Table) -> Indexed {
        let mut tests = Vec::new();
        let mut starts = vec![0u32];
        for row in &table.rows {
            tests.extend(row.tests.iter().map(|t| (t.col, t.set)));
            starts.push(tests.len() as u32);
        }
        let mut b = Builder {
            columns,
            table,
            nodes: Vec::new(),
            leaf_rows: Vec::new(),
            budget: 32 * table.rows.len() + 4096,
        };
        let all: Vec<u32> = (0..table.rows.len() as u32).collect();
        b.build(all, 0);
        Indexed {
            tests,
            starts,
            outcomes: table.rows.iter().map(|r| r.outcome).collect(),
            nodes: b.nodes,
            leaf_rows: b.leaf_rows,
        }
    }
}

impl Dense {
    /// The dense form, when every block's classes multiply to few cells.
    fn new(columns: &[Column], table: &Table) -> Option<Dense> {
        if table.rows.len() >= u16::MAX as usize || table.outcomes.len() >= u16::MAX as usize {
            return None;
        }
        let mut dense = Dense {
            first: None,
            block_of: Vec::new(),
            blocks: Vec::new(),
            classes: Vec::new(),
        };
        let all: Vec<usize> = (0..table.rows.len()).collect();
        // The first column: the bit-set column tested by the most rows.
        let first = (0..columns.len())
            .filter(|&c| matches!(columns[c].domain(), Set::Mask(_)))
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
        let mut fixed: Vec<Option<i64>> = columns.iter().map(|c| c.domain().first()).collect();
        match first {
            None => {
                let block =
                    Self::block(columns, table, &all, None, &mut fixed, &mut dense.classes)?;
                dense.blocks.push(block);
            }
            Some(col) => {
                let (first_col, reps) =
                    Self::column(columns, table, &all, col, &mut dense.classes)?;
                dense.first = Some(first_col);
                let (start, len) = (first_col.offset as usize, first_col.last as usize + 1);
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
                        columns,
                        table,
                        &rows,
                        Some(col),
                        &mut fixed,
                        &mut dense.classes,
                    )?;
                    dense.blocks.push(block);
                }
            }
        }
        Some(dense)
    }

    /// Classes of one column over `rows`: the column descriptor (with its
    /// class table appended to `classes`) and one representative value per
    /// class.
    fn column(
        columns: &[Column],
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
        let (lo, hi) = match columns[col].domain() {
            Set::Mask(m) => (0, 63 - m.leading_zeros() as i64),
            Set::Range(lo, hi) => (lo, hi),
        };
        if i128::from(hi) - i128::from(lo) >= 1 << 16
            || i32::try_from(lo).is_err()
            || u16::try_from(col).is_err()
        {
            return None;
        }
        // Values with the same membership in every row's set share a
        // class. Membership only changes where an interval starts or ends,
        // so a run of values between two such points is classed once (a
        // date column spans tens of thousands of days and a few bounds).
        let mut starts: Vec<i64> = sets
            .iter()
            .flat_map(|s| match *s {
                Set::Range(a, b) => vec![a, b.saturating_add(1)],
                Set::Mask(_) => vec![],
            })
            .filter(|&b| b > lo && b <= hi)
            .collect();
        if matches!(columns[col].domain(), Set::Mask(_)) {
            starts = (lo + 1..=hi).collect();
        }
        starts.push(lo);
        starts.sort_unstable();
        starts.dedup();
        let mut signatures: Vec<Vec<bool>> = Vec::new();
        let mut reps = Vec::new();
        let offset = classes.len() as u32;
        for (i, &v) in starts.iter().enumerate() {
            let end = starts.get(i + 1).map_or(hi, |&n| n - 1);
            let sig: Vec<bool> = sets.iter().map(|s| s.contains(v)).collect();
            let k = match signatures.iter().position(|s| *s == sig) {
                Some(k) => k,
                None => {
                    signatures.push(sig);
                    reps.push(v);
                    signatures.len() - 1
                }
            };
            classes.extend(std::iter::repeat_n(k as u16, (end - v + 1) as usize));
        }
        Some((
            DenseCol {
                col: col as u16,
                offset,
                last: (hi - lo) as u16,
                lo: lo as i32,
            },
            reps,
        ))
    }

    /// A block over the columns `rows` test (except `skip`), its cells
    /// decided by the table itself on one representative per class.
    fn block(
        columns: &[Column],
        table: &Table,
        rows: &[usize],
        skip: Option<usize>,
        fixed: &mut [Option<i64>],
        classes: &mut Vec<u16>,
    ) -> Option<Block> {
        let mut cols = Vec::new();
        let mut reps: Vec<(usize, Vec<i64>)> = Vec::new();
        let mut cells = 1usize;
        for col in 0..columns.len() {
            if Some(col) == skip
                || !rows
                    .iter()
                    .any(|&r| table.rows[r].tests.iter().any(|t| t.col as usize == col))
            {
                continue;
            }
            let (c, r) = Self::column(columns, table, rows, col, classes)?;
            if r.len() == 1 {
                classes.truncate(c.offset as usize);
                continue; // every value decides alike: no need to read it
            }
            let stride = cells;
            cells = cells.checked_mul(r.len()).filter(|&n| n <= MAX_CELLS)?;
            // Below MAX_CELLS, so a class times its stride fits in 16 bits.
            for k in &mut classes[c.offset as usize..] {
                *k = (usize::from(*k) * stride) as u16;
            }
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
}

impl Indexed {
    /// `None` when a fact the walk needs is unknown.
    fn walk<V: Values + ?Sized>(&self, values: &V) -> Option<Decided> {
        let mut node = 0usize;
        loop {
            match &self.nodes[node] {
                Node::Mask { col, children } => {
                    let v = values.value(*col as usize)?;
                    node = *children.get(usize::try_from(v).ok()?)? as usize;
                }
                Node::Range {
                    col,
                    bounds,
                    children,
                } => {
                    let v = values.value(*col as usize)?;
                    node = children[bounds.partition_point(|&b| b <= v)] as usize;
                }
                Node::Leaf { start, end } => {
                    'rows: for &row in &self.leaf_rows[*start as usize..*end as usize] {
                        let r = row as usize;
                        for (col, set) in
                            &self.tests[self.starts[r] as usize..self.starts[r + 1] as usize]
                        {
                            match values.value(*col as usize) {
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
        for (col, column) in self.columns.iter().enumerate() {
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
