#!/usr/bin/env bash
# `scripts/bench-node.sh 24 [bench options]`: installs and builds like `npm run bench`, then runs the
# benchmark harness on another Node.js line, taken from the npm registry's `node` package, with the
# newest releases of the peer job queues (`--peers newest`; a later `--peers pinned` overrides it).
# The worker child processes run on that Node.js too (they are forked from process.execPath). The
# workspace's better-sqlite3 is built for the machine's Node.js, so there the SQLite transport picks
# node:sqlite (its default wherever Node.js has it).
set -euo pipefail
version="${1:?usage: scripts/bench-node.sh <node major or version, e.g. 24> [bench options]}"
shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/setup.sh" >&2

node_bin="$(npx --yes --package "node@$version" -c 'command -v node')"
export PATH="$(dirname "$node_bin"):$PATH"
echo "bench-node: $("$node_bin" --version) from the npm package node@$version" >&2
cd "$root/bench"
"$node_bin" dist/main.js --peers newest "$@"
