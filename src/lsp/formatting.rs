//! Formatting through `fmt`: the whole document, or the lines of a range.

use super::At;
use lsp_types::{Range, TextEdit};

/// The document in the canonical layout; `None` when it does not parse
/// whole (its syntax errors are already shown): the tree the checker got
/// leaves out what did not parse, and formatting must never drop text.
fn formatted(at: &At<'_>) -> Option<(String, String)> {
    let sources = &at.state.analysis.sources;
    let tree = crate::syntax::parse(sources, at.file).ok()?;
    let new = crate::fmt::format(sources, at.file, &tree);
    Some((sources.get(at.file).text.to_string(), new))
}

pub fn document(at: &At<'_>) -> Option<Vec<TextEdit>> {
    let (old, new) = formatted(at)?;
    Some(edits(&old, &new, None))
}

pub fn range(at: &At<'_>, range: Range) -> Option<Vec<TextEdit>> {
    let (old, new) = formatted(at)?;
    Some(edits(&old, &new, Some(range)))
}

/// Line edits from `old` to `new`; with a range, only the changes that
/// touch its lines.
fn edits(old: &str, new: &str, within: Option<Range>) -> Vec<TextEdit> {
    use lsp_types::Position;
    use similar::{DiffOp, TextDiff};
    let diff = TextDiff::from_lines(old, new);
    let old_lines: Vec<&str> = diff.old_slices().to_vec();
    let new_lines: Vec<&str> = diff.new_slices().to_vec();
    let mut out = Vec::new();
    for op in diff.ops() {
        let (old_at, old_len, new_at, new_len) = match *op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index, old_len, new_index, 0),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index, 0, new_index, new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (old_index, old_len, new_index, new_len),
        };
        if let Some(r) = within {
            let (first, last) = (old_at as u32, (old_at + old_len.max(1) - 1) as u32);
            if last < r.start.line || first > r.end.line {
                continue;
            }
        }
        // A last line without a newline ends the file: the edit runs to
        // its end, where the line after it would start.
        let end = if old_at + old_len >= old_lines.len() && !old.ends_with('\n') && old_len > 0 {
            let last = old_lines[old_lines.len() - 1];
            Position::new(
                (old_lines.len() - 1) as u32,
                last.encode_utf16().count() as u32,
            )
        } else {
            Position::new((old_at + old_len) as u32, 0)
        };
        out.push(TextEdit {
            range: Range::new(Position::new(old_at as u32, 0), end),
            new_text: new_lines[new_at..new_at + new_len].concat(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, edits: &[TextEdit]) -> String {
        let mut text = old.to_string();
        for e in edits.iter().rev() {
            super::super::text::apply(
                &mut text,
                vec![lsp_types::TextDocumentContentChangeEvent {
                    range: Some(e.range),
                    range_length: None,
                    text: e.new_text.clone(),
                }],
            );
        }
        text
    }

    #[test]
    fn line_edits_rebuild_the_new_text() {
        let old = "a\n  b\nc\n d";
        let new = "a\nb\nc\nd\n";
        assert_eq!(apply(old, &edits(old, new, None)), new);
        let only_b = edits(
            old,
            new,
            Some(Range::new(
                lsp_types::Position::new(1, 0),
                lsp_types::Position::new(1, 1),
            )),
        );
        assert_eq!(apply(old, &only_b), "a\nb\nc\n d");
    }
}
