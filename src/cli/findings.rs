//! Findings in machine formats for CI: SARIF 2.1.0 (code scanning) and
//! GitHub workflow annotations. `check`, `test` and `diff` all reduce
//! their results to [`Finding`]s and print them here.

use crate::diag::{Code, Diagnostic, Severity};
use crate::source::Sources;
use serde::Serialize;

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
    /// Machine-readable details (a failed test's `expected` and
    /// `actual`), also written in the message: SARIF `properties`.
    pub properties: Vec<(&'static str, String)>,
}

/// Why a command could not give its result (a path that does not exist,
/// policies that do not compile): machine formats still print one
/// document, which says so.
#[derive(Debug, Clone)]
pub struct Stop {
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    /// A diagnostic as a finding; `denied` raises a warning to an error,
    /// as the run's exit code does.
    pub fn from_diag_denied(d: &Diagnostic, sources: &Sources, denied: bool) -> Finding {
        let mut f = Finding::from_diag(d, sources);
        if denied {
            f.level = Level::Error;
            f.message.push_str("\n(denied: this warning fails the run)");
        }
        f
    }

    pub fn from_diag(d: &Diagnostic, sources: &Sources) -> Finding {
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let (file, start, end) = match d.primary() {
            Some(span) => (
                Some(sources.get(span.file).name.clone()),
                sources.position(span.file, span.start),
                sources.position(span.file, span.end),
            ),
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
            properties: Vec::new(),
        }
    }
}

// The SARIF 2.1.0 subset mandate writes; field names are the standard's.

#[derive(Serialize)]
struct Sarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    results: Vec<SarifResult<'a>>,
}

/// Whether the run could do its work; a stopped run carries the reason as
/// a tool execution notification.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleMeta>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleMeta {
    id: String,
    name: String,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'static str>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// Descriptions of the rules a SARIF run mentions.
fn rule_meta(id: &str) -> RuleMeta {
    match Code::parse(id) {
        Some(c) => RuleMeta {
            id: c.as_str().to_string(),
            name: c.name().to_string(),
            short_description: Text {
                text: c.summary().to_string(),
            },
            full_description: Some(Text {
                text: c.explanation().to_string(),
            }),
            default_configuration: Configuration {
                level: if c.severity() == Severity::Error {
                    "error"
                } else {
                    "warning"
                },
            },
            help_uri: Some("https://github.com/mandate/mandate/blob/main/docs/codes.md"),
        },
        None => RuleMeta {
            id: id.to_string(),
            name: id.to_string(),
            short_description: Text {
                text: if id == super::diff::TEXT_CHANGE {
                    "a note, citation, unverified mark, source or review date that changes between two versions of the policies"
                } else {
                    "a decision that changes between two versions of the policies"
                }
                .into(),
            },
            full_description: None,
            default_configuration: Configuration { level: "note" },
            help_uri: None,
        },
    }
}

pub fn sarif(findings: &[Finding], stop: Option<&Stop>) -> String {
    let mut ids: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let results = findings
        .iter()
        .map(|f| SarifResult {
            rule_id: &f.rule,
            rule_index: ids.iter().position(|i| *i == f.rule).unwrap_or(0),
            level: f.level.sarif(),
            message: Text {
                text: f.message.clone(),
            },
            locations: f
                .file
                .as_deref()
                .map(|uri| Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri },
                        region: Region {
                            start_line: f.start.0,
                            start_column: f.start.1,
                            end_line: f.end.0.max(f.start.0),
                            end_column: f.end.1.max(1),
                        },
                    },
                })
                .into_iter()
                .collect(),
            properties: (!f.properties.is_empty()).then(|| {
                f.properties
                    .iter()
                    .map(|(k, v)| (k.to_string(), serde_json::Value::from(v.as_str())))
                    .collect()
            }),
        })
        .collect();
    let doc = Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "mandate",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/mandate/mandate",
                    rules: ids.iter().map(|i| rule_meta(i)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: stop.is_none(),
                tool_execution_notifications: stop
                    .map(|s| Notification {
                        level: "error",
                        message: Text {
                            text: match &s.help {
                                Some(h) => format!("{}\nhelp: {h}", s.message),
                                None => s.message.clone(),
                            },
                        },
                    })
                    .into_iter()
                    .collect(),
            }],
            results,
        }],
    };
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

/// Workflow commands, one a line: the findings, then the stop reason as
/// an `::error`, or else the run's summary as a `::notice`.
pub fn github(findings: &[Finding], stop: Option<&Stop>, summary: &str) -> String {
    let mut out = String::new();
    for f in findings {
        let message = &f.message;
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
            escape(message, false)
        ));
    }
    if let Some(s) = stop {
        let mut message = s.message.clone();
        if let Some(h) = &s.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        out.push_str(&format!(
            "::error title=mandate::{}\n",
            escape(&message, false)
        ));
    } else if !summary.is_empty() {
        out.push_str(&format!(
            "::notice title=mandate::{}\n",
            escape(summary, false)
        ));
    }
    out
}
