//! `mandate ask`: a guided interview. Asks only the facts whose answer can
//! still change the outcome, with the schema's words, then answers.

use super::decide::text;
use super::report::{pick, policies, with_as_of};
use super::{AskArgs, Exit};
use crate::api::{Fact, FactKind, Facts, Next, DISCLAIMER};
use std::io::{BufRead, IsTerminal, Write};

pub fn ask(a: AskArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let source = a.source.source();
    let policies = match policies(source, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    if pick(&policies, &a.jurisdiction, err)?.is_none() {
        return Ok(Exit::Usage);
    }
    let mut known = match Facts::from_pairs(&with_as_of(&a.facts, a.as_of.as_deref())) {
        Ok(f) => f,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            writeln!(
                err,
                "  help: write facts as --fact name=value; `mandate schema` lists them"
            )?;
            return Ok(Exit::Usage);
        }
    };
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut lines = std::io::stdin().lock().lines();
    loop {
        let next = match policies.next_question(&a.jurisdiction, &known) {
            Ok(n) => n,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                writeln!(err, "  help: {}", e.help())?;
                return Ok(Exit::Usage);
            }
        };
        match next {
            Next::Answer(answer) => {
                writeln!(out)?;
                text(&answer, out)?;
                writeln!(out, "\n{DISCLAIMER}")?;
                return Ok(Exit::Ok);
            }
            Next::Question(fact) => {
                let value = if terminal {
                    prompt(&fact)
                } else {
                    plain(&fact, &mut lines, out, err)?
                };
                match value {
                    Some(v) => known.set(fact.name.clone(), v),
                    None => {
                        writeln!(err, "error: no answer to `{}`; stopped", fact.name)?;
                        writeln!(
                            err,
                            "  help: answer each question on its own line (a number or a value)"
                        )?;
                        return Ok(Exit::Usage);
                    }
                }
            }
        }
    }
}

/// The question as a line of text.
fn question(f: &Fact) -> String {
    f.doc.clone().unwrap_or_else(|| f.name.replace('_', " "))
}

/// On a terminal: arrow-key choices, yes/no, or a checked number.
fn prompt(f: &Fact) -> Option<String> {
    use dialoguer::{Confirm, Input, Select};
    let q = question(f);
    match &f.kind {
        FactKind::Bool => Confirm::new()
            .with_prompt(format!("{q}?"))
            .interact()
            .ok()
            .map(|b| b.to_string()),
        FactKind::Int { lo, hi } => {
            let (lo, hi) = (*lo, *hi);
            Input::<i64>::new()
                .with_prompt(format!("{q} ({lo} to {hi})"))
                .validate_with(move |v: &i64| {
                    if (lo..=hi).contains(v) {
                        Ok(())
                    } else {
                        Err(format!("enter a number from {lo} to {hi}"))
                    }
                })
                .interact_text()
                .ok()
                .map(|v| v.to_string())
        }
        FactKind::Date { first, last } => {
            let (first, last) = (first.clone(), last.clone());
            Input::<String>::new()
                .with_prompt(format!("{q} (YYYY-MM-DD)"))
                .validate_with(move |v: &String| match crate::table::parse_date(v.trim()) {
                    Some(_) if v.trim() >= first.as_str() && v.trim() <= last.as_str() => Ok(()),
                    _ => Err(format!("enter a date from {first} to {last}")),
                })
                .interact_text()
                .ok()
                .map(|v| v.trim().to_string())
        }
        FactKind::Enum { values, .. } => {
            let items: Vec<String> = values
                .iter()
                .map(|v| match &v.doc {
                    Some(d) => format!("{d}  ({})", v.name),
                    None => v.name.clone(),
                })
                .collect();
            Select::new()
                .with_prompt(q)
                .items(&items)
                .default(0)
                .interact()
                .ok()
                .and_then(|i| values.get(i).map(|v| v.name.clone()))
        }
    }
}

/// Without a terminal (a pipe, a script): print the question and its
/// choices, read one line, accept a number or a value.
fn plain<B: BufRead>(
    f: &Fact,
    lines: &mut std::io::Lines<B>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Option<String>> {
    writeln!(out, "{}", question(f))?;
    match &f.kind {
        FactKind::Bool => writeln!(out, "  yes or no")?,
        FactKind::Int { lo, hi } => writeln!(out, "  a number from {lo} to {hi}")?,
        FactKind::Date { first, last } => {
            writeln!(out, "  a date (YYYY-MM-DD) from {first} to {last}")?
        }
        FactKind::Enum { values, .. } => {
            for (i, v) in values.iter().enumerate() {
                writeln!(
                    out,
                    "  {}. {}  ({})",
                    i + 1,
                    v.doc.as_deref().unwrap_or(&v.name),
                    v.name
                )?;
            }
        }
    }
    loop {
        write!(out, "> ")?;
        out.flush()?;
        let Some(line) = lines.next().transpose()? else {
            return Ok(None);
        };
        let given = line.trim();
        let value = match &f.kind {
            FactKind::Bool => match given.to_lowercase().as_str() {
                "y" | "yes" | "true" => Some("true".to_string()),
                "n" | "no" | "false" => Some("false".to_string()),
                _ => None,
            },
            FactKind::Int { lo, hi } => given
                .parse::<i64>()
                .ok()
                .filter(|v| (*lo..=*hi).contains(v))
                .map(|v| v.to_string()),
            // Four-digit years: text order is date order.
            FactKind::Date { first, last } => crate::table::parse_date(given)
                .filter(|_| given >= first.as_str() && given <= last.as_str())
                .map(|_| given.to_string()),
            FactKind::Enum { values, .. } => given
                .parse::<usize>()
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| values.get(i))
                .or_else(|| values.iter().find(|v| v.name == given))
                .map(|v| v.name.clone()),
        };
        match value {
            Some(v) => {
                writeln!(out, "{given}")?;
                return Ok(Some(v));
            }
            None => writeln!(err, "`{given}` is not one of the choices; try again")?,
        }
    }
}
