//! The checker proper. Each `check_*` function reports into `diags` and
//! returns what it could resolve, so one mistake never hides the next.

use super::model::*;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::source::{Sources, Span};
use crate::syntax::ast::{self, CmpOp, CmpTest, Literal};
use crate::table::Set;
use std::collections::{BTreeMap, HashMap};

/// Upper bound on variants per enum: a column is one 64-bit mask.
pub const MAX_VARIANTS: usize = 64;
/// Upper bound on rules per jurisdiction, so analysis time stays bounded
/// (10,000 rules compile in well under a second; see BENCHMARKS.md).
pub const MAX_RULES: usize = 20_000;

pub struct Checker<'a> {
    sources: &'a Sources,
    diags: Vec<Diagnostic>,
}

/// `LO..=HI` with LO above HI.
fn empty_range(lo: &ast::Int, hi: &ast::Int) -> Diagnostic {
    err(
        Code::InvalidRange,
        format!("range `{}..={}` is empty", lo.value, hi.value),
        lo.span.to(hi.span),
        "lower bound above upper bound",
    )
    .help("swap the bounds")
}

/// A name defined twice: the second place is the error, the first is shown.
fn duplicate(msg: impl Into<String>, second: Span, first: Span, help: &str) -> Diagnostic {
    err(Code::Duplicate, msg, second, "defined again")
        .label(first, "first here")
        .help(help)
}

fn err(code: Code, msg: impl Into<String>, span: Span, label: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, msg).label(span, label)
}

impl<'a> Checker<'a> {
    pub fn new(sources: &'a Sources) -> Checker<'a> {
        Checker {
            sources,
            diags: Vec::new(),
        }
    }

    pub fn finish(mut self) -> Vec<Diagnostic> {
        crate::diag::sort(&mut self.diags);
        self.diags
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn program(&mut self, files: &[ast::File]) -> Option<Program> {
        let (mut schemas, mut jurs): (Vec<&ast::Schema>, Vec<&ast::Jurisdiction>) =
            (Vec::new(), Vec::new());
        for item in files.iter().flat_map(|f| &f.items) {
            match item {
                ast::Item::Schema(s) => schemas.push(s),
                ast::Item::Jurisdiction(j) => jurs.push(j),
            }
        }
        let schema_ast = match schemas.as_slice() {
            [] => {
                let mut d = Diagnostic::new(Code::Schema, "no `schema` block found").help(
                    "add policies/schema.policy with the shared vocabulary (see docs/language.md)",
                );
                if let Some(j) = jurs.first() {
                    d = d.label(j.code.span, "this jurisdiction needs a schema");
                }
                self.push(d);
                return None;
            }
            [one] => *one,
            [first, rest @ ..] => {
                for s in rest {
                    self.push(
                        err(
                            Code::Schema,
                            "more than one `schema` block",
                            s.span,
                            "second schema",
                        )
                        .label(first.span, "first schema here")
                        .help("keep one schema for the whole corpus, in policies/schema.policy"),
                    );
                }
                *first
            }
        };
        let schema = self.check_schema(schema_ast)?;
        let jurisdictions = self.check_jurisdictions(&schema, &jurs);
        Some(Program {
            schema,
            jurisdictions,
        })
    }

    // ------------------------------------------------------------ schema

    fn check_schema(&mut self, s: &ast::Schema) -> Option<Schema> {
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
                continue;
            };
            let mut fact = FactDef {
                name: f.name.name.clone(),
                ty,
                default: None,
                doc: f.doc.as_ref().map(|d| d.value.clone()),
                span: f.name.span,
            };
            if let Some(lit) = &f.default {
                fact.default = self.check_value(&enums, &facts, &fact, lit);
            }
            facts.push(fact);
        }
        Some(Schema {
            enums,
            facts,
            recipient: recipient?,
        })
    }

