//! Shared plumbing of the commands: getting a corpus or tables, and
//! printing diagnostics.

use super::{Corpus, Exit, Format};
use crate::api::Policies;
use crate::diag::{render, Diagnostic, Severity};
use crate::source::Sources;
use crate::Analysis;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Read the corpus an authoring command was asked for, with the name it
/// goes by in the output. A missing corpus is exit code 2, with help.
pub fn load(
    corpus: Corpus<'_>,
    err: &mut dyn Write,
) -> std::io::Result<Result<(crate::loader::Loaded, String), Exit>> {
    let (loaded, origin) = match corpus {
        Corpus::Builtin => {
            return Ok(Ok((
                crate::loader::embedded(),
                crate::api::builtin_origin(),
            )))
        }
        Corpus::Path(p) => (crate::loader::load(p), p.display().to_string()),
        Corpus::Default => (crate::loader::resolve(None), "./policies".to_string()),
    };
    match loaded {
        Ok(l) => Ok(Ok((l, origin))),
        Err(e) => {
            writeln!(err, "error: {e}")?;
            let help = match e {
                crate::loader::LoadError::NoCorpus => "run this where the ./policies folder is, give its PATH, or add --builtin to use the corpus built into mandate",
                _ => "give a directory of .policy files or a policy file (PATH or --policies PATH), or --builtin",
            };
            writeln!(err, "  help: {help}")?;
            Ok(Err(Exit::Usage))
        }
    }
}

/// Load and analyse a corpus; I/O failures become exit code 2.
pub fn analysis(
    corpus: Corpus<'_>,
    err: &mut dyn Write,
) -> std::io::Result<Result<(Analysis, String), Exit>> {
    Ok(load(corpus, err)?
        .map(|(loaded, origin)| (crate::analyse(loaded.sources, loaded.diags), origin)))
}

/// The one line that says which corpus answered: its origin and, when it
/// compiled, the content hash of its tables.
pub fn corpus_line(origin: &str, hash: Option<&str>) -> String {
    match hash {
        Some(h) => {
            let short = h.get(..h.len().min(19)).unwrap_or(h);
            format!("policies: {origin} ({short}…)")
        }
        None => format!("policies: {origin}"),
    }
}

/// The corpus as a JSON field.
#[derive(Serialize)]
pub struct CorpusJson<'a> {
    pub origin: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<&'a str>,
}

/// Where a command's policies come from.
pub enum Source<'a> {
    /// Answer commands: `--tables FILE`, `--policies DIR`, else the
    /// built-in corpus. They never pick up ./policies on their own: a
    /// clinician's answer does not depend on the directory they stand in,
    /// and a decision costs no file reads.
    Answer {
        dir: Option<&'a Path>,
        artifact: Option<&'a Path>,
        /// An ed25519 public key (PEM) the artifact must be signed with.
        verify_key: Option<&'a Path>,
    },
    /// Authoring commands: PATH, else ./policies, or `--builtin`.
    Authoring(Corpus<'a>),
}

/// Open a tables file: only a regular file, no larger than the artifact
/// limit, checked before opening so a FIFO or a device cannot hang the
/// command and `/dev/zero` cannot fill memory.
fn open_artifact(path: &Path) -> std::io::Result<std::fs::File> {
    use std::io::{Error, ErrorKind};
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "not a regular file (a FIFO, a device or a directory)",
        ));
    }
    if meta.len() > crate::api::MAX_ARTIFACT_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "{} bytes, more than the limit of {} bytes for a tables file",
                meta.len(),
                crate::api::MAX_ARTIFACT_BYTES
            ),
        ));
    }
    std::fs::File::open(path)
}

/// The largest key file read: a PEM key is a few hundred bytes.
const MAX_KEY_BYTES: u64 = 64 * 1024;

