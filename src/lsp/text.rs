//! Positions: byte offsets in the text the stages read against LSP
//! positions, whose columns count UTF-16 code units.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// Byte offsets where the lines of `text` start.
pub fn line_starts(text: &str) -> Vec<u32> {
    std::iter::once(0)
        .chain(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        )
        .collect()
}

/// The position of a byte offset. An offset inside a character counts
/// from the character's start.
pub fn position(text: &str, starts: &[u32], offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = starts
        .partition_point(|&s| s as usize <= offset)
        .saturating_sub(1);
    let start = starts.get(line).map_or(0, |&s| s as usize).min(offset);
    let column = text[start..offset].encode_utf16().count();
    Position::new(line as u32, column as u32)
}

/// The byte offset of a position. A line past the end is the end of the
/// text; a column past the end of its line is the end of the line, as the
/// protocol asks.
pub fn offset(text: &str, starts: &[u32], pos: Position) -> usize {
    let Some(&start) = starts.get(pos.line as usize) else {
        return text.len();
    };
    let start = start as usize;
    let end = starts
        .get(pos.line as usize + 1)
        .map_or(text.len(), |&s| s as usize - 1);
    let mut units = 0u32;
    for (i, c) in text[start..end].char_indices() {
        if units >= pos.character {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    end
}

pub fn range(text: &str, starts: &[u32], start: usize, end: usize) -> Range {
    Range::new(
        position(text, starts, start),
        position(text, starts, end.max(start)),
    )
}

/// Apply the editor's changes, in order, to a buffer.
pub fn apply(text: &mut String, changes: Vec<TextDocumentContentChangeEvent>) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(r) => {
                let starts = line_starts(text);
                let a = offset(text, &starts, r.start);
                let b = offset(text, &starts, r.end).max(a);
                text.replace_range(a..b, &change.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "cite \"§ 1 😀 x\"\nnext";
        let starts = line_starts(text);
        let x = text.find('x').unwrap();
        // `§` is one unit, the emoji two.
        assert_eq!(position(text, &starts, x), Position::new(0, 13));
        assert_eq!(offset(text, &starts, Position::new(0, 13)), x);
        assert_eq!(offset(text, &starts, Position::new(1, 99)), text.len());
        assert_eq!(offset(text, &starts, Position::new(7, 0)), text.len());
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut text = String::from("when victim_age < 18\n");
        let at = |l, c| Position::new(l, c);
        apply(
            &mut text,
            vec![
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(at(0, 14), at(0, 15))),
                    range_length: None,
                    text: String::new(),
                },
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(at(1, 0), at(1, 0))),
                    range_length: None,
                    text: "x".into(),
                },
            ],
        );
        assert_eq!(text, "when victim_ag < 18\nx");
    }
}