    fn check_type(&mut self, enums: &[EnumDef], t: &ast::TypeExpr) -> Option<FactType> {
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
            ast::TypeExpr::Named(id) => match enums.iter().position(|e| e.name == id.name) {
                Some(i) => Some(FactType::Enum(i)),
                None => {
                    let mut names: Vec<&str> = enums.iter().map(|e| e.name.as_str()).collect();
                    names.extend(["bool", "int"]);
                    let mut d = err(
                        Code::UnknownType,
                        format!("unknown type `{}`", id.name),
                        id.span,
                        "not a type",
                    );
                    d = d.help(did_you_mean(&id.name, names).unwrap_or_else(|| {
                        "use `bool`, `int LO..=HI` or an enum declared in the schema".into()
                    }));
                    self.push(d);
                    None
                }
            },
        }
    }

    /// Type a literal against a fact and encode it.
    fn check_value(
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
                    FactType::Enum(e) => format!("a variant of `{}`", enums[e].name),
                };
                let got = match lit {
                    Literal::Bool(..) => "a boolean",
                    Literal::Int(_) => "an integer",
                    Literal::Name(_) => "a name",
                };
                self.push(
                    err(
                        Code::TypeMismatch,
                        format!("`{}` expects {want}, found {got}", fact.name),
                        lit.span(),
                        format!("{got}, not {want}"),
                    )
                    .help(format!("write {want}")),
                );
                None
            }
        }
    }

    fn fact_comparison(&mut self, fact: &FactDef, other: &ast::Ident) {
        self.push(
            err(Code::FactComparison, format!("`{}` is compared with the fact `{}`", fact.name, other.name), other.span, "a fact, not a literal")
                .help("compare each fact with a literal value; fact-to-fact comparisons would make conflict, gap and diff analysis inexact, so they are not part of the language"),
        );
    }

    // ------------------------------------------------------ jurisdictions

    fn check_jurisdictions(
        &mut self,
        schema: &Schema,
        jurs: &[&ast::Jurisdiction],
    ) -> Vec<JurisdictionDef> {
        // Deterministic order regardless of file order: by code.
        let mut order: Vec<&ast::Jurisdiction> = Vec::new();
        for j in jurs {
            let code = &j.code.name;
            if !(code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase())) {
                self.push(
                    err(
                        Code::InvalidCode,
                        format!("`{code}` is not a jurisdiction code"),
                        j.code.span,
                        "expected two capital letters",
                    )
                    .help(format!(
                        "use the two-letter postal code in capitals, e.g. `{}`",
                        code.to_uppercase().chars().take(2).collect::<String>()
                    )),
                );
                continue;
            }
            if let Some(prev) = order.iter().find(|p| p.code.name == *code) {
                self.push(duplicate(
                    format!("jurisdiction `{code}` is defined twice"),
                    j.code.span,
                    prev.code.span,
                    "keep one file per jurisdiction",
                ));
                continue;
            }
            order.push(j);
        }
        order.sort_by(|a, b| a.code.name.cmp(&b.code.name));
        let index: HashMap<&str, usize> = order
            .iter()
            .enumerate()
            .map(|(i, j)| (j.code.name.as_str(), i))
            .collect();

        let mut defs: Vec<JurisdictionDef> =
            order.iter().map(|j| self.check_header(j, &index)).collect();
        // Jurisdictions whose `extends` failed: their chain is cut short,
        // so a missing default there is a consequence, not a new error.
        let mut broken: Vec<bool> = order
            .iter()
            .zip(&defs)
            .map(|(j, d)| j.extends.is_some() && d.parent.is_none())
            .collect();
        self.check_extends_cycles(&mut defs, &mut broken);
        for (i, j) in order.iter().enumerate() {
            defs[i].rules = self.check_rules(schema, j);
        }
        // Overrides and tests need every jurisdiction's rule names.
        for (i, j) in order.iter().enumerate() {
            self.resolve_overrides(&mut defs, i, j);
        }
        self.check_override_cycles(&defs);
        for (i, j) in order.iter().enumerate() {
            defs[i].tests = self.check_tests(schema, &defs, i, j);
        }
        for i in 0..defs.len() {
            let chain = chain_of(&defs, i);
            if !chain
                .iter()
                .any(|&c| defs[c].default.is_some() || broken[c])
            {
                let root = *chain.last().unwrap_or(&i);
                self.push(
                    err(Code::NoDefault, format!("no `default` in the chain of `{}`", defs[i].code), defs[i].code_span, "decisions here would not be total")
                        .help(format!("add `default must_not_disclose cite \"...\"` to `{}` (the root of the chain)", defs[root].code)),
                );
            }
        }
        defs
    }

    fn check_header(
        &mut self,
        j: &ast::Jurisdiction,
        index: &HashMap<&str, usize>,
    ) -> JurisdictionDef {
        let parent = j
            .extends
            .as_ref()
            .and_then(|e| match index.get(e.name.as_str()) {
                Some(&p) => Some(p),
                None => {
                    let help = did_you_mean(&e.name, index.keys().copied()).unwrap_or_else(|| {
                        "states extend `US`, the federal baseline in policies/federal.policy".into()
                    });
                    self.push(
                        err(
                            Code::UnknownJurisdiction,
                            format!(
                                "`{}` extends unknown jurisdiction `{}`",
                                j.code.name, e.name
                            ),
                            e.span,
                            "not defined in this corpus",
                        )
                        .help(help),
                    );
                    None
                }
            });
        let mut reviewed = None;
        for (k, d) in j.reviewed.iter().enumerate() {
            if k > 0 {
                self.push(duplicate(
                    "`reviewed` is given twice",
                    d.span,
                    j.reviewed[0].span,
                    "keep the date of the latest review",
                ));
                continue;
            }
            reviewed = self.check_date(d).map(|date| (date, d.span));
        }
        let mut default = None;
        for (k, d) in j.defaults.iter().enumerate() {
            if k > 0 {
                self.push(duplicate(
                    "`default` is given twice",
                    d.span,
                    j.defaults[0].span,
                    "a jurisdiction has one default",
                ));
                continue;
            }
            default = Some(DefaultDef {
                action: d.action.action,
                cites: d.cites.iter().map(|c| c.value.clone()).collect(),
                span: d.span,
            });
        }
        JurisdictionDef {
            code: j.code.name.clone(),
            name: j.name.value.clone(),
            parent,
            reviewed,
            sources: j.sources.iter().map(|s| s.value.clone()).collect(),
            default,
            rules: Vec::new(),
            tests: Vec::new(),
            allows: j
                .allows
                .iter()
                .map(|a| (a.code.name.clone(), a.reason.value.clone(), a.span))
                .collect(),
            span: j.span,
            code_span: j.code.span,
        }
    }

    fn check_extends_cycles(&mut self, defs: &mut [JurisdictionDef], broken: &mut [bool]) {
        for start in 0..defs.len() {
            let mut seen = vec![start];
            let mut cur = start;
            while let Some(p) = defs[cur].parent {
                if p == start {
                    let names: Vec<String> = seen
                        .iter()
                        .map(|&s| format!("`{}`", defs[s].code))
                        .collect();
                    self.push(
                        err(
                            Code::ExtendsCycle,
                            format!(
                                "`extends` forms a cycle: {} → `{}`",
                                names.join(" → "),
                                defs[start].code
                            ),
                            defs[start].code_span,
                            "part of the cycle",
                        )
                        .help("remove one `extends`; every chain must end at the federal baseline"),
                    );
                    // Break the cycle here so later stages terminate.
                    defs[start].parent = None;
                    broken[start] = true;
                    break;
                }
                if seen.contains(&p) {
                    break;
                }
                seen.push(p);
                cur = p;
            }
        }
    }

    fn check_date(&mut self, d: &ast::DateLit) -> Option<Date> {
        let parsed = parse_date(&d.text);
        if parsed.is_none() {
            self.push(
                err(
                    Code::InvalidDate,
                    format!("`{}` is not a valid date", d.text),
                    d.span,
                    "not a calendar date",
                )
                .help("write the date as YYYY-MM-DD, e.g. `2026-11-20`"),
            );
        }
        parsed
    }

    fn check_duration(&mut self, d: &ast::DurationLit) -> Option<Duration> {
        let t = d.text.as_str();
        match Duration::parse(t) {
            Some(d) => Some(d),
            None => {
                self.push(
                    err(
                        Code::InvalidDuration,
                        format!("`{t}` is not a duration"),
                        d.span,
                        "not a duration",
                    )
                    .help(
                        "write `immediately`, or a number with `h`, `d` or `w`: `24h`, `2d`, `1w`",
                    ),
                );
                None
            }
        }
    }

    // -------------------------------------------------------------- rules

    fn check_rules(&mut self, schema: &Schema, j: &ast::Jurisdiction) -> Vec<RuleDef> {
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
            let cond = self.check_expr(schema, &r.when);
            let decision = self.check_then(schema, &r.then);
            if let (Some(cond), Some(decision)) = (cond, decision) {
                seen.insert(r.name.name.clone(), rules.len());
                rules.push(RuleDef {
                    name: r.name.name.clone(),
                    cond,
                    decision,
                    notes: r.notes.iter().map(|n| n.value.clone()).collect(),
                    cites: r.cites.iter().map(|c| c.value.clone()).collect(),
                    overrides: Vec::new(),
                    unverified: r.unverified.as_ref().map(|u| u.value.clone()),
                    allows: r
                        .allows
                        .iter()
                        .map(|a| (a.code.name.clone(), a.reason.value.clone(), a.span))
                        .collect(),
                    when_text: squash(self.sources.slice(r.when.span())),
                    span: r.span,
                    name_span: r.name.span,
                });
            }
        }
        rules
    }

    fn check_recipients(&mut self, schema: &Schema, to: &[ast::Ident]) -> Option<Vec<usize>> {
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

    fn check_then(&mut self, schema: &Schema, t: &ast::Then) -> Option<Decision> {
        let to = match &t.to {
            Some(to) => self.check_recipients(schema, to),
            None => Some(Vec::new()),
        };
        let within = t.within.as_ref().map(|d| self.check_duration(d));
        let written = t.written.as_ref().map(|d| self.check_duration(d));
        Some(Decision {
            action: t.action.action,
            to: to?,
            within: flip(within)?,
            written: flip(written)?,
        })
    }

    fn check_expr(&mut self, schema: &Schema, e: &ast::Expr) -> Option<Cond> {
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

    fn lookup_fact(&mut self, schema: &Schema, id: &ast::Ident) -> Option<usize> {
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

    fn check_comparison(&mut self, schema: &Schema, c: &ast::Comparison) -> Option<Cond> {
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
                    && !matches!(fact.ty, FactType::Int { .. })
                {
                    self.push(
                        err(
                            Code::TypeMismatch,
                            format!(
                                "`{}` orders integers, but `{}` is not an integer",
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

    // ---------------------------------------------------------- overrides

    fn resolve_overrides(&mut self, defs: &mut [JurisdictionDef], i: usize, j: &ast::Jurisdiction) {
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

    fn check_override_cycles(&mut self, defs: &[JurisdictionDef]) {
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

    // -------------------------------------------------------------- tests

    fn check_tests(
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
            let within = e.then.within.as_ref().map(|d| self.check_duration(d));
            let written = e.then.written.as_ref().map(|d| self.check_duration(d));
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

    fn resolve_by(
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

fn dfs(
    defs: &[JurisdictionDef],
    node: (usize, usize),
    state: &mut HashMap<(usize, usize), u8>,
    stack: &mut Vec<(usize, usize)>,
) -> Option<Vec<(usize, usize)>> {
    match state.get(&node) {
        Some(2) => return None,
        Some(1) => {
            let at = stack.iter().position(|&n| n == node).unwrap_or(0);
            return Some(stack[at..].to_vec());
        }
        _ => {}
    }
    state.insert(node, 1);
    stack.push(node);
    for &t in &defs[node.0].rules[node.1].overrides {
        if let Some(c) = dfs(defs, t, state, stack) {
            return Some(c);
        }
    }
    stack.pop();
    state.insert(node, 2);
    None
}

pub(crate) fn chain_of(defs: &[JurisdictionDef], i: usize) -> Vec<usize> {
    let mut out = vec![i];
    let mut cur = i;
    while let Some(p) = defs[cur].parent {
        if out.contains(&p) {
            break;
        }
        out.push(p);
        cur = p;
    }
    out
}

fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn variant_list(e: &EnumDef) -> String {
    e.variants
        .iter()
        .map(|v| format!("`{}`", v.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn flip<T>(x: Option<Option<T>>) -> Option<Option<T>> {
    match x {
        None => Some(None),
        Some(None) => None,
        Some(Some(v)) => Some(Some(v)),
    }
}

/// Collapse whitespace so multi-line conditions read on one line.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn point(f: usize, dom: Set, v: i64) -> Cond {
    match dom {
        Set::Mask(_) => Cond::Atom(f, Set::Mask(1u64 << v)),
        Set::Range(..) => Cond::Atom(f, Set::Range(v, v)),
    }
}

/// `lo..=v-1`, empty when `v` is the smallest integer.
fn below(f: usize, lo: i64, v: i64) -> Cond {
    match v.checked_sub(1) {
        Some(w) => range(f, lo, w),
        None => Cond::Any(Vec::new()),
    }
}

/// `v+1..=hi`, empty when `v` is the largest integer.
fn above(f: usize, v: i64, hi: i64) -> Cond {
    match v.checked_add(1) {
        Some(w) => range(f, w, hi),
        None => Cond::Any(Vec::new()),
    }
}

fn range(f: usize, lo: i64, hi: i64) -> Cond {
    Cond::Atom(f, Set::Range(lo, hi))
}

/// Hours in a duration as written (`immediately` is 0), or `None` when it
/// is not a duration.

/// `YYYY-MM-DD`, when it names a real calendar day.
pub fn parse_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            match (y.parse::<u16>(), m.parse::<u8>(), d.parse::<u8>()) {
                (Ok(y), Ok(m), Ok(d))
                    if (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m) =>
                {
                    Some(Date {
                        year: y,
                        month: m,
                        day: d,
                    })
                }
                _ => None,
            }
        }
        _ => None,
    }
}
