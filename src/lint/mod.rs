//! Lints over a compiled corpus: what is legal but probably wrong or
//! stale. Each lint has a stable code (W001 is found by the compiler, the
//! rest here) and can be suppressed on a rule or a whole jurisdiction with
//! `allow CODE "why"`.

use crate::check::{Cond, Date, Program};
use crate::diag::{Code, Diagnostic};
use crate::table::cube::{full_columns, meets, row_cube, subtract_one, Cube, CubeIndex};
use crate::table::{Set, Tables};
use std::collections::HashSet;

/// What the lints need from outside the corpus.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The day against which `reviewed` dates are judged.
    pub today: Date,
    /// Report every unverified rule (W007) as an error.
    pub deny_unverified: bool,
}

impl Options {
    /// Judge reviews against a fixed day, unverified rules not denied:
    /// what tests and benchmarks need to stay reproducible.
    pub fn on(year: u16, month: u8, day: u8) -> Options {
        Options {
            today: Date { year, month, day },
            deny_unverified: false,
        }
    }
}

impl Default for Options {
    fn default() -> Options {
        Options {
            today: today(),
            deny_unverified: false,
        }
    }
}

/// Today's date (UTC) from the system clock.
pub fn today() -> Date {
    let (year, month, day) = crate::table::civil_from_days(crate::table::system_today());
    Date {
        year: year as u16,
        month: month as u8,
        day: day as u8,
    }
}

pub fn lint(program: &Program, tables: &Tables, opts: &Options) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    redundant(program, tables, &mut out);
    unused(program, &mut out);
    untested(program, tables, opts, &mut out);
    stale(program, opts, &mut out);
    changed_since_review(program, opts, &mut out);
    if opts.deny_unverified {
        for j in &program.jurisdictions {
            for r in &j.rules {
                if let Some(why) = &r.unverified {
                    out.push(
                        Diagnostic::new(Code::Unverified, format!("rule `{}.{}` is unverified: {why}", j.code, r.name))
                            .label(r.name_span, "unverified")
                            .help("read the current official text, correct the rule if needed, and remove `unverified`"),
                    );
                }
            }
        }
    }
    out
}

/// W002: deleting the rule's rows changes no decision. Where the rule
/// decides, the rows after it decide instead; it is redundant when every
/// one of those that gets a share decides the same.
fn redundant(program: &Program, tables: &Tables, out: &mut Vec<Diagnostic>) {
    let columns = &tables.columns;
    for j in &program.jurisdictions {
        let Some(table) = tables.get(&j.code) else {
            continue;
        };
        let cubes: Vec<Cube> = table
            .rows
            .iter()
            .map(|r| row_cube(columns, &r.tests))
            .collect();
        let index = CubeIndex::new(&full_columns(columns), &cubes);
        let by_rule: std::collections::HashMap<&str, usize> = table
            .outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| (o.rule.as_str(), i))
            .collect();
        let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); table.outcomes.len()];
        for (i, row) in table.rows.iter().enumerate() {
            rows_of[row.outcome as usize].push(i);
        }
        for r in &j.rules {
            let id = format!("{}.{}", j.code, r.name);
            let Some(&own) = by_rule.get(id.as_str()) else {
                continue;
            };
            let rows = &rows_of[own];
            let Some(&last) = rows.last() else { continue };
            let (mut decides, mut same, mut instead) = (false, true, Vec::<String>::new());
            'rows: for &ri in rows {
                // Earlier rows in order, until the row is used up: rows
                // that repeat or nest are covered by the first of them.
                let mut region = vec![cubes[ri].clone()];
                for x in index.iter(&cubes[ri]) {
                    if x >= ri || region.is_empty() {
                        break;
                    }
                    region = subtract_one(region, &cubes[x]);
                }
                for piece in region {
                    decides = true;
                    let mut rest = vec![piece.clone()];
                    for next in index.iter(&piece).filter(|&x| x > last) {
                        if !rest.iter().any(|c| meets(c, &cubes[next])) {
                            continue;
                        }
                        let o = &table.outcomes[table.rows[next].outcome as usize];
                        if !crate::diff::same_decision(&table.outcomes[own], o) {
                            same = false;
                            break 'rows;
                        }
                        if !instead.contains(&o.rule) {
                            instead.push(o.rule.clone());
                        }
                        rest = subtract_one(rest, &cubes[next]);
                        if rest.is_empty() {
                            break;
                        }
                    }
                }
            }
            if decides && same {
                instead.sort();
                out.push(
                    Diagnostic::new(Code::Redundant, format!("rule `{}` changes no decision: without it, {} decide{} the same", r.name, instead.join(", "), if instead.len() == 1 { "s" } else { "" }))
                        .label(r.name_span, "redundant")
                        .help("delete it, or make it differ (citation, deadline, recipients); `allow W002 \"why\"` if it documents the state's statute on purpose"),
                );
            }
        }
    }
}

