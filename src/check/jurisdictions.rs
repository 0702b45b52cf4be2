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

        let (mut defs, bad_default): (Vec<JurisdictionDef>, Vec<bool>) = order
            .iter()
            .map(|j| self.check_header(schema, j, &index))
            .unzip();
        // Jurisdictions whose `extends` failed: their chain is cut short,
        // so a missing default there is a consequence, not a new error.
        // So is a gap left by a default that was refused.
        let mut broken: Vec<bool> = order
            .iter()
            .zip(&defs)
            .zip(&bad_default)
            .map(|((j, d), bad)| (j.extends.is_some() && d.parent.is_none()) || *bad)
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
            if chain.iter().any(|&c| broken[c]) {
                continue;
            }
            if chain.iter().any(|&c| !defs[c].defaults.is_empty()) {
                self.check_default_days(schema, &defs, i, &chain);
                continue;
            }
            let root = *chain.last().unwrap_or(&i);
            self.push(
                err(
                    Code::NoDefault,
                    format!("no `default` in the chain of `{}`", defs[i].code),
                    defs[i].code_span,
                    "decisions here would not be total",
                )
                .help(format!(
                    "add `default must_not_disclose cite \"...\"` to `{}` (the root of the chain)",
                    defs[root].code
                )),
            );
        }
        defs
    }

    /// E016 for a chain whose defaults leave some days without one. It is
    /// reported where the gap appears: at a jurisdiction with defaults of
    /// its own, or the root; the others inherit the same gap.
    fn check_default_days(
        &mut self,
        schema: &Schema,
        defs: &[JurisdictionDef],
        i: usize,
        chain: &[usize],
    ) {
        if defs[i].defaults.is_empty() && defs[i].parent.is_some() {
            return;
        }
        let Some((lo, hi)) = schema.date_range() else {
            return; // only undated defaults: one covers every day
        };
        let ranges = chain
            .iter()
            .flat_map(|&c| defs[c].defaults.iter().map(|d| d.days));
        let Some((from, to)) = first_gap(ranges, lo, hi) else {
            return;
        };
        let (a, b) = (crate::table::show_date(from), crate::table::show_date(to));
        let days = if from == to {
            format!("on {a}")
        } else {
            format!("from {a} to {b}")
        };
        let root = *chain.last().unwrap_or(&i);
        let whom = if root == i {
            format!("to `{}`", defs[i].code)
        } else {
            format!(
                "to `{}`, or to `{}` for the whole chain",
                defs[i].code, defs[root].code
            )
        };
        self.push(
            err(
                Code::NoDefault,
                format!("no `default` in the chain of `{}` applies on {a}", defs[i].code),
                defs[i].code_span,
                format!("no default {days}"),
            )
            .help(format!(
                "every day needs a default: widen the dates of a `default`, or add one in force {days} ({whom})"
            )),
        );
    }

    /// The jurisdiction's header, and whether one of its defaults was
    /// refused (so a gap it leaves is not reported again).
    pub(super) fn check_header(
        &mut self,
        schema: &Schema,
        j: &ast::Jurisdiction,
        index: &HashMap<&str, usize>,
    ) -> (JurisdictionDef, bool) {
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
        let (defaults, bad_default) = self.check_defaults(schema, j);
        let def = JurisdictionDef {
            code: j.code.name.clone(),
            name: j.name.value.clone(),
            parent,
            reviewed,
            sources: j.sources.iter().map(|s| s.value.clone()).collect(),
            defaults,
            rules: Vec::new(),
            tests: Vec::new(),
            allows: allows(&j.allows),
            span: j.span,
            code_span: j.code.span,
        };
        (def, bad_default)
    }

    /// A jurisdiction's defaults with their dates. Two that apply on a
    /// common day are refused: E017 when they decide differently (the
    /// answer would depend on their order), E009 when they decide alike.
    fn check_defaults(
        &mut self,
        schema: &Schema,
        j: &ast::Jurisdiction,
    ) -> (Vec<DefaultDef>, bool) {
        let (lo, hi) = schema.date_range().unwrap_or((i64::MIN, i64::MAX));
        let mut out: Vec<DefaultDef> = Vec::new();
        let mut bad = false;
        for d in &j.defaults {
            let who = format!("the `default` of `{}`", j.code.name);
            let Some(days) =
                self.in_force_days(schema, &who, d.effective.as_ref(), d.until.as_ref())
            else {
                bad = true;
                continue;
            };
            let def = DefaultDef {
                action: d.action.action,
                cites: d.cites.iter().map(|c| c.value.clone()).collect(),
                effective: d
                    .effective
                    .as_ref()
                    .and_then(|x| Some((parse_date(&x.text)?.days(), x.span))),
                until: d
                    .until
                    .as_ref()
                    .and_then(|x| Some((parse_date(&x.text)?.days(), x.span))),
                days: days.map(|(_, from, to)| (from, to)),
                span: d.span,
            };
            let clash = out
                .iter()
                .find_map(|p| Some((p, first_shared_day(p.days, def.days, lo, hi)?)));
            let Some((prev, day)) = clash else {
                out.push(def);
                continue;
            };
            bad = true;
            let on = crate::table::show_date(day);
            if prev.days.is_none() && def.days.is_none() {
                self.push(duplicate(
                    "`default` is given twice",
                    d.span,
                    prev.span,
                    "a jurisdiction has one default",
                ));
            } else if prev.action == def.action {
                self.push(duplicate(
                    format!("`default` is given twice for {on}"),
                    d.span,
                    prev.span,
                    "a jurisdiction has one default a day: make the dates meet without overlapping (`until` the day before the next `effective`), or merge the two",
                ));
            } else {
                self.push(
                    err(
                        Code::Conflict,
                        format!("two defaults of `{}` apply on {on} and decide differently", j.code.name),
                        d.span,
                        format!("decides {}", def.action),
                    )
                    .label(prev.span, format!("decides {}", prev.action))
                    .help(format!(
                        "both apply when as_of = {on}; a jurisdiction has one default a day: end the earlier one with `until` the day before the later one's `effective`"
                    )),
                );
            }
        }
        (out, bad)
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

    /// A valid date inside the range of fact `name` (`lo..=hi`, in days),
    /// as a day number; reported as invalid or out of range otherwise.
    pub(super) fn check_date_within(
        &mut self,
        d: &ast::DateLit,
        name: &str,
        lo: i64,
        hi: i64,
    ) -> Option<i64> {
        let v = self.check_date(d)?.days();
        if v < lo || v > hi {
            let (a, b) = (crate::table::show_date(lo), crate::table::show_date(hi));
            self.push(
                err(
                    Code::OutOfRange,
                    format!("`{}` is outside the range of `{name}` ({a}..={b})", d.text),
                    d.span,
                    "out of range",
                )
                .help(format!(
                    "use a date from {a} to {b}, or widen the range of `{name}` in the schema"
                )),
            );
            return None;
        }
        Some(v)
    }

    /// A rule's or a test's deadline; `written` for the written report's,
    /// the only one that may be due on request.
    pub(super) fn check_deadline(
        &mut self,
        d: &ast::DurationLit,
        written: bool,
    ) -> Option<Duration> {
        let checked = self.check_duration(d);
        let Some(span) = d.if_requested else {
            return checked;
        };
        if !written {
            let plain = d.written();
            let plain = plain.trim_end_matches(crate::table::IF_REQUESTED);
            self.push(
                err(
                    Code::InvalidDuration,
                    format!("`{plain} if requested` is not a deadline for the first report"),
                    span,
                    "only a written report is due on request",
                )
                .help(format!(
                    "the first report is due whether or not the agency asks: write `within {plain}`; a written report due only if the agency asks is `in writing within 48h if requested`"
                )),
            );
            return None;
        }
        checked?.on_request()
    }

    fn check_duration(&mut self, d: &ast::DurationLit) -> Option<Duration> {
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
