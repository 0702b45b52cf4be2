//! The jurisdiction × concern matrix: for every jurisdiction and every
//! concern, which actions the compiled table can give, and whether the
//! jurisdiction's own rules (rather than inherited federal ones) give them.
//! Computed exactly from the table partitions, so a reviewer sees the
//! whole country at once.

use crate::table::cube::{intersect, partition, Cube};
use crate::syntax::ast::Action;
use crate::table::{ColumnType, Set, Tables};

/// One cell: each possible action, strongest first, with whether a rule of
/// the row's own jurisdiction gives it somewhere.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cell {
    pub actions: Vec<(Action, bool)>,
    /// Rules that decide somewhere in this cell, in table order.
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Matrix {
    pub concerns: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MatrixRow {
    pub jurisdiction: String,
    pub name: String,
    pub cells: Vec<Cell>,
    /// Danger to others with a serious, imminent threat against an
    /// identifiable victim: the textbook duty-to-warn case.
    pub duty_to_warn: Cell,
}

fn restrict(base: &Cube, col: usize, set: Set) -> Cube {
    let mut c = base.clone();
    c[col] = c[col].intersect(&set);
    c
}

fn cell(tables: &Tables, code: &str, parts: &[(Cube, usize)], restriction: &Cube) -> Cell {
    let table = tables.get(code).expect("cell of a known table");
    let mut actions: Vec<(Action, bool)> = Vec::new();
    let mut rules: Vec<String> = Vec::new();
    for (cube, o) in parts {
        if intersect(cube, restriction).is_none() {
            continue;
        }
        let outcome = &table.outcomes[*o];
        let own = outcome.jurisdiction == table.jurisdiction;
        match actions.iter_mut().find(|(a, _)| *a == outcome.action) {
            Some(entry) => entry.1 |= own,
            None => actions.push((outcome.action, own)),
        }
        if !rules.contains(&outcome.rule) {
            rules.push(outcome.rule.clone());
        }
    }
    actions.sort();
    Cell { actions, rules }
}

/// `None` when the schema has no `concern` enum fact.
pub fn matrix(tables: &Tables) -> Option<Matrix> {
    let concern = tables.column_index("concern")?;
    let ColumnType::Enum { variants, .. } = &tables.columns[concern].ty else {
        return None;
    };
    let full = crate::table::cube::full_columns(&tables.columns);
    let flag = |name: &str| {
        tables
            .column_index(name)
            .filter(|&c| tables.columns[c].ty == ColumnType::Bool)
    };
    let danger = variants.iter().position(|v| v == "danger_to_others");
    let rows = tables
        .tables
        .iter()
        .map(|t| {
            let parts = partition(&tables.columns, t);
            let cells = (0..variants.len())
                .map(|v| {
                    cell(
                        tables,
                        &t.jurisdiction,
                        &parts,
                        &restrict(&full, concern, Set::Mask(1 << v)),
                    )
                })
                .collect();
            let mut warn = match danger {
                Some(d) => restrict(&full, concern, Set::Mask(1 << d)),
                None => full.clone(),
            };
            for f in ["threat_serious", "victim_identifiable", "threat_imminent"]
                .iter()
                .filter_map(|n| flag(n))
            {
                warn = restrict(&warn, f, Set::Mask(0b10));
            }
            MatrixRow {
                jurisdiction: t.jurisdiction.clone(),
                name: t.name.clone(),
                cells,
                duty_to_warn: cell(tables, &t.jurisdiction, &parts, &warn),
            }
        })
        .collect();
    Some(Matrix {
        concerns: variants.clone(),
        rows,
    })
}

fn letter(a: Action) -> &'static str {
    match a {
        Action::MustReport => "R",
        Action::MustDisclose => "D",
        Action::MayDisclose => "M",
        Action::MustNotDisclose => "C",
    }
}

fn show(cell: &Cell) -> String {
    cell.actions
        .iter()
        .map(|(a, own)| format!("{}{}", letter(*a), if *own { "*" } else { "" }))
        .collect::<Vec<_>>()
        .join(" ")
}

pub const LEGEND: &str = "R = must_report, D = must_disclose, M = may_disclose, C = must_not_disclose (confidential). \
A cell lists every action the jurisdiction's table can give for that concern, depending on the other facts (age, role, \
seriousness...), strongest first. `*` marks an action given by the jurisdiction's own rules; without it the action is \
inherited from the federal baseline (US). `duty to warn` is danger to others with a serious, imminent threat against an \
identifiable victim.";

pub fn render_text(m: &Matrix) -> String {
    let mut header: Vec<String> = vec!["code".into()];
    header.extend(m.concerns.iter().cloned());
    header.push("duty_to_warn".into());
    let mut grid = vec![header];
    for r in &m.rows {
        let mut line = vec![r.jurisdiction.clone()];
        line.extend(r.cells.iter().map(show));
        line.push(show(&r.duty_to_warn));
        grid.push(line);
    }
    let widths: Vec<usize> = (0..grid[0].len())
        .map(|i| grid.iter().map(|l| l[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for line in &grid {
        let s: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(s.join("  ").trim_end());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(LEGEND);
    out.push('\n');
    out
}

pub fn render_markdown(m: &Matrix) -> String {
    let mut out = String::from("# Coverage: jurisdiction × concern\n\nGenerated by `mandate jurisdictions --matrix --format markdown`; a test fails when this file is stale.\n\n");
    out.push_str(LEGEND);
    out.push_str("\n\n");
    let names: Vec<String> = m.concerns.iter().map(|c| c.replace('_', " ")).collect();
    out.push_str(&format!(
        "| | jurisdiction | {} | duty to warn |\n",
        names.join(" | ")
    ));
    out.push_str(&format!("|{}\n", "---|".repeat(m.concerns.len() + 3)));
    for r in &m.rows {
        let cells: Vec<String> = r.cells.iter().map(show).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.jurisdiction,
            r.name,
            cells.join(" | "),
            show(&r.duty_to_warn)
        ));
    }
    out
}
