//! What a decision returns: one model behind the text, the JSON, and every
//! other front end.

use super::facts::FactsError;
use crate::table::{Action, Duration, Outcome, Trace};
use serde::Serialize;
use std::sync::Arc;

/// The one sentence every output carries.
pub const DISCLAIMER: &str = "mandate informs; it is not legal advice. Check the cited law and consult counsel or your licensing board before acting.";

/// The answer for one jurisdiction: what to do, to whom, by when, under
/// which law, and on which facts. `decide --format json` prints exactly
/// this.
///
/// The texts that come from the rule (its sentence, recipients, citations,
/// notes) are shared with the loaded tables (`Arc`), so a busy server
/// copies none of them per answer; they read as `&str` and `&[String]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The jurisdiction's code, e.g. `CA`.
    pub jurisdiction: Arc<str>,
    /// Its name, e.g. `California`.
    pub name: Arc<str>,
    /// The answer in one plain sentence: "You must report this to child
    /// protective services and law enforcement: immediately, and in
    /// writing within 36 hours."
    pub summary: Arc<str>,
    /// What the law says to do.
    pub action: Action,
    /// Recipients, as schema names.
    pub to: Arc<[String]>,
    /// Whether any one recipient suffices (`true`) or every one is
    /// required (`false`).
    pub any_of: bool,
    /// Deadline of the first report.
    pub within: Option<Duration>,
    /// Deadline of the written follow-up.
    pub written_within: Option<Duration>,
    /// The statutes and regulations the deciding rule encodes.
    pub citations: Arc<[String]>,
    /// The deciding rule, e.g. `CA.child_abuse`, or `US.default`.
    pub rule: Arc<str>,
    /// Guidance attached to the rule.
    pub notes: Arc<[String]>,
    /// Why the rule's source is uncertain, when it is.
    pub unverified: Option<Arc<str>>,
    /// Where the rule is written: `policies/states/ca.policy:67`.
    pub source: Arc<str>,
    /// Which corpus answered.
    pub corpus: CorpusId,
    /// The facts that were given, in schema order.
    pub facts: Vec<FactValue>,
    /// The defaults the answer rests on although nobody gave them.
    pub assumed: Vec<Assumption>,
    /// The date of the events the answer is for (`as_of`, `YYYY-MM-DD`):
    /// given, or today.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The first day the deciding rule is in force (its `effective`
    /// date); absent when the rule has no start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force_since: Option<String>,
    /// The last day the deciding rule is in force (its `until` date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force_until: Option<String>,
    /// A different rule that decides these facts within 90 days after
    /// `as_of`, and from when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upcoming: Option<Upcoming>,
    /// Why this rule decided; present when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Trace>,
    /// mandate informs; it is not legal advice.
    pub disclaimer: &'static str,
}

/// A corpus as outputs name it: where it came from (`built-in, mandate
/// 0.1.0`, a path, `tables file`) and the content hash of its tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorpusId {
    /// `built-in, mandate VERSION`, the path given, `tables file`, or
    /// `signed tables file` when its signature was verified.
    pub origin: Arc<str>,
    /// `sha256:…` of the compiled tables.
    pub hash: Arc<str>,
}

/// The rule that takes over on a later day, for the same facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upcoming {
    /// The first day it decides (`YYYY-MM-DD`).
    pub from: String,
    /// The rule, e.g. `FL.duty_to_warn`.
    pub rule: String,
    /// What it decides, in one sentence.
    pub summary: String,
    /// Its action.
    pub action: Action,
    /// Its recipients.
    pub to: Vec<String>,
}

/// How far ahead an answer looks for a rule that takes over.
pub const UPCOMING_DAYS: i64 = 90;

/// A fact and its value, as the schema names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactValue {
    /// The fact's name.
    pub fact: String,
    /// Its value as written in policies: `true`, `10`, `child_abuse`.
    pub value: String,
}

/// A default the answer rests on, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assumption {
    /// The fact's name.
    pub fact: String,
    /// The default value, as written in policies.
    pub value: String,
    /// What that means: "A serious threat of physical violence was
    /// communicated: no".
    pub meaning: String,
}

/// A decision on the hot path: it borrows the outcome from the tables and
/// allocates nothing. [`crate::Policies::answer`] turns it into an
/// [`Answer`] when a caller wants one.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'p> {
    pub(crate) outcome: &'p Outcome,
    pub(crate) jurisdiction: usize,
    pub(crate) row: usize,
    pub(crate) index: usize,
}

impl<'p> Decision<'p> {
    /// What the law says to do.
    pub fn action(&self) -> Action {
        self.outcome.action
    }
    /// Recipients, as schema names.
    pub fn to(&self) -> &'p [String] {
        &self.outcome.to
    }
    /// The deciding rule.
    pub fn rule(&self) -> &'p str {
        &self.outcome.rule
    }
    /// The citations of the deciding rule.
    pub fn citations(&self) -> &'p [String] {
        &self.outcome.citations
    }
    /// Deadline of the first report.
    pub fn within(&self) -> Option<&'p Duration> {
        self.outcome.within.as_ref()
    }
    /// Deadline of the written follow-up.
    pub fn written_within(&self) -> Option<&'p Duration> {
        self.outcome.written_within.as_ref()
    }
}

/// Why no answer could be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecideError {
    /// No jurisdiction has this code or name.
    #[error("unknown jurisdiction `{given}`{}", hint(.suggestion))]
    UnknownJurisdiction {
        /// What was asked for.
        given: String,
        /// The nearest code or name.
        suggestion: Option<String>,
    },
    /// The facts do not fit the schema.
    #[error(transparent)]
    Facts(#[from] FactsError),
    /// A rule that could decide tests facts that were not given and have
    /// no default: the answer depends on them.
    #[error("the decision needs {}, which {} not given and {} no default (needed by {})",
        list(.facts), if .facts.len() == 1 { "was" } else { "were" },
        if .facts.len() == 1 { "has" } else { "have" }, list(.rules))]
    Needs {
        /// The facts to give.
        facts: Vec<String>,
        /// The rules that test them.
        rules: Vec<String>,
    },
    /// The tables could not be read (a damaged built-in copy).
    #[error("the compiled tables of `{jurisdiction}` cannot be read: {reason}")]
    Corrupt {
        /// The jurisdiction.
        jurisdiction: String,
        /// What went wrong.
        reason: String,
    },
}

impl DecideError {
    /// How to fix it, in one line.
    pub fn help(&self) -> &'static str {
        match self {
            DecideError::UnknownJurisdiction { .. } => {
                "use a postal code (CA) or a name (California); `mandate jurisdictions` lists them"
            }
            DecideError::Facts(_) => {
                "write facts as name=value; `mandate schema` lists every fact and its values"
            }
            DecideError::Needs { .. } => "give the missing facts",
            DecideError::Corrupt { .. } => "rebuild mandate, or load the policies from files",
        }
    }
}

impl miette::Diagnostic for DecideError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let code = match self {
            DecideError::UnknownJurisdiction { .. } => "mandate::unknown_jurisdiction",
            DecideError::Facts(_) => "mandate::bad_facts",
            DecideError::Needs { .. } => "mandate::needs_facts",
            DecideError::Corrupt { .. } => "mandate::corrupt_tables",
        };
        Some(Box::new(code))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(DecideError::help(self)))
    }
}

fn hint(s: &Option<String>) -> String {
    s.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
