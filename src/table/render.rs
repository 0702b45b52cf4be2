//! The `table` command's views of one compiled table.

use super::{Action, Column, ColumnType, Duration, Set, Table, Tables};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Text,
    Markdown,
    Csv,
    Json,
}

fn cell(col: &Column, set: &Set) -> String {
    match (set, &col.ty) {
        (
            Set::Range(lo, hi),
            ColumnType::Int { lo: dlo, hi: dhi } | ColumnType::Date { lo: dlo, hi: dhi },
        ) => {
            let (a, b) = (col.show(*lo), col.show(*hi));
            if lo == hi {
                a
            } else if lo == dlo {
                format!("<={b}")
            } else if hi == dhi {
                format!(">={a}")
            } else {
                format!("{a}..={b}")
            }
        }
        (Set::Mask(m), _) => (0..64)
            .filter(|i| m & (1u64 << i) != 0)
            .map(|i| col.show(i))
            .collect::<Vec<_>>()
            .join("|"),
        (Set::Range(lo, hi), _) => format!("{lo}..={hi}"),
    }
}

/// Rows wholly covered by earlier rows: they can never match first, so
/// they never decide (0-based, ascending).
pub fn never_matching(tables: &Tables, table: &Table) -> Vec<usize> {
    let live: std::collections::HashSet<usize> =
        super::cube::partition_rows(&tables.columns, table)
            .into_iter()
            .collect();
    (0..table.rows.len())
        .filter(|i| !live.contains(i))
        .collect()
}

/// What marks a row that can never match, in the text views.
const NEVER: &str = "!";

fn never_note(never: &[usize]) -> String {
    if never.is_empty() {
        String::new()
    } else {
        let rows: Vec<String> = never.iter().map(|r| (r + 1).to_string()).collect();
        format!(
            "\nRows marked {NEVER} can never match: earlier rows take every case they cover ({}).\n",
            rows.join(", ")
        )
    }
}

