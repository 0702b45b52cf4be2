//! `mandate serve`: load the policies, then hand them to the server.

use super::report::policies;
use super::{Exit, ServeArgs};
use std::io::Write;

pub fn serve(a: ServeArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let source = a.source.source();
    let policies = match policies(source, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    match crate::serve::run(policies, a.addr, out) {
        Ok(()) => Ok(Exit::Ok),
        Err(e) => {
            writeln!(err, "error: cannot serve on {}: {e}", a.addr)?;
            writeln!(err, "  help: choose a free port with --addr 127.0.0.1:PORT")?;
            Ok(Exit::Usage)
        }
    }
}
