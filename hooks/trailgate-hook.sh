#!/bin/sh
# trailgate-managed-hook v1
#
# trailgate's git hook shim. `trailgate install` writes this file under each hook name and
# `trailgate uninstall` removes it. A hook that was there before is kept beside it as
# NAME.local and runs first, with the same arguments and input; both must pass.
# Edits here are lost on the next install: put your own checks in NAME.local.

# Set by `trailgate install` to its own path: the binary that installed the hook runs it;
# `trailgate` on PATH is the fallback when that binary is gone.
trailgate_binary=''

# One file serves every hook, so the hook name is the file name. Parameter expansion rather
# than basename/dirname: server hooks have a tight time budget.
name=${0##*/}
case $0 in
    */*) here=${0%/*} ;;
    *) here=. ;;
esac
local_hook=$here/$name.local

# Find the binary before running anything, so a broken install fails before side effects.
# Every hook fails when it is missing: a server hook that cannot decide must reject.
if [ -n "$trailgate_binary" ] && [ -x "$trailgate_binary" ]; then
    trailgate=$trailgate_binary
elif command -v trailgate >/dev/null 2>&1; then
    trailgate=trailgate
else
    echo "trailgate: cannot find the trailgate binary; install it (sh install.sh in a trailgate checkout, or cargo install --path .) or remove this hook with \`trailgate uninstall\`" >&2
    exit 1
fi

# git skips hooks that are not executable; so does the shim.
if [ -f "$local_hook" ] && [ -x "$local_hook" ]; then
    case $name in
        pre-push | pre-receive | post-receive | post-rewrite | reference-transaction | proc-receive)
            # These hooks read standard input, and both hooks must see all of it.
            input=$(mktemp "${TMPDIR:-/tmp}/trailgate-hook.XXXXXX") || exit 1
            trap 'rm -f "$input"' EXIT
            trap 'exit 129' HUP
            trap 'exit 130' INT
            trap 'exit 143' TERM
            cat >"$input" || exit 1
            "$local_hook" "$@" <"$input" || exit $?
            # exec skips the EXIT trap: open the copy as stdin, then unlink it.
            exec <"$input" || exit 1
            rm -f "$input"
            ;;
        *)
            "$local_hook" "$@" || exit $?
            ;;
    esac
fi

exec "$trailgate" hook "$name" "$@"
