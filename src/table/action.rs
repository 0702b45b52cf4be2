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

/// What a deadline requires, in a form every output and analysis can
/// match on (the text is never re-read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Deadline {
    /// A fixed time, in hours; 0 is `immediately`.
    Hours(u64),
    /// `practicable`: "as soon as practicable" or "promptly", the statute's
    /// words for a report made as soon as the circumstances allow, with no
    /// fixed time.
    Practicable,
    /// As soon as practicable, and within this many hours (more than 0) at
    /// the latest: `practicable, at most 24h`, as a statute with an outer
    /// limit says it, and what a `practicable` deadline and a fixed one
    /// require together when answers are combined.
    PracticableWithin(u64),
}

/// A deadline, kept typed and as written (`2d` stays `2d` in every
/// output). Two deadlines are equal when they require the same: `24h`
/// equals `1d`; `practicable` equals nothing but itself.
#[derive(Debug, Clone, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Duration {
    deadline: Deadline,
    /// Shared, so that copying a deadline into every answer allocates
    /// nothing.
    text: std::sync::Arc<str>,
}

/// The longest deadline, whatever its unit: about 100 years. One limit,
/// so `876000h`, `36500d` and `5214w` are all accepted and nothing longer.
pub const MAX_HOURS: u64 = 876_000;

/// The word for "as soon as practicable".
pub const PRACTICABLE: &str = "practicable";

/// How a deadline with an outer limit is written: `practicable, at most 24h`.
const AT_MOST: &str = "practicable, at most ";

impl Duration {
    /// `immediately`, `practicable`, or a number with `h`, `d` or `w`, at
    /// most `MAX_HOURS` long (about 100 years), or `practicable, at most D`
    /// with such a number (a rule's outer limit, as its checker builds it
    /// from two tokens, and what [`Duration::meet`] writes).
    pub fn parse(text: &str) -> Option<Duration> {
        let deadline = if text == PRACTICABLE {
            Deadline::Practicable
        } else if let Some(fixed) = text.strip_prefix(AT_MOST) {
            match fixed_hours(fixed)? {
                0 => return None,
                h => Deadline::PracticableWithin(h),
            }
        } else {
            Deadline::Hours(fixed_hours(text)?)
        };
        Some(Duration {
            deadline,
            text: text.into(),
        })
    }

    /// What the deadline requires.
    pub fn deadline(&self) -> Deadline {
        self.deadline
    }

    /// The fixed time allowed, in hours (`immediately` is 0); `None` for
    /// `practicable`, which sets no fixed time.
    pub fn hours(&self) -> Option<u64> {
        match self.deadline {
            Deadline::Hours(h) | Deadline::PracticableWithin(h) => Some(h),
            Deadline::Practicable => None,
        }
    }

    /// Whether "as soon as practicable" is (part of) the deadline.
    pub fn is_practicable(&self) -> bool {
        !matches!(self.deadline, Deadline::Hours(_))
    }

    /// The deadline as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The fixed time as written (`immediately`, `2d`), also within a
    /// combined deadline; `None` for `practicable`.
    pub fn fixed_text(&self) -> Option<&str> {
        match self.deadline {
            Deadline::Hours(_) => Some(&self.text),
            Deadline::PracticableWithin(_) => self.text.strip_prefix(AT_MOST),
            Deadline::Practicable => None,
        }
    }

    /// The one deadline that keeps both duties: the earlier of two fixed
    /// times; `immediately` over `practicable` (nothing is sooner than
    /// immediately, so it is never the laxer of the two); and for
    /// `practicable` against N hours, both: as soon as practicable and
    /// within N hours at the latest. Neither of those two is stricter in
    /// general (the circumstances may allow a report in one hour, or not
    /// for two days), so keeping either alone could hide the other duty.
    pub fn meet(&self, other: &Duration) -> Duration {
        use Deadline::{Hours, Practicable, PracticableWithin};
        match (self.deadline, other.deadline) {
            (Hours(a), Hours(b)) | (PracticableWithin(a), PracticableWithin(b)) => {
                if b < a {
                    other.clone()
                } else {
                    self.clone()
                }
            }
            (Practicable, Practicable) => self.clone(),
            (Hours(0), _) => self.clone(),
            (_, Hours(0)) => other.clone(),
            (Practicable, PracticableWithin(_)) => other.clone(),
            (PracticableWithin(_), Practicable) => self.clone(),
            (Practicable, Hours(h)) => within_practicable(h, other),
            (Hours(h), Practicable) => within_practicable(h, self),
            (PracticableWithin(p), Hours(h)) if p <= h => self.clone(),
            (Hours(h), PracticableWithin(p)) if p <= h => other.clone(),
            (PracticableWithin(_), Hours(h)) => within_practicable(h, other),
            (Hours(h), PracticableWithin(_)) => within_practicable(h, self),
        }
    }
}

