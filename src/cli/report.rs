//! Shared plumbing of the commands: getting a corpus or tables, and
//! printing diagnostics.

use super::findings::{self, Finding, Stop};
use super::{Corpus, Exit, Format, ReportFormat};
use crate::api::Policies;
use crate::diag::{render, Diagnostic, Severity};
use crate::source::Sources;
use crate::Analysis;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Read the corpus an authoring command was asked for, with the name it
/// goes by in the output. A missing corpus is exit code 2, with help.
pub fn load(corpus: Corpus<'_>) -> Result<(crate::loader::Loaded, String), Failed> {
    let (loaded, origin) = match corpus {
        Corpus::Builtin => return Ok((crate::loader::embedded(), crate::api::builtin_origin())),
        Corpus::Path(p) if p.as_os_str() == "-" => {
            (crate::loader::load(p), crate::loader::STDIN.to_string())
        }
        Corpus::Path(p) => (crate::loader::load(p), p.display().to_string()),
        Corpus::Default => (crate::loader::resolve(None), "./policies".to_string()),
    };
    loaded.map(|l| (l, origin)).map_err(|e| {
        let help = match e {
            crate::loader::LoadError::NoCorpus => "run this where the ./policies folder is, give its PATH, or add --builtin to use the corpus built into mandate",
            _ => "give a directory of .policy files or a policy file (PATH or --policies PATH), or --builtin",
        };
        Failed::usage(e.to_string(), help)
    })
}

/// Load and analyse a corpus; I/O failures become exit code 2.
pub fn analysis(corpus: Corpus<'_>) -> Result<(Analysis, String), Failed> {
    load(corpus).map(|(loaded, origin)| (crate::analyse(loaded.sources, loaded.diags), origin))
}

/// A run that could not give its result, carried to the edge so every
/// format can say so: text on stderr, and in a machine format one
/// document on stdout that holds the error (JSON `error`, a SARIF
/// invocation that did not succeed, a GitHub `::error`).
pub struct Failed {
    pub exit: Exit,
    pub stop: Stop,
    /// The policy errors behind it, when there are any.
    pub diags: Vec<Diagnostic>,
    pub sources: Sources,
}

impl Failed {
    /// Bad usage or I/O: exit code 2.
    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> Failed {
        Failed {
            exit: Exit::Usage,
            stop: Stop {
                message: message.into(),
                help: Some(help.into()),
            },
            diags: Vec::new(),
            sources: Sources::new(),
        }
    }

    /// Policies with errors: exit code 1, the errors kept for the report.
    pub fn policy_errors(message: impl Into<String>, analysis: Analysis) -> Failed {
        Failed {
            exit: Exit::Findings,
            stop: Stop {
                message: message.into(),
                help: Some("`mandate check` reports every error".into()),
            },
            diags: analysis
                .diags
                .into_iter()
                .filter(|d| d.is_error())
                .collect(),
            sources: analysis.sources,
        }
    }

    /// Print the failure: always as text on `err`; in a machine format
    /// also as one document on `out`. `empty` is the command's JSON
    /// document with no results, to which `error`, `help` and
    /// `diagnostics` are added, so readers of the usual fields still
    /// find them.
    pub fn report(
        self,
        format: ReportFormat,
        empty: serde_json::Value,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> std::io::Result<Exit> {
        write!(
            err,
            "{}",
            crate::diag::render_all(&self.diags, &self.sources)
        )?;
        writeln!(err, "error: {}", self.stop.message)?;
        for h in self.stop.help.iter().flat_map(|h| h.lines()) {
            writeln!(err, "  help: {h}")?;
        }
        match format {
            ReportFormat::Text => {}
            ReportFormat::Json => {
                let mut doc = match empty {
                    serde_json::Value::Object(m) => m,
                    _ => serde_json::Map::new(),
                };
                doc.insert("error".into(), self.stop.message.clone().into());
                doc.insert(
                    "help".into(),
                    self.stop
                        .help
                        .clone()
                        .map_or(serde_json::Value::Null, Into::into),
                );
                doc.insert(
                    "diagnostics".into(),
                    serde_json::to_value(
                        self.diags
                            .iter()
                            .map(|d| diag_json(d, &self.sources))
                            .collect::<Vec<_>>(),
                    )
                    .unwrap_or_default(),
                );
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&doc).unwrap_or_default()
                )?;
            }
            ReportFormat::Sarif | ReportFormat::Github => {
                let findings: Vec<Finding> = self
                    .diags
                    .iter()
                    .map(|d| Finding::from_diag(d, &self.sources))
                    .collect();
                let text = if format == ReportFormat::Sarif {
                    findings::sarif(&findings, Some(&self.stop))
                } else {
                    findings::github(&findings, Some(&self.stop), "")
                };
                write!(out, "{text}")?;
            }
        }
        Ok(self.exit)
    }
}

/// A failure as `--format json` prints it: `{"error": …, "help": …}`.
pub fn json_error(out: &mut dyn Write, message: &str, help: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({ "error": message, "help": help }))
            .unwrap_or_default()
    )
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

