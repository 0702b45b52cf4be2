//! `mandate test`: run the `test` blocks of the policies, with coverage.

use super::findings::{Finding, Level};
use super::report::{analysis, Failed};
use super::{Exit, ReportFormat, TestArgs};
use crate::diag::Code;
use crate::policy_tests::Failure;
use serde::Serialize;
use std::io::Write;

pub fn test(a: TestArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let empty = serde_json::json!({ "tests": [], "passed": 0, "failed": 0, "filtered_out": 0 });
    let (an, origin) = match analysis(a.corpus.corpus()) {
        Ok(found) => found,
        Err(f) => return f.report(a.format, empty, out, err),
    };
    let (Some(program), Some(tables)) = (&an.program, &an.tables) else {
        return Failed::policy_errors(
            "the policies have errors; fix them before running tests (`mandate check`)",
            an,
        )
        .report(a.format, empty, out, err);
    };
    let hash = crate::table::artifact_hash(tables);
    let all = crate::policy_tests::run(program, tables);
    // `test FILE` runs the tests written in that file (the rest of its
    // corpus is loaded so they can run); `--filter` keeps the tests whose
    // `JURISDICTION: name` contains the text, in any case.
    let file = a
        .corpus
        .path
        .as_deref()
        .or(a.corpus.policies.as_deref())
        .filter(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok());
    let filter = a.filter.as_deref().map(str::to_lowercase);
    let results: Vec<crate::policy_tests::TestResult> = all
        .iter()
        .filter(|r| {
            file.as_ref().is_none_or(|f| {
                std::fs::canonicalize(&an.sources.get(r.span.file).name)
                    .ok()
                    .as_ref()
                    == Some(f)
            })
        })
        .filter(|r| {
            filter.as_ref().is_none_or(|t| {
                format!("{}: {}", r.jurisdiction, r.name)
                    .to_lowercase()
                    .contains(t.as_str())
            })
        })
        .cloned()
        .collect();
    let filtered_out = all.len() - results.len();
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
                filtered_out,
                coverage: coverage.as_ref(),
                coverage_below_minimum: below.then_some(a.min_coverage).flatten(),
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
                .map(|r| {
                    let mut f = Finding::from_diag(&r.diagnostic(), &an.sources);
                    if let Err(Failure::Mismatch {
                        expected, actual, ..
                    }) = &r.outcome
                    {
                        let (head, rest) = f.message.split_once('\n').unwrap_or((&f.message, ""));
                        f.message =
                            format!("{head}\nexpected {expected}\nactual   {actual}\n{rest}");
                        f.properties =
                            vec![("expected", expected.clone()), ("actual", actual.clone())];
                    }
                    f
                })
                .collect();
            if below {
                findings.extend(uncovered_findings(coverage.as_ref()));
            }
            let text = if a.format == ReportFormat::Sarif {
                crate::cli::findings::sarif(&findings, None)
            } else {
                let summary = format!(
                    "{}; {}",
                    summary(&results, failed.len(), filtered_out),
                    super::report::corpus_line(&origin, Some(&hash))
                );
                crate::cli::findings::github(&findings, None, &summary)
            };
            write!(out, "{text}")?;
        }
        ReportFormat::Text => {
            for r in &failed {
                write!(out, "{}", crate::diag::render(&r.diagnostic(), &an.sources))?;
                writeln!(out)?;
            }
            if !a.quiet {
                writeln!(out, "{}", summary(&results, failed.len(), filtered_out))?;
                writeln!(out, "{}", super::report::corpus_line(&origin, Some(&hash)))?;
            }
            if let Some(c) = coverage.as_ref().filter(|_| !a.quiet || below) {
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

/// `N test(s): P passed, F failed`, and how many a filter left out.
fn summary(
    results: &[crate::policy_tests::TestResult],
    failed: usize,
    filtered_out: usize,
) -> String {
    let mut s = format!(
        "{} test(s): {} passed, {failed} failed",
        results.len(),
        results.len() - failed
    );
    if filtered_out > 0 {
        s.push_str(&format!(" ({filtered_out} filtered out)"));
    }
    s
}

fn write_coverage(
    c: &crate::policy_tests::Coverage,
    list: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "coverage: {}/{} rule rows ({:.1}%), {}/{} rules and {}/{} defaults exercised by a test",
        c.covered_rows,
        c.rows,
        c.percent(),
        c.covered_rules,
        c.rules,
        c.covered_defaults,
        c.defaults
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
            // Listed only when the run fails for them.
            level: Level::Error,
            message: format!(
                "no test reaches row {} of {} ({})",
                u.row, u.rule, u.conditions
            ),
            file: Some(u.file.clone()),
            start: (u.line, 1),
            end: (u.line, 1),
            properties: Vec::new(),
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
    /// Tests left out by `--filter` or by naming one file.
    filtered_out: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<&'a crate::policy_tests::Coverage>,
    /// The `--min-coverage` the run fell short of.
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage_below_minimum: Option<u8>,
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
