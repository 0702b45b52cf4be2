//! The pipeline as one call: text to tables, and tables to lint findings.

use crate::diag::{self, Code, Diagnostic};
use crate::source::{FileId, Sources};
use crate::{check, compile, lint, syntax};
use std::collections::HashSet;

/// What the pipeline made of a corpus. `tables` is present only when there
/// is no error; `diags` holds errors and warnings, sorted.
pub struct Analysis {
    pub sources: Sources,
    /// The syntax tree of each file, by file id, as far as it parsed
    /// (items with syntax errors are left out). The language server
    /// navigates these; `None` is left for a caller that takes one out.
    pub asts: Vec<Option<syntax::ast::File>>,
    pub program: Option<check::Program>,
    pub tables: Option<crate::table::Tables>,
    pub diags: Vec<Diagnostic>,
    /// When there are errors: the program as far as it resolved, and tables
    /// for the jurisdictions whose files and ancestors have no error, so
    /// their warnings can be shown beside the errors.
    partial: Option<(check::Program, crate::table::Tables)>,
}

impl Analysis {
    pub fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diags.len() - self.errors()
    }
    /// The program, or beside errors as much of it as resolved: for counts
    /// and summaries, never for answers.
    pub fn resolved(&self) -> Option<&check::Program> {
        self.program
            .as_ref()
            .or(self.partial.as_ref().map(|(p, _)| p))
    }
}

/// Parse, check and compile: what answering needs, no lints and no policy
/// tests. `diags` carries problems found while loading.
pub fn compile_sources(sources: Sources, diags: Vec<Diagnostic>) -> Analysis {
    let parsed = parse_all(&sources);
    compile_parsed(sources, parsed, diags)
}

/// Every file parsed, recovering from syntax errors: the tree of each and
/// its syntax errors, in file order.
pub fn parse_all(sources: &Sources) -> Vec<(syntax::ast::File, Vec<Diagnostic>)> {
    sources
        .iter()
        .map(|(id, _)| syntax::parse_recovering(sources, id))
        .collect()
}

/// [`compile_sources`] from files already parsed (as [`parse_all`] gives
/// them): the language server parses only the files that changed.
pub fn compile_parsed(
    sources: Sources,
    parsed: Vec<(syntax::ast::File, Vec<Diagnostic>)>,
    mut diags: Vec<Diagnostic>,
) -> Analysis {
    let mut files = Vec::new();
    for ((_, file), (ast, mut syntax)) in sources.iter().zip(parsed) {
        if ast.items.is_empty() && syntax.is_empty() {
            diags.push(
                Diagnostic::new(Code::EmptyFile, format!("`{}` defines nothing", file.name))
                    .help("restore the file's schema or jurisdiction, or delete the file"),
            );
        }
        diags.append(&mut syntax);
        files.push(ast);
    }
    // Every item that parsed is checked, even beside a syntax error: the
    // parser records the items it skipped, and the checker stays quiet
    // about names they would have defined.
    // A file that could not be read or was refused unparsed might define
    // anything: checking without it would only report its absence.
    let unknowable = diags
        .iter()
        .any(|d| matches!(d.code, Code::Limit | Code::Unreadable));
    let program = if unknowable {
        None
    } else {
        let (program, mut check_diags) = check::check_partial(&sources, &files);
        diags.append(&mut check_diags);
        program
    };
    let asts = files.into_iter().map(Some).collect();
    let mut analysis = Analysis {
        sources,
        asts,
        program: None,
        tables: None,
        diags,
        partial: None,
    };
    let Some(program) = program else {
        diag::sort(&mut analysis.diags);
        return analysis;
    };
    if analysis.errors() > 0 {
        let clean = clean_jurisdictions(&program, &analysis.diags);
        let (tables, mut compile_diags) =
            compile::compile_where(&program, &analysis.sources, |j| clean[j]);
        analysis.diags.append(&mut compile_diags);
        analysis.partial = Some((program, tables));
    } else {
        let (tables, mut compile_diags) = compile::compile(&program, &analysis.sources);
        analysis.diags.append(&mut compile_diags);
        if analysis.errors() == 0 {
            analysis.tables = Some(tables);
        }
        analysis.program = Some(program);
    }
    diag::sort(&mut analysis.diags);
    analysis
}

/// Which jurisdictions can be trusted beside errors: those whose own file
/// and whose ancestors' files have none, when the schema has none.
fn clean_jurisdictions(program: &check::Program, diags: &[Diagnostic]) -> Vec<bool> {
    let failed: HashSet<FileId> = diags
        .iter()
        .filter(|d| d.is_error())
        .flat_map(|d| d.labels.iter().map(|l| l.span.file))
        .collect();
    let schema_failed = diags.iter().any(|d| d.is_error() && d.labels.is_empty())
        || program
            .schema
            .facts
            .iter()
            .any(|f| failed.contains(&f.span.file));
    let js = &program.jurisdictions;
    (0..js.len())
        .map(|j| {
            let mut cur = Some(j);
            let mut steps = 0;
            while let Some(c) = cur {
                if schema_failed || failed.contains(&js[c].span.file) || steps > js.len() {
                    return false;
                }
                cur = js[c].parent;
                steps += 1;
            }
            true
        })
        .collect()
}

/// Parse, check, compile and lint every file of `sources` with today's
/// date, as `mandate check` does.
pub fn analyse(sources: Sources, diags: Vec<Diagnostic>) -> Analysis {
    analyse_with(sources, diags, &lint::Options::default())
}

/// [`analyse`] with explicit lint options (the date reviews are judged
/// against, whether unverified rules are reported).
pub fn analyse_with(sources: Sources, diags: Vec<Diagnostic>, opts: &lint::Options) -> Analysis {
    lint_analysis(compile_sources(sources, diags), opts)
}

/// [`analyse_with`] from files already parsed.
pub fn analyse_parsed(
    sources: Sources,
    parsed: Vec<(syntax::ast::File, Vec<Diagnostic>)>,
    opts: &lint::Options,
) -> Analysis {
    lint_analysis(compile_parsed(sources, parsed, Vec::new()), opts)
}

fn lint_analysis(mut a: Analysis, opts: &lint::Options) -> Analysis {
    if let (Some(p), Some(t)) = (&a.program, &a.tables) {
        a.diags.append(&mut lint::lint(p, t, opts));
    } else if let Some((p, t)) = &a.partial {
        // Beside errors, only warnings about trusted jurisdictions are
        // shown; which facts and variants are unused cannot be known
        // while some rules failed to resolve.
        let trusted: HashSet<FileId> = p
            .jurisdictions
            .iter()
            .filter(|j| t.get(&j.code).is_some())
            .map(|j| j.span.file)
            .collect();
        a.diags.extend(lint::lint(p, t, opts).into_iter().filter(|d| {
            !matches!(d.code, Code::UnusedFact | Code::UnusedVariant)
                && d.labels.first().is_some_and(|l| trusted.contains(&l.span.file))
        }));
    }
    if let Some(p) = a.program.as_ref().or(a.partial.as_ref().map(|(p, _)| p)) {
        a.diags = lint::suppress(p, std::mem::take(&mut a.diags));
    }
    // A draft is checked against the built-in schema and baseline; their
    // warnings (a variant the draft does not use) are not its author's.
    let sources = &a.sources;
    a.diags.retain(|d| {
        d.is_error()
            || !d.primary().is_some_and(|s| {
                sources
                    .get(s.file)
                    .name
                    .starts_with(crate::loader::DRAFT_ROOT)
            })
    });
    diag::sort(&mut a.diags);
    a
}
