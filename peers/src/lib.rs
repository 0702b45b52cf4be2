//! Equivalent policies for the peers, generated from mandate's compiled
//! tables, so all engines answer the same question: which row of a
//! jurisdiction's table decides these facts?
//!
//! - Rego (regorus): one package per jurisdiction whose `decision` is an
//!   `else` chain in row order (Rego's own first-match construct).
//! - Cedar (cedar-policy): one `permit` per row with `@id("rN")`; the
//!   winner is the smallest row among the determining policies.
//! - A hand-written Rust `match` for California, mirroring its statutes.

use mandate::table::{Column, ColumnType, Set, Table, Tables};

fn values(col: &Column, set: &Set) -> Vec<String> {
    match (&col.ty, set) {
        (ColumnType::Enum { variants, .. }, Set::Mask(m)) => (0..variants.len())
            .filter(|v| m & (1u64 << v) != 0)
            .map(|v| variants[v].clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// One Rego condition per row test.
fn rego_test(col: &Column, set: &Set) -> String {
    let f = format!("input.{}", col.name);
    match (&col.ty, set) {
        (ColumnType::Bool, Set::Mask(0b10)) => format!("{f} == true"),
        (ColumnType::Bool, Set::Mask(0b01)) => format!("{f} == false"),
        (ColumnType::Bool, _) => "true".into(),
        (ColumnType::Int { .. } | ColumnType::Date { .. }, Set::Range(lo, hi)) => {
            format!("{f} >= {lo}\n  {f} <= {hi}")
        }
        (ColumnType::Enum { .. }, _) => {
            let v = values(col, set);
            if v.len() == 1 {
                format!("{f} == \"{}\"", v[0])
            } else {
                format!(
                    "{{{}}}[{f}]",
                    v.iter()
                        .map(|x| format!("\"{x}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        }
        _ => "false".into(),
    }
}

/// A Rego module whose `data.mandate.<code>.decision` is the deciding row.
pub fn rego(tables: &Tables, table: &Table) -> String {
    let mut out = format!("package mandate.{}\n\n", table.jurisdiction.to_lowercase());
    for (i, row) in table.rows.iter().enumerate() {
        let body = if row.tests.is_empty() {
            "true".to_string()
        } else {
            row.tests
                .iter()
                .map(|t| rego_test(&tables.columns[t.col as usize], &t.set))
                .collect::<Vec<_>>()
                .join("\n  ")
        };
        if i == 0 {
            out.push_str(&format!("decision := {i} if {{\n  {body}\n}}"));
        } else {
            out.push_str(&format!(" else := {i} if {{\n  {body}\n}}"));
        }
    }
    out.push('\n');
    out
}

fn cedar_test(col: &Column, set: &Set) -> String {
    let f = format!("context.{}", col.name);
    match (&col.ty, set) {
        (ColumnType::Bool, Set::Mask(0b10)) => f,
        (ColumnType::Bool, Set::Mask(0b01)) => format!("!{f}"),
        (ColumnType::Bool, _) => "true".into(),
        (ColumnType::Int { .. } | ColumnType::Date { .. }, Set::Range(lo, hi)) => {
            format!("{f} >= {lo} && {f} <= {hi}")
        }
        (ColumnType::Enum { .. }, _) => {
            let v = values(col, set);
            format!(
                "({})",
                v.iter()
                    .map(|x| format!("{f} == \"{x}\""))
                    .collect::<Vec<_>>()
                    .join(" || ")
            )
        }
        _ => "false".into(),
    }
}

/// A Cedar policy set with one `permit` per row, `@id("r<row>")`.
pub fn cedar(tables: &Tables, table: &Table) -> String {
    let mut out = String::new();
    for (i, row) in table.rows.iter().enumerate() {
        out.push_str(&format!(
            "@id(\"r{i}\")\npermit(principal, action, resource)"
        ));
        if !row.tests.is_empty() {
            let conds: Vec<String> = row
                .tests
                .iter()
                .map(|t| cedar_test(&tables.columns[t.col as usize], &t.set))
                .collect();
            out.push_str(&format!(" when {{ {} }}", conds.join(" && ")));
        }
        out.push_str(";\n");
    }
    out
}

/// Facts as a JSON object, the input both peers read.
pub fn facts_json(columns: &[Column], values: &[Option<i64>]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (c, v) in columns.iter().zip(values) {
        let Some(v) = v else { continue };
        let value = match &c.ty {
            ColumnType::Bool => serde_json::Value::Bool(*v != 0),
            // Dates are day numbers in the tables and in both peers.
            ColumnType::Int { .. } | ColumnType::Date { .. } => serde_json::Value::from(*v),
            ColumnType::Enum { variants, .. } => {
                serde_json::Value::String(variants[*v as usize].clone())
            }
        };
        m.insert(c.name.clone(), value);
    }
    serde_json::Value::Object(m)
}

/// California by hand, as a programmer would write it from the statutes:
/// the name of the deciding rule. Facts are the shipped schema's columns
/// in order: concern, victim_age, threat_serious, victim_identifiable,
/// threat_imminent, role, victim_vulnerable, in_care_facility,
/// subpoena_assurances, danger_indicated, privileged_communication,
/// developmental_disability, abused_as_child, others_at_risk.
#[inline]
pub fn california(v: &[Option<i64>]) -> &'static str {
    let get = |i: usize| v[i].unwrap_or(0);
    let (concern, age) = (get(0), get(1));
    let (serious, identifiable, imminent) = (get(2) != 0, get(3) != 0, get(4) != 0);
    let (vulnerable, facility) = (get(6) != 0, get(7) != 0);
    let (counselor, disability) = (get(5) == 2, get(11) != 0);
    match concern {
        0 if age <= 17 => "CA.canra_child_abuse",
        0 => "US.child_abuse_report",
        1 | 2 if age >= 65 || (age >= 18 && (vulnerable || disability)) => {
            if facility {
                "CA.elder_dependent_adult_abuse_facility"
            } else {
                "CA.elder_dependent_adult_abuse"
            }
        }
        1 | 2 => "US.adult_abuse_report",
        3 if serious && identifiable && counselor => "CA.duty_to_protect_counselor",
        3 if serious && identifiable => "CA.duty_to_protect",
        3 if serious && imminent => "US.serious_threat",
        4 if imminent => "US.danger_to_self",
        5 => "US.court_order",
        6 => "CA.subpoena_privilege",
        7 => "US.client_authorization",
        _ => "US.default",
    }
}
