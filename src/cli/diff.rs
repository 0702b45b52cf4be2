//! `mandate diff OLD NEW`: the decisions that change between two versions
//! of the policies, from two directories or two git revisions.

use super::findings::{Finding, Level};
use super::report::Failed;
use super::{DiffArgs, Exit, ExitOn, ReportFormat};
use crate::diff::{describe_change, describe_region, describe_text_change, JurisdictionDiff};
use crate::source::Sources;
use crate::table::{Action, Duration, Outcome, Tables};
use serde::Serialize;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Load one side: a directory or file (with its corpus), or the policies
/// of a git revision; it must compile.
fn side(spec: &OsStr, policies: &Path) -> Result<crate::Analysis, Failed> {
    let shown = spec.to_string_lossy();
    let loaded = if Path::new(spec).exists() {
        crate::loader::load(Path::new(spec))
            .map_err(|e| Failed::usage(e.to_string(), "give a directory of .policy files"))?
    } else {
        match from_git(spec, policies) {
            Ok(sources) => crate::loader::Loaded {
                sources,
                diags: Vec::new(),
            },
            Err(reason) => {
                return Err(Failed::usage(
                    format!(
                        "`{shown}` is neither a directory nor a git revision with {}: {reason}",
                        policies.display()
                    ),
                    "give two directories, or run inside the repository and name revisions such as `main` or `HEAD~1`",
                ))
            }
        }
    };
    let a = crate::analyse(loaded.sources, loaded.diags);
    if a.tables.is_some() && a.program.is_some() {
        Ok(a)
    } else {
        let n = a.errors();
        Err(Failed::policy_errors(
            format!("`{shown}` has {n} error(s); a diff needs two corpora that compile"),
            a,
        ))
    }
}

fn git<S: AsRef<OsStr>>(args: &[S]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// A file name as git prints it: bytes, which on Unix are the name itself
/// whatever its encoding.
fn os_name(raw: &[u8]) -> Option<OsString> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Some(OsStr::from_bytes(raw).to_os_string())
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(raw.to_vec()).ok().map(OsString::from)
    }
}

/// The policies folder when `--policies` is not given: the nearest
/// `policies` folder from the current directory up to the repository's
/// top, so `diff HEAD~1 HEAD` works from any folder of the repository.
/// Outside a repository, or when no such folder exists in the working
/// tree (it may exist only at the revisions), the top's `policies`.
fn default_policies() -> PathBuf {
    let cdup = git(&["rev-parse", "--show-cdup"])
        .ok()
        .and_then(|b| os_name(b.strip_suffix(b"\n").unwrap_or(&b)))
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut up = PathBuf::new();
    for step in std::iter::once(None).chain(cdup.components().map(Some)) {
        if let Some(c) = step {
            up.push(c);
        }
        let candidate = up.join("policies");
        if candidate.is_dir() {
            return candidate;
        }
    }
    cdup.join("policies")
}

/// Every `.policy` file under `policies` at revision `rev`, named like the
/// working-tree files (paths relative to the current directory).
fn from_git(rev: &OsStr, policies: &Path) -> Result<Sources, String> {
    let shown = policies.display();
    let rev_shown = rev.to_string_lossy();
    // NUL-separated, so names git would quote (non-ASCII, quotes) come
    // through as they are; `--end-of-options` keeps a revision that
    // starts with `-` from being read as an option.
    let list = git(&[
        OsStr::new("ls-tree"),
        OsStr::new("-r"),
        OsStr::new("-z"),
        OsStr::new("--name-only"),
        OsStr::new("--end-of-options"),
        rev,
        OsStr::new("--"),
        policies.as_os_str(),
    ])?;
    let mut names: Vec<OsString> = Vec::new();
    for raw in list.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = os_name(raw).ok_or_else(|| {
            format!("a file name under `{shown}` at `{rev_shown}` cannot be named on this system")
        })?;
        if Path::new(&name).extension().is_some_and(|e| e == "policy") {
            names.push(name);
        }
    }
    names.sort();
    if names.is_empty() {
        return Err(format!("no .policy files under `{shown}` at `{rev_shown}`"));
    }
    let mut sources = Sources::new();
    for name in names {
        // `REV:./PATH` reads PATH relative to the current directory, as
        // ls-tree printed it (with `../` when run from a subfolder).
        let mut object = rev.to_os_string();
        object.push(":./");
        object.push(&name);
        let bytes = git(&[OsStr::new("show"), OsStr::new("--end-of-options"), &object])?;
        let shown_name = Path::new(&name).display().to_string();
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("`{shown_name}` at `{rev_shown}` is not UTF-8"))?;
        sources.add(shown_name, text);
    }
    Ok(sources)
}

