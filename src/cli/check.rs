//! `mandate check`: parse, check, compile and lint; report every finding.

use super::findings::Finding;
use super::report::print_diags;
use super::{CheckArgs, Exit, Format, ReportFormat};
use crate::diag::Code;
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
    let (an, origin) = match super::report::load(a.corpus.corpus(), err)? {
        Ok((loaded, origin)) => (
            crate::analyse_with(loaded.sources, loaded.diags, &opts),
            origin,
        ),
        Err(code) => return Ok(code),
    };
    let hash = an.tables.as_ref().map(crate::table::artifact_hash);
    match a.format {
        ReportFormat::Text => print_diags(&an, Format::Text, out)?,
        ReportFormat::Json => super::report::print_diags_json(
            &an,
            Some(super::report::CorpusJson {
                origin: &origin,
                hash: hash.as_deref(),
            }),
            out,
        )?,
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
        writeln!(
            out,
            "checked {} file(s), {jurs} jurisdiction(s), {rules} rule(s) ({unverified} unverified): {} error(s), {} warning(s)",
            an.sources.len(),
            an.errors(),
            an.warnings()
        )?;
        if let Some(p) = &an.program {
            let later = crate::lint::upcoming(p, opts.today);
            if !later.is_empty() {
                let list: Vec<String> = later
                    .iter()
                    .map(|(rule, d)| format!("{rule} on {}", crate::table::show_date(*d)))
                    .collect();
                writeln!(
                    out,
                    "{} rule(s) take effect later: {}",
                    later.len(),
                    list.join(", ")
                )?;
            }
        }
        writeln!(
            out,
            "{}",
            super::report::corpus_line(&origin, hash.as_deref())
        )?;
    }
    let failed = an.errors() > 0
        || an.diags.iter().any(|d| {
            (a.deny_warnings && !d.is_error() && !d.code.follows_calendar())
                || denied.contains(&d.code)
        });
    Ok(if failed { Exit::Findings } else { Exit::Ok })
}
