#!/usr/bin/env bash
# `npm test`: install, build, bring up the services, then lint, type-check and run every test on
# the machine's Node.js, then the suites of core, four transports and tests/ on Node.js 24.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/setup.sh"
bash "$root/scripts/services.sh"
cd "$root"
pnpm exec biome ci .
pnpm exec tsc -p tsconfig.test.json
pnpm exec turbo run test --concurrency=1 --output-logs=new-only
bash "$root/scripts/test-node.sh" 24
