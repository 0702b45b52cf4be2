//! `mandate lsp`: a language server for policy authors, over the same
//! stages as `mandate check`. Each open file is analysed with the whole
//! corpus it belongs to (the nearest folder above it holding
//! `schema.policy`, or the built-in corpus for a lone file), from the
//! editor's unsaved text over the files on disk.

mod actions;
mod completion;
mod corpus;
mod diagnostics;
mod formatting;
mod hover;
mod index;
mod navigation;
mod server;
mod text;
mod uri;

pub use server::run;

use crate::source::FileId;

/// A position in a corpus, as the handlers receive it.
pub(crate) struct At<'a> {
    pub ws: &'a corpus::Workspace,
    pub corpus: &'a corpus::Corpus,
    pub state: &'a corpus::State,
    pub file: FileId,
    pub offset: usize,
}
