//! Rules: conditions resolved to atoms over the schema's facts,
//! recipients and decisions.

use super::model::*;
use super::resolve::*;
use crate::diag::{did_you_mean, Code};
use crate::syntax::ast::{self, CmpOp, CmpTest};
use crate::table::Set;
use std::collections::HashMap;

impl Checker<'_> {
    pub(super) fn check_rules(&mut self, schema: &Schema, j: &ast::Jurisdiction) -> Vec<RuleDef> {
        let mut rules: Vec<RuleDef> = Vec::new();
        if j.rules.len() > MAX_RULES {
            self.push(
                err(
                    Code::Limit,
                    format!(
                        "`{}` has {} rules, more than the limit of {MAX_RULES}",
                        j.code.name,
                        j.rules.len()
                    ),
                    j.code.span,
                    "too many rules",
                )
                .help("split the jurisdiction, or generate fewer, broader rules"),
            );
            return rules;
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in &j.rules {
            if let Some(prev) = seen.get(&r.name.name).map(|&k| &rules[k]) {
                self.push(duplicate(
                    format!(
                        "rule `{}` is defined twice in `{}`",
                        r.name.name, j.code.name
                    ),
                    r.name.span,
                    prev.name_span,
                    "rename one of the rules",
                ));
                continue;
            }
            if r.cites.is_empty() {
                self.push(err(Code::MissingCite, format!("rule `{}` cites no source", r.name.name), r.name.span, "no `cite`").help("add `cite \"<statute section>\"` naming the law this rule encodes; add `unverified \"why\"` too if the source is uncertain"));
            }
            let when = self.check_expr(schema, &r.when);
            let cond = when.clone().and_then(|c| self.in_force(schema, r, c));
            let decision = self.check_then(schema, &r.then);
            if cond.is_none() || decision.is_none() {
                self.quiet.insert(r.name.name.clone());
            }
            if let (Some(cond), Some(when), Some(decision)) = (cond, when, decision) {
                seen.insert(r.name.name.clone(), rules.len());
                rules.push(RuleDef {
                    name: r.name.name.clone(),
                    cond,
                    when,
                    decision,
                    notes: r.notes.iter().map(|n| n.value.clone()).collect(),
                    cites: r.cites.iter().map(|c| c.value.clone()).collect(),
                    overrides: Vec::new(),
                    unverified: r.unverified.as_ref().map(|u| u.value.clone()),
                    allows: allows(&r.allows),
                    effective: r
                        .effective
                        .as_ref()
                        .and_then(|d| Some((parse_date(&d.text)?.days(), d.span))),
                    until: r
                        .until
                        .as_ref()
                        .and_then(|d| Some((parse_date(&d.text)?.days(), d.span))),
                    when_text: squash(self.sources.slice(r.when.span())),
                    span: r.span,
                    name_span: r.name.span,
                });
            }
        }
        rules
    }

    /// A rule's `effective` and `until` as one more condition on the
    /// schema's date fact, so every analysis sees dates as an interval.
    fn in_force(&mut self, schema: &Schema, r: &ast::Rule, cond: Cond) -> Option<Cond> {
        let who = format!("rule `{}`", r.name.name);
        match self.in_force_days(schema, &who, r.effective.as_ref(), r.until.as_ref())? {
            None => Some(cond),
            Some((f, from, to)) => Some(Cond::All(vec![cond, Cond::Atom(f, Set::Range(from, to))])),
        }
    }

    /// The days from `effective` to `until` (both included) of a rule or
    /// default (`who`), as the date fact and a range inside its domain:
    /// `Some(None)` without dates, `None` after an error (E026 without a
    /// date fact, E008 outside its range, E019 when `until` comes first).
    pub(super) fn in_force_days(
        &mut self,
        schema: &Schema,
        who: &str,
        effective: Option<&ast::DateLit>,
        until: Option<&ast::DateLit>,
    ) -> Option<Option<(usize, i64, i64)>> {
        let Some(first) = effective.or(until) else {
            return Some(None);
        };
        let Some(f) = schema
            .fact_index(crate::table::DATE_FACT)
            .filter(|&f| matches!(schema.facts[f].ty, FactType::Date { .. }))
        else {
            self.push(
                err(
                    Code::NoDateFact,
                    format!("{who} has a date but the schema has no `as_of: date` fact"),
                    first.span,
                    "a date with nothing to compare it with",
                )
                .help("declare `fact as_of: date 1950-01-01..=2099-12-31 = today \"The date of the events\"` in the schema"),
            );
            return None;
        };
        let FactType::Date { lo, hi } = schema.facts[f].ty else {
            return None;
        };
        let mut bound = |d: Option<&ast::DateLit>, edge: i64| -> Option<i64> {
            match d {
                Some(d) => self.check_date_within(d, crate::table::DATE_FACT, lo, hi),
                None => Some(edge),
            }
        };
        let from = bound(effective, lo);
        let to = bound(until, hi);
        let (from, to) = (from?, to?);
        if from > to {
            let (e, u) = (effective?, until?);
            self.push(
                err(
                    Code::InvalidRange,
                    format!(
                        "{who} ends ({}) before it takes effect ({})",
                        u.text, e.text
                    ),
                    e.span.to(u.span),
                    "never in force",
                )
                .help("`until` is the last day in force: it must not come before `effective`"),
            );
            return None;
        }
        Some(Some((f, from, to)))
    }

    pub(super) fn check_recipients(
        &mut self,
        schema: &Schema,
        to: &[ast::Ident],
    ) -> Option<Vec<usize>> {
        let en = schema.recipients();
        let mut out = Vec::new();
        let mut ok = true;
        for id in to {
            match en.variants.iter().position(|v| v.name == id.name) {
                Some(i) => out.push(i),
                None => {
                    ok = false;
                    let help = did_you_mean(&id.name, en.variants.iter().map(|v| v.name.as_str()))
                        .unwrap_or_else(|| format!("recipients are: {}", variant_list(en)));
                    self.push(
                        err(
                            Code::UnknownVariant,
                            format!("`{}` is not a recipient", id.name),
                            id.span,
                            "not a `Recipient`",
                        )
                        .help(help),
                    );
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        ok.then_some(out)
    }

    pub(super) fn check_then(&mut self, schema: &Schema, t: &ast::Then) -> Option<Decision> {
        let to = match &t.to {
            Some(to) => self.check_recipients(schema, to),
            None => Some(Vec::new()),
        };
        let within = t.within.as_ref().map(|d| self.check_deadline(d, false));
        let written = t.written.as_ref().map(|d| self.check_deadline(d, true));
        Some(Decision {
            action: t.action.action,
            to: to?,
            any_of: t.any_of && t.to.as_ref().is_none_or(|to| to.len() >= 2),
            within: flip(within)?,
            written: flip(written)?,
        })
    }

    pub(super) fn check_expr(&mut self, schema: &Schema, e: &ast::Expr) -> Option<Cond> {
        match e {
            ast::Expr::Or(parts, _) => {
                let cs: Vec<Option<Cond>> =
                    parts.iter().map(|p| self.check_expr(schema, p)).collect();
                Some(Cond::Any(cs.into_iter().collect::<Option<Vec<_>>>()?))
            }
            ast::Expr::And(parts, _) => {
                let cs: Vec<Option<Cond>> =
                    parts.iter().map(|p| self.check_expr(schema, p)).collect();
                Some(Cond::All(cs.into_iter().collect::<Option<Vec<_>>>()?))
            }
            ast::Expr::Not(inner, _) => Some(Cond::Not(Box::new(self.check_expr(schema, inner)?))),
            ast::Expr::Cmp(c) => self.check_comparison(schema, c),
        }
    }

    pub(super) fn lookup_fact(&mut self, schema: &Schema, id: &ast::Ident) -> Option<usize> {
        let found = schema.fact_index(&id.name);
        if found.is_none() {
            let help = did_you_mean(&id.name, schema.facts.iter().map(|f| f.name.as_str()))
                .unwrap_or_else(|| {
                    format!(
                        "facts are: {}",
                        schema
                            .facts
                            .iter()
                            .map(|f| format!("`{}`", f.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            self.push(
                err(
                    Code::UnknownFact,
                    format!("unknown fact `{}`", id.name),
                    id.span,
                    "not declared in the schema",
                )
                .help(help),
            );
        }
        found
    }

    pub(super) fn check_comparison(
        &mut self,
        schema: &Schema,
        c: &ast::Comparison,
    ) -> Option<Cond> {
        let f = self.lookup_fact(schema, &c.fact)?;
        let fact = schema.facts[f].clone();
        let dom = schema.domain(f);
        match &c.test {
            CmpTest::IsTrue => {
                if fact.ty != FactType::Bool {
                    self.push(
                        err(
                            Code::TypeMismatch,
                            format!("`{}` is not a boolean", fact.name),
                            c.fact.span,
                            "used as a condition on its own",
                        )
                        .help(format!(
                            "compare it with a value, e.g. `{} == ...`",
                            fact.name
                        )),
                    );
                    return None;
                }
                Some(Cond::Atom(f, Set::Mask(0b10)))
            }
            CmpTest::Op(op, lit) => {
                if matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge)
                    && !matches!(fact.ty, FactType::Int { .. } | FactType::Date { .. })
                {
                    self.push(
                        err(
                            Code::TypeMismatch,
                            format!(
                                "`{}` orders integers and dates, but `{}` is neither",
                                op.as_str(),
                                fact.name
                            ),
                            c.span,
                            "ordering a non-integer",
                        )
                        .help("use `==`, `!=` or `in [...]`"),
                    );
                    return None;
                }
                let v = self.check_value(&schema.enums, &schema.facts, &fact, lit)?;
                Some(match (op, dom) {
                    (CmpOp::Eq, _) => point(f, dom, v),
                    (CmpOp::Ne, Set::Mask(m)) => Cond::Atom(f, Set::Mask(m & !(1u64 << v))),
                    // Below and above `v`; at the edges of i64 there is
                    // nothing below or above, which must stay empty rather
                    // than saturate back onto `v`.
                    (CmpOp::Ne, Set::Range(lo, hi)) => {
                        Cond::Any(vec![below(f, lo, v), above(f, v, hi)])
                    }
                    (CmpOp::Lt, Set::Range(lo, _)) => below(f, lo, v),
                    (CmpOp::Le, Set::Range(lo, _)) => range(f, lo, v),
                    (CmpOp::Gt, Set::Range(_, hi)) => above(f, v, hi),
                    (CmpOp::Ge, Set::Range(_, hi)) => range(f, v, hi),
                    _ => unreachable!(
                        "check_comparison: ordering of a non-integer was refused above"
                    ),
                })
            }
            CmpTest::InList(items, _) => {
                let vals: Vec<Option<i64>> = items
                    .iter()
                    .map(|l| self.check_value(&schema.enums, &schema.facts, &fact, l))
                    .collect();
                let vals: Vec<i64> = vals.into_iter().collect::<Option<_>>()?;
                Some(match dom {
                    Set::Mask(_) => {
                        Cond::Atom(f, Set::Mask(vals.iter().fold(0u64, |m, v| m | (1u64 << v))))
                    }
                    Set::Range(..) => Cond::Any(vals.iter().map(|&v| range(f, v, v)).collect()),
                })
            }
            CmpTest::InRange(lo, hi) => {
                let FactType::Int { lo: dlo, hi: dhi } = fact.ty else {
                    self.push(
                        err(
                            Code::TypeMismatch,
                            format!(
                                "a range needs an integer fact, but `{}` is not one",
                                fact.name
                            ),
                            lo.span.to(hi.span),
                            "integer range",
                        )
                        .help("use `in [a, b]` with variants"),
                    );
                    return None;
                };
                if lo.value > hi.value {
                    self.push(empty_range(lo, hi));
                    return None;
                }
                for b in [lo, hi] {
                    if b.value < dlo || b.value > dhi {
                        self.push(
                            err(
                                Code::OutOfRange,
                                format!(
                                    "`{}` is outside the range of `{}` ({dlo}..={dhi})",
                                    b.value, fact.name
                                ),
                                b.span,
                                "out of range",
                            )
                            .help(format!("use bounds from {dlo} to {dhi}")),
                        );
                        return None;
                    }
                }
                Some(range(f, lo.value, hi.value))
            }
        }
    }
}
