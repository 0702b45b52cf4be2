//! Which rules a jurisdiction sees and which beats which (docs/language.md, Semantics):
//! a rule beats another when it is declared in a more specific
//! jurisdiction or `overrides` it, directly or transitively.

use crate::check::{Program, RuleDef};
use std::collections::{HashMap, HashSet};

/// A rule as seen from one jurisdiction's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effective {
    pub jur: usize,
    pub rule: usize,
    /// 0 for the jurisdiction itself, 1 for its parent, ...
    pub depth: usize,
}

impl Effective {
    pub fn rule<'p>(&self, program: &'p Program) -> &'p RuleDef {
        &program.jurisdictions[self.jur].rules[self.rule]
    }
}

/// Own rules and inherited ones, minus inherited rules replaced by a rule
/// of the same name further down the chain. Declaration order within a
/// jurisdiction is kept.
pub fn effective(program: &Program, j: usize) -> Vec<Effective> {
    let mut out: Vec<Effective> = Vec::new();
    let mut names: HashSet<&str> = HashSet::new();
    for (depth, &c) in program.chain(j).iter().enumerate() {
        let mut here: Vec<&str> = Vec::new();
        for (r, rule) in program.jurisdictions[c].rules.iter().enumerate() {
            if !names.contains(rule.name.as_str()) {
                out.push(Effective {
                    jur: c,
                    rule: r,
                    depth,
                });
                here.push(&rule.name);
            }
        }
        names.extend(here);
    }
    out
}

/// The beats relation over one table's effective rules.
pub struct Beats {
    depth: Vec<usize>,
    /// reach[a] = effective rules that `a` overrides, transitively.
    reach: Vec<HashSet<usize>>,
    /// beaten_by[b] = rules that override `b`, transitively.
    beaten_by: Vec<Vec<usize>>,
    /// Longest chain of overriders above each rule, for ordering.
    rank: Vec<usize>,
}

impl Beats {
    pub fn new(program: &Program, eff: &[Effective]) -> Beats {
        let n = eff.len();
        let index: HashMap<(usize, usize), usize> = eff
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.jur, e.rule), i))
            .collect();
        // Edges to rules replaced in this chain are dropped: the
        // replacement already beats the overrider by specificity.
        let edges: Vec<Vec<usize>> = eff
            .iter()
            .map(|e| {
                e.rule(program)
                    .overrides
                    .iter()
                    .filter_map(|t| index.get(t).copied())
                    .collect()
            })
            .collect();
        // Sparse: most rules override nothing, and a dense matrix would
        // cost n² memory on large jurisdictions.
        let mut reach = vec![HashSet::new(); n];
        let mut beaten_by = vec![Vec::new(); n];
        for a in 0..n {
            let mut stack = edges[a].clone();
            while let Some(b) = stack.pop() {
                if b != a && reach[a].insert(b) {
                    beaten_by[b].push(a);
                    stack.extend(edges[b].iter().copied());
                }
            }
        }
        let mut rank = vec![0usize; n];
        // Relax until stable (at most n rounds: overrides are acyclic
        // after check, so chains are shorter than n).
        for _ in 0..n {
            let mut changed = false;
            for a in 0..n {
                for &b in &edges[a] {
                    if rank[b] < rank[a] + 1 && rank[a] < n {
                        rank[b] = rank[a] + 1;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        Beats {
            depth: eff.iter().map(|e| e.depth).collect(),
            reach,
            beaten_by,
            rank,
        }
    }

    pub fn beats(&self, a: usize, b: usize) -> bool {
        self.depth[a] < self.depth[b] || self.reach[a].contains(&b)
    }

    /// Every rule that beats `b`.
    pub fn beaters(&self, b: usize) -> Vec<usize> {
        // Nothing is more specific than the table's own jurisdiction.
        let mut out: Vec<usize> = if self.depth[b] == 0 {
            Vec::new()
        } else {
            (0..self.depth.len())
                .filter(|&a| self.depth[a] < self.depth[b])
                .collect()
        };
        out.extend(
            self.beaten_by[b]
                .iter()
                .copied()
                .filter(|&a| self.depth[a] >= self.depth[b]),
        );
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A linear order in which every rule comes after all rules that beat it.
    pub fn order(&self, eff: &[Effective]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..eff.len()).collect();
        idx.sort_by_key(|&k| (self.depth[k], self.rank[k], k));
        idx
    }
}
