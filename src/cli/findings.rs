//! Findings in machine formats for CI: SARIF 2.1.0 (code scanning) and
//! GitHub workflow annotations. `check`, `test` and `diff` all reduce
//! their results to [`Finding`]s and print them here.

use crate::diag::{Code, Diagnostic, Severity};
use crate::source::Sources;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    fn sarif(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
    fn github(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        }
    }
}

/// One result with an optional location (1-based line and column).
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    pub level: Level,
    pub message: String,
    pub file: Option<String>,
    pub start: (usize, usize),
    pub end: (usize, usize),
}

/// Line and column (1-based, in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl Finding {
    pub fn from_diag(d: &Diagnostic, sources: &Sources) -> Finding {
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let (file, start, end) = match d.primary() {
            Some(span) => {
                let f = sources.get(span.file);
                (
                    Some(f.name.clone()),
                    line_col(&f.text, span.start as usize),
                    line_col(&f.text, span.end as usize),
                )
            }
            None => (None, (1, 1), (1, 1)),
        };
        Finding {
            rule: d.code.as_str().to_string(),
            level: match d.severity() {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
            },
            message,
            file,
            start,
            end,
        }
    }
}

/// Descriptions of the rules a SARIF run mentions.
fn rule_meta(id: &str) -> serde_json::Value {
    match Code::parse(id) {
        Some(c) => serde_json::json!({
            "id": c.as_str(),
            "name": c.name(),
            "shortDescription": { "text": c.summary() },
            "fullDescription": { "text": c.explanation() },
            "defaultConfiguration": { "level": if c.severity() == Severity::Error { "error" } else { "warning" } },
            "helpUri": "https://github.com/mandate/mandate/blob/main/docs/codes.md",
        }),
        None => serde_json::json!({
            "id": id,
            "name": id,
            "shortDescription": { "text": "a decision that changes between two versions of the policies" },
            "defaultConfiguration": { "level": "note" },
        }),
    }
}

pub fn sarif(findings: &[Finding]) -> String {
    let mut ids: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let mut r = serde_json::json!({
                "ruleId": f.rule,
                "ruleIndex": ids.iter().position(|i| *i == f.rule).unwrap_or(0),
                "level": f.level.sarif(),
                "message": { "text": f.message },
            });
            if let Some(file) = &f.file {
                r["locations"] = serde_json::json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file },
                        "region": { "startLine": f.start.0, "startColumn": f.start.1, "endLine": f.end.0.max(f.start.0), "endColumn": f.end.1.max(1) }
                    }
                }]);
            }
            r
        })
        .collect();
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "mandate",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/mandate/mandate",
                "rules": ids.iter().map(|i| rule_meta(i)).collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// `%`, CR and LF must be escaped in annotation messages; `,` and `:`
/// also in properties.
fn escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

pub fn github(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let mut props = Vec::new();
        if let Some(file) = &f.file {
            props.push(format!("file={}", escape(file, true)));
            props.push(format!("line={}", f.start.0));
            props.push(format!("col={}", f.start.1));
            props.push(format!("endLine={}", f.end.0.max(f.start.0)));
        }
        props.push(format!("title={}", escape(&f.rule, true)));
        out.push_str(&format!(
            "::{} {}::{}\n",
            f.level.github(),
            props.join(","),
            escape(&f.message, false)
        ));
    }
    out
}
