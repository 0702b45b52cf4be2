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
/// equals `1d`; `practicable` equals nothing but itself; `48h if
/// requested` equals neither `48h` nor anything else.
///
/// A deadline may hold only if the receiving agency asks for the report
/// (`48h if requested`: statutes that want a written report "if the
/// department requests it"). Combining deadlines can give both kinds at
/// once, `72h, 48h if requested`: the report is due within 72 hours in
/// any case, and within 48 if the agency asks.
#[derive(Debug, Clone, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Duration {
    /// What is due if the agency asks for the report; when `always` is the
    /// same, what is due in any case.
    deadline: Deadline,
    /// What is due whether or not the agency asks: `None` when nothing is
    /// due unless it asks. Never laxer than `deadline`'s duty would allow
    /// to hide: `deadline` is always the meet of the two.
    always: Option<Deadline>,
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

/// How a deadline that holds only if the agency asks ends: `48h if requested`.
pub const IF_REQUESTED: &str = " if requested";

impl Duration {
    /// `immediately`, `practicable`, or a number with `h`, `d` or `w`, at
    /// most `MAX_HOURS` long (about 100 years), or `practicable, at most D`
    /// with such a number (a rule's outer limit, as its checker builds it
    /// from two tokens, and what [`Duration::meet`] writes). Any of these
    /// may end in ` if requested`, and `A, E if requested` (what
    /// [`Duration::meet`] writes for a deadline `A` in any case and a
    /// stricter `E` if the agency asks) reads back too.
    pub fn parse(text: &str) -> Option<Duration> {
        let Some(asked) = text.strip_suffix(IF_REQUESTED) else {
            let d = base_deadline(text)?;
            return Some(Duration {
                deadline: d,
                always: Some(d),
                text: text.into(),
            });
        };
        let (always, deadline) = match split_pair(asked) {
            Some((a, _, e, _)) => {
                // Only the form `meet` writes: the deadline if asked is
                // strictly stricter than the one in any case.
                if a == e || meet_deadlines(a, e) != e {
                    return None;
                }
                (Some(a), e)
            }
            None => (None, base_deadline(asked)?),
        };
        Some(Duration {
            deadline,
            always,
            text: text.into(),
        })
    }

    /// What the deadline requires; for one that depends on the agency
    /// asking, what it requires if the agency asks (see
    /// [`Duration::unconditional`] for what it requires in any case).
    pub fn deadline(&self) -> Deadline {
        self.deadline
    }

    /// What the deadline requires whether or not the receiving agency asks
    /// for the report: `None` for `48h if requested`, which requires
    /// nothing unless it asks.
    pub fn unconditional(&self) -> Option<Deadline> {
        self.always
    }

    /// Whether some of the deadline holds only if the receiving agency
    /// asks for the report (`48h if requested`, `72h, 48h if requested`).
    pub fn if_requested(&self) -> bool {
        self.always != Some(self.deadline)
    }

    /// The fixed time allowed, in hours (`immediately` is 0), if the
    /// agency asks; `None` for `practicable`, which sets no fixed time.
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
    /// combined deadline; `None` for `practicable`. For a deadline that
    /// depends on the agency asking, the fixed time if it asks.
    pub fn fixed_text(&self) -> Option<&str> {
        let text = self.requested_text();
        match self.deadline {
            Deadline::Hours(_) => Some(text),
            Deadline::PracticableWithin(_) => text.strip_prefix(AT_MOST),
            Deadline::Practicable => None,
        }
    }

    /// The part that holds whether or not the agency asks, as a deadline
    /// of its own: `72h` of `72h, 48h if requested`, the whole of `24h`;
    /// `None` for `48h if requested`.
    pub fn unconditional_part(&self) -> Option<Duration> {
        let d = self.always?;
        if !self.if_requested() {
            return Some(self.clone());
        }
        let text = self.text.strip_suffix(IF_REQUESTED)?;
        let (_, a, _, _) = split_pair(text)?;
        Some(Duration {
            deadline: d,
            always: Some(d),
            text: a.into(),
        })
    }

    /// The part that holds only if the agency asks, as a deadline of its
    /// own: `48h` of `48h if requested` and of `72h, 48h if requested`;
    /// `None` for `24h`, which holds in any case.
    pub fn requested_part(&self) -> Option<Duration> {
        if !self.if_requested() {
            return None;
        }
        Some(Duration {
            deadline: self.deadline,
            always: Some(self.deadline),
            text: self.requested_text().into(),
        })
    }

    /// The text of what is due if the agency asks: all of a deadline that
    /// does not depend on it.
    fn requested_text(&self) -> &str {
        match self.text.strip_suffix(IF_REQUESTED) {
            None => &self.text,
            Some(asked) => split_pair(asked).map_or(asked, |(_, _, _, e)| e),
        }
    }

