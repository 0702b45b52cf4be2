//! `mandate decide`: one situation in one or more jurisdictions, in plain
//! words first, then the law behind it.

use super::report::{policies_for, with_as_of};
use super::{DecideArgs, Exit, Format};
use crate::api::words::wrap;
use crate::api::{Answer, Combined, DecideError, Facts, Next, Policies, DISCLAIMER};
use crate::table::{Deadline, Duration, IF_REQUESTED};
use serde::Serialize;
use std::io::Write;

pub fn decide(a: DecideArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let source = a.source.source();
    let policies = match policies_for(source, a.format == Format::Json, out, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let facts = match Facts::from_pairs(&with_as_of(&a.facts, a.as_of.as_deref())) {
        Ok(f) => f,
        Err(e) => {
            return refuse(
                &policies,
                &DecideError::from(e),
                &a,
                &Facts::new(),
                out,
                err,
            )
        }
    };
    let result = if a.jurisdictions.len() == 1 {
        let j = &a.jurisdictions[0];
        if a.explain {
            policies.explain(j, &facts)
        } else {
            policies.decide(j, &facts)
        }
        .map(|a| Decided::One(Box::new(a)))
    } else {
        policies
            .decide_all(&a.jurisdictions, &facts, a.explain)
            .map(|c| Decided::Many(Box::new(c)))
    };
    let decided = match result {
        Ok(d) => d,
        Err(e) => return refuse(&policies, &e, &a, &facts, out, err),
    };
    match (a.format, &decided) {
        (Format::Json, Decided::One(answer)) => json(out, answer)?,
        (Format::Json, Decided::Many(all)) => json(out, all)?,
        (Format::Text, Decided::One(answer)) => {
            text(answer, out)?;
            writeln!(out, "\n{DISCLAIMER}")?;
        }
        (Format::Text, Decided::Many(all)) => many(all, out)?,
    }
    if a.format == Format::Text {
        writeln!(
            out,
            "{}",
            super::report::corpus_line(policies.origin(), Some(policies.hash()))
        )?;
    }
    Ok(Exit::Ok)
}

enum Decided {
    One(Box<Answer>),
    Many(Box<Combined>),
}

fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    )
}

/// What `--format json` prints when no answer can be given: the error,
/// and for missing facts the question to ask next.
#[derive(Serialize)]
struct Refusal<'a> {
    error: String,
    help: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    needs: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_question: Option<crate::api::Fact>,
    disclaimer: &'static str,
}

fn refuse(
    policies: &Policies,
    e: &DecideError,
    a: &DecideArgs,
    facts: &Facts,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let help = match e {
        DecideError::Needs { .. } => {
            "add the missing fact with --fact name=value, or let `mandate ask` ask for it"
        }
        _ => e.help(),
    };
    let code = match e {
        DecideError::Needs { .. } | DecideError::Corrupt { .. } => Exit::Findings,
        _ => Exit::Usage,
    };
    if a.format == Format::Json {
        let next = match e {
            DecideError::Needs { .. } => {
                a.jurisdictions
                    .iter()
                    .find_map(|j| match policies.next_question(j, facts) {
                        Ok(Next::Question(f)) => Some(f),
                        _ => None,
                    })
            }
            _ => None,
        };
        json(
            out,
            &Refusal {
                error: e.to_string(),
                help,
                needs: match e {
                    DecideError::Needs { facts, .. } => Some(facts),
                    _ => None,
                },
                next_question: next,
                disclaimer: DISCLAIMER,
            },
        )?;
    }
    writeln!(err, "error: {e}")?;
    writeln!(err, "  help: {help}")?;
    Ok(code)
}

/// Terminal width for wrapping notes: `$COLUMNS`, else 100.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(100)
}

