//! The checker: its state, the walk over all files, and the helpers every
//! part shares. Each `check_*` function (in `schema`, `jurisdictions`,
//! `rules`, `overrides`, `tests`) reports into `diags` and returns what it
//! could resolve, so one mistake never hides the next.

use super::model::*;
use crate::diag::{Code, Diagnostic};
use crate::source::{Sources, Span};
use crate::syntax::ast;
use crate::table::Set;
use std::collections::{HashMap, HashSet};

/// Upper bound on variants per enum: a column is one 64-bit mask.
pub const MAX_VARIANTS: usize = 64;
/// Upper bound on rules per jurisdiction, so analysis time stays bounded
/// (10,000 rules compile in well under a second; see BENCHMARKS.md).
pub const MAX_RULES: usize = 20_000;

pub struct Checker<'a> {
    pub(super) sources: &'a Sources,
    pub(super) diags: Vec<Diagnostic>,
    /// Names whose definition is broken (a syntax error, or an error of
    /// its own already reported): a reference to one is not reported as
    /// unknown, since fixing the definition fixes the reference.
    pub(super) quiet: HashSet<String>,
}

/// `LO..=HI` with LO above HI.
pub(super) fn empty_range(lo: &ast::Int, hi: &ast::Int) -> Diagnostic {
    err(
        Code::InvalidRange,
        format!("range `{}..={}` is empty", lo.value, hi.value),
        lo.span.to(hi.span),
        "lower bound above upper bound",
    )
    .help("swap the bounds")
}

/// A name defined twice: the second place is the error, the first is shown.
pub(super) fn duplicate(
    msg: impl Into<String>,
    second: Span,
    first: Span,
    help: &str,
) -> Diagnostic {
    err(Code::Duplicate, msg, second, "defined again")
        .label(first, "first here")
        .help(help)
}

/// `allow` clauses as the model keeps them; a missing reason stays empty,
/// for E025 to report.
pub(super) fn allows(list: &[ast::Allow]) -> Vec<(String, String, Span)> {
    list.iter()
        .map(|a| {
            let reason = a
                .reason
                .as_ref()
                .map_or_else(String::new, |r| r.value.clone());
            (a.code.name.clone(), reason, a.span)
        })
        .collect()
}

pub(super) fn err(
    code: Code,
    msg: impl Into<String>,
    span: Span,
    label: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(code, msg).label(span, label)
}

impl<'a> Checker<'a> {
    pub fn new(sources: &'a Sources) -> Checker<'a> {
        Checker {
            sources,
            diags: Vec::new(),
            quiet: HashSet::new(),
        }
    }

    pub fn finish(mut self) -> Vec<Diagnostic> {
        crate::diag::sort(&mut self.diags);
        self.diags
    }

    pub(super) fn push(&mut self, d: Diagnostic) {
        let unknown = matches!(
            d.code,
            Code::UnknownFact
                | Code::UnknownVariant
                | Code::UnknownType
                | Code::UnknownJurisdiction
                | Code::UnknownRule
        );
        let named = d.labels.first().map(|l| self.sources.slice(l.span));
        if unknown && named.is_some_and(|n| self.quiet.contains(n)) {
            return;
        }
        self.diags.push(d);
    }

    pub fn program(&mut self, files: &[ast::File]) -> Option<Program> {
        let broken: Vec<&ast::Broken> = files.iter().flat_map(|f| &f.broken).collect();
        self.quiet.extend(
            broken
                .iter()
                .filter(|b| !b.name.is_empty())
                .map(|b| b.name.clone()),
        );
        let (mut schemas, mut jurs): (Vec<&ast::Schema>, Vec<&ast::Jurisdiction>) =
            (Vec::new(), Vec::new());
        let mut expected: Vec<&ast::Ident> = Vec::new();
        for item in files.iter().flat_map(|f| &f.items) {
            match item {
                ast::Item::Schema(s) => schemas.push(s),
                ast::Item::Jurisdiction(j) => jurs.push(j),
                ast::Item::Expected(e) => expected.extend(&e.codes),
            }
        }
        let schema_ast = match schemas.as_slice() {
            // The syntax error in the schema is the whole story.
            [] if broken.iter().any(|b| b.keyword == "schema") => return None,
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
        self.check_expected(&expected, &jurs);
        Some(Program {
            schema,
            jurisdictions,
        })
    }
}

impl Checker<'_> {
    /// Every jurisdiction the corpus expects is defined: a lost file is an
    /// error, not a silent gap in the answers.
    fn check_expected(&mut self, expected: &[&ast::Ident], jurs: &[&ast::Jurisdiction]) {
        let defined: std::collections::HashSet<&str> =
            jurs.iter().map(|j| j.code.name.as_str()).collect();
        let mut seen = std::collections::HashSet::new();
        for code in expected {
            if !seen.insert(code.name.as_str()) || defined.contains(code.name.as_str()) {
                continue;
            }
            self.push(
                err(
                    Code::MissingJurisdiction,
                    format!(
                        "jurisdiction `{}` is expected but no file defines it",
                        code.name
                    ),
                    code.span,
                    "expected here",
                )
                .help(format!(
                    "restore its file (e.g. policies/states/{}.policy); if the corpus no longer covers it, remove it from `expect jurisdictions [...]`",
                    code.name.to_lowercase()
                )),
            );
        }
    }
}

pub(super) fn dfs(
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

pub(super) fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

pub(super) fn variant_list(e: &EnumDef) -> String {
    e.variants
        .iter()
        .map(|v| format!("`{}`", v.name))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn flip<T>(x: Option<Option<T>>) -> Option<Option<T>> {
    match x {
        None => Some(None),
        Some(None) => None,
        Some(Some(v)) => Some(Some(v)),
    }
}

/// Collapse whitespace so multi-line conditions read on one line.
pub(super) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn point(f: usize, dom: Set, v: i64) -> Cond {
    match dom {
        Set::Mask(_) => Cond::Atom(f, Set::Mask(1u64 << v)),
        Set::Range(..) => Cond::Atom(f, Set::Range(v, v)),
    }
}

/// `lo..=v-1`, empty when `v` is the smallest integer.
pub(super) fn below(f: usize, lo: i64, v: i64) -> Cond {
    match v.checked_sub(1) {
        Some(w) => range(f, lo, w),
        None => Cond::Any(Vec::new()),
    }
}

/// `v+1..=hi`, empty when `v` is the largest integer.
pub(super) fn above(f: usize, v: i64, hi: i64) -> Cond {
    match v.checked_add(1) {
        Some(w) => range(f, w, hi),
        None => Cond::Any(Vec::new()),
    }
}

pub(super) fn range(f: usize, lo: i64, hi: i64) -> Cond {
    Cond::Atom(f, Set::Range(lo, hi))
}

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
