#!/usr/bin/env bash
# `npm run demo`: install and build, then run the example application.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/setup.sh" >&2
cd "$root"
pnpm --silent --filter @messenger-ts/example-quickstart start
