#!/usr/bin/env bash
# Install the system programs that agentport's publishing tests run for real on loopback
# (tests/support/servers.py): an OCI registry, htpasswd, git with http-backend, and Node.js/npm
# for the Claude Code CLI.  Idempotent: it installs only what is missing and runs
# `apt-get update` only then.  Exits non-zero with a clear message when it cannot, so CI stops
# here instead of failing (or worse, skipping) deep inside pytest.
set -euo pipefail

die() {
    echo "services.sh: $*" >&2
    exit 1
}

# Debian package -> a program proving it is usable.
declare -A program_of=(
    [docker-registry]=/usr/bin/docker-registry
    [apache2-utils]=htpasswd
    [git]=git
    [nodejs]=node
    [npm]=npm
)
minimum_node_major=18

missing=()
for package in docker-registry apache2-utils git nodejs npm; do
    command -v "${program_of[$package]}" >/dev/null 2>&1 || missing+=("$package")
done

if ((${#missing[@]})); then
    [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]}; run this script as root to install them"
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and apt-get is not available"
    echo "services.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
fi

for package in "${!program_of[@]}"; do
    command -v "${program_of[$package]}" >/dev/null 2>&1 \
        || die "${program_of[$package]} (package $package) is still missing after installing"
done

git_backend="$(git --exec-path)/git-http-backend"
[[ -x $git_backend ]] || die "git http-backend not found at $git_backend"

node_version=$(node --version)
node_major=${node_version#v}
node_major=${node_major%%.*}
((node_major >= minimum_node_major)) \
    || die "Claude Code needs Node >= $minimum_node_major, found $node_version"

echo "services.sh: docker-registry, htpasswd, git http-backend, node $node_version and npm are ready"