/// A key file's text: a regular file, small, read with a cap.
pub fn read_key(path: &Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind, Read};
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() || meta.len() > MAX_KEY_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "not a key file (not a regular file, or larger than 64 KiB)",
        ));
    }
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_KEY_BYTES)
        .read_to_string(&mut text)?;
    Ok(text)
}

/// Load the policies a command works on. Policy errors are printed and
/// give exit code 1; I/O errors 2.
/// The policies as of `day` (`--as-of`): notices, the matrix and tables
/// show the law in force that day.
pub fn on_day(
    p: Policies,
    day: Option<&str>,
    err: &mut dyn Write,
) -> std::io::Result<Result<Policies, Exit>> {
    let Some(day) = day else { return Ok(Ok(p)) };
    match p.with_today(day) {
        Ok(p) => Ok(Ok(p)),
        Err(_) => {
            writeln!(err, "error: `--as-of {day}` is not a date")?;
            writeln!(err, "  help: write the date as YYYY-MM-DD, e.g. 2018-06-01")?;
            Ok(Err(Exit::Usage))
        }
    }
}

pub fn policies(
    source: Source<'_>,
    err: &mut dyn Write,
) -> std::io::Result<Result<Policies, Exit>> {
    let (where_from, source_kind) = match &source {
        Source::Answer { dir: Some(d), .. } | Source::Authoring(Corpus::Path(d)) => {
            (d.display().to_string(), Corpus::Path(d))
        }
        Source::Authoring(Corpus::Default) => ("./policies".to_string(), Corpus::Default),
        _ => (crate::api::builtin_origin(), Corpus::Builtin),
    };
    let loaded = match source {
        Source::Answer {
            artifact: Some(file),
            verify_key,
            ..
        } => match open_artifact(file) {
            Ok(f) => match verify_key {
                None => Policies::from_artifact(f),
                Some(key_file) => match read_key(key_file) {
                    Ok(pem) => Policies::from_signed_artifact(f, &pem),
                    Err(e) => {
                        writeln!(err, "error: cannot read `{}`: {e}", key_file.display())?;
                        writeln!(err, "  help: check the path given to --verify-key")?;
                        return Ok(Err(Exit::Usage));
                    }
                },
            },
            Err(e) => {
                writeln!(err, "error: cannot read `{}`: {e}", file.display())?;
                writeln!(err, "  help: check the path given to --tables")?;
                return Ok(Err(Exit::Usage));
            }
        },
        Source::Answer { dir: None, .. } => Policies::embedded(),
        Source::Answer { dir: Some(dir), .. } | Source::Authoring(Corpus::Path(dir)) => {
            match crate::loader::load(dir) {
                Ok(loaded) => Policies::from_loaded(loaded, &dir.display().to_string()),
                Err(e) => {
                    writeln!(err, "error: {e}")?;
                    writeln!(
                        err,
                        "  help: give a directory of .policy files, or a policy file"
                    )?;
                    return Ok(Err(Exit::Usage));
                }
            }
        }
        Source::Authoring(Corpus::Builtin) => Policies::embedded(),
        Source::Authoring(Corpus::Default) => match load(Corpus::Default, err)? {
            Ok((loaded, origin)) => Policies::from_loaded(loaded, &origin),
            Err(code) => return Ok(Err(code)),
        },
    };
    // The day `as_of` defaults to: the system's date, unless
    // MANDATE_TODAY fixes it (tests, reproducible reports).
    let loaded = match (loaded, std::env::var("MANDATE_TODAY")) {
        (Ok(p), Ok(day)) => match p.with_today(&day) {
            Ok(p) => Ok(p),
            Err(e) => {
                writeln!(err, "error: MANDATE_TODAY: {e}")?;
                return Ok(Err(Exit::Usage));
            }
        },
        (other, _) => other,
    };
    match loaded {
        Ok(p) => Ok(Ok(p)),
        Err(d) => {
            if d.problems().iter().any(|p| p.file.is_some()) {
                let errors: Vec<Diagnostic> =
                    d.items.iter().filter(|x| x.is_error()).cloned().collect();
                write!(err, "{}", crate::diag::render_all(&errors, &d.sources))?;
                writeln!(
                    err,
                    "error: the policies in `{}` have {} error(s); run `mandate check {}` for details",
                    where_from,
                    errors.len(),
                    where_from
                )?;
                if !matches!(source_kind, Corpus::Builtin) {
                    writeln!(
                        err,
                        "  help: without --policies, answer commands use the corpus built into mandate"
                    )?;
                }
            } else {
                for p in d.problems() {
                    writeln!(err, "error: {}", p.message)?;
                    if let Some(h) = p.help {
                        writeln!(err, "  help: {h}")?;
                    }
                }
            }
            Ok(Err(Exit::Findings))
        }
    }
}

