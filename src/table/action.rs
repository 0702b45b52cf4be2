//! What a decision says: the action and its deadlines. These are core
//! vocabulary, so the syntax, the checker and every output share them.

use serde::{Deserialize, Serialize};

/// The four actions, strongest first. Deliberately exhaustive: a caller
/// acts on the action, and a fifth one would change what every answer
/// means, so it would be a breaking change, not a silent addition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A mandated report.
    MustReport,
    /// A compelled disclosure, e.g. by a valid court order.
    MustDisclose,
    /// A permitted disclosure.
    MayDisclose,
    /// Confidential.
    MustNotDisclose,
}

impl Action {
    /// Every action, strongest first.
    pub const ALL: [Action; 4] = [
        Action::MustReport,
        Action::MustDisclose,
        Action::MayDisclose,
        Action::MustNotDisclose,
    ];

    /// The identifier as policies write it: `must_report`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::MustReport => "must_report",
            Action::MustDisclose => "must_disclose",
            Action::MayDisclose => "may_disclose",
            Action::MustNotDisclose => "must_not_disclose",
        }
    }

    /// The action named by its identifier.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A deadline, kept as its length in hours and as written (`2d` stays
/// `2d` in every output). Two deadlines are equal when their lengths are.
#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Duration {
    hours: u64,
    text: String,
}

/// The longest deadline, whatever its unit: about 100 years. One limit,
/// so `876000h`, `36500d` and `5214w` are all accepted and nothing longer.
pub const MAX_HOURS: u64 = 876_000;

impl Duration {
    /// `immediately`, or a number with `h`, `d` or `w`, at most
    /// `MAX_HOURS` long (about 100 years).
    pub fn parse(text: &str) -> Option<Duration> {
        let hours = if text == "immediately" {
            0
        } else {
            let (num, unit) = text.split_at(text.len().saturating_sub(1));
            let mult = match unit {
                "h" => 1u64,
                "d" => 24,
                "w" => 168,
                _ => return None,
            };
            if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            num.parse::<u64>().ok()?.checked_mul(mult)?
        };
        if hours > MAX_HOURS {
            return None;
        }
        Some(Duration {
            hours,
            text: text.to_string(),
        })
    }

    /// The length in hours; `immediately` is 0.
    pub fn hours(&self) -> u64 {
        self.hours
    }

    /// The deadline as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Duration {
    fn eq(&self, other: &Duration) -> bool {
        self.hours == other.hours
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl TryFrom<String> for Duration {
    type Error = String;
    fn try_from(s: String) -> Result<Duration, String> {
        Duration::parse(&s).ok_or_else(|| format!("`{s}` is not a duration"))
    }
}

impl From<Duration> for String {
    fn from(d: Duration) -> String {
        d.text
    }
}

/// The bit set of the first `n` values of an enum or bool column.
pub fn mask_of(n: usize) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}
