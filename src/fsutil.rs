//! Small file-system helpers shared by the modules that write under the git dir.

use std::io::{self, Write};
use std::path::Path;

/// Write a small file whole or not at all: the bytes go to a temporary file in the same
/// directory, which is then renamed over `path`, so readers (and concurrent writers of other
/// files in the directory) never see half of it.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
