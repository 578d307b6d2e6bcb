//! What the tests and their tooling make from a normalised spec, kept out of the generator: sample
//! arguments for every operation, and the document the conformance mock server reads; and the
//! fixture pairs of the drift report.

pub mod diff_pairs;
pub mod mock_spec;
pub mod random;
pub mod sample;
