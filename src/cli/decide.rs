//! `mandate decide`: one situation, one answer, with its reasons.

use super::report::{pick, tables};
use super::{DecideArgs, Exit, Format, DISCLAIMER};
use crate::table::{Decided, Facts, Table, Tables};
use std::io::Write;

pub fn decide(a: DecideArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let tables = match tables(a.policies.as_deref(), a.tables.as_deref(), err)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let Some(table) = pick(&tables, &a.jurisdiction, err)? else {
        return Ok(Exit::Usage);
    };
    let facts = match Facts::parse(&tables.columns, &a.facts) {
        Ok(f) => f,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            writeln!(err, "  help: write facts as --fact name=value; `mandate schema` lists every fact and its values")?;
            return Ok(Exit::Usage);
        }
    };
    let decided = match tables.decide(table, &facts) {
        Ok(d) => d,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            writeln!(err, "  help: add the missing fact with --fact name=value")?;
            return Ok(Exit::Findings);
        }
    };
    match a.format {
        Format::Json => {
            let v = json(&tables, table, &facts, &decided, a.explain);
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )?;
        }
        Format::Text => text(&tables, table, &facts, &decided, a.explain, out)?,
    }
    Ok(Exit::Ok)
}

fn explain_json(
    tables: &Tables,
    table: &Table,
    facts: &Facts,
    decided: &Decided,
) -> serde_json::Value {
    let row = &table.rows[decided.row];
    let held: Vec<String> = row
        .tests
        .iter()
        .map(|t| tables.columns[t.col as usize].show_set(&t.set))
        .collect();
    let skipped: Vec<serde_json::Value> = table
        .skipped(facts, decided)
        .iter()
        .map(|s| {
            let col = &tables.columns[s.failed.col as usize];
            let actual = facts.values[s.failed.col as usize]
                .map(|v| col.show(v))
                .unwrap_or_default();
            serde_json::json!({
                "rule": table.outcomes[table.rows[s.row].outcome as usize].rule,
                "failed": col.show_set(&s.failed.set),
                "actual": format!("{} = {}", col.name, actual),
            })
        })
        .collect();
    let used: Vec<serde_json::Value> = tables
        .columns
        .iter()
        .zip(&facts.values)
        .filter_map(|(c, v)| v.map(|v| serde_json::json!({ "fact": c.name, "value": c.show(v) })))
        .collect();
    serde_json::json!({ "held": held, "not_matched": skipped, "facts": used, "row": decided.row + 1 })
}

fn json(
    tables: &Tables,
    table: &Table,
    facts: &Facts,
    decided: &Decided,
    explain: bool,
) -> serde_json::Value {
    let o = table.outcome(decided);
    let mut v = serde_json::json!({
        "jurisdiction": table.jurisdiction,
        "action": o.action,
        "to": o.to,
        "within": o.within,
        "written_within": o.written_within,
        "citations": o.citations,
        "rule": o.rule,
        "notes": o.notes,
        "unverified": o.unverified,
        "source": format!("{}:{}", o.file, o.line),
        "disclaimer": DISCLAIMER,
    });
    if explain {
        v["explain"] = explain_json(tables, table, facts, decided);
        v["explain"]["condition"] = serde_json::Value::String(o.condition.clone());
    }
    v
}

fn text(
    tables: &Tables,
    table: &Table,
    facts: &Facts,
    decided: &Decided,
    explain: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let o = table.outcome(decided);
    let mut head = format!("{}: {}", table.jurisdiction, o.action);
    if !o.to.is_empty() {
        head.push_str(&format!(" to {}", o.to.join(", ")));
    }
    writeln!(out, "{head}")?;
    match (&o.within, &o.written_within) {
        (Some(w), Some(x)) => writeln!(out, "  deadline: {w}; in writing within {x}")?,
        (Some(w), None) => writeln!(out, "  deadline: {w}")?,
        (None, Some(x)) => writeln!(out, "  deadline: in writing within {x}")?,
        (None, None) => {}
    }
    writeln!(out, "  rule:     {} ({}:{})", o.rule, o.file, o.line)?;
    for c in &o.citations {
        writeln!(out, "  cite:     {c}")?;
    }
    for n in &o.notes {
        writeln!(out, "  note:     {n}")?;
    }
    if let Some(u) = &o.unverified {
        writeln!(out, "  UNVERIFIED: {u}")?;
    }
    if explain {
        let e = explain_json(tables, table, facts, decided);
        writeln!(out, "\nwhy:")?;
        if o.condition.is_empty() {
            writeln!(
                out,
                "  no rule matched, so the default of {} decides",
                o.jurisdiction
            )?;
        } else {
            writeln!(
                out,
                "  {} matched (row {} of {})",
                o.rule,
                decided.row + 1,
                table.rows.len()
            )?;
            writeln!(out, "  when {}", o.condition)?;
        }
        for h in e["held"].as_array().into_iter().flatten() {
            writeln!(out, "    held: {}", h.as_str().unwrap_or_default())?;
        }
        let skipped = e["not_matched"].as_array().cloned().unwrap_or_default();
        if !skipped.is_empty() {
            writeln!(out, "  stronger rules that did not match:")?;
            let mut seen = Vec::new();
            for s in &skipped {
                let rule = s["rule"].as_str().unwrap_or_default();
                if seen.contains(&rule.to_string()) {
                    continue;
                }
                seen.push(rule.to_string());
                writeln!(
                    out,
                    "    {rule}: needs {}, but {}",
                    s["failed"].as_str().unwrap_or_default(),
                    s["actual"].as_str().unwrap_or_default()
                )?;
            }
        }
        writeln!(out, "  facts:")?;
        for (c, v) in tables.columns.iter().zip(&facts.values) {
            if let Some(v) = v {
                writeln!(out, "    {} = {}", c.name, c.show(*v))?;
            }
        }
    }
    writeln!(out, "\n{DISCLAIMER}")?;
    Ok(())
}
