//! Where `--output` writes (docs/output.md, "--output FILE"): `-` is standard output; a regular
//! file (or a new one) is replaced atomically when the report is complete; a device, FIFO or
//! symlink is written into and stays what it was.

use anyhow::{Context, Result, bail};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// An open report target; [`Output::commit`] finishes it.
pub(super) struct Output {
    /// Where the report goes.
    pub writer: BufWriter<Box<dyn Write>>,
    /// A temporary file to rename over its destination once the report is complete.
    pending: Option<(tempfile::TempPath, PathBuf)>,
}

impl Output {
    /// Open `path` (standard output for `None` or `-`).
    pub(super) fn open(path: Option<&Path>) -> Result<Output> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output::direct(Box::new(io::stdout())));
        };
        let meta = match fs::symlink_metadata(path) {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot inspect {}", path.display())),
        };
        match meta.map(|m| m.file_type()) {
            None => Output::replace(path),
            Some(t) if t.is_file() => Output::replace(path),
            Some(t) if t.is_dir() => bail!("--output {}: is a directory", path.display()),
            // Replacing a link would cut it: the report goes where it points.
            Some(t) if t.is_symlink() => match fs::canonicalize(path) {
                Ok(target) if target.is_file() => Output::replace(&target),
                Ok(target) if target.is_dir() => {
                    bail!("--output {}: is a directory", path.display())
                }
                // A device or FIFO behind the link, or a link to nothing yet.
                _ => Output::write_into(path, true),
            },
            // Devices, FIFOs and sockets are written into, never replaced: `--output
            // /dev/null` must leave the device where it is, even for root.
            Some(_) => Output::write_into(path, false),
        }
    }

    fn direct(writer: Box<dyn Write>) -> Output {
        Output {
            writer: BufWriter::new(writer),
            pending: None,
        }
    }

    fn write_into(path: &Path, create: bool) -> Result<Output> {
        let file = OpenOptions::new()
            .write(true)
            .create(create)
            .truncate(create)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(Output::direct(Box::new(file)))
    }

    /// A temporary file beside `path`, created with mode 0666 so the umask decides the rest,
    /// as for any file a tool writes.
    fn replace(path: &Path) -> Result<Output> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".trailgate-report-")
            .permissions(world_writable_before_umask())
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a file in {}", dir.display()))?;
        let (file, tmp_path) = tmp.into_parts();
        Ok(Output {
            writer: BufWriter::new(Box::new(file) as Box<dyn Write>),
            pending: Some((tmp_path, path.to_path_buf())),
        })
    }

    /// Flush the report and, for a regular file, rename it into place.
    pub(super) fn commit(mut self) -> Result<()> {
        self.writer.flush().context("cannot write the report")?;
        drop(self.writer);
        if let Some((tmp, path)) = self.pending.take() {
            // The data reaches the disk before the name points at it.
            File::open(&tmp)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            tmp.persist(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn world_writable_before_umask() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o666)
}
