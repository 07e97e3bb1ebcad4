#!/usr/bin/env bash
# The time trailgate's server hook adds to a push of 100 commits through real Git servers:
# smart HTTP (lighttpd and git http-backend) and gitolite over ssh, each started on 127.0.0.1
# by the benchmark, a repository with the hook against one without on the same server,
# alternating, medians of 9. Needs what .ci/tools.sh installs, and root for sshd.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --locked --test e2e -- --ignored --nocapture --exact \
    servers::timing::push_of_100_commits_through_each_server 2>&1 |
    grep -E '^(smart HTTP|gitolite)|^skipped|panicked|test result'
