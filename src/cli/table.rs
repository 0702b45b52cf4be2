//! `mandate table`: the compiled decision table of one jurisdiction.

use super::report::{json_error, on_day, pick, policies_for};
use super::{Exit, TableArgs, DISCLAIMER};
use crate::table::TableFormat;
use std::io::Write;

pub fn table(a: TableArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let source = a.source.source();
    let policies = match policies_for(source, a.format == super::TableFormatArg::Json, out, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let json = a.format == super::TableFormatArg::Json;
    let Some(j) = pick(&policies, &a.jurisdiction, err)? else {
        if json {
            json_error(
                out,
                &format!("unknown jurisdiction `{}`", a.jurisdiction),
                "`mandate jurisdictions` lists them",
            )?;
        }
        return Ok(Exit::Usage);
    };
    let dated = a.as_of.is_some();
    let policies = match on_day(
        policies,
        a.as_of.as_deref(),
        a.format == super::TableFormatArg::Json,
        out,
        err,
    )? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    // Without --as-of, every row with its dates; with it, the rows in
    // force that day.
    let one = if dated {
        policies.table_today(j)
    } else {
        policies.table(j).map(std::borrow::Cow::Borrowed)
    };
    let (tables, table) = match (policies.tables(), one) {
        (Ok(all), Ok(one)) => (all, one),
        (Err(e), _) | (_, Err(e)) => {
            writeln!(err, "error: {e}")?;
            if json {
                json_error(out, &e.to_string(), e.help())?;
            }
            return Ok(Exit::Findings);
        }
    };
    let format = TableFormat::from(a.format);
    write!(
        out,
        "{}",
        crate::table::render_table(tables, &table, format)
    )?;
    if matches!(format, TableFormat::Text | TableFormat::Markdown) {
        writeln!(out, "\n{DISCLAIMER}")?;
        writeln!(
            out,
            "{}",
            super::report::corpus_line(policies.origin(), Some(policies.hash()))
        )?;
    }
    Ok(Exit::Ok)
}
