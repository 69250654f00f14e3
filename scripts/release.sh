#!/usr/bin/env bash
# `npm run release`: a dry run of a release. Installs and builds (setup.sh), checks every packed
# package with publint and @arethetypeswrong/cli, runs the consumer test (the packed packages
# installed with npm into a new application and run), and leaves the tarballs in release/.
# It publishes nothing: that is a maintainer's manual step (docs/releasing.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/setup.sh"
cd "$root"

pnpm exec changeset status
bash scripts/lint-packages.sh
bash scripts/services.sh
pnpm --filter @messenger-ts/tests exec vitest run test/consumer.test.ts

rm -rf release
mkdir -p release
for dir in packages/*/; do
  (cd "$dir" && pnpm pack --pack-destination "$root/release" >/dev/null)
done
echo "release: dry run done; nothing was published. Tarballs in release/:"
ls -1 release
