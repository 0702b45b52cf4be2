//! One registry for every loaded policy file, so each diagnostic can point
//! at (file, span) and render in the right place even when a state file and
//! the federal file it extends are both involved.

use std::sync::Arc;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one file. Spans are left out of equality on purpose:
/// tests compare ASTs by shape, not by where they were written.
#[derive(Clone, Copy, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

/// Compact, so AST snapshots stay readable.
impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}
impl Eq for Span {}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }
    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown to users: a path relative to the corpus root.
    pub name: String,
    pub text: Arc<str>,
    /// Where the file is on disk, exactly (the name may not be valid
    /// UTF-8, so `name` is only for showing); `None` for text that came
    /// from elsewhere (the binary, git, an editor).
    pub path: Option<std::path::PathBuf>,
    /// Byte offset of the start of every line, for line numbers in
    /// O(log n) (large generated files have thousands of rules).
    line_starts: Arc<[u32]>,
}

impl SourceFile {
    /// Byte offsets where lines start.
    pub fn line_starts(&self) -> &Arc<[u32]> {
        &self.line_starts
    }
}

#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.add_at(name, None, text)
    }
    /// A file read from `path` on disk, shown as `name`.
    pub fn add_file(
        &mut self,
        name: impl Into<String>,
        path: std::path::PathBuf,
        text: impl Into<Arc<str>>,
    ) -> FileId {
        self.add_at(name, Some(path), text)
    }
    fn add_at(
        &mut self,
        name: impl Into<String>,
        path: Option<std::path::PathBuf>,
        text: impl Into<Arc<str>>,
    ) -> FileId {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            )
            .collect();
        self.files.push(SourceFile {
            name: name.into(),
            text,
            path,
            line_starts,
        });
        FileId((self.files.len() - 1) as u32)
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
    /// 1-based line of a span's start.
    pub fn line(&self, span: Span) -> usize {
        let starts = &self.get(span.file).line_starts;
        starts.partition_point(|&s| s <= span.start)
    }
    /// 1-based line and column of a span's start. Every output counts
    /// columns this one way: in characters, not bytes, so `§` is one
    /// column in JSON, SARIF and GitHub annotations alike.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        self.position(span.file, span.start)
    }
    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, file: FileId, offset: u32) -> (usize, usize) {
        let f = self.get(file);
        let line = f.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = f.line_starts.get(line - 1).copied().unwrap_or(0) as usize;
        let mut end = (offset as usize).min(f.text.len());
        while !f.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = f.text.get(start..end).map_or(1, |t| t.chars().count() + 1);
        (line, column)
    }
    pub fn slice(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        text.get(span.range()).unwrap_or("")
    }
}
