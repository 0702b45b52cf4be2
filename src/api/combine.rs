//! Several jurisdictions at once (telehealth: the client's state and the
//! clinician's): each answer, and one combined answer that keeps the
//! strictest duty of each kind and says where the states disagree.

use super::answer::Answer;
use super::words;
use crate::table::{Action, Duration};
use serde::Serialize;
use std::sync::Arc;

/// The answers of several jurisdictions and what they mean together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Combined {
    /// One answer per jurisdiction, in the order asked.
    pub answers: Vec<Answer>,
    /// The strongest action, every recipient, the earliest deadlines, all
    /// citations, and the disagreements.
    pub combined: Merged,
}

/// The merged answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merged {
    /// The jurisdictions merged, e.g. `["CA", "NY"]`.
    pub jurisdictions: Vec<Arc<str>>,
    /// In one sentence, or the disagreement when there is one.
    pub summary: Arc<str>,
    /// The strongest action of any jurisdiction.
    pub action: Action,
    /// Every recipient any jurisdiction with that action names.
    pub to: Arc<[String]>,
    /// Any one recipient suffices: only when every jurisdiction with that
    /// action says so.
    pub any_of: bool,
    /// The earliest first-report deadline. `practicable` and a fixed
    /// time together keep both: `practicable, at most 24h`.
    pub within: Option<Duration>,
    /// The earliest written deadline, combined the same way. One due
    /// only if the agency asks never hides one due in any case: `48h`
    /// and `48h if requested` keep `48h`, and `72h` with `48h if
    /// requested` keeps both, `72h, 48h if requested`.
    pub written_within: Option<Duration>,
    /// Every citation, jurisdiction by jurisdiction.
    pub citations: Vec<String>,
    /// Plain statements of where one jurisdiction forbids what another
    /// requires or permits. Empty when they agree.
    pub conflicts: Vec<String>,
}

/// The deadline that keeps every one of `ds`: see [`Duration::meet`].
fn earliest(ds: impl Iterator<Item = Option<Duration>>) -> Option<Duration> {
    ds.flatten().reduce(|a, b| a.meet(&b))
}

/// Merge answers; `answers` is not empty.
pub(crate) fn merge(answers: Vec<Answer>) -> Combined {
    let action = answers
        .iter()
        .map(|a| a.action)
        .min()
        .unwrap_or(Action::MustNotDisclose);
    let acting: Vec<&Answer> = answers.iter().filter(|a| a.action == action).collect();
    let to: Arc<[String]> = match acting.as_slice() {
        [one] => one.to.clone(),
        _ => {
            let mut to: Vec<String> = Vec::new();
            for r in acting.iter().flat_map(|a| a.to.iter()) {
                if !to.contains(r) {
                    to.push(r.clone());
                }
            }
            to.into()
        }
    };
    let any_of = acting.iter().all(|a| a.any_of);
    let within = earliest(acting.iter().map(|a| a.within.clone()));
    let written_within = earliest(acting.iter().map(|a| a.written_within.clone()));
    let citations = answers
        .iter()
        .flat_map(|a| {
            a.citations
                .iter()
                .map(move |c| [&*a.jurisdiction, ": ", c].concat())
        })
        .collect();
    let forbid: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.action == Action::MustNotDisclose)
        .collect();
    let mut conflicts = Vec::new();
    for other in answers
        .iter()
        .filter(|a| a.action != Action::MustNotDisclose)
    {
        for f in &forbid {
            let verb = match other.action {
                Action::MustReport => "requires a report",
                Action::MustDisclose => "requires disclosure",
                _ => "permits disclosure",
            };
            conflicts.push(format!(
                "{} ({}) {verb} ({}), but {} ({}) forbids disclosure ({}). Do not merge these: follow the stricter confidentiality rule unless the other state's duty applies to you, and get legal advice.",
                other.name, other.jurisdiction, other.rule, f.name, f.jurisdiction, f.rule
            ));
        }
    }
    let codes: Vec<Arc<str>> = answers.iter().map(|a| a.jurisdiction.clone()).collect();
    let summary = if !conflicts.is_empty() {
        format!(
            "The jurisdictions disagree: {}.",
            answers
                .iter()
                .map(|a| format!("{} says {}", a.jurisdiction, a.action))
                .collect::<Vec<_>>()
                .join("; ")
        )
        .into()
    } else if let [one] = acting.as_slice() {
        // One jurisdiction acts: the merged duty is its duty, in its words.
        one.summary.clone()
    } else {
        words::sentence(
            action,
            &to,
            any_of,
            within.as_ref(),
            written_within.as_ref(),
        )
        .into()
    };
    Combined {
        combined: Merged {
            jurisdictions: codes,
            summary,
            action,
            to,
            any_of,
            within,
            written_within,
            citations,
            conflicts,
        },
        answers,
    }
}
