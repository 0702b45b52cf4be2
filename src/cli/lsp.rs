//! `mandate lsp`: the language server, over standard input and output.

use super::{Exit, LspArgs};
use std::io::Write;

pub fn lsp(_a: LspArgs, _out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    // The protocol owns stdout from here on.
    let (conn, io) = lsp_server::Connection::stdio();
    let served = crate::lsp::run(conn);
    let joined = io.join();
    match served {
        Ok(()) => {
            joined?;
            Ok(Exit::Ok)
        }
        Err(e) => {
            writeln!(err, "error: the language server stopped: {e}")?;
            Ok(Exit::Usage)
        }
    }
}
