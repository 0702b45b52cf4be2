//! The schema: enums, facts, their types and defaults, and values
//! checked against a fact's type.

use super::model::*;
use super::resolve::*;
use crate::diag::{did_you_mean, Code};
use crate::syntax::ast::{self, Literal};

impl Checker<'_> {
    pub(super) fn check_schema(&mut self, s: &ast::Schema) -> Option<Schema> {
        let mut enums: Vec<EnumDef> = Vec::new();
        for e in &s.enums {
            if let Some(prev) = enums.iter().find(|p| p.name == e.name.name) {
                self.push(duplicate(
                    format!("enum `{}` is defined twice", e.name.name),
                    e.name.span,
                    prev.span,
                    "rename or remove one",
                ));
                continue;
            }
            let mut variants: Vec<VariantDef> = Vec::new();
            for v in &e.variants {
                if let Some(prev) = variants.iter().find(|p| p.name == v.name.name) {
                    self.push(duplicate(
                        format!(
                            "variant `{}` appears twice in `{}`",
                            v.name.name, e.name.name
                        ),
                        v.name.span,
                        prev.span,
                        "remove one of them",
                    ));
                    continue;
                }
                variants.push(VariantDef {
                    name: v.name.name.clone(),
                    doc: v.doc.as_ref().map(|d| d.value.clone()),
                    span: v.name.span,
                });
            }
            if variants.len() > MAX_VARIANTS {
                self.push(
                    err(
                        Code::Limit,
                        format!(
                            "enum `{}` has {} variants, more than {MAX_VARIANTS}",
                            e.name.name,
                            variants.len()
                        ),
                        e.name.span,
                        "too many variants",
                    )
                    .help("split the enum into two facts"),
                );
                variants.truncate(MAX_VARIANTS);
            }
            enums.push(EnumDef {
                name: e.name.name.clone(),
                variants,
                span: e.name.span,
            });
        }
        let recipient = enums.iter().position(|e| e.name == "Recipient");
        if recipient.is_none() {
            self.push(err(Code::Schema, "the schema declares no `enum Recipient`", s.span, "schema without recipients").help("declare `enum Recipient { ... }`: the variants are who a rule may name in `to [...]`"));
        }
        let mut facts: Vec<FactDef> = Vec::new();
        for f in &s.facts {
            if let Some(prev) = facts.iter().find(|p| p.name == f.name.name) {
                self.push(duplicate(
                    format!("fact `{}` is declared twice", f.name.name),
                    f.name.span,
                    prev.span,
                    "remove one declaration",
                ));
                continue;
            }
            let Some(ty) = self.check_type(&enums, &f.ty) else {
                self.quiet.insert(f.name.name.clone());
                continue;
            };
            let mut fact = FactDef {
                name: f.name.name.clone(),
                ty,
                default: None,
                default_today: false,
                doc: f.doc.as_ref().map(|d| d.value.clone()),
                span: f.name.span,
            };
            match &f.default {
                Some(Literal::Name(id))
                    if id.name == "today" && matches!(fact.ty, FactType::Date { .. }) =>
                {
                    fact.default_today = true
                }
                Some(lit) => fact.default = self.check_value(&enums, &facts, &fact, lit),
                None => {}
            }
            facts.push(fact);
        }
        Some(Schema {
            enums,
            facts,
            recipient: recipient?,
        })
    }

    pub(super) fn check_type(&mut self, enums: &[EnumDef], t: &ast::TypeExpr) -> Option<FactType> {
        match t {
            ast::TypeExpr::Bool(_) => Some(FactType::Bool),
            ast::TypeExpr::Int { range: None, span } => {
                self.push(err(Code::InvalidRange, "an `int` fact needs a declared range", *span, "no range").help("write the range of sensible values, e.g. `int 0..=130`; exact analyses need a finite domain"));
                None
            }
            ast::TypeExpr::Int {
                range: Some((lo, hi)),
                ..
            } => {
                if lo.value > hi.value {
                    self.push(empty_range(lo, hi));
                    return None;
                }
                Some(FactType::Int {
                    lo: lo.value,
                    hi: hi.value,
                })
            }
            ast::TypeExpr::Date { range: None, span } => {
                self.push(err(Code::InvalidRange, "a `date` fact needs a declared range", *span, "no range").help("write the first and last dates it can take, e.g. `date 1950-01-01..=2099-12-31`; exact analyses need a finite domain"));
                None
            }
            ast::TypeExpr::Date {
                range: Some((lo, hi)),
                ..
            } => {
                let (a, b) = (self.check_date(lo), self.check_date(hi));
                let (lo_d, hi_d) = (a?.days(), b?.days());
                if lo_d > hi_d {
                    self.push(
                        err(
                            Code::InvalidRange,
                            format!("range `{}..={}` is empty", lo.text, hi.text),
                            lo.span.to(hi.span),
                            "first date after the last",
                        )
                        .help("swap the dates"),
                    );
                    return None;
                }
                Some(FactType::Date { lo: lo_d, hi: hi_d })
            }
            ast::TypeExpr::Named(id) => match enums.iter().position(|e| e.name == id.name) {
                Some(i) => Some(FactType::Enum(i)),
                None => {
                    let mut names: Vec<&str> = enums.iter().map(|e| e.name.as_str()).collect();
                    names.extend(["bool", "int", "date"]);
                    let mut d = err(
                        Code::UnknownType,
                        format!("unknown type `{}`", id.name),
                        id.span,
                        "not a type",
                    );
                    d = d.help(did_you_mean(&id.name, names).unwrap_or_else(|| {
                        "use `bool`, `int LO..=HI`, `date FIRST..=LAST` or an enum declared in the schema".into()
                    }));
                    self.push(d);
                    None
                }
            },
        }
    }

    /// Type a literal against a fact and encode it.
    pub(super) fn check_value(
        &mut self,
        enums: &[EnumDef],
        facts: &[FactDef],
        fact: &FactDef,
        lit: &Literal,
    ) -> Option<i64> {
        match (fact.ty, lit) {
            (FactType::Bool, Literal::Bool(b, _)) => Some(*b as i64),
            (FactType::Int { lo, hi }, Literal::Int(i)) => {
                if i.value < lo || i.value > hi {
                    self.push(err(Code::OutOfRange, format!("`{}` is outside the range of `{}` ({lo}..={hi})", i.value, fact.name), i.span, "out of range").help(format!("use a value from {lo} to {hi}, or widen the range of `{}` in the schema", fact.name)));
                    None
                } else {
                    Some(i.value)
                }
            }
            (FactType::Date { lo, hi }, Literal::Date(d)) => {
                self.check_date_within(d, &fact.name, lo, hi)
            }
            (FactType::Enum(e), Literal::Name(id)) => {
                let en = &enums[e];
                if let Some(v) = en.variants.iter().position(|v| v.name == id.name) {
                    return Some(v as i64);
                }
                if facts.iter().any(|f| f.name == id.name) {
                    self.fact_comparison(fact, id);
                    return None;
                }
                let other = enums
                    .iter()
                    .find(|o| o.variants.iter().any(|v| v.name == id.name));
                let mut d = err(
                    Code::UnknownVariant,
                    format!("`{}` is not a variant of `{}`", id.name, en.name),
                    id.span,
                    format!("not a `{}`", en.name),
                );
                d = match other {
                    Some(o) => d.help(format!(
                        "`{}` is a variant of `{}`; `{}` takes one of: {}",
                        id.name,
                        o.name,
                        fact.name,
                        variant_list(en)
                    )),
                    None => d.help(
                        match did_you_mean(&id.name, en.variants.iter().map(|v| v.name.as_str())) {
                            Some(s) => s,
                            None => format!("`{}` takes one of: {}", fact.name, variant_list(en)),
                        },
                    ),
                };
                self.push(d);
                None
            }
            (_, Literal::Name(id)) if facts.iter().any(|f| f.name == id.name) => {
                self.fact_comparison(fact, id);
                None
            }
            (ty, lit) => {
                let want = match ty {
                    FactType::Bool => "`true` or `false`".to_string(),
                    FactType::Int { lo, hi } => format!("an integer from {lo} to {hi}"),
                    FactType::Date { lo, hi } => format!(
                        "a date from {} to {}",
                        crate::table::show_date(lo),
                        crate::table::show_date(hi)
                    ),
                    FactType::Enum(e) => format!("a variant of `{}`", enums[e].name),
                };
                let got = match lit {
                    Literal::Bool(..) => "a boolean",
                    Literal::Int(_) => "an integer",
                    Literal::Date(_) => "a date",
                    Literal::Name(_) => "a name",
                };
                let help = match lit {
                    Literal::Name(id) if id.name == "today" => format!(
                        "write {want}; `today` is only a fact's default, so that tests and rules say the same on every day"
                    ),
                    _ => format!("write {want}"),
                };
                self.push(
                    err(
                        Code::TypeMismatch,
                        format!("`{}` expects {want}, found {got}", fact.name),
                        lit.span(),
                        format!("{got}, not {want}"),
                    )
                    .help(help),
                );
                None
            }
        }
    }

    pub(super) fn fact_comparison(&mut self, fact: &FactDef, other: &ast::Ident) {
        self.push(
            err(Code::FactComparison, format!("`{}` is compared with the fact `{}`", fact.name, other.name), other.span, "a fact, not a literal")
                .help("compare each fact with a literal value; fact-to-fact comparisons would make conflict, gap and diff analysis inexact, so they are not part of the language"),
        );
    }
}