/// W003 and W004: schema vocabulary no rule uses.
fn unused(program: &Program, out: &mut Vec<Diagnostic>) {
    let schema = &program.schema;
    let mut facts_read: HashSet<usize> = HashSet::new();
    let mut variants_used: HashSet<(usize, usize)> = HashSet::new();
    fn walk(
        c: &Cond,
        schema: &crate::check::Schema,
        facts: &mut HashSet<usize>,
        variants: &mut HashSet<(usize, usize)>,
    ) {
        match c {
            Cond::All(cs) | Cond::Any(cs) => {
                cs.iter().for_each(|c| walk(c, schema, facts, variants))
            }
            Cond::Not(c) => walk(c, schema, facts, variants),
            Cond::Atom(f, set) => {
                facts.insert(*f);
                if let (crate::check::FactType::Enum(e), Set::Mask(m)) = (schema.facts[*f].ty, set)
                {
                    let all = crate::table::mask_of(schema.enums[e].variants.len());
                    // `== a` / `in [a, b]` name the set; `!= a` names its complement.
                    let named = if (m.count_ones() as u64) <= (all & !m).count_ones() as u64 {
                        *m
                    } else {
                        all & !m
                    };
                    for v in 0..schema.enums[e].variants.len() {
                        if named & (1u64 << v) != 0 {
                            variants.insert((e, v));
                        }
                    }
                }
            }
        }
    }
    for j in &program.jurisdictions {
        for r in &j.rules {
            walk(&r.cond, schema, &mut facts_read, &mut variants_used);
            for &to in &r.decision.to {
                variants_used.insert((schema.recipient, to));
            }
        }
    }
    for (f, fact) in schema.facts.iter().enumerate() {
        if !facts_read.contains(&f) {
            out.push(
                Diagnostic::new(
                    Code::UnusedFact,
                    format!("no rule reads the fact `{}`", fact.name),
                )
                .label(fact.span, "unused")
                .help("write the rules that need it, or remove it from the schema"),
            );
        }
    }
    for (e, en) in schema.enums.iter().enumerate() {
        // An enum no fact uses is wholly unused; report its variants once, at the enum.
        let typed = schema
            .facts
            .iter()
            .any(|f| f.ty == crate::check::FactType::Enum(e))
            || e == schema.recipient;
        let unused: Vec<&str> = en
            .variants
            .iter()
            .enumerate()
            .filter(|(v, _)| !variants_used.contains(&(e, *v)))
            .map(|(_, v)| v.name.as_str())
            .collect();
        if unused.is_empty() || (!typed && unused.len() == en.variants.len()) {
            continue;
        }
        for (v, var) in en.variants.iter().enumerate() {
            if !variants_used.contains(&(e, v)) {
                let what = if e == schema.recipient {
                    "no rule reports or discloses to"
                } else {
                    "no rule condition mentions"
                };
                out.push(
                    Diagnostic::new(
                        Code::UnusedVariant,
                        format!("{what} `{}::{}`", en.name, var.name),
                    )
                    .label(var.span, "unused")
                    .help("write the rules that need it, or remove the variant"),
                );
            }
        }
    }
}

