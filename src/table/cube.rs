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
        // Earlier rows in order, until nothing of this row is left: when
        // rows repeat or nest, the first earlier one usually covers it.
        let mut region = vec![cube.clone()];
        for j in index.iter(cube) {
            if j >= i || region.is_empty() {
                break;
            }
            region = subtract_one(region, &cubes[j]);
        }
        for piece in region {
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
/// them all: cubes are bucketed by their values on up to three columns,
/// the ones that split them most — bit-set columns such as concern and
/// role, and integer columns such as an age where the cubes' intervals are
/// narrow (rules for many single ages, say). Exact tests still follow; the
/// index only prunes, so it can never hide an intersection.
pub struct CubeIndex {
    dims: Vec<Dim>,
    buckets: Vec<Vec<u32>>,
}

/// One bucketing column.
enum Dim {
    /// A bit-set column with `n` values.
    Mask { col: usize, n: usize },
    /// An integer column cut at `bounds`: piece k is
    /// `bounds[k] ..= bounds[k + 1] - 1`.
    Int { col: usize, bounds: Vec<i64> },
}

impl Dim {
    fn size(&self) -> usize {
        match self {
            Dim::Mask { n, .. } => *n,
            Dim::Int { bounds, .. } => bounds.len().saturating_sub(1),
        }
    }

    /// The values (or pieces) of this column a cube covers, or `None` for
    /// all of them.
    fn values(&self, cube: &Cube) -> Option<Vec<usize>> {
        match (self, cube[self.col()]) {
            (Dim::Mask { n, .. }, Set::Mask(m)) => {
                Some((0..*n).filter(|v| m & (1u64 << v) != 0).collect())
            }
            (Dim::Int { bounds, .. }, Set::Range(lo, hi)) => {
                let piece = |x: i64| bounds.partition_point(|&b| b <= x).saturating_sub(1);
                Some((piece(lo)..=piece(hi).min(self.size().saturating_sub(1))).collect())
            }
            _ => None,
        }
    }

    fn col(&self) -> usize {
        match self {
            Dim::Mask { col, .. } | Dim::Int { col, .. } => *col,
        }
    }
}

/// Cut points of an integer column where the cubes' intervals begin and
/// end, if the intervals are narrow enough for bucketing to prune.
fn int_dim(col: usize, lo: i64, hi: i64, cubes: &[Cube]) -> Option<Dim> {
    let mut bounds = vec![lo, hi.saturating_add(1)];
    for c in cubes {
        if let Set::Range(a, b) = c[col] {
            bounds.push(a.max(lo));
            bounds.push(b.min(hi).saturating_add(1));
        }
    }
    bounds.sort_unstable();
    bounds.dedup();
    let pieces = bounds.len().checked_sub(1)?;
    if !(2..=4096).contains(&pieces) || cubes.is_empty() {
        return None;
    }
    let dim = Dim::Int { col, bounds };
    // Worth it only when a typical cube covers a small part of the column.
    let covered: usize = cubes
        .iter()
        .map(|c| dim.values(c).map_or(pieces, |v| v.len()))
        .sum();
    (covered * 4 <= cubes.len() * pieces).then_some(dim)
}

impl CubeIndex {
    pub fn new(full: &Cube, cubes: &[Cube]) -> CubeIndex {
        let mut dims: Vec<Dim> = full
            .iter()
            .enumerate()
            .filter_map(|(c, s)| match *s {
                Set::Mask(m) if m.count_ones() > 1 => Some(Dim::Mask {
                    col: c,
                    n: 64 - m.leading_zeros() as usize,
                }),
                Set::Range(lo, hi) if lo < hi => int_dim(c, lo, hi, cubes),
                _ => None,
            })
            .collect();
        dims.sort_by(|a, b| b.size().cmp(&a.size()).then(a.col().cmp(&b.col())));
        let mut kept = Vec::new();
        let mut size = 1usize;
        for d in dims {
            if size * d.size() > 4096 {
                continue;
            }
            size *= d.size();
            kept.push(d);
            if kept.len() == 3 {
                break;
            }
        }
        let mut index = CubeIndex {
            dims: kept,
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
        for d in &self.dims {
            let n = d.size();
            let Some(values) = d.values(cube) else {
                return (0..self.buckets.len()).collect();
            };
            keys = keys
                .iter()
                .flat_map(|k| values.iter().map(move |v| k * n + v))
                .collect();
        }
        keys
    }

    /// Indices of the cubes that may intersect `cube`, ascending, read
    /// lazily: a caller that stops early (its region is used up, or it
    /// wants only earlier cubes) pays only for what it reads. Where every
    /// cube meets every other, that is what keeps the analyses linear.
    pub fn iter(&self, cube: &Cube) -> Candidates<'_> {
        let keys = self.keys(cube);
        if let [one] = keys.as_slice() {
            return Candidates::Slice(self.buckets[*one].iter());
        }
        // The buckets are each ascending: merge their heads, so reading
        // the first few candidates does not touch the rest.
        let mut heads = std::collections::BinaryHeap::new();
        let mut slices = Vec::new();
        for k in keys {
            if let Some(&first) = self.buckets[k].first() {
                heads.push(std::cmp::Reverse((first, slices.len())));
                slices.push(&self.buckets[k][1..]);
            }
        }
        Candidates::Merge {
            heads,
            slices,
            last: None,
        }
    }
}

/// What [`CubeIndex::iter`] yields: one bucket as it is, or several
/// merged in order (a cube in several of them comes once).
pub enum Candidates<'a> {
    Slice(std::slice::Iter<'a, u32>),
    Merge {
        /// The next index of each bucket still being read, smallest first.
        heads: std::collections::BinaryHeap<std::cmp::Reverse<(u32, usize)>>,
        /// What is left of each bucket after its head.
        slices: Vec<&'a [u32]>,
        last: Option<u32>,
    },
}

impl Iterator for Candidates<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        match self {
            Candidates::Slice(it) => it.next().map(|&i| i as usize),
            Candidates::Merge {
                heads,
                slices,
                last,
            } => loop {
                let std::cmp::Reverse((i, b)) = heads.pop()?;
                if let Some((&next, rest)) = slices[b].split_first() {
                    heads.push(std::cmp::Reverse((next, b)));
                    slices[b] = rest;
                }
                if *last != Some(i) {
                    *last = Some(i);
                    return Some(i as usize);
                }
            },
        }
    }
}

