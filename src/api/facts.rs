//! Facts as a caller gives them: names and typed values, resolved against
//! the schema into one value per column.

use super::FactSlot;
use crate::diag::did_you_mean;
use crate::table::{Column, ColumnType};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// A value of a fact: a boolean, an integer, or the name of an enum value
/// (dates are written as names: `2019-07-01`). New kinds of values may be
/// added, so a match on it needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value {
    /// `true` or `false`.
    Bool(bool),
    /// An integer, e.g. an age.
    Int(i64),
    /// An enum value by name (`child_abuse`), or any value as typed on a
    /// command line (`true`, `10`).
    Name(String),
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Name(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Name(s)
    }
}
macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Int(n as i64)
            }
        }
    )*};
}
int_value!(i8, i16, i32, i64, u8, u16, u32);

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Name(s) => f.write_str(s),
        }
    }
}

/// What is known about a situation. Facts not given keep their schema
/// default; a fact with no default that a deciding rule needs makes the
/// decision refuse with [`crate::DecideError::Needs`].
///
/// ```
/// let facts = mandate::Facts::new().with("concern", "child_abuse").with("victim_age", 10);
/// let json: mandate::Facts = serde_json::from_str(r#"{"concern": "child_abuse", "victim_age": 10}"#).unwrap();
/// assert_eq!(facts, json);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    entries: Vec<(String, Value)>,
}

impl Facts {
    /// No facts: every fact keeps its default.
    pub fn new() -> Facts {
        Facts::default()
    }

    /// These facts and one more.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Facts {
        self.set(name, value);
        self
    }

    /// Add a fact. Giving the same fact twice is an error when the facts
    /// are resolved.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.entries.push((name.into(), value.into()));
    }

    /// Facts written `name=value`, as on the command line.
    pub fn from_pairs<S: AsRef<str>>(pairs: &[S]) -> Result<Facts, FactsError> {
        let mut facts = Facts::new();
        for pair in pairs {
            let pair = pair.as_ref();
            match pair.split_once('=') {
                Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => {
                    facts.set(n.trim(), v.trim())
                }
                _ => {
                    return Err(FactsError::Malformed {
                        given: pair.to_string(),
                    })
                }
            }
        }
        Ok(facts)
    }

    /// The facts in the order they were given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// How many facts were given.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no fact was given.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Give these facts in `slots` (one per column, holding the
    /// defaults): each must be a fact of the schema, given once, with a
    /// value of its type.
    pub(super) fn give(
        &self,
        columns: &[Column],
        slots: &mut [FactSlot],
    ) -> Result<(), FactsError> {
        for (name, value) in &self.entries {
            let Some(col) = columns.iter().position(|c| &c.name == name) else {
                return Err(FactsError::UnknownFact {
                    name: name.clone(),
                    suggestion: did_you_mean(name, columns.iter().map(|c| c.name.as_str())),
                });
            };
            let slot = slots.get_mut(col);
            if let Some(FactSlot::Given(_)) = slot {
                return Err(FactsError::Repeated { fact: name.clone() });
            }
            let v = encode(&columns[col], value)?;
            if let Some(slot) = slot {
                *slot = FactSlot::Given(v);
            }
        }
        Ok(())
    }
}

