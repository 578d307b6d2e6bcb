//! The generator: load a pinned OpenAPI spec, resolve it into a Rust type model, emit Rust code.
//!
//! Each stage is one module with one job; `ir` is the contract between `resolve` and `emit`.

pub mod error;
pub mod idents;
pub mod load;
pub mod ir;
pub mod resolve;
pub mod diff;
pub mod probe;
pub mod emit;
pub mod extensions;
pub mod pin;
pub mod pipeline;
pub mod examples;
pub mod fuzz;
pub mod golden;
pub mod profile;
pub mod observe_table;
pub mod crate_docs;
