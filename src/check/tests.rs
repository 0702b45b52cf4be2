//! `test` blocks: givens checked against the schema, expectations
//! and `by` rules resolved.

use super::model::*;
use super::resolve::*;
use crate::diag::{did_you_mean, Code};
use crate::source::Span;
use crate::syntax::ast;
use std::collections::BTreeMap;

impl Checker<'_> {
    pub(super) fn check_tests(
        &mut self,
        schema: &Schema,
        defs: &[JurisdictionDef],
        i: usize,
        j: &ast::Jurisdiction,
    ) -> Vec<TestDef> {
        let mut out: Vec<TestDef> = Vec::new();
        let mut names: BTreeMap<&str, Span> = BTreeMap::new();
        for t in &j.tests {
            if let Some(prev) = names.get(t.name.value.as_str()) {
                self.push(duplicate(
                    format!("test \"{}\" is defined twice", t.name.value),
                    t.name.span,
                    *prev,
                    "give each test its own name",
                ));
                continue;
            }
            names.insert(&t.name.value, t.name.span);
            let mut given: Vec<(usize, i64)> = Vec::new();
            let mut ok = true;
            for b in &t.given {
                let Some(f) = self.lookup_fact(schema, &b.fact) else {
                    ok = false;
                    continue;
                };
                if given.iter().any(|(g, _)| *g == f) {
                    self.push(
                        err(
                            Code::Duplicate,
                            format!("`{}` is given twice", b.fact.name),
                            b.fact.span,
                            "given again",
                        )
                        .help("give each fact once"),
                    );
                    ok = false;
                    continue;
                }
                let fact = schema.facts[f].clone();
                match self.check_value(&schema.enums, &schema.facts, &fact, &b.value) {
                    Some(v) => given.push((f, v)),
                    None => ok = false,
                }
            }
            let e = &t.expect;
            let to = match &e.then.to {
                Some(to) => self.check_recipients(schema, to).map(Some),
                None => Some(None),
            };
            let within = e
                .then
                .within
                .as_ref()
                .map(|d| self.check_deadline(d, false));
            let written = e
                .then
                .written
                .as_ref()
                .map(|d| self.check_deadline(d, true));
            let by = match &e.by {
                None => Some(None),
                Some(ast::By::Default(_)) => Some(Some(ByDef::Default)),
                Some(ast::By::Rule { jurisdiction, name }) => self
                    .resolve_by(defs, i, jurisdiction.as_ref(), name)
                    .map(Some),
            };
            let (Some(to), Some(within), Some(written), Some(by)) =
                (to, flip(within), flip(written), by)
            else {
                continue;
            };
            if ok {
                out.push(TestDef {
                    name: t.name.value.clone(),
                    given,
                    expect: ExpectDef {
                        action: e.then.action.action,
                        to,
                        any_of: e.then.any_of,
                        within,
                        written,
                        by,
                        span: e.span,
                    },
                    span: t.span,
                });
            }
        }
        out
    }

    pub(super) fn resolve_by(
        &mut self,
        defs: &[JurisdictionDef],
        i: usize,
        jur: Option<&ast::Ident>,
        name: &ast::Ident,
    ) -> Option<ByDef> {
        let chain = chain_of(defs, i);
        let candidates: Vec<usize> = match jur {
            Some(code) => match chain.iter().find(|&&c| defs[c].code == code.name) {
                Some(&c) => vec![c],
                None => {
                    self.push(
                        err(
                            Code::UnknownJurisdiction,
                            format!(
                                "`{}` is not `{}` or a jurisdiction it extends",
                                code.name, defs[i].code
                            ),
                            code.span,
                            "not in the chain",
                        )
                        .help(format!(
                            "the chain is {}",
                            chain
                                .iter()
                                .map(|&c| format!("`{}`", defs[c].code))
                                .collect::<Vec<_>>()
                                .join(" → ")
                        )),
                    );
                    return None;
                }
            },
            None => chain.clone(),
        };
        match candidates
            .iter()
            .find(|&&c| defs[c].rules.iter().any(|r| r.name == name.name))
        {
            Some(&c) => Some(ByDef::Rule(format!("{}.{}", defs[c].code, name.name))),
            None => {
                let names: Vec<&str> = candidates
                    .iter()
                    .flat_map(|&c| defs[c].rules.iter().map(|r| r.name.as_str()))
                    .collect();
                let help = did_you_mean(&name.name, names).unwrap_or_else(|| "name a rule of this jurisdiction, `US.rule` for an inherited one, or `default`".into());
                self.push(
                    err(
                        Code::UnknownRule,
                        format!("`by` names unknown rule `{}`", name.name),
                        name.span,
                        "no such rule",
                    )
                    .help(help),
                );
                None
            }
        }
    }
}
