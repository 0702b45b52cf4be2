//! Conditions as regions: negation normal form, then DNF cubes. Exact,
//! because every atom compares one fact with literals.

use crate::check::{Cond, Schema};
use crate::table::cube::{intersect, Cube};
use crate::table::Set;

/// Expanded conditions larger than this are refused (E021), so a
/// pathological `or` of `and`s cannot blow up compile time.
pub const MAX_CUBES: usize = 4096;

pub struct TooBig;

pub fn full(schema: &Schema) -> Cube {
    (0..schema.facts.len()).map(|f| schema.domain(f)).collect()
}

/// Condition to DNF cubes (not necessarily disjoint); empty cubes dropped.
pub fn dnf(schema: &Schema, cond: &Cond) -> Result<Vec<Cube>, TooBig> {
    to_dnf(schema, cond, false)
}

fn to_dnf(schema: &Schema, cond: &Cond, negated: bool) -> Result<Vec<Cube>, TooBig> {
    match (cond, negated) {
        (Cond::Not(inner), n) => to_dnf(schema, inner, !n),
        (Cond::Atom(f, set), false) => Ok(atom(schema, *f, vec![*set])),
        (Cond::Atom(f, set), true) => Ok(atom(schema, *f, schema.domain(*f).subtract(set))),
        (Cond::Any(cs), false) | (Cond::All(cs), true) => {
            let mut out = Vec::new();
            for c in cs {
                out.extend(to_dnf(schema, c, negated)?);
                if out.len() > MAX_CUBES {
                    return Err(TooBig);
                }
            }
            Ok(out)
        }
        (Cond::All(cs), false) | (Cond::Any(cs), true) => {
            let mut acc = vec![full(schema)];
            for c in cs {
                let part = to_dnf(schema, c, negated)?;
                let mut next = Vec::new();
                for a in &acc {
                    for b in &part {
                        if let Some(x) = intersect(a, b) {
                            next.push(x);
                        }
                    }
                }
                if next.len() > MAX_CUBES {
                    return Err(TooBig);
                }
                acc = next;
            }
            Ok(acc)
        }
    }
}

fn atom(schema: &Schema, f: usize, sets: Vec<Set>) -> Vec<Cube> {
    sets.into_iter()
        .filter_map(|s| {
            let mut c = full(schema);
            c[f] = c[f].intersect(&s);
            (!c[f].is_empty()).then_some(c)
        })
        .collect()
}

/// A concrete point of a cube: the fact's default where the cube allows
/// it, else the smallest value.
pub fn witness(schema: &Schema, cube: &Cube) -> Vec<i64> {
    cube.iter()
        .enumerate()
        .map(|(f, set)| match schema.facts[f].default {
            Some(d) if set.contains(d) => d,
            _ => set.first().unwrap_or(0),
        })
        .collect()
}