/// The policies as of `day` (`--as-of`): notices, the matrix and tables
/// show the law in force that day.
pub fn on_day(
    p: Policies,
    day: Option<&str>,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Result<Policies, Exit>> {
    let Some(day) = day else { return Ok(Ok(p)) };
    match p.with_today(day) {
        Ok(p) => Ok(Ok(p)),
        Err(_) => {
            let format = if json {
                ReportFormat::Json
            } else {
                ReportFormat::Text
            };
            Failed::usage(
                format!("`--as-of {day}` is not a date"),
                "write the date as YYYY-MM-DD, e.g. 2018-06-01",
            )
            .report(format, serde_json::json!({}), out, err)
            .map(Err)
        }
    }
}

/// Load the policies a command works on and print a failure as text.
/// Policy errors give exit code 1; I/O errors 2.
pub fn policies(
    source: Source<'_>,
    err: &mut dyn Write,
) -> std::io::Result<Result<Policies, Exit>> {
    policies_for(source, false, &mut std::io::sink(), err)
}

/// [`policies`] for a command that can print JSON: with `json`, a
/// failure is also one JSON object on `out` with `error` and `help`.
pub fn policies_for(
    source: Source<'_>,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Result<Policies, Exit>> {
    match load_policies(source) {
        Ok(p) => Ok(Ok(p)),
        Err(f) => {
            let format = if json {
                ReportFormat::Json
            } else {
                ReportFormat::Text
            };
            f.report(format, serde_json::json!({}), out, err).map(Err)
        }
    }
}

/// The policies a command works on, or why they cannot be had.
pub fn load_policies(source: Source<'_>) -> Result<Policies, Failed> {
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
                        return Err(Failed::usage(
                            format!("cannot read `{}`: {e}", key_file.display()),
                            "check the path given to --verify-key",
                        ))
                    }
                },
            },
            Err(e) => {
                return Err(Failed::usage(
                    format!("cannot read `{}`: {e}", file.display()),
                    "check the path given to --tables",
                ))
            }
        },
        Source::Answer { dir: None, .. } => Policies::embedded(),
        Source::Answer { dir: Some(dir), .. } | Source::Authoring(Corpus::Path(dir)) => {
            match crate::loader::load(dir) {
                Ok(loaded) => Policies::from_loaded(loaded, &dir.display().to_string()),
                Err(e) => {
                    return Err(Failed::usage(
                        e.to_string(),
                        "give a directory of .policy files, or a policy file",
                    ))
                }
            }
        }
        Source::Authoring(Corpus::Builtin) => Policies::embedded(),
        Source::Authoring(Corpus::Default) => {
            let (loaded, origin) = load(Corpus::Default)?;
            Policies::from_loaded(loaded, &origin)
        }
    };
    // The day `as_of` defaults to: the system's date, unless
    // MANDATE_TODAY fixes it (tests, reproducible reports).
    let loaded = match (loaded, std::env::var("MANDATE_TODAY")) {
        (Ok(p), Ok(day)) => match p.with_today(&day) {
            Ok(p) => Ok(p),
            Err(e) => {
                return Err(Failed::usage(
                    format!("MANDATE_TODAY: {e}"),
                    "write it as YYYY-MM-DD",
                ))
            }
        },
        (other, _) => other,
    };
    loaded.map_err(|d| {
        if d.problems().iter().any(|p| p.file.is_some()) {
            let errors: Vec<Diagnostic> =
                d.items.iter().filter(|x| x.is_error()).cloned().collect();
            let mut help = format!("run `mandate check {where_from}` for details");
            if !matches!(source_kind, Corpus::Builtin) {
                help.push_str(
                    "\nwithout --policies, answer commands use the corpus built into mandate",
                );
            }
            Failed {
                exit: Exit::Findings,
                stop: Stop {
                    message: format!(
                        "the policies in `{where_from}` have {} error(s)",
                        errors.len()
                    ),
                    help: Some(help),
                },
                diags: errors,
                sources: d.sources,
            }
        } else {
            let problems = d.problems();
            Failed {
                exit: Exit::Findings,
                stop: Stop {
                    message: problems
                        .iter()
                        .map(|p| p.message.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    help: problems.iter().find_map(|p| p.help.clone()),
                },
                diags: Vec::new(),
                sources: Sources::new(),
            }
        }
    })
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
    /// A warning that `--deny`/`--deny-warnings` turned into an error
    /// (its `severity` is then `error`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    denied: bool,
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
    /// Warnings counted among `warnings` that fail the run.
    denied: usize,
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
        denied: false,
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
        Format::Json => print_diags_json(a, None, &|_| false, out),
    }
}

/// Diagnostics as one JSON document, with the corpus they are about;
/// `denied` tells which warnings fail the run.
pub fn print_diags_json(
    a: &Analysis,
    corpus: Option<CorpusJson<'_>>,
    denied: &dyn Fn(&Diagnostic) -> bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let doc = DiagsJson {
        corpus,
        diagnostics: a
            .diags
            .iter()
            .map(|d| {
                let mut j = diag_json(d, &a.sources);
                if !d.is_error() && denied(d) {
                    j.denied = true;
                    j.severity = Severity::Error;
                }
                j
            })
            .collect(),
        errors: a.errors(),
        warnings: a.warnings(),
        denied: a
            .diags
            .iter()
            .filter(|d| !d.is_error() && denied(d))
            .count(),
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