/// A value in a column's encoding: bool 0/1, enum index, integer.
pub(crate) fn encode(col: &Column, value: &Value) -> Result<i64, FactsError> {
    let bad = |expected: String, suggestion: Option<String>| FactsError::BadValue {
        fact: col.name.clone(),
        value: value.to_string(),
        expected,
        suggestion,
    };
    match (&col.ty, value) {
        (ColumnType::Bool, Value::Bool(b)) => Ok(i64::from(*b)),
        (ColumnType::Bool, Value::Name(s)) => match s.as_str() {
            "true" | "yes" => Ok(1),
            "false" | "no" => Ok(0),
            _ => Err(bad("`true` or `false`".into(), None)),
        },
        (ColumnType::Int { lo, hi }, v) => {
            let n = match v {
                Value::Int(n) => Some(*n),
                Value::Name(s) => s.parse::<i64>().ok(),
                Value::Bool(_) => None,
            };
            match n {
                Some(n) if (*lo..=*hi).contains(&n) => Ok(n),
                _ => Err(bad(format!("an integer from {lo} to {hi}"), None)),
            }
        }
        (ColumnType::Date { lo, hi }, v) => {
            let d = match v {
                Value::Name(s) => crate::table::parse_date(s.trim()),
                _ => None,
            };
            match d {
                Some(d) if (*lo..=*hi).contains(&d) => Ok(d),
                _ => Err(bad(
                    format!(
                        "a date (YYYY-MM-DD) from {} to {}",
                        col.show(*lo),
                        col.show(*hi)
                    ),
                    None,
                )),
            }
        }
        (ColumnType::Enum { variants, .. }, Value::Name(s)) => {
            match variants.iter().position(|v| v == s) {
                Some(i) => Ok(i as i64),
                None => Err(bad(
                    format!("one of {}", quoted(variants)),
                    did_you_mean(s, variants.iter().map(String::as_str)),
                )),
            }
        }
        (ColumnType::Enum { variants, .. }, _) => {
            Err(bad(format!("one of {}", quoted(variants)), None))
        }
        (ColumnType::Bool, Value::Int(_)) => Err(bad("`true` or `false`".into(), None)),
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Facts that do not fit the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FactsError {
    /// Not of the form `name=value`.
    #[error("`{given}` is not of the form fact=value")]
    Malformed {
        /// What was given.
        given: String,
    },
    /// The schema has no fact of this name.
    #[error("unknown fact `{name}`{}", hint(.suggestion))]
    UnknownFact {
        /// The name given.
        name: String,
        /// "did you mean `…`?", when a fact has a close name.
        suggestion: Option<String>,
    },
    /// The value does not fit the fact's type.
    #[error("`{value}` is not a value of `{fact}`{}; expected {expected}", hint(.suggestion))]
    BadValue {
        /// The fact.
        fact: String,
        /// The value given.
        value: String,
        /// What would fit, in words.
        expected: String,
        /// "did you mean `…`?", when a value has a close name.
        suggestion: Option<String>,
    },
    /// The same fact was given twice.
    #[error("`{fact}` is given twice")]
    Repeated {
        /// The fact.
        fact: String,
    },
}

fn hint(s: &Option<String>) -> String {
    s.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
}

impl<'de> Deserialize<'de> for Facts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Facts, D::Error> {
        struct FactsVisitor;
        impl<'de> Visitor<'de> for FactsVisitor {
            type Value = Facts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an object of facts: {\"concern\": \"child_abuse\", \"victim_age\": 10}",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Facts, A::Error> {
                let mut facts = Facts::new();
                while let Some((name, value)) = map.next_entry::<String, JsonValue>()? {
                    facts.set(name, value.0);
                }
                Ok(facts)
            }
        }
        d.deserialize_map(FactsVisitor)
    }
}

/// A JSON scalar as a fact value.
struct JsonValue(Value);

impl<'de> Deserialize<'de> for JsonValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<JsonValue, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = JsonValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, an integer or a string")
            }
            fn visit_bool<E>(self, b: bool) -> Result<JsonValue, E> {
                Ok(JsonValue(Value::Bool(b)))
            }
            fn visit_i64<E>(self, n: i64) -> Result<JsonValue, E> {
                Ok(JsonValue(Value::Int(n)))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<JsonValue, E> {
                i64::try_from(n)
                    .map(|n| JsonValue(Value::Int(n)))
                    .map_err(|_| E::custom(format!("{n} is too large")))
            }
            fn visit_str<E>(self, s: &str) -> Result<JsonValue, E> {
                Ok(JsonValue(Value::Name(s.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}
