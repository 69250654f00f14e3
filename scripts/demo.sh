#!/usr/bin/env bash
# `npm run demo`: install and build, then run the lead-generation demo (examples/leadgen): fixtures,
# a mix of all nine messages with the failure inputs, two workers and the scheduler as child
# processes, then the queue statistics and the failed messages. On SQLite in a temporary
# directory by default; DATABASE_URL=postgres://… or MESSENGER_TRANSPORT_DSN=redis://… switch it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/setup.sh" >&2
cd "$root"
exec node examples/leadgen/bin/demo "$@"
