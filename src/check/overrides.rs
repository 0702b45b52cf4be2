//! `overrides`: targets resolved across the inheritance chain, and
//! cycles among them.

use super::model::*;
use super::resolve::*;
use crate::diag::{did_you_mean, Code};
use crate::syntax::ast;
use std::collections::HashMap;

impl Checker<'_> {
    pub(super) fn resolve_overrides(
        &mut self,
        defs: &mut [JurisdictionDef],
        i: usize,
        j: &ast::Jurisdiction,
    ) {
        let chain = chain_of(defs, i);
        // Name -> index per jurisdiction of the chain: large jurisdictions
        // must not search their rules once per `overrides`.
        let names: Vec<HashMap<String, usize>> = chain
            .iter()
            .map(|&c| {
                defs[c]
                    .rules
                    .iter()
                    .enumerate()
                    .map(|(k, x)| (x.name.clone(), k))
                    .collect()
            })
            .collect();
        for r in &j.rules {
            let Some(&ri) = names[0].get(&r.name.name) else {
                continue;
            };
            if defs[i].rules[ri].name_span.start != r.name.span.start {
                continue; // a duplicate, already reported
            }
            let mut targets = Vec::new();
            for o in &r.overrides {
                match chain
                    .iter()
                    .zip(&names)
                    .find_map(|(&c, map)| map.get(&o.name).map(|&x| (c, x)))
                {
                    Some(t) if t == (i, ri) => self.push(
                        err(
                            Code::OverrideCycle,
                            format!("rule `{}` overrides itself", o.name),
                            o.span,
                            "itself",
                        )
                        .help("remove it from `overrides`"),
                    ),
                    Some(t) => targets.push(t),
                    None => {
                        let names: Vec<&str> = chain
                            .iter()
                            .flat_map(|&c| defs[c].rules.iter().map(|x| x.name.as_str()))
                            .collect();
                        let help = did_you_mean(&o.name, names).unwrap_or_else(|| {
                            "`overrides` names a rule of this jurisdiction or of one it extends"
                                .into()
                        });
                        self.push(
                            err(
                                Code::UnknownRule,
                                format!("`{}` overrides unknown rule `{}`", r.name.name, o.name),
                                o.span,
                                "no such rule",
                            )
                            .help(help),
                        );
                    }
                }
            }
            defs[i].rules[ri].overrides = targets;
        }
    }

    pub(super) fn check_override_cycles(&mut self, defs: &[JurisdictionDef]) {
        // Colour DFS over (jurisdiction, rule) nodes.
        let mut state: HashMap<(usize, usize), u8> = HashMap::new();
        let mut reported = false;
        for ji in 0..defs.len() {
            for ri in 0..defs[ji].rules.len() {
                if !reported {
                    let mut stack = Vec::new();
                    if let Some(cycle) = dfs(defs, (ji, ri), &mut state, &mut stack) {
                        let mut names: Vec<String> = cycle
                            .iter()
                            .map(|&(j, r)| format!("`{}.{}`", defs[j].code, defs[j].rules[r].name))
                            .collect();
                        names.push(names[0].clone());
                        let (j0, r0) = cycle[0];
                        self.push(
                            err(
                                Code::OverrideCycle,
                                format!("`overrides` forms a cycle: {}", names.join(" → ")),
                                defs[j0].rules[r0].name_span,
                                "part of the cycle",
                            )
                            .help("remove one `overrides` so the priority has a top"),
                        );
                        reported = true;
                    }
                }
            }
        }
    }
}
