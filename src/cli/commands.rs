//! The commands other than `decide`.

use super::findings::{Finding, Level};
use super::report::{analysis, pick, print_diags, tables};
use super::ReportFormat;
use super::{
    CheckArgs, CompileArgs, Exit, ExplainArgs, FmtArgs, Format, JurisdictionsArgs, ListArgs,
    MatrixFormat, TableArgs, TestArgs, DISCLAIMER,
};
use crate::diag::Code;
use crate::table::{ColumnType, TableFormat};
use crate::policy_tests::Failure;
use std::io::Write;

pub fn check(a: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let mut opts = crate::lint::Options::default();
    if let Some(t) = &a.today {
        match crate::check::parse_date(t) {
            Some(d) => opts.today = d,
            None => {
                writeln!(err, "error: `--today {t}` is not a date")?;
                writeln!(err, "  help: write it as YYYY-MM-DD")?;
                return Ok(Exit::Usage);
            }
        }
    }
    let mut denied = Vec::new();
    for d in &a.deny {
        match Code::parse(d) {
            Some(c) => denied.push(c),
            None => {
                writeln!(err, "error: `--deny {d}` is not a diagnostic code")?;
                writeln!(err, "  help: `mandate explain --list` lists the codes")?;
                return Ok(Exit::Usage);
            }
        }
    }
    opts.deny_unverified = denied.contains(&Code::Unverified);
    let an = match crate::loader::resolve(a.path.as_deref()) {
        Ok(loaded) => crate::analyse_with(loaded.sources, loaded.diags, &opts),
        Err(e) => {
            writeln!(err, "error: {e}")?;
            writeln!(err, "  help: give a directory of .policy files, or omit the path to use ./policies or the embedded corpus")?;
            return Ok(Exit::Usage);
        }
    };
    match a.format {
        ReportFormat::Text => print_diags(&an, Format::Text, out)?,
        ReportFormat::Json => print_diags(&an, Format::Json, out)?,
        ReportFormat::Sarif => write!(
            out,
            "{}",
            crate::cli::findings::sarif(
                &an.diags
                    .iter()
                    .map(|d| Finding::from_diag(d, &an.sources))
                    .collect::<Vec<_>>()
            )
        )?,
        ReportFormat::Github => write!(
            out,
            "{}",
            crate::cli::findings::github(
                &an.diags
                    .iter()
                    .map(|d| Finding::from_diag(d, &an.sources))
                    .collect::<Vec<_>>()
            )
        )?,
    }
    if a.format == ReportFormat::Text {
        let (jurs, rules) = an.program.as_ref().map_or((0, 0), |p| {
            (
                p.jurisdictions.len(),
                p.jurisdictions.iter().map(|j| j.rules.len()).sum(),
            )
        });
        let unverified: usize = an.program.as_ref().map_or(0, |p| {
            p.jurisdictions
                .iter()
                .flat_map(|j| &j.rules)
                .filter(|r| r.unverified.is_some())
                .count()
        });
        writeln!(
            out,
            "checked {} file(s), {jurs} jurisdiction(s), {rules} rule(s) ({unverified} unverified): {} error(s), {} warning(s)",
            an.sources.len(),
            an.errors(),
            an.warnings()
        )?;
    }
    let failed = an.errors() > 0
        || an
            .diags
            .iter()
            .any(|d| (a.deny_warnings && !d.is_error()) || denied.contains(&d.code));
    Ok(if failed { Exit::Findings } else { Exit::Ok })
}

pub fn table(a: TableArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let tables = match tables(a.policies.as_deref(), a.tables.as_deref(), err)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let Some(t) = pick(&tables, &a.jurisdiction, err)? else {
        return Ok(Exit::Usage);
    };
    let format = TableFormat::from(a.format);
    write!(out, "{}", crate::table::render_table(&tables, t, format))?;
    if matches!(format, TableFormat::Text | TableFormat::Markdown) {
        writeln!(out, "\n{DISCLAIMER}")?;
    }
    Ok(Exit::Ok)
}

