//! Shared plumbing of the commands: getting a corpus or tables, and
//! printing diagnostics.

use super::{Exit, Format};
use crate::diag::{render, Diagnostic};
use crate::source::Sources;
use crate::table::Tables;
use crate::Analysis;
use std::io::Write;
use std::path::Path;

/// Load and analyse a corpus; I/O failures become exit code 2.
pub fn analysis(
    path: Option<&Path>,
    err: &mut dyn Write,
) -> std::io::Result<Result<Analysis, Exit>> {
    match crate::loader::resolve(path) {
        Ok(loaded) => Ok(Ok(crate::analyse(loaded.sources, loaded.diags))),
        Err(e) => {
            writeln!(err, "error: {e}")?;
            writeln!(err, "  help: give a directory of .policy files, or omit the path to use ./policies or the embedded corpus")?;
            Ok(Err(Exit::Usage))
        }
    }
}

/// Tables from an artifact or a corpus. Policy errors are printed and give
/// exit code 1; missing files exit code 2.
pub fn tables(
    policies: Option<&Path>,
    artifact: Option<&Path>,
    err: &mut dyn Write,
) -> std::io::Result<Result<Tables, Exit>> {
    if let Some(file) = artifact {
        return Ok(match crate::table::load_artifact(file) {
            Ok(t) => Ok(t),
            Err(e) => {
                writeln!(err, "error: {e}")?;
                writeln!(err, "  help: {}", e.help())?;
                Err(if matches!(e, crate::table::ArtifactError::Io { .. }) {
                    Exit::Usage
                } else {
                    Exit::Findings
                })
            }
        });
    }
    let a = match analysis(policies, err)? {
        Ok(a) => a,
        Err(code) => return Ok(Err(code)),
    };
    match a.tables {
        Some(t) => Ok(Ok(t)),
        None => {
            let errors: Vec<Diagnostic> =
                a.diags.iter().filter(|d| d.is_error()).cloned().collect();
            write!(err, "{}", crate::diag::render_all(&errors, &a.sources))?;
            writeln!(
                err,
                "error: the policies have {} error(s); run `mandate check` for details",
                errors.len()
            )?;
            Ok(Err(Exit::Findings))
        }
    }
}

/// The policies a command answers from: a tables file, a directory, or
/// (without either) ./policies when present, else the built-in corpus.
/// Policy errors are printed and give exit code 1; I/O errors 2.
pub fn policies(
    dir: Option<&Path>,
    artifact: Option<&Path>,
    err: &mut dyn Write,
) -> std::io::Result<Result<crate::api::Policies, Exit>> {
    use crate::api::Policies;
    let loaded = if let Some(file) = artifact {
        match std::fs::File::open(file) {
            Ok(f) => Policies::from_artifact(f),
            Err(e) => {
                writeln!(err, "error: cannot read `{}`: {e}", file.display())?;
                writeln!(err, "  help: check the path given to --tables")?;
                return Ok(Err(Exit::Usage));
            }
        }
    } else {
        match crate::loader::resolve(dir) {
            Ok(loaded) if dir.is_none() && loaded.sources.iter().all(|(_, f)| f.name.starts_with(crate::loader::EMBEDDED_ROOT)) && crate::loader::is_embedded(&loaded.sources) => Policies::embedded(),
            Ok(loaded) => {
                let origin = dir.map_or_else(|| "policies".to_string(), |d| d.display().to_string());
                Policies::from_loaded(loaded, &origin)
            }
            Err(e) => {
                writeln!(err, "error: {e}")?;
                writeln!(err, "  help: give a directory of .policy files, or omit the path to use ./policies or the embedded corpus")?;
                return Ok(Err(Exit::Usage));
            }
        }
    };
    match loaded {
        Ok(p) => Ok(Ok(p)),
        Err(d) => {
            if d.errors() > 0 && d.problems().iter().any(|p| p.file.is_some()) {
                let errors: Vec<Diagnostic> = d.items.iter().filter(|x| x.is_error()).cloned().collect();
                write!(err, "{}", crate::diag::render_all(&errors, &d.sources))?;
                writeln!(
                    err,
                    "error: the policies have {} error(s); run `mandate check` for details",
                    errors.len()
                )?;
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

/// Find a table by code, with a suggestion when it is unknown.
pub fn pick<'t>(
    tables: &'t Tables,
    code: &str,
    err: &mut dyn Write,
) -> std::io::Result<Option<&'t crate::table::Table>> {
    if let Some(t) = tables.get(code) {
        return Ok(Some(t));
    }
    writeln!(err, "error: unknown jurisdiction `{code}`")?;
    let codes = tables.codes();
    match crate::diag::did_you_mean(&code.to_uppercase(), codes.iter().copied()) {
        Some(s) => writeln!(
            err,
            "  help: {s} (`mandate jurisdictions` lists all {})",
            codes.len()
        )?,
        None => writeln!(
            err,
            "  help: use a two-letter postal code; `mandate jurisdictions` lists all {}",
            codes.len()
        )?,
    }
    Ok(None)
}

pub fn diag_json(d: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let loc = d.primary().map(|s| {
        let file = sources.get(s.file);
        let line = sources.line(s);
        let line_start = file.text[..(s.start as usize).min(file.text.len())].rfind('\n').map_or(0, |i| i + 1);
        serde_json::json!({ "file": file.name, "line": line, "column": s.start as usize - line_start + 1, "start": s.start, "end": s.end })
    });
    serde_json::json!({
        "code": d.code.as_str(),
        "name": d.code.name(),
        "severity": d.severity(),
        "message": d.message,
        "help": d.help,
        "location": loc,
        "labels": d.labels.iter().map(|l| serde_json::json!({ "file": sources.get(l.span.file).name, "line": sources.line(l.span), "text": l.text })).collect::<Vec<_>>(),
    })
}

pub fn print_diags(a: &Analysis, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Text => {
            for d in &a.diags {
                write!(out, "{}", render(d, &a.sources))?;
                writeln!(out)?;
            }
        }
        Format::Json => {
            let v: Vec<serde_json::Value> =
                a.diags.iter().map(|d| diag_json(d, &a.sources)).collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&serde_json::json!({ "diagnostics": v, "errors": a.errors(), "warnings": a.warnings() })).unwrap_or_default())?;
        }
    }
    Ok(())
}
