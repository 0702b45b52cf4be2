//! Support for the project's tests and benchmarks: a reference
//! interpreter of the semantics and generated policies.

pub mod interp;
pub mod synthetic;