/// W005: own rules that decide none of their jurisdiction's tests; W009
/// instead when such a rule is no longer in force, and for a dated
/// default that ended and that no test reaches.
fn untested(program: &Program, tables: &Tables, opts: &Options, out: &mut Vec<Diagnostic>) {
    let today = opts.today.days();
    let results = crate::policy_tests::run(program, tables);
    // Only the rule's own jurisdiction's tests count: a state test that
    // happens to land on a federal rule does not pin the federal rule.
    let decided: HashSet<(&str, &str)> = results
        .iter()
        .filter_map(|r| {
            r.rule
                .as_deref()
                .map(|rule| (r.jurisdiction.as_str(), rule))
        })
        .collect();
    // Defaults share one name, so a test pins a dated one by the dates of
    // the outcome it reached.
    let defaults_decided: HashSet<(&str, Option<i64>, Option<i64>)> = results
        .iter()
        .filter_map(|r| {
            let table = tables.get(&r.jurisdiction)?;
            let o = &table.outcomes[table.rows.get(r.row?)?.outcome as usize];
            (o.jurisdiction == r.jurisdiction && o.rule.ends_with(".default"))
                .then_some((r.jurisdiction.as_str(), o.effective, o.until))
        })
        .collect();
    for j in &program.jurisdictions {
        for d in &j.defaults {
            let key = (j.code.as_str(), d.effective.map(|x| x.0), d.until.map(|x| x.0));
            let Some((until, span)) = d.until.filter(|(u, _)| *u < today) else {
                continue;
            };
            if defaults_decided.contains(&key) {
                continue;
            }
            let ended = crate::table::show_date(until);
            out.push(
                Diagnostic::new(Code::ExpiredRule, format!("the default of `{}` ended on {ended} and no test exercises it", j.code))
                    .label(span, "no longer in force")
                    .help(format!("archive it if questions about the time up to {ended} no longer matter, or add a `test` with `as_of` on or before {ended} that the default decides (`by default`)")),
            );
        }
        for r in &j.rules {
            let id = format!("{}.{}", j.code, r.name);
            if decided.contains(&(j.code.as_str(), id.as_str())) {
                continue;
            }
            if let Some((until, span)) = r.until.filter(|(u, _)| *u < today) {
                let ended = crate::table::show_date(until);
                out.push(
                    Diagnostic::new(Code::ExpiredRule, format!("rule `{id}` ended on {ended} and no test exercises it"))
                        .label(span, "no longer in force")
                        .label(r.name_span, "untested")
                        .help(format!("archive it if questions about the time up to {ended} no longer matter, or add a `test` with `as_of` on or before {ended} that `{}` decides", r.name)),
                );
            } else {
                out.push(
                    Diagnostic::new(Code::Untested, format!("no test exercises rule `{id}`"))
                        .label(r.name_span, "untested")
                        .help(format!("add a `test` whose facts `{}` decides; `mandate test --coverage` lists what is uncovered", r.name)),
                );
            }
        }
    }
}

/// W006: reviews older than a year, or missing.
fn stale(program: &Program, opts: &Options, out: &mut Vec<Diagnostic>) {
    for j in &program.jurisdictions {
        match j.reviewed {
            None => out.push(
                Diagnostic::new(
                    Code::StaleReview,
                    format!("`{}` has no `reviewed` date", j.code),
                )
                .label(j.code_span, "never reviewed")
                .help(format!(
                    "add `reviewed YYYY-MM-DD` once the sources have been read (today is {})",
                    opts.today
                )),
            ),
            Some((date, span)) => {
                let age = opts.today.ordinal() - date.ordinal();
                if age > 365 {
                    out.push(
                        Diagnostic::new(Code::StaleReview, format!("`{}` was last reviewed {date}, {age} days before {}", j.code, opts.today))
                            .label(span, "more than 12 months ago")
                            .help("re-read the sources, update the rules, and set `reviewed` to the date of this review"),
                    );
                }
            }
        }
    }
}

