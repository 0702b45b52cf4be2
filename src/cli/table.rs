//! `mandate table`: the compiled decision table of one jurisdiction.

use super::report::{pick, policies, Source};
use super::{Exit, TableArgs, DISCLAIMER};
use crate::table::TableFormat;
use std::io::Write;

pub fn table(a: TableArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let source = Source::Answer {
        dir: a.policies.as_deref(),
        artifact: a.tables.as_deref(),
    };
    let policies = match policies(source, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let Some(j) = pick(&policies, &a.jurisdiction, err)? else {
        return Ok(Exit::Usage);
    };
    let (tables, table) = match (policies.tables(), policies.table(j)) {
        (Ok(all), Ok(one)) => (all, one),
        (Err(e), _) | (_, Err(e)) => {
            writeln!(err, "error: {e}")?;
            return Ok(Exit::Findings);
        }
    };
    let format = TableFormat::from(a.format);
    write!(out, "{}", crate::table::render_table(tables, table, format))?;
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
