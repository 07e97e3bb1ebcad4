//! Configuration: reading policy and registry text into the engine's types, with diagnostics
//! that name the file, the line and what to do, and finding where the policy comes from (a
//! file, `REV:PATH`, `trailgate.policy`, a server's trusted ref).

mod assistants;
pub mod catalog;
pub mod common;
pub mod diag;
pub mod policy;
mod raw;
pub mod registry;
pub mod server;
pub mod source;
pub(crate) mod tomlsrc;