/// Header and cells of every row, over the columns some row tests.
fn grid(tables: &Tables, table: &Table, never: &[usize]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut used: Vec<usize> = table
        .rows
        .iter()
        .flat_map(|r| r.tests.iter().map(|t| t.col as usize))
        .collect();
    used.sort_unstable();
    used.dedup();
    let mut header = vec!["#".to_string()];
    header.extend(used.iter().map(|&c| tables.columns[c].name.clone()));
    header.extend(["action", "to", "within", "in writing", "rule", "cite"].map(String::from));
    let rows = table
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let o = &table.outcomes[row.outcome as usize];
            let mark = if never.contains(&i) { NEVER } else { "" };
            let mut cells = vec![format!("{}{mark}", i + 1)];
            for &c in &used {
                cells.push(
                    row.tests
                        .iter()
                        .find(|t| t.col as usize == c)
                        .map(|t| cell(&tables.columns[c], &t.set))
                        .unwrap_or_else(|| "-".into()),
                );
            }
            cells.push(o.action.to_string());
            cells.push(if o.to.is_empty() {
                "-".into()
            } else if o.any_of {
                format!("any of: {}", o.to.join(" | "))
            } else {
                o.to.join(", ")
            });
            cells.push(
                o.within
                    .as_ref()
                    .map_or_else(|| "-".into(), ToString::to_string),
            );
            cells.push(
                o.written_within
                    .as_ref()
                    .map_or_else(|| "-".into(), ToString::to_string),
            );
            cells.push(o.rule.clone());
            cells.push(o.citations.join("; "));
            cells
        })
        .collect();
    (header, rows)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn render_table(tables: &Tables, table: &Table, format: TableFormat) -> String {
    let never = never_matching(tables, table);
    match format {
        TableFormat::Json => {
            /// A column with its default by name (`psychologist`,
            /// `false`), not by the index the artifact stores.
            #[derive(serde::Serialize)]
            struct ColumnJson<'a> {
                #[serde(flatten)]
                column: ColumnView<'a>,
                default: Option<serde_json::Value>,
            }
            #[derive(serde::Serialize)]
            struct ColumnView<'a> {
                name: &'a str,
                #[serde(flatten)]
                ty: &'a ColumnType,
                doc: Option<&'a str>,
            }
            #[derive(serde::Serialize)]
            struct TableJson<'a> {
                columns: Vec<ColumnJson<'a>>,
                table: &'a Table,
                /// Row numbers (from 1) that can never match.
                never_matches: Vec<usize>,
            }
            let columns = tables
                .columns
                .iter()
                .map(|c| ColumnJson {
                    column: ColumnView {
                        name: &c.name,
                        ty: &c.ty,
                        doc: c.doc.as_deref(),
                    },
                    default: c.default.map(|d| match &c.ty {
                        ColumnType::Bool => serde_json::Value::Bool(d != 0),
                        ColumnType::Int { .. } => serde_json::Value::from(d),
                        ColumnType::Enum { .. } | ColumnType::Date { .. } => {
                            serde_json::Value::from(c.show(d))
                        }
                    }),
                })
                .collect();
            let value = TableJson {
                columns,
                table,
                never_matches: never.iter().map(|r| r + 1).collect(),
            };
            let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
            s.push('\n');
            s
        }
        TableFormat::Csv => {
            let (header, rows) = grid(tables, table, &never);
            let mut out = String::new();
            for line in std::iter::once(&header).chain(rows.iter()) {
                out.push_str(
                    &line
                        .iter()
                        .map(|c| csv_field(c))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push('\n');
            }
            out
        }
        TableFormat::Markdown => {
            let (header, rows) = grid(tables, table, &never);
            let mut out = format!(
                "## {} — {}\n\nFirst matching row decides. Chain: {}.\n\n",
                table.jurisdiction,
                table.name,
                table.chain.join(" → ")
            );
            out.push_str(&format!("| {} |\n", header.join(" | ")));
            out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
            for r in rows {
                out.push_str(&format!(
                    "| {} |\n",
                    r.iter()
                        .map(|c| c.replace('|', "\\|"))
                        .collect::<Vec<_>>()
                        .join(" | ")
                ));
            }
            out.push_str(&never_note(&never));
            out
        }
        TableFormat::Text => {
            let (header, rows) = grid(tables, table, &never);
            let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
            for r in &rows {
                for (w, c) in widths.iter_mut().zip(r) {
                    *w = (*w).max(c.chars().count());
                }
            }
            let line = |cells: &Vec<String>| {
                let mut s = cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}"))
                    .collect::<Vec<_>>()
                    .join("  ");
                s.truncate(s.trim_end().len());
                s.push('\n');
                s
            };
            let mut out = format!(
                "{} — {} (chain: {}; first matching row decides)\n\n",
                table.jurisdiction,
                table.name,
                table.chain.join(" → ")
            );
            out.push_str(&line(&header));
            for r in &rows {
                out.push_str(&line(r));
            }
            out.push_str(&never_note(&never));
            out
        }
    }
}

/// A decision as one line of text, the way policies write it:
/// `must_report to [a, b] within 24h, in writing within 48h`. Empty
/// recipients and absent deadlines are left out, so callers pass only the
/// parts they want shown.
pub fn decision_text<S: AsRef<str>>(
    action: Action,
    to: &[S],
    any_of: bool,
    within: Option<&Duration>,
    written: Option<&Duration>,
) -> String {
    let mut s = action.to_string();
    if !to.is_empty() {
        let names: Vec<&str> = to.iter().map(AsRef::as_ref).collect();
        let any = if any_of { "any of " } else { "" };
        s.push_str(&format!(" to {any}[{}]", names.join(", ")));
    }
    match (within, written) {
        (Some(w), Some(x)) => s.push_str(&format!(" within {w}, in writing within {x}")),
        (Some(w), None) => s.push_str(&format!(" within {w}")),
        (None, Some(x)) => s.push_str(&format!(" in writing within {x}")),
        (None, None) => {}
    }
    s
}
