#!/usr/bin/env bash
# `scripts/test-node.sh 24`: runs the suites of core, the memory, PostgreSQL, Redis and SQLite
# transports and tests/ on another Node.js line, taken from the npm registry's `node` package,
# against the packages setup.sh built. The CLI, OpenTelemetry, dashboard and newer packages run on
# the machine's Node.js only, which keeps `npm test` within its time budget.
# vitest itself runs on that Node.js, and so do the processes the tests start (process.execPath,
# and `node` on PATH). The workspace's better-sqlite3 is built for the machine's Node.js, so there
# the SQLite transport picks node:sqlite (its default wherever Node.js has it).
set -euo pipefail
version="${1:?usage: scripts/test-node.sh <node major or version, e.g. 24>}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

node_bin="$(npx --yes --package "node@$version" -c 'command -v node')"
export PATH="$(dirname "$node_bin"):$PATH"
echo "test-node: $("$node_bin" --version) from the npm package node@$version"

for dir in packages/core packages/transport-memory packages/transport-postgres packages/transport-redis \
  packages/transport-sqlite; do
  echo "test-node: $dir"
  (cd "$root/$dir" && "$node_bin" node_modules/vitest/vitest.mjs run)
done
# The demo runs examples/leadgen, whose domain store opens its file with better-sqlite3 itself.
echo "test-node: tests (without the demo)"
(cd "$root/tests" && "$node_bin" node_modules/vitest/vitest.mjs run --exclude test/demo.test.ts)
