//! End-to-end tests: real repositories built with the git CLI, the real `trailgate` binary.
//! One test binary so it links once.

mod support;

mod adversarial;
mod bad_input;
mod catalog_scan;
mod changed_paths;
mod commit_objects;
mod ecosystem;
mod findings;
mod fuzz_corpus;
mod hooks;
mod install;
mod objects;
mod output;
mod policy_source;
mod revisions;
mod session;
mod session_flow;
mod store_integrity;
mod submodules;
mod trailer_parity;