    /// The deadline written part by part: each part by `show`, the part
    /// that holds only on request followed by `asked`, the two joined by
    /// `and` (`72h, 48h if requested`; "within 72 hours, and within 48
    /// hours if the agency asks").
    pub fn show_parts(&self, show: impl Fn(&Duration) -> String, asked: &str, and: &str) -> String {
        let always = self.unconditional_part().map(|a| show(&a));
        let requested = self
            .requested_part()
            .map(|r| format!("{}{asked}", show(&r)));
        match (always, requested) {
            (Some(a), Some(r)) => format!("{a}{and}{r}"),
            (a, r) => a.or(r).unwrap_or_default(),
        }
    }

    /// The same deadline, due only if the receiving agency asks for the
    /// report: `48h if requested` for `48h`. `None` when some of it
    /// depends on a request already.
    pub fn on_request(&self) -> Option<Duration> {
        if self.if_requested() {
            return None;
        }
        Some(Duration {
            deadline: self.deadline,
            always: None,
            text: format!("{}{IF_REQUESTED}", self.text).into(),
        })
    }

    /// The one deadline that keeps both duties: the earlier of two fixed
    /// times; `immediately` over `practicable` (nothing is sooner than
    /// immediately, so it is never the laxer of the two); and for
    /// `practicable` against N hours, both: as soon as practicable and
    /// within N hours at the latest. Neither of those two is stricter in
    /// general (the circumstances may allow a report in one hour, or not
    /// for two days), so keeping either alone could hide the other duty.
    ///
    /// A deadline that holds only if the agency asks is met separately:
    /// what is due in any case is the meet of the unconditional parts, and
    /// what is due if the agency asks is the meet of everything. So `48h`
    /// beats `48h if requested` (it holds in any case and is as soon),
    /// two conditional deadlines keep the earlier and stay conditional,
    /// and `72h` with `48h if requested` keeps both: `72h, 48h if
    /// requested`, since neither alone says what is due.
    pub fn meet(&self, other: &Duration) -> Duration {
        if !self.if_requested() && !other.if_requested() {
            return meet_base(self, other);
        }
        let always = match (self.unconditional_part(), other.unconditional_part()) {
            (Some(a), Some(b)) => Some(meet_base(&a, &b)),
            (a, b) => a.or(b),
        };
        let asked = match (self.requested_part(), other.requested_part()) {
            (Some(a), Some(b)) => meet_base(&a, &b),
            (Some(r), None) | (None, Some(r)) => {
                let a = always.as_ref().expect("meet: one side holds in any case");
                meet_base(a, &r)
            }
            (None, None) => unreachable!("meet: one side depends on a request"),
        };
        match always {
            None => Duration {
                deadline: asked.deadline,
                always: None,
                text: format!("{}{IF_REQUESTED}", asked.text).into(),
            },
            Some(a) if a.deadline == asked.deadline => a,
            Some(a) => Duration {
                deadline: asked.deadline,
                always: Some(a.deadline),
                text: format!("{}, {}{IF_REQUESTED}", a.text, asked.text).into(),
            },
        }
    }

    /// `practicable, at most LIMIT`: as soon as practicable, and not later
    /// than `limit`, a fixed time longer than `immediately` (`None`
    /// otherwise: with `immediately` the limit is the whole deadline).
    pub fn practicable_at_most(limit: &Duration) -> Option<Duration> {
        match (limit.deadline, limit.if_requested()) {
            (Deadline::Hours(h), false) if h > 0 => Some(within_practicable(h, limit)),
            _ => None,
        }
    }
}

/// [`Duration::meet`] for two deadlines that do not depend on a request.
fn meet_base(x: &Duration, y: &Duration) -> Duration {
    use Deadline::{Hours, Practicable, PracticableWithin};
    match (x.deadline, y.deadline) {
        (Hours(a), Hours(b)) | (PracticableWithin(a), PracticableWithin(b)) => {
            if b < a {
                y.clone()
            } else {
                x.clone()
            }
        }
        (Practicable, Practicable) => x.clone(),
        (Hours(0), _) => x.clone(),
        (_, Hours(0)) => y.clone(),
        (Practicable, PracticableWithin(_)) => y.clone(),
        (PracticableWithin(_), Practicable) => x.clone(),
        (Practicable, Hours(h)) => within_practicable(h, y),
        (Hours(h), Practicable) => within_practicable(h, x),
        (PracticableWithin(p), Hours(h)) if p <= h => x.clone(),
        (Hours(h), PracticableWithin(p)) if p <= h => y.clone(),
        (PracticableWithin(_), Hours(h)) => within_practicable(h, y),
        (Hours(h), PracticableWithin(_)) => within_practicable(h, x),
    }
}