/// Whether two cubes share a point, without building the intersection.
pub fn meets(a: &Cube, b: &Cube) -> bool {
    a.iter().zip(b).all(|(x, y)| !x.intersect(y).is_empty())
}

/// `region` minus `m`, leaving cubes `m` does not touch as they are.
pub fn subtract_one(region: Vec<Cube>, m: &Cube) -> Vec<Cube> {
    if !region.iter().any(|c| meets(c, m)) {
        return region;
    }
    region.iter().flat_map(|c| subtract(c, m)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lazy merge yields every cube that meets the probe, once and
    /// ascending, whatever buckets the probe spans.
    #[test]
    fn candidates_are_ascending_and_miss_nothing() {
        let full: Cube = vec![Set::Mask(0b1111), Set::Range(0, 99), Set::Mask(0b11)];
        let mut cubes = Vec::new();
        for i in 0..300i64 {
            let mask = [0b0001, 0b0011, 0b0110, 0b1111][(i % 4) as usize];
            let age = if i % 7 == 0 {
                Set::Range(0, 99)
            } else {
                Set::Range(i % 90, i % 90 + (i % 5))
            };
            cubes.push(vec![Set::Mask(mask), age, Set::Mask(1 + (i % 3) as u64)]);
        }
        let index = CubeIndex::new(&full, &cubes);
        for probe in cubes.iter().chain(std::iter::once(&full)) {
            let got: Vec<usize> = index.iter(probe).collect();
            assert!(got.windows(2).all(|w| w[0] < w[1]), "{probe:?}: {got:?}");
            for (j, c) in cubes.iter().enumerate() {
                if meets(c, probe) {
                    assert!(got.binary_search(&j).is_ok(), "{j} missing for {probe:?}");
                }
            }
        }
        // The index prunes: a narrow probe reads far fewer than all.
        let narrow = vec![Set::Mask(0b0001), Set::Range(3, 3), Set::Mask(0b01)];
        assert!(index.iter(&narrow).count() < cubes.len() / 2);
    }
}
