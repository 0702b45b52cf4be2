//! The checked program: names resolved to indices, literals typed and
//! encoded, conditions normalised to atoms over column sets. Everything
//! downstream (compiler, interpreter, linters) works on this, never on
//! raw syntax.

use crate::source::Span;
use crate::syntax::ast::Action;
use crate::table::{mask_of, Set};

#[derive(Debug, Clone)]
pub struct Program {
    pub schema: Schema,
    /// Sorted by code, so every output that walks them is deterministic.
    pub jurisdictions: Vec<JurisdictionDef>,
}

#[derive(Debug, Clone)]
pub struct Schema {
    pub enums: Vec<EnumDef>,
    pub facts: Vec<FactDef>,
    /// Index of `enum Recipient` in `enums`.
    pub recipient: usize,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub variants: Vec<VariantDef>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct VariantDef {
    pub name: String,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct FactDef {
    pub name: String,
    pub ty: FactType,
    /// Encoded like every fact value: bool 0/1, enum variant index, int.
    pub default: Option<i64>,
    /// `= today`: a date fact whose default is the day of the decision.
    pub default_today: bool,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactType {
    Bool,
    Int {
        lo: i64,
        hi: i64,
    },
    /// Days since 1970-01-01, inclusive bounds.
    Date {
        lo: i64,
        hi: i64,
    },
    Enum(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// Days since 0000-03-01, enough to compare ages of reviews.
    pub fn ordinal(&self) -> i64 {
        let (y, m) = if self.month <= 2 {
            (self.year as i64 - 1, self.month as i64 + 9)
        } else {
            (self.year as i64, self.month as i64 - 3)
        };
        365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + self.day as i64 - 1
    }
    /// Days since 1970-01-01, the encoding of a `date` fact.
    pub fn days(&self) -> i64 {
        self.ordinal() - 719_468
    }
}

#[derive(Debug, Clone)]
pub struct JurisdictionDef {
    pub code: String,
    pub name: String,
    pub parent: Option<usize>,
    pub reviewed: Option<(Date, Span)>,
    pub sources: Vec<String>,
    /// Its own defaults: one undated, or dated ones whose ranges do not
    /// overlap. A day none of them covers falls to the parent's.
    pub defaults: Vec<DefaultDef>,
    pub rules: Vec<RuleDef>,
    pub tests: Vec<TestDef>,
    /// Suppressed warning codes with their reasons, file-wide.
    pub allows: Vec<(String, String, Span)>,
    pub span: Span,
    pub code_span: Span,
}

#[derive(Debug, Clone)]
pub struct DefaultDef {
    pub action: Action,
    pub cites: Vec<String>,
    /// First and last day in force (days since 1970-01-01), as written.
    pub effective: Option<(i64, Span)>,
    pub until: Option<(i64, Span)>,
    /// The days it applies on, both included, within the range of
    /// `as_of`; `None` when it has no dates (every day).
    pub days: Option<(i64, i64)>,
    pub span: Span,
}

/// The first run of days in `lo..=hi` that none of `ranges` covers (each
/// `None` meaning every day), or `None` when they cover it all.
pub fn first_gap(
    given: impl IntoIterator<Item = Option<(i64, i64)>>,
    lo: i64,
    hi: i64,
) -> Option<(i64, i64)> {
    let mut ranges: Vec<(i64, i64)> = Vec::new();
    for r in given {
        match r {
            None => return None,
            Some(r) => ranges.push(r),
        }
    }
    ranges.sort_unstable();
    let mut next = lo;
    for (a, b) in ranges {
        if a > next {
            return Some((next, (a - 1).min(hi)));
        }
        if b >= hi {
            return None;
        }
        next = next.max(b + 1);
    }
    (next <= hi).then_some((next, hi))
}

/// The first day two date ranges (`None`: every day of `lo..=hi`) share.
pub fn first_shared_day(
    a: Option<(i64, i64)>,
    b: Option<(i64, i64)>,
    lo: i64,
    hi: i64,
) -> Option<i64> {
    let (a0, a1) = a.unwrap_or((lo, hi));
    let (b0, b1) = b.unwrap_or((lo, hi));
    let (from, to) = (a0.max(b0), a1.min(b1));
    (from <= to).then_some(from)
}

pub use crate::table::Duration;

/// What a rule decides; two rules "decide differently" when these differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub action: Action,
    /// Recipient variant indices, sorted and without duplicates.
    pub to: Vec<usize>,
    /// Any one recipient suffices (`to any of [...]`).
    pub any_of: bool,
    pub within: Option<Duration>,
    pub written: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct RuleDef {
    pub name: String,
    /// The condition under which the rule decides: `when`, and the date
    /// range as a condition on `as_of` when the rule has one.
    pub cond: Cond,
    /// `when` alone, without the date range.
    pub when: Cond,
    pub decision: Decision,
    pub notes: Vec<String>,
    pub cites: Vec<String>,
    /// Resolved targets: (jurisdiction index, rule index).
    pub overrides: Vec<(usize, usize)>,
    pub unverified: Option<String>,
    pub allows: Vec<(String, String, Span)>,
    /// First and last day in force (days since 1970-01-01), as written.
    pub effective: Option<(i64, Span)>,
    pub until: Option<(i64, Span)>,
    /// The condition as written, for explanations.
    pub when_text: String,
    pub span: Span,
    pub name_span: Span,
}

/// A condition over facts; atoms say "fact's value is in this set".
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Atom(usize, Set),
}

impl Cond {
    /// Evaluate on complete facts (every value known).
    pub fn eval(&self, facts: &[i64]) -> bool {
        match self {
            Cond::All(cs) => cs.iter().all(|c| c.eval(facts)),
            Cond::Any(cs) => cs.iter().any(|c| c.eval(facts)),
            Cond::Not(c) => !c.eval(facts),
            Cond::Atom(f, set) => set.contains(facts[*f]),
        }
    }
    /// Facts the condition reads.
    pub fn facts(&self, out: &mut Vec<usize>) {
        match self {
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.facts(out)),
            Cond::Not(c) => c.facts(out),
            Cond::Atom(f, _) => out.push(*f),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TestDef {
    pub name: String,
    pub given: Vec<(usize, i64)>,
    pub expect: ExpectDef,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ExpectDef {
    pub action: Action,
    pub to: Option<Vec<usize>>,
    pub any_of: bool,
    pub within: Option<Duration>,
    pub written: Option<Duration>,
    pub by: Option<ByDef>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ByDef {
    Default,
    /// Fully qualified: `CA.child_abuse`.
    Rule(String),
}

impl Schema {
    pub fn fact_index(&self, name: &str) -> Option<usize> {
        self.facts.iter().position(|f| f.name == name)
    }
    /// The range of the date fact (`as_of`), when the schema has one.
    pub fn date_range(&self) -> Option<(i64, i64)> {
        let f = self.fact_index(crate::table::DATE_FACT)?;
        match self.facts[f].ty {
            FactType::Date { lo, hi } => Some((lo, hi)),
            _ => None,
        }
    }
    pub fn recipients(&self) -> &EnumDef {
        &self.enums[self.recipient]
    }
    /// Every value a fact can take, as a column set.
    pub fn domain(&self, fact: usize) -> Set {
        match self.facts[fact].ty {
            FactType::Bool => Set::Mask(0b11),
            FactType::Int { lo, hi } | FactType::Date { lo, hi } => Set::Range(lo, hi),
            FactType::Enum(e) => Set::Mask(mask_of(self.enums[e].variants.len())),
        }
    }
    /// A value written the way users write it: `true`, `17`, `child_abuse`.
    pub fn show_value(&self, fact: usize, value: i64) -> String {
        match self.facts[fact].ty {
            FactType::Bool => (value != 0).to_string(),
            FactType::Int { .. } => value.to_string(),
            FactType::Date { .. } => crate::table::show_date(value),
            FactType::Enum(e) => self.enums[e]
                .variants
                .get(value as usize)
                .map(|v| v.name.clone())
                .unwrap_or_else(|| value.to_string()),
        }
    }
}

/// The mask with the low `n` bits set.
impl Program {
    /// The chain from a jurisdiction up to its root, most specific first.
    pub fn chain(&self, j: usize) -> Vec<usize> {
        let mut out = vec![j];
        let mut cur = j;
        while let Some(p) = self.jurisdictions[cur].parent {
            if out.contains(&p) {
                break;
            }
            out.push(p);
            cur = p;
        }
        out
    }
    pub fn jurisdiction_index(&self, code: &str) -> Option<usize> {
        self.jurisdictions
            .iter()
            .position(|j| j.code.eq_ignore_ascii_case(code))
    }
    /// The defaults a jurisdiction falls back on, in the order they are
    /// tried: its own, then its parent's, up the chain, each jurisdiction's
    /// by first day. Those after an undated one can never apply and are
    /// left out.
    pub fn defaults_of(&self, j: usize) -> Vec<(usize, &DefaultDef)> {
        let mut out = Vec::new();
        for c in self.chain(j) {
            let mut own: Vec<&DefaultDef> = self.jurisdictions[c].defaults.iter().collect();
            own.sort_by_key(|d| d.days.map(|(lo, _)| lo));
            for d in own {
                out.push((c, d));
                if d.days.is_none() {
                    return out;
                }
            }
        }
        out
    }
    /// The first run of days on which no default of `j`'s chain applies
    /// (over the range of `as_of`; without a date fact, over every day),
    /// or `None` when every day has one.
    pub fn default_gap(&self, j: usize) -> Option<(i64, i64)> {
        let (lo, hi) = self.schema.date_range().unwrap_or((i64::MIN, i64::MAX));
        let defaults = self.defaults_of(j);
        if defaults.is_empty() {
            return Some((lo, hi));
        }
        first_gap(defaults.iter().map(|(_, d)| d.days), lo, hi)
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn gaps_between_date_ranges() {
        // Ranges that meet leave no gap, in any order.
        assert_eq!(first_gap([Some((5, 9)), Some((0, 4))], 0, 9), None);
        assert_eq!(first_gap([Some((0, 3)), Some((5, 9))], 0, 9), Some((4, 4)));
        assert_eq!(first_gap([Some((2, 9))], 0, 9), Some((0, 1)));
        assert_eq!(first_gap([Some((0, 7))], 0, 9), Some((8, 9)));
        // Overlaps and ranges past the domain are fine; an undated
        // default covers everything.
        assert_eq!(first_gap([Some((0, 6)), Some((3, 20))], 0, 9), None);
        assert_eq!(first_gap([Some((0, 3)), None], 0, 9), None);
        assert_eq!(first_gap([], 0, 9), Some((0, 9)));
        assert_eq!(
            first_gap([Some((i64::MIN, i64::MAX))], i64::MIN, i64::MAX),
            None
        );
        assert_eq!(first_shared_day(Some((0, 4)), Some((4, 9)), 0, 9), Some(4));
        assert_eq!(first_shared_day(Some((0, 3)), Some((4, 9)), 0, 9), None);
        assert_eq!(first_shared_day(None, Some((4, 9)), 0, 9), Some(4));
    }
}
