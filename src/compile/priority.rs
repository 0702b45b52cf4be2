//! Which rules a jurisdiction sees and which beats which (DESIGN.md §3):
//! a rule beats another when it is declared in a more specific
//! jurisdiction or `overrides` it, directly or transitively.

use crate::check::{Program, RuleDef};
use std::collections::HashSet;

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
    for (depth, &c) in program.chain(j).iter().enumerate() {
        for (r, rule) in program.jurisdictions[c].rules.iter().enumerate() {
            let replaced = out.iter().any(|e| e.rule(program).name == rule.name);
            if !replaced {
                out.push(Effective {
                    jur: c,
                    rule: r,
                    depth,
                });
            }
        }
    }
    out
}

/// The beats relation over one table's effective rules.
pub struct Beats {
    depth: Vec<usize>,
    /// reach[a] = effective rules that `a` overrides, transitively.
    reach: Vec<HashSet<usize>>,
    /// Longest chain of overriders above each rule, for ordering.
    rank: Vec<usize>,
}

impl Beats {
    pub fn new(program: &Program, eff: &[Effective]) -> Beats {
        let n = eff.len();
        let index =
            |jur: usize, rule: usize| eff.iter().position(|e| e.jur == jur && e.rule == rule);
        // Edges to rules replaced in this chain are dropped: the
        // replacement already beats the overrider by specificity.
        let edges: Vec<Vec<usize>> = eff
            .iter()
            .map(|e| {
                e.rule(program)
                    .overrides
                    .iter()
                    .filter_map(|&(j, r)| index(j, r))
                    .collect()
            })
            .collect();
        // Sparse: most rules override nothing, and a dense matrix would
        // cost n² memory on large synthetic jurisdictions.
        let mut reach = vec![HashSet::new(); n];
        for a in 0..n {
            let mut stack = edges[a].clone();
            while let Some(b) = stack.pop() {
                if b != a && reach[a].insert(b) {
                    stack.extend(edges[b].iter().copied());
                }
            }
        }
        let mut rank = vec![0usize; n];
        // Relax n times at most: override graphs are acyclic after check.
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
            rank,
        }
    }

    pub fn beats(&self, a: usize, b: usize) -> bool {
        self.depth[a] < self.depth[b] || self.reach[a].contains(&b)
    }

    /// A linear order in which every rule comes after all rules that beat it.
    pub fn order(&self, eff: &[Effective]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..eff.len()).collect();
        idx.sort_by_key(|&k| (self.depth[k], self.rank[k], k));
        idx
    }
}