pub fn compile(a: CompileArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let tables = match tables(a.path.as_deref(), None, err)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let text = crate::table::save_artifact(&tables);
    if let Err(e) = super::fsutil::atomic_write(&a.output, text.as_bytes()) {
        writeln!(err, "error: cannot write `{}`: {e}", a.output.display())?;
        return Ok(Exit::Usage);
    }
    writeln!(
        out,
        "wrote {} jurisdiction(s) to {}",
        tables.tables.len(),
        a.output.display()
    )?;
    Ok(Exit::Ok)
}

pub fn test(a: TestArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let an = match analysis(a.path.as_deref(), err)? {
        Ok(an) => an,
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
            let v: Vec<serde_json::Value> = results
                .iter()
                .map(|r| {
                    let (status, detail) = match &r.outcome {
                        Ok(()) => ("pass", serde_json::Value::Null),
                        Err(Failure::Mismatch { expected, actual, citations, trace, .. }) => {
                            ("fail", serde_json::json!({ "expected": expected, "actual": actual, "citations": citations, "trace": trace }))
                        }
                        Err(Failure::Eval(e)) => ("error", serde_json::json!({ "error": e })),
                    };
                    serde_json::json!({
                        "jurisdiction": r.jurisdiction, "test": r.name, "status": status, "rule": r.rule,
                        "file": an.sources.get(r.span.file).name, "line": an.sources.line(r.span), "detail": detail,
                    })
                })
                .collect();
            let mut doc = serde_json::json!({ "tests": v, "passed": results.len() - failed.len(), "failed": failed.len() });
            if let Some(c) = &coverage {
                doc["coverage"] = serde_json::to_value(c).unwrap_or_default();
            }
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

pub fn jurisdictions(
    a: JurisdictionsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    if a.matrix {
        let tables = match tables(a.policies.as_deref(), None, err)? {
            Ok(t) => t,
            Err(code) => return Ok(code),
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
    let an = match analysis(a.policies.as_deref(), err)? {
        Ok(an) => an,
        Err(code) => return Ok(code),
    };
    let Some(p) = &an.program else {
        print_diags(&an, Format::Text, err)?;
        return Ok(Exit::Findings);
    };
    match a.format {
        MatrixFormat::Json | MatrixFormat::Markdown => {
            let v: Vec<serde_json::Value> = p
                .jurisdictions
                .iter()
                .enumerate()
                .map(|(i, j)| {
                    serde_json::json!({
                        "code": j.code, "name": j.name,
                        "extends": j.parent.map(|x| p.jurisdictions[x].code.clone()),
                        "reviewed": j.reviewed.map(|(d, _)| d.to_string()),
                        "rules": j.rules.len(), "tests": j.tests.len(),
                        "unverified": j.rules.iter().filter(|r| r.unverified.is_some()).count(),
                        "chain": p.chain(i).iter().map(|&c| p.jurisdictions[c].code.clone()).collect::<Vec<_>>(),
                    })
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
        }
    }
    Ok(Exit::Ok)
}

pub fn schema(a: ListArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let tables = match tables(a.policies.as_deref(), None, err)? {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    match a.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&tables.columns).unwrap_or_default()
        )?,
        Format::Text => {
            for c in &tables.columns {
                let ty = match &c.ty {
                    ColumnType::Bool => "bool".to_string(),
                    ColumnType::Int { lo, hi } => format!("int {lo}..={hi}"),
                    ColumnType::Enum { name, .. } => name.clone(),
                };
                let default = c
                    .default
                    .map(|d| format!(" = {}", c.show(d)))
                    .unwrap_or_else(|| " (required when a rule needs it)".into());
                writeln!(out, "{}: {ty}{default}", c.name)?;
                if let Some(doc) = &c.doc {
                    writeln!(out, "    {doc}")?;
                }
                if let ColumnType::Enum { variants, .. } = &c.ty {
                    writeln!(out, "    values: {}", variants.join(", "))?;
                }
            }
        }
    }
    Ok(Exit::Ok)
}

pub fn explain(a: ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    if a.markdown {
        write!(out, "{}", crate::diag::codes_markdown())?;
        return Ok(Exit::Ok);
    }
    if a.list {
        for c in Code::ALL {
            writeln!(out, "{}  {:<22} {}", c.as_str(), c.name(), c.summary())?;
        }
        return Ok(Exit::Ok);
    }
    let want = a.code.unwrap_or_default();
    match Code::parse(&want) {
        Some(c) => {
            writeln!(
                out,
                "{} {} ({:?}): {}\n",
                c.as_str(),
                c.name(),
                c.severity(),
                c.summary()
            )?;
            writeln!(out, "{}", c.explanation())?;
            Ok(Exit::Ok)
        }
        None => {
            writeln!(err, "error: unknown code `{want}`")?;
            writeln!(err, "  help: `mandate explain --list` lists every code")?;
            Ok(Exit::Usage)
        }
    }
}

pub fn fmt(a: FmtArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let path = match &a.path {
        Some(p) => p.clone(),
        None if std::path::Path::new("policies").is_dir() => std::path::PathBuf::from("policies"),
        None => {
            writeln!(err, "error: no ./policies here and no PATH given")?;
            writeln!(
                err,
                "  help: run from the project root, or `mandate fmt DIR`"
            )?;
            return Ok(Exit::Usage);
        }
    };
    // Only the files asked for, not the whole corpus a file belongs to.
    let loaded = if path.is_file() {
        match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    let mut sources = crate::source::Sources::new();
                    sources.add(path.display().to_string(), text);
                    crate::loader::Loaded {
                        sources,
                        diags: Vec::new(),
                    }
                }
                Err(_) => crate::loader::Loaded {
                    sources: crate::source::Sources::new(),
                    diags: vec![crate::diag::Diagnostic::new(
                        Code::Unreadable,
                        format!("`{}` is not UTF-8 text", path.display()),
                    )
                    .help("save the file as UTF-8")],
                },
            },
            Err(e) => {
                writeln!(err, "error: cannot read `{}`: {e}", path.display())?;
                return Ok(Exit::Usage);
            }
        }
    } else {
        match crate::loader::load(&path) {
            Ok(l) => l,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(Exit::Usage);
            }
        }
    };
    let mut failed = false;
    for d in &loaded.diags {
        write!(out, "{}", crate::diag::render(d, &loaded.sources))?;
        failed = true;
    }
    let (mut changed, mut total) = (0, 0);
    for (id, file) in loaded.sources.iter() {
        total += 1;
        let ast = match crate::syntax::parse(&loaded.sources, id) {
            Ok(ast) => ast,
            Err(diags) => {
                // Never rewrite what we could not read back.
                write!(out, "{}", crate::diag::render_all(&diags, &loaded.sources))?;
                failed = true;
                continue;
            }
        };
        let formatted = crate::fmt::format(&loaded.sources, id, &ast);
        if formatted == *file.text {
            continue;
        }
        changed += 1;
        if a.check {
            write!(
                out,
                "{}",
                unified_diff(&file.name, &file.text, &formatted)
            )?;
        } else if let Err(e) =
            super::fsutil::atomic_write(std::path::Path::new(&file.name), formatted.as_bytes())
        {
            writeln!(err, "error: cannot write `{}`: {e}", file.name)?;
            return Ok(Exit::Usage);
        }
    }
    if a.check {
        writeln!(out, "{changed} of {total} file(s) would be reformatted")?;
    } else {
        writeln!(out, "reformatted {changed} of {total} file(s)")?;
    }
    Ok(if failed || (a.check && changed > 0) {
        Exit::Findings
    } else {
        Exit::Ok
    })
}

/// A unified diff of a file and its formatted text, for `fmt --check`.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
