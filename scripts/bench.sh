#!/usr/bin/env bash
# `npm run bench [-- --only name --n count]`: install and build, then run the benchmarks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/setup.sh" >&2
cd "$root"
pnpm --silent --filter @messenger-ts/bench start "$@"
