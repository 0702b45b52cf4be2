//! `mandate check`: parse, check, compile and lint; report every finding.

use super::findings::Finding;
use super::report::{corpus_line, print_diags, print_diags_json, CorpusJson, Failed};
use super::{CheckArgs, Exit, Format, ReportFormat};
use crate::diag::{Code, Diagnostic};
use std::io::Write;

pub fn check(a: CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let empty = serde_json::json!({ "diagnostics": [], "errors": 0, "warnings": 0, "denied": 0 });
    let mut opts = crate::lint::Options::default();
    if let Some(t) = &a.today {
        match crate::check::parse_date(t) {
            Some(d) => opts.today = d,
            None => {
                return Failed::usage(
                    format!("`--today {t}` is not a date"),
                    "write it as YYYY-MM-DD",
                )
                .report(a.format, empty, out, err)
            }
        }
    }
    let denied: &[Code] = &a.deny;
    opts.deny_unverified = denied.contains(&Code::Unverified);
    let (an, origin) = match super::report::load(a.corpus.corpus()) {
        Ok((loaded, origin)) => (
            crate::analyse_with(loaded.sources, loaded.diags, &opts),
            origin,
        ),
        Err(f) => return f.report(a.format, empty, out, err),
    };
    let hash = an.tables.as_ref().map(crate::table::artifact_hash);
    // `--deny-warnings` leaves out the lints that follow the calendar, so
    // an unchanged repository stays green; `--deny CODE` names them.
    let is_denied = |d: &Diagnostic| {
        !d.is_error()
            && ((a.deny_warnings && !d.code.follows_calendar()) || denied.contains(&d.code))
    };
    let findings = || -> Vec<Finding> {
        an.diags
            .iter()
            .map(|d| Finding::from_diag_denied(d, &an.sources, is_denied(d)))
            .collect()
    };
    let (jurs, rules) = an.resolved().map_or((0, 0), |p| {
        (
            p.jurisdictions.len(),
            p.jurisdictions.iter().map(|j| j.rules.len()).sum(),
        )
    });
    let unverified: usize = an.resolved().map_or(0, |p| {
        p.jurisdictions
            .iter()
            .flat_map(|j| &j.rules)
            .filter(|r| r.unverified.is_some())
            .count()
    });
    let summary = format!(
        "checked {} file(s), {jurs} jurisdiction(s), {rules} rule(s) ({unverified} unverified): {} error(s), {} warning(s)",
        an.sources.len(),
        an.errors(),
        an.warnings()
    );
    match a.format {
        ReportFormat::Text if a.quiet => {
            // Only what fails the run.
            for d in an.diags.iter().filter(|d| d.is_error() || is_denied(d)) {
                writeln!(out, "{}", crate::diag::render(d, &an.sources))?;
            }
        }
        ReportFormat::Text => {
            print_diags(&an, Format::Text, out)?;
            writeln!(out, "{summary}")?;
            if let Some(p) = &an.program {
                let later = crate::lint::upcoming(p, opts.today);
                if !later.is_empty() {
                    let list: Vec<String> = later
                        .iter()
                        .map(|(rule, d)| format!("{rule} from {}", crate::table::show_date(*d)))
                        .collect();
                    // Rules and dated defaults alike.
                    writeln!(out, "in force later ({}): {}", later.len(), list.join(", "))?;
                }
            }
            writeln!(out, "{}", corpus_line(&origin, hash.as_deref()))?;
        }
        ReportFormat::Json => print_diags_json(
            &an,
            Some(CorpusJson {
                origin: &origin,
                hash: hash.as_deref(),
            }),
            &is_denied,
            out,
        )?,
        ReportFormat::Sarif => write!(out, "{}", super::findings::sarif(&findings(), None))?,
        ReportFormat::Github => write!(
            out,
            "{}",
            super::findings::github(
                &findings(),
                None,
                &format!("{summary}; {}", corpus_line(&origin, hash.as_deref()))
            )
        )?,
    }
    let failed = an.errors() > 0 || an.diags.iter().any(is_denied);
    Ok(if failed { Exit::Findings } else { Exit::Ok })
}
