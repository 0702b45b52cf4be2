//! mandate: jurisdiction-aware confidentiality policy for therapists.
//!
//! The pipeline is the layout: load text, [`syntax::parse`] each file,
//! [`check::check`] names and types, [`compile::compile`] each jurisdiction
//! into a [`table::Table`], and decide with the shared evaluator.
//!
//! ```
//! let corpus = mandate::corpus::embedded();
//! let analysis = mandate::analyse(corpus.sources, corpus.diags);
//! let tables = analysis.tables.expect("the shipped corpus compiles");
//! let ca = tables.get("CA").unwrap();
//! let facts = mandate::table::Facts::parse(&tables.columns, &["concern=child_abuse", "victim_age=10"]).unwrap();
//! let decided = tables.decide(ca, &facts).unwrap();
//! assert_eq!(ca.outcome(&decided).action.as_str(), "must_report");
//! ```

pub mod check;
pub mod cli;
pub mod compile;
pub mod corpus;
pub mod diag;
pub mod diff;
pub mod fmt;
pub mod fsutil;
pub mod interp;
pub mod lint;
pub mod matrix;
pub mod region;
pub mod source;
pub mod syntax;
pub mod synthetic;
pub mod table;
pub mod testing;

use diag::Diagnostic;
use source::Sources;

/// What the pipeline made of a corpus. `tables` is present only when there
/// is no error; `diags` holds errors and warnings, sorted.
pub struct Analysis {
    pub sources: Sources,
    pub program: Option<check::Program>,
    pub tables: Option<table::Tables>,
    pub diags: Vec<Diagnostic>,
}

impl Analysis {
    pub fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diags.len() - self.errors()
    }
}

/// Parse, check, compile and lint every file of `sources` with today's
/// date. `diags` carries problems found while loading (unreadable files).
pub fn analyse(sources: Sources, diags: Vec<Diagnostic>) -> Analysis {
    analyse_with(sources, diags, &lint::Options::default())
}

/// [`analyse`] with explicit lint options (the date reviews are judged
/// against, whether unverified rules are reported).
pub fn analyse_with(
    sources: Sources,
    mut diags: Vec<Diagnostic>,
    opts: &lint::Options,
) -> Analysis {
    let mut files = Vec::new();
    for (id, _) in sources.iter() {
        match syntax::parse(&sources, id) {
            Ok(f) => files.push(f),
            Err(mut d) => diags.append(&mut d),
        }
    }
    // A file that did not parse would make every reference to it look
    // unknown: report the syntax errors alone rather than a cascade.
    let program = if diags.iter().any(Diagnostic::is_error) {
        None
    } else {
        let (program, mut check_diags) = check::check(&sources, &files);
        diags.append(&mut check_diags);
        program
    };
    let mut tables = None;
    if let Some(p) = &program {
        let (t, mut compile_diags) = compile::compile(p, &sources);
        let failed = compile_diags.iter().any(Diagnostic::is_error);
        diags.append(&mut compile_diags);
        if !failed {
            diags.append(&mut lint::lint(p, &t, opts));
            tables = Some(t);
        }
        diags = lint::suppress(p, diags);
    }
    diag::sort(&mut diags);
    Analysis {
        sources,
        program,
        tables,
        diags,
    }
}
