//! mandate: jurisdiction-aware confidentiality policy for therapists.
//!
//! ```
//! let policies = mandate::Policies::embedded()?;
//! let facts = mandate::Facts::new().with("concern", "child_abuse").with("victim_age", 10);
//! let answer = policies.decide("CA", &facts)?;
//! assert_eq!(answer.action, mandate::Action::MustReport);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Policies`] loads a corpus (the built-in one, a directory, or a
//! compiled artifact) and answers with an [`Answer`]: what to do, to whom,
//! by when, under which statute, and the facts it assumed. A service that
//! decides millions of times resolves names once ([`Policies::fact_key`],
//! [`Policies::jurisdiction`]) and calls [`Policies::decide_prepared`],
//! which allocates nothing.
//!
//! mandate informs; it is not legal advice.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Without `testkit`, the stages are private and some of their items serve
// only the tests and benchmarks that turn it on.
#![cfg_attr(not(feature = "testkit"), allow(dead_code, unused_imports))]

mod api;

pub use api::{
    Answer, Assumption, Combined, CorpusId, DecideError, Decision, Diagnostics, Encoded, Fact,
    FactKey, FactKind, FactValue, Facts, FactsError, Footnote, Item, Jurisdiction, JurisdictionId,
    Merged, Next, Notice, Policies, Prepared, Problem, Schema, Section, Value, Variant, DISCLAIMER,
    MAX_ARTIFACT_BYTES,
};
pub use table::{Action, Deadline, Duration, Miss, Trace};

/// The stages, in pipeline order. Public only with the `testkit` feature,
/// for the project's own tests and benchmarks; not a stable API.
macro_rules! stages {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[cfg(feature = "testkit")]
        #[doc(hidden)]
        #[allow(missing_docs)]
        pub mod $name;
        $(#[$m])*
        #[cfg(not(feature = "testkit"))]
        mod $name;
    )*};
}

stages!(
    source,
    diag,
    syntax,
    check,
    compile,
    table,
    loader,
    pipeline,
    lint,
    policy_tests,
    diff,
    fmt,
    matrix,
);

#[cfg(feature = "testkit")]
#[doc(hidden)]
#[allow(missing_docs)]
pub mod testkit;

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;

#[cfg(feature = "serve")]
mod serve;

#[cfg(feature = "lsp")]
#[doc(hidden)]
pub mod lsp;

pub(crate) use pipeline::{analyse, analyse_with, compile_sources, Analysis};