/// One answer as a clinician reads it: the sentence, then the law.
pub fn text(a: &Answer, out: &mut dyn Write) -> std::io::Result<()> {
    let w = width();
    let head = format!("{} ({}): ", a.jurisdiction, a.name);
    let first = wrap(&format!("{head}{}", a.summary), w, "  ");
    writeln!(out, "{first}")?;
    let action = crate::table::decision_text(a.action, &a.to, a.any_of, None, None);
    writeln!(out, "  action:   {action}")?;
    deadline_line(a.within.as_ref(), a.written_within.as_ref(), out)?;
    writeln!(out, "  rule:     {} ({})", a.rule, a.source)?;
    match (&a.in_force_since, &a.in_force_until) {
        (Some(from), Some(to)) => writeln!(out, "  in force: from {from} to {to}")?,
        (Some(from), None) => writeln!(out, "  in force: since {from}")?,
        (None, Some(to)) => writeln!(out, "  in force: until {to}")?,
        (None, None) => {}
    }
    if let Some(u) = &a.upcoming {
        let line = format!("from {} this becomes: {} ({})", u.from, u.summary, u.rule);
        writeln!(out, "  CHANGE:   {}", wrap(&line, w, "            "))?;
    }
    for c in a.citations.iter() {
        writeln!(out, "  cite:     {c}")?;
    }
    for n in a.notes.iter() {
        writeln!(out, "  note:     {}", wrap(n, w, "            "))?;
    }
    if let Some(u) = &a.unverified {
        writeln!(out, "  UNVERIFIED: {}", wrap(u, w, "              "))?;
    }
    if !a.assumed.is_empty() {
        writeln!(
            out,
            "\nAssumed (not given; the answer may change if they are wrong):"
        )?;
        for f in &a.assumed {
            writeln!(out, "  {}", wrap(&f.meaning, w, "  "))?;
            writeln!(
                out,
                "    change with --fact {}=…  (now {})",
                f.fact, f.value
            )?;
        }
    }
    if let Some(e) = &a.explain {
        writeln!(out, "\nwhy:")?;
        if e.condition.is_empty() {
            let owner = a.rule.split('.').next().unwrap_or_default();
            writeln!(out, "  no rule matched, so the default of {owner} decides")?;
        } else {
            writeln!(out, "  {} matched (row {} of {})", a.rule, e.row, e.rows)?;
            writeln!(out, "  when {}", e.condition)?;
        }
        for h in &e.held {
            writeln!(out, "    held: {h}")?;
        }
        if !e.not_matched.is_empty() {
            writeln!(out, "  stronger rules that did not match:")?;
            for m in &e.not_matched {
                writeln!(out, "    {}: needs {}, but {}", m.rule, m.failed, m.actual)?;
            }
        }
        writeln!(out, "  facts:")?;
        for f in &a.facts {
            writeln!(out, "    {} = {}", f.fact, f.value)?;
        }
        for f in &a.assumed {
            writeln!(out, "    {} = {} (assumed)", f.fact, f.value)?;
        }
    }
    Ok(())
}

fn many(all: &Combined, out: &mut dyn Write) -> std::io::Result<()> {
    for a in &all.answers {
        text(a, out)?;
        writeln!(out)?;
    }
    let m = &all.combined;
    let head = format!("Together ({}): {}", m.jurisdictions.join(" + "), m.summary);
    writeln!(out, "{}", wrap(&head, width(), "  "))?;
    for c in &m.conflicts {
        writeln!(out, "  CONFLICT: {}", wrap(c, width(), "            "))?;
    }
    if m.conflicts.is_empty() {
        let action = crate::table::decision_text(m.action, &m.to, m.any_of, None, None);
        writeln!(out, "  action:   {action}")?;
        deadline_line(m.within.as_ref(), m.written_within.as_ref(), out)?;
    }
    writeln!(out, "\n{DISCLAIMER}")?;
    Ok(())
}

/// The `deadline:` line, when there is a deadline: `24h; in writing
/// within 36h`, `as soon as practicable, at most 24h`, `immediately; in
/// writing within 48h if requested`.
fn deadline_line(
    within: Option<&Duration>,
    written: Option<&Duration>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let written = written.map(|x| {
        format!(
            "in writing {}",
            x.show_parts(written_part, IF_REQUESTED, ", ")
        )
    });
    match (
        within.map(|w| w.show_parts(terse, IF_REQUESTED, ", ")),
        written,
    ) {
        (Some(w), Some(x)) => writeln!(out, "  deadline: {w}; {x}"),
        (Some(w), None) => writeln!(out, "  deadline: {w}"),
        (None, Some(x)) => writeln!(out, "  deadline: {x}"),
        (None, None) => Ok(()),
    }
}

/// A written deadline's part: `within 36h`, `as soon as practicable`.
fn written_part(d: &Duration) -> String {
    match d.deadline() {
        Deadline::Hours(_) => format!("within {d}"),
        _ => terse(d),
    }
}

/// A deadline as written, with `practicable` spelled out.
fn terse(d: &Duration) -> String {
    match (d.deadline(), d.fixed_text()) {
        (Deadline::Practicable, _) => "as soon as practicable".into(),
        (Deadline::PracticableWithin(_), Some(fixed)) => {
            format!("as soon as practicable, at most {fixed}")
        }
        _ => d.to_string(),
    }
}
