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
    let text = match &a.sign {
        None => crate::table::save_artifact(tables),
        Some(key_file) => {
            let pem = match super::report::read_key(key_file) {
                Ok(pem) => pem,
                Err(e) => {
                    writeln!(err, "error: cannot read `{}`: {e}", key_file.display())?;
                    writeln!(err, "  help: check the path given to --sign")?;
                    return Ok(Exit::Usage);
                }
            };
            match crate::api::signing::signer(&pem) {
                Ok(sign) => crate::table::save_artifact_signed(tables, sign),
                Err(e) => {
                    writeln!(err, "error: `{}`: {e}", key_file.display())?;
                    writeln!(err, "  help: {}", e.help())?;
                    return Ok(Exit::Usage);
                }
            }
        }
    };
    if a.output.as_os_str() == "-" {
        write!(out, "{text}")?;
        return Ok(Exit::Ok);
    }
    if let Err(e) = super::fsutil::atomic_write(&a.output, text.as_bytes()) {
        writeln!(err, "error: cannot write `{}`: {e}", a.output.display())?;
        return Ok(Exit::Usage);
    }
    if a.quiet {
        return Ok(Exit::Ok);
    }
    writeln!(
        out,
        "wrote {} jurisdiction(s) to {}{}",
        tables.tables.len(),
        a.output.display(),
        if a.sign.is_some() { ", signed" } else { "" }
    )?;
    writeln!(
        out,
        "{}",
        super::report::corpus_line(policies.origin(), Some(policies.hash()))
    )?;
    Ok(Exit::Ok)
}
