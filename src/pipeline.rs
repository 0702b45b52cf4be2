//! The pipeline as one call: text to tables, and tables to lint findings.

use crate::diag::{self, Code, Diagnostic};
use crate::source::Sources;
use crate::{check, compile, lint, syntax};

/// What the pipeline made of a corpus. `tables` is present only when there
/// is no error; `diags` holds errors and warnings, sorted.
pub struct Analysis {
    pub sources: Sources,
    pub program: Option<check::Program>,
    pub tables: Option<crate::table::Tables>,
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

/// Parse, check and compile: what answering needs, no lints and no policy
/// tests. `diags` carries problems found while loading.
pub fn compile_sources(sources: Sources, mut diags: Vec<Diagnostic>) -> Analysis {
    let mut files = Vec::new();
    for (id, file) in sources.iter() {
        match syntax::parse(&sources, id) {
            Ok(f) => {
                if f.items.is_empty() {
                    diags.push(
                        Diagnostic::new(
                            Code::EmptyFile,
                            format!("`{}` defines nothing", file.name),
                        )
                        .help("restore the file's schema or jurisdiction, or delete the file"),
                    );
                }
                files.push(f)
            }
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
        diags.append(&mut compile_diags);
        if !diags.iter().any(Diagnostic::is_error) {
            tables = Some(t);
        }
    }
    diag::sort(&mut diags);
    Analysis {
        sources,
        program,
        tables,
        diags,
    }
}

/// Parse, check, compile and lint every file of `sources` with today's
/// date, as `mandate check` does.
pub fn analyse(sources: Sources, diags: Vec<Diagnostic>) -> Analysis {
    analyse_with(sources, diags, &lint::Options::default())
}

/// [`analyse`] with explicit lint options (the date reviews are judged
/// against, whether unverified rules are reported).
pub fn analyse_with(sources: Sources, diags: Vec<Diagnostic>, opts: &lint::Options) -> Analysis {
    let mut a = compile_sources(sources, diags);
    if let (Some(p), Some(t)) = (&a.program, &a.tables) {
        a.diags.append(&mut lint::lint(p, t, opts));
    }
    if let Some(p) = &a.program {
        a.diags = lint::suppress(p, std::mem::take(&mut a.diags));
    }
    diag::sort(&mut a.diags);
    a
}
