//! Values and constants: string enums and unions (macros and helpers), constants, tri-state `Patch`, binary payloads, prompt templates.

pub(crate) mod binary;
pub(crate) mod constant;
pub(crate) mod patch;
pub(crate) mod template;
pub(crate) mod unions;
