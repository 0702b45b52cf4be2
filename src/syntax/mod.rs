//! Text to typed AST. pest stays private to this module: the rest of the
//! crate sees only [`ast`] and [`Diagnostic`]s.

pub mod ast;
mod lower;
mod recover;

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Sources, Span};

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Parentheses and brackets nested deeper than this are refused before
/// parsing, so a hostile file cannot exhaust the parser's stack.
pub const MAX_NESTING: usize = 64;

/// Parse one file of the registry, all or nothing: on failure the
/// diagnostics say why, one per broken item.
pub fn parse(sources: &Sources, file: FileId) -> Result<ast::File, Vec<Diagnostic>> {
    let (ast, diags) = parse_recovering(sources, file);
    if diags.is_empty() {
        Ok(ast)
    } else {
        Err(diags)
    }
}

/// Parse one file of the registry, recovering from syntax errors: the tree
/// holds every item that parsed, the diagnostics every problem found.
pub fn parse_recovering(sources: &Sources, file: FileId) -> (ast::File, Vec<Diagnostic>) {
    match refuse(sources, file) {
        Some(d) => (ast::File::default(), vec![d]),
        None => recover::parse(&sources.get(file).text, file),
    }
}

/// Files too large or too deeply nested to parse safely.
fn refuse(sources: &Sources, file: FileId) -> Option<Diagnostic> {
    let text = &sources.get(file).text;
    if text.len() > MAX_FILE_BYTES {
        return Some(
            Diagnostic::new(
                Code::Limit,
                format!(
                    "file is {} bytes, more than the limit of {} bytes",
                    text.len(),
                    MAX_FILE_BYTES
                ),
            )
            .label(Span::new(file, 0, 0), "this file")
            .help("split the jurisdiction over several files or remove generated content"),
        );
    }
    if let Some((at, depth)) = too_deep(text) {
        return Some(
            Diagnostic::new(
                Code::Limit,
                format!("nesting deeper than {MAX_NESTING} levels"),
            )
            .label(
                Span::new(file, at, at + 1),
                format!("level {depth} starts here"),
            )
            .help("simplify the condition; deep nesting is never needed to express a statute"),
        );
    }
    None
}

/// The first position where nesting goes deeper than [`MAX_NESTING`],
/// ignoring strings and comments. Brackets nest, and so does a run of
/// `not`s (`not not not x`), which the parser also handles by recursion.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut depth, mut nots, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                nots = 0;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                nots = 0;
            }
            b if b.is_ascii_alphanumeric() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                nots = if &bytes[start..i] == b"not" {
                    nots + 1
                } else {
                    0
                };
                if depth + nots > MAX_NESTING {
                    return Some((start, depth + nots));
                }
                continue;
            }
            _ => {}
        }
        if depth + nots > MAX_NESTING {
            return Some((i, depth + nots));
        }
        i += 1;
    }
    None
}
