//! trailgate: enforce an organisation's policy on AI coding assistants in git.
//!
//! The crate is layered; each layer imports only from the layers before it (CONTRIBUTING.md
//! has the map, and a test holds the rule):
//! - [`engine`]: pure judging over plain data (trailers, catalog, evidence, paths, verdicts,
//!   findings, records);
//! - [`git`]: the only door to a repository;
//! - [`config`]: policy and exception registry, read and validated, and where they come from;
//! - [`judge`]: one commit, from its facts to its record; [`scan`]: a history of them;
//! - [`sessions`], [`hooks`], [`install`]: assistant sessions, the hook front doors, the hook
//!   shims;
//! - [`report`]: rendering records in every output format.

pub mod config;
pub mod engine;
mod fsutil;
pub mod git;
pub mod hooks;
pub mod install;
pub mod judge;
pub mod report;
pub mod scan;
pub mod sessions;
