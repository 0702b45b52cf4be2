//! Problems found while loading policies, as one error value that carries
//! every diagnostic (errors and warnings) with its source text.

use crate::diag::{report, Diagnostic, Report, Severity};
use crate::source::Sources;
use serde::Serialize;
use std::fmt;

/// Every problem found in a corpus, sorted by file and position. As an
/// error, it means at least one is an error; as [`crate::Policies::warnings`],
/// it holds the warnings of policies that loaded.
pub struct Diagnostics {
    pub(crate) items: Vec<Diagnostic>,
    pub(crate) sources: Sources,
    reports: Vec<Report>,
}

/// One diagnostic as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable code: `E017`; `mandate explain E017` says more.
    pub code: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Where: file name, 1-based line and column (in characters).
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    pub column: Option<usize>,
}

impl Diagnostics {
    pub(crate) fn new(items: Vec<Diagnostic>, sources: Sources) -> Diagnostics {
        let reports = items.iter().map(|d| report(d, &sources)).collect();
        Diagnostics {
            items,
            sources,
            reports,
        }
    }

    /// How many are errors.
    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// How many are warnings.
    pub fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every diagnostic as plain data.
    pub fn problems(&self) -> Vec<Problem> {
        self.items
            .iter()
            .map(|d| {
                let at = d.primary().map(|s| {
                    (
                        self.sources.get(s.file).name.clone(),
                        self.sources.line_col(s),
                    )
                });
                Problem {
                    code: d.code.as_str(),
                    severity: match d.severity() {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    },
                    message: d.message.clone(),
                    help: d.help.clone(),
                    file: at.as_ref().map(|a| a.0.clone()),
                    line: at.as_ref().map(|a| a.1 .0),
                    column: at.as_ref().map(|a| a.1 .1),
                }
            })
            .collect()
    }

    /// Every diagnostic rendered with its source snippet, as `mandate
    /// check` prints them.
    #[cfg(feature = "cli")]
    pub fn render(&self) -> String {
        crate::diag::render_all(&self.items, &self.sources)
    }
}

impl fmt::Debug for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.problems()).finish()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} error(s), {} warning(s)",
            self.errors(),
            self.warnings()
        )?;
        if let Some(p) = self.problems().into_iter().find(|p| p.severity == "error") {
            write!(f, "; first: {} {}", p.code, p.message)?;
            if let (Some(file), Some(line)) = (&p.file, p.line) {
                write!(f, " ({file}:{line})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl miette::Diagnostic for Diagnostics {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("mandate::policies"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(
            "run `mandate check` on the policies for every diagnostic",
        ))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.reports.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}
