//! `mandate fmt`: canonical layout, in place or as a `--check` diff.

use super::{Exit, FmtArgs};
use crate::diag::Code;
use std::io::Write;

pub fn fmt(a: FmtArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let path = match a.path.as_ref().or(a.policies.as_ref()) {
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
    if path.as_os_str() == "-" {
        return stdin(a.check, out, err);
    }
    // Only the files asked for, not the whole corpus a file belongs to.
    let loaded = if path.is_file() {
        crate::loader::load_one(&path)
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
        let max = crate::syntax::MAX_FILE_BYTES;
        if formatted.len() > max {
            // `check` would refuse what we wrote: keep the file as it is.
            let d = crate::diag::Diagnostic::new(
                Code::Limit,
                format!(
                    "formatting `{}` would make it {} bytes, more than the limit of {max} bytes that `check` reads; it is left as it is",
                    file.name,
                    formatted.len()
                ),
            )
            .help("split the file into smaller ones, then format them");
            write!(out, "{}", crate::diag::render(&d, &loaded.sources))?;
            failed = true;
            continue;
        }
        if a.check {
            write!(out, "{}", unified_diff(&file.name, &file.text, &formatted))?;
        } else if let Err(e) = super::fsutil::atomic_write(
            // The path as read, not its shown name: a name that is not
            // UTF-8 must be written back to the same file.
            file.path
                .as_deref()
                .unwrap_or(std::path::Path::new(&file.name)),
            formatted.as_bytes(),
        ) {
            writeln!(err, "error: cannot write `{}`: {e}", file.name)?;
            return Ok(Exit::Usage);
        }
    }
    if a.check && !a.quiet {
        writeln!(out, "{changed} of {total} file(s) would be reformatted")?;
    } else if !a.quiet {
        writeln!(out, "reformatted {changed} of {total} file(s)")?;
    }
    Ok(if failed || (a.check && changed > 0) {
        Exit::Findings
    } else {
        Exit::Ok
    })
}

/// `fmt -`: standard input formatted to standard output, or with
/// `--check` the diff and exit 1 when it is not formatted.
fn stdin(check: bool, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let name = crate::loader::STDIN;
    let mut sources = crate::source::Sources::new();
    let text = match crate::loader::read_stdin() {
        Ok(t) => t,
        Err(d) => {
            write!(err, "{}", crate::diag::render(&d, &sources))?;
            return Ok(Exit::Usage);
        }
    };
    let id = sources.add(name.to_string(), text);
    let ast = match crate::syntax::parse(&sources, id) {
        Ok(ast) => ast,
        Err(diags) => {
            write!(err, "{}", crate::diag::render_all(&diags, &sources))?;
            return Ok(Exit::Findings);
        }
    };
    let formatted = crate::fmt::format(&sources, id, &ast);
    let original = &sources.get(id).text;
    if !check {
        write!(out, "{formatted}")?;
        return Ok(Exit::Ok);
    }
    if formatted == **original {
        return Ok(Exit::Ok);
    }
    write!(out, "{}", unified_diff(name, original, &formatted))?;
    Ok(Exit::Findings)
}

/// A unified diff of a file and its formatted text, for `fmt --check`.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}
