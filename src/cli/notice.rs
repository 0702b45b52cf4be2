//! `mandate notice`: the limits of confidentiality for intake, per state.

use super::report::corpus_line;
use super::report::{on_day, policies_for};
use super::{Exit, NoticeArgs, NoticeFormat};
use std::io::Write;

pub fn notice(a: NoticeArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Exit> {
    let source = a.source.source();
    let policies = match policies_for(source, a.format == NoticeFormat::Json, out, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let policies = match on_day(
        policies,
        a.as_of.as_deref(),
        a.format == NoticeFormat::Json,
        out,
        err,
    )? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let mut notices = Vec::new();
    for j in &a.jurisdictions {
        match policies.notice(j, a.role.as_deref()) {
            Ok(n) => notices.push(n),
            Err(e) => {
                writeln!(err, "error: {e}")?;
                writeln!(err, "  help: {}", e.help())?;
                if a.format == NoticeFormat::Json {
                    super::report::json_error(out, &e.to_string(), e.help())?;
                }
                return Ok(Exit::Usage);
            }
        }
    }
    match a.format {
        NoticeFormat::Json => writeln!(
            out,
            "{}",
            if notices.len() == 1 {
                serde_json::to_string_pretty(&notices[0])
            } else {
                serde_json::to_string_pretty(&notices)
            }
            .unwrap_or_default()
        )?,
        NoticeFormat::Text => {
            let texts: Vec<String> = notices.iter().map(|n| n.text()).collect();
            write!(out, "{}", texts.join("\n\n"))?;
            writeln!(
                out,
                "\nPrepared with mandate; {}",
                corpus_line(policies.origin(), Some(policies.hash()))
            )?
        }
        NoticeFormat::Markdown => {
            let texts: Vec<String> = notices.iter().map(|n| n.markdown()).collect();
            write!(out, "{}", texts.join("\n\n"))?;
            writeln!(
                out,
                "\n<small>Prepared with mandate; {}</small>",
                corpus_line(policies.origin(), Some(policies.hash()))
            )?
        }
        // One page per notice; several states print one after another.
        NoticeFormat::Html => {
            for n in &notices {
                write!(out, "{}", n.html())?;
            }
        }
    }
    Ok(Exit::Ok)
}
