//! The shim: the one small script installed under every hook name, which runs a kept
//! `NAME.local` first and then `trailgate hook NAME`, and the marker that tells our files
//! from others'.

use std::path::Path;

/// The line prefix that marks a hook file as written by trailgate (any shim version).
pub(crate) const MARKER: &str = "# trailgate-managed-hook";

/// The shim template; one file serves every hook name.
pub(super) const TEMPLATE: &str = include_str!("../../hooks/trailgate-hook.sh");
/// The template line that `shim` fills with the fallback binary path.
pub(super) const BINARY_LINE: &str = "trailgate_binary=''";

/// The shim text, with `binary` as the fallback used when `trailgate` is not on `PATH`.
/// A path that is not UTF-8 cannot be written into the script and is left out.
pub(crate) fn shim(binary: Option<&Path>) -> String {
    let Some(path) = binary.and_then(Path::to_str) else {
        return TEMPLATE.to_string();
    };
    // Single quotes keep everything literal in sh except `'` itself.
    let quoted = path.replace('\'', r"'\''");
    TEMPLATE.replacen(BINARY_LINE, &format!("trailgate_binary='{quoted}'"), 1)
}

/// Ours when one of the first lines starts with [`MARKER`] (the shebang comes first).
pub(super) fn is_ours(text: &[u8]) -> bool {
    text.split(|&b| b == b'\n')
        .take(5)
        .any(|line| line.starts_with(MARKER.as_bytes()))
}
