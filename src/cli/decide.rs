//! `mandate decide`: one situation, one answer, with its reasons.

use super::report::{policies, Source};
use super::{DecideArgs, Exit, Format};
use crate::api::{Answer, DecideError, Facts};
use std::io::Write;

pub fn decide(a: DecideArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let source = Source::Answer {
        dir: a.policies.as_deref(),
        artifact: a.tables.as_deref(),
    };
    let policies = match policies(source, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let facts = Facts::from_pairs(&a.facts).map_err(DecideError::from);
    let answer = facts.and_then(|facts| {
        if a.explain {
            policies.explain(&a.jurisdiction, &facts)
        } else {
            policies.decide(&a.jurisdiction, &facts)
        }
    });
    let answer = match answer {
        Ok(answer) => answer,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            let help = match &e {
                DecideError::UnknownJurisdiction { .. } => format!(
                    "use a postal code (CA) or a name (California); `mandate jurisdictions` lists all {}",
                    policies.jurisdictions().len()
                ),
                DecideError::Needs { .. } => "add the missing fact with --fact name=value".into(),
                _ => e.help().into(),
            };
            writeln!(err, "  help: {help}")?;
            return Ok(match e {
                DecideError::Needs { .. } | DecideError::Corrupt { .. } => Exit::Findings,
                _ => Exit::Usage,
            });
        }
    };
    match a.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&answer).unwrap_or_default()
        )?,
        Format::Text => {
            text(&answer, out)?;
            let hash = policies.hash();
            let short = hash.get(..hash.len().min(19)).unwrap_or(hash);
            writeln!(out, "policies: {} ({short}…)", policies.origin())?;
        }
    }
    Ok(Exit::Ok)
}

fn text(a: &Answer, out: &mut dyn Write) -> std::io::Result<()> {
    let mut head = format!("{}: {}", a.jurisdiction, a.action);
    if !a.to.is_empty() {
        head.push_str(&format!(" to {}", a.to.join(", ")));
    }
    writeln!(out, "{head}")?;
    match (&a.within, &a.written_within) {
        (Some(w), Some(x)) => writeln!(out, "  deadline: {w}; in writing within {x}")?,
        (Some(w), None) => writeln!(out, "  deadline: {w}")?,
        (None, Some(x)) => writeln!(out, "  deadline: in writing within {x}")?,
        (None, None) => {}
    }
    writeln!(out, "  rule:     {} ({})", a.rule, a.source)?;
    for c in &a.citations {
        writeln!(out, "  cite:     {c}")?;
    }
    for n in &a.notes {
        writeln!(out, "  note:     {n}")?;
    }
    if let Some(u) = &a.unverified {
        writeln!(out, "  UNVERIFIED: {u}")?;
    }
    if !a.assumed.is_empty() {
        writeln!(out, "\nassumed (not given; change with --fact):")?;
        for f in &a.assumed {
            writeln!(out, "  {} = {}", f.fact, f.value)?;
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
        for f in a.facts.iter().chain(&a.assumed) {
            writeln!(out, "    {} = {}", f.fact, f.value)?;
        }
    }
    writeln!(out, "\n{}", a.disclaimer)?;
    Ok(())
}
