//! `mandate jurisdictions`: the list, or the jurisdiction x concern matrix.

use super::report::{analysis, on_day, policies_for, Failed, Source};
use super::{Exit, JurisdictionsArgs, MatrixFormat, ReportFormat};
use serde::Serialize;
use std::io::Write;

pub fn jurisdictions(
    a: JurisdictionsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    if a.matrix {
        let source = Source::Answer {
            dir: a.policies.as_deref(),
            artifact: None,
            verify_key: None,
        };
        let json = a.format == MatrixFormat::Json;
        let policies = match policies_for(source, json, out, err)? {
            Ok(p) => p,
            Err(code) => return Ok(code),
        };
        let policies = match on_day(policies, a.as_of.as_deref(), json, out, err)? {
            Ok(p) => p,
            Err(code) => return Ok(code),
        };
        let tables = match policies.tables_today() {
            Ok(t) => t,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(Exit::Findings);
            }
        };
        let Some(m) = crate::matrix::matrix(&tables) else {
            writeln!(
                err,
                "error: the schema has no `concern` enum fact to build the matrix from"
            )?;
            return Ok(Exit::Findings);
        };
        match a.format {
            MatrixFormat::Text => write!(out, "{}", crate::matrix::render_text(&m))?,
            MatrixFormat::Markdown => write!(out, "{}", crate::matrix::render_markdown(&m))?,
            MatrixFormat::Json => writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&m).unwrap_or_default()
            )?,
        }
        return Ok(Exit::Ok);
    }
    if a.format == MatrixFormat::Markdown {
        writeln!(err, "error: `--format markdown` is for `--matrix`")?;
        return Ok(Exit::Usage);
    }
    let corpus = a
        .policies
        .as_deref()
        .map_or(super::Corpus::Builtin, super::Corpus::Path);
    let machine = if a.format == MatrixFormat::Json {
        ReportFormat::Json
    } else {
        ReportFormat::Text
    };
    let (an, origin) = match analysis(corpus) {
        Ok(found) => found,
        Err(f) => return f.report(machine, serde_json::json!({}), out, err),
    };
    if an.program.is_none() {
        return Failed::policy_errors("the policies have errors", an).report(
            machine,
            serde_json::json!({}),
            out,
            err,
        );
    }
    let Some(p) = &an.program else {
        return Ok(Exit::Findings);
    };
    match a.format {
        MatrixFormat::Json | MatrixFormat::Markdown => {
            let v: Vec<JurisdictionJson> = p
                .jurisdictions
                .iter()
                .enumerate()
                .map(|(i, j)| JurisdictionJson {
                    code: &j.code,
                    name: &j.name,
                    extends: j.parent.map(|x| p.jurisdictions[x].code.as_str()),
                    reviewed: j.reviewed.map(|(d, _)| d.to_string()),
                    rules: j.rules.len(),
                    tests: j.tests.len(),
                    unverified: j.rules.iter().filter(|r| r.unverified.is_some()).count(),
                    chain: p
                        .chain(i)
                        .iter()
                        .map(|&c| p.jurisdictions[c].code.as_str())
                        .collect(),
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )?;
        }
        MatrixFormat::Text => {
            writeln!(
                out,
                "{:<4} {:<36} {:<8} {:>5} {:>5} {:>10}  reviewed",
                "code", "name", "extends", "rules", "tests", "unverified"
            )?;
            for j in &p.jurisdictions {
                writeln!(
                    out,
                    "{:<4} {:<36} {:<8} {:>5} {:>5} {:>10}  {}",
                    j.code,
                    j.name,
                    j.parent
                        .map(|x| p.jurisdictions[x].code.as_str())
                        .unwrap_or("-"),
                    j.rules.len(),
                    j.tests.len(),
                    j.rules.iter().filter(|r| r.unverified.is_some()).count(),
                    j.reviewed
                        .map(|(d, _)| d.to_string())
                        .unwrap_or_else(|| "-".into())
                )?;
            }
            let hash = an.tables.as_ref().map(crate::table::artifact_hash);
            writeln!(
                out,
                "{}",
                super::report::corpus_line(&origin, hash.as_deref())
            )?;
        }
    }
    Ok(Exit::Ok)
}

/// One jurisdiction in `jurisdictions --format json`.
#[derive(Serialize)]
struct JurisdictionJson<'a> {
    code: &'a str,
    name: &'a str,
    extends: Option<&'a str>,
    reviewed: Option<String>,
    rules: usize,
    tests: usize,
    /// Rules marked `unverified`: their source could not be read in full.
    unverified: usize,
    chain: Vec<&'a str>,
}
