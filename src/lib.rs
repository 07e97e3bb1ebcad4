//! trailgate: enforce an organisation's policy on AI coding assistants in git.
//!
//! The engine is pure: [`trailers`] parses messages as git does, [`catalog`] and [`evidence`]
//! find assistants, [`policy`], [`exceptions`] and [`paths`] hold the rules, and [`verdict`]
//! judges a commit from plain data. [`git`] is the only module that reads a repository;
//! [`scan`] ties them together and [`report`] renders the results; [`install`] manages the
//! hook shims; [`session`] keeps the records of assistant sessions in a worktree.

pub mod catalog;
pub mod diag;
pub mod evidence;
pub mod exceptions;
pub mod facts;
pub mod findings;
mod fsutil;
pub mod git;
pub mod hooks;
pub mod install;
pub mod notes;
pub mod paths;
pub mod policy;
pub mod report;
pub mod scan;
pub mod session;
pub mod source;
mod tomlsrc;
pub mod trailers;
pub mod verdict;
