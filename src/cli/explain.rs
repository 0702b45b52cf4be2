//! `mandate explain`: what a diagnostic code means and how to fix it.

use super::{Exit, ExplainArgs, ExplainFormat};
use crate::diag::Code;
use std::io::Write;

pub fn explain(a: ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let markdown = a.markdown || a.format == Some(ExplainFormat::Markdown);
    if markdown && a.code.is_none() {
        write!(out, "{}", crate::diag::codes_markdown())?;
        return Ok(Exit::Ok);
    }
    // `--list`, or `--format text` with no code: the codes, one a line.
    if a.list || a.code.is_none() {
        for c in Code::ALL {
            writeln!(out, "{}  {:<22} {}", c.as_str(), c.name(), c.summary())?;
        }
        return Ok(Exit::Ok);
    }
    let want = a.code.unwrap_or_default();
    match Code::parse(&want).as_ref() {
        Some(c) if markdown => {
            write!(out, "{}", crate::diag::code_markdown(*c))?;
            Ok(Exit::Ok)
        }
        Some(c) => {
            writeln!(
                out,
                "{} {} ({:?}): {}\n",
                c.as_str(),
                c.name(),
                c.severity(),
                c.summary()
            )?;
            writeln!(out, "{}", c.explanation())?;
            Ok(Exit::Ok)
        }
        None => {
            writeln!(err, "error: unknown code `{want}`")?;
            writeln!(err, "  help: `mandate explain --list` lists every code")?;
            Ok(Exit::Usage)
        }
    }
}