/// What [`meet_base`] requires, without the texts.
fn meet_deadlines(a: Deadline, b: Deadline) -> Deadline {
    let typed = |d: Deadline| Duration {
        deadline: d,
        always: Some(d),
        text: "".into(),
    };
    meet_base(&typed(a), &typed(b)).deadline
}

/// `practicable, at most D` for a fixed deadline `d` of `h` > 0 hours.
fn within_practicable(h: u64, d: &Duration) -> Duration {
    let deadline = Deadline::PracticableWithin(h);
    Duration {
        deadline,
        always: Some(deadline),
        text: format!("{AT_MOST}{}", d.text).into(),
    }
}

/// `immediately`, `practicable`, a number with a unit, or `practicable,
/// at most` such a number (not `immediately`).
fn base_deadline(text: &str) -> Option<Deadline> {
    if text == PRACTICABLE {
        Some(Deadline::Practicable)
    } else if let Some(fixed) = text.strip_prefix(AT_MOST) {
        match fixed_hours(fixed)? {
            0 => None,
            h => Some(Deadline::PracticableWithin(h)),
        }
    } else {
        fixed_hours(text).map(Deadline::Hours)
    }
}

/// `A, E` as two deadlines and their texts. A deadline's own comma (in
/// `practicable, at most 2d`) leaves a part that is no deadline, so at
/// most one split reads as two.
fn split_pair(text: &str) -> Option<(Deadline, &str, Deadline, &str)> {
    text.match_indices(", ").find_map(|(i, sep)| {
        let (a, e) = (&text[..i], &text[i + sep.len()..]);
        Some((base_deadline(a)?, a, base_deadline(e)?, e))
    })
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
        self.deadline == other.deadline && self.always == other.always
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

/// As written: `"24h"`, `"practicable, at most 2d"`, `"48h if requested"`.
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

    /// `a` and `b` met, in either order (the same), as it reads back.
    fn meet(a: &str, b: &str) -> String {
        let (x, y) = (d(a).meet(&d(b)), d(b).meet(&d(a)));
        assert_eq!(x, y, "{a} and {b}: the order does not matter");
        assert_eq!(d(x.as_str()), x, "{x} reads back");
        x.as_str().to_string()
    }

    #[test]
    fn meeting_deadlines_never_drops_a_duty() {
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
    fn a_deadline_may_hold_only_if_the_agency_asks() {
        let asked = d("48h if requested");
        assert_eq!(asked.deadline(), Deadline::Hours(48));
        assert_eq!(asked.unconditional(), None);
        assert!(asked.if_requested() && !d("48h").if_requested());
        assert_eq!(asked, d("2d if requested"));
        assert_ne!(asked, d("48h"), "a conditional duty is not the duty");
        assert_eq!(d("48h").on_request(), Some(asked.clone()));
        assert_eq!(asked.on_request(), None);
        assert_eq!(asked.requested_part(), Some(d("48h")));
        assert_eq!(asked.unconditional_part(), None);
        assert_eq!(asked.fixed_text(), Some("48h"));
        let limited = d("practicable, at most 2d if requested");
        assert_eq!(limited.deadline(), Deadline::PracticableWithin(48));
        assert_eq!(limited.fixed_text(), Some("2d"));
        let both = d("72h, 48h if requested");
        assert_eq!(both.unconditional_part(), Some(d("72h")));
        assert_eq!(
            both.requested_part().map(|p| p.to_string()),
            Some("48h".into())
        );
        // Only the form `meet` writes reads back as a pair.
        assert!(Duration::parse("48h, 72h if requested").is_none());
        assert!(Duration::parse("48h, 2d if requested").is_none());
        assert!(Duration::parse("48h if requested if requested").is_none());
        assert!(Duration::parse("if requested").is_none());
        assert!(Duration::parse("48h, if requested").is_none());
        assert!(Duration::practicable_at_most(&asked).is_none());
    }

    #[test]
    fn a_duty_in_any_case_is_never_hidden_by_one_on_request() {
        assert_eq!(meet("48h", "48h if requested"), "48h");
        assert_eq!(meet("24h", "48h if requested"), "24h");
        assert_eq!(
            meet("immediately", "practicable if requested"),
            "immediately"
        );
        assert_eq!(
            meet("24h if requested", "48h if requested"),
            "24h if requested"
        );
        assert_eq!(
            meet("practicable if requested", "48h if requested"),
            "practicable, at most 48h if requested"
        );
        assert_eq!(meet("72h", "48h if requested"), "72h, 48h if requested");
        assert_eq!(
            meet("72h, 48h if requested", "60h"),
            "60h, 48h if requested"
        );
        assert_eq!(
            meet("72h, 48h if requested", "24h if requested"),
            "72h, 24h if requested"
        );
        assert_eq!(meet("72h, 48h if requested", "36h"), "36h");
        assert_eq!(
            meet("practicable", "48h if requested"),
            "practicable, practicable, at most 48h if requested"
        );
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
