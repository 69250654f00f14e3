#!/usr/bin/env bash
# `pnpm lint:packages`: packs every package under packages/ as a registry would receive it, and
# checks each tarball with publint (package.json against the packed files) and with
# @arethetypeswrong/cli (the types resolve like the JavaScript, in every resolution mode).
#
# attw runs with the "esm-only" profile: the packages are ES modules only, by design. That profile
# leaves out two findings that do not apply to them: node10 resolution (TypeScript's old `node`
# mode ignores `exports`, so no subpath entry point resolves) and "CJS resolves to ESM" (a
# CommonJS caller needs `import()`, or the `require(esm)` of Node.js 20.19+ and 22.12+, the
# versions `engines` allows).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

pnpm exec turbo run build --filter='./packages/*' --output-logs=errors-only
for dir in packages/*/; do
  (cd "$dir" && pnpm pack --pack-destination "$out" >/dev/null)
done

status=0
for tarball in "$out"/*.tgz; do
  name="$(basename "$tarball")"
  echo "== $name"
  pnpm exec publint run "$tarball" --strict --level suggestion || status=1
  pnpm exec attw "$tarball" --profile esm-only --format table-flipped || status=1
done
exit "$status"
