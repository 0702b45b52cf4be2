//! Jurisdiction headers: codes, names, `extends` and its cycles,
//! review dates and deadlines.

use super::model::*;
use super::resolve::*;
use crate::diag::{did_you_mean, Code};
use crate::syntax::ast;
use crate::table::Deadline;
use std::collections::HashMap;

impl Checker<'_> {
    pub(super) fn check_jurisdictions(
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

    pub(super) fn check_header(
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
            allows: allows(&j.allows),
            span: j.span,
            code_span: j.code.span,
        }
    }

    pub(super) fn check_extends_cycles(
        &mut self,
        defs: &mut [JurisdictionDef],
        broken: &mut [bool],
    ) {
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

    pub(super) fn check_date(&mut self, d: &ast::DateLit) -> Option<Date> {
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

    pub(super) fn check_duration(&mut self, d: &ast::DurationLit) -> Option<Duration> {
        let base = self.check_one_duration(d);
        let Some(limit) = &d.at_most else {
            return base;
        };
        let limit_checked = self.check_one_duration(limit);
        let (base, limit_checked) = (base?, limit_checked?);
        if base.deadline() != Deadline::Practicable {
            self.push(
                err(
                    Code::InvalidDuration,
                    format!("`{}, at most {}` is not a duration", d.text, limit.text),
                    d.span,
                    "only `practicable` takes an outer limit",
                )
                .help(format!(
                    "write one deadline (`{}` or `{}`) and keep the statute's words in a `note`; `practicable, at most {}` is for \"as soon as practicable, but not later than\"",
                    d.text, limit.text, limit.text
                )),
            );
            return None;
        }
        let at_most = Duration::practicable_at_most(&limit_checked);
        if at_most.is_none() {
            self.push(
                err(
                    Code::InvalidDuration,
                    format!("`practicable, at most {}` is not a duration", limit.text),
                    limit.span,
                    "an outer limit is a number of hours, days or weeks",
                )
                .help("a report due at once is `immediately`: write that"),
            );
        }
        at_most
    }

    fn check_one_duration(&mut self, d: &ast::DurationLit) -> Option<Duration> {
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
                    .help(duration_help(t)),
                );
                None
            }
        }
    }
}

/// The help for a deadline that is not one: the words statutes use for
/// an untimed report name their keyword, a near miss is corrected, and
/// anything else gets the forms.
fn duration_help(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "promptly" | "asap" | "soon" | "reasonably" => {
            "a statute's \"as soon as practicable\" or \"promptly\" is `practicable`, its \"immediately\" or \"as soon as possible\" is `immediately`; keep its words in a `note`".into()
        }
        _ => did_you_mean(t, ["immediately", "practicable"]).unwrap_or_else(|| {
            "write `immediately`, `practicable` (as soon as practicable), or a number with `h`, `d` or `w` up to 100 years: `24h`, `2d`, `1w`".into()
        }),
    }
}
