//! End-to-end tests: real repositories built with the git CLI, the real `trailgate` binary.
//! One test binary so it links once.

mod support;

mod adversarial;
mod bad_input;
mod baseline;
mod catalog_scan;
mod changed_paths;
mod colons;
mod commit_hooks;
mod commit_objects;
mod dead_patterns;
mod docs_examples;
mod ecosystem;
mod escapes;
mod finding_codes;
mod findings;
mod fuzz_corpus;
mod git_door;
mod hooks;
mod install;
mod install_atomic;
mod layers;
mod notes_bounds;
mod objects;
mod org_report;
mod output;
mod output_targets;
mod pipeline;
mod policy_source;
mod read_ahead;
mod redteam_client;
mod redteam_server;
mod revisions;
mod servers;
mod session;
mod session_flow;
mod session_lifecycle;
mod store_integrity;
mod submodules;
mod trailer_parity;
mod trusted_policy;