/// W010: a rule took effect, on a day now past, after the jurisdiction's
/// last review.
fn changed_since_review(program: &Program, opts: &Options, out: &mut Vec<Diagnostic>) {
    let today = opts.today.days();
    for j in &program.jurisdictions {
        let Some((reviewed, reviewed_span)) = j.reviewed else {
            continue; // W006 already asks for a review
        };
        let changes = j
            .rules
            .iter()
            .map(|r| (format!("`{}.{}`", j.code, r.name), r.effective))
            .chain(j.defaults.iter().map(|d| (format!("the default of `{}`", j.code), d.effective)));
        for (what, effective) in changes {
            let Some((effective, span)) = effective else {
                continue;
            };
            if reviewed.days() < effective && effective <= today {
                let day = crate::table::show_date(effective);
                out.push(
                    Diagnostic::new(Code::ReviewBeforeChange, format!("`{}` was last reviewed {reviewed}, before {what} took effect on {day}", j.code))
                        .label(reviewed_span, "reviewed before the change")
                        .label(span, "took effect after the review")
                        .help("re-read the sources to confirm the change took effect as written, then set `reviewed` to the date of that review"),
                );
            }
        }
    }
}

/// Rules and defaults whose `effective` day is after `today`: `check`
/// lists them.
pub fn upcoming(program: &Program, today: Date) -> Vec<(String, i64)> {
    let today = today.days();
    let mut out: Vec<(String, i64)> = program
        .jurisdictions
        .iter()
        .flat_map(|j| {
            let rules = j.rules.iter().map(move |r| (format!("{}.{}", j.code, r.name), r.effective));
            let defaults = j.defaults.iter().map(move |d| (format!("{}.default", j.code), d.effective));
            rules.chain(defaults).filter_map(move |(name, effective)| {
                let (d, _) = effective?;
                (d > today).then_some((name, d))
            })
        })
        .collect();
    out.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    out
}

/// Drop warnings suppressed by `allow`, and report `allow`s that are
/// malformed (E025). A rule-level `allow` covers diagnostics whose primary
/// label lies in the rule; a jurisdiction-level one covers its whole file.
pub fn suppress(program: &Program, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut scopes: Vec<(String, crate::source::Span)> = Vec::new();
    for j in &program.jurisdictions {
        let whole = crate::source::Span {
            file: j.span.file,
            start: 0,
            end: u32::MAX,
        };
        let allows = j.allows.iter().map(|a| (a, whole)).chain(
            j.rules
                .iter()
                .flat_map(|r| r.allows.iter().map(move |a| (a, r.span))),
        );
        for ((code, reason, span), scope) in allows {
            match Code::parse(code) {
                Some(c) if c.severity() == crate::diag::Severity::Warning && !reason.trim().is_empty() => scopes.push((c.as_str().to_string(), scope)),
                Some(c) if c.severity() == crate::diag::Severity::Warning => out.push(Diagnostic::new(Code::InvalidAllow, format!("`allow {code}` gives no reason")).label(*span, "empty reason").help("say why the warning does not apply, so reviewers can judge it")),
                _ => out.push(
                    Diagnostic::new(Code::InvalidAllow, format!("`allow {code}` does not name a warning"))
                        .label(*span, "not a warning code")
                        .help("errors cannot be suppressed; warnings are listed by `mandate explain --list` (W001...)"),
                ),
            }
        }
    }
    for d in diags {
        let hidden = !d.is_error()
            && d.primary().is_some_and(|p| {
                scopes.iter().any(|(code, s)| {
                    code == d.code.as_str()
                        && s.file == p.file
                        && s.start <= p.start
                        && p.end <= s.end
                })
            });
        if !hidden {
            out.push(d);
        }
    }
    out
}