impl Duration {
    /// `practicable, at most LIMIT`: as soon as practicable, and not later
    /// than `limit`, a fixed time longer than `immediately` (`None`
    /// otherwise: with `immediately` the limit is the whole deadline).
    pub fn practicable_at_most(limit: &Duration) -> Option<Duration> {
        match limit.deadline {
            Deadline::Hours(h) if h > 0 => Some(within_practicable(h, limit)),
            _ => None,
        }
    }
}

/// `practicable, at most D` for a fixed deadline `d` of `h` > 0 hours.
fn within_practicable(h: u64, d: &Duration) -> Duration {
    Duration {
        deadline: Deadline::PracticableWithin(h),
        text: format!("{AT_MOST}{}", d.text).into(),
    }
}

/// The hours of `immediately` or a number with a unit.
fn fixed_hours(text: &str) -> Option<u64> {
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
    (hours <= MAX_HOURS).then_some(hours)
}

impl PartialEq for Duration {
    fn eq(&self, other: &Duration) -> bool {
        self.deadline == other.deadline
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
        d.text.to_string()
    }
}

/// As written: `"24h"`, `"practicable, at most 2d"`.
impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Duration {
        Duration::parse(s).expect("a duration")
    }

    #[test]
    fn deadlines_are_typed_and_compare_by_what_they_require() {
        assert_eq!(d("immediately").deadline(), Deadline::Hours(0));
        assert_eq!(d("practicable").deadline(), Deadline::Practicable);
        assert_eq!(d("24h"), d("1d"));
        assert_ne!(d("practicable"), d("immediately"));
        assert_eq!(d("practicable").hours(), None);
        assert_eq!(
            d("practicable, at most 2d").deadline(),
            Deadline::PracticableWithin(48)
        );
        assert!(Duration::parse("practicable, at most immediately").is_none());
        assert!(Duration::parse("Practicable").is_none());
        assert!(Duration::parse("asap").is_none());
    }

    #[test]
    fn meeting_deadlines_never_drops_a_duty() {
        let meet = |a: &str, b: &str| {
            let (x, y) = (d(a).meet(&d(b)), d(b).meet(&d(a)));
            assert_eq!(x, y, "{a} and {b}: the order does not matter");
            x.as_str().to_string()
        };
        assert_eq!(meet("24h", "36h"), "24h");
        assert_eq!(meet("practicable", "immediately"), "immediately");
        assert_eq!(meet("practicable", "practicable"), "practicable");
        assert_eq!(meet("practicable", "2d"), "practicable, at most 2d");
        assert_eq!(
            meet("practicable, at most 2d", "24h"),
            "practicable, at most 24h"
        );
        assert_eq!(
            meet("practicable, at most 24h", "2d"),
            "practicable, at most 24h"
        );
        assert_eq!(
            meet("practicable, at most 24h", "practicable"),
            "practicable, at most 24h"
        );
        assert_eq!(
            meet("practicable, at most 24h", "immediately"),
            "immediately"
        );
        assert_eq!(d("practicable, at most 24h").hours(), Some(24));
    }

    #[test]
    fn only_a_fixed_time_is_an_outer_limit() {
        let limited = Duration::practicable_at_most(&d("2d")).expect("a limit");
        assert_eq!(limited, d("practicable, at most 48h"));
        assert_eq!(limited.as_str(), "practicable, at most 2d");
        assert_eq!(limited.fixed_text(), Some("2d"));
        assert!(Duration::practicable_at_most(&d("immediately")).is_none());
        assert!(Duration::practicable_at_most(&d("practicable")).is_none());
    }
}
