//! `mandate explain`: what a diagnostic code means and how to fix it.

use super::{Exit, ExplainArgs};
use crate::diag::Code;
use std::io::Write;

pub fn explain(a: ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    if a.markdown {
        write!(out, "{}", crate::diag::codes_markdown())?;
        return Ok(Exit::Ok);
    }
    if a.list {
        for c in Code::ALL {
            writeln!(out, "{}  {:<22} {}", c.as_str(), c.name(), c.summary())?;
        }
        return Ok(Exit::Ok);
    }
    let want = a.code.unwrap_or_default();
    match Code::parse(&want) {
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
