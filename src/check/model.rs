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
    pub default: Option<DefaultDef>,
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
    pub span: Span,
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
    /// The effective `default` of a jurisdiction: the nearest in its chain.
    pub fn default_of(&self, j: usize) -> Option<(usize, &DefaultDef)> {
        self.chain(j)
            .into_iter()
            .find_map(|c| self.jurisdictions[c].default.as_ref().map(|d| (c, d)))
    }
}
