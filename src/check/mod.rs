//! Names, types, schema and inheritance: syntax trees in, a [`Program`]
//! out, with every error of every file reported at once.

mod jurisdictions;
mod model;
mod overrides;
mod resolve;
mod rules;
mod schema;
mod tests;

pub use resolve::parse_date;

pub use model::*;

use crate::diag::Diagnostic;
use crate::source::Sources;
use crate::syntax::ast;

/// Check parsed files together (one schema, many jurisdictions). Returns
/// the program when there is no error; warnings are returned either way.
pub fn check(sources: &Sources, files: &[ast::File]) -> (Option<Program>, Vec<Diagnostic>) {
    let (program, diags) = check_partial(sources, files);
    let ok = !diags.iter().any(Diagnostic::is_error);
    (program.filter(|_| ok), diags)
}

/// [`check`], keeping the program even when there are errors: what could
/// be resolved is in it, what could not is left out. Only parts free of
/// errors may be trusted, for linting beside the errors.
pub fn check_partial(sources: &Sources, files: &[ast::File]) -> (Option<Program>, Vec<Diagnostic>) {
    let mut cx = resolve::Checker::new(sources);
    let program = cx.program(files);
    (program, cx.finish())
}
