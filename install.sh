#!/bin/sh
# Build and install the `trailgate` binary with cargo, then check it can be found.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cargo install --locked --quiet --path "$here"
bin_dir="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
if ! command -v trailgate >/dev/null 2>&1; then
    echo "trailgate was installed to $bin_dir, which is not on your PATH." >&2
    echo "Add it:  export PATH=\"$bin_dir:\$PATH\"" >&2
    exit 1
fi
echo "installed $(trailgate --version) to $bin_dir" >&2
