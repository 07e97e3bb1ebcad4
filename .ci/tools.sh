#!/usr/bin/env bash
# Outside tools the end-to-end tests use, installed from the package registries:
#   - headless Chromium (Debian) renders the HTML report;
#   - lighttpd, gitolite3 and openssh-server (Debian) are the Git servers the server-hook tests
#     push through, started by the tests on 127.0.0.1 only: their services are neither started
#     by the install nor left enabled for the next boot;
#   - python3 jsonschema (PyPI) validates SARIF against the official SARIF 2.1.0 schema, which
#     comes from Microsoft's @microsoft/jest-sarif package (npm);
#   - the pre-commit framework (PyPI) runs this repository's .pre-commit-hooks.yaml.
# Safe to run again: what is there is kept. Needs root for apt-get (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/ci-tools
mkdir -p "$tools"

if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

servers=()
[ -x /usr/sbin/lighttpd ] || servers+=(lighttpd)
[ -x /usr/sbin/sshd ] || servers+=(openssh-server)
command -v gitolite >/dev/null 2>&1 || servers+=(gitolite3)
if [ "${#servers[@]}" -gt 0 ]; then
    apt-get update -qq
    # No service may start (sshd on port 22, lighttpd on 80): the tests run their own servers
    # on free ports of 127.0.0.1. Debian's invoke-rc.d asks policy-rc.d; 101 means "no".
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${servers[@]}" >/dev/null
    # Nor start at the next boot of a machine that keeps them.
    for service in ssh lighttpd; do
        if command -v systemctl >/dev/null 2>&1; then
            systemctl disable --quiet "$service" >/dev/null 2>&1 || true
        fi
        update-rc.d "$service" disable >/dev/null 2>&1 || true
    done
fi

if ! python3 -c 'import jsonschema, pre_commit' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        'jsonschema>=4,<5' 'pre-commit>=3.2,<5'
fi

schema="$tools/sarif-2.1.0-rtm.5.json"
if [ ! -f "$schema" ]; then
    work=$(mktemp -d)
    (cd "$work" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null)
    tar -xzf "$work"/microsoft-jest-sarif-1.0.0-beta.0.tgz -C "$work" \
        package/lib/schemas/sarif-2.1.0-rtm.5.json
    mv "$work/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$schema"
    rm -rf "$work"
fi
