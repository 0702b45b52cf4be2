//! `mandate diff OLD NEW`: the decisions that change between two versions
//! of the policies, from two directories or two git revisions.

use super::findings::{Finding, Level};
use super::{DiffArgs, Exit, ReportFormat};
use crate::diff::{describe_change, describe_region, JurisdictionDiff};
use crate::source::Sources;
use crate::table::{Action, Duration, Outcome, Tables};
use serde::Serialize;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Load one side: a directory, or the policies of a git revision.
fn side(
    spec: &OsStr,
    policies: &Path,
    err: &mut dyn Write,
) -> std::io::Result<Result<Tables, Exit>> {
    let shown = spec.to_string_lossy();
    let loaded = if Path::new(spec).is_dir() {
        match crate::loader::load(Path::new(spec)) {
            Ok(l) => l,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(Err(Exit::Usage));
            }
        }
    } else {
        match from_git(spec, policies) {
            Ok(sources) => crate::loader::Loaded {
                sources,
                diags: Vec::new(),
            },
            Err(reason) => {
                writeln!(
                    err,
                    "error: `{shown}` is neither a directory nor a git revision with {}: {reason}",
                    policies.display()
                )?;
                writeln!(err, "  help: give two directories, or run inside the repository and name revisions such as `main` or `HEAD~1`")?;
                return Ok(Err(Exit::Usage));
            }
        }
    };
    let a = crate::analyse(loaded.sources, loaded.diags);
    match a.tables {
        Some(t) => Ok(Ok(t)),
        None => {
            let errors: Vec<_> = a.diags.iter().filter(|d| d.is_error()).cloned().collect();
            write!(err, "{}", crate::diag::render_all(&errors, &a.sources))?;
            writeln!(
                err,
                "error: `{shown}` has {} error(s); a diff needs two corpora that compile",
                errors.len()
            )?;
            Ok(Err(Exit::Findings))
        }
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
fn between(
    days: &[String],
    policies: &Path,
    err: &mut dyn Write,
) -> std::io::Result<Result<(Tables, Tables), Exit>> {
    let mut parsed = Vec::new();
    for d in days {
        match crate::table::parse_date(d) {
            Some(day) => parsed.push(day),
            None => {
                writeln!(err, "error: `--between {d}`: not a date")?;
                writeln!(
                    err,
                    "  help: write the dates as YYYY-MM-DD, e.g. --between 2018-01-01 2026-01-01"
                )?;
                return Ok(Err(Exit::Usage));
            }
        }
    }
    let tables = if policies.is_dir() {
        match side(policies.as_os_str(), policies, err)? {
            Ok(t) => t,
            Err(code) => return Ok(Err(code)),
        }
    } else {
        let loaded = crate::loader::embedded();
        match crate::compile_sources(loaded.sources, loaded.diags).tables {
            Some(t) => t,
            None => {
                writeln!(err, "error: the built-in policies do not compile")?;
                return Ok(Err(Exit::Findings));
            }
        }
    };
    let Some(col) = tables.date_column() else {
        writeln!(
            err,
            "error: the schema has no `as_of: date` fact, so rules have no dates"
        )?;
        writeln!(err, "  help: declare `fact as_of: date FIRST..=LAST = today` and give rules `effective` / `until`")?;
        return Ok(Err(Exit::Findings));
    };
    let on = |day: i64| Tables {
        tables: tables.tables.iter().map(|t| t.at(col, day)).collect(),
        ..tables.clone()
    };
    Ok(Ok((on(parsed[0]), on(parsed[1]))))
}

pub fn diff(a: DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let policies = a.policies.clone().unwrap_or_else(default_policies);
    let (old, new) = match (&a.between, &a.old) {
        (Some(days), _) => match between(days, &policies, err)? {
            Ok(pair) => pair,
            Err(code) => return Ok(code),
        },
        (None, Some(old_spec)) => {
            let old = match side(old_spec, &policies, err)? {
                Ok(t) => t,
                Err(code) => return Ok(code),
            };
            let new_spec = a
                .new
                .clone()
                .unwrap_or_else(|| policies.clone().into_os_string());
            let new = match side(&new_spec, &policies, err)? {
                Ok(t) => t,
                Err(code) => return Ok(code),
            };
            (old, new)
        }
        (None, None) => {
            writeln!(err, "error: give OLD [NEW], or --between FIRST SECOND")?;
            return Ok(Exit::Usage);
        }
    };
    let diffs = crate::diff::diff(&old, &new);
    let columns = crate::diff::align(&old.columns, &new.columns);
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
            if diffs.is_empty() {
                writeln!(out, "no decision changes")?;
            } else {
                writeln!(
                    out,
                    "{regions} change(s) in {} jurisdiction(s)",
                    diffs.len()
                )?;
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
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&DiffJson { changes }).unwrap_or_default()
            )?;
        }
        ReportFormat::Sarif | ReportFormat::Github => {
            let findings: Vec<Finding> = diffs
                .iter()
                .flat_map(|d| match d {
                    JurisdictionDiff::Changed {
                        jurisdiction,
                        changes,
                    } => changes
                        .iter()
                        .map(|c| Finding {
                            rule: "decision-change".into(),
                            level: Level::Note,
                            message: format!(
                                "{jurisdiction}: {}: {}",
                                describe_region(&columns, &c.region),
                                describe_change(c)
                            ),
                            file: Some(c.new.file.clone()),
                            start: (c.new.line, 1),
                            end: (c.new.line, 1),
                        })
                        .collect::<Vec<_>>(),
                    JurisdictionDiff::Added(code) | JurisdictionDiff::Removed(code) => {
                        vec![Finding {
                            rule: "decision-change".into(),
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
                        }]
                    }
                })
                .collect();
            let text = if a.format == ReportFormat::Sarif {
                super::findings::sarif(&findings)
            } else {
                super::findings::github(&findings)
            };
            write!(out, "{text}")?;
        }
    }
    Ok(if a.exit_code && !diffs.is_empty() {
        Exit::Findings
    } else {
        Exit::Ok
    })
}

/// `diff --format json`: one entry per changed region, added or removed
/// jurisdiction.
#[derive(Serialize)]
struct DiffJson<'a> {
    changes: Vec<ChangeJson<'a>>,
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
