//! Exact region algebra over the fact space. A cube fixes one set per
//! column; a region is a list of cubes. The compiler (conflicts, dead
//! rules), the coverage matrix, the lints and the semantic diff all reason
//! with these; conditions become cubes in the compiler.

use super::{Column, Set, Table, Test};

pub type Cube = Vec<Set>;

/// The whole fact space of a table's columns.
pub fn full_columns(columns: &[Column]) -> Cube {
    columns.iter().map(Column::domain).collect()
}

/// A row's tests as a cube.
pub fn row_cube(columns: &[Column], tests: &[Test]) -> Cube {
    let mut c = full_columns(columns);
    for t in tests {
        let col = t.col as usize;
        c[col] = c[col].intersect(&t.set);
    }
    c
}

/// The fact space split by which row decides: disjoint cubes, each with
/// the index of its outcome. Exact: row i's region is its cube minus the
/// cubes of every earlier row that meets it.
pub fn partition(columns: &[Column], table: &Table) -> Vec<(Cube, usize)> {
    pieces(columns, table)
        .into_iter()
        .map(|(cube, row)| (cube, table.rows[row].outcome as usize))
        .collect()
}

/// The rows that decide somewhere: a row wholly covered by earlier rows
/// never does. Ascending.
pub fn partition_rows(columns: &[Column], table: &Table) -> Vec<usize> {
    let mut rows: Vec<usize> = pieces(columns, table).into_iter().map(|(_, r)| r).collect();
    rows.dedup();
    rows
}

/// The disjoint pieces of the fact space, each with the row deciding it.
fn pieces(columns: &[Column], table: &Table) -> Vec<(Cube, usize)> {
    let cubes: Vec<Cube> = table
        .rows
        .iter()
        .map(|r| row_cube(columns, &r.tests))
        .collect();
    let index = CubeIndex::new(&full_columns(columns), &cubes);
    let mut out = Vec::new();
    for (i, cube) in cubes.iter().enumerate() {
        if cube.iter().any(Set::is_empty) {
            continue;
        }
        let earlier: Vec<Cube> = index
            .candidates(cube)
            .into_iter()
            .map(|j| j as usize)
            .filter(|&j| j < i)
            .filter(|&j| intersect(cube, &cubes[j]).is_some())
            .map(|j| cubes[j].clone())
            .collect();
        for piece in subtract_all(vec![cube.clone()], &earlier) {
            out.push((piece, i));
        }
    }
    out
}

pub fn intersect(a: &Cube, b: &Cube) -> Option<Cube> {
    let mut out = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        let s = x.intersect(y);
        if s.is_empty() {
            return None;
        }
        out.push(s);
    }
    Some(out)
}

/// `a \ b` as disjoint cubes.
pub fn subtract(a: &Cube, b: &Cube) -> Vec<Cube> {
    if intersect(a, b).is_none() {
        return vec![a.clone()];
    }
    let mut out = Vec::new();
    let mut rest = a.clone();
    for i in 0..a.len() {
        for piece in rest[i].subtract(&b[i]) {
            let mut c = rest.clone();
            c[i] = piece;
            out.push(c);
        }
        rest[i] = rest[i].intersect(&b[i]);
    }
    out
}

/// Remove every cube of `minus` from `region`.
pub fn subtract_all(mut region: Vec<Cube>, minus: &[Cube]) -> Vec<Cube> {
    for m in minus {
        if region.is_empty() {
            break;
        }
        region = region.iter().flat_map(|c| subtract(c, m)).collect();
    }
    region
}

/// Finds which of many cubes may intersect a given one without testing
/// them all: cubes are bucketed by their values on up to three bit-set
/// columns (the ones with the most values, e.g. concern and role). Exact
/// tests still follow; the index only prunes, so it can never hide an
/// intersection.
pub struct CubeIndex {
    /// (column, number of values) of the bucketing columns.
    cols: Vec<(usize, usize)>,
    buckets: Vec<Vec<u32>>,
}

impl CubeIndex {
    pub fn new(full: &Cube, cubes: &[Cube]) -> CubeIndex {
        let mut cols: Vec<(usize, usize)> = full
            .iter()
            .enumerate()
            .filter_map(|(c, s)| match s {
                Set::Mask(m) if m.count_ones() > 1 => Some((c, 64 - m.leading_zeros() as usize)),
                _ => None,
            })
            .collect();
        cols.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut kept = Vec::new();
        let mut size = 1usize;
        for c in cols {
            if size * c.1 > 4096 {
                break;
            }
            size *= c.1;
            kept.push(c);
            if kept.len() == 3 {
                break;
            }
        }
        let mut index = CubeIndex {
            cols: kept,
            buckets: vec![Vec::new(); size],
        };
        for (i, cube) in cubes.iter().enumerate() {
            for key in index.keys(cube) {
                index.buckets[key].push(i as u32);
            }
        }
        index
    }

    /// Bucket keys a cube occupies.
    fn keys(&self, cube: &Cube) -> Vec<usize> {
        let mut keys = vec![0usize];
        for &(col, n) in &self.cols {
            let Set::Mask(m) = cube[col] else {
                return (0..self.buckets.len()).collect();
            };
            let values: Vec<usize> = (0..n).filter(|v| m & (1u64 << v) != 0).collect();
            keys = keys
                .iter()
                .flat_map(|k| values.iter().map(move |v| k * n + v))
                .collect();
        }
        keys
    }

    /// Indices of the cubes that may intersect `cube`, ascending.
    pub fn candidates(&self, cube: &Cube) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .keys(cube)
            .into_iter()
            .flat_map(|k| self.buckets[k].iter().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