/// One corpus as it stood on two days: the tables with the rows in force
/// on each, so the diff below is the change in law between them.
fn between(days: &[String], policies: &Path) -> Result<(Tables, Tables), Failed> {
    let mut parsed = Vec::new();
    for d in days {
        match crate::table::parse_date(d) {
            Some(day) => parsed.push(day),
            None => {
                return Err(Failed::usage(
                    format!("`--between {d}`: not a date"),
                    "write the dates as YYYY-MM-DD, e.g. --between 2018-01-01 2026-01-01",
                ))
            }
        }
    }
    let tables = if policies.is_dir() {
        let a = side(policies.as_os_str(), policies)?;
        match a.tables {
            Some(t) => t,
            None => return Err(Failed::policy_errors("the policies do not compile", a)),
        }
    } else {
        let loaded = crate::loader::embedded();
        let a = crate::compile_sources(loaded.sources, loaded.diags);
        match a.tables {
            Some(t) => t,
            None => {
                return Err(Failed::policy_errors(
                    "the built-in policies do not compile",
                    a,
                ))
            }
        }
    };
    let Some(col) = tables.date_column() else {
        return Err(Failed {
            exit: Exit::Findings,
            ..Failed::usage(
                "the schema has no `as_of: date` fact, so rules have no dates",
                "declare `fact as_of: date FIRST..=LAST = today` and give rules `effective` / `until`",
            )
        });
    };
    let on = |day: i64| Tables {
        tables: tables.tables.iter().map(|t| t.at(col, day)).collect(),
        ..tables.clone()
    };
    Ok((on(parsed[0]), on(parsed[1])))
}

pub fn diff(a: DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let empty = serde_json::json!({ "changes": [], "text_changes": [] });
    let policies = a.policies.clone().unwrap_or_else(default_policies);
    // Two corpora: decisions and texts; one corpus on two days: decisions.
    let (old_tables, new_tables, texts) = match (&a.between, &a.old) {
        (Some(days), _) => match between(days, &policies) {
            Ok((old, new)) => (old, new, Vec::new()),
            Err(f) => return f.report(a.format, empty, out, err),
        },
        (None, Some(old_spec)) => {
            let old = match side(old_spec, &policies) {
                Ok(t) => t,
                Err(f) => return f.report(a.format, empty, out, err),
            };
            let new_spec = a
                .new
                .clone()
                .unwrap_or_else(|| policies.clone().into_os_string());
            let new = match side(&new_spec, &policies) {
                Ok(t) => t,
                Err(f) => return f.report(a.format, empty, out, err),
            };
            let texts = match (&old.program, &new.program) {
                (Some(o), Some(n)) => crate::diff::text_changes(o, n, &new.sources),
                _ => Vec::new(),
            };
            match (old.tables, new.tables) {
                (Some(o), Some(n)) => (o, n, texts),
                _ => return Ok(Exit::Findings),
            }
        }
        (None, None) => {
            return Failed::usage(
                "give OLD [NEW], or --between FIRST SECOND",
                "`mandate diff --help` has examples",
            )
            .report(a.format, empty, out, err)
        }
    };
    let diffs = crate::diff::diff(&old_tables, &new_tables);
    let columns = crate::diff::align(&old_tables.columns, &new_tables.columns);
    let regions: usize = diffs
        .iter()
        .map(|d| {
            if let JurisdictionDiff::Changed { changes, .. } = d {
                changes.len()
            } else {
                1
            }
        })
        .sum();
    let decision_summary = if diffs.is_empty() {
        "no decision changes".to_string()
    } else {
        format!("{regions} change(s) in {} jurisdiction(s)", diffs.len())
    };
    let text_summary = format!(
        "{} text change(s) (notes, citations, unverified, sources, review dates)",
        texts.len()
    );
    let fail = match a.exit_code {
        None => false,
        Some(ExitOn::Decisions) => !diffs.is_empty(),
        Some(ExitOn::Any) => !diffs.is_empty() || !texts.is_empty(),
    };
    match a.format {
        ReportFormat::Text => {
            for d in &diffs {
                match d {
                    JurisdictionDiff::Added(code) => writeln!(out, "{code}: added")?,
                    JurisdictionDiff::Removed(code) => writeln!(out, "{code}: removed")?,
                    JurisdictionDiff::Changed {
                        jurisdiction,
                        changes,
                    } => {
                        for c in changes {
                            writeln!(
                                out,
                                "{jurisdiction}: {}: {}",
                                describe_region(&columns, &c.region),
                                describe_change(c)
                            )?;
                        }
                    }
                }
            }
            if !a.quiet {
                writeln!(out, "{decision_summary}")?;
            }
            for t in &texts {
                writeln!(out, "{}", describe_text_change(t))?;
            }
            if !texts.is_empty() && !a.quiet {
                writeln!(out, "{text_summary}")?;
            }
        }
        ReportFormat::Json => {
            let changes: Vec<ChangeJson> = diffs
                .iter()
                .flat_map(|d| match d {
                    JurisdictionDiff::Added(code) => vec![ChangeJson::whole(code, "added")],
                    JurisdictionDiff::Removed(code) => vec![ChangeJson::whole(code, "removed")],
                    JurisdictionDiff::Changed {
                        jurisdiction,
                        changes,
                    } => changes
                        .iter()
                        .map(|c| ChangeJson {
                            jurisdiction,
                            kind: "changed",
                            when: Some(describe_region(&columns, &c.region)),
                            old: Some(SideJson::of(&c.old)),
                            new: Some(SideJson::of(&c.new)),
                        })
                        .collect(),
                })
                .collect();
            let text_changes = texts
                .iter()
                .map(|t| TextJson {
                    jurisdiction: &t.jurisdiction,
                    rule: t.rule.as_deref(),
                    field: t.field,
                    old: t.old.as_deref(),
                    new: t.new.as_deref(),
                    file: &t.file,
                    line: t.line,
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&DiffJson {
                    changes,
                    text_changes
                })
                .unwrap_or_default()
            )?;
        }
        ReportFormat::Sarif | ReportFormat::Github => {
            let mut findings: Vec<Finding> = diffs
                .iter()
                .flat_map(|d| match d {
                    JurisdictionDiff::Changed {
                        jurisdiction,
                        changes,
                    } => changes
                        .iter()
                        .map(|c| Finding {
                            rule: DECISION_CHANGE.into(),
                            level: Level::Note,
                            message: format!(
                                "{jurisdiction}: {}: {}",
                                describe_region(&columns, &c.region),
                                describe_change(c)
                            ),
                            file: Some(c.new.file.clone()),
                            start: (c.new.line, 1),
                            end: (c.new.line, 1),
                            properties: Vec::new(),
                        })
                        .collect::<Vec<_>>(),
                    JurisdictionDiff::Added(code) | JurisdictionDiff::Removed(code) => {
                        vec![Finding {
                            rule: DECISION_CHANGE.into(),
                            level: Level::Note,
                            message: format!(
                                "{code}: {}",
                                if matches!(d, JurisdictionDiff::Added(_)) {
                                    "added"
                                } else {
                                    "removed"
                                }
                            ),
                            file: None,
                            start: (1, 1),
                            end: (1, 1),
                            properties: Vec::new(),
                        }]
                    }
                })
                .collect();
            findings.extend(texts.iter().map(|t| Finding {
                rule: TEXT_CHANGE.into(),
                level: Level::Note,
                message: describe_text_change(t),
                file: Some(t.file.clone()),
                start: (t.line, 1),
                end: (t.line, 1),
                properties: Vec::new(),
            }));
            let text = if a.format == ReportFormat::Sarif {
                super::findings::sarif(&findings, None)
            } else {
                let summary = format!("{decision_summary}; {text_summary}");
                // `--exit-code` fails the step: its summary is the error.
                let stop = fail.then(|| super::findings::Stop {
                    message: summary.clone(),
                    help: Some("`--exit-code` fails the run on these changes".into()),
                });
                super::findings::github(&findings, stop.as_ref(), &summary)
            };
            write!(out, "{text}")?;
        }
    }
    Ok(if fail { Exit::Findings } else { Exit::Ok })
}

