//! The shared core: a compiled decision table is plain data (columns, rows,
//! outcomes with provenance) and one evaluator answers every jurisdiction.

mod action;
mod artifact;
pub(crate) mod cube;
mod date;
mod eval;
mod index;
mod render;

pub use action::{mask_of, Action, Deadline, Duration, IF_REQUESTED};
pub use artifact::{
    artifact_hash, load_artifact, parse_artifact, parse_signed_artifact, save_artifact,
    save_artifact_signed, signed_message, ArtifactError, ArtifactSignature, FORMAT, READABLE,
};
pub use date::{civil_from_days, days_from_civil, parse_date, show_date, system_today};
pub use eval::{Decided, EvalError, Facts, Miss, Skipped, Trace, Undecided};
pub use index::{Decider, Indexed, TableIndex};
pub use render::{decision_text, render_table, TableFormat};

use serde::{Deserialize, Serialize};

/// Fact values by column as a decision reads them; `None` is unknown.
/// Decisions are generic over where the values live, so a caller may keep
/// more beside each value (the API keeps whether it was given) without
/// copying into a slice of options first.
pub trait Values {
    fn value(&self, col: usize) -> Option<i64>;
}

impl Values for [Option<i64>] {
    #[inline(always)]
    fn value(&self, col: usize) -> Option<i64> {
        self.get(col).copied().flatten()
    }
}

impl Values for Vec<Option<i64>> {
    #[inline(always)]
    fn value(&self, col: usize) -> Option<i64> {
        self.as_slice().value(col)
    }
}

/// The values a column may take in one row: a bit set for booleans and
/// enums (bit i = value i), an inclusive interval for integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Set {
    Mask(u64),
    Range(i64, i64),
}

impl Set {
    #[inline]
    pub fn contains(&self, v: i64) -> bool {
        match *self {
            Set::Mask(m) => (0..64).contains(&v) && m & (1u64 << v) != 0,
            Set::Range(lo, hi) => lo <= v && v <= hi,
        }
    }
    pub fn is_empty(&self) -> bool {
        match *self {
            Set::Mask(m) => m == 0,
            Set::Range(lo, hi) => lo > hi,
        }
    }
    pub fn intersect(&self, other: &Set) -> Set {
        match (*self, *other) {
            (Set::Mask(a), Set::Mask(b)) => Set::Mask(a & b),
            (Set::Range(a, b), Set::Range(c, d)) => Set::Range(a.max(c), b.min(d)),
            // Sets of different kinds never meet on one column; checked
            // programs cannot produce this, but stay total.
            _ => Set::Mask(0),
        }
    }
    pub fn is_subset(&self, other: &Set) -> bool {
        self.is_empty() || self.intersect(other) == *self
    }
    /// `self \ other` as disjoint sets (at most two for intervals).
    pub fn subtract(&self, other: &Set) -> Vec<Set> {
        match (*self, *other) {
            (Set::Mask(a), Set::Mask(b)) => {
                let r = a & !b;
                if r == 0 {
                    vec![]
                } else {
                    vec![Set::Mask(r)]
                }
            }
            (Set::Range(a, b), Set::Range(c, d)) => {
                if d < a || c > b {
                    return vec![*self];
                }
                let mut out = Vec::new();
                if c > a {
                    out.push(Set::Range(a, c - 1));
                }
                if d < b {
                    out.push(Set::Range(d + 1, b));
                }
                out
            }
            _ => vec![*self],
        }
    }
    /// The smallest value in the set, used to build witnesses.
    pub fn first(&self) -> Option<i64> {
        match *self {
            Set::Mask(m) if m != 0 => Some(m.trailing_zeros() as i64),
            Set::Range(lo, hi) if lo <= hi => Some(lo),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ColumnType {
    Bool,
    Int {
        lo: i64,
        hi: i64,
    },
    /// A calendar date, as days since 1970-01-01 (see [`parse_date`]).
    Date {
        lo: i64,
        hi: i64,
    },
    /// `enum` is the enum's name (`Concern`); the column's own name is the fact's.
    Enum {
        #[serde(rename = "enum")]
        name: String,
        variants: Vec<String>,
    },
}

/// One fact of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(flatten)]
    pub ty: ColumnType,
    pub default: Option<i64>,
    /// The default is the day of the decision (`= today`), which the API
    /// fills in; `default` is then `None`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub default_today: bool,
    pub doc: Option<String>,
}

impl Column {
    pub fn show(&self, v: i64) -> String {
        match &self.ty {
            ColumnType::Bool => (v != 0).to_string(),
            ColumnType::Int { .. } => v.to_string(),
            ColumnType::Date { .. } => show_date(v),
            ColumnType::Enum { variants, .. } => variants
                .get(v as usize)
                .cloned()
                .unwrap_or_else(|| v.to_string()),
        }
    }
    pub fn domain(&self) -> Set {
        match &self.ty {
            ColumnType::Bool => Set::Mask(0b11),
            ColumnType::Int { lo, hi } | ColumnType::Date { lo, hi } => Set::Range(*lo, *hi),
            ColumnType::Enum { variants, .. } => Set::Mask(mask_of(variants.len())),
        }
    }
    pub fn is_date(&self) -> bool {
        matches!(self.ty, ColumnType::Date { .. })
    }
    /// A set written as a condition: `concern = child_abuse`,
    /// `victim_age in 0..=17`, `threat_serious = true`.
    pub fn show_set(&self, set: &Set) -> String {
        match (set, &self.ty) {
            (
                Set::Range(lo, hi),
                ColumnType::Int { lo: dlo, hi: dhi } | ColumnType::Date { lo: dlo, hi: dhi },
            ) => {
                let (a, b) = (self.show(*lo), self.show(*hi));
                if lo == hi {
                    format!("{} = {a}", self.name)
                } else if lo == dlo {
                    format!("{} <= {b}", self.name)
                } else if hi == dhi {
                    format!("{} >= {a}", self.name)
                } else {
                    format!("{} in {a}..={b}", self.name)
                }
            }
            (Set::Mask(m), _) => {
                let vals: Vec<String> = (0..64)
                    .filter(|i| m & (1u64 << i) != 0)
                    .map(|i| self.show(i))
                    .collect();
                if vals.len() == 1 {
                    format!("{} = {}", self.name, vals[0])
                } else {
                    format!("{} in [{}]", self.name, vals.join(", "))
                }
            }
            (Set::Range(lo, hi), _) => format!("{} in {}..={}", self.name, lo, hi),
        }
    }
}

/// One column test of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Test {
    pub col: u32,
    pub set: Set,
}

/// A row matches when every test holds; columns without a test match any
/// value (and do not need the fact to be known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub tests: Vec<Test>,
    pub outcome: u32,
}

