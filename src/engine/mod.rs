//! The engine: plain data in, plain data out. Trailers parsed as git parses them, the catalog
//! of assistants, the evidence a commit carries, production paths, the compiled policy and
//! exception registry, the verdict on a commit, finding codes, and the records reports are
//! made of. Nothing here reads a repository, a file or the environment.

pub mod baseline;
pub(crate) mod catalog;
pub mod evidence;
pub(crate) mod exceptions;
pub(crate) mod facts;
pub mod findings;
pub(crate) mod paths;
pub mod policy;
pub mod record;
pub mod trailers;
pub(crate) mod verdict;
