//! `mandate compile`: the versioned artifact, written atomically.

use super::report::{policies, Source};
use super::{CompileArgs, Exit};
use std::io::Write;

pub fn compile(a: CompileArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let policies = match policies(Source::Authoring(a.corpus.corpus()), err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let tables = match policies.tables() {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(Exit::Findings);
        }
    };
    let text = crate::table::save_artifact(tables);
    if a.output.as_os_str() == "-" {
        write!(out, "{text}")?;
        return Ok(Exit::Ok);
    }
    if let Err(e) = super::fsutil::atomic_write(&a.output, text.as_bytes()) {
        writeln!(err, "error: cannot write `{}`: {e}", a.output.display())?;
        return Ok(Exit::Usage);
    }
    writeln!(
        out,
        "wrote {} jurisdiction(s) to {}",
        tables.tables.len(),
        a.output.display()
    )?;
    writeln!(
        out,
        "{}",
        super::report::corpus_line(policies.origin(), Some(policies.hash()))
    )?;
    Ok(Exit::Ok)
}
