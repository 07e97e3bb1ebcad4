#!/bin/sh
# Build and install the `trailgate` binary with cargo, then install its git hooks into the
# repository named (`sh install.sh PATH`) or the one this is run in, never into trailgate's
# own checkout (or say how to, outside a repository), then check it can be found.
set -eu
here=$(cd "$(dirname "$0")" && pwd -P)
target=${1:-.}
if [ ! -d "$target" ]; then
    echo "install.sh: $target is not a directory: name the repository to install the hooks into" >&2
    exit 2
fi
echo "building trailgate with cargo (a few minutes the first time)" >&2
cargo install --locked --path "$here"
bin_dir="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"

# Use the binary just installed, not whichever `trailgate` PATH finds first: the hooks fall
# back to the path of the binary that installed them.
inside=$(git -C "$target" rev-parse --is-inside-work-tree 2>/dev/null || true)
bare=$(git -C "$target" rev-parse --is-bare-repository 2>/dev/null || true)
top=$(git -C "$target" rev-parse --show-toplevel 2>/dev/null || true)
if [ "$inside" = true ] && [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$here" ]; then
    # Hooks here would judge trailgate's own commits; they are for the repositories it guards.
    echo "trailgate's own checkout: no hooks installed here. To guard a repository, run" >&2
    echo "\`trailgate install\` in it (or \`sh install.sh PATH/TO/REPO\`)." >&2
elif [ "$inside" = true ] || [ "$bare" = true ]; then
    # The binary is installed either way: a hook conflict is reported, not fatal, so
    # `sh install.sh && trailgate scan` still works.
    "$bin_dir/trailgate" -C "$target" install ||
        echo "the hooks were not installed (see above); fix that, then run \`trailgate install\`" >&2
else
    echo "not in a git work tree: to install the hooks, run \`trailgate install\` in one" >&2
    echo "(\`trailgate install --server\` for a bare server repository)" >&2
fi

if ! command -v trailgate >/dev/null 2>&1; then
    echo "trailgate was installed to $bin_dir, which is not on your PATH." >&2
    echo "Add it:  export PATH=\"$bin_dir:\$PATH\"" >&2
    exit 1
fi
echo "installed $(trailgate --version) to $bin_dir" >&2
