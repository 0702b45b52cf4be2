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
    /// Deadline of the written follow-up; it may hold only if the
    /// receiving agency asks for it (`48h if requested`, see
    /// [`Duration::if_requested`]).
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
    /// The rule's texts this answer was made from, with their JSON.
    #[serde(skip)]
    pub(crate) rule_texts: SharedTexts,
}

impl Answer {
    /// The JSON of the fields from `summary` to `source` (without braces),
    /// written once per rule, when they are still the rule's: the server
    /// copies it instead of writing those fields again for every answer.
    /// `None` when a field was changed after the answer was made.
    pub(crate) fn rule_json(&self) -> Option<&str> {
        let t = self.rule_texts.0.as_deref()?;
        let same = Arc::ptr_eq(&self.summary, &t.summary)
            && Arc::ptr_eq(&self.to, &t.to)
            && Arc::ptr_eq(&self.citations, &t.citations)
            && Arc::ptr_eq(&self.rule, &t.rule)
            && Arc::ptr_eq(&self.notes, &t.notes)
            && Arc::ptr_eq(&self.source, &t.source)
            && match (&self.unverified, &t.unverified) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
            && (self.action, self.any_of) == (t.action, t.any_of)
            && same_text(&self.within, &t.within)
            && same_text(&self.written_within, &t.written_within);
        same.then_some(&*t.json).filter(|j| !j.is_empty())
    }
}

/// Deadlines written alike (`24h` and `1d` are equal deadlines, not equal
/// texts).
fn same_text(a: &Option<Duration>, b: &Option<Duration>) -> bool {
    a.as_ref().map(Duration::as_str) == b.as_ref().map(Duration::as_str)
}

/// What every answer decided by one rule says alike, shared (`Arc`) by
/// those answers, and its JSON.
#[derive(Debug)]
pub(crate) struct RuleTexts {
    pub(crate) summary: Arc<str>,
    pub(crate) action: Action,
    pub(crate) to: Arc<[String]>,
    pub(crate) any_of: bool,
    pub(crate) within: Option<Duration>,
    pub(crate) written_within: Option<Duration>,
    pub(crate) citations: Arc<[String]>,
    pub(crate) rule: Arc<str>,
    pub(crate) notes: Arc<[String]>,
    pub(crate) unverified: Option<Arc<str>>,
    pub(crate) source: Arc<str>,
    json: Box<str>,
}

impl RuleTexts {
    /// `summary` and `source` are the outcome's sentence and `file:line`.
    pub(crate) fn new(o: &Outcome, summary: String, source: String) -> RuleTexts {
        // The same fields, names and order as `Answer`'s: the tests
        // compare the server's answers with serde_json's, byte for byte.
        #[derive(Serialize)]
        struct Fields<'a> {
            summary: &'a str,
            action: Action,
            to: &'a [String],
            any_of: bool,
            within: &'a Option<Duration>,
            written_within: &'a Option<Duration>,
            citations: &'a [String],
            rule: &'a str,
            notes: &'a [String],
            unverified: Option<&'a str>,
            source: &'a str,
        }
        let json = serde_json::to_string(&Fields {
            summary: &summary,
            action: o.action,
            to: &o.to,
            any_of: o.any_of,
            within: &o.within,
            written_within: &o.written_within,
            citations: &o.citations,
            rule: &o.rule,
            notes: &o.notes,
            unverified: o.unverified.as_deref(),
            source: &source,
        })
        .unwrap_or_default();
        let inner = json
            .strip_prefix('{')
            .and_then(|j| j.strip_suffix('}'))
            .unwrap_or_default();
        RuleTexts {
            summary: summary.into(),
            action: o.action,
            to: o.to.as_slice().into(),
            any_of: o.any_of,
            within: o.within.clone(),
            written_within: o.written_within.clone(),
            citations: o.citations.as_slice().into(),
            rule: o.rule.as_str().into(),
            notes: o.notes.as_slice().into(),
            unverified: o.unverified.as_deref().map(Arc::from),
            source: source.into(),
            json: inner.into(),
        }
    }
}

/// The link from an answer to its rule's texts. It is how the answer was
/// made, not what it says: two answers that say the same are equal.
#[derive(Clone, Default)]
pub(crate) struct SharedTexts(pub(crate) Option<Arc<RuleTexts>>);

impl PartialEq for SharedTexts {
    fn eq(&self, _: &SharedTexts) -> bool {
        true
    }
}

impl Eq for SharedTexts {}

impl std::fmt::Debug for SharedTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
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
