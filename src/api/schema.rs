//! The schema as data: the facts every jurisdiction shares, their types,
//! values, doc strings and defaults.

use crate::table::{Column, ColumnType, EnumDoc};
use serde::Serialize;

/// A jurisdiction of the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jurisdiction {
    /// Postal code (`CA`), or `US` for the federal baseline.
    pub code: String,
    /// Its name (`California`).
    pub name: String,
}

/// The shared vocabulary: facts, and the recipients answers name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schema {
    /// Every fact, in declaration order.
    pub facts: Vec<Fact>,
    /// The values of `enum Recipient`, with their doc strings.
    pub recipients: Vec<Variant>,
}

/// One fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// Its name: `victim_age`.
    pub name: String,
    /// What it means.
    pub doc: Option<String>,
    /// Its type and values.
    pub kind: FactKind,
    /// The value assumed when it is not given, as written in policies.
    pub default: Option<String>,
}

/// The type of a fact. New kinds may be added (dates were), so a match
/// on it needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FactKind {
    /// `true` or `false`.
    Bool,
    /// An integer in `lo..=hi`.
    Int {
        /// Smallest value.
        lo: i64,
        /// Largest value.
        hi: i64,
    },
    /// A calendar date (`YYYY-MM-DD`) from `first` to `last`.
    Date {
        /// Earliest date.
        first: String,
        /// Latest date.
        last: String,
    },
    /// One of the values of an enum.
    Enum {
        /// The enum's name: `Concern`.
        name: String,
        /// Its values.
        values: Vec<Variant>,
    },
}

/// A value of an enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// As written in policies: `child_abuse`.
    pub name: String,
    /// What it means.
    pub doc: Option<String>,
}

impl Schema {
    pub(crate) fn new(columns: &[Column], enums: &[EnumDoc]) -> Schema {
        let variants = |name: &str, values: &[String]| -> Vec<Variant> {
            let docs = enums.iter().find(|e| e.name == name);
            values
                .iter()
                .map(|v| Variant {
                    name: v.clone(),
                    doc: docs
                        .and_then(|e| e.variants.iter().find(|x| &x.name == v))
                        .and_then(|x| x.doc.clone()),
                })
                .collect()
        };
        let facts = columns
            .iter()
            .map(|c| Fact {
                name: c.name.clone(),
                doc: c.doc.clone(),
                kind: match &c.ty {
                    ColumnType::Bool => FactKind::Bool,
                    ColumnType::Int { lo, hi } => FactKind::Int { lo: *lo, hi: *hi },
                    ColumnType::Date { lo, hi } => FactKind::Date {
                        first: c.show(*lo),
                        last: c.show(*hi),
                    },
                    ColumnType::Enum { name, variants: v } => FactKind::Enum {
                        name: name.clone(),
                        values: variants(name, v),
                    },
                },
                default: if c.default_today {
                    Some("today".into())
                } else {
                    c.default.map(|d| c.show(d))
                },
            })
            .collect();
        let recipients = enums
            .iter()
            .find(|e| e.name == "Recipient")
            .map(|e| {
                e.variants
                    .iter()
                    .map(|v| Variant {
                        name: v.name.clone(),
                        doc: v.doc.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Schema { facts, recipients }
    }

    /// A fact by name.
    pub fn fact(&self, name: &str) -> Option<&Fact> {
        self.facts.iter().find(|f| f.name == name)
    }
}