/// A jurisdiction by code or name; unknown ones are reported with the
/// nearest name (exit code 2).
pub fn pick(
    policies: &Policies,
    given: &str,
    err: &mut dyn Write,
) -> std::io::Result<Option<crate::api::JurisdictionId>> {
    match policies.jurisdiction(given) {
        Ok(j) => Ok(Some(j)),
        Err(e) => {
            writeln!(err, "error: {e}")?;
            writeln!(
                err,
                "  help: use a postal code (CA) or a name (California); `mandate jurisdictions` lists all {}",
                policies.jurisdictions().len()
            )?;
            Ok(None)
        }
    }
}

/// A diagnostic as `--format json` prints it.
#[derive(Serialize)]
pub struct DiagJson<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    location: Option<LocationJson<'a>>,
    labels: Vec<LabelJson<'a>>,
}

#[derive(Serialize)]
struct LocationJson<'a> {
    file: &'a str,
    line: usize,
    /// In characters, as SARIF and GitHub annotations count.
    column: usize,
    /// Byte offsets of the span.
    start: u32,
    end: u32,
}

#[derive(Serialize)]
struct LabelJson<'a> {
    file: &'a str,
    line: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct DiagsJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    corpus: Option<CorpusJson<'a>>,
    diagnostics: Vec<DiagJson<'a>>,
    errors: usize,
    warnings: usize,
}

pub fn diag_json<'a>(d: &'a Diagnostic, sources: &'a Sources) -> DiagJson<'a> {
    DiagJson {
        code: d.code.as_str(),
        name: d.code.name(),
        severity: d.severity(),
        message: &d.message,
        help: d.help.as_deref(),
        location: d.primary().map(|s| {
            let (line, column) = sources.line_col(s);
            LocationJson {
                file: &sources.get(s.file).name,
                line,
                column,
                start: s.start,
                end: s.end,
            }
        }),
        labels: d
            .labels
            .iter()
            .map(|l| LabelJson {
                file: &sources.get(l.span.file).name,
                line: sources.line(l.span),
                text: &l.text,
            })
            .collect(),
    }
}

pub fn print_diags(a: &Analysis, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Text => {
            for d in &a.diags {
                write!(out, "{}", render(d, &a.sources))?;
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Json => print_diags_json(a, None, out),
    }
}

/// Diagnostics as one JSON document, with the corpus they are about.
pub fn print_diags_json(
    a: &Analysis,
    corpus: Option<CorpusJson<'_>>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let doc = DiagsJson {
        corpus,
        diagnostics: a.diags.iter().map(|d| diag_json(d, &a.sources)).collect(),
        errors: a.errors(),
        warnings: a.warnings(),
    };
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

/// `--fact` pairs, and `as_of=DAY` for `--as-of DAY`: the date of the
/// events is a fact like any other.
pub fn with_as_of(facts: &[String], as_of: Option<&str>) -> Vec<String> {
    let mut pairs = facts.to_vec();
    if let Some(day) = as_of {
        pairs.push(format!("{}={day}", crate::table::DATE_FACT));
    }
    pairs
}