/// SARIF rule ids of the two kinds of change.
pub const DECISION_CHANGE: &str = "decision-change";
pub const TEXT_CHANGE: &str = "text-change";

/// A changed text in `diff --format json`.
#[derive(Serialize)]
struct TextJson<'a> {
    jurisdiction: &'a str,
    rule: Option<&'a str>,
    field: &'static str,
    old: Option<&'a str>,
    new: Option<&'a str>,
    file: &'a str,
    line: usize,
}

/// `diff --format json`: one entry per changed region, added or removed
/// jurisdiction.
#[derive(Serialize)]
struct DiffJson<'a> {
    changes: Vec<ChangeJson<'a>>,
    text_changes: Vec<TextJson<'a>>,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    jurisdiction: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old: Option<SideJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<SideJson<'a>>,
}

impl<'a> ChangeJson<'a> {
    fn whole(jurisdiction: &'a str, kind: &'static str) -> ChangeJson<'a> {
        ChangeJson {
            jurisdiction,
            kind,
            when: None,
            old: None,
            new: None,
        }
    }
}

/// A decision on one side of a change.
#[derive(Serialize)]
struct SideJson<'a> {
    action: Action,
    to: &'a [String],
    within: Option<&'a Duration>,
    written_within: Option<&'a Duration>,
    citations: &'a [String],
    rule: &'a str,
}

impl<'a> SideJson<'a> {
    fn of(o: &'a Outcome) -> SideJson<'a> {
        SideJson {
            action: o.action,
            to: &o.to,
            within: o.within.as_ref(),
            written_within: o.written_within.as_ref(),
            citations: &o.citations,
            rule: &o.rule,
        }
    }
}
