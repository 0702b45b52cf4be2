//! `mandate schema`: the facts, their values and defaults.

use super::report::{policies_for, Source};
use super::{Exit, Format, ListArgs};
use crate::api::FactKind;
use std::io::Write;

pub fn schema(a: ListArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let source = Source::Answer {
        dir: a.policies.as_deref(),
        artifact: None,
        verify_key: None,
    };
    let policies = match policies_for(source, a.format == Format::Json, out, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let schema = policies.schema();
    match a.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&schema).unwrap_or_default()
        )?,
        Format::Text => {
            for f in &schema.facts {
                let ty = match &f.kind {
                    FactKind::Bool => "bool".to_string(),
                    FactKind::Int { lo, hi } => format!("int {lo}..={hi}"),
                    FactKind::Date { first, last } => format!("date {first}..={last}"),
                    FactKind::Enum { name, .. } => name.clone(),
                };
                let default = f
                    .default
                    .as_ref()
                    .map(|d| format!(" = {d}"))
                    .unwrap_or_else(|| " (required when a rule needs it)".into());
                writeln!(out, "{}: {ty}{default}", f.name)?;
                if let Some(doc) = &f.doc {
                    writeln!(out, "    {doc}")?;
                }
                if let FactKind::Enum { values, .. } = &f.kind {
                    writeln!(out, "    values:")?;
                    variants(values, out)?;
                }
            }
            writeln!(out, "recipients (the `to [...]` of a decision):")?;
            variants(&schema.recipients, out)?;
        }
    }
    Ok(Exit::Ok)
}

/// One value a line, its doc string beside it, names aligned.
fn variants(values: &[crate::api::Variant], out: &mut dyn Write) -> std::io::Result<()> {
    let width = values.iter().map(|v| v.name.len()).max().unwrap_or(0);
    for v in values {
        match &v.doc {
            Some(doc) => writeln!(out, "      {:<width$}  {doc}", v.name)?,
            None => writeln!(out, "      {}", v.name)?,
        }
    }
    Ok(())
}
