#!/usr/bin/env bash
# Installs what the project needs on a machine with only Node.js 20: the pinned pnpm (into .tools/,
# no root needed), the dependencies from the frozen lockfile, and the build of every package.
# Source it (`. scripts/setup.sh`) to get pnpm on PATH afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

PNPM_VERSION=12.4.2
export PATH="$root/.tools/node_modules/.bin:$PATH"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION into .tools/"
  npm install --silent --no-save --no-package-lock --prefix "$root/.tools" "pnpm@$PNPM_VERSION" >/dev/null
fi

# pnpm 12 ignores nodedir in .npmrc; node-gyp (better-sqlite3) reads it from the environment.
# Only set it where the system headers exist, so machines with internet keep prebuilt binaries.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1

pnpm install --frozen-lockfile --reporter=silent
pnpm exec turbo run build --output-logs=errors-only
