//! `mandate test`: run the `test` blocks of the policies, with coverage.

use super::findings::{Finding, Level};
use super::report::analysis;
use super::{Exit, ReportFormat, TestArgs};
use crate::diag::Code;
use crate::policy_tests::Failure;
use serde::Serialize;
use std::io::Write;

pub fn test(a: TestArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let (an, origin) = match analysis(a.corpus.corpus(), err)? {
        Ok(found) => found,
        Err(code) => return Ok(code),
    };
    let (Some(program), Some(tables)) = (&an.program, &an.tables) else {
        let errors: Vec<crate::diag::Diagnostic> =
            an.diags.iter().filter(|d| d.is_error()).cloned().collect();
        write!(err, "{}", crate::diag::render_all(&errors, &an.sources))?;
        writeln!(
            err,
            "error: the policies have errors; fix them before running tests (`mandate check`)"
        )?;
        return Ok(Exit::Findings);
    };
    let hash = crate::table::artifact_hash(tables);
    let results = crate::policy_tests::run(program, tables);
    let failed: Vec<&crate::policy_tests::TestResult> =
        results.iter().filter(|r| r.outcome.is_err()).collect();
    let coverage = (a.coverage || a.min_coverage.is_some())
        .then(|| crate::policy_tests::coverage(tables, &results));
    let below = match (&coverage, a.min_coverage) {
        (Some(c), Some(min)) => c.percent() < f64::from(min),
        _ => false,
    };
    match a.format {
        ReportFormat::Json => {
            let tests = results
                .iter()
                .map(|r| TestJson {
                    jurisdiction: &r.jurisdiction,
                    test: &r.name,
                    status: match &r.outcome {
                        Ok(()) => "pass",
                        Err(Failure::Mismatch { .. }) => "fail",
                        Err(Failure::Eval(_)) => "error",
                    },
                    rule: r.rule.as_deref(),
                    file: &an.sources.get(r.span.file).name,
                    line: an.sources.line(r.span),
                    detail: match &r.outcome {
                        Ok(()) => None,
                        Err(Failure::Mismatch {
                            expected,
                            actual,
                            citations,
                            trace,
                            ..
                        }) => Some(DetailJson::Fail {
                            expected,
                            actual,
                            citations,
                            trace,
                        }),
                        Err(Failure::Eval(e)) => Some(DetailJson::Error {
                            error: e.to_string(),
                        }),
                    },
                })
                .collect();
            let doc = TestsJson {
                corpus: super::report::CorpusJson {
                    origin: &origin,
                    hash: Some(&hash),
                },
                tests,
                passed: results.len() - failed.len(),
                failed: failed.len(),
                coverage: coverage.as_ref(),
            };
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )?;
        }
        ReportFormat::Sarif | ReportFormat::Github => {
            let mut findings: Vec<Finding> = failed
                .iter()
                .map(|r| Finding::from_diag(&r.diagnostic(), &an.sources))
                .collect();
            if below {
                findings.extend(uncovered_findings(coverage.as_ref()));
            }
            let text = if a.format == ReportFormat::Sarif {
                crate::cli::findings::sarif(&findings)
            } else {
                crate::cli::findings::github(&findings)
            };
            write!(out, "{text}")?;
        }
        ReportFormat::Text => {
            for r in &failed {
                write!(out, "{}", crate::diag::render(&r.diagnostic(), &an.sources))?;
                writeln!(out)?;
            }
            writeln!(
                out,
                "{} test(s): {} passed, {} failed",
                results.len(),
                results.len() - failed.len(),
                failed.len()
            )?;
            writeln!(out, "{}", super::report::corpus_line(&origin, Some(&hash)))?;
            if let Some(c) = &coverage {
                write_coverage(c, a.coverage || below, out)?;
                if let Some(min) = a.min_coverage {
                    if below {
                        writeln!(
                            out,
                            "coverage {:.1}% is below the minimum of {min}%",
                            c.percent()
                        )?;
                    }
                }
            }
        }
    }
    Ok(if failed.is_empty() && !below {
        Exit::Ok
    } else {
        Exit::Findings
    })
}

fn write_coverage(
    c: &crate::policy_tests::Coverage,
    list: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "coverage: {}/{} rule rows ({:.1}%), {}/{} rules exercised by a test",
        c.covered_rows,
        c.rows,
        c.percent(),
        c.covered_rules,
        c.rules
    )?;
    if list {
        for j in c.jurisdictions.iter().filter(|j| !j.uncovered.is_empty()) {
            writeln!(
                out,
                "  {}: {}/{} rows",
                j.jurisdiction, j.covered_rows, j.rows
            )?;
            for u in &j.uncovered {
                writeln!(
                    out,
                    "    row {:>3}  {}  ({})  {}:{}",
                    u.row, u.rule, u.conditions, u.file, u.line
                )?;
            }
        }
    }
    Ok(())
}

fn uncovered_findings(c: Option<&crate::policy_tests::Coverage>) -> Vec<Finding> {
    c.into_iter()
        .flat_map(|c| &c.jurisdictions)
        .flat_map(|j| &j.uncovered)
        .map(|u| Finding {
            rule: Code::Untested.as_str().to_string(),
            level: Level::Warning,
            message: format!(
                "no test reaches row {} of {} ({})",
                u.row, u.rule, u.conditions
            ),
            file: Some(u.file.clone()),
            start: (u.line, 1),
            end: (u.line, 1),
        })
        .collect()
}

/// `test --format json`.
#[derive(Serialize)]
struct TestsJson<'a> {
    corpus: super::report::CorpusJson<'a>,
    tests: Vec<TestJson<'a>>,
    passed: usize,
    failed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<&'a crate::policy_tests::Coverage>,
}

#[derive(Serialize)]
struct TestJson<'a> {
    jurisdiction: &'a str,
    test: &'a str,
    status: &'static str,
    rule: Option<&'a str>,
    file: &'a str,
    line: usize,
    detail: Option<DetailJson<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum DetailJson<'a> {
    Fail {
        expected: &'a str,
        actual: &'a str,
        citations: &'a [String],
        trace: &'a [String],
    },
    Error {
        error: String,
    },
}