/// What a row decides, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// `CA.child_abuse`, or `US.default`.
    pub rule: String,
    pub jurisdiction: String,
    pub action: Action,
    pub to: Vec<String>,
    /// Any one recipient suffices; otherwise every one is required.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub any_of: bool,
    pub within: Option<Duration>,
    pub written_within: Option<Duration>,
    pub citations: Vec<String>,
    pub notes: Vec<String>,
    pub unverified: Option<String>,
    pub file: String,
    pub line: usize,
    /// The rule's condition as written (empty for a default).
    pub condition: String,
    /// The first day the rule is in force (`effective`), as days since
    /// 1970-01-01; `None` when it has no start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<i64>,
    /// The last day the rule is in force (`until`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
}

/// The compiled table of one jurisdiction. Rows are ordered so that the
/// first matching row is the winner; the last row is the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub jurisdiction: String,
    pub name: String,
    /// The jurisdiction and its ancestors, most specific first.
    pub chain: Vec<String>,
    pub rows: Vec<Row>,
    pub outcomes: Vec<Outcome>,
}

/// An enum of the schema with the doc strings of its values, so answers
/// can be put in words without the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumDoc {
    pub name: String,
    pub variants: Vec<VariantDoc>,
}

/// One enum value and its doc string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantDoc {
    pub name: String,
    pub doc: Option<String>,
}

/// Every compiled jurisdiction over one schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tables {
    pub columns: Vec<Column>,
    /// Every enum of the schema, Recipient included, in declaration order.
    #[serde(default)]
    pub enums: Vec<EnumDoc>,
    /// Sorted by jurisdiction code.
    pub tables: Vec<Table>,
}

impl Tables {
    pub fn get(&self, code: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.jurisdiction.eq_ignore_ascii_case(code))
    }
    pub fn codes(&self) -> Vec<&str> {
        self.tables
            .iter()
            .map(|t| t.jurisdiction.as_str())
            .collect()
    }
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
    /// The date column (`as_of`) the tables decide by, if the schema has one.
    pub fn date_column(&self) -> Option<usize> {
        date_column(&self.columns)
    }
}

/// The column of the deciding date: the schema's `as_of` when it is a
/// date.
pub fn date_column(columns: &[Column]) -> Option<usize> {
    columns
        .iter()
        .position(|c| c.name == DATE_FACT && c.is_date())
}

/// The fact a rule's `effective` and `until` are conditions on.
pub const DATE_FACT: &str = "as_of";

impl Table {
    /// The table as it stands on one day: rows not in force that day are
    /// gone, and the others no longer test the date. Decisions on the
    /// result are those of the table with `col` fixed to `day`.
    pub fn at(&self, col: usize, day: i64) -> Table {
        let rows = self
            .rows
            .iter()
            .filter(|r| {
                r.tests
                    .iter()
                    .all(|t| t.col as usize != col || t.set.contains(day))
            })
            .map(|r| Row {
                tests: r
                    .tests
                    .iter()
                    .filter(|t| t.col as usize != col)
                    .copied()
                    .collect(),
                outcome: r.outcome,
            })
            .collect();
        Table {
            rows,
            ..self.clone()
        }
    }

    /// Days after which some row's test on `col` starts or stops holding,
    /// sorted: the days on which a decision can change.
    pub fn change_days(&self, col: usize) -> Vec<i64> {
        let mut days: Vec<i64> = self
            .rows
            .iter()
            .flat_map(|r| r.tests.iter())
            .filter(|t| t.col as usize == col)
            .flat_map(|t| match t.set {
                Set::Range(lo, hi) => vec![lo, hi.saturating_add(1)],
                Set::Mask(_) => vec![],
            })
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }
}
